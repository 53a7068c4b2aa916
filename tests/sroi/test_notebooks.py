"""The SROI notebooks run under papermill for every example centre (slow).

The runs of pipeline.yaml (every centre and scenario, the English report of barmen, the
comparison) are read from the session's shared pipeline run (``pipeline_reports``)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from analysis import results
from analysis.paths import ProjectPaths
from tests.notebook_helpers import pipeline_notebook, pipeline_values, run_notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CENTRES = ["barmen", "fictional_village", "fictional_quarter"]


def _run(nb: str, out: Path, **params: object) -> nbformat.NotebookNode:
    return run_notebook(nb, out, **params)


@pytest.mark.slow
@pytest.mark.parametrize("centre_id", CENTRES)
def test_centre_report_runs(centre_id: str, pipeline_reports: ProjectPaths) -> None:
    nb = pipeline_notebook(pipeline_reports, f"20_sroi_{centre_id}_conservative")
    figures = results.extract(nb)["values"]
    assert figures["sroi_ratio"] > 0 and 0 <= figures["mc_p_ratio_above_1"] <= 1
    assert figures["mc_p05"] <= figures["mc_p50"] <= figures["mc_p95"]
    assert ("housing_company_own_return" in figures) == (centre_id == "fictional_quarter")
    html = json.dumps(nb)
    assert "Plotly" in html  # Sankey with inlined plotly.js


@pytest.mark.slow
def test_centre_report_in_english(pipeline_reports: ProjectPaths) -> None:
    nb = pipeline_notebook(pipeline_reports, "20_sroi_barmen_base_en")
    text = json.dumps(nb)
    assert "SROI ratio of" in text and "Key figures" in text
    html = (pipeline_reports.reports / "20_sroi_barmen_base_en.html").read_text("utf-8")
    assert "Kennzahlen" not in html and '<html lang="en"' in html


@pytest.mark.slow
def test_comparison_runs(pipeline_reports: ProjectPaths) -> None:
    figures = pipeline_values(pipeline_reports, "21_sroi_comparison")
    for centre in CENTRES:
        for scenario in ("base", "conservative", "optimistic"):
            assert figures[f"sroi_ratio.{centre}.{scenario}"] > 0
