"""Business case of a DORV-style centre: yearly cash flow, NPV, IRR and break-even.

The ``business:`` section of a centre file (``data/raw/sroi/<centre_id>.yaml``, schema
:class:`analysis.business.schema.BusinessSchema`, loaded and validated by
:mod:`analysis.business.centre`) describes the centre's business model next to its impact
map. The seed protocol asks for both: an investment "muss wirtschaftlich sein, muss
Rendite abwerfen" — and "Rendite muss aber nicht nur Geld sein" (the social side is
:mod:`analysis.sroi`; both are put side by side per partner in
:mod:`analysis.business.blended`).

Conventions (all amounts in € at constant prices; the discount rate is a real cost of
capital, not the SROI's social rate):

* **Operating result** of year t (t = 1 … horizon): gross profit of the ranges
  (inhabitants_t × spending per head × capture rate × gross margin, summed over the
  ranges) + gross profit of the services + subsidies − rent − staff − energy − other
  costs. Inhabitants change by the population change each year,
  inhabitants_t = inhabitants × (1 + g)^(t−1); revenue in year 1 is scaled by
  ``first_year_share`` (ramp-up). Rent = area × (market rent − rent reduction) × 12.
* **Project cash flow** (total-capital view, before financing): year 0 = − investment
  (cash start-up expenses + contributions in kind such as a conversion), years 1 … H =
  operating result, plus the residual value in year H.
* **NPV** follows numpy-financial's ``npv``: the year-0 flow is not discounted, year t
  is discounted by (1 + r)^t, i.e. NPV = Σ_{t=0}^{H} CF_t / (1 + r)^t (the same timing
  as the SROI Guide's present value, whose year 1 is discounted one full period).
  **IRR** is ``numpy_financial.irr`` of the project cash flow (the rate at which that
  NPV is zero; ``None`` when there is none).
* **Operator's cash** (after financing): year 0 = shares + grants + own funds + loan −
  cash start-up expenses (the opening cash), year t = operating result − interest −
  repayment − dividends. The loan pays interest only in its grace years, then an
  annuity A = L·i / (1 − (1 + i)^−(term − grace)) as ``numpy_financial.pmt``; the
  centre is *liquid* when its cumulative cash never falls below zero.
* **Break-even** (basis NPV = 0, every other figure at its value): the capture rate
  (all ranges' capture rates scaled by one factor; reported as the spending-weighted
  capture rate Σ spending·capture / Σ spending), the catchment (inhabitants) and the
  minimum rent reduction a landlord — e.g. a housing company — would have to grant.
  NPV is linear in each of them, so the break-even is solved exactly from two
  evaluations; :func:`analysis.sensitivity.tipping_points` with threshold 0 gives the
  break-even value of any other figure.

The same vectorised core (rows = parameter draws, columns = figures) serves the
deterministic result, the tornado, the tipping points and the Monte Carlo of
:mod:`analysis.sensitivity`; it is pure (no shared buffers), so it is thread-safe.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy_financial as npf
import pandas as pd

from analysis.business.centre import BusinessCase
from analysis.business.schema import BusinessSchema
from analysis.sensitivity import Parameter
from analysis.sroi.schema import FigureSchema

FOUND = "found"
ZERO = "zero"
NOT_REACHABLE = "not reachable"
"""Status of a break-even: found inside the feasible range; at zero (viable without any
capture, inhabitants or rent reduction); not reachable (e.g. capture rates above 100 %,
or not even a rent-free lease reaches NPV = 0)."""

METRICS = ("npv", "irr", "operating_result", "min_cash")


# --------------------------------------------------------------------------------------
# Figures as parameters
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure of the business section, without wording: its parameter name (= the
    override path); ``term``, what it is (e.g. ``capture_rate``), with the ``item`` of the
    section it belongs to (a range, a cost …) and, for a cost, its ``factor``; a ``unit`` id;
    the ``kind`` for formatting; bounds; and the figure (None: absent, the model uses
    ``default``, for the reason ``note``). :mod:`analysis.business.report.case` words them."""

    name: str
    term: str
    unit: str
    kind: str  # "fraction", "change" or "amount"
    bounds: tuple[float, float]
    fig: FigureSchema | None
    default: float = 0.0
    note: str = ""
    item: Any = None
    factor: str | None = None

    @property
    def value(self) -> float:
        return float(self.fig.value) if self.fig is not None else self.default


def _amount_bounds(fig: FigureSchema | None) -> tuple[float, float]:
    if fig is None:
        return (0.0, 1.0)
    return (0.0, 10.0 * max(float(fig.value), float(fig.high or 0.0), 1.0))


def _fraction(
    name: str, term: str, fig: Any, default: float = 0.0, note: str = "", item: Any = None
) -> Figure:
    return Figure(name, term, "%", "fraction", (0.0, 1.0), fig, default, note, item)


def _amount(
    name: str,
    term: str,
    unit: str,
    fig: Any,
    default: float = 0.0,
    note: str = "",
    item: Any = None,
) -> Figure:
    return Figure(name, term, unit, "amount", _amount_bounds(fig), fig, default, note, item)


def _market_figures(b: BusinessSchema) -> Iterator[Figure]:
    """Discount rate, ramp-up, catchment, ranges and services."""
    yield _fraction("business.discount_rate", "discount_rate", b.discount_rate)
    yield _fraction(
        "business.first_year_share", "first_year_share", b.first_year_share, 1.0, "no_ramp"
    )
    c = b.catchment
    yield _amount("business.catchment.inhabitants", "inhabitants", "inhabitants", c.inhabitants)
    yield Figure(
        "business.catchment.population_change",
        "population_change",
        "%",
        "change",
        (-0.5, 0.5),
        c.population_change,
        0.0,
        "no_change",
    )
    for r in b.ranges:
        p = f"business.ranges.{r.id}"
        yield _amount(
            f"{p}.spending_per_head",
            "spending_per_head",
            "per_head_year",
            r.spending_per_head,
            item=r,
        )
        yield _fraction(f"{p}.capture_rate", "capture_rate", r.capture_rate, item=r)
        yield _fraction(f"{p}.gross_margin", "gross_margin", r.gross_margin, item=r)
    for s in b.services:
        p = f"business.services.{s.id}"
        yield _amount(f"{p}.revenue", "revenue", "per_year", s.revenue, item=s)
        yield _fraction(f"{p}.gross_margin", "gross_margin", s.gross_margin, 1.0, "net_revenue", s)


def _cost_figures(b: BusinessSchema) -> Iterator[Figure]:
    """The factors of every running cost, and the premises."""
    for cost in b.costs:
        for fac in cost.factors:
            name = f"business.costs.{cost.id}.factors.{fac.name}"
            bounds = _amount_bounds(fac)
            yield Figure(
                name, "cost", fac.unit or "", "amount", bounds, fac, item=cost, factor=fac.name
            )
    pr = b.premises
    yield _amount("business.premises.area", "area", "m²", pr.area)
    yield _amount("business.premises.market_rent", "market_rent", "per_m2_month", pr.market_rent)
    yield Figure(
        "business.premises.rent_reduction",
        "rent_reduction",
        "per_m2_month",
        "amount",
        (0.0, float(pr.market_rent.value)),
        pr.rent_reduction,
    )
    yield _fraction(
        "business.premises.vacancy_without_centre",
        "vacancy_without_centre",
        pr.vacancy_without_centre,
        0.0,
        "no_vacancy",
    )


def _capital_figures(b: BusinessSchema) -> Iterator[Figure]:
    """Start capital, subsidies, start-up investment, loan and residual value."""
    for sc in b.start_capital:
        p = f"business.start_capital.{sc.id}"
        if sc.kind == "shares":
            yield _amount(f"{p}.shares", "shares", "shares", sc.shares, item=sc)
            yield _amount(f"{p}.share_price", "share_price", "€", sc.share_price, item=sc)
            yield _fraction(
                f"{p}.dividend_rate", "dividend_rate", sc.dividend_rate, 0.0, "no_dividend", sc
            )
        else:
            yield _amount(f"{p}.amount", "amount", "€", sc.amount, item=sc)
    for sub in b.subsidies:
        yield _amount(
            f"business.subsidies.{sub.id}.amount", "subsidy", "per_year", sub.amount, item=sub
        )
    for inv in b.investment:
        yield _amount(
            f"business.investment.{inv.id}.amount", "investment", "€", inv.amount, item=inv
        )
    if b.loan is not None:
        yield _amount("business.loan.amount", "loan_amount", "€", b.loan.amount)
        yield _fraction("business.loan.interest_rate", "interest_rate", b.loan.interest_rate)
    yield _amount(
        "business.residual_value", "residual_value", "€", b.residual_value, 0.0, "no_residual"
    )


def figures(case: BusinessCase) -> Iterator[Figure]:
    """Every figure of the business section in a fixed order (the parameter columns)."""
    b = case.model
    yield from _market_figures(b)
    yield from _cost_figures(b)
    yield from _capital_figures(b)


def model_parameters(case: BusinessCase) -> list[Parameter]:
    """Every figure of the business section as a :class:`~analysis.sensitivity.Parameter`.

    Names are the dotted paths a scenario override uses (``business.ranges.<id>.
    capture_rate``, ``business.costs.<id>.factors.<name>`` …). Optional figures that are
    absent enter at their neutral default (no ramp-up, no population change, net service
    revenue, no dividend, no residual value) without uncertainty. Bounds (for tipping
    points): [0, 1] for fractions and rates, [−0.5, 0.5] for the population change,
    [0, market rent] for the rent reduction, [0, 10 × max(value, high)] for amounts. The
    parameters carry no labels; :func:`analysis.business.report.case.labelled_parameters`
    adds them in the report's language.
    """
    out = []
    for f in figures(case):
        fig = f.fig
        out.append(
            Parameter(
                name=f.name,
                base=f.value,
                low=fig.low if fig is not None else None,
                high=fig.high if fig is not None else None,
                distribution=fig.distribution if fig is not None else None,
                bounds=f.bounds,
            )
        )
    return out


def base_vector(case: BusinessCase) -> np.ndarray:
    """The base values of :func:`model_parameters` as a vector."""
    return np.array([f.value for f in figures(case)])


# --------------------------------------------------------------------------------------
# Vectorised core: rows are parameter vectors (draws), columns the figures
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """Column positions of the parameter vector and the fixed structure of the case."""

    horizon: int
    rate: int
    ramp: int
    inhabitants: int
    growth: int
    spend: np.ndarray
    capture: np.ndarray
    margin: np.ndarray
    service_revenue: np.ndarray
    service_margin: np.ndarray
    costs: dict[str, tuple[tuple[int, ...], ...]]
    area: int
    market_rent: int
    rent_reduction: int
    vacancy: int
    shares: tuple[tuple[int, int, int], ...]  # (number, price, dividend rate)
    amounts: dict[str, tuple[int, ...]]  # kind → columns (grant, own_funds, in_kind)
    subsidies: np.ndarray  # (K,) columns
    subsidy_active: np.ndarray  # (K, H): 1 in the years a subsidy is paid
    investment: np.ndarray
    loan: tuple[int, int] | None
    loan_term: int
    loan_grace: int
    residual: int


def _layout(case: BusinessCase) -> _Layout:
    b = case.model
    ix = {f.name: i for i, f in enumerate(figures(case))}

    def cols(names: list[str]) -> np.ndarray:
        return np.array([ix[n] for n in names], dtype=np.intp)

    H = b.horizon_years
    active = np.zeros((len(b.subsidies), H))
    for k, s in enumerate(b.subsidies):
        last = H if s.years is None else min(H, s.first_year + s.years - 1)
        active[k, s.first_year - 1 : last] = 1.0
    costs: dict[str, list[tuple[int, ...]]] = {kind: [] for kind in ("staff", "energy", "other")}
    for c in b.costs:
        costs[c.kind].append(
            tuple(ix[f"business.costs.{c.id}.factors.{f.name}"] for f in c.factors)
        )
    amounts: dict[str, list[int]] = {"grant": [], "own_funds": [], "in_kind": []}
    shares = []
    for sc in b.start_capital:
        p = f"business.start_capital.{sc.id}"
        if sc.kind == "shares":
            shares.append((ix[f"{p}.shares"], ix[f"{p}.share_price"], ix[f"{p}.dividend_rate"]))
        else:
            amounts[sc.kind].append(ix[f"{p}.amount"])
    ranges = [f"business.ranges.{x.id}" for x in b.ranges]
    services = [f"business.services.{x.id}" for x in b.services]
    return _Layout(
        horizon=H,
        rate=ix["business.discount_rate"],
        ramp=ix["business.first_year_share"],
        inhabitants=ix["business.catchment.inhabitants"],
        growth=ix["business.catchment.population_change"],
        spend=cols([f"{p}.spending_per_head" for p in ranges]),
        capture=cols([f"{p}.capture_rate" for p in ranges]),
        margin=cols([f"{p}.gross_margin" for p in ranges]),
        service_revenue=cols([f"{p}.revenue" for p in services]),
        service_margin=cols([f"{p}.gross_margin" for p in services]),
        costs={k: tuple(v) for k, v in costs.items()},
        area=ix["business.premises.area"],
        market_rent=ix["business.premises.market_rent"],
        rent_reduction=ix["business.premises.rent_reduction"],
        vacancy=ix["business.premises.vacancy_without_centre"],
        shares=tuple(shares),
        amounts={k: tuple(v) for k, v in amounts.items()},
        subsidies=cols([f"business.subsidies.{x.id}.amount" for x in b.subsidies]),
        subsidy_active=active,
        investment=cols([f"business.investment.{x.id}.amount" for x in b.investment]),
        loan=(ix["business.loan.amount"], ix["business.loan.interest_rate"]) if b.loan else None,
        loan_term=b.loan.term_years if b.loan is not None else 0,
        loan_grace=b.loan.grace_years if b.loan is not None else 0,
        residual=ix["business.residual_value"],
    )


def loan_schedule(
    amount: np.ndarray, rate: np.ndarray, term: int, grace: int, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """Interest and repayment per year (rows × ``horizon``) of a loan paid out in year 0.

    Interest only in the first ``grace`` years, then an annuity over the remaining
    term: A = L·i / (1 − (1 + i)^−(term − grace)), A = L / (term − grace) at i = 0 —
    the payment of ``numpy_financial.pmt`` (which returns it with a negative sign);
    interest of year t = balance_{t−1} × i, repayment = A − interest.
    """
    amount = np.asarray(amount, dtype=float)
    rate = np.asarray(rate, dtype=float)
    interest = np.zeros((amount.size, horizon))
    repayment = np.zeros((amount.size, horizon))
    m = term - grace
    with np.errstate(divide="ignore", invalid="ignore"):
        annuity = np.where(rate > 0, amount * rate / -np.expm1(-m * np.log1p(rate)), amount / m)
    balance = amount.copy()
    for k in range(min(term, horizon)):
        interest[:, k] = balance * rate
        if k >= grace:
            repayment[:, k] = annuity - interest[:, k]
            balance = balance - repayment[:, k]
    return interest, repayment


def _cost_sum(x: np.ndarray, items: tuple[tuple[int, ...], ...]) -> np.ndarray:
    total = np.zeros(x.shape[0])
    for factors in items:
        total += np.prod(x[:, list(factors)], axis=1)
    return total


def _operating(x: np.ndarray, lay: _Layout) -> dict[str, np.ndarray]:
    """Operating result of years 1 … H and its parts: gross profit of the ranges
    (inhabitants_t × spending × capture × margin, ramp-up in year 1) and services,
    subsidies, rent, staff, energy and other costs."""
    n, H = x.shape[0], lay.horizon
    t = np.arange(H, dtype=float)  # year index − 1
    inhabitants = x[:, lay.inhabitants, None] * (1.0 + x[:, lay.growth])[:, None] ** t
    ramp = np.ones((n, H))
    ramp[:, 0] = x[:, lay.ramp]
    spend_capture = x[:, lay.spend] * x[:, lay.capture]  # € per inhabitant, per range
    range_revenue = inhabitants * ramp * spend_capture.sum(axis=1)[:, None]
    range_gross = inhabitants * ramp * (spend_capture * x[:, lay.margin]).sum(axis=1)[:, None]
    srv = x[:, lay.service_revenue]
    service_revenue = ramp * srv.sum(axis=1)[:, None]
    service_gross = ramp * (srv * x[:, lay.service_margin]).sum(axis=1)[:, None]
    subsidies = x[:, lay.subsidies] @ lay.subsidy_active
    rent = x[:, lay.area] * (x[:, lay.market_rent] - x[:, lay.rent_reduction]) * 12.0
    staff = _cost_sum(x, lay.costs["staff"])
    energy = _cost_sum(x, lay.costs["energy"])
    other = _cost_sum(x, lay.costs["other"])
    operating = range_gross + service_gross + subsidies - (rent + staff + energy + other)[:, None]
    return {
        "inhabitants": inhabitants,
        "range_revenue": range_revenue,
        "range_gross": range_gross,
        "service_revenue": service_revenue,
        "service_gross": service_gross,
        "subsidies": subsidies,
        "rent": rent,
        "staff": staff,
        "energy": energy,
        "other": other,
        "operating": operating,
    }


def _financing(
    x: np.ndarray, lay: _Layout, operating: np.ndarray, cash_investment: np.ndarray
) -> dict[str, np.ndarray]:
    """The operator's cash after financing: opening cash (shares, grants, own funds and
    loan less cash start-up expenses), then operating result less interest, repayment and
    dividends; ``cash`` is its running total."""
    n, H = x.shape[0], lay.horizon
    share_capital, dividends = np.zeros(n), np.zeros(n)
    for number, price, div in lay.shares:
        capital = x[:, number] * x[:, price]
        share_capital += capital
        dividends += capital * x[:, div]
    grants = x[:, list(lay.amounts["grant"])].sum(axis=1)
    own_funds = x[:, list(lay.amounts["own_funds"])].sum(axis=1)
    if lay.loan is not None:
        loan = x[:, lay.loan[0]]
        interest, repayment = loan_schedule(
            loan, x[:, lay.loan[1]], lay.loan_term, lay.loan_grace, H
        )
    else:
        loan, interest, repayment = np.zeros(n), np.zeros((n, H)), np.zeros((n, H))
    operator = np.empty((n, H + 1))
    operator[:, 0] = share_capital + grants + own_funds + loan - cash_investment
    operator[:, 1:] = operating - interest - repayment - dividends[:, None]
    cash = np.cumsum(operator, axis=1)
    return {
        "share_capital": share_capital,
        "dividends": dividends,
        "grants": grants,
        "own_funds": own_funds,
        "loan": loan,
        "interest": interest,
        "repayment": repayment,
        "operator": operator,
        "cash": cash,
        "min_cash": cash.min(axis=1),
    }


def _core(x: np.ndarray, lay: _Layout) -> dict[str, np.ndarray]:
    """Cash flows of every row of ``x`` (rows × parameters), following the module's
    conventions. Pure NumPy without shared state (thread-safe). Arrays are (rows,) or
    (rows, horizon) for years 1 … H; ``project`` and ``operator`` are (rows, H + 1)."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        x = x[None, :]
    n, H = x.shape[0], lay.horizon
    t = np.arange(H, dtype=float)  # year index − 1
    disc = (1.0 + x[:, lay.rate])[:, None] ** -(t + 1.0)  # 1 / (1 + r)^t, t = 1 … H
    ops = _operating(x, lay)
    cash_investment = x[:, lay.investment].sum(axis=1)
    in_kind = x[:, list(lay.amounts["in_kind"])].sum(axis=1)
    residual = x[:, lay.residual]
    project = np.empty((n, H + 1))
    project[:, 0] = -(cash_investment + in_kind)
    project[:, 1:] = ops["operating"]
    project[:, H] += residual
    npv = project[:, 0] + (project[:, 1:] * disc).sum(axis=1)
    area, market = x[:, lay.area], x[:, lay.market_rent]
    return {
        "disc": disc,
        **ops,
        "cash_investment": cash_investment,
        "in_kind": in_kind,
        "residual": residual,
        "project": project,
        "npv": npv,
        **_financing(x, lay, ops["operating"], cash_investment),
        "rent_given_up": area * x[:, lay.rent_reduction] * 12.0,
        "avoided_vacancy": area * market * 12.0 * x[:, lay.vacancy],
    }


def irr_rows(project: np.ndarray) -> np.ndarray:
    """``numpy_financial.irr`` of each row of cash flows (NaN where there is none)."""
    return np.array([npf.irr(row) for row in np.atleast_2d(project)], dtype=float)


def model_function(case: BusinessCase, metric: str = "npv") -> Callable[[np.ndarray], np.ndarray]:
    """A vectorised function parameter matrix → ``metric`` for :mod:`analysis.sensitivity`.

    ``metric``: ``npv`` (project NPV), ``irr`` (``numpy_financial.irr`` per row),
    ``operating_result`` (mean yearly operating result) or ``min_cash`` (lowest
    cumulative cash of the operator). Columns follow :func:`model_parameters`; rows are
    evaluated independently; the function is pure and thread-safe.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}")
    lay = _layout(case)

    def f(x: np.ndarray) -> np.ndarray:
        out = _core(x, lay)
        if metric == "npv":
            return out["npv"]
        if metric == "irr":
            return irr_rows(out["project"])
        if metric == "operating_result":
            return out["operating"].mean(axis=1)
        return out["min_cash"]

    return f


# --------------------------------------------------------------------------------------
# Break-even
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakEven:
    """Break-even values at which the project NPV is zero (other figures at base).

    ``capture_rate`` is the spending-weighted capture rate of all ranges at break-even
    (their capture rates scaled by ``capture_scale``); ``inhabitants`` the catchment;
    ``rent_reduction`` the minimum reduction (€ per m² and month) a landlord would have
    to grant, ``rent_reduction_share`` as a share of the market rent and
    ``rent_reduction_per_year`` in € a year. ``rent_free_npv`` is the NPV with a
    rent-free lease (how far even that falls short when it is negative).
    """

    capture_rate: float | None
    capture_rate_base: float
    capture_scale: float | None
    capture_status: str
    inhabitants: float | None
    inhabitants_base: float
    inhabitants_status: str
    rent_reduction: float | None
    rent_reduction_base: float
    rent_reduction_share: float | None
    rent_reduction_per_year: float | None
    rent_status: str
    rent_free_npv: float

    def key_figures(self) -> dict[str, float | None]:
        return {
            "break_even_capture_rate": self.capture_rate,
            "break_even_inhabitants": self.inhabitants,
            "min_rent_reduction_per_m2": self.rent_reduction,
            "min_rent_reduction_share": self.rent_reduction_share,
            "min_rent_reduction_per_year": self.rent_reduction_per_year,
        }


def _linear_root(y0: float, y1: float, v0: float, v1: float) -> float | None:
    """The v at which the line through (v0, y0), (v1, y1) is zero; None if flat."""
    slope = (y1 - y0) / (v1 - v0)
    if slope == 0 or not math.isfinite(slope):
        return None
    return float(v0 - y0 / slope)


def break_even(case: BusinessCase) -> BreakEven:
    """Break-even capture rate, catchment and minimum rent reduction (NPV = 0).

    The project NPV is linear in the capture rates, the inhabitants and the rent
    reduction (all else fixed), so each break-even is the root of the line through two
    evaluations of the vectorised core (exact up to rounding). A value at or below zero
    means the centre is viable without it (status ``zero``); a capture rate above 100 %
    in any range, or a rent reduction above the market rent, is ``not reachable``.
    """
    lay = _layout(case)
    x = base_vector(case)

    def npv(rows: np.ndarray) -> np.ndarray:
        return _core(rows, lay)["npv"]

    spend, capture = x[lay.spend], x[lay.capture]
    overall = float(spend @ capture / spend.sum()) if spend.sum() > 0 else math.nan

    # capture: all ranges' capture rates × k, k = 0 and 1
    rows = np.tile(x, (2, 1))
    rows[0, lay.capture] = 0.0
    y0, y1 = (float(v) for v in npv(rows))
    k = _linear_root(y0, y1, 0.0, 1.0)
    if y0 >= 0:
        scale, cap_status = 0.0, ZERO
    elif k is None or k < 0 or (capture.size and k * capture.max() > 1.0 + 1e-12):
        scale, cap_status = None, NOT_REACHABLE
    else:
        scale, cap_status = k, FOUND
    cap = scale * overall if scale is not None else None

    # catchment: 0 and the base number of inhabitants (1 if the base is 0)
    base_inh = float(x[lay.inhabitants])
    rows = np.tile(x, (2, 1))
    rows[0, lay.inhabitants] = 0.0
    rows[1, lay.inhabitants] = base_inh or 1.0
    y0, y1 = (float(v) for v in npv(rows))
    root = _linear_root(y0, y1, 0.0, base_inh or 1.0)
    if y0 >= 0:
        inh, inh_status = 0.0, ZERO
    elif root is None or root < 0:
        inh, inh_status = None, NOT_REACHABLE
    else:
        inh, inh_status = root, FOUND

    # rent reduction: none and a rent-free lease
    market, area = float(x[lay.market_rent]), float(x[lay.area])
    rows = np.tile(x, (2, 1))
    rows[0, lay.rent_reduction] = 0.0
    rows[1, lay.rent_reduction] = market
    y0, y_free = (float(v) for v in npv(rows))
    if y0 >= 0:
        red, red_status = 0.0, ZERO
    elif y_free < 0 or market <= 0 or area <= 0:
        red, red_status = None, NOT_REACHABLE
    else:
        red, red_status = _linear_root(y0, y_free, 0.0, market), FOUND
    return BreakEven(
        capture_rate=cap,
        capture_rate_base=overall,
        capture_scale=scale,
        capture_status=cap_status,
        inhabitants=inh,
        inhabitants_base=base_inh,
        inhabitants_status=inh_status,
        rent_reduction=red,
        rent_reduction_base=float(x[lay.rent_reduction]),
        rent_reduction_share=red / market if red is not None and market > 0 else None,
        rent_reduction_per_year=red * area * 12.0 if red is not None else None,
        rent_status=red_status,
        rent_free_npv=float(y_free),
    )


# --------------------------------------------------------------------------------------
# Deterministic evaluation
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessResult:
    """The business case of one centre and scenario, with its tables (amounts in €)."""

    centre_id: str
    scenario: str | None
    horizon: int
    discount_rate: float
    npv: float
    irr: float | None
    investment: float
    cash_investment: float
    in_kind: float
    opening_cash: float
    operating_result_first_year: float
    operating_result_mean: float
    revenue_full_year: float
    min_cash: float
    min_cash_year: int
    first_negative_cash_year: int | None
    payback_years: float | None
    break_even: BreakEven
    by_year: pd.DataFrame = field(repr=False)
    by_source: pd.DataFrame = field(repr=False)
    by_cost: pd.DataFrame = field(repr=False)

    @property
    def liquid(self) -> bool:
        """True when the operator's cumulative cash never falls below zero."""
        return self.min_cash >= 0

    def key_figures(self) -> dict[str, float | bool | None]:
        """The headline figures as plain numbers (for ``results.record``)."""
        return {
            "npv": self.npv,
            "irr": self.irr,
            "investment": self.investment,
            "operating_result_first_year": self.operating_result_first_year,
            "operating_result_mean": self.operating_result_mean,
            "revenue_full_year": self.revenue_full_year,
            "min_cash": self.min_cash,
            "liquid": self.liquid,
            "payback_years": self.payback_years,
            **self.break_even.key_figures(),
        }


def _discounted_payback(pv: np.ndarray) -> float | None:
    """Years until the cumulative present value of the project cash flow (year 0 first)
    reaches zero, interpolated linearly within the year (as the SROI's discounted
    payback); None if it never does."""
    cum = pv[0]
    if cum >= 0:
        return 0.0
    for t in range(1, pv.size):
        if pv[t] > 0 and cum + pv[t] >= 0:
            return float(t - 1 + (-cum) / pv[t])
        cum += pv[t]
    return None


def _year_table(out: dict[str, Any], horizon: int, rate: float) -> pd.DataFrame:
    """Years 0 … H: operating result and its parts, the project cash flow with its present
    value (year 0 undiscounted), then financing, capital service and the operator's cash."""
    H = horizon
    years = np.arange(H + 1)
    disc = (1.0 + rate) ** -years.astype(float)

    def per_year(v: Any, first: float = 0.0) -> np.ndarray:
        """Years 1 … H of ``v`` (an array or a constant) with ``first`` for year 0."""
        return np.concatenate([[first], np.broadcast_to(np.asarray(v, dtype=float), (H,))])

    def at(year: int, v: float) -> np.ndarray:
        a = np.zeros(H + 1)
        a[year] = v
        return a

    project = out["project"]
    by_year = pd.DataFrame(
        {
            "year": years,
            "inhabitants": per_year(out["inhabitants"], np.nan),
            "range_revenue": per_year(out["range_revenue"]),
            "range_gross_profit": per_year(out["range_gross"]),
            "service_revenue": per_year(out["service_revenue"]),
            "service_gross_profit": per_year(out["service_gross"]),
            "subsidies": per_year(out["subsidies"]),
            "rent": per_year(out["rent"]),
            "staff": per_year(out["staff"]),
            "energy": per_year(out["energy"]),
            "other": per_year(out["other"]),
            "operating_result": per_year(out["operating"]),
            "investment": at(0, out["cash_investment"] + out["in_kind"]),
            "residual_value": at(H, out["residual"]),
            "project_cash_flow": project,
            "discount_factor": disc,
            "present_value": project * disc,
        }
    )
    by_year["cumulative_present_value"] = by_year["present_value"].cumsum()
    by_year["financing"] = at(
        0, out["share_capital"] + out["grants"] + out["own_funds"] + out["loan"]
    )
    by_year["interest"] = per_year(out["interest"])
    by_year["repayment"] = per_year(out["repayment"])
    by_year["dividends"] = per_year(out["dividends"])
    by_year["operator_cash_flow"] = out["operator"]
    by_year["cash_balance"] = out["cash"]
    return by_year


def _source_table(case: BusinessCase, out: dict[str, Any]) -> pd.DataFrame:
    """Revenue and gross profit of each range and service in a full year (year 1 without
    ramp-up); ``parameter`` is the path of its figures."""
    sources = []
    full_year_inh = float(out["inhabitants"][0])
    for rng in case.model.ranges:
        p = f"business.ranges.{rng.id}"
        rev = full_year_inh * rng.spending_per_head.value * rng.capture_rate.value
        sources.append(
            {
                "source_id": rng.id,
                "kind": "range",
                "name": rng.name,
                "name_en": rng.name_en or rng.name,
                "revenue": rev,
                "gross_margin": rng.gross_margin.value,
                "gross_profit": rev * rng.gross_margin.value,
                "parameter": p,
            }
        )
    for s in case.model.services:
        m = s.gross_margin.value if s.gross_margin is not None else 1.0
        sources.append(
            {
                "source_id": s.id,
                "kind": "service",
                "name": s.name,
                "name_en": s.name_en or s.name,
                "revenue": s.revenue.value,
                "gross_margin": m,
                "gross_profit": s.revenue.value * m,
                "parameter": f"business.services.{s.id}",
            }
        )
    return pd.DataFrame(sources)


def _cost_table(case: BusinessCase, out: dict[str, Any]) -> pd.DataFrame:
    """Running costs per year: the rent of the premises (``kind`` rent, named by the
    report), then each cost of the file with its names."""
    costs = [
        {
            "cost_id": "rent",
            "kind": "rent",
            "name": None,
            "name_en": None,
            "per_year": float(out["rent"]),
        }
    ]
    for c in case.model.costs:
        costs.append(
            {
                "cost_id": c.id,
                "kind": c.kind,
                "name": c.name,
                "name_en": c.name_en or c.name,
                "per_year": float(np.prod([f.value for f in c.factors])),
            }
        )
    return pd.DataFrame(costs)


def evaluate(case: BusinessCase) -> BusinessResult:
    """Evaluate the business case (see the module docstring for the conventions).

    NPV is ``numpy_financial.npv(rate, cash_flows)`` (year 0 undiscounted) and IRR
    ``numpy_financial.irr(cash_flows)`` of the project cash flow; the vectorised core
    gives the same NPV (checked in tests).
    """
    out = base_flows(case)
    H, r = case.horizon, case.discount_rate
    project = out["project"]
    npv = float(npf.npv(r, project))
    irr = float(npf.irr(project))
    by_year = _year_table(out, H, r)
    by_source = _source_table(case, out)
    cash = out["cash"]
    return BusinessResult(
        centre_id=case.centre_id,
        scenario=case.scenario,
        horizon=H,
        discount_rate=r,
        npv=npv,
        irr=irr if math.isfinite(irr) else None,
        investment=float(out["cash_investment"] + out["in_kind"]),
        cash_investment=float(out["cash_investment"]),
        in_kind=float(out["in_kind"]),
        opening_cash=float(out["operator"][0]),
        operating_result_first_year=float(out["operating"][0]),
        operating_result_mean=float(out["operating"].mean()),
        revenue_full_year=float(by_source["revenue"].sum()) if len(by_source) else 0.0,
        min_cash=float(cash.min()),
        min_cash_year=int(np.argmin(cash)),
        first_negative_cash_year=int(np.argmax(cash < 0)) if (cash < 0).any() else None,
        payback_years=_discounted_payback(by_year["present_value"].to_numpy()),
        break_even=break_even(case),
        by_year=by_year,
        by_source=by_source,
        by_cost=_cost_table(case, out),
    )


def base_flows(case: BusinessCase) -> dict[str, np.ndarray]:
    """The arrays of the vectorised core for the base figures (one row, squeezed): the
    building blocks of the partner flows in :mod:`analysis.business.blended`."""
    out = _core(base_vector(case)[None, :], _layout(case))
    return {k: v[0] for k, v in out.items()}
