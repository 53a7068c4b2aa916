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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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
        problems.append(
            Problem(rule=e["msg"], file=str(file), row=row, column=field, value=e.get("input"))
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

from typing import Annotated as _Annotated  # noqa: E402

from pydantic import BeforeValidator as _BeforeValidator  # noqa: E402
from pydantic import model_validator as _model_validator  # noqa: E402

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
    """Numbers must be numbers: refuse text such as ``"25 %"`` or ``"0,25"`` and booleans."""
    if isinstance(v, bool):
        raise ValueError("expected a number, got true/false")
    if isinstance(v, str):
        raise ValueError(
            "expected a number, got text; write fractions as numbers between 0 and 1 "
            "(0.25, not '25 %') and amounts without units"
        )
    return v


_Number = _Annotated[float, _BeforeValidator(_refuse_text_number)]


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

    @_model_validator(mode="after")
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
                raise ValueError(f"{name} {x} is above the allowed maximum {hi_dom}")
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
        names = [f.name for f in factors]
        if len(set(names)) != len(names):
            raise ValueError("factor names must be unique within an input")
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

    ``business`` is reserved for the centre's business model (validated elsewhere).
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = 1
    centre: CentreMetaSchema
    stakeholders: list[StakeholderSchema] = Field(min_length=1)
    impact_map: ImpactMapSchema
    scenarios: dict[str, ScenarioSchema] = Field(default_factory=dict)
    business: Any = None

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
        problems.append(
            Problem(rule=e["msg"], file=str(file), row=row, column=field, value=e.get("input"))
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

    @_model_validator(mode="after")
    def _consistent(self) -> SurveyCodebookSchema:
        scales = [s.scale for s in self.scales]
        items = [i.item for i in self.items]
        for name, seen in (("scale", scales), ("item", items)):
            twice = sorted({x for x in seen if seen.count(x) > 1})
            if twice:
                raise ValueError(f"{name} listed twice: {', '.join(twice)}")
        unknown = sorted({i.scale for i in self.items} - set(scales) - {"overall"})
        if unknown:
            raise ValueError(f"items refer to undeclared scales: {', '.join(unknown)}")
        if self.overall_item not in items:
            raise ValueError(f"overall_item {self.overall_item!r} is not an item")
        return self


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
