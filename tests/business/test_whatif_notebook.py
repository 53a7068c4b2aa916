"""The what-if notebook under papermill (slow): the static report with its grid of
prepared what-ifs, in English, and the live panel built without a front end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis import results
from tests.notebook_helpers import run_notebook


@pytest.mark.slow
def test_static_report_in_english_has_the_grid(tmp_path: Path) -> None:
    nb = run_notebook(
        "50_what_if.ipynb",
        tmp_path / "out.ipynb",
        centre_id="fictional_quarter",
        scenario="base",
        live=False,
        language="en",
    )
    values = results.extract(nb)["values"]
    assert values["sroi_ratio"] > 0 and len(values["grid"]) == 9
    text = json.dumps(nb)
    assert "Prepared variants" in text and "SROI ratio" in text
    assert "application/vnd.jupyter.widget-view+json" not in text  # no sliders in a report


@pytest.mark.slow
def test_live_panel_builds_under_a_kernel(tmp_path: Path) -> None:
    nb = run_notebook(
        "50_what_if.ipynb",
        tmp_path / "out.ipynb",
        centre_id="barmen",
        scenario="conservative",
        live=True,
        language="de",
    )
    assert "application/vnd.jupyter.widget-view+json" in json.dumps(nb)
