"""Schema of a centre file's ``business:`` section."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from analysis.errors import Problem, Rule
from analysis.sroi.schema import (
    ID_PATTERN,
    CentreFileSchema,
    Evidence,
    FactNote,
    FactorSchema,
    FigureSchema,
    FractionFigureSchema,
    NonNegativeFigureSchema,
    OverrideSchema,
    unique_factors,
)
from analysis.validation import pydantic_rule

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
    evidence: Evidence = Field(default_factory=list)  # workshop statements (sroi.schema)

    inhabitants: NonNegativeFigureSchema
    municipality_key: str | None = Field(default=None, pattern=r"^[0-9]{8}$")
    population_change: ChangeFigureSchema | None = None
    description: FactNote | None = None


class RangeSchema(BaseModel):
    """A range of goods (e.g. groceries): spending per head, capture rate, gross margin.

    Revenue = inhabitants × spending per head (€ per inhabitant and year) × capture rate
    (share of that spending the centre captures); gross profit = revenue × gross margin.
    """

    model_config = ConfigDict(extra="forbid")
    evidence: Evidence = Field(default_factory=list)  # workshop statements (sroi.schema)

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
    evidence: Evidence = Field(default_factory=list)  # workshop statements (sroi.schema)

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    name_en: str | None = None
    revenue: NonNegativeFigureSchema
    gross_margin: FractionFigureSchema | None = None


class CostSchema(BaseModel):
    """A running cost per year (staff, energy, other), the product of its factors."""

    model_config = ConfigDict(extra="forbid")
    evidence: Evidence = Field(default_factory=list)  # workshop statements (sroi.schema)

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    name_en: str | None = None
    description: FactNote | None = None
    kind: Literal["staff", "energy", "other"]
    factors: list[FactorSchema] = Field(min_length=1)

    @field_validator("factors")
    @classmethod
    def _unique_factor_names(cls, factors: list[FactorSchema]) -> list[FactorSchema]:
        return unique_factors(factors, Rule(de="einer Kostenposition", en="a cost"))


class PremisesSchema(BaseModel):
    """The centre's premises: area (m²), market rent and the landlord's rent reduction
    (both € per m² and month), and — when the landlord is a partner — the share of the
    time the unit would stand empty without the centre (for the avoided vacancy loss)."""

    model_config = ConfigDict(extra="forbid")
    evidence: Evidence = Field(default_factory=list)  # workshop statements (sroi.schema)

    area: NonNegativeFigureSchema
    market_rent: NonNegativeFigureSchema
    rent_reduction: NonNegativeFigureSchema
    landlord: str | None = None
    vacancy_without_centre: FractionFigureSchema | None = None

    @model_validator(mode="after")
    def _check(self) -> PremisesSchema:
        if self.rent_reduction.value > self.market_rent.value:
            raise ValueError(
                Rule(
                    de=f"rent_reduction {self.rent_reduction.value} liegt über der market_rent "
                    f"{self.market_rent.value} (beide in € je m² und Monat)",
                    en=f"rent_reduction {self.rent_reduction.value} is above the market_rent "
                    f"{self.market_rent.value} (both € per m² and month)",
                )
            )
        if self.landlord is not None and self.vacancy_without_centre is None:
            raise ValueError(
                Rule(
                    de="ein Vermieter, der Partner ist, braucht 'vacancy_without_centre' "
                    "(Anteil der Zeit, die das Ladenlokal ohne das Zentrum leer stünde)",
                    en="a landlord who is a partner needs 'vacancy_without_centre' (share of "
                    "the time the unit would stand empty without the centre)",
                )
            )
        return self


class StartCapitalSchema(BaseModel):
    """Start capital from one partner: ``shares`` (number × price, optional dividend
    rate), or a ``grant``, ``own_funds`` or a contribution ``in_kind`` (an amount)."""

    model_config = ConfigDict(extra="forbid")
    evidence: Evidence = Field(default_factory=list)  # workshop statements (sroi.schema)

    id: str = Field(pattern=ID_PATTERN)
    partner: str = Field(min_length=1)
    kind: Literal["shares", "grant", "own_funds", "in_kind"]
    description: FactNote
    amount: NonNegativeFigureSchema | None = None
    shares: NonNegativeFigureSchema | None = None
    share_price: NonNegativeFigureSchema | None = None
    dividend_rate: FractionFigureSchema | None = None

    @model_validator(mode="after")
    def _check(self) -> StartCapitalSchema:
        if self.kind == "shares":
            if self.shares is None or self.share_price is None:
                raise ValueError(
                    Rule(
                        de="kind 'shares' braucht 'shares' (Anzahl) und 'share_price' (€)",
                        en="kind 'shares' needs 'shares' (number) and 'share_price' (€)",
                    )
                )
            if self.amount is not None:
                raise ValueError(
                    Rule(
                        de="kind 'shares' ergibt sich aus 'shares' × 'share_price'; "
                        "'amount' entfällt",
                        en="kind 'shares' takes 'shares' × 'share_price', not 'amount'",
                    )
                )
        else:
            if self.amount is None:
                raise ValueError(
                    Rule(
                        de=f"kind '{self.kind}' braucht einen Betrag 'amount' (€)",
                        en=f"kind '{self.kind}' needs an 'amount' (€)",
                    )
                )
            only_shares = ("shares", "share_price", "dividend_rate")
            extra = [n for n in only_shares if getattr(self, n) is not None]
            if extra:
                raise ValueError(
                    Rule(
                        de=f"{', '.join(extra)}: nur bei kind 'shares' zulässig",
                        en=f"{', '.join(extra)} only apply to kind 'shares'",
                    )
                )
        return self


class SubsidySchema(BaseModel):
    """A recurring subsidy (€ per year) from a partner, from ``first_year`` for ``years``
    years (default: to the end of the horizon)."""

    model_config = ConfigDict(extra="forbid")
    evidence: Evidence = Field(default_factory=list)  # workshop statements (sroi.schema)

    id: str = Field(pattern=ID_PATTERN)
    partner: str = Field(min_length=1)
    description: FactNote
    amount: NonNegativeFigureSchema
    first_year: int = Field(default=1, ge=1)
    years: int | None = Field(default=None, ge=1)


class InvestmentSchema(BaseModel):
    """A start-up expense the centre pays in cash in year 0 (fittings, stock, renovation)."""

    model_config = ConfigDict(extra="forbid")
    evidence: Evidence = Field(default_factory=list)  # workshop statements (sroi.schema)

    id: str = Field(pattern=ID_PATTERN)
    description: FactNote
    amount: NonNegativeFigureSchema


class LoanSchema(BaseModel):
    """A loan paid out in year 0: interest only in the ``grace_years``, then an annuity
    until ``term_years``. ``lender`` is a stakeholder id, or empty for a bank outside the
    partnership."""

    model_config = ConfigDict(extra="forbid")
    evidence: Evidence = Field(default_factory=list)  # workshop statements (sroi.schema)

    lender: str | None = None
    description: FactNote | None = None
    amount: NonNegativeFigureSchema
    interest_rate: FractionFigureSchema
    term_years: int = Field(ge=1, le=50)
    grace_years: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _check(self) -> LoanSchema:
        if self.grace_years >= self.term_years:
            raise ValueError(
                Rule(
                    de=f"grace_years ({self.grace_years}) muss kürzer sein als term_years "
                    f"({self.term_years})",
                    en=f"grace_years ({self.grace_years}) must be shorter than term_years "
                    f"({self.term_years})",
                )
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
            Problem(
                rule=pydantic_rule(e), file=str(file), row=row, column=field, value=e.get("input")
            )
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
                    Rule(
                        de="unbekannter Partner; deklarieren Sie ihn unter 'stakeholders' "
                        f"(bekannt: {', '.join(sorted(known))})",
                        en=f"unknown partner; declare it under 'stakeholders' "
                        f"(known: {', '.join(sorted(known))})",
                    ),
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
                    Rule(
                        de=f"das Darlehen läuft {business.loan.term_years} Jahre, über den "
                        f"Betrachtungszeitraum von {business.horizon_years} Jahren hinaus; "
                        "kürzen Sie term_years oder verlängern Sie horizon_years",
                        en=f"the loan runs {business.loan.term_years} years, past the horizon "
                        f"of {business.horizon_years} years; shorten term_years or lengthen "
                        "horizon_years",
                    ),
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
                    Rule(
                        de=f"der Zuschuss läuft bis Jahr {max(last, s.first_year)}, über den "
                        f"Betrachtungszeitraum von {business.horizon_years} Jahren hinaus",
                        en=f"subsidy runs to year {max(last, s.first_year)}, past the horizon "
                        f"of {business.horizon_years} years",
                    ),
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
                rule = Rule(de="ID zweimal vergeben", en="id used twice")
                problems.append(Problem(rule, f, i, f"business.{name}.id", rid))
    for name in business.scenarios:
        if name not in centre.scenarios:
            declared = ", ".join(centre.scenarios)
            problems.append(
                Problem(
                    Rule(
                        de="das Szenario des Geschäftsmodells ist nicht unter 'scenarios' "
                        f"deklariert (deklariert: {declared or 'keine'})",
                        en="business scenario is not declared under 'scenarios' "
                        f"(declared: {declared or 'none'})",
                    ),
                    f,
                    None,
                    f"business.scenarios.{name}",
                    name,
                )
            )
    return problems
