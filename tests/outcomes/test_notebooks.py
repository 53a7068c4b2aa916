"""The cooperation-outcome and survey notebooks run under papermill (slow).

The default outcome report and the survey are runs of pipeline.yaml
(``30_outcomes_vacancy_rate``, ``31_cooperation_survey``) and are read from the session's
shared pipeline run (``pipeline_reports``); the English report with a covariate, which
the manifest does not list, executes here."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.paths import ProjectPaths
from tests.notebook_helpers import pipeline_values, run_values

pytestmark = pytest.mark.slow


def _run(name: str, out: Path, monkeypatch, **parameters) -> dict:  # type: ignore[no-untyped-def]
    return run_values(name, out, **parameters)


def test_outcomes_notebook_default(pipeline_reports: ProjectPaths) -> None:
    v = pipeline_values(pipeline_reports, "30_outcomes_vacancy_rate")
    assert v["synthetic"] is True and v["n_units"] == 150
    # true simple ATT of the synthetic vacancy design: −1.622254 (example_panel_truth.csv)
    assert abs(v["att_simple"] - (-1.622254)) < 3 * v["att_simple_se"]
    assert v["twfe"] > v["att_simple"]  # TWFE biased towards zero in this design
    assert v["pretrend_p"] > 0.05
    assert v["estimator"] == "unconditional" and v["twfe_dof"] == "reghdfe"
    text = (pipeline_reports.reports / "30_outcomes_vacancy_rate.ipynb").read_text(encoding="utf-8")
    assert "synthetische Beispieldaten" in text
    assert "reghdfe-Konvention (Voreinstellung)" in text


def test_outcomes_notebook_covariates_english(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    v = _run(
        "30_cooperation_outcomes.ipynb",
        tmp_path / "out.ipynb",
        monkeypatch,
        outcome="tenant_turnover",
        estimator="reg",
        control_group="notyet",
        covariates=["share_65plus"],
        language="en",
    )
    assert v["outcome"] == "tenant_turnover"
    assert abs(v["att_simple"] - (-0.5)) < 3 * v["att_simple_se"]
    assert "synthetic example data" in (tmp_path / "out.ipynb").read_text(encoding="utf-8")


def test_outcomes_notebook_ipw_and_dof(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    v = _run(
        "30_cooperation_outcomes.ipynb",
        tmp_path / "out.ipynb",
        monkeypatch,
        estimator="ipw",
        covariates=["share_65plus"],
        dof="absorbed_in_k",
    )
    assert v["estimator"] == "ipw" and v["twfe_dof"] == "absorbed_in_k"
    # true simple ATT of the synthetic vacancy design: −1.622254 (example_panel_truth.csv)
    assert abs(v["att_simple"] - (-1.622254)) < 3 * v["att_simple_se"]
    text = (tmp_path / "out.ipynb").read_text(encoding="utf-8")
    assert "inverse Wahrscheinlichkeitsgewichtung" in text and "statsmodels-Konvention" in text


def test_survey_notebook(pipeline_reports: ProjectPaths) -> None:
    v = pipeline_values(pipeline_reports, "31_cooperation_survey")
    assert v["synthetic"] is True and v["respondents"] == 122
    assert all(a > 0.7 for a in v["alpha"].values())
    assert v["gap_p_holm"]["resources"] < 0.05 and v["gap_r"]["resources"] < 0
    assert 0 < v["pseudo_r2"] < 1
