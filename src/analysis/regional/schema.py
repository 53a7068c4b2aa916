"""Schemas of the official regional statistics (``data/raw/regional/``)."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
)

from analysis.errors import Rule
from analysis.validation import BilingualText

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
            listed = ", ".join(REGIONAL_TABLES)
            raise ValueError(
                Rule(
                    de=f"unbekannte Regionaldatei; verwenden Sie eine von {listed}",
                    en=f"unknown regional file; use one of {listed}",
                )
            )
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
            listed = ", ".join(twice)
            raise ValueError(
                Rule(
                    de=f"Indikatorcode doppelt aufgeführt: {listed}",
                    en=f"indicator code listed twice: {listed}",
                )
            )
        for r in rows:
            spec = REGIONAL_TABLES[r.file]
            if r.code not in spec.numeric:
                raise ValueError(
                    Rule(
                        de=f"der Indikator '{r.code}' ist keine Zahlenspalte von {r.file}",
                        en=f"indicator '{r.code}' is not a numeric column of {r.file}",
                    )
                )
        return rows
