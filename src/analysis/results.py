"""Key figures a notebook records for the pipeline: ``record("sroi_ratio", 3.21)``.

A notebook calls :func:`record` for every figure an evaluator or a later check
relies on. The value is emitted as a display output with the MIME type
:data:`MIME_TYPE`, so it travels inside the executed notebook whatever executes it
(the pipeline, the plain ``papermill`` CLI, a Dask worker); the pipeline reads it
back with :func:`extract` and writes ``reports/<run>.results.json``. The HTML
export drops these outputs. Values must be JSON scalars, lists or dicts; NumPy and
pandas scalars are converted, NaN and infinity are refused (not valid JSON).
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis import paths

MIME_TYPE = "application/vnd.dorv-workbench.result+json"
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$")
SAFE_FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}$")

_recorded: dict[str, Any] = {}


def _plain(value: Any, name: str) -> Any:
    """Convert ``value`` to plain JSON types, refusing NaN/inf and unknown objects."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"result {name!r} is {value}; record a finite number or None")
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v, name) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, name) for v in value]
    tolist = getattr(value, "tolist", None)  # NumPy arrays and scalars, pandas Series
    if callable(tolist):
        return _plain(tolist(), name)
    item = getattr(value, "item", None)  # other scalar wrappers
    if callable(item):
        return _plain(item(), name)
    raise TypeError(f"result {name!r} has type {type(value).__name__}, not a JSON value")


def record(name: str, value: Any, *, unit: str | None = None) -> None:
    """Record the key figure ``name`` with ``value`` (optionally its ``unit``).

    Returns nothing: as the last line of a notebook cell, a returned value would be
    printed into the report (``0.6548578213851117``). Recording the same name twice
    keeps the last value.
    """
    if not NAME_PATTERN.match(name):
        raise ValueError(f"result name {name!r} must match {NAME_PATTERN.pattern}")
    plain = _plain(value, name)
    entry = {"name": name, "value": plain}
    if unit is not None:
        entry["unit"] = unit
    _recorded[name] = entry
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    if get_ipython() is not None:
        display({MIME_TYPE: entry}, raw=True)


def recorded() -> dict[str, Any]:
    """The figures recorded in this process so far, as ``{name: value}``."""
    return {k: v["value"] for k, v in _recorded.items()}


def clear() -> None:
    """Forget every figure recorded in this process (for tests)."""
    _recorded.clear()


def extract(nb: Any) -> dict[str, Any]:
    """Read the recorded figures from an executed notebook (``nbformat`` node or dict).

    Returns ``{"values": {name: value}, "units": {name: unit}}`` in recording order;
    a later record of the same name wins.
    """
    values: dict[str, Any] = {}
    units: dict[str, str] = {}
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            if MIME_TYPE not in data:
                continue
            entry = data[MIME_TYPE]
            if isinstance(entry, str):
                entry = json.loads(entry)
            values.pop(entry["name"], None)
            values[entry["name"]] = entry["value"]
            if "unit" in entry:
                units[entry["name"]] = entry["unit"]
    return {"values": values, "units": units}


def dumps(run: str, extracted: Mapping[str, Any]) -> str:
    """Serialise a run's figures canonically, so identical results give identical bytes."""
    payload = {"run": run, "results": extracted["values"], "units": extracted.get("units", {})}
    return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


ARTIFACT_DIR_ENV = "ANALYSIS_ARTIFACT_DIR"


def artifact_path(filename: str) -> Path:
    """Where a notebook writes an extra output file (DOCX, XLSX, CSV) for its run.

    Under the pipeline, ``$ANALYSIS_ARTIFACT_DIR`` points to the run's staging
    folder; the runner moves its files atomically to ``reports/<run>/``. Run
    directly (JupyterLab, plain papermill), files go to ``reports/artifacts/``.
    ``filename`` must be a plain file name (no folders, no ``..``).
    """
    if not SAFE_FILENAME.fullmatch(filename):  # `$` alone lets a final newline in
        raise ValueError(f"artifact name {filename!r} must match {SAFE_FILENAME.pattern}")
    base = os.environ.get(ARTIFACT_DIR_ENV)
    folder = Path(base) if base else paths.REPORTS / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / filename
