"""Tests of analysis.business.report.case: the business case's figure labels, tables, texts
and figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from analysis import sensitivity
from analysis.business import case as business
from analysis.business import centre as business_centre
from analysis.business.report import case as business_report
from analysis.sensitivity_text import POSITION_REASON
from analysis.sroi import centre as sroi_centre
from tests.business.fixtures import business_data, capital, factor, file_data, make_case
from tests.sroi.fixtures import fig

matplotlib.use("Agg")
RAW = Path(__file__).resolve().parents[3] / "data" / "raw" / "sroi"


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


def test_labelled_parameters_keep_the_engine_parameters() -> None:
    case = business_centre.load_centre_case("fictional_quarter", folder=RAW)
    bare = business.model_parameters(case)
    assert all(p.label is None for p in bare)  # the engine carries no wording
    de = business_report.labelled_parameters(case, "de")
    assert [(p.name, p.base, p.low, p.high, p.bounds) for p in de] == [
        (p.name, p.base, p.low, p.high, p.bounds) for p in bare
    ]
    labels = {p.name: p.label for p in de}
    en = {p.name: p.label for p in business_report.labelled_parameters(case, "en")}
    assert labels["business.discount_rate"] == "Diskontsatz (Kapitalkosten)"
    assert labels["business.premises.market_rent"] == "Ladenlokal: Marktmiete (€/m²/Monat)"
    assert en["business.premises.market_rent"] == "premises: market rent (€/m²/month)"
    assert labels["business.catchment.inhabitants"] == "Einzugsgebiet: Einwohner (Einw.)"
    assert labels["business.residual_value"] == "Restwert am Ende (€)"


def test_figure_labels_of_every_kind_of_row() -> None:
    section = business_data(
        costs=[
            {
                "id": "staff",
                "kind": "staff",
                "name": "Personal",
                "name_en": "Staff",
                "factors": [factor("hours", 1000, unit="h"), factor("wage", 15, unit="€/h")],
            },
            {
                "id": "energy",
                "kind": "energy",
                "name": "Energie",
                "factors": [factor("value", 900)],
            },
        ],
        start_capital=[capital("grant", "org", "grant", fig(500), "Zuschuss Land")],
        subsidies=[{"id": "sub", "partner": "org", "description": "Stadt", "amount": fig(50)}],
    )
    case = make_case(file_data(section))
    labels = {f.name: business_report.figure_label(f, "de") for f in business.figures(case)}
    units = {f.name: business_report.figure_unit(f, "en") for f in business.figures(case)}
    rng = case.model.ranges[0]
    assert labels[f"business.ranges.{rng.id}.capture_rate"] == f"{rng.name}: Abschöpfungsquote"
    assert labels["business.costs.staff.factors.wage"] == "Personal: Stundenlohn"
    assert labels["business.costs.energy.factors.value"] == "Energie"  # a single value
    assert units["business.costs.staff.factors.wage"] == "€/h"  # the file's own unit
    assert labels["business.start_capital.grant.amount"] == "Zuschuss Land: Betrag"
    assert labels["business.subsidies.sub.amount"] == "Stadt: Zuschuss je Jahr"
    assert units["business.subsidies.sub.amount"] == "€/year"
    inv = case.model.investment[0]
    assert labels[f"business.investment.{inv.id}.amount"] == f"Startinvestition: {inv.description}"
    table = business_report.assumptions_table(case, "en")
    ramp = table[table["Item"] == "first year: share of full revenue"].iloc[0]
    assert ramp["Basis"] == "Default: no ramp-up given: full revenue from year 1"
    assert business_report.costs_table(business.evaluate(case), "en").iloc[0, 0] == (
        "Rent of the premises"
    )


SHIPPED = [
    (centre, scenario)
    for centre, path in sroi_centre.centre_files(RAW).items()
    for scenario in sroi_centre.load_impact_map(path).scenarios
]


@pytest.mark.parametrize(("centre", "scenario"), SHIPPED)
def test_deterministic_npv_inside_the_monte_carlo_or_the_report_says_why(
    centre: str, scenario: str
) -> None:
    """Issue 16: for every shipped centre × scenario the deterministic NPV lies inside the
    scenario's Monte Carlo 5–95 % interval, unless the report says why not (the same
    range rules as the SROI's)."""
    case = business_centre.load_centre_case(centre, scenario, folder=RAW)
    params = business_report.labelled_parameters(case, "de")
    mc = sensitivity.monte_carlo(
        business.model_function(case, "npv"),
        params,
        draws=20_000,
        seed=1,
        threshold=0.0,
        progress=False,
    )
    assert mc.deterministic == pytest.approx(business.evaluate(case).npv, rel=1e-9)
    text = business_report.monte_carlo_text(mc, "de", params)
    if mc.covers_deterministic():
        assert "innerhalb ihres 5–95-%-Intervalls" in text
    else:
        assert POSITION_REASON["de"] in text, text


def test_scenario_table_of_the_business_figures() -> None:
    case = business_centre.load_centre_case("barmen", "conservative", folder=RAW)
    de = business_report.scenario_table(case, "de")
    assert len(de) == 3 and set(de["Regel"]) == {
        "Bereich mit dem Wert verschoben",
        "Bereich mit dem Wert skaliert",
    }
    cap = de[de["Annahme"].str.endswith("Abschöpfungsquote")].iloc[0]
    assert cap["Basis (Bereich)"] == "16,0\u00a0% (Dreieck 10,0\u00a0% – 22,0\u00a0%)"
    assert cap["Szenario"] == "13,0\u00a0%" and cap["Monte-Carlo-Bereich"].startswith("Dreieck 7,0")
    en = business_report.scenario_table(case, "en")
    assert list(en.columns)[-1] == "Rule"
    assert "changes 3 figures" in business_report.scenario_text(case, "en")
    base = business_centre.load_centre_case("barmen", "base", folder=RAW)
    assert business_report.scenario_table(base, "de").empty
