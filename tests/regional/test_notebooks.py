"""Notebook 40 (regional targeting) runs end to end with papermill (slow).

The default report (Jülich) is the run ``40_regional_targeting_de`` of pipeline.yaml and
is read from the session's shared pipeline run (``pipeline_reports``); the English report
with filters and weights, which the manifest does not list, executes here."""

from __future__ import annotations

from pathlib import Path

import nbformat
import openpyxl
import pytest

from analysis import paths
from analysis.paths import ProjectPaths
from tests.notebook_helpers import pipeline_values, run_values

NOTEBOOK = paths.NOTEBOOKS / "40_regional_targeting.ipynb"


def run(tmp_path: Path, **parameters) -> tuple[dict, Path]:
    artifacts = tmp_path / "artifacts"
    values = run_values(
        NOTEBOOK.name,
        tmp_path / "out.ipynb",
        artifacts=artifacts,
        cwd=paths.NOTEBOOKS,
        **parameters,
    )
    return values, artifacts


@pytest.mark.slow
def test_notebook_runs_for_juelich(pipeline_reports: ProjectPaths):
    values = pipeline_values(pipeline_reports, "40_regional_targeting_de")
    artifacts = pipeline_reports.reports / "40_regional_targeting_de"
    assert values["place_key"] == "05358024"
    assert values["method"] == "percentile"
    assert values["n_places"] == 10_990
    assert values["n_excluded"] == 204
    assert values["n_ranked"] == 10_990 - 204
    assert 1 <= values["place_rank"] <= values["n_ranked"]
    assert -1 <= values["stability_median_spearman"] <= 1
    # Issue 16: no car-free Hallig or Helgoland in the top 20; NRW has candidates.
    assert not {"01054039", "01054050", "01054074", "01056025"} & set(values["top20"])
    assert values["top20_shared"]["z/chosen"] == 4
    assert values["n_candidates_nrw"] > 0
    assert values["place_is_candidate"] is False
    xlsx = artifacts / "regional_candidates.xlsx"
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Kandidaten", "Auswahlregel", "Ausgeschlossen", "Quelle"]
    assert wb["Kandidaten"].max_row == values["n_candidates"] + 1


@pytest.mark.slow
def test_notebook_runs_in_english_with_filters_and_weights(tmp_path):
    values, artifacts = run(
        tmp_path,
        language="en",
        place_key="16077000",
        state_filter=["16"],
        settlement_types=[3, 4],
        weights={
            "p_markt": 2.0,
            "wohn_leer": 1,
            "bev_ue65": 1,
            "bev_entw": 1,
            "alq": 1,
            "sozsich": 1,
            "st_einnkr": 1,
        },
        n_draws=20,
        method="z",
        candidate_groups=["settlement_type", "state"],
    )
    assert values["place_key"] == "16077000"
    assert values["method"] == "z"
    assert values["candidate_groups"] == ["settlement_type", "state"]
    wb = openpyxl.load_workbook(artifacts / "regional_candidates.xlsx")
    assert wb.sheetnames == ["Candidates", "Selection rule", "Excluded", "Source"]
    states = {row[3] for row in wb["Candidates"].iter_rows(min_row=2, values_only=True)}
    assert states <= {"Thüringen"}


def test_notebook_is_saved_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == paths.KERNEL_NAME
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first_code.metadata.get("tags", [])
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
