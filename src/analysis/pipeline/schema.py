"""Schema of the run manifest (``pipeline.yaml``).

Imported only when pipeline.yaml or a notebook changed: a run with nothing to do
never imports pydantic.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
)

from analysis.errors import Rule

# --------------------------------------------------------------------------------------
# Run manifest (pipeline.yaml)
# --------------------------------------------------------------------------------------
#
# Loaded by analysis.pipeline.manifest only when pipeline.yaml or a notebook changed: a run
# with nothing to do reuses the last validated expansion and never imports pydantic.

RUN_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}$"
"""Safe run names: they become file names under reports/."""


class FilesGridSchema(BaseModel):
    """Grid values from the files of a folder: ``{files: "data/raw/protocols/*"}``.

    One value per matching file: what the ``*`` matched in its name (without the
    extension unless the pattern names one after the ``*``). See
    :mod:`analysis.pipeline.manifest`.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    files: str = Field(min_length=1)


def _grid_kind(value: Any) -> str:
    return "files" if isinstance(value, dict) else "values"


GRID_TAGS = ("values", "files")
"""Tags of the two forms of a grid value; pydantic puts them into error locations."""

GridValues = Annotated[
    Annotated[list[Any], Field(min_length=1), Tag("values")]
    | Annotated[FilesGridSchema, Tag("files")],
    Discriminator(_grid_kind),
]


class OptionalInputSchema(BaseModel):
    """An input that may match no file: ``{optional: "data/raw/sroi/scenarios/x__*.yaml"}``.

    The files it matches, if any, are inputs like any other (fingerprint, validation);
    for files that may or may not exist yet, such as a centre's saved scenarios.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    optional: str = Field(min_length=1)


def _input_kind(value: Any) -> str:
    return "optional" if isinstance(value, dict) else "path"


INPUT_TAGS = ("path", "optional")

InputItem = Annotated[
    Annotated[str, Tag("path")] | Annotated[OptionalInputSchema, Tag("optional")],
    Discriminator(_input_kind),
]


class RunEntrySchema(BaseModel):
    """One entry of ``runs:`` in the run manifest.

    ``name`` may hold ``{placeholders}`` for grid keys; a ``grid`` expands to one
    run per combination of its values (Cartesian product, in the declared order); a
    grid key's values are a list or ``{files: pattern}`` (:class:`FilesGridSchema`).
    ``inputs`` are paths or glob patterns relative to the project root, and may
    use the same placeholders; ``{optional: pattern}`` may match no file.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(min_length=1)
    notebook: str = Field(min_length=1)
    description: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    grid: dict[str, GridValues] = Field(default_factory=dict)
    inputs: list[InputItem] = Field(default_factory=list)
    timeout: int | None = Field(
        default=None,
        gt=0,
        description="seconds any one cell may run (default: analysis run --timeout, else "
        "analysis.pipeline.execute.DEFAULT_TIMEOUT, 1800)",
    )

    @field_validator("grid")
    @classmethod
    def _grid_values_unique(
        cls, grid: dict[str, list[Any] | FilesGridSchema]
    ) -> dict[str, list[Any] | FilesGridSchema]:
        for key, values in grid.items():
            if isinstance(values, list) and len({repr(v) for v in values}) != len(values):
                raise ValueError(
                    Rule(
                        de=f"der grid-Schlüssel '{key}' nennt einen Wert zweimal",
                        en=f"grid key '{key}' lists a value twice",
                    )
                )
        return grid


class ManifestSchema(BaseModel):
    """The run manifest: every notebook run that regenerates the reports."""

    model_config = ConfigDict(extra="forbid", strict=True)

    version: int = 1
    runs: list[RunEntrySchema] = Field(min_length=1)
