"""Schema of a centre file's impact map (``data/raw/sroi/<centre_id>.yaml``)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
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

from analysis.errors import Problem, Rule
from analysis.readers import yaml_line
from analysis.validation import bilingual_field, name_field, pydantic_rule, shown_input

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
        raise ValueError(
            Rule(de="erwartet eine Zahl, nicht true/false", en="expected a number, got true/false")
        )
    if isinstance(v, str):
        raise ValueError(
            Rule(
                de="erwartet eine Zahl, gefunden wurde ein Text; schreiben Sie Anteile als Zahl "
                "zwischen 0 und 1 (0.25, nicht '25 %') und Beträge ohne Einheit",
                en="expected a number, got text; write fractions as numbers between 0 and 1 "
                "(0.25, not '25 %') and amounts without units",
            )
        )
    if isinstance(v, int | float):
        import math

        if not math.isfinite(v):
            raise ValueError(
                Rule(
                    de="erwartet eine endliche Zahl, gefunden: NaN oder unendlich (.nan/.inf)",
                    en="expected a finite number, got NaN or infinity (.nan/.inf)",
                )
            )
        if abs(v) > MAX_FIGURE:
            raise ValueError(
                Rule(
                    de=f"{v:g} ist unplausibel groß (über ±{MAX_FIGURE:g}); prüfen Sie die "
                    "Einheiten",
                    en=f"{v:g} is implausibly large (beyond ±{MAX_FIGURE:g}); check the units",
                )
            )
    return v


MAX_FIGURE = 1e12
"""Largest magnitude of any figure of a centre file (an assumption: no amount, quantity
or factor of a local centre comes near 10^12; larger values are unit or typing errors
and would overflow the products of the impact calculation)."""


_Number = Annotated[float, BeforeValidator(_refuse_text_number)]

Note = bilingual_field("en")
"""An assumption's reasoning: a plain string (English, as the centre files' reasoning is
written) or ``{de: …, en: …}``; reports show it in their language or say it is English.
Sources are citations and stay as written."""
FactNote = bilingual_field("de")
"""A public fact, the data-status note, a scenario's or input's description or an
indicator: a plain string (German, as these are written in the centre files) or
``{de: …, en: …}``."""
Name = name_field()
"""A centre's display name: a plain string is a proper name (the same in every
language); ``{de: …, en: …}`` when it carries words to translate."""


EVIDENCE_PATTERN = r"^[^#\s/\\]+#[a-z][1-9][0-9]*$"
"""Form of a cited workshop statement: ``<protocol stem>#<question letter><position>``,
as :func:`analysis.protocols.parse.statement_id` builds it (e.g.
``dorv_juelich_strukturschwache_gebiete#c3``). Whether the statement exists is checked
against the protocols by :mod:`analysis.pipeline.evidence` (this domain reads no
protocols)."""


def _evidence_list(v: Any) -> Any:
    """``evidence`` is a list of statement ids; a single id is refused with a hint."""
    if v is None:
        return []
    if isinstance(v, str):
        raise ValueError(
            Rule(
                de="evidence muss eine Liste von Aussage-IDs sein, z. B. [<Protokoll>#c3]",
                en="evidence must be a list of statement ids, e.g. [<protocol>#c3]",
            )
        )
    return v


Evidence = Annotated[
    list[Annotated[str, Field(pattern=EVIDENCE_PATTERN)]],
    BeforeValidator(_evidence_list),
]
"""Workshop statements cited as evidence (SROI Guide 2012, principles 1 "involve
stakeholders" and 6 "be transparent")."""


class FigureSchema(BaseModel):
    """A number with its basis: ``source`` (public fact) and/or ``assumption`` (reasoning).

    Optional uncertainty for sensitivity analysis: ``distribution`` (triangular, pert,
    uniform) with ``low`` and ``high``; the figure's ``value`` is the mode.
    """

    model_config = ConfigDict(extra="forbid")

    value: _Number
    source: str | None = None
    assumption: Note | None = None
    distribution: Literal["triangular", "pert", "uniform"] | None = None
    low: _Number | None = None
    high: _Number | None = None
    evidence: Evidence = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> FigureSchema:
        if not (self.source or "").strip() and not (self.assumption or "").strip():
            raise ValueError(
                Rule(
                    de="jede Zahl braucht eine 'source:' (Quelle einer öffentlichen Tatsache) "
                    "oder eine 'assumption:' (Annahme: warum dieser Wert)",
                    en="every number needs a 'source:' (public fact) or an 'assumption:' "
                    "(why this value)",
                )
            )
        lo_dom, hi_dom = self._domain()
        for name in ("value", "low", "high"):
            x = getattr(self, name)
            if x is None:
                continue
            if lo_dom is not None and x < lo_dom:
                raise ValueError(
                    Rule(
                        de=f"{name} {x} liegt unter dem zulässigen Minimum {lo_dom}",
                        en=f"{name} {x} is below the allowed minimum {lo_dom}",
                    )
                )
            if hi_dom is not None and x > hi_dom:
                hint = Rule(de="", en="")
                if hi_dom == 1 < x <= 100:
                    hint = Rule(
                        de=f" (ein Anteil von {x:g} % wird als {x / 100:g} geschrieben)",
                        en=f" (a share of {x:g} % is written {x / 100:g})",
                    )
                raise ValueError(
                    Rule(
                        de=f"{name} {x} liegt über dem zulässigen Maximum {hi_dom}{hint.de}",
                        en=f"{name} {x} is above the allowed maximum {hi_dom}{hint.en}",
                    )
                )
        has_range = self.low is not None or self.high is not None
        if self.distribution is not None and (self.low is None or self.high is None):
            raise ValueError(
                Rule(
                    de=f"distribution '{self.distribution}' braucht sowohl 'low' als auch 'high'",
                    en=f"distribution '{self.distribution}' needs both 'low' and 'high'",
                )
            )
        if has_range and (self.low is None or self.high is None):
            raise ValueError(
                Rule(
                    de="ein Unsicherheitsbereich braucht sowohl 'low' als auch 'high'",
                    en="an uncertainty range needs both 'low' and 'high'",
                )
            )
        if has_range and self.distribution is None:
            raise ValueError(
                Rule(
                    de="ein Bereich 'low'/'high' braucht eine 'distribution' (triangular, pert, "
                    "uniform)",
                    en="a 'low'/'high' range needs a 'distribution' (triangular, pert, uniform)",
                )
            )
        if has_range and not (self.low <= self.value <= self.high):  # type: ignore[operator]
            raise ValueError(
                Rule(
                    de=f"es muss low <= value <= high gelten, gefunden: low={self.low}, "
                    f"value={self.value}, high={self.high}",
                    en=f"need low <= value <= high, got low={self.low}, value={self.value}, "
                    f"high={self.high}",
                )
            )
        return self

    def _domain(self) -> tuple[float | None, float | None]:
        return (None, None)

    def allowed(self) -> tuple[float | None, float | None]:
        """The figure's allowed values (minimum, maximum; None: unbounded)."""
        return self._domain()


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

    description: FactNote


class FactSchema(BaseModel):
    """A public fact about the centre, with its source."""

    model_config = ConfigDict(extra="forbid")

    fact: FactNote
    source: str = Field(min_length=1)


class CentreMetaSchema(BaseModel):
    """Metadata of a centre: identity, status (real or fictional) and public facts."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    name: Name
    place: str | None = None
    status: Literal["real", "fictional", "synthetic", "authored"]
    status_note: FactNote
    description: Note | None = None
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
    description: FactNote
    in_kind: bool
    year: int = Field(default=0, ge=0)
    repeat_years: int = Field(default=1, ge=1)
    valuation_basis: str | None = None
    factors: list[FactorSchema] = Field(min_length=1)
    evidence: Evidence = Field(default_factory=list)

    @field_validator("factors")
    @classmethod
    def _unique_factor_names(cls, factors: list[FactorSchema]) -> list[FactorSchema]:
        return unique_factors(factors, Rule(de="eines Inputs", en="an input"))


def unique_factors(factors: list[FactorSchema], within: Rule) -> list[FactorSchema]:
    """Refuse two factors of the same name in one input or cost (their product is the
    value); ``within`` names the entry in both languages (``Rule(de="eines Inputs",
    en="an input")``)."""
    names = [f.name for f in factors]
    if len(set(names)) != len(names):
        raise ValueError(
            Rule(
                de=f"die Namen der Faktoren müssen innerhalb {within.de} eindeutig sein",
                en=f"factor names must be unique within {within.en}",
            )
        )
    return factors


class OutcomeSchema(BaseModel):
    """One row of the impact map (SROI Guide 2012, stages 2–4)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    stakeholder: str = Field(min_length=1)
    outcome: str = Field(min_length=1)
    outcome_en: str | None = None
    indicator: FactNote
    intended: bool = True
    quantity: NonNegativeFigureSchema
    proxy: ProxySchema | None = Field(default=None, validate_default=True)
    duration_years: int = Field(ge=1)
    start_year: int = Field(default=1, ge=1)
    deadweight: FractionFigureSchema
    displacement: FractionFigureSchema
    attribution: FractionFigureSchema
    drop_off: FractionFigureSchema
    evidence: Evidence = Field(default_factory=list)

    @field_validator("proxy")
    @classmethod
    def _proxy_required(cls, proxy: ProxySchema | None) -> ProxySchema:
        if proxy is None:
            raise ValueError(
                Rule(
                    de="Finanzproxy fehlt: jede Wirkung braucht einen bewerteten Finanzproxy",
                    en="financial proxy missing: every outcome needs a valued proxy",
                )
            )
        return proxy


class ImpactMapSchema(BaseModel):
    """The impact map proper: discounting, period, inputs and outcomes."""

    model_config = ConfigDict(extra="forbid")

    currency: Literal["EUR"] = "EUR"
    discount_rate: FractionFigureSchema
    analysis_period_years: int = Field(ge=1, le=50)
    inputs: list[InputSchema] = Field(min_length=1)
    outcomes: list[OutcomeSchema] = Field(min_length=1)


RANGE_RULES = ("shift", "scale", "drop")
"""What a scenario override does to the uncertainty range of the figure it moves (see
:class:`OverrideSchema`); a mapping ``{low, high[, distribution]}`` states a new range."""


class NewRangeSchema(BaseModel):
    """A scenario's own range for a figure: ``low`` < ``high``, optionally a distribution
    (default: the figure's own)."""

    model_config = ConfigDict(extra="forbid")

    low: _Number
    high: _Number
    distribution: Literal["triangular", "pert", "uniform"] | None = None

    @model_validator(mode="after")
    def _check(self) -> NewRangeSchema:
        if not self.low < self.high:
            raise ValueError(
                Rule(
                    de=f"ein neuer Bereich braucht low < high, gefunden: low={self.low}, "
                    f"high={self.high}",
                    en=f"a new range needs low < high, got low={self.low}, high={self.high}",
                )
            )
        return self


def _range_rule(v: Any) -> Any:
    """``range`` is one of :data:`RANGE_RULES` or a mapping read as a
    :class:`NewRangeSchema`; anything else is refused with one clear message."""
    if v is None or isinstance(v, NewRangeSchema):
        return v
    if isinstance(v, str) and v.strip() in RANGE_RULES:
        return v.strip()
    if isinstance(v, Mapping):
        try:
            return NewRangeSchema.model_validate(dict(v))
        except ValidationError as err:
            rules = []
            for e in err.errors():
                where = ".".join(str(x) for x in e["loc"])
                rules.append((f"{where}: " if where else "", pydantic_rule(e)))
            raise ValueError(
                Rule(
                    de=f"neuer Bereich: {'; '.join(w + r.de for w, r in rules)}",
                    en=f"new range: {'; '.join(w + r.en for w, r in rules)}",
                )
            ) from None
    raise ValueError(
        Rule(
            de=f"range muss eine der Regeln {', '.join(RANGE_RULES)} oder ein neuer Bereich "
            "{low, high[, distribution]} sein",
            en=f"range must be {', '.join(RANGE_RULES)} or a new range "
            "{low, high[, distribution]}",
        )
    )


class OverrideSchema(BaseModel):
    """One declared change of a scenario: the dotted ``path`` of a figure, its new
    ``value``, what happens to its uncertainty ``range`` and why (``assumption``).

    Paths address list items by their id, e.g.
    ``impact_map.outcomes.access_groceries.deadweight`` or
    ``impact_map.inputs.volunteers.factors.hours``.

    ``range`` says what the scenario does to the figure's declared uncertainty, so that
    the scenario's Monte Carlo is the scenario's (and the tornado swings around the
    scenario's value):

    * ``shift`` (the default for a figure with a range): the range moves with the value,
      ``[low + d, high + d]`` with d = new value − base value (same width);
    * ``scale``: the range is scaled with the value, ``[low·k, high·k]`` with
      k = new value / base value (same relative width; for amounts and counts);
    * ``drop``: the range is dropped, the figure is a point value held fixed in the
      Monte Carlo and left out of the tornado;
    * ``{low, high[, distribution]}``: a new range, which must contain the value (the
      distribution defaults to the figure's own).

    A figure without a range stays a point value unless a new range is given. A uniform
    range has no most likely value (it states only a minimum and a maximum; Vose, *Risk
    Analysis*, 3rd ed. 2008): moving a uniform figure's value while keeping its range
    would leave its draws unchanged — the scenario would be the base in the Monte Carlo —
    which is why no rule keeps a range in place (shift and scale keep the value's
    position relative to the range, for every distribution alike). The range that
    results must lie inside the figure's allowed values (fractions in [0, 1], amounts
    ≥ 0); :func:`analysis.sroi.centre.apply_overrides` applies the rule and says so
    otherwise.
    """

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1)
    value: _Number
    range: Annotated[
        Literal["shift", "scale", "drop"] | NewRangeSchema | None, BeforeValidator(_range_rule)
    ] = None
    assumption: Note

    @model_validator(mode="after")
    def _value_in_new_range(self) -> OverrideSchema:
        r = self.range
        if isinstance(r, NewRangeSchema) and not (r.low <= self.value <= r.high):
            raise ValueError(
                Rule(
                    de=f"value {self.value:g} liegt außerhalb des neuen Bereichs "
                    f"[{r.low:g}, {r.high:g}]",
                    en=f"value {self.value:g} lies outside its new range [{r.low:g}, {r.high:g}]",
                )
            )
        return self


class ScenarioSchema(BaseModel):
    """A named scenario: a description and its overrides of the base figures."""

    model_config = ConfigDict(extra="forbid")

    description: FactNote
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
                raise ValueError(
                    Rule(
                        de=f"der Szenarioname '{name}' muss dem Muster {ID_PATTERN} entsprechen",
                        en=f"scenario name '{name}' must match {ID_PATTERN}",
                    )
                )
        return scenarios


def figure_at(model: Any, parts: Sequence[str]) -> FigureSchema | None:
    """The validated figure at the dotted path ``parts`` of ``model`` (list items by their
    ``id`` or ``name``, as override paths address them); None if there is none."""
    node = model
    for part in parts:
        if isinstance(node, BaseModel):
            node = getattr(node, part, None) if part in type(node).model_fields else None
        elif isinstance(node, list):
            match = [x for x in node if part in (getattr(x, "id", None), getattr(x, "name", None))]
            node = match[0] if len(match) == 1 else None
        else:
            return None
    return node if isinstance(node, FigureSchema) else None


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
        entry_of: str | None = None
        parts: list[str] = []
        for i, part in enumerate(loc):
            if isinstance(part, int):
                if i > 0 and loc[i - 1] in ("stakeholders", "inputs", "outcomes") and row is None:
                    row = part + 1
                    entry_of = ".".join(str(x) for x in loc[:i])
                elif i > 0 and loc[i - 1] in _ROW_LISTS:
                    parts.append(f"[{part + 1}]")
                continue
            parts.append(str(part))
        field = ".".join(parts).replace(".[", "[") or None
        if field and field.endswith(".value"):
            field = field[: -len(".value")]
        problems.append(
            Problem(
                rule=pydantic_rule(e),
                file=str(file),
                row=row,
                column=field,
                value=shown_input(e),
                line=yaml_line(file, loc),
                entry_of=entry_of,
            )
        )
    return problems


def centre_file_reference_problems(model: CentreFileSchema, file: str | Path) -> list[Problem]:
    """Cross-reference checks pydantic cannot do row by row.

    Unknown or duplicate stakeholders, duplicate input/outcome ids, and outcomes that
    run past the analysis period.
    """
    problems: list[Problem] = []
    f = str(file)

    def at(listed: tuple[str, ...], i: int) -> dict[str, Any]:
        """Entry ``i`` of the list ``listed`` and its line in the file."""
        return {"entry_of": ".".join(listed), "line": yaml_line(file, (*listed, i - 1))}

    ids = [s.id for s in model.stakeholders]
    for i, s in enumerate(model.stakeholders, start=1):
        if ids.count(s.id) > 1:
            rule = Rule(de="Stakeholder-ID zweimal deklariert", en="stakeholder id declared twice")
            where = at(("stakeholders",), i)
            problems.append(Problem(rule, f, i, "stakeholders.id", s.id, **where))
    known = set(ids)
    imap = model.impact_map
    for kind, rows in (("inputs", imap.inputs), ("outcomes", imap.outcomes)):
        row_ids = [r.id for r in rows]
        for i, r in enumerate(rows, start=1):
            if r.stakeholder not in known:
                problems.append(
                    Problem(
                        Rule(
                            de="unbekannter Stakeholder; deklarieren Sie ihn unter "
                            f"'stakeholders' (bekannt: {', '.join(sorted(known))})",
                            en=f"unknown stakeholder; declare it under 'stakeholders' "
                            f"(known: {', '.join(sorted(known))})",
                        ),
                        f,
                        i,
                        f"impact_map.{kind}.stakeholder",
                        r.stakeholder,
                        **at(("impact_map", kind), i),
                    )
                )
            if row_ids.count(r.id) > 1:
                what = {"inputs": "eines Inputs", "outcomes": "einer Wirkung"}[kind]
                rule = Rule(de=f"ID {what} zweimal vergeben", en=f"{kind[:-1]} id used twice")
                where = at(("impact_map", kind), i)
                problems.append(Problem(rule, f, i, f"impact_map.{kind}.id", r.id, **where))
    for i, o in enumerate(imap.outcomes, start=1):
        last = o.start_year + o.duration_years - 1
        if last > imap.analysis_period_years:
            problems.append(
                Problem(
                    Rule(
                        de=f"die Wirkung reicht bis Jahr {last}, über den Betrachtungszeitraum "
                        f"von {imap.analysis_period_years} Jahren hinaus; kürzen Sie "
                        "duration_years oder verlängern Sie analysis_period_years",
                        en=f"outcome runs to year {last}, past the analysis period of "
                        f"{imap.analysis_period_years} years; shorten duration_years or "
                        "lengthen analysis_period_years",
                    ),
                    f,
                    i,
                    "impact_map.outcomes.duration_years",
                    o.duration_years,
                    **at(("impact_map", "outcomes"), i),
                )
            )
    if imap.inputs and not any(math.prod(f.value for f in inp.factors) > 0 for inp in imap.inputs):
        problems.append(
            Problem(
                Rule(
                    de="die Inputs ergeben zusammen 0: die SROI-Kennzahl (Wert ÷ Inputs) ist "
                    "nicht definiert; geben Sie mindestens einem Input einen Wert über 0 "
                    "(Sachleistungen und ehrenamtliche Zeit zählen als Inputs, SROI Guide "
                    "2012, Stufe 2)",
                    en="the inputs total 0: the SROI ratio (value ÷ inputs) is undefined; give "
                    "at least one input a value above 0 (in-kind contributions and volunteer "
                    "time count as inputs, SROI Guide 2012, stage 2)",
                ),
                f,
                None,
                "impact_map.inputs",
                line=yaml_line(file, ("impact_map", "inputs")),
            )
        )
    for i, inp in enumerate(imap.inputs, start=1):
        if inp.year + inp.repeat_years - 1 > imap.analysis_period_years:
            problems.append(
                Problem(
                    Rule(
                        de="der Input reicht über den Betrachtungszeitraum hinaus (year und "
                        "repeat_years)",
                        en="input year lies past the analysis period",
                    ),
                    f,
                    i,
                    "impact_map.inputs.year",
                    inp.year,
                    **at(("impact_map", "inputs"), i),
                )
            )
    return problems
