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
from typing import Any, Literal

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
    status: Literal["real", "fictional", "synthetic"]
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
