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
