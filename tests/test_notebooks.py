"""Notebooks: committed clean, typed, registered — and they all run in the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from analysis.paths import KERNEL_NAME, project
from analysis.pipeline.manifest import load_manifest
from analysis.pipeline.params import check_notebook, inspect_parameters

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "no notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: cell {i} has outputs"
            assert cell.execution_count is None, f"{path.name}: cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_typed_parameters_and_project_kernel(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == KERNEL_NAME
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    specs = inspect_parameters(path)
    assert specs, "the parameters cell declares no parameter"
    assert check_notebook(path.name, specs) == []


def test_every_notebook_is_registered_in_the_manifest() -> None:
    used = {r.notebook for r in load_manifest(project(ROOT))}
    assert {f"notebooks/{p.name}" for p in NOTEBOOKS} == used


@pytest.mark.slow
def test_the_whole_pipeline_runs_on_the_shipped_data(pipeline_reports) -> None:  # type: ignore[no-untyped-def]
    """Every run of pipeline.yaml executes without error on a copy of the project."""
    p = pipeline_reports
    state = json.loads(p.provenance.read_text())["runs"]
    assert all(rec["status"] == "ok" for rec in state.values())
    assert max(rec["peak_memory_mb"] for rec in state.values()) < 1024
    for run in load_manifest(p):
        assert (p.reports / f"{run.name}.html").is_file()
        assert "<html lang=" in (p.reports / f"{run.name}.html").read_text()


@pytest.mark.slow
def test_papermill_cli_still_runs_a_notebook_directly(tmp_path: Path) -> None:
    """The parameters cell stays papermill-compatible: the plain CLI executes it."""
    import subprocess
    import sys

    papermill = Path(sys.executable).parent / "papermill"
    result = subprocess.run(
        [
            str(papermill),
            str(ROOT / "notebooks/00_data_overview.ipynb"),
            str(tmp_path / "out.ipynb"),
            "-k",
            KERNEL_NAME,
            "-p",
            "language",
            "en",
            "--cwd",
            str(ROOT / "notebooks"),
            "--no-progress-bar",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "ANALYSIS_ARTIFACT_DIR": str(tmp_path / "art")},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    from analysis.results import extract

    values = extract(nbformat.read(tmp_path / "out.ipynb", as_version=4))["values"]
    assert values["n_real"] >= 1
