"""Shared fixtures: tiny project trees with fixture notebooks for the pipeline tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

from analysis.paths import KERNEL_NAME, ProjectPaths, project

os.environ.setdefault("MPLBACKEND", "Agg")


def make_notebook(parameters: str, *cells: str, title: str | None = None) -> Any:
    """A notebook with a tagged ``parameters`` cell followed by ``cells``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "DORV", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    if title:
        nb.cells.append(nbformat.v4.new_markdown_cell(f"# {title}\n\nFixture notebook."))
    p = nbformat.v4.new_code_cell(parameters)
    p.metadata["tags"] = ["parameters"]
    nb.cells.append(p)
    nb.cells += [nbformat.v4.new_code_cell(src) for src in cells]
    return nb


OK_NOTEBOOK = make_notebook(
    'x: int = 1  # a number\nlabel: str = "a"  # a label\nfactor: float = 2.0  # scale',
    "from pathlib import Path\nfrom analysis import paths, results\n"
    "text = (paths.RAW / 'input.txt').read_text()\nprint(label, x * factor, text)",
    'results.record("y", x * factor)\nresults.record("label", label)',
    title="Fixture report",
)
FAIL_NOTEBOOK = make_notebook(
    "n: int = 1  # anything", "value = n + 1", 'raise ValueError("broken on purpose")'
)
REQUIRED_NOTEBOOK = make_notebook(
    "centre_id: str = None  # required\nyears: list[int] = [1, 2]  # years",
    "from analysis import results\nresults.record('centre', centre_id)",
)
SLEEP_NOTEBOOK = make_notebook(
    "seconds: float = 30.0  # how long",
    "import time\ntime.sleep(seconds)",
)


def write_project(
    root: Path,
    notebooks: dict[str, Any],
    runs: list[dict[str, Any]],
    files: dict[str, str] | None = None,
) -> ProjectPaths:
    """Write a project tree: notebooks, pipeline.yaml, raw files, reports/."""
    for name, nb in notebooks.items():
        (root / "notebooks").mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, root / "notebooks" / name)
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "reports").mkdir(exist_ok=True)
    (root / "pipeline.yaml").write_text(
        yaml.safe_dump({"version": 1, "runs": runs}, sort_keys=False), encoding="utf-8"
    )
    return project(root)


@pytest.fixture
def tiny_project(tmp_path: Path) -> Callable[..., ProjectPaths]:
    """Factory for a fixture project with an ok notebook swept over a grid."""

    def build(extra_runs: list[dict[str, Any]] | None = None, **notebooks: Any) -> ProjectPaths:
        nbs = {"ok.ipynb": OK_NOTEBOOK, **{f"{k}.ipynb": v for k, v in notebooks.items()}}
        runs = [
            {
                "name": "ok_{x}_{label}",
                "notebook": "notebooks/ok.ipynb",
                "grid": {"x": [1, 2], "label": ["a"]},
                "inputs": ["data/raw/input.txt"],
            }
        ] + (extra_runs or [])
        return write_project(tmp_path, nbs, runs, {"data/raw/input.txt": "hello"})

    return build
