"""Schemas of every input the workbench reads, in one module.

Each section validates one kind of data input (data catalogue, protocols and
codebook, impact maps, panels, survey, regional data). The run manifest's own
schema lives with it in :mod:`analysis.manifest`, so that checking a pipeline
with nothing to do never imports the data stack. Validation
failures are turned into :class:`analysis.errors.InputError` naming file, row,
column/field and rule (see :func:`problems_from_pydantic`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import InputError, Problem


def problems_from_pydantic(
    err: ValidationError, file: str | Path, *, row_key: str | None = None
) -> list[Problem]:
    """Translate a pydantic ``ValidationError`` into :class:`Problem` entries.

    The location tuple becomes the field path (``outcomes.3.deadweight``); when
    ``row_key`` names a list field (e.g. ``"outcomes"``) its index is reported as
    the row, counted from 1 as evaluators count rows.
    """
    problems = []
    for e in err.errors():
        loc = list(e["loc"])
        row = None
        if row_key is not None and len(loc) >= 2 and loc[0] == row_key and isinstance(loc[1], int):
            row = loc[1] + 1
        field = ".".join(str(p) for p in loc) or None
        rule = e["msg"].removeprefix("Value error, ")
        problems.append(
            Problem(rule=rule, file=str(file), row=row, column=field, value=e.get("input"))
        )
    return problems


def raise_for_pydantic(err: ValidationError, file: str | Path, **kw: Any) -> None:
    """Raise an :class:`InputError` listing every problem of ``err``."""
    raise InputError(problems=problems_from_pydantic(err, file, **kw)) from None


# --------------------------------------------------------------------------------------
# Raw-data catalogue (data/raw/catalog.yaml)
# --------------------------------------------------------------------------------------


class CatalogEntrySchema(BaseModel):
    """One raw input file: what it is, where it comes from, whether it is real."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1)
    status: Literal["real", "fictional", "synthetic", "authored"]
    title: str | None = None
    description: str | None = None
    source: str = Field(min_length=1)
    licence: str = Field(min_length=1)
    notes: str | None = None
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class CatalogSchema(BaseModel):
    """The catalogue: relative path under data/raw → entry."""

    model_config = ConfigDict(extra="forbid")

    files: dict[str, CatalogEntrySchema]


# --------------------------------------------------------------------------------------
# Centre files: SROI impact map (data/raw/sroi/<centre_id>.yaml)
# --------------------------------------------------------------------------------------
# A centre file describes one DORV-style centre: metadata with public facts (each with a
# source), the stakeholders, the impact map (inputs and outcomes in the columns of the
# SROI Guide's impact map, Cabinet Office / SROI Network 2012) and named scenarios as
# declared overrides. Every number is a "figure": a value with its ``source`` (public
# fact) or ``assumption`` (reasoning), optionally with an uncertainty range.


STAKEHOLDER_GROUPS = (
    "social_organisation",
    "housing_company",
    "municipality",
    "residents",
    "tenants",
    "volunteers",
    "local_businesses",
    "citizen_shareholders",
    "funders",
    "state",
    "other",
)
"""Roles a stakeholder can play in the partner value exchange."""

DISTRIBUTIONS = ("triangular", "pert", "uniform")
"""Uncertainty distributions a figure may declare (mode = the figure's value)."""

ID_PATTERN = r"^[a-z][a-z0-9_]{0,59}$"


def _refuse_text_number(v: Any) -> Any:
    """Numbers must be numbers: refuse text such as ``"25 %"`` or ``"0,25"``, booleans,
    NaN, infinity and magnitudes beyond :data:`MAX_FIGURE`."""
    if isinstance(v, bool):
        raise ValueError("expected a number, got true/false")
    if isinstance(v, str):
        raise ValueError(
            "expected a number, got text; write fractions as numbers between 0 and 1 "
            "(0.25, not '25 %') and amounts without units"
        )
    if isinstance(v, int | float):
        import math

        if not math.isfinite(v):
            raise ValueError("expected a finite number, got NaN or infinity (.nan/.inf)")
        if abs(v) > MAX_FIGURE:
            raise ValueError(
                f"{v:g} is implausibly large (beyond ±{MAX_FIGURE:g}); check the units"
            )
    return v


MAX_FIGURE = 1e12
"""Largest magnitude of any figure of a centre file (an assumption: no amount, quantity
or factor of a local centre comes near 10^12; larger values are unit or typing errors
and would overflow the products of the impact calculation)."""


_Number = Annotated[float, BeforeValidator(_refuse_text_number)]


class FigureSchema(BaseModel):
    """A number with its basis: ``source`` (public fact) and/or ``assumption`` (reasoning).

    Optional uncertainty for sensitivity analysis: ``distribution`` (triangular, pert,
    uniform) with ``low`` and ``high``; the figure's ``value`` is the mode.
    """

    model_config = ConfigDict(extra="forbid")

    value: _Number
    source: str | None = None
    assumption: str | None = None
    distribution: Literal["triangular", "pert", "uniform"] | None = None
    low: _Number | None = None
    high: _Number | None = None

    @model_validator(mode="after")
    def _check(self) -> FigureSchema:
        if not (self.source or "").strip() and not (self.assumption or "").strip():
            raise ValueError(
                "every number needs a 'source:' (public fact) or an 'assumption:' (why this value)"
            )
        lo_dom, hi_dom = self._domain()
        for name in ("value", "low", "high"):
            x = getattr(self, name)
            if x is None:
                continue
            if lo_dom is not None and x < lo_dom:
                raise ValueError(f"{name} {x} is below the allowed minimum {lo_dom}")
            if hi_dom is not None and x > hi_dom:
                hint = ""
                if hi_dom == 1 < x <= 100:
                    hint = f" (a share of {x:g} % is written {x / 100:g})"
                raise ValueError(f"{name} {x} is above the allowed maximum {hi_dom}{hint}")
        has_range = self.low is not None or self.high is not None
        if self.distribution is not None and (self.low is None or self.high is None):
            raise ValueError(f"distribution '{self.distribution}' needs both 'low' and 'high'")
        if has_range and (self.low is None or self.high is None):
            raise ValueError("an uncertainty range needs both 'low' and 'high'")
        if has_range and self.distribution is None:
            raise ValueError(
                "a 'low'/'high' range needs a 'distribution' (triangular, pert, uniform)"
            )
        if has_range and not (self.low <= self.value <= self.high):  # type: ignore[operator]
            raise ValueError(
                f"need low <= value <= high, got low={self.low}, value={self.value}, "
                f"high={self.high}"
            )
        return self

    def _domain(self) -> tuple[float | None, float | None]:
        return (None, None)


class NonNegativeFigureSchema(FigureSchema):
    """A figure that cannot be negative (quantities, amounts of money, proxies)."""

    def _domain(self) -> tuple[float | None, float | None]:
        return (0.0, None)


class FractionFigureSchema(FigureSchema):
    """A fraction in [0, 1] (deadweight, displacement, attribution, drop-off, rates)."""

    def _domain(self) -> tuple[float | None, float | None]:
        return (0.0, 1.0)


class ProxySchema(NonNegativeFigureSchema):
    """The financial proxy of an outcome: value per unit of quantity, and what it is."""

    description: str = Field(min_length=1)


class FactSchema(BaseModel):
    """A public fact about the centre, with its source."""

    model_config = ConfigDict(extra="forbid")

    fact: str = Field(min_length=1)
    source: str = Field(min_length=1)


class CentreMetaSchema(BaseModel):
    """Metadata of a centre: identity, status (real or fictional) and public facts."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    place: str | None = None
    status: Literal["real", "fictional", "synthetic", "authored"]
    status_note: str = Field(min_length=1)
    description: str | None = None
    housing_company_partner: bool
    facts: list[FactSchema] = Field(default_factory=list)


class StakeholderSchema(BaseModel):
    """A stakeholder who invests in or receives value from the centre."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    name_en: str | None = None
    group: Literal[STAKEHOLDER_GROUPS]  # type: ignore[valid-type]
    description: str | None = None


class FactorSchema(NonNegativeFigureSchema):
    """One factor of an input's valuation (e.g. hours, wage rate, m², months)."""

    name: str = Field(pattern=ID_PATTERN)
    unit: str | None = None


class InputSchema(BaseModel):
    """One input (investment): who puts in what, valued as the product of its factors.

    ``factors`` multiply to the input's value, e.g. volunteer hours × wage rate or
    rent reduction per m² × m² × months; a single factor named ``value`` is a plain
    amount. ``year`` 0 is the up-front investment (not discounted); later years are
    discounted like outcomes. ``repeat_years`` > 1 repeats the value in each of that many
    consecutive years from ``year`` on (recurring contributions such as rent reductions).
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    stakeholder: str = Field(min_length=1)
    description: str = Field(min_length=1)
    in_kind: bool
    year: int = Field(default=0, ge=0)
    repeat_years: int = Field(default=1, ge=1)
    valuation_basis: str | None = None
    factors: list[FactorSchema] = Field(min_length=1)

    @field_validator("factors")
    @classmethod
    def _unique_factor_names(cls, factors: list[FactorSchema]) -> list[FactorSchema]:
        return _unique_factors(factors, "an input")


def _unique_factors(factors: list[FactorSchema], within: str) -> list[FactorSchema]:
    """Refuse two factors of the same name in one input or cost (their product is the value)."""
    names = [f.name for f in factors]
    if len(set(names)) != len(names):
        raise ValueError(f"factor names must be unique within {within}")
    return factors


class OutcomeSchema(BaseModel):
    """One row of the impact map (SROI Guide 2012, stages 2–4)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    stakeholder: str = Field(min_length=1)
    outcome: str = Field(min_length=1)
    outcome_en: str | None = None
    indicator: str = Field(min_length=1)
    intended: bool = True
    quantity: NonNegativeFigureSchema
    proxy: ProxySchema | None = Field(default=None, validate_default=True)
    duration_years: int = Field(ge=1)
    start_year: int = Field(default=1, ge=1)
    deadweight: FractionFigureSchema
    displacement: FractionFigureSchema
    attribution: FractionFigureSchema
    drop_off: FractionFigureSchema

    @field_validator("proxy")
    @classmethod
    def _proxy_required(cls, proxy: ProxySchema | None) -> ProxySchema:
        if proxy is None:
            raise ValueError("financial proxy missing: every outcome needs a valued proxy")
        return proxy


class ImpactMapSchema(BaseModel):
    """The impact map proper: discounting, period, inputs and outcomes."""

    model_config = ConfigDict(extra="forbid")

    currency: Literal["EUR"] = "EUR"
    discount_rate: FractionFigureSchema
    analysis_period_years: int = Field(ge=1, le=50)
    inputs: list[InputSchema] = Field(min_length=1)
    outcomes: list[OutcomeSchema] = Field(min_length=1)


class OverrideSchema(BaseModel):
    """One declared change of a scenario: the dotted ``path`` of a figure and its value.

    Paths address list items by their id, e.g.
    ``impact_map.outcomes.access_groceries.deadweight`` or
    ``impact_map.inputs.volunteers.factors.hours``.
    """

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1)
    value: _Number
    assumption: str = Field(min_length=1)


class ScenarioSchema(BaseModel):
    """A named scenario: a description and its overrides of the base figures."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1)
    overrides: list[OverrideSchema] = Field(default_factory=list)


class CentreFileSchema(BaseModel):
    """A centre file ``data/raw/sroi/<centre_id>.yaml``.

    ``business`` holds the centre's business model, kept here as read: it is validated
    by :mod:`analysis.business` against :class:`BusinessSchema` (not part of the impact
    map, so it is left out of this model's dump and of the impact-map workbook).
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = 1
    centre: CentreMetaSchema
    stakeholders: list[StakeholderSchema] = Field(min_length=1)
    impact_map: ImpactMapSchema
    scenarios: dict[str, ScenarioSchema] = Field(default_factory=dict)
    business: Any = Field(default=None, exclude=True)

    @field_validator("scenarios")
    @classmethod
    def _scenario_names(cls, scenarios: dict[str, ScenarioSchema]) -> dict[str, ScenarioSchema]:
        import re

        for name in scenarios:
            if not re.match(ID_PATTERN, name):
                raise ValueError(f"scenario name '{name}' must match {ID_PATTERN}")
        return scenarios


_ROW_LISTS = ("stakeholders", "inputs", "outcomes", "factors", "facts", "overrides")


def centre_file_problems(err: ValidationError, file: str | Path) -> list[Problem]:
    """Translate a validation error of a centre file into problems with row and field.

    The row is the 1-based position in the ``stakeholders``, ``inputs`` or ``outcomes``
    list; the field is the dotted path without list indices (``impact_map.outcomes.deadweight``).
    """
    problems = []
    for e in err.errors():
        loc = list(e["loc"])
        row: int | None = None
        parts: list[str] = []
        for i, part in enumerate(loc):
            if isinstance(part, int):
                if i > 0 and loc[i - 1] in ("stakeholders", "inputs", "outcomes") and row is None:
                    row = part + 1
                elif i > 0 and loc[i - 1] in _ROW_LISTS:
                    parts.append(f"[{part + 1}]")
                continue
            parts.append(str(part))
        field = ".".join(parts).replace(".[", "[") or None
        if field and field.endswith(".value"):
            field = field[: -len(".value")]
        rule = e["msg"].removeprefix("Value error, ")
        problems.append(
            Problem(rule=rule, file=str(file), row=row, column=field, value=e.get("input"))
        )
    return problems


def centre_file_reference_problems(model: CentreFileSchema, file: str | Path) -> list[Problem]:
    """Cross-reference checks pydantic cannot do row by row.

    Unknown or duplicate stakeholders, duplicate input/outcome ids, and outcomes that
    run past the analysis period.
    """
    problems: list[Problem] = []
    f = str(file)
    ids = [s.id for s in model.stakeholders]
    for i, s in enumerate(model.stakeholders, start=1):
        if ids.count(s.id) > 1:
            problems.append(Problem("stakeholder id declared twice", f, i, "stakeholders.id", s.id))
    known = set(ids)
    imap = model.impact_map
    for kind, rows in (("inputs", imap.inputs), ("outcomes", imap.outcomes)):
        row_ids = [r.id for r in rows]
        for i, r in enumerate(rows, start=1):
            if r.stakeholder not in known:
                problems.append(
                    Problem(
                        f"unknown stakeholder; declare it under 'stakeholders' "
                        f"(known: {', '.join(sorted(known))})",
                        f,
                        i,
                        f"impact_map.{kind}.stakeholder",
                        r.stakeholder,
                    )
                )
            if row_ids.count(r.id) > 1:
                problems.append(
                    Problem(f"{kind[:-1]} id used twice", f, i, f"impact_map.{kind}.id", r.id)
                )
    for i, o in enumerate(imap.outcomes, start=1):
        last = o.start_year + o.duration_years - 1
        if last > imap.analysis_period_years:
            problems.append(
                Problem(
                    f"outcome runs to year {last}, past the analysis period of "
                    f"{imap.analysis_period_years} years; shorten duration_years or "
                    "lengthen analysis_period_years",
                    f,
                    i,
                    "impact_map.outcomes.duration_years",
                    o.duration_years,
                )
            )
    for i, inp in enumerate(imap.inputs, start=1):
        if inp.year + inp.repeat_years - 1 > imap.analysis_period_years:
            problems.append(
                Problem(
                    "input year lies past the analysis period",
                    f,
                    i,
                    "impact_map.inputs.year",
                    inp.year,
                )
            )
    return problems


# --------------------------------------------------------------------------------------
# Centre files: business model (the ``business:`` section of data/raw/sroi/<centre_id>.yaml)
# --------------------------------------------------------------------------------------
# The same centre file describes the centre's business case next to its impact map: the
# catchment and its spending per head on the centre's ranges, service revenue, running
# costs, premises and rent, start capital by partner, recurring subsidies, an optional
# loan and the horizon. Every number is a figure as in the impact map (a value with its
# ``source`` and/or ``assumption``, optionally an uncertainty range). analysis.business
# validates the section (BusinessSchema, business_problems,
# business_reference_problems) and computes the cash flows.

BUSINESS_ROW_LISTS = ("ranges", "services", "costs", "start_capital", "subsidies", "investment")
"""Lists of the business section whose position is reported as the row of a problem."""

START_CAPITAL_KINDS = ("shares", "grant", "own_funds", "in_kind")
"""Kinds of start capital: citizens' shares, grants, the operator's or a partner's own
funds, and contributions in kind (e.g. a housing company's conversion of the premises)."""

COST_KINDS = ("staff", "energy", "other")
"""Kinds of running costs besides rent (rent follows from the premises)."""


class ChangeFigureSchema(FigureSchema):
    """A yearly rate of change that may be negative (e.g. population change), in [−1, 1]."""

    def _domain(self) -> tuple[float | None, float | None]:
        return (-1.0, 1.0)


class CatchmentSchema(BaseModel):
    """Who can shop at the centre: inhabitants of the catchment and their yearly change.

    ``municipality_key`` (8-digit Gemeindekennziffer of the Deutschlandatlas) links the
    catchment to the regional data; without ``population_change`` the municipality's
    average yearly population change (indicator ``bev_entw``) is used.
    """

    model_config = ConfigDict(extra="forbid")

    inhabitants: NonNegativeFigureSchema
    municipality_key: str | None = Field(default=None, pattern=r"^[0-9]{8}$")
    population_change: ChangeFigureSchema | None = None
    description: str | None = None


class RangeSchema(BaseModel):
    """A range of goods (e.g. groceries): spending per head, capture rate, gross margin.

    Revenue = inhabitants × spending per head (€ per inhabitant and year) × capture rate
    (share of that spending the centre captures); gross profit = revenue × gross margin.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    name_en: str | None = None
    spending_per_head: NonNegativeFigureSchema
    capture_rate: FractionFigureSchema
    gross_margin: FractionFigureSchema


class ServiceSchema(BaseModel):
    """A service of the centre (post, bank, café, rented desks, events): revenue per full
    year; ``gross_margin`` when goods are sold with it (café), else the revenue is net
    (commissions, rents)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    name_en: str | None = None
    revenue: NonNegativeFigureSchema
    gross_margin: FractionFigureSchema | None = None


class CostSchema(BaseModel):
    """A running cost per year (staff, energy, other), the product of its factors."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    name_en: str | None = None
    description: str | None = None
    kind: Literal["staff", "energy", "other"]
    factors: list[FactorSchema] = Field(min_length=1)

    @field_validator("factors")
    @classmethod
    def _unique_factor_names(cls, factors: list[FactorSchema]) -> list[FactorSchema]:
        return _unique_factors(factors, "a cost")


class PremisesSchema(BaseModel):
    """The centre's premises: area (m²), market rent and the landlord's rent reduction
    (both € per m² and month), and — when the landlord is a partner — the share of the
    time the unit would stand empty without the centre (for the avoided vacancy loss)."""

    model_config = ConfigDict(extra="forbid")

    area: NonNegativeFigureSchema
    market_rent: NonNegativeFigureSchema
    rent_reduction: NonNegativeFigureSchema
    landlord: str | None = None
    vacancy_without_centre: FractionFigureSchema | None = None

    @model_validator(mode="after")
    def _check(self) -> PremisesSchema:
        if self.rent_reduction.value > self.market_rent.value:
            raise ValueError(
                f"rent_reduction {self.rent_reduction.value} is above the market_rent "
                f"{self.market_rent.value} (both € per m² and month)"
            )
        if self.landlord is not None and self.vacancy_without_centre is None:
            raise ValueError(
                "a landlord who is a partner needs 'vacancy_without_centre' (share of the "
                "time the unit would stand empty without the centre)"
            )
        return self


class StartCapitalSchema(BaseModel):
    """Start capital from one partner: ``shares`` (number × price, optional dividend
    rate), or a ``grant``, ``own_funds`` or a contribution ``in_kind`` (an amount)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    partner: str = Field(min_length=1)
    kind: Literal["shares", "grant", "own_funds", "in_kind"]
    description: str = Field(min_length=1)
    amount: NonNegativeFigureSchema | None = None
    shares: NonNegativeFigureSchema | None = None
    share_price: NonNegativeFigureSchema | None = None
    dividend_rate: FractionFigureSchema | None = None

    @model_validator(mode="after")
    def _check(self) -> StartCapitalSchema:
        if self.kind == "shares":
            if self.shares is None or self.share_price is None:
                raise ValueError("kind 'shares' needs 'shares' (number) and 'share_price' (€)")
            if self.amount is not None:
                raise ValueError("kind 'shares' takes 'shares' × 'share_price', not 'amount'")
        else:
            if self.amount is None:
                raise ValueError(f"kind '{self.kind}' needs an 'amount' (€)")
            only_shares = ("shares", "share_price", "dividend_rate")
            extra = [n for n in only_shares if getattr(self, n) is not None]
            if extra:
                raise ValueError(f"{', '.join(extra)} only apply to kind 'shares'")
        return self


class SubsidySchema(BaseModel):
    """A recurring subsidy (€ per year) from a partner, from ``first_year`` for ``years``
    years (default: to the end of the horizon)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    partner: str = Field(min_length=1)
    description: str = Field(min_length=1)
    amount: NonNegativeFigureSchema
    first_year: int = Field(default=1, ge=1)
    years: int | None = Field(default=None, ge=1)


class InvestmentSchema(BaseModel):
    """A start-up expense the centre pays in cash in year 0 (fittings, stock, renovation)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    description: str = Field(min_length=1)
    amount: NonNegativeFigureSchema


class LoanSchema(BaseModel):
    """A loan paid out in year 0: interest only in the ``grace_years``, then an annuity
    until ``term_years``. ``lender`` is a stakeholder id, or empty for a bank outside the
    partnership."""

    model_config = ConfigDict(extra="forbid")

    lender: str | None = None
    description: str | None = None
    amount: NonNegativeFigureSchema
    interest_rate: FractionFigureSchema
    term_years: int = Field(ge=1, le=50)
    grace_years: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _check(self) -> LoanSchema:
        if self.grace_years >= self.term_years:
            raise ValueError(
                f"grace_years ({self.grace_years}) must be shorter than term_years "
                f"({self.term_years})"
            )
        return self


class BusinessScenarioSchema(BaseModel):
    """Overrides of business figures under the name of a scenario of the centre file."""

    model_config = ConfigDict(extra="forbid")

    overrides: list[OverrideSchema] = Field(default_factory=list)


class BusinessSchema(BaseModel):
    """The ``business:`` section of a centre file (see analysis.business).

    Amounts in € at constant prices; ``discount_rate`` is the (real) cost of capital
    used for NPV, not the SROI's social discount rate. ``first_year_share``: revenue in
    the first year as a share of a full year (ramp-up); absent means no ramp-up.
    """

    model_config = ConfigDict(extra="forbid")

    currency: Literal["EUR"] = "EUR"
    operator: str = Field(min_length=1)
    horizon_years: int = Field(ge=1, le=50)
    discount_rate: FractionFigureSchema
    first_year_share: FractionFigureSchema | None = None
    catchment: CatchmentSchema
    ranges: list[RangeSchema] = Field(min_length=1)
    services: list[ServiceSchema] = Field(default_factory=list)
    costs: list[CostSchema] = Field(min_length=1)
    premises: PremisesSchema
    start_capital: list[StartCapitalSchema] = Field(min_length=1)
    subsidies: list[SubsidySchema] = Field(default_factory=list)
    investment: list[InvestmentSchema] = Field(min_length=1)
    loan: LoanSchema | None = None
    residual_value: NonNegativeFigureSchema | None = None
    scenarios: dict[str, BusinessScenarioSchema] = Field(default_factory=dict)


def business_problems(err: ValidationError, file: str | Path) -> list[Problem]:
    """Translate a validation error of a business section into problems.

    Fields are dotted paths from the file's top level (``business.ranges.capture_rate``);
    the row is the 1-based position in the list of :data:`BUSINESS_ROW_LISTS` the
    problem lies in, nested lists (factors, overrides) are shown as ``[n]``.
    """
    problems = []
    for e in err.errors():
        loc = ["business", *e["loc"]]
        row: int | None = None
        parts: list[str] = []
        for i, part in enumerate(loc):
            if isinstance(part, int):
                if loc[i - 1] in BUSINESS_ROW_LISTS and row is None and i == 2:
                    row = part + 1
                else:
                    parts.append(f"[{part + 1}]")
                continue
            parts.append(str(part))
        field = ".".join(parts).replace(".[", "[")
        if field.endswith(".value"):
            field = field[: -len(".value")]
        problems.append(
            Problem(rule=e["msg"], file=str(file), row=row, column=field, value=e.get("input"))
        )
    return problems


def business_reference_problems(
    business: BusinessSchema, centre: CentreFileSchema, file: str | Path
) -> list[Problem]:
    """Checks across the file: partners must be declared stakeholders, ids unique, the
    loan and subsidies inside the horizon, business scenarios declared at the top level."""
    f = str(file)
    known = {s.id for s in centre.stakeholders}
    problems: list[Problem] = []

    def partner(value: str | None, row: int | None, field: str) -> None:
        if value is not None and value not in known:
            problems.append(
                Problem(
                    f"unknown partner; declare it under 'stakeholders' "
                    f"(known: {', '.join(sorted(known))})",
                    f,
                    row,
                    field,
                    value,
                )
            )

    partner(business.operator, None, "business.operator")
    partner(business.premises.landlord, None, "business.premises.landlord")
    if business.loan is not None:
        partner(business.loan.lender, None, "business.loan.lender")
        if business.loan.term_years > business.horizon_years:
            problems.append(
                Problem(
                    f"the loan runs {business.loan.term_years} years, past the horizon of "
                    f"{business.horizon_years} years; shorten term_years or lengthen "
                    "horizon_years",
                    f,
                    None,
                    "business.loan.term_years",
                    business.loan.term_years,
                )
            )
    for i, c in enumerate(business.start_capital, start=1):
        partner(c.partner, i, "business.start_capital.partner")
    for i, s in enumerate(business.subsidies, start=1):
        partner(s.partner, i, "business.subsidies.partner")
        last = s.first_year + (s.years or 1) - 1
        if s.first_year > business.horizon_years or last > business.horizon_years:
            problems.append(
                Problem(
                    f"subsidy runs to year {max(last, s.first_year)}, past the horizon of "
                    f"{business.horizon_years} years",
                    f,
                    i,
                    "business.subsidies.years",
                    s.years,
                )
            )
    for name in BUSINESS_ROW_LISTS:
        ids = [r.id for r in getattr(business, name)]
        for i, rid in enumerate(ids, start=1):
            if ids.count(rid) > 1:
                problems.append(Problem("id used twice", f, i, f"business.{name}.id", rid))
    for name in business.scenarios:
        if name not in centre.scenarios:
            declared = ", ".join(centre.scenarios) or "none"
            problems.append(
                Problem(
                    f"business scenario is not declared under 'scenarios' (declared: {declared})",
                    f,
                    None,
                    f"business.scenarios.{name}",
                    name,
                )
            )
    return problems


# --------------------------------------------------------------------------------------
# Regional indicators: Deutschlandatlas and BBSR Kreistypen (data/raw/regional/)
# --------------------------------------------------------------------------------------
# Official regional statistics (Deutschlandatlas, Destatis/BMWSB, Stand 12.12.2024; BBSR
# siedlungsstrukturelle Kreistypen 2020), one CSV per territorial level and status.
# Each file is declared by a RegionalTableSchema: its key column (8-digit string with
# leading zero), name column, the exact list of its other columns and how each is read
# (numeric with -9999/-99999 as missing, classed "a bis unter b", or a coded category).
# The loader (analysis.regional) refuses a file whose header, keys or values break these
# rules, naming file, row, column and rule. indicators.yaml transcribes the definitions of
# the indicators the workbench uses from the indicator overview PDF (page cited).

REGIONAL_MISSING_CODES: tuple[float, ...] = (-9999.0, -99999.0)
"""Missing-value codes: -9999 in every sheet, -99999 for st_einnkr (overview PDF pp. 3, 5)."""

REGIONAL_KEY_PATTERN = r"^[0-9]{8}$"
"""Gemeinde and Kreis keys: 8 digits as a string, leading zero kept (``01001000``)."""


class RegionalTableSchema(BaseModel):
    """Layout of one regional CSV: key, name and every other column with its reading."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Literal["gemeinde", "kreis"]
    status: str = Field(description="territorial status (Gebietsstand), e.g. 31.12.2022")
    key: str
    name: str
    numeric: tuple[str, ...] = ()
    classed: tuple[str, ...] = ()
    coded: dict[str, tuple[int, ...]] = Field(default_factory=dict)
    labels: tuple[str, ...] = ()
    bounds: dict[str, tuple[float | None, float | None]] = Field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the file must have (compared as a set; the order is not checked)."""
        return (self.key, self.name, *self.numeric, *self.classed, *self.coded, *self.labels)


_PCT = (0.0, 100.0)
_MINUTES = (0.0, None)

# fmt: off
REGIONAL_TABLES: dict[str, RegionalTableSchema] = {
    "deutschlandatlas_krs1222.csv": RegionalTableSchema(
        level="kreis",
        status="31.12.2022",
        key="KRS1222",
        name="Kreisname",
        numeric=(
            "fl_suv", "fl_landw", "fl_wald", "bev_binw", "bev_ausw", "ko_kasskred",
            "bev_u18", "bev_18_65", "bev_ue65", "bev_ausl", "mitgl_sportv", "ew_sportv",
            "wohn_eigen", "wohn_leer", "wohn_EZFH", "wohn_MFH", "heiz_wohn_best",
            "heiz_wohn", "bquali_unifh", "bquali_mabschl", "bquali_oabschl", "erw_wachs",
            "erw_mini", "erw_minineben", "alq", "schulden", "sozsich", "auto", "v_harzt",
            "v_karzt", "schule_oabschl", "kbetr_u3", "kbetr_ue3", "kbetr_ue6", "kinder_bg",
            "straft", "einbr",
        ),
        classed=("preis_miet",),
        bounds={"wohn_leer": _PCT, "bev_ue65": _PCT, "alq": _PCT, "sozsich": _PCT},
    ),
    "deutschlandatlas_krs1221.csv": RegionalTableSchema(
        level="kreis",
        status="31.12.2021",
        key="KRS1221",
        name="Kreisname",
        numeric=(
            "wahl_beteil", "erw_bip", "hh_veink", "elterng_v", "grusi", "elade", "eauto",
            "pfl_ambu", "pfl_stat", "pfl_geld", "kbtr_pers",
        ),
        classed=("preis_baul",),
        bounds={"grusi": _PCT, "hh_veink": (0.0, None)},
    ),
    "deutschlandatlas_gem1222.csv": RegionalTableSchema(
        level="gemeinde",
        status="31.12.2022",
        key="GKZ1222",
        name="Gemeindename",
        numeric=(
            "bev_dicht", "bev_entw", "st_einnkr", "beschq_insg", "beschq_w", "beschq_m",
            "v_gsm", "v_lte", "v_5g", "p_markt", "p_hbad", "p_freibad", "p_notfall",
            "p_grunds", "p_sek_1", "p_sek_2",
        ),
        bounds={
            "p_markt": _MINUTES,
            "bev_entw": (-100.0, 100.0),
            "st_einnkr": (0.0, None),
            "beschq_insg": (0.0, None),
        },
    ),
    "deutschlandatlas_gem1221.csv": RegionalTableSchema(
        level="gemeinde",
        status="31.12.2021",
        key="GKZ1221",
        name="Gemeindename",
        numeric=("v_breitb50", "v_breitb1000", "p_nelade", "p_selade", "p_harzt"),
        bounds={"p_harzt": _MINUTES},
    ),
    "deutschlandatlas_gem1220.csv": RegionalTableSchema(
        level="gemeinde",
        status="31.12.2020",
        key="GKZ1220",
        name="Gemeindename",
        numeric=("p_apo",),
        bounds={"p_apo": _MINUTES},
    ),
    "bbsr_siedlungsstrukturelle_kreistypen_2020.csv": RegionalTableSchema(
        level="kreis",
        status="31.12.2020",
        key="Kreise (2020) Kennziffer",
        name="Kreise (2020) Name",
        coded={"Siedlungsstruktureller Kreistyp (2020) Kennziffer": (1, 2, 3, 4)},
        labels=("Siedlungsstruktureller Kreistyp (2020) Name",),
    ),
}
"""Every regional CSV the workbench reads, by file name (unchanged official exports)."""
# fmt: on


class BilingualText(BaseModel):
    """A text in German (as published) and English (the workbench's translation)."""

    model_config = ConfigDict(extra="forbid")

    de: str = Field(min_length=1)
    en: str = Field(min_length=1)


class RegionalIndicatorSchema(BaseModel):
    """One indicator of indicators.yaml: definition as transcribed from the overview PDF.

    ``direction`` is the workbench's reading for a structural-weakness index (an
    assumption with its reasoning in ``direction_note``), not part of the publication.
    """

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    file: str
    theme: Literal[
        "supply_access",
        "vacancy",
        "ageing",
        "population_change",
        "labour_market",
        "social_benefits",
        "tax_capacity",
        "income",
    ]
    label: BilingualText
    definition: BilingualText
    unit: BilingualText
    territorial_status: str
    data_basis: str = Field(min_length=1, description="Datenbasis, transcribed in German")
    source_page: int = Field(ge=1, le=31)
    direction: Literal["higher_is_weaker", "higher_is_stronger"]
    direction_note: str = Field(min_length=1)

    @field_validator("file")
    @classmethod
    def _known_file(cls, v: str) -> str:
        if v not in REGIONAL_TABLES:
            raise ValueError(f"unknown regional file; use one of {', '.join(REGIONAL_TABLES)}")
        return v


class RegionalIndicatorFileSchema(BaseModel):
    """data/raw/regional/indicators.yaml: the codebook of the indicators in use."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1)
    indicators: list[RegionalIndicatorSchema] = Field(min_length=1)

    @field_validator("indicators")
    @classmethod
    def _unique_codes(cls, rows: list[RegionalIndicatorSchema]) -> list[RegionalIndicatorSchema]:
        codes = [r.code for r in rows]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"indicator code listed twice: {', '.join(twice)}")
        for r in rows:
            spec = REGIONAL_TABLES[r.file]
            if r.code not in spec.numeric:
                raise ValueError(f"indicator '{r.code}' is not a numeric column of {r.file}")
        return rows


# --------------------------------------------------------------------------------------
# Workshop protocols: codebook (data/raw/codebook.yaml) and coding sheets (XLSX)
# --------------------------------------------------------------------------------------
# The protocols themselves are free text; analysis.protocols checks their structure
# (title block, questions a–e) and names file and line of each problem. The codebook
# lists the themes coders assign; each code has German and English labels and keyword
# or regex rules that suggest it (see analysis.coding for the rule syntax).

CODE_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"


class CodeSchema(BaseModel):
    """One code of the codebook: identifier, labels, description, suggestion rules."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=CODE_PATTERN)
    label_de: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    description: str = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)

    @field_validator("keywords")
    @classmethod
    def _keywords_not_blank(cls, v: list[str]) -> list[str]:
        for k in v:
            if not isinstance(k, str) or not k.strip("* ").strip():
                raise ValueError("keywords must be non-empty words or phrases")
        return v

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, v: list[str]) -> list[str]:
        import re

        for p in v:
            try:
                re.compile(p)
            except re.error as err:
                msg = f"pattern {p!r} is not a valid regular expression: {err}"
                raise ValueError(msg) from None
        return v


class CodebookSchema(BaseModel):
    """data/raw/codebook.yaml: version and the list of codes (unique identifiers)."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    codes: list[CodeSchema] = Field(min_length=2)

    @field_validator("codes")
    @classmethod
    def _unique(cls, codes: list[CodeSchema]) -> list[CodeSchema]:
        names = [c.code for c in codes]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"code listed twice: {', '.join(twice)}")
        return codes


CODING_SHEET_FIXED_COLUMNS = (
    "statement_id",
    "protocol_id",
    "question",
    "position",
    "text",
    "suggested",
)
"""Columns of a coding sheet before the coder columns (one per coder)."""


# --------------------------------------------------------------------------------------
# Outcome panels (data/raw/outcomes/*.csv) and cooperation-quality survey (data/raw/survey/)
# --------------------------------------------------------------------------------------
# A panel is a long CSV, one row per unit (municipality, quarter or estate) and period
# (year): ``unit``, ``period``, ``first_treated`` (first period of the cooperation; empty
# = never treated), optionally ``treated`` (0/1, must equal period >= first_treated), then
# numeric outcome and covariate columns. Lines starting with '#' before the header are
# comments (synthetic files say so there). A units file (``<panel stem>_units.csv``)
# lists the known units. analysis.panel checks every row and names file, line, column.
# The survey is a long CSV of Likert answers; its items are declared in the survey
# codebook (data/raw/survey/codebook.yaml) validated by SurveyCodebookSchema.

PANEL_KEY_COLUMNS = ("unit", "period", "first_treated")
"""Columns every outcome panel must have."""

PANEL_TREATED_COLUMN = "treated"
"""Optional 0/1 treatment indicator; checked against ``first_treated`` (no switching off)."""

PANEL_UNITS_COLUMNS = ("unit", "name", "kind")
"""Columns of a panel's units file."""

PANEL_UNIT_KINDS = ("municipality", "quarter", "estate")

PANEL_UNIT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$"


class PanelUnitSchema(BaseModel):
    """One known unit of a panel's units file."""

    model_config = ConfigDict(extra="ignore")

    unit: str = Field(pattern=PANEL_UNIT_PATTERN)
    name: str = Field(min_length=1)
    kind: Literal["municipality", "quarter", "estate"]


SURVEY_SIDES = ("social_organisation", "housing_company")
"""Who answers the cooperation-quality survey: both sides of a cooperation."""

SURVEY_RESPONSE_COLUMNS = ("respondent", "side", "cooperation", "item", "answer")
"""Columns of the long survey answer file; ``answer`` is 1–5 or empty (no answer)."""


class SurveyItemSchema(BaseModel):
    """One Likert item: identifier, scale it belongs to, wording (de/en), reversed or not."""

    model_config = ConfigDict(extra="forbid")

    item: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    scale: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    de: str = Field(min_length=1)
    en: str = Field(min_length=1)
    reversed: bool = False


class SurveyScaleSchema(BaseModel):
    """One scale (dimension) with its labels and where the seed protocol names it."""

    model_config = ConfigDict(extra="forbid")

    scale: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    de: str = Field(min_length=1)
    en: str = Field(min_length=1)
    seed_quote: str | None = None


class SurveyCodebookSchema(BaseModel):
    """data/raw/survey/codebook.yaml: scales, items, the overall-satisfaction item."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["real", "fictional", "synthetic", "authored"]
    note: str = Field(min_length=1)
    levels: dict[int, BilingualText]
    scales: list[SurveyScaleSchema] = Field(min_length=1)
    items: list[SurveyItemSchema] = Field(min_length=1)
    overall_item: str

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, v: dict[int, BilingualText]) -> dict[int, BilingualText]:
        if sorted(v) != [1, 2, 3, 4, 5]:
            raise ValueError("levels must label exactly the answers 1, 2, 3, 4, 5")
        return v

    # Field validators (not one model validator), so each error names its field.
    @field_validator("scales")
    @classmethod
    def _unique_scales(cls, v: list[SurveyScaleSchema]) -> list[SurveyScaleSchema]:
        seen = [s.scale for s in v]
        twice = sorted({x for x in seen if seen.count(x) > 1})
        if twice:
            raise ValueError(f"scale listed twice: {', '.join(twice)}")
        return v

    @field_validator("items")
    @classmethod
    def _consistent_items(cls, v: list[SurveyItemSchema], info: Any) -> list[SurveyItemSchema]:
        seen = [i.item for i in v]
        twice = sorted({x for x in seen if seen.count(x) > 1})
        if twice:
            raise ValueError(f"item listed twice: {', '.join(twice)}")
        if "scales" in info.data:
            scales = {s.scale for s in info.data["scales"]}
            unknown = sorted({i.scale for i in v} - scales - {"overall"})
            if unknown:
                raise ValueError(f"items refer to undeclared scales: {', '.join(unknown)}")
        return v

    @field_validator("overall_item")
    @classmethod
    def _overall_is_item(cls, v: str, info: Any) -> str:
        if "items" in info.data and v not in {i.item for i in info.data["items"]}:
            raise ValueError(f"overall_item {v!r} is not an item")
        return v


# --------------------------------------------------------------------------------------
# Run manifest (pipeline.yaml)
# --------------------------------------------------------------------------------------
#
# Loaded by analysis.manifest only when pipeline.yaml or a notebook changed: a run
# with nothing to do reuses the last validated expansion and never imports pydantic.

RUN_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}$"
"""Safe run names: they become file names under reports/."""


class RunEntrySchema(BaseModel):
    """One entry of ``runs:`` in the run manifest.

    ``name`` may hold ``{placeholders}`` for grid keys; a ``grid`` expands to one
    run per combination of its values (Cartesian product, in the declared order).
    ``inputs`` are paths or glob patterns relative to the project root, and may
    use the same placeholders.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(min_length=1)
    notebook: str = Field(min_length=1)
    description: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    grid: dict[str, Annotated[list[Any], Field(min_length=1)]] = Field(default_factory=dict)
    inputs: list[str] = Field(default_factory=list)
    timeout: int | None = Field(default=None, gt=0, description="seconds per cell")

    @field_validator("grid")
    @classmethod
    def _grid_values_unique(cls, grid: dict[str, list[Any]]) -> dict[str, list[Any]]:
        for key, values in grid.items():
            if len({repr(v) for v in values}) != len(values):
                raise ValueError(f"grid key '{key}' lists a value twice")
        return grid


class ManifestSchema(BaseModel):
    """The run manifest: every notebook run that regenerates the reports."""

    model_config = ConfigDict(extra="forbid", strict=True)

    version: int = 1
    runs: list[RunEntrySchema] = Field(min_length=1)
