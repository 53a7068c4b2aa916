"""Schemas of every input the workbench reads, in one module.

Each section validates one kind of input (run manifest, data catalogue,
protocols/codebook, impact maps, panels, survey, regional data). Validation
failures are turned into :class:`analysis.errors.InputError` naming file, row,
column/field and rule (see :func:`problems_from_pydantic`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

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
