"""Shared fixtures: tiny project trees with fixture notebooks for the pipeline tests, and
the whole pipeline run once per session on a copy of the project."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml
from hypothesis import settings

from analysis.paths import KERNEL_NAME, ProjectPaths, project
from tests.fresh_clone import clone_and_make_reports, working_tree_is_clean

os.environ.setdefault("MPLBACKEND", "Agg")
# No PDF printing in test runs (Chromium takes seconds per report); tests of the PDF
# export switch it on themselves (tests/pipeline/test_export.py).
os.environ.setdefault("ANALYSIS_PDF", "0")

# Property tests check invariants, not speed: on a loaded 2-core CI machine an example
# may take longer than hypothesis's default 200 ms deadline without anything being wrong.
settings.register_profile("workbench", deadline=None)
settings.load_profile("workbench")


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
    "from IPython.display import Markdown, display\n"
    "text = (paths.RAW / 'input.txt').read_text()\n"
    "display(Markdown(f'{label} {x * factor} {text}'))",
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


PIPELINE_TIMEOUT = 1800
"""Seconds the shared regeneration of every report may take."""


def _regenerate(root: Path) -> dict[str, Any]:
    """Regenerate every report into the empty folder ``root``: the exit code, the tail of
    the output and how it was made.

    When this checkout equals its last commit (as CI's clean clone does), ``root`` becomes
    a fresh clone that runs the README's ``make reports``: the regeneration the
    fresh-clone test (tests/test_readme_commands.py) checks, done once for all tests.
    Otherwise (uncommitted changes) the working tree's notebooks, raw data and run manifest
    are copied to ``root`` and ``analysis run`` regenerates there, so the tests see the
    changes; the fresh-clone test then makes its own clone.
    """
    if working_tree_is_clean():
        try:
            output = clone_and_make_reports(root, timeout=PIPELINE_TIMEOUT)
        except AssertionError as err:
            return {"returncode": 1, "output": str(err)[-6000:], "fresh_clone": True}
        return {"returncode": 0, "output": output[-6000:], "fresh_clone": True}
    repo = Path(__file__).resolve().parents[1]
    for rel in ("notebooks", "data/raw"):
        shutil.copytree(repo / rel, root / rel)
    shutil.copy(repo / "pipeline.yaml", root / "pipeline.yaml")
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "ANALYSIS_ROOT")}
    command = [sys.executable, "-m", "analysis", "--root", str(root), "run"]
    done = subprocess.run(
        [*command, "--jobs", "2", "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        timeout=PIPELINE_TIMEOUT,
    )
    output = done.stdout[-3000:] + done.stderr[-3000:]
    return {"returncode": done.returncode, "output": output, "fresh_clone": False}


@pytest.fixture(scope="session")
def pipeline_reports(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    """Every run of pipeline.yaml regenerated once per test session, by ``make reports``
    in a fresh clone or by ``analysis run`` on a copy of the working tree (see
    :func:`_regenerate`; ``.outcome.json`` in its root says which). The notebook, browser,
    bad-input and fresh-clone tests share it; none of them may change it.

    A fresh process with the environment of ``make reports``: the test session sets
    MPLBACKEND=Agg, which would leave the reports without their figures.

    Under pytest-xdist every worker process asks for this fixture; the first one
    regenerates into a folder the workers share (the parent of their temporary folders),
    under a file lock, and records the outcome there; the others wait for the lock and
    reuse the outcome, a failed one included.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        root = tmp_path_factory.mktemp("pipeline")
        outcome = _regenerate(root)
    else:
        from filelock import FileLock

        shared = tmp_path_factory.getbasetemp().parent
        root = shared / "pipeline"
        record = shared / "pipeline.outcome.json"
        with FileLock(str(shared / "pipeline.lock"), timeout=PIPELINE_TIMEOUT + 60):
            if record.is_file():
                outcome = json.loads(record.read_text(encoding="utf-8"))
            else:
                shutil.rmtree(root, ignore_errors=True)  # what a killed worker left
                root.mkdir()
                try:
                    outcome = _regenerate(root)
                except Exception as err:  # e.g. the time limit: the others fail alike
                    outcome = {"returncode": None, "output": f"{type(err).__name__}: {err}"}
                record.write_text(json.dumps(outcome), encoding="utf-8")
    assert outcome["returncode"] == 0, outcome["output"]
    (root / ".outcome.json").write_text(json.dumps(outcome), encoding="utf-8")
    return project(root)
