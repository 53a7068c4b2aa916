"""Synthetic outcome panels with known treatment effects (staggered adoption).

Drives the validation of :mod:`analysis.outcomes` and writes the shipped example panel.
The data-generating process, per unit ``i`` (cohort ``g_i``, first treated period; 0 =
never treated) and period ``t``:

    y_it = a_i + l_t + gamma * x_i * (t - t_0) + b_it + tau(g_i, t) * 1[t >= g_i] + e_it

* ``a_i ~ N(0.5 * k_i, 1)`` unit effect (cohorts differ in levels, which DiD removes),
  ``l_t`` a random-walk period effect, ``x_i ~ N(0.3 * k_i, 1)`` a baseline covariate,
  ``k_i`` the cohort's index (1, 2, ...; 0 for never treated), ``e_it ~ N(0, noise²)``;
* ``gamma`` (``covariate_trend``) makes parallel trends hold only conditional on ``x``;
* ``b_it = pre_trend * (t - g_i)`` for treated units before treatment (and ``0`` from
  ``g_i`` on): a violation of parallel trends the pre-trend tests should detect;
* ``tau(g, t) = (effect + dynamics * (t - g)) * (1 + heterogeneity * (k - 1))``: the
  effect on impact, its change per period of exposure, and its difference across
  cohorts. Effects are the same for every unit of a cohort, so the true ATT(g,t) is
  ``tau(g, t)``.

The true aggregates follow Callaway & Sant'Anna (2021, J. Econometrics 225(2), §3.3)
with the sample cohort shares as weights, exactly the parameters
:func:`analysis.outcomes.did.aggregate` estimates: ``simple`` (post cells weighted by cohort
size), ``dynamic`` (by event time), ``group`` (mean over each cohort's post periods, then
cohort-size weighted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class SyntheticPanel:
    """A long panel with its true effects.

    ``data``: columns ``unit, period, first_treated`` (0 = never treated), ``treated``
    (0/1), the outcome and the covariate ``x``. ``att_gt``: true ATT(g,t) for every
    cohort and period (``att`` is 0 before treatment). ``simple``, ``dynamic`` (Series by
    event time ``e >= 0``), ``group`` (Series by cohort) and ``group_overall``: true
    aggregates.
    """

    data: pd.DataFrame
    att_gt: pd.DataFrame
    simple: float
    dynamic: pd.Series
    dynamic_overall: float
    group: pd.Series
    group_overall: float


def true_effect(
    cohorts: Sequence[int],
    periods: Sequence[int],
    effect: float,
    dynamics: float = 0.0,
    heterogeneity: float = 0.0,
) -> pd.DataFrame:
    """True ATT(g,t) of the design: one row per cohort and period (0 before treatment)."""
    rows = []
    for k, g in enumerate(sorted(cohorts), start=1):
        for t in periods:
            e = t - g
            tau = (effect + dynamics * e) * (1.0 + heterogeneity * (k - 1)) if e >= 0 else 0.0
            rows.append((g, t, e, tau))
    return pd.DataFrame(rows, columns=["group", "period", "event_time", "att"])


def true_aggregates(att_gt: pd.DataFrame, cohort_sizes: pd.Series) -> dict[str, object]:
    """Simple, dynamic and group aggregates of ``att_gt`` (Callaway & Sant'Anna 2021, §3.3).

    ``cohort_sizes``: number of units per cohort (index = first treated period).
    """
    cells = att_gt.merge(cohort_sizes.rename("size"), left_on="group", right_index=True)
    post = cells[cells["event_time"] >= 0]
    simple = float(np.average(post["att"], weights=post["size"]))
    dynamic = post.groupby("event_time").apply(
        lambda c: float(np.average(c["att"], weights=c["size"])), include_groups=False
    )
    group = post.groupby("group")["att"].mean()
    group_overall = float(np.average(group, weights=cohort_sizes.loc[group.index]))
    return {
        "simple": simple,
        "dynamic": dynamic.astype(float),
        "dynamic_overall": float(dynamic.mean()),
        "group": group.astype(float),
        "group_overall": group_overall,
    }


def make_panel(
    n_units: int = 200,
    periods: Sequence[int] = tuple(range(2015, 2025)),
    cohorts: Sequence[int] = (2018, 2020, 2022),
    effect: float = 1.0,
    dynamics: float = 0.0,
    heterogeneity: float = 0.0,
    pre_trend: float = 0.0,
    noise: float = 1.0,
    seed: int = 0,
    *,
    never_share: float = 0.3,
    covariate_trend: float = 0.0,
    outcome: str = "y",
    unit_prefix: str = "u",
    noise_seed: int | None = None,
) -> SyntheticPanel:
    """Draw a balanced panel of ``n_units`` × ``periods`` with staggered adoption.

    A share ``never_share`` of units is never treated; the rest is split evenly (by
    random draw) over ``cohorts`` (first treated periods, inside ``periods`` and after
    its first period). See the module docstring for the model. Reproducible: the same
    arguments and ``seed`` give the same panel. ``noise_seed`` draws the unit, period and
    noise terms from a second stream, so outcomes drawn with the same ``seed`` and other
    ``noise_seed`` share units, cohorts and covariate but not their noise.
    """
    periods = np.asarray(sorted(periods), dtype=np.int64)
    cohorts = sorted(int(g) for g in cohorts)
    if n_units < 2 or len(periods) < 2:
        raise ValueError("need at least 2 units and 2 periods")
    if any(g <= periods[0] or g > periods[-1] for g in cohorts):
        raise ValueError("every cohort must start after the first period and within the panel")
    if not 0.0 <= never_share < 1.0:
        raise ValueError("never_share must lie in [0, 1)")
    rng = np.random.default_rng(seed)
    n_t = len(periods)
    k = rng.choice(
        np.arange(len(cohorts) + 1),
        size=n_units,
        p=[never_share] + [(1 - never_share) / len(cohorts)] * len(cohorts),
    )
    g_of_k = np.asarray([0, *cohorts], dtype=np.int64)
    g = g_of_k[k]
    x = rng.normal(0.3 * k, 1.0)
    # a second stream for the outcome's own randomness: several outcomes of one design
    rng = rng if noise_seed is None else np.random.default_rng([seed, noise_seed])
    a = rng.normal(0.5 * k, 1.0)
    lam = np.cumsum(rng.normal(0.0, 0.5, n_t))
    t_rel = periods - periods[0]
    y = a[:, None] + lam[None, :] + covariate_trend * x[:, None] * t_rel[None, :]
    treated_unit = g > 0
    e = periods[None, :] - g[:, None]
    post = treated_unit[:, None] & (e >= 0)
    pre = treated_unit[:, None] & (e < 0)
    y = y + np.where(pre, pre_trend * e, 0.0)
    tau = (effect + dynamics * e) * (1.0 + heterogeneity * (k[:, None] - 1))
    y = y + np.where(post, tau, 0.0)
    y = y + rng.normal(0.0, noise, size=(n_units, n_t))
    width = len(str(n_units))
    units = np.asarray([f"{unit_prefix}{i:0{width}d}" for i in range(1, n_units + 1)])
    data = pd.DataFrame(
        {
            "unit": np.repeat(units, n_t),
            "period": np.tile(periods, n_units),
            "first_treated": np.repeat(g, n_t),
            "treated": post.ravel().astype(np.int64),
            outcome: y.ravel(),
            "x": np.repeat(x, n_t),
        }
    )
    att_gt = true_effect(cohorts, periods.tolist(), effect, dynamics, heterogeneity)
    sizes = pd.Series(g[treated_unit]).value_counts().reindex(cohorts, fill_value=0)
    present = sizes[sizes > 0]
    att_gt = att_gt[att_gt["group"].isin(present.index)].reset_index(drop=True)
    agg = true_aggregates(att_gt, present)
    return SyntheticPanel(data=data, att_gt=att_gt, **agg)  # type: ignore[arg-type]
