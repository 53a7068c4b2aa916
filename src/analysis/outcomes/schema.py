"""Schemas of outcome panels and the cooperation survey."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
)

from analysis.errors import Rule
from analysis.validation import BilingualText

# --------------------------------------------------------------------------------------
# Outcome panels (data/raw/outcomes/*.csv) and cooperation-quality survey (data/raw/survey/)
# --------------------------------------------------------------------------------------
# A panel is a long CSV, one row per unit (municipality, quarter or estate) and period
# (year): ``unit``, ``period``, ``first_treated`` (first period of the cooperation; empty
# = never treated), optionally ``treated`` (0/1, must equal period >= first_treated), then
# numeric outcome and covariate columns. Lines starting with '#' before the header are
# comments (synthetic files say so there). A units file (``<panel stem>_units.csv``)
# lists the known units. analysis.outcomes.panel checks every row and names file, line, column.
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
            raise ValueError(
                Rule(
                    de="levels muss genau die Antworten 1, 2, 3, 4, 5 benennen",
                    en="levels must label exactly the answers 1, 2, 3, 4, 5",
                )
            )
        return v

    # Field validators (not one model validator), so each error names its field.
    @field_validator("scales")
    @classmethod
    def _unique_scales(cls, v: list[SurveyScaleSchema]) -> list[SurveyScaleSchema]:
        seen = [s.scale for s in v]
        twice = sorted({x for x in seen if seen.count(x) > 1})
        if twice:
            listed = ", ".join(twice)
            raise ValueError(
                Rule(de=f"Skala doppelt aufgeführt: {listed}", en=f"scale listed twice: {listed}")
            )
        return v

    @field_validator("items")
    @classmethod
    def _consistent_items(cls, v: list[SurveyItemSchema], info: Any) -> list[SurveyItemSchema]:
        seen = [i.item for i in v]
        twice = sorted({x for x in seen if seen.count(x) > 1})
        if twice:
            listed = ", ".join(twice)
            raise ValueError(
                Rule(de=f"Item doppelt aufgeführt: {listed}", en=f"item listed twice: {listed}")
            )
        if "scales" in info.data:
            scales = {s.scale for s in info.data["scales"]}
            unknown = sorted({i.scale for i in v} - scales - {"overall"})
            if unknown:
                named = ", ".join(unknown)
                raise ValueError(
                    Rule(
                        de=f"items verweisen auf Skalen, die unter scales fehlen: {named}",
                        en=f"items refer to undeclared scales: {named}",
                    )
                )
        return v

    @field_validator("overall_item")
    @classmethod
    def _overall_is_item(cls, v: str, info: Any) -> str:
        if "items" in info.data and v not in {i.item for i in info.data["items"]}:
            raise ValueError(
                Rule(
                    de=f"overall_item {v!r} ist keines der items",
                    en=f"overall_item {v!r} is not an item",
                )
            )
        return v
