"""Did a cooperation change outcomes in the area? Difference-in-differences estimators.

For a balanced long panel (``unit``, ``period``, ``first_treated`` with 0 or missing =
never treated; see :mod:`analysis.outcomes.panel`):

* :func:`did_2x2` — the canonical two-group, two-period DiD as the interaction
  coefficient of ``y ~ treat + post + treat:post`` (Angrist & Pischke 2009, *Mostly
  Harmless Econometrics*, §5.2), cluster-robust SEs by unit (statsmodels);
  :func:`did_from_means` the same from a published 2×2 table of means.
* :func:`twfe` — the two-way fixed-effects regression ``y_it = a_i + l_t + b·D_it``,
  estimated by two-way demeaning (exact in a balanced panel), cluster-robust SEs by
  unit with the small-sample factor G/(G−1)·(N−1)/(N−K); which absorbed fixed effects
  count in K is the ``dof`` convention (see :func:`small_sample_factor`; default
  ``"reghdfe"``). Biased under staggered adoption with heterogeneous effects
  (Goodman-Bacon 2021).
* :func:`event_study` — TWFE with event-time dummies (leads and lags, end points binned,
  reference period −1) and the joint Wald test that all leads are zero; same ``dof``.
* :func:`att_gt` and :func:`aggregate` — group-time average treatment effects of
  Callaway & Sant'Anna (2021, J. Econometrics 225(2):200–230): unconditional, outcome
  regression, inverse probability weighting or doubly robust with covariates (Sant'Anna
  & Zhao 2020, J. Econometrics 219(1):101–122: the panel-data DR estimator of their §3
  with a logit propensity score and a linear outcome regression, as
  ``DRDID::drdid_panel``; the normalised IPW estimator of Abadie 2005, Rev. Econ.
  Studies 72(1):1–19, in the Hájek form of SZ 2020 eq. (4.1), as
  ``DRDID::std_ipw_did_panel``), never-treated or
  not-yet-treated controls, "varying" or "universal" base period as in the R package
  ``did``; aggregated to simple, dynamic (event-time) and
  group effects with influence-function SEs clustered by unit, including the estimation
  error of the aggregation weights (CS 2021, §4 and appendix); optionally a multiplier
  bootstrap (Rademacher weights, SE = IQR / (z₀.₇₅ − z₀.₂₅), as ``did::mboot``).
  Covariates enter at their value in the first period (baseline), as ``did`` does for
  panel data. Units treated in or before the first base period cannot be evaluated and
  are dropped (reported in ``dropped_units``).

Everything except the regressions is vectorised NumPy over a units × periods matrix; the
unconditional estimator works from cohort moments (see :class:`Influence`), so 100,000
units × 10 periods take about 0.1 s (benchmarks/bench_did_speed.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, NamedTuple, get_args

import numpy as np
import pandas as pd
from scipy import stats

from analysis.errors import InputError, Rule

Z95 = float(stats.norm.ppf(0.975))

Dof = Literal["reghdfe", "absorbed_in_k"]
"""Small-sample conventions of the TWFE and event-study SEs (:func:`small_sample_factor`)."""
DOF_CONVENTIONS: tuple[str, ...] = get_args(Dof)
DOF_DEFAULT: Dof = "reghdfe"

METHODS = ("dr", "reg", "ipw")
"""Estimators of ATT(g,t) with covariates (:func:`att_gt`, as ``did``'s ``est_method``)."""


# --------------------------------------------------------------------------------------
# Panel as a units × periods matrix
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wide:
    """A balanced panel as arrays: ``y`` (n × T), cohorts ``g`` (0 = never), covariates."""

    units: np.ndarray
    periods: np.ndarray
    y: np.ndarray
    g: np.ndarray
    x: np.ndarray | None = None


def to_wide(
    df: pd.DataFrame,
    outcome: str,
    *,
    covariates: Sequence[str] = (),
    unit: str = "unit",
    period: str = "period",
    first_treated: str = "first_treated",
) -> Wide:
    """Pivot a balanced long panel to matrices; covariates are taken at the first period."""
    u_codes, u_vals = pd.factorize(df[unit])  # units in order of appearance
    per = df[period].to_numpy()
    t_vals = np.sort(pd.unique(per))
    t_codes = np.searchsorted(t_vals, per)
    n, n_t = len(u_vals), len(t_vals)
    y = np.full((n, n_t), np.nan)
    y[u_codes, t_codes] = df[outcome].to_numpy(dtype=float)
    if len(df) != n * n_t or np.isnan(y).any():
        raise ValueError(
            f"{outcome}: the estimators need a balanced panel without missing values "
            "(load it with analysis.outcomes.panel.load_panel to see where)"
        )
    g = np.zeros(n, dtype=np.int64)
    g[u_codes] = pd.to_numeric(df[first_treated]).fillna(0).to_numpy(dtype=np.int64)
    x = None
    if covariates:
        first = t_codes == 0
        x = np.empty((n, len(covariates)))
        x[u_codes[first]] = df.loc[first, list(covariates)].to_numpy(dtype=float)
    return Wide(units=np.asarray(u_vals), periods=t_vals, y=y, g=g, x=x)


@dataclass(frozen=True)
class Estimate:
    """One coefficient with its cluster-robust standard error and 95 % interval; ``dof``
    names the small-sample convention of a fixed-effects regression (None: no absorbed
    fixed effects)."""

    estimator: str
    estimate: float
    se: float
    n_units: int
    n_obs: int
    dof: str | None = None

    @property
    def ci_low(self) -> float:
        return self.estimate - Z95 * self.se

    @property
    def ci_high(self) -> float:
        return self.estimate + Z95 * self.se

    @property
    def p_value(self) -> float:
        return float(2 * stats.norm.sf(abs(self.estimate / self.se)))


# --------------------------------------------------------------------------------------
# 2×2 DiD, TWFE and event study (statsmodels, cluster-robust by unit)
# --------------------------------------------------------------------------------------


def _cluster_ols(y: np.ndarray, X: np.ndarray, groups: np.ndarray):  # type: ignore[no-untyped-def]
    import statsmodels.api as sm

    return sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups})


def did_2x2(
    df: pd.DataFrame,
    outcome: str,
    pre: int,
    post: int,
    *,
    unit: str = "unit",
    period: str = "period",
    first_treated: str = "first_treated",
) -> Estimate:
    """Canonical 2×2 DiD between periods ``pre`` and ``post``.

    Treated: units first treated after ``pre`` and by ``post``; controls: units not
    treated by ``post`` (never treated or later). The estimate is the coefficient of
    ``treat:post`` in ``y ~ 1 + treat + post + treat:post`` with SEs clustered by unit.
    """
    g = pd.to_numeric(df[first_treated]).fillna(0)
    treat = (g > pre) & (g <= post)
    control = (g == 0) | (g > post)
    keep = df[period].isin([pre, post]) & (treat | control)
    sub = df[keep]
    tr = treat[keep].to_numpy(dtype=float)
    po = (sub[period] == post).to_numpy(dtype=float)
    X = np.column_stack([np.ones(len(sub)), tr, po, tr * po])
    groups = pd.factorize(sub[unit])[0]
    res = _cluster_ols(sub[outcome].to_numpy(dtype=float), X, groups)
    # The interaction's own variance only: with as few clusters as parameters the other
    # diagonal entries of the cluster-robust covariance may be negative (not our SE).
    se = float(np.sqrt(res.cov_params()[3, 3]))
    return Estimate("did_2x2", float(res.params[3]), se, int(groups.max() + 1), len(sub))


def did_from_means(
    means: pd.DataFrame,
    ses: pd.DataFrame | None = None,
    change_ses: pd.Series | None = None,
) -> pd.DataFrame:
    """A published 2×2 table of means → differences and the DiD (Angrist & Pischke, §5.2).

    ``means``: index ``["control", "treated"]``, columns ``["before", "after"]``.
    ``ses``: SEs of the means (the two groups independent samples, so a difference
    across groups has SE sqrt(se_a² + se_b²)). ``change_ses``: SEs of each group's
    before-after change (needs the within-group covariance, so only if published).
    Returns the table with a ``change`` column, a ``difference`` row (treated − control),
    and ``*_se`` columns where computable; the DiD is ``difference/change``.
    """
    m = means.loc[["control", "treated"], ["before", "after"]].astype(float)
    out = m.copy()
    out["change"] = m["after"] - m["before"]
    out.loc["difference"] = out.loc["treated"] - out.loc["control"]
    for c in ("before_se", "after_se", "change_se"):
        out[c] = np.nan
    if ses is not None:
        s = ses.loc[["control", "treated"], ["before", "after"]].astype(float)
        out.loc[["control", "treated"], ["before_se", "after_se"]] = s.to_numpy()
        out.loc["difference", ["before_se", "after_se"]] = np.sqrt((s**2).sum()).to_numpy()
    if change_ses is not None:
        cs = change_ses.loc[["control", "treated"]].astype(float)
        out.loc[["control", "treated"], "change_se"] = cs.to_numpy()
        out.loc["difference", "change_se"] = float(np.sqrt((cs**2).sum()))
    return out


def _demean2(a: np.ndarray) -> np.ndarray:
    """Two-way within transformation of an n × T (× k) array (balanced panel)."""
    return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean(axis=(0, 1))


def _treated_matrix(w: Wide) -> np.ndarray:
    return (w.g[:, None] > 0) & (w.periods[None, :] >= w.g[:, None])


def small_sample_factor(n_units: int, n_periods: int, k: int, dof: Dof = DOF_DEFAULT) -> float:
    """Small-sample factor of the cluster-robust (by unit) variance of a regression with
    ``k`` regressors besides unit and period fixed effects, balanced panel.

    The variance is c · (X̃ᵀX̃)⁻¹ (Σ_g X̃_gᵀ û_g û_gᵀ X̃_g) (X̃ᵀX̃)⁻¹ with X̃ the two-way
    demeaned regressors and c = G/(G−1) · (N−1)/(N−K) (Stata's CR1; Cameron & Miller 2015,
    J. Human Resources 50(2):317–372, eq. 12), N = G·T observations, G = units = clusters.
    The conventions differ in K, the parameters counted:

    * ``"absorbed_in_k"``: every fixed effect counts, K = k + G + T − 1 (the rank of
      [X, unit dummies, period dummies]): statsmodels OLS with dummy variables and
      ``cov_type="cluster"``, linearmodels ``PanelOLS`` with ``auto_df=False,
      count_effects=True``, Stata ``regress`` with ``i.unit i.period``.
    * ``"reghdfe"`` (default): fixed effects nested within the clusters do not count,
      because the cluster-robust variance already allows for them (Cameron & Miller 2015,
      §III.B; reghdfe FAQ "fixed effect nested within cluster", Correia 2016). The unit
      effects are nested in the unit clusters; the period effects are not and count with
      T levels less one redundant: K = k + T − 1, as ``reghdfe y x, absorb(unit period)
      vce(cluster unit)`` (``reghdfe_cluster``: (N−1)/(N−K) · G/(G−1), K = rank(X) + df_a)
      and R ``fixest`` (``ssc(fixef.K = "nested")``).

    The ratio of the two SEs is therefore, exactly,
    se_absorbed / se_reghdfe = sqrt((N − k − T + 1) / (N − k − G − T + 1)),
    about sqrt(T/(T−1)) when G is large: counting the unit effects inflates the variance
    like one observation per unit lost, which is too conservative in short panels.
    """
    n = n_units * n_periods
    if dof == "reghdfe":
        big_k = k + n_periods - 1
    elif dof == "absorbed_in_k":
        big_k = k + n_units + n_periods - 1
    else:
        raise ValueError(f"dof must be one of {DOF_CONVENTIONS}")
    if n - big_k <= 0 or n_units < 2:
        raise ValueError("too few observations or units for a cluster-robust variance")
    return n_units / (n_units - 1) * (n - 1) / (n - big_k)


def _cluster_fe(
    y: np.ndarray, X: np.ndarray, n_units: int, n_periods: int, dof: Dof
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and cluster-robust covariance of a two-way demeaned regression.

    statsmodels' CR1 on the demeaned data counts only the k columns of X; rescaling by
    (N−k)/(N−K) gives the factor of :func:`small_sample_factor`.
    """
    if dof not in DOF_CONVENTIONS:
        raise ValueError(f"dof must be one of {DOF_CONVENTIONS}")
    groups = np.repeat(np.arange(n_units), n_periods)
    res = _cluster_ols(y, X, groups)
    n, k = X.shape
    statsmodels_factor = n_units / (n_units - 1) * (n - 1) / (n - k)
    scale = small_sample_factor(n_units, n_periods, k, dof) / statsmodels_factor
    return np.asarray(res.params), np.asarray(res.cov_params()) * scale


def twfe(df: pd.DataFrame, outcome: str, *, dof: Dof = DOF_DEFAULT, **columns: str) -> Estimate:
    """Static TWFE: coefficient of the treatment dummy with unit and period fixed effects;
    SEs clustered by unit with the small-sample convention ``dof``
    (:func:`small_sample_factor`)."""
    w = to_wide(df, outcome, **columns)
    d = _treated_matrix(w).astype(float)
    yt, dt = _demean2(w.y), _demean2(d)
    b, cov = _cluster_fe(yt.ravel(), dt.reshape(-1, 1), len(w.units), len(w.periods), dof)
    return Estimate("twfe", float(b[0]), float(np.sqrt(cov[0, 0])), len(w.units), w.y.size, dof=dof)


@dataclass(frozen=True)
class EventStudy:
    """Event-study coefficients (reference −1 = 0) and the joint pre-trend Wald test."""

    table: pd.DataFrame
    pretrend_stat: float
    pretrend_df: int
    pretrend_p: float
    estimator: str = "twfe_event_study"
    dof: str = DOF_DEFAULT


def event_study(
    df: pd.DataFrame,
    outcome: str,
    leads: int = 4,
    lags: int = 4,
    *,
    dof: Dof = DOF_DEFAULT,
    **columns: str,
) -> EventStudy:
    """TWFE event study with dummies for event times −leads..lags (ends binned), ref −1.

    Never-treated units carry no dummy (without them and without binning the dummies are
    collinear with the period effects). SEs are clustered by unit with the small-sample
    convention ``dof`` (:func:`small_sample_factor`, k = number of event-time dummies).
    The pre-trend test is the cluster-robust Wald χ²
    test that every lead coefficient (event time ≤ −2) is zero. Under heterogeneous effects
    the TWFE leads and lags are contaminated by other event times (Sun & Abraham 2021, J.
    Econometrics 225(2):175–199); use the dynamic Callaway & Sant'Anna aggregation instead.
    """
    if leads < 2 or lags < 0:
        raise ValueError("need leads >= 2 (−1 is the reference) and lags >= 0")
    w = to_wide(df, outcome, **columns)
    treated = w.g > 0
    e = np.clip(w.periods[None, :] - w.g[:, None], -leads, lags)
    times = [k for k in range(-leads, lags + 1) if k != -1]
    present = [k for k in times if ((e == k) & treated[:, None]).any()]
    dummies = np.stack([((e == k) & treated[:, None]).astype(float) for k in present], axis=2)
    yt = _demean2(w.y)
    Xt = _demean2(dummies)
    b, cov = _cluster_fe(
        yt.ravel(), Xt.reshape(-1, len(present)), len(w.units), len(w.periods), dof
    )
    se = np.sqrt(np.diag(cov))
    table = pd.DataFrame({"event_time": present, "estimate": b, "se": se})
    table = pd.concat(
        [table, pd.DataFrame({"event_time": [-1], "estimate": [0.0], "se": [0.0]})]
    ).sort_values("event_time", ignore_index=True)
    table["ci_low"] = table["estimate"] - Z95 * table["se"]
    table["ci_high"] = table["estimate"] + Z95 * table["se"]
    table["binned"] = table["event_time"].isin([-leads, lags])
    lead_idx = [i for i, k in enumerate(present) if k <= -2]
    stat, p = _wald(b[lead_idx], cov[np.ix_(lead_idx, lead_idx)])
    return EventStudy(
        table=table, pretrend_stat=stat, pretrend_df=len(lead_idx), pretrend_p=p, dof=dof
    )


def _wald(b: np.ndarray, cov: np.ndarray) -> tuple[float, float]:
    if len(b) == 0:
        return float("nan"), float("nan")
    stat = float(b @ np.linalg.solve(cov, b))
    return stat, float(stats.chi2.sf(stat, len(b)))


# --------------------------------------------------------------------------------------
# Callaway & Sant'Anna (2021): ATT(g,t) with influence functions
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Influence:
    """Influence functions ψ (n units × m estimates), clustered by unit.

    Stored either explicitly (``matrix``) or, for the unconditional estimator, in
    cohort-affine form: for a unit i of cohort c, ψ_i = a[c] + b[c]ᵀ y_i (``a``: C × m,
    ``b``: C × T × m), since every ATT(g,t) influence function is a cohort-specific linear
    function of the unit's outcomes. Then Σ_i ψ_i ψ_iᵀ follows from the cohort moments
    (``s0`` counts, ``s1`` = Σ y_i, ``s2`` = Σ y_i y_iᵀ) without an n × m matrix. Either
    form gives the same numbers; :meth:`materialise` builds the matrix when needed
    (bootstrap).
    """

    n: int
    pos: np.ndarray
    matrix: np.ndarray | None = None
    a: np.ndarray | None = None
    b: np.ndarray | None = None
    y: np.ndarray | None = None
    s0: np.ndarray | None = None
    s1: np.ndarray | None = None
    s2: np.ndarray | None = None

    @property
    def m(self) -> int:
        return self.matrix.shape[1] if self.matrix is not None else self.a.shape[1]  # type: ignore[union-attr]

    def combine(self, w: np.ndarray, shift: np.ndarray | None = None) -> Influence:
        """ψ W + shift[cohort] for weights ``w`` (m × m') and a cohort-level ``shift``."""
        if self.matrix is not None:
            mat = np.einsum("ik,kl->il", self.matrix, w)
            if shift is not None:
                mat = mat + shift[self.pos]
            return replace(self, matrix=mat)
        a = self.a @ w + (shift if shift is not None else 0.0)  # type: ignore[operator]
        b = np.einsum("ctk,kl->ctl", self.b, w)
        return replace(self, a=a, b=b)

    def gram(self) -> np.ndarray:
        """Σ_i ψ_i ψ_iᵀ (m × m)."""
        if self.matrix is not None:
            return _tt(self.matrix, self.matrix)
        a, b = self.a, self.b
        bs1 = np.einsum("ctk,ct->ck", b, self.s1)
        cross = np.einsum("ck,cl->kl", a, bs1)
        return (
            np.einsum("c,ck,cl->kl", self.s0, a, a)
            + cross
            + cross.T
            + np.einsum("ctk,cts,csl->kl", b, self.s2, b)
        )

    def se(self) -> np.ndarray:
        """Standard errors sqrt(Σ ψ²)/n of the m estimates."""
        return np.sqrt(np.clip(np.diag(self.gram()), 0.0, None)) / self.n

    def materialise(self) -> np.ndarray:
        """The n × m matrix of influence functions."""
        if self.matrix is not None:
            return self.matrix
        out = np.empty((self.n, self.m))
        for c in range(self.a.shape[0]):  # type: ignore[union-attr]
            rows = self.pos == c
            out[rows] = self.a[c] + self.y[rows] @ self.b[c]  # type: ignore[index,operator]
        return out


@dataclass
class AttGt:
    """Group-time ATTs: ``table`` (group, period, event_time, base_period, att, se,
    ci_low, ci_high, post, n_treated, n_control) and the influence functions ``inf``
    (n units × cells; SE = sqrt(Σ ψ²)/n) used by :func:`aggregate`; ``cohorts`` (first
    treated periods, 0 = never) and ``shares`` (their shares of the n units)."""

    table: pd.DataFrame
    inf: Influence
    g: np.ndarray
    n: int
    cohorts: np.ndarray
    shares: np.ndarray
    control_group: str
    method: str
    pretrend_stat: float = float("nan")
    pretrend_df: int = 0
    pretrend_p: float = float("nan")
    dropped_units: int = 0
    covariates: tuple[str, ...] = field(default_factory=tuple)


# Products over the units axis via einsum: no BLAS threads, whose start-up costs more than
# these thin (n × few) products on a small or busy machine.
def _mv(a: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.einsum("ik,k->i", a, v)


def _tv(a: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.einsum("ik,i->k", a, v)


def _tt(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("ik,il->kl", a, b)


def _mm(a: np.ndarray, m: np.ndarray) -> np.ndarray:
    return np.einsum("ik,kl->il", a, m)


def _logit(X: np.ndarray, d: np.ndarray, iters: int = 50) -> np.ndarray:
    """Logit MLE by Newton–Raphson; returns coefficients."""
    beta = np.zeros(X.shape[1])
    p0 = d.mean()
    beta[0] = np.log(p0 / (1 - p0))
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-_mv(X, beta)))
        grad = _tv(X, d - p)
        hess = _tt(X * (p * (1 - p))[:, None], X)
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def _att_reg(dy: np.ndarray, d: np.ndarray, X: np.ndarray) -> tuple[float, np.ndarray]:
    """Outcome-regression DiD for panel data (Heckman, Ichimura & Todd 1997; SZ 2020, §2)."""
    n = len(dy)
    c = d == 0
    XtX = _tt(X[c], X[c])
    beta = np.linalg.solve(XtX, _tv(X[c], dy[c]))
    fit = _mv(X, beta)
    md = d.mean()
    eta_t = np.mean(d * dy) / md
    eta_c = np.mean(d * fit) / md
    resid_c = (1 - d) * (dy - fit)
    lin_ols = _mm(resid_c[:, None] * X, np.linalg.inv(XtX / n))
    inf_treat = (d * dy - d * eta_t) / md
    m1 = (d[:, None] * X).mean(axis=0)
    inf_cont = (d * fit - d * eta_c + _mv(lin_ols, m1)) / md
    return float(eta_t - eta_c), inf_treat - inf_cont


def _att_dr(dy: np.ndarray, d: np.ndarray, X: np.ndarray) -> tuple[float, np.ndarray]:
    """Doubly robust DiD for panel data (Sant'Anna & Zhao 2020, §3; logit ps, OLS)."""
    n = len(dy)
    c = d == 0
    gamma = _logit(X, d)
    ps = np.minimum(1.0 / (1.0 + np.exp(-_mv(X, gamma))), 1 - 1e-6)
    XtX = _tt(X[c], X[c])
    beta = np.linalg.solve(XtX, _tv(X[c], dy[c]))
    fit = _mv(X, beta)
    w_t = d
    w_c = ps * (1 - d) / (1 - ps)
    att_t = w_t * (dy - fit)
    att_c = w_c * (dy - fit)
    eta_t = att_t.mean() / w_t.mean()
    eta_c = att_c.mean() / w_c.mean()
    # estimation effect of the outcome regression and of the propensity score
    lin_ols = _mm(((1 - d) * (dy - fit))[:, None] * X, np.linalg.inv(XtX / n))
    W = ps * (1 - ps)
    lin_ps = _mm((d - ps)[:, None] * X, np.linalg.inv(_tt(X * W[:, None], X)) * n)
    inf_t = (att_t - w_t * eta_t - _mv(lin_ols, (w_t[:, None] * X).mean(axis=0))) / w_t.mean()
    m2 = ((w_c * (dy - fit - eta_c))[:, None] * X).mean(axis=0)
    m3 = (w_c[:, None] * X).mean(axis=0)
    inf_c = (att_c - w_c * eta_c + _mv(lin_ps, m2) - _mv(lin_ols, m3)) / w_c.mean()
    return float(eta_t - eta_c), inf_t - inf_c


PS_TRIM = 0.995
"""Control units with a propensity score at or above this level get no IPW weight
(``DRDID::std_ipw_did_panel``, ``trim.level``)."""


def _att_ipw(dy: np.ndarray, d: np.ndarray, X: np.ndarray) -> tuple[float, np.ndarray]:
    """Normalised (Hájek) inverse-probability-weighted DiD for panel data.

    Abadie (2005, Rev. Econ. Studies 72(1):1–19) with the weights normalised to mean one
    within the treated and within the controls, Sant'Anna & Zhao (2020, eq. 4.1):
    ATT = E_n[w₁ ΔY]/E_n[w₁] − E_n[w₀ ΔY]/E_n[w₀], w₁ = D, w₀ = p(X)(1−D)/(1−p(X)), with
    p(X) a logit propensity score fitted by maximum likelihood, capped at 1 − 10⁻⁶, and
    controls with p(X) ≥ 0.995 trimmed, as ``DRDID::std_ipw_did_panel`` (which R
    ``did::att_gt(est_method = "ipw")`` calls for panel data). Influence function:
    ψ = (w₁(ΔY − η₁))/E_n[w₁] − (w₀(ΔY − η₀))/E_n[w₀] − l_γᵀ M, with l_γ = (D − p) X
    (E_n[p(1−p) X Xᵀ])⁻¹ the asymptotically linear representation of the logit
    coefficients and M = E_n[w₀ (ΔY − η₀) X]/E_n[w₀] the derivative of the control mean
    with respect to them: the estimation effect of the propensity score.
    """
    n = len(dy)
    gamma = _logit(X, d)
    ps = np.minimum(1.0 / (1.0 + np.exp(-_mv(X, gamma))), 1 - 1e-6)
    w_t = d
    w_c = np.where((d == 0) & (ps < PS_TRIM), ps / (1 - ps), 0.0)
    mw_t, mw_c = w_t.mean(), w_c.mean()
    eta_t = (w_t * dy).mean() / mw_t
    eta_c = (w_c * dy).mean() / mw_c
    res_c = w_c * (dy - eta_c)
    lin_ps = _mm((d - ps)[:, None] * X, np.linalg.inv(_tt(X * (ps * (1 - ps))[:, None], X)) * n)
    m2 = _tv(X, res_c) / (n * mw_c)
    inf = w_t * (dy - eta_t) / mw_t - (res_c / mw_c + _mv(lin_ps, m2))
    return float(eta_t - eta_c), inf


_ESTIMATORS = {"dr": _att_dr, "reg": _att_reg, "ipw": _att_ipw}


class _Cell(NamedTuple):
    """One estimable ATT(g,t): cohort, period, base period, post-treatment or not, and
    the sizes of its treated and control groups."""

    group: int
    period: int
    base: int
    post: bool
    n_treated: int
    n_control: int


@dataclass(frozen=True)
class _Cells:
    """The cells in order, with their columns as arrays: ``ti``/``bi`` the column indices
    of period and base period, ``limit`` the period after which a not-yet-treated unit
    still counts as a control (max(t, base) + anticipation)."""

    rows: list[_Cell]
    group: np.ndarray
    ti: np.ndarray
    bi: np.ndarray
    limit: np.ndarray
    n_t: np.ndarray
    n_c: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)


def _cells(
    cohorts: np.ndarray,
    counts: np.ndarray,
    t_index: dict[int, int],
    periods: np.ndarray,
    control_group: str,
    base_period: str,
    anticipation: int,
) -> _Cells:
    """The ATT(g,t) cells that can be estimated (CS 2021, §3; base periods as ``did``).

    A post-treatment cell (t ≥ g − anticipation) compares t with g − 1 − anticipation; a
    pre-treatment cell compares t with t − 1 ("varying") or with g − 1 − anticipation
    ("universal", which leaves out the base period itself). Cells whose base period lies
    outside the panel or that have no control unit are left out.
    """
    count = dict(zip(cohorts.tolist(), counts.tolist(), strict=True))
    rows = []
    for gg in cohorts[cohorts > 0].tolist():
        ref = gg - 1 - anticipation
        for t in periods[1:].tolist():
            post = t >= gg - anticipation
            b = ref if (post or base_period == "universal") else t - 1
            if b not in t_index or (base_period == "universal" and t == b):
                continue
            limit = max(t, b) + anticipation
            n_c = count.get(0, 0)
            if control_group == "notyet":
                n_c += sum(v for c, v in count.items() if c > limit and c != gg)
            if n_c == 0:
                continue
            rows.append(_Cell(gg, t, b, post, count[gg], n_c))
    return _Cells(
        rows=rows,
        group=np.asarray([c.group for c in rows], dtype=np.int64),
        ti=np.asarray([t_index[c.period] for c in rows], dtype=np.int64),
        bi=np.asarray([t_index[c.base] for c in rows], dtype=np.int64),
        limit=np.asarray([max(c.period, c.base) + anticipation for c in rows], dtype=np.int64),
        n_t=np.asarray([c.n_treated for c in rows], dtype=float),
        n_c=np.asarray([c.n_control for c in rows], dtype=float),
    )


def _controls(
    g: np.ndarray, group: np.ndarray | int, limit: np.ndarray | int, control_group: str
) -> np.ndarray:
    """Whether first-treatment periods ``g`` are controls of cells (``group``, ``limit``),
    broadcast: never treated, or for "notyet" also not treated by ``limit`` (other cohorts)."""
    if control_group == "never":
        return g == 0
    return (g == 0) | ((g > limit) & (g != group))


def _att_unconditional(
    y: np.ndarray,
    pos: np.ndarray,
    cohorts: np.ndarray,
    counts: np.ndarray,
    cells: _Cells,
    control_group: str,
) -> tuple[np.ndarray, Influence]:
    """ATT(g,t) without covariates from cohort moments, with affine influence functions.

    ATT = mean change of the treated cohort − mean change of the controls; each unit's
    influence function is (n/n_treated)(Δy_i − m₁) for the treated and −(n/n_control)(Δy_i
    − m₀) for controls, affine in y_i with cohort-level coefficients (see
    :class:`Influence`).
    """
    n, n_periods = y.shape
    c = len(cohorts)
    order = np.argsort(pos, kind="stable")
    ys = y[order]
    starts = np.searchsorted(pos[order], np.arange(c))
    s0 = counts.astype(float)
    s1 = np.add.reduceat(ys, starts, axis=0)
    s2 = np.stack([ys[a:b].T @ ys[a:b] for a, b in zip(starts, [*starts[1:], n], strict=True)])
    col = cohorts[:, None]
    is_ctrl = np.broadcast_to(
        _controls(col, cells.group[None, :], cells.limit[None, :], control_group), (c, len(cells))
    )
    is_treat = col == cells.group[None, :]
    kk = np.arange(len(cells))
    n_t, n_c = cells.n_t, cells.n_c
    ds1 = s1[:, cells.ti] - s1[:, cells.bi]  # C × K: cohort sums of the changes
    m1 = np.where(is_treat, ds1, 0.0).sum(axis=0) / n_t
    m0 = np.where(is_ctrl, ds1, 0.0).sum(axis=0) / n_c
    scale = np.where(is_treat, n / n_t, 0.0) - np.where(is_ctrl, n / n_c, 0.0)  # C × K
    a_coef = -np.where(is_treat, (n / n_t) * m1, 0.0) + np.where(is_ctrl, (n / n_c) * m0, 0.0)
    b_coef = np.zeros((c, n_periods, len(cells)))
    b_coef[:, cells.ti, kk] += scale
    b_coef[:, cells.bi, kk] -= scale
    inf = Influence(n=n, pos=pos, a=a_coef, b=b_coef, y=y, s0=s0, s1=s1, s2=s2)
    return m1 - m0, inf


def _att_covariates(
    y: np.ndarray,
    g: np.ndarray,
    X: np.ndarray,
    pos: np.ndarray,
    cells: _Cells,
    control_group: str,
    method: str,
) -> tuple[np.ndarray, Influence]:
    """ATT(g,t) with covariates: the panel DR, outcome-regression or IPW DiD on each
    cell's treated and control units, influence functions rescaled to all n units."""
    n = len(g)
    att, infs = np.empty(len(cells)), []
    estimator = _ESTIMATORS[method]
    cols = np.ascontiguousarray(y.T)  # one contiguous row per period
    for k, cell in enumerate(cells.rows):
        treat = g == cell.group
        sub = treat | _controls(g, cell.group, cells.limit[k], control_group)
        dyk = (cols[cells.ti[k]] - cols[cells.bi[k]])[sub]
        att[k], inf_sub = estimator(dyk, treat[sub].astype(float), X[sub])
        col = np.zeros(n)
        col[sub] = inf_sub * (n / sub.sum())
        infs.append(col)
    return att, Influence(n=n, pos=pos, matrix=np.column_stack(infs) if infs else np.zeros((n, 0)))


def _cell_table(cells: _Cells, att: np.ndarray, inf: Influence) -> tuple[pd.DataFrame, np.ndarray]:
    """The ATT(g,t) table with SEs sqrt(Σ ψ²)/n and 95 % intervals, and Σ ψ ψᵀ."""
    rows = cells.rows
    table = pd.DataFrame(
        {
            "group": cells.group,
            "period": [c.period for c in rows],
            "event_time": [c.period - c.group for c in rows],
            "base_period": [c.base for c in rows],
            "att": att,
            "post": np.asarray([c.post for c in rows], dtype=bool),
            "n_treated": cells.n_t.astype(np.int64),
            "n_control": cells.n_c.astype(np.int64),
        }
    )
    gram = inf.gram()
    table["se"] = np.sqrt(np.clip(np.diag(gram), 0.0, None)) / inf.n
    table["ci_low"] = table["att"] - Z95 * table["se"]
    table["ci_high"] = table["att"] + Z95 * table["se"]
    return table, gram


def _pretrend_cells(table: pd.DataFrame, gram: np.ndarray, n: int) -> tuple[float, float, int]:
    """Wald χ² test that every pre-treatment ATT(g,t) is zero: (stat, p, df)."""
    pre = ~table["post"].to_numpy()
    stat, p, k = float("nan"), float("nan"), int(pre.sum())
    if k:
        a = table["att"].to_numpy()[pre]
        V = gram[np.ix_(pre, pre)] / n
        stat = float(n * a @ np.linalg.solve(V, a))
        p = float(stats.chi2.sf(stat, k))
    return stat, p, k


def att_gt(
    df: pd.DataFrame,
    outcome: str,
    *,
    covariates: Sequence[str] = (),
    control_group: str = "never",
    method: str = "dr",
    base_period: str = "varying",
    anticipation: int = 0,
    unit: str = "unit",
    period: str = "period",
    first_treated: str = "first_treated",
) -> AttGt:
    """Group-time average treatment effects ATT(g,t) (Callaway & Sant'Anna 2021, §3).

    ``control_group``: ``"never"`` (never-treated units) or ``"notyet"`` (never treated
    plus units first treated after max(t, base period) + anticipation). ``method``:
    ``"dr"`` (doubly robust, Sant'Anna & Zhao 2020), ``"reg"`` (outcome regression) or
    ``"ipw"`` (normalised inverse probability weighting, Abadie 2005), as ``did``'s
    ``est_method``; without covariates all three are the unconditional estimator.
    ``base_period``: ``"varying"`` (pre-treatment cells
    compare t with t−1) or ``"universal"`` (every cell compares with g−1−anticipation).
    """
    if control_group not in ("never", "notyet"):
        raise ValueError("control_group must be 'never' or 'notyet'")
    if method not in METHODS:
        raise ValueError("method must be 'dr', 'reg' or 'ipw'")
    if base_period not in ("varying", "universal"):
        raise ValueError("base_period must be 'varying' or 'universal'")
    w = to_wide(
        df, outcome, covariates=covariates, unit=unit, period=period, first_treated=first_treated
    )
    t_index = {int(t): i for i, t in enumerate(w.periods)}
    early = (w.g > 0) & (w.g - 1 - anticipation < w.periods[0])
    y, g = w.y[~early], w.g[~early]
    x = w.x[~early] if w.x is not None else None
    n = len(g)
    if control_group == "never" and not (g == 0).any():
        raise InputError(
            Rule(
                de="das Panel hat keine nie behandelten Gebiete (first_treated = 0), die als "
                "Vergleichsgruppe dienen könnten: setzen Sie control_group: notyet",
                en="the panel has no never-treated units (first_treated = 0) to compare "
                "with: set control_group: notyet",
            ),
            column="first_treated",
        )
    cohorts, counts = np.unique(g, return_counts=True)
    cells = _cells(cohorts, counts, t_index, w.periods, control_group, base_period, anticipation)
    pos = np.searchsorted(cohorts, g)
    if x is None:
        att, inf = _att_unconditional(y, pos, cohorts, counts, cells, control_group)
    else:
        X = np.column_stack([np.ones(n), x])
        att, inf = _att_covariates(y, g, X, pos, cells, control_group, method)
    table, gram = _cell_table(cells, att, inf)
    stat, p, k = _pretrend_cells(table, gram, n)
    return AttGt(
        table=table,
        inf=inf,
        g=g,
        n=n,
        control_group=control_group,
        method=method if x is not None else "unconditional",
        pretrend_stat=stat,
        pretrend_df=k,
        pretrend_p=p,
        cohorts=cohorts,
        shares=counts / n,
        dropped_units=int(early.sum()),
        covariates=tuple(covariates),
    )


@dataclass(frozen=True)
class Aggregate:
    """An aggregation of ATT(g,t): the overall effect and the table by event time or
    cohort, each with influence-function SEs (``inf``: n × (1 + rows), overall first)."""

    kind: str
    overall: float
    overall_se: float
    table: pd.DataFrame
    inf: Influence
    n: int

    @property
    def ci(self) -> tuple[float, float]:
        return self.overall - Z95 * self.overall_se, self.overall + Z95 * self.overall_se


def _cell_weights(
    res: AttGt, groups: np.ndarray, att: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """Cohort-size weighted mean of ``att`` (values for cohorts ``groups``): the estimate,
    the weights, and the cohort-level influence function of the estimated weights.

    Weights w_k = p_k / S, p_k = share of units in cohort g_k, S = Σ_j p_j; by the delta
    method ∂w_k = (1[G=g_k] − p_k)/S − p_k Σ_j (1[G=g_j] − p_j)/S², so the weights add
    Σ_k ∂w_k · att_k to each unit's influence function, a value per cohort.
    """
    idx = np.searchsorted(res.cohorts, groups)
    p = res.shares[idx]
    s = p.sum()
    w = p / s
    pa = float(p @ att)
    a_sum = np.zeros(len(res.cohorts))
    c_sum = np.zeros(len(res.cohorts))
    np.add.at(a_sum, idx, att)
    np.add.at(c_sum, idx, 1.0)
    wif = (a_sum - pa) / s - (c_sum - s) * pa / s**2
    return float(w @ att), w, wif


def aggregate(res: AttGt, kind: str = "simple") -> Aggregate:
    """Aggregate ATT(g,t) (Callaway & Sant'Anna 2021, §3.3; R ``did::aggte``).

    ``simple``: all post cells weighted by cohort size. ``dynamic``: for each event time
    e, the cohort-size weighted mean of ATT(g, g+e) (pre-treatment e included for the
    plot); overall = mean over e ≥ 0. ``group``: each cohort's mean over its post
    periods; overall = cohort-size weighted mean of these. ``calendar``: for each period
    t, the cohort-size weighted mean of ATT(g, t) over the cohorts already treated
    (g ≤ t); overall = mean over those periods. Every aggregate is a linear
    combination of the cells plus the weights' estimation effect, so its influence
    function is ψ W + shift (overall first, then one column per table row).
    """
    tab = res.table
    post = tab["post"].to_numpy()
    grp = tab["group"].to_numpy()
    att = tab["att"].to_numpy()
    k, c = len(tab), len(res.cohorts)
    if kind == "simple":
        est, w, wif = _cell_weights(res, grp[post], att[post])
        W = np.zeros((k, 1))
        W[post, 0] = w
        shift = wif[:, None]
        keys, ests = np.zeros(0), np.zeros(0)
    elif kind == "dynamic":
        keys = np.sort(tab["event_time"].unique())
        W, shift, ests = np.zeros((k, len(keys))), np.zeros((c, len(keys))), np.zeros(len(keys))
        for j, e in enumerate(keys):
            sel = tab["event_time"].to_numpy() == e
            ests[j], W[sel, j], shift[:, j] = _cell_weights(res, grp[sel], att[sel])
        nonneg = keys >= 0
        est = float(ests[nonneg].mean())
        W = np.column_stack([W[:, nonneg].mean(axis=1), W])
        shift = np.column_stack([shift[:, nonneg].mean(axis=1), shift])
    elif kind == "calendar":
        period = tab["period"].to_numpy()
        keys = np.sort(np.unique(period[post]))
        W, shift, ests = np.zeros((k, len(keys))), np.zeros((c, len(keys))), np.zeros(len(keys))
        for j, t in enumerate(keys):
            sel = post & (period == t)
            ests[j], W[sel, j], shift[:, j] = _cell_weights(res, grp[sel], att[sel])
        est = float(ests.mean())
        W = np.column_stack([W.mean(axis=1), W])
        shift = np.column_stack([shift.mean(axis=1), shift])
    elif kind == "group":
        keys = np.sort(np.unique(grp))
        W, ests = np.zeros((k, len(keys))), np.zeros(len(keys))
        for j, gg in enumerate(keys):
            sel = (grp == gg) & post
            W[sel, j] = 1.0 / sel.sum()
            ests[j] = float(att[sel].mean())
        est, w, wif = _cell_weights(res, keys, ests)
        W = np.column_stack([W @ w, W])
        shift = np.column_stack([wif, np.zeros((c, len(keys)))])
    else:
        raise ValueError("kind must be 'simple', 'dynamic', 'group' or 'calendar'")
    inf = res.inf.combine(W, shift)
    se_all = inf.se()
    table = pd.DataFrame({"key": keys, "att": ests})
    if kind != "simple":
        table["se"] = se_all[1:]
        table["ci_low"] = table["att"] - Z95 * table["se"]
        table["ci_high"] = table["att"] + Z95 * table["se"]
    return Aggregate(
        kind=kind, overall=est, overall_se=float(se_all[0]), table=table, inf=inf, n=res.n
    )


def multiplier_bootstrap(
    inf: np.ndarray | Influence, iterations: int = 999, seed: int = 0, chunk: int = 100
) -> np.ndarray:
    """Bootstrap SEs of estimates with influence functions ``inf`` (n × k).

    Each draw multiplies the influence functions by Rademacher weights V_i ∈ {−1, 1}
    (one per unit, i.e. clustered by unit): θ* − θ = Σ V_i ψ_i / n. SE = (q₀.₇₅ − q₀.₂₅) /
    (z₀.₇₅ − z₀.₂₅), the robust scale of ``did::mboot`` (Callaway & Sant'Anna 2021, §4).
    """
    if isinstance(inf, Influence):
        inf = inf.materialise()
    rng = np.random.default_rng(seed)
    n = inf.shape[0]
    draws = []
    for start in range(0, iterations, chunk):
        b = min(chunk, iterations - start)
        v = rng.integers(0, 2, size=(b, n), dtype=np.int8) * 2 - 1
        draws.append((v @ inf) / n)
    boot = np.vstack(draws)
    q75, q25 = np.quantile(boot, [0.75, 0.25], axis=0)
    return (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))


def dynamic_pretrend(agg: Aggregate) -> tuple[float, int, float]:
    """Joint Wald test that every pre-treatment event-time effect (e < 0) is zero.

    Uses the influence-function covariance of the dynamic aggregation; returns
    ``(chi2, df, p)``. With the "varying" base period each e < 0 is a placebo DiD
    between two pre-treatment periods.
    """
    if agg.kind != "dynamic":
        raise ValueError("needs a dynamic aggregation")
    pre = (agg.table["key"] < 0).to_numpy()
    if not pre.any():
        return float("nan"), 0, float("nan")
    idx = 1 + np.flatnonzero(pre)
    cov = agg.inf.gram()[np.ix_(idx, idx)] / agg.n**2
    stat, p = _wald(agg.table["att"].to_numpy()[pre], cov)
    return stat, int(pre.sum()), p


def event_study_frame(es: EventStudy | None, agg: Aggregate | None) -> pd.DataFrame:
    """Long table for plotting: estimator, event_time, estimate, ci_low, ci_high."""
    parts = []
    if es is not None:
        t = es.table.rename(columns={"estimate": "estimate"})
        parts.append(
            t.assign(estimator="twfe_event_study")[
                ["estimator", "event_time", "estimate", "ci_low", "ci_high"]
            ]
        )
    if agg is not None:
        t = agg.table.rename(columns={"key": "event_time", "att": "estimate"})
        parts.append(
            t.assign(estimator="callaway_santanna")[
                ["estimator", "event_time", "estimate", "ci_low", "ci_high"]
            ]
        )
    return pd.concat(parts, ignore_index=True)
