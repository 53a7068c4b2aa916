"""Tests of analysis.business.report.blended: the partners' names, the tables, chart and
sentences of the blended return and of the comparison of centres."""

from __future__ import annotations

from pathlib import Path

import matplotlib

from analysis.business import blended
from analysis.business import centre as business_centre
from analysis.business.report import blended as blended_report
from analysis.sroi.schema import STAKEHOLDER_GROUPS
from tests.business.fixtures import make_case, partnership_data

matplotlib.use("Agg")

RAW = Path(__file__).resolve().parents[3] / "data" / "raw" / "sroi"


def test_every_stakeholder_group_has_a_partner_name() -> None:
    for lang in ("de", "en"):
        assert set(blended_report.GROUP_LABELS[lang]) == set(STAKEHOLDER_GROUPS)
    assert blended_report.partner_names(["housing_company", "funders"], "de") == [
        "Wohnungsunternehmen",
        "Förderer",
    ]


def test_housing_company_headline() -> None:
    br = blended.blended_return(make_case(partnership_data()))
    text = blended_report.headline_text(br, "de")
    assert "Gesamtrendite des Wohnungsunternehmens" in text and "€" in text
    assert "full return" in blended_report.headline_text(br, "en")


def test_headline_without_housing_company() -> None:
    br = blended.blended_return(business_centre.load_centre_case("barmen", folder=RAW))
    assert "kein Wohnungsunternehmen" in blended_report.headline_text(br, "de")
    assert "no housing-company partner" in blended_report.headline_text(br, "en")


def test_quarter_tables_figure_and_basis() -> None:
    case = business_centre.load_centre_case("fictional_quarter", folder=RAW)
    br = blended.blended_return(case)
    frame = blended_report.report_frame(br, "de")
    assert frame.columns[0] == "Partner" and "Gesamtrendite (€)" in frame.columns
    assert "Wohnungsunternehmen" in set(frame["Partner"]) and len(frame) == len(br.table)
    kinds = blended_report.kinds_frame(br, "en")
    assert "rent reduction (rent given up)" in kinds.columns
    assert "Kapitalkosten" in blended_report.basis_text(br, "de")
    fig = blended_report.blended_figure(br, "de")
    assert "Geld und sozialer Wert" in fig.axes[0].get_title()


def test_comparison_figure_and_text() -> None:
    cmp = blended.compare_centres(RAW)
    base = cmp[cmp["scenario"] == "base"]
    paid = int((base["npv"] >= 0).sum())
    assert f"{paid} von 3 Zentren" in blended_report.comparison_text(cmp, "de")
    assert "SROI ratio above 1 : 1" in blended_report.comparison_text(cmp, "en")
    fig = blended_report.comparison_figure(cmp, "de")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "SROI-Quote" and len(ax.get_legend().get_texts()) == 3


def test_comparison_table_localised() -> None:
    cmp = blended.compare_centres(RAW)
    tab = blended_report.comparison_table(cmp, "de")
    assert tab.columns[:3].tolist() == ["Zentrum", "Szenario", "Kapitalwert"]
    assert tab["Kapitalwert"].str.endswith("\u00a0€").all() and len(tab) == len(cmp)
    assert blended_report.comparison_table(cmp, "en").columns[2] == "NPV"
