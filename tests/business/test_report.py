"""Tests of analysis.business.report: the business case's tables, texts and figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from analysis import sensitivity
from analysis.business import case as business
from analysis.business import centre as business_centre
from analysis.business import report as business_report
from tests.business.fixtures import business_data, file_data, make_case
from tests.sroi.fixtures import fig

matplotlib.use("Agg")
RAW = Path(__file__).resolve().parents[2] / "data" / "raw" / "sroi"


def test_cash_running_out_is_said() -> None:
    data = file_data(
        business_data(investment=[{"id": "f", "description": "E", "amount": fig(12000)}])
    )
    r = business.evaluate(make_case(data))
    assert "wird in Jahr 0 negativ" in business_report.summary_text(r, "de")
    assert r.min_cash == pytest.approx(-2_000)


def test_report_tables_and_texts() -> None:
    case = business_centre.load_centre_case("fictional_quarter", folder=RAW)
    r = business.evaluate(case)
    a = business_report.assumptions_table(case, "de")
    assert len(a) == len(business.model_parameters(case))
    assert a["Grundlage"].str.len().min() > 0
    capture = a[a["Position"].str.contains("Abschöpfungsquote")].iloc[0]
    assert capture["Wert"] == "8,0\xa0%" and capture["Unsicherheit"].startswith("Dreieck")
    cf = business_report.cash_flow_table(r, "de")
    assert list(cf.columns)[:2] == ["Position", "Jahr 0"] and len(cf.columns) == 12
    assert "Zuschüsse" in set(cf["Position"]) and "Zinsen" not in set(cf["Position"])
    staff = cf.set_index("Position").loc["Personal", "Jahr 1"]
    assert staff.startswith("-") and "." in staff  # German thousands separator
    text = business_report.summary_text(r, "de")
    assert "Kapitalwert" in text and "€" in text
    assert "capture rate" in business_report.break_even_text(r, "en")
    assert "Mindest-Mietnachlass" in business_report.break_even_text(r, "de")
    assert business_report.region_text(case) is None
    barmen = business_centre.load_centre_case("barmen", folder=RAW)
    assert "05358024" in business_report.region_text(barmen, "de")
    assert len(business_report.sources_table(r, "en")) == len(case.model.ranges) + len(
        case.model.services
    )
    assert business_report.costs_table(r, "de").iloc[0, 0] == "Miete Ladenlokal"
    fig_ = business_report.cash_flow_figure(r, "de")
    assert fig_.axes[0].get_title() == "Zahlungsströme des Zentrums"


def test_monte_carlo_text() -> None:
    case = make_case(file_data())
    mc = sensitivity.monte_carlo(
        business.model_function(case), business.model_parameters(case), draws=10, threshold=0.0
    )
    assert "positiven Kapitalwerts: 100,0" in business_report.monte_carlo_text(mc, "de")
    assert "positive NPV" in business_report.monte_carlo_text(mc, "en")
