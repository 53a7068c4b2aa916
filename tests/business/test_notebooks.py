"""The business-case notebooks run under papermill for every example centre (slow).

The runs of pipeline.yaml (every centre and scenario, the comparison) are read from the
session's shared pipeline run (``pipeline_reports``); only the English report, which the
manifest does not list, executes here."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from analysis import results
from analysis.paths import ProjectPaths
from analysis.pipeline.params import inspect_parameters
from tests.notebook_helpers import pipeline_notebook, pipeline_values, run_notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CENTRES = ["barmen", "fictional_village", "fictional_quarter"]


def _run(nb: str, out: Path, **params: object) -> nbformat.NotebookNode:
    return run_notebook(nb, out, **params)


@pytest.mark.parametrize("name", ["22_centre_business_case.ipynb", "23_business_comparison.ipynb"])
def test_notebook_parameters_are_the_issues(name: str) -> None:
    """Clean, typed and registered is checked for every notebook in test_notebooks.py."""
    specs = {s.name for s in inspect_parameters(NOTEBOOKS / name)}
    if name.startswith("22"):
        assert specs == {"centre_id", "scenario", "mc_draws", "seed", "language"}


@pytest.mark.slow
@pytest.mark.parametrize("centre_id", CENTRES)
def test_business_report_runs(centre_id: str, pipeline_reports: ProjectPaths) -> None:
    nb = pipeline_notebook(pipeline_reports, f"22_business_{centre_id}_conservative")
    figures = results.extract(nb)["values"]
    assert figures["investment"] > 0 and "npv" in figures
    assert figures["mc_npv_p05"] <= figures["mc_npv_p50"] <= figures["mc_npv_p95"]
    assert 0 <= figures["mc_p_npv_positive"] <= 1
    assert ("hc_full_return" in figures) == (centre_id == "fictional_quarter")
    text = json.dumps(nb)
    assert "Kapitalwert" in text and "Gesamtrendite" in text
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.slow
def test_business_report_in_english(tmp_path: Path) -> None:
    nb = _run(
        "22_centre_business_case.ipynb",
        tmp_path / "out.ipynb",
        centre_id="fictional_quarter",
        scenario="base",
        mc_draws=1000,
        seed=1,
        language="en",
    )
    text = json.dumps(nb)
    assert "net present value of" in text and "full return" in text


@pytest.mark.slow
def test_business_comparison_runs(pipeline_reports: ProjectPaths) -> None:
    figures = pipeline_values(pipeline_reports, "23_business_comparison")
    for centre in CENTRES:
        for scenario in ("base", "conservative", "optimistic"):
            assert f"npv.{centre}.{scenario}" in figures
            assert figures[f"sroi_ratio.{centre}.{scenario}"] > 0
    assert "hc_full_return.fictional_quarter.base" in figures
