"""Typed notebook parameters, validated before anything executes.

A notebook's first cell tagged ``parameters`` holds type-annotated assignments
(``centre_id: str = "barmen"  # centre file``), so it stays papermill-compatible:
``papermill`` injects values after it as usual. This module reads that cell with
papermill's own Python translator (``PythonTranslator.inspect``) and checks a
run's values against the annotations with pydantic in strict mode. Papermill
alone only warns about unknown names; here an unknown name, a wrong type or a
missing required value stops the run with a message naming the run, the
parameter and the rule.

Conventions: every parameter needs an annotation; a parameter whose default is
``None`` while its annotation does not admit ``None`` is *required*.
"""

from __future__ import annotations

import ast
import hashlib
import json
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.errors import ParameterError, Problem

_TYPE_NAMESPACE: dict[str, Any] = {
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "list": list,
    "dict": dict,
    "tuple": tuple,
    "None": None,
    "Any": Any,
    "Optional": typing.Optional,
    "Union": typing.Union,
    "Literal": typing.Literal,
    "typing": typing,
}


@dataclass(frozen=True)
class ParameterSpec:
    """One declared parameter of a notebook."""

    name: str
    annotation: str
    default: str
    help: str = ""

    @property
    def type(self) -> Any:
        """The annotation as a Python type (raises ValueError if it is not one)."""
        try:
            return eval(self.annotation, {"__builtins__": {}}, _TYPE_NAMESPACE)
        except Exception as err:
            raise ValueError(f"annotation {self.annotation!r} is not a supported type") from err

    @property
    def default_value(self) -> Any:
        try:
            return ast.literal_eval(self.default)
        except (ValueError, SyntaxError):
            return ...

    @property
    def required(self) -> bool:
        """True when the default is None but None is not an allowed value."""
        if self.default_value is not None:
            return False
        from pydantic import TypeAdapter, ValidationError

        try:
            TypeAdapter(self.type).validate_python(None, strict=True)
        except ValidationError:
            return True
        return False


def _notebook_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inspect_parameters(notebook: Path, cache_dir: Path | None = None) -> list[ParameterSpec]:
    """The declared parameters of ``notebook``, in cell order.

    Uses papermill's translator; results are cached under ``cache_dir`` keyed by
    the notebook's content hash, so an unchanged notebook costs no papermill import.
    """
    cache_file = None
    if cache_dir is not None:
        cache_file = cache_dir / "params" / f"{_notebook_digest(notebook)}.json"
        if cache_file.is_file():
            return [ParameterSpec(**p) for p in json.loads(cache_file.read_text("utf-8"))]
    import nbformat
    from papermill.translators import PythonTranslator

    nb = nbformat.read(notebook, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    specs: list[ParameterSpec] = []
    if cells:
        for p in PythonTranslator.inspect(cells[0]):
            specs.append(
                ParameterSpec(
                    name=p.name, annotation=p.inferred_type_name, default=p.default, help=p.help
                )
            )
    if cache_file is not None:
        from analysis.pipeline.atomic import write_text

        write_text(cache_file, json.dumps([s.__dict__ for s in specs], ensure_ascii=False))
    return specs


def check_notebook(notebook: str, specs: list[ParameterSpec]) -> list[Problem]:
    """Problems of the ``parameters`` cell itself: missing annotations, unknown types."""
    problems = []
    for s in specs:
        if s.annotation in ("", "None"):
            problems.append(
                Problem(
                    rule="parameter has no type annotation (write e.g. `x: int = 1`)",
                    file=notebook,
                    column=s.name,
                )
            )
            continue
        try:
            s.type  # noqa: B018 - evaluate the annotation
        except ValueError as err:
            problems.append(Problem(rule=str(err), file=notebook, column=s.name))
    return problems


def _unsafe_path(name: str, value: Any) -> str | None:
    """Why a text parameter could reach outside the project, or None.

    Notebooks join text parameters to project folders (``paths.RAW / codebook``), so no
    value may climb out with ``..`` or be absolute; an ``*_id`` names a file stem and
    may hold no path separator at all.
    """
    texts = [value] if isinstance(value, str) else []
    if isinstance(value, list | tuple):
        texts = [v for v in value if isinstance(v, str)]
    for text in texts:
        parts = text.replace("\\", "/").split("/")
        if ".." in parts or text.startswith(("/", "\\")) or text[1:3] in (":/", ":\\"):
            return "must stay inside the project: no '..' and no absolute path"
        if name.endswith("_id") and ("/" in text or "\\" in text):
            return "an id is a file stem: no '/' or '\\'"
    return None


def validate(
    run_name: str,
    values: dict[str, Any],
    specs: list[ParameterSpec],
    *,
    manifest_file: str,
    entry: int,
    notebook: str,
) -> list[Problem]:
    """Every problem of ``values`` against ``specs``; an empty list means valid."""
    from pydantic import TypeAdapter, ValidationError

    problems = check_notebook(notebook, specs)
    by_name = {s.name: s for s in specs}
    key = f"runs[{entry}].parameters"
    for name, value in values.items():
        spec = by_name.get(name)
        if spec is None:
            declared = ", ".join(by_name) or "none"
            problems.append(
                Problem(
                    rule=f"run '{run_name}': unknown parameter; {notebook} declares: {declared}",
                    file=manifest_file,
                    column=f"{key}.{name}",
                )
            )
            continue
        if spec.annotation in ("", "None"):
            continue  # reported once by check_notebook
        try:
            TypeAdapter(spec.type).validate_python(value, strict=True)
        except ValueError as err:
            detail = err.errors()[0]["msg"] if isinstance(err, ValidationError) else str(err)
            problems.append(
                Problem(
                    rule=f"run '{run_name}': must be of type {spec.annotation} ({detail})",
                    file=manifest_file,
                    column=f"{key}.{name}",
                    value=value,
                )
            )
            continue
        unsafe = _unsafe_path(name, value)
        if unsafe:
            problems.append(
                Problem(
                    rule=f"run '{run_name}': {unsafe}",
                    file=manifest_file,
                    column=f"{key}.{name}",
                    value=value,
                )
            )
    for spec in specs:
        if spec.name not in values and spec.annotation not in ("", "None"):
            try:
                required = spec.required
            except ValueError:
                continue
            if required:
                problems.append(
                    Problem(
                        rule=f"run '{run_name}': required parameter is missing "
                        f"({notebook} has no default for it)",
                        file=manifest_file,
                        column=f"{key}.{spec.name}",
                    )
                )
    return problems


def raise_if_invalid(problems: list[Problem]) -> None:
    """Raise one :class:`ParameterError` listing all ``problems``, if any."""
    if problems:
        raise ParameterError(problems=problems)
