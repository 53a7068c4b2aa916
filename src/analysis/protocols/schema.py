"""Schemas of the codebook (``data/raw/codebook.yaml``) and coding sheets."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
)

from analysis.errors import Rule

# --------------------------------------------------------------------------------------
# Workshop protocols: codebook (data/raw/codebook.yaml) and coding sheets (XLSX)
# --------------------------------------------------------------------------------------
# The protocols themselves are free text; analysis.protocols checks their structure
# (title block, questions a–e) and names file and line of each problem. The codebook
# lists the themes coders assign; each code has German and English labels and keyword
# or regex rules that suggest it (see analysis.protocols.coding for the rule syntax).

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
                raise ValueError(
                    Rule(
                        de="keywords müssen Wörter oder Wendungen sein, keine leeren Einträge",
                        en="keywords must be non-empty words or phrases",
                    )
                )
        return v

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, v: list[str]) -> list[str]:
        import re

        for p in v:
            try:
                re.compile(p)
            except re.error as err:
                rule = Rule(
                    de=f"Muster {p!r} ist kein gültiger regulärer Ausdruck: {err}",
                    en=f"pattern {p!r} is not a valid regular expression: {err}",
                )
                raise ValueError(rule) from None
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
            listed = ", ".join(twice)
            raise ValueError(
                Rule(de=f"Code doppelt aufgeführt: {listed}", en=f"code listed twice: {listed}")
            )
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
