"""Social return on investment (SROI) of a centre, from its impact map.

Follows "A Guide to Social Return on Investment" (Cabinet Office / The SROI Network,
2012 edition; Nicholls, Lawlor, Neitzert, Goodspeed), stages 4 and 5:

* **Impact** of an outcome (stage 4) = quantity × financial proxy × (1 − deadweight)
  × (1 − displacement) × (1 − attribution). The Guide deducts the percentages one
  after the other, which is the same as multiplying the remaining shares.
* **Projection** (stage 5.1): an outcome lasting ``duration_years`` from ``start_year``
  has the full impact in its first year; drop-off is deducted from the *remaining*
  level at the end of each year, so value in the outcome's year k (k = 0, 1, …) is
  impact × (1 − drop_off)^k, i.e. value_t = value_{t−1} × (1 − drop_off) from the
  second year of the outcome on.
* **Present value** (stage 5.2): year t of the analysis (t = 1, 2, …) is discounted
  by (1 + r)^t, so **year 1 is discounted by one full period**, 1 / (1 + r) — the
  Guide's formula PV = Σ value_t / (1 + r)^t, which is what Excel's ``NPV`` function
  computes. Inputs in year 0 (the usual up-front investment) are not discounted;
  inputs in later years are discounted like outcomes.
* **NPV** = PV − value of inputs; **SROI ratio** = PV / value of inputs; **net SROI
  ratio** = NPV / value of inputs (stage 5.3).
* **Payback period** (stage 5.5): the Guide's formula in months,
  investment ÷ (annual impact ÷ 12), where annual impact is the total of the impact
  map's "impact" column (each outcome's first-year impact, before drop-off and
  discounting). A second, discounted figure is given for comparison: the year in which
  cumulative present value first covers the investment, interpolated within the year.

Every number of the map is a figure with a source or an assumption (see
:mod:`analysis.sroi.schema`); the centre file, its scenarios and the XLSX round trip are
:mod:`analysis.sroi.centre`'s.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numba import njit

from analysis.sensitivity import Parameter
from analysis.sroi.centre import ImpactMap, apply_scenario, centre_files, load_impact_map
from analysis.sroi.schema import FigureSchema

OUTCOME_FIELDS = ("quantity", "proxy", "deadweight", "displacement", "attribution", "drop_off")
"""The figures of an outcome row, in the order of the impact calculation."""

FRACTION_FIELDS = ("deadweight", "displacement", "attribution", "drop_off")


# --------------------------------------------------------------------------------------
# Parameter vector: every figure as one column, so the same core serves the
# deterministic result, the tornado, the tipping points and the Monte Carlo
# --------------------------------------------------------------------------------------


def _param(name: str, fig: FigureSchema, bounds: tuple[float, float]) -> Parameter:
    return Parameter(
        name=name,
        base=float(fig.value),
        low=fig.low,
        high=fig.high,
        distribution=fig.distribution,
        bounds=bounds,
    )


def model_parameters(imap: ImpactMap) -> list[Parameter]:
    """Every figure of the map as a :class:`~analysis.sensitivity.Parameter`.

    Names: ``discount_rate``, ``outcomes.<id>.<field>``, ``inputs.<id>.<factor>``.
    Bounds are the feasible domain used by tipping-point searches: [0, 1] for fractions
    and rates, [0, 10 × max(value, high)] for quantities, proxies and input factors.
    The parameters carry no labels; :func:`analysis.sroi.report.labelled_parameters`
    adds them in the report's language.
    """
    m = imap.model.impact_map
    params = [_param("discount_rate", m.discount_rate, (0.0, 1.0))]
    for o in m.outcomes:
        for fld in OUTCOME_FIELDS:
            fig = getattr(o, fld)
            if fld in FRACTION_FIELDS:
                bounds = (0.0, 1.0)
            else:
                bounds = (0.0, 10.0 * max(float(fig.value), float(fig.high or 0.0), 1.0))
            params.append(_param(f"outcomes.{o.id}.{fld}", fig, bounds))
    for inp in m.inputs:
        for fac in inp.factors:
            bounds = (0.0, 10.0 * max(float(fac.value), float(fac.high or 0.0), 1.0))
            params.append(_param(f"inputs.{inp.id}.{fac.name}", fac, bounds))
    return params


def parameter_name(path: str) -> str | None:
    """The parameter of :func:`model_parameters` a scenario override ``path`` addresses
    (``impact_map.outcomes.<id>.<field>`` → ``outcomes.<id>.<field>``,
    ``impact_map.inputs.<id>.factors.<name>`` → ``inputs.<id>.<name>``); None for a path
    outside the impact map (a business figure)."""
    parts = path.split(".")
    if parts == ["impact_map", "discount_rate"]:
        return "discount_rate"
    if len(parts) == 4 and parts[:2] == ["impact_map", "outcomes"]:
        return f"outcomes.{parts[2]}.{parts[3]}"
    if len(parts) == 5 and parts[:2] == ["impact_map", "inputs"] and parts[3] == "factors":
        return f"inputs.{parts[2]}.{parts[4]}"
    return None


@dataclass(frozen=True)
class _Layout:
    """Column positions of the parameter vector and the fixed timing of the map.

    ``starting[t]`` lists the outcomes whose first year is t.
    """

    rate: int
    selectors: tuple[slice | np.ndarray, ...]  # rows of quantity … drop_off
    start: np.ndarray  # (O,)
    duration: np.ndarray  # (O,)
    starting: tuple[np.ndarray, ...]  # starting[t]: outcomes whose first year is t
    input_cols: tuple[tuple[int, ...], ...]
    input_years: tuple[tuple[int, ...], ...]
    period: int
    horizon: int  # last year that needs a discount factor (outputs or inputs)


def _layout(imap: ImpactMap) -> _Layout:
    m = imap.model.impact_map
    index = {p.name: i for i, p in enumerate(model_parameters(imap))}
    cols = np.array([[index[f"outcomes.{o.id}.{f}"] for f in OUTCOME_FIELDS] for o in m.outcomes])
    start = np.array([o.start_year for o in m.outcomes])
    input_years = tuple(tuple(range(i.year, i.year + i.repeat_years)) for i in m.inputs)
    period = m.analysis_period_years
    return _Layout(
        rate=index["discount_rate"],
        selectors=tuple(_field_selectors(cols)),
        start=start,
        duration=np.array([o.duration_years for o in m.outcomes]),
        starting=tuple(np.flatnonzero(start == t) for t in range(period + 2)),
        input_cols=tuple(
            tuple(index[f"inputs.{i.id}.{f.name}"] for f in i.factors) for i in m.inputs
        ),
        input_years=input_years,
        period=period,
        horizon=max([period, *(y for ys in input_years for y in ys)]),
    )


def _field_selectors(cols: np.ndarray) -> list[slice | np.ndarray]:
    """Row selectors of each outcome field: a strided slice (a view) when the columns are
    evenly spaced, as :func:`model_parameters` lays them out, else an index array."""
    out: list[slice | np.ndarray] = []
    for k in range(cols.shape[1]):
        col = cols[:, k]
        step = int(col[1] - col[0]) if len(col) > 1 else 1
        if step > 0 and np.array_equal(col, col[0] + step * np.arange(len(col))):
            out.append(slice(int(col[0]), int(col[-1]) + 1, step))
        else:
            out.append(col)
    return out


def _core(
    x: np.ndarray, lay: _Layout, work: dict[int, dict[str, np.ndarray]] | None = None
) -> dict[str, np.ndarray]:
    """Vectorised SROI over rows of the parameter matrix ``x`` (draws × parameters).

    Returns per-row present value, investment, the per-year values and a function of the
    annual impact. Drop-off is carried forward multiplicatively (value_t = value_{t−1} ×
    (1 − drop_off)), discounting likewise (1/(1 + r)^t = 1/(1 + r)^{t−1} / (1 + r)), so
    no powers are taken. ``work`` keeps the (outcomes × rows) buffers between calls of
    the same size: the arithmetic then runs in place, without fresh temporaries.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        x = x[None, :]
    xt = x.T  # (parameters, n): rows are contiguous for column-major input (see sensitivity)
    n = x.shape[0]
    shape = (lay.start.size, n)
    if work is None:
        work = {}
    if n not in work:
        work.clear()  # keep the buffers of one block size only
        work[n] = {k: np.empty(shape) for k in ("impact", "share", "level")}
    buf = work[n]
    q, p, dw, dsp, att, drop = (xt[sel] for sel in lay.selectors)  # (O, n)
    impact, share = np.multiply(q, p, out=buf["impact"]), buf["share"]
    for frac in (dw, dsp, att):  # stage 4: × (1 − deadweight)(1 − displacement)(1 − attribution)
        np.subtract(1.0, frac, out=share)
        impact *= share
    keep = np.subtract(1.0, drop, out=share)
    disc = np.empty((lay.horizon + 1, n))  # disc[t] = 1 / (1 + r)^t
    disc[0] = 1.0
    step = 1.0 / (1.0 + xt[lay.rate])
    for t in range(1, lay.horizon + 1):
        np.multiply(disc[t - 1], step, out=disc[t])
    level = buf["level"]  # value of each outcome in its current year once started
    np.copyto(level, impact)
    years = np.empty((lay.period, n))
    for t in range(1, lay.period + 1):
        k = t - lay.start  # year of the outcome, 0 in its first year
        active = ((k >= 0) & (k < lay.duration)).astype(float)
        np.dot(active, level, out=years[t - 1])  # sum over the outcomes active in year t
        if t == lay.period:
            break  # no later year needs the levels
        # Drop-off from each outcome's second year: every level ages by one year (levels
        # of outcomes not yet started or already ended are not counted), and those that
        # start next year are reset to their first-year impact.
        level *= keep
        nxt = lay.starting[t + 1]
        if nxt.size:
            level[nxt] = impact[nxt]
    pv = np.einsum("tn,tn->n", years, disc[1 : lay.period + 1])
    investment = np.zeros(n)
    factor: dict[tuple[int, ...], np.ndarray] = {}  # discount factor of a run of years
    for cols, yrs in zip(lay.input_cols, lay.input_years, strict=True):
        value = xt[cols[0]].copy()
        for col in cols[1:]:
            value *= xt[col]
        if yrs not in factor:  # inputs repeat over a run of consecutive years: a view
            factor[yrs] = disc[yrs[0] : yrs[-1] + 1].sum(axis=0)
        value *= factor[yrs]
        investment += value
    return {"pv": pv, "investment": investment, "impact": impact, "years": years.T}


METRICS = ("ratio", "net_ratio", "npv", "pv", "investment")


_METRIC_CODES = {m: i for i, m in enumerate(METRICS)}


@njit(cache=True, nogil=True, error_model="numpy")
def _metric_kernel(  # pragma: no cover - compiled
    xt: np.ndarray,
    rate: int,
    outcome_cols: np.ndarray,
    start: np.ndarray,
    duration: np.ndarray,
    input_cols: np.ndarray,
    input_first: np.ndarray,
    input_last: np.ndarray,
    horizon: int,
    metric: int,
) -> np.ndarray:
    """The SROI ``metric`` (a code of :data:`METRICS`) of every column of ``xt``
    (parameters × draws, C order): :func:`_core`'s arithmetic compiled, outcome by outcome
    over contiguous rows of draws — impact = quantity × proxy × (1 − deadweight)
    × (1 − displacement) × (1 − attribution), carried from year to year × (1 − drop-off)
    and discounted by 1/(1 + r)^t, built up by multiplication. Sums run in another order
    than :func:`_core`'s, so results agree with it to rounding (≈ 1e-15 relative).
    ``input_cols`` lists each input's factor columns, padded with −1."""
    n = xt.shape[1]
    disc = np.empty((horizon + 1, n))  # disc[t] = 1 / (1 + r)^t
    r = xt[rate]
    for d in range(n):
        step = 1.0 / (1.0 + r[d])
        disc[0, d] = 1.0
        for t in range(1, horizon + 1):
            disc[t, d] = disc[t - 1, d] * step
    pv = np.zeros(n)
    level = np.empty(n)
    keep = np.empty(n)
    for o in range(outcome_cols.shape[0]):
        cols = outcome_cols[o]
        q, p, dw = xt[cols[0]], xt[cols[1]], xt[cols[2]]
        dsp, att, drop = xt[cols[3]], xt[cols[4]], xt[cols[5]]
        for d in range(n):
            level[d] = q[d] * p[d] * (1.0 - dw[d]) * (1.0 - dsp[d]) * (1.0 - att[d])
            keep[d] = 1.0 - drop[d]
        last = start[o] + duration[o] - 1
        for t in range(start[o], last + 1):
            dt = disc[t]
            for d in range(n):
                pv[d] += level[d] * dt[d]
            if t < last:
                for d in range(n):
                    level[d] *= keep[d]
    investment = np.zeros(n)
    value = np.empty(n)
    for i in range(input_cols.shape[0]):
        value[:] = xt[input_cols[i, 0]]
        for f in range(1, input_cols.shape[1]):
            c = input_cols[i, f]
            if c >= 0:
                fac = xt[c]
                for d in range(n):
                    value[d] *= fac[d]
        for d in range(n):
            factor = 0.0
            for y in range(input_first[i], input_last[i] + 1):
                factor += disc[y, d]
            investment[d] += value[d] * factor
    out = np.empty(n)
    for d in range(n):
        if metric == 0:
            out[d] = pv[d] / investment[d]
        elif metric == 1:
            out[d] = (pv[d] - investment[d]) / investment[d]
        elif metric == 2:
            out[d] = pv[d] - investment[d]
        elif metric == 3:
            out[d] = pv[d]
        else:
            out[d] = investment[d]
    return out


def model_function(imap: ImpactMap, metric: str = "ratio") -> Callable[[np.ndarray], np.ndarray]:
    """A vectorised function parameter matrix → ``metric`` for :mod:`analysis.sensitivity`.

    ``metric``: ``ratio`` (PV / investment), ``net_ratio``, ``npv``, ``pv`` or
    ``investment``. Rows are evaluated independently; columns follow
    :func:`model_parameters`. Evaluated by the compiled :func:`_metric_kernel` (the same
    arithmetic as the deterministic :func:`evaluate`, summed in another order); the
    function is thread-safe and releases the GIL.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}")
    lay = _layout(imap)
    m = imap.model.impact_map
    index = {p.name: i for i, p in enumerate(model_parameters(imap))}
    outcome_cols = np.array(
        [[index[f"outcomes.{o.id}.{f}"] for f in OUTCOME_FIELDS] for o in m.outcomes],
        dtype=np.intp,
    ).reshape(-1, len(OUTCOME_FIELDS))
    width = max((len(c) for c in lay.input_cols), default=1)
    input_cols = np.full((len(lay.input_cols), width), -1, dtype=np.intp)
    for i, cols in enumerate(lay.input_cols):
        input_cols[i, : len(cols)] = cols
    first = np.array([y[0] for y in lay.input_years], dtype=np.intp)
    last = np.array([y[-1] for y in lay.input_years], dtype=np.intp)
    start = lay.start.astype(np.intp)
    duration = lay.duration.astype(np.intp)
    code = _METRIC_CODES[metric]

    def f(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if x.ndim == 1:
            x = x[None, :]
        xt = np.ascontiguousarray(x.T)  # a view for the Monte Carlo's column-major blocks
        return _metric_kernel(
            xt, lay.rate, outcome_cols, start, duration, input_cols, first, last, lay.horizon, code
        )

    return f


def base_vector(imap: ImpactMap) -> np.ndarray:
    """The base values of :func:`model_parameters` as a vector."""
    return np.array([p.base for p in model_parameters(imap)])


# --------------------------------------------------------------------------------------
# Deterministic evaluation
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SroiResult:
    """The SROI of one centre and scenario, with its tables (amounts in €)."""

    centre_id: str
    scenario: str | None
    discount_rate: float
    period: int
    total_present_value: float
    total_investment: float
    npv: float
    ratio: float
    net_ratio: float
    annual_impact: float
    payback_months: float
    payback_years_discounted: float | None
    by_outcome: pd.DataFrame = field(repr=False)
    by_stakeholder: pd.DataFrame = field(repr=False)
    by_year: pd.DataFrame = field(repr=False)
    by_input: pd.DataFrame = field(repr=False)

    def key_figures(self) -> dict[str, float | None]:
        """The headline figures as plain numbers (for ``results.record``)."""
        return {
            "present_value": self.total_present_value,
            "investment": self.total_investment,
            "npv": self.npv,
            "sroi_ratio": self.ratio,
            "net_sroi_ratio": self.net_ratio,
            "payback_months": self.payback_months if math.isfinite(self.payback_months) else None,
            "payback_years_discounted": self.payback_years_discounted,
        }


def _discounted_payback(by_year: pd.DataFrame, investment: float) -> float | None:
    """Years until cumulative PV covers the investment, linear within the year; None if never."""
    cum_prev = 0.0
    for t, pv_t in zip(by_year["year"], by_year["present_value"], strict=True):
        cum = cum_prev + pv_t
        if cum >= investment and pv_t > 0:
            return float(t - 1 + (investment - cum_prev) / pv_t)
        cum_prev = cum
    return None


def _outcome_table(imap: ImpactMap, period: int, lang: str) -> pd.DataFrame:
    """One row per outcome: its figures, first-year impact (stage 4), value in each year
    of the analysis with drop-off from the outcome's second year (stage 5.1) and present
    value with year t discounted by (1 + r)^t (stage 5.2)."""
    m = imap.model.impact_map
    r = m.discount_rate.value
    names = imap.stakeholder_names(lang)
    year_cols = [f"year_{t}" for t in range(1, period + 1)]
    rows = []
    for o in m.outcomes:
        impact = (
            o.quantity.value
            * o.proxy.value  # type: ignore[union-attr]
            * (1 - o.deadweight.value)
            * (1 - o.displacement.value)
            * (1 - o.attribution.value)
        )
        values = []
        for t in range(1, period + 1):
            k = t - o.start_year
            values.append(
                impact * (1 - o.drop_off.value) ** k if 0 <= k < o.duration_years else 0.0
            )
        pv = sum(v / (1 + r) ** t for t, v in enumerate(values, start=1))
        rows.append(
            {
                "outcome_id": o.id,
                "stakeholder_id": o.stakeholder,
                "stakeholder": names[o.stakeholder],
                "outcome": o.outcome_en if lang == "en" and o.outcome_en else o.outcome,
                "indicator": o.indicator,
                "quantity": o.quantity.value,
                "proxy": o.proxy.value,  # type: ignore[union-attr]
                "proxy_description": o.proxy.description,  # type: ignore[union-attr]
                "deadweight": o.deadweight.value,
                "displacement": o.displacement.value,
                "attribution": o.attribution.value,
                "drop_off": o.drop_off.value,
                "start_year": o.start_year,
                "duration_years": o.duration_years,
                "impact": impact,
                **dict(zip(year_cols, values, strict=True)),
                "present_value": pv,
            }
        )
    return pd.DataFrame(rows)


def _stakeholder_table(
    by_outcome: pd.DataFrame, groups: Mapping[str, str], total_pv: float
) -> pd.DataFrame:
    """Impact and present value summed per stakeholder, with its group and share."""
    by_stakeholder = (
        by_outcome.groupby(["stakeholder_id", "stakeholder"], sort=False)[
            ["impact", "present_value"]
        ]
        .sum()
        .reset_index()
    )
    by_stakeholder["share"] = by_stakeholder["present_value"] / total_pv if total_pv else np.nan
    by_stakeholder.insert(2, "group", by_stakeholder["stakeholder_id"].map(groups))
    return by_stakeholder


def _input_table(imap: ImpactMap, groups: Mapping[str, str], lang: str) -> pd.DataFrame:
    """One row per input: value per year (product of its factors) and present value, year
    0 undiscounted, later years discounted like outcomes."""
    m = imap.model.impact_map
    r = m.discount_rate.value
    names = imap.stakeholder_names(lang)
    rows = []
    for inp in m.inputs:
        value = float(np.prod([f.value for f in inp.factors]))
        yrs = range(inp.year, inp.year + inp.repeat_years)
        rows.append(
            {
                "input_id": inp.id,
                "stakeholder_id": inp.stakeholder,
                "stakeholder": names[inp.stakeholder],
                "group": groups[inp.stakeholder],
                "description": inp.description,
                "in_kind": inp.in_kind,
                "valuation_basis": inp.valuation_basis,
                "value_per_year": value,
                "first_year": inp.year,
                "years": inp.repeat_years,
                "present_value": sum(value / (1 + r) ** y for y in yrs),
            }
        )
    return pd.DataFrame(rows)


def _year_table(imap: ImpactMap, value_t: np.ndarray, period: int) -> pd.DataFrame:
    """Years 0 … period: value of the outcomes, discount factor 1 / (1 + r)^t, present
    value, its running total and the inputs of the year (year 0: inputs only)."""
    m = imap.model.impact_map
    r = m.discount_rate.value
    years = np.arange(1, period + 1)
    disc = (1 + r) ** -years.astype(float)
    inv_t = np.zeros(period + 1)
    for inp in m.inputs:
        value = float(np.prod([f.value for f in inp.factors]))
        for y in range(inp.year, inp.year + inp.repeat_years):
            inv_t[y] += value
    by_year = pd.DataFrame(
        {
            "year": years,
            "value": value_t,
            "discount_factor": disc,
            "present_value": value_t * disc,
        }
    )
    by_year["cumulative_present_value"] = by_year["present_value"].cumsum()
    by_year["investment"] = inv_t[1:]
    year_0 = {
        "year": [0],
        "value": [0.0],
        "discount_factor": [1.0],
        "present_value": [0.0],
        "cumulative_present_value": [0.0],
        "investment": [inv_t[0]],
    }
    return pd.concat([pd.DataFrame(year_0), by_year], ignore_index=True)


def evaluate(imap: ImpactMap, scenario: str | None = None, lang: str = "de") -> SroiResult:
    """Evaluate the SROI of ``imap`` (with ``scenario`` applied, if given).

    Conventions are those of the SROI Guide (2012) as set out in the module docstring:
    impact = quantity × proxy × (1 − deadweight) × (1 − displacement) × (1 − attribution);
    drop-off from the outcome's second year; year t discounted by (1 + r)^t with year 1
    discounted by 1/(1 + r); year-0 inputs undiscounted; payback in months =
    investment / (annual impact / 12). ``lang`` picks the stakeholder and outcome names
    of the file (``name_en``, ``outcome_en``) for the tables.
    """
    if scenario is not None:
        imap = apply_scenario(imap, scenario)
    lay = _layout(imap)
    core = _core(base_vector(imap)[None, :], lay)
    total_pv = float(core["pv"][0])
    groups = {s.id: s.group for s in imap.model.stakeholders}
    by_outcome = _outcome_table(imap, lay.period, lang)
    by_outcome["share"] = by_outcome["present_value"] / total_pv if total_pv else np.nan
    by_year = _year_table(imap, core["years"][0], lay.period)
    investment = float(core["investment"][0])
    annual_impact = float(core["impact"][:, 0].sum())
    payback_months = investment / (annual_impact / 12.0) if annual_impact > 0 else math.inf
    return SroiResult(
        centre_id=imap.centre_id,
        scenario=imap.scenario,
        discount_rate=imap.discount_rate,
        period=lay.period,
        total_present_value=total_pv,
        total_investment=investment,
        npv=total_pv - investment,
        ratio=total_pv / investment if investment else math.inf,
        net_ratio=(total_pv - investment) / investment if investment else math.inf,
        annual_impact=annual_impact,
        payback_months=payback_months,
        payback_years_discounted=_discounted_payback(by_year[by_year["year"] >= 1], investment),
        by_outcome=by_outcome,
        by_stakeholder=_stakeholder_table(by_outcome, groups, total_pv),
        by_year=by_year,
        by_input=_input_table(imap, groups, lang),
    )


def compare_centres(folder: str | Path | None = None) -> pd.DataFrame:
    """Key figures of every centre file × declared scenario, one row each."""
    rows = []
    for centre_id, path in centre_files(folder).items():
        imap = load_impact_map(path)
        for scenario in imap.scenarios or [None]:
            r = evaluate(imap, scenario)
            rows.append(
                {
                    "centre_id": centre_id,
                    "centre": imap.model.centre.name,
                    "status": imap.model.centre.status,
                    "housing_company_partner": imap.model.centre.housing_company_partner,
                    "scenario": scenario or "base",
                    **r.key_figures(),
                }
            )
    return pd.DataFrame(rows)
