"""The run manifest (``pipeline.yaml``): which notebooks run with which parameters.

Each entry names a notebook, its parameters, the inputs it declares and,
optionally, a ``grid`` that expands to one run per combination of values (a sweep,
e.g. centre_id × scenario). Every run gets a unique, file-safe name formatted from
its parameters (``sroi_{centre_id}_{scenario}`` → ``sroi_barmen_base``).
Errors name the manifest file and the key (``runs[2].grid.centre_id``).
"""

from __future__ import annotations

import fnmatch
import itertools
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from analysis.errors import ManifestError, Problem
from analysis.paths import ProjectPaths
from analysis.readers import read_yaml

if TYPE_CHECKING:
    from analysis.pipeline.schema import RunEntrySchema


@dataclass(frozen=True)
class Run:
    """One notebook execution: a notebook, its parameters and its declared inputs."""

    name: str
    notebook: str
    parameters: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    entry: int = 0
    timeout: int | None = None
    description: str | None = None

    def key(self, manifest_file: str) -> str:
        """Where this run comes from, for error messages."""
        return f"{manifest_file}: runs[{self.entry}] ({self.name})"


def _placeholders(template: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(template) if f]


def _check_relative(path: str, where: str, file: str) -> None:
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or "\\" in path:
        raise ManifestError(
            "must be a path relative to the project root without '..'",
            file=file,
            column=where,
            value=path,
        )


def _expand_entry(entry: RunEntrySchema, index: int, file: str, root: Path) -> list[Run]:
    from analysis.pipeline.schema import RUN_NAME_PATTERN

    key = f"runs[{index}]"
    _check_relative(entry.notebook, f"{key}.notebook", file)
    if not entry.notebook.endswith(".ipynb"):
        raise ManifestError("notebook must be an .ipynb file", file=file, column=f"{key}.notebook")
    if not (root / entry.notebook).is_file():
        raise ManifestError(
            "unknown notebook: no such file",
            file=file,
            column=f"{key}.notebook",
            value=entry.notebook,
        )
    fields = _placeholders(entry.name) + [f for i in entry.inputs for f in _placeholders(i)]
    overlap = sorted(set(entry.grid) & set(entry.parameters))
    if overlap:
        raise ManifestError(
            "a parameter is set both in 'parameters' and in 'grid'",
            file=file,
            column=f"{key}.grid.{overlap[0]}",
        )
    missing = [k for k in entry.grid if k not in _placeholders(entry.name)]
    if missing:
        raise ManifestError(
            f"name must contain a placeholder {{{missing[0]}}} for each grid key, "
            "so that every run of the sweep gets its own output name",
            file=file,
            column=f"{key}.name",
            value=entry.name,
        )
    known = set(entry.grid) | set(entry.parameters)
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise ManifestError(
            f"placeholder {{{unknown[0]}}} is neither a grid key nor a parameter",
            file=file,
            column=f"{key}.name" if unknown[0] in _placeholders(entry.name) else f"{key}.inputs",
        )
    combos: Iterable[tuple[Any, ...]] = itertools.product(*entry.grid.values())
    runs = []
    for combo in combos:
        params = dict(entry.parameters)
        params.update(zip(entry.grid.keys(), combo, strict=True))
        fmt = {k: v for k, v in params.items()}
        name = entry.name.format(**fmt)
        if not re.fullmatch(RUN_NAME_PATTERN, name):  # `$` alone lets a final newline in
            raise ManifestError(
                f"run name must match {RUN_NAME_PATTERN} (it becomes a file name)",
                file=file,
                column=f"{key}.name",
                value=name,
            )
        inputs = []
        for j, pattern in enumerate(entry.inputs):
            concrete = pattern.format(**fmt)
            _check_relative(concrete, f"{key}.inputs[{j}]", file)
            inputs.append(concrete)
        runs.append(
            Run(
                name=name,
                notebook=entry.notebook,
                parameters=params,
                inputs=tuple(inputs),
                entry=index,
                timeout=entry.timeout,
                description=entry.description,
            )
        )
    return runs


def load_manifest(project: ProjectPaths, path: Path | None = None) -> list[Run]:
    """Read, validate and expand the run manifest into a list of :class:`Run`.

    Raises :class:`ManifestError` (exit code 2) naming the file and key on any
    problem: YAML syntax, unknown or mistyped keys, an unknown notebook, a bad
    grid, a name that is not file-safe, duplicate run names.
    """
    path = path or project.run_manifest
    file = str(path.relative_to(project.root)) if path.is_relative_to(project.root) else str(path)
    data = read_yaml(path, file=file, what="run manifest", error=ManifestError)
    if not isinstance(data, dict):
        raise ManifestError("must be a mapping with a 'runs' list", file=file, column="runs")
    from pydantic import ValidationError

    from analysis.pipeline.schema import ManifestSchema

    try:
        manifest = ManifestSchema.model_validate(data)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            loc = e["loc"]
            dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
            problems.append(Problem(rule=e["msg"], file=file, column=dotted or None))
        raise ManifestError(problems=problems) from None
    runs: list[Run] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(manifest.runs):
        for run in _expand_entry(entry, index, file, project.root):
            if run.name in seen:
                raise ManifestError(
                    f"duplicate run name '{run.name}' (also produced by runs[{seen[run.name]}])",
                    file=file,
                    column=f"runs[{index}].name",
                )
            seen[run.name] = index
            runs.append(run)
    return runs


def select(runs: Sequence[Run], only: Sequence[str] | None, file: str = "--only") -> list[Run]:
    """The runs whose names match any of ``only`` (exact names or glob patterns)."""
    if not only:
        return list(runs)
    chosen = [r for r in runs if any(fnmatch.fnmatchcase(r.name, pat) for pat in only)]
    for pat in only:
        if not any(fnmatch.fnmatchcase(r.name, pat) for r in runs):
            raise ManifestError("matches no run of the manifest", file=file, value=pat)
    return chosen
