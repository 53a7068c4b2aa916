"""Pydantic validation errors as :class:`analysis.errors.Problem` entries.

Shared by every schema: a failure names file, row, column/field and rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analysis.errors import InputError, Problem
from analysis.readers import yaml_line


def problems_from_pydantic(
    err: ValidationError, file: str | Path, *, row_key: str | None = None
) -> list[Problem]:
    """Translate a pydantic ``ValidationError`` into :class:`Problem` entries.

    The location tuple becomes the field path (``outcomes.3.deadweight``); when
    ``row_key`` names a list field (e.g. ``"outcomes"``) its index is reported as
    the row, counted from 1 as evaluators count rows. When the data came from a YAML file
    read by :func:`analysis.readers.read_yaml`, each problem also carries the line of its
    entry or field in that file (``row 3 (entry 3 of the list 'codes', line 57)``).
    """
    problems = []
    for e in err.errors():
        loc = list(e["loc"])
        row = None
        entry_of = None
        if row_key is not None and len(loc) >= 2 and loc[0] == row_key and isinstance(loc[1], int):
            row = loc[1] + 1
            entry_of = row_key
        field = ".".join(str(p) for p in loc) or None
        rule = e["msg"].removeprefix("Value error, ")
        problems.append(
            Problem(
                rule=rule,
                file=str(file),
                row=row,
                column=field,
                value=e.get("input"),
                line=yaml_line(file, loc),
                entry_of=entry_of,
            )
        )
    return problems


def raise_for_pydantic(err: ValidationError, file: str | Path, **kw: Any) -> None:
    """Raise an :class:`InputError` listing every problem of ``err``."""
    raise InputError(problems=problems_from_pydantic(err, file, **kw)) from None


class BilingualText(BaseModel):
    """A text in German (as published) and English (the workbench's translation)."""

    model_config = ConfigDict(extra="forbid")

    de: str = Field(min_length=1)
    en: str = Field(min_length=1)
