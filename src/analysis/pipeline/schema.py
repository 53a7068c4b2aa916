"""Schema of the run manifest (``pipeline.yaml``).

Imported only when pipeline.yaml or a notebook changed: a run with nothing to do
never imports pydantic.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
)

# --------------------------------------------------------------------------------------
# Run manifest (pipeline.yaml)
# --------------------------------------------------------------------------------------
#
# Loaded by analysis.pipeline.manifest only when pipeline.yaml or a notebook changed: a run
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
    timeout: int | None = Field(
        default=None,
        gt=0,
        description="seconds any one cell may run (default: analysis run --timeout, else "
        "analysis.pipeline.execute.DEFAULT_TIMEOUT, 1800)",
    )

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
