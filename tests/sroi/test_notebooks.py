"""The SROI notebooks run under papermill for every example centre (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from analysis import results
from tests.notebook_helpers import run_notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CENTRES = ["barmen", "fictional_village", "fictional_quarter"]


def _run(nb: str, out: Path, **params: object) -> nbformat.NotebookNode:
    return run_notebook(nb, out, **params)


@pytest.mark.slow
@pytest.mark.parametrize("centre_id", CENTRES)
def test_centre_report_runs(centre_id: str, tmp_path: Path) -> None:
    nb = _run(
        "20_sroi_centre.ipynb",
        tmp_path / "out.ipynb",
        centre_id=centre_id,
        scenario="conservative",
        mc_draws=2000,
        seed=3,
    )
    figures = results.extract(nb)["values"]
    assert figures["sroi_ratio"] > 0 and 0 <= figures["mc_p_ratio_above_1"] <= 1
    assert figures["mc_p05"] <= figures["mc_p50"] <= figures["mc_p95"]
    assert ("housing_company_own_return" in figures) == (centre_id == "fictional_quarter")
    html = json.dumps(nb)
    assert "Plotly" in html  # Sankey with inlined plotly.js


@pytest.mark.slow
def test_centre_report_in_english(tmp_path: Path) -> None:
    nb = _run(
        "20_sroi_centre.ipynb",
        tmp_path / "out.ipynb",
        centre_id="barmen",
        scenario="base",
        mc_draws=1000,
        seed=1,
        language="en",
    )
    text = json.dumps(nb)
    assert "SROI ratio of" in text


@pytest.mark.slow
def test_comparison_runs(tmp_path: Path) -> None:
    nb = _run("21_sroi_comparison.ipynb", tmp_path / "out.ipynb")
    figures = results.extract(nb)["values"]
    for centre in CENTRES:
        for scenario in ("base", "conservative", "optimistic"):
            assert figures[f"sroi_ratio.{centre}.{scenario}"] > 0
