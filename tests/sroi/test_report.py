"""Tests of analysis.sroi.report: the report pieces of notebooks 20 and 21 (texts, tables,
parameter labels, Sankey and its fallback), on the example centres and small maps."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from analysis import sensitivity
from analysis.formatting import md_text
from analysis.sensitivity_text import POSITION_REASON
from analysis.sroi import centre as sroi_centre
from analysis.sroi import engine as sroi
from analysis.sroi import partners
from analysis.sroi import report as sroi_report
from tests.sroi.fixtures import centre_data, exchange_data, input_row, make_map, outcome

matplotlib.use("Agg")

RAW = Path(__file__).resolve().parents[2] / "data" / "raw" / "sroi"


def test_centre_header_names_status_scenario_and_sourced_facts() -> None:
    imap = sroi_centre.load_centre("barmen", RAW)
    de = sroi_report.centre_header(imap, "conservative", "de")
    assert de.startswith(f"## {md_text(imap.model.centre.name)}")
    assert "**Datenstatus: fiktiv.**" in de and "**Szenario:** conservative" in de
    assert "### Öffentliche Fakten" in de
    for fact in imap.model.centre.facts:  # every public fact with its source
        assert f"- {md_text(fact.fact)} *({md_text(fact.source)})*" in de
    assert "**Data status: fictional.**" in sroi_report.centre_header(imap, "base", "en")


def test_tipping_table_localised() -> None:
    tp = pd.DataFrame(
        {
            "label": ["Menge", "Proxy"],
            "base": [1200.0, 3.5],
            "tipping_value": [300.25, float("nan")],
            "status": [sensitivity.FOUND, sensitivity.NONE_IN_RANGE],
        }
    )
    de = sroi_report.tipping_table(tp, "de")
    assert de.columns.tolist() == ["Annahme", "Basiswert", "Wert bei Quote 1 : 1", "Ergebnis"]
    assert de.iloc[0].tolist() == ["Menge", "1.200", "300,25", "gefunden"]
    assert sroi_report.tipping_table(tp.assign(base=0.5), "de").iloc[0, 1] == "0,500"
    rates = tp.assign(parameter=["discount_rate", "outcomes.x.deadweight"], base=[0.035, 0.2])
    shown = sroi_report.tipping_table(rates.assign(tipping_value=[0.898, 0.5]), "de")
    assert shown.iloc[:, 1].tolist() == ["3,5\xa0%", "20,0\xa0%"]
    assert shown.iloc[0, 2] == "89,8\xa0%"
    assert de.iloc[1, 3] == "nicht im Bereich"
    assert sroi_report.tipping_table(tp, "en").iloc[1, 3] == "none in range"


def test_exchange_table_in_euros() -> None:
    res = sroi.evaluate(sroi_centre.load_centre("fictional_quarter", RAW))
    ex = partners.value_exchange(res)
    tab = sroi_report.exchange_table(ex, "de")
    assert tab.columns[0] == "Stakeholder" and len(tab) == len(ex)
    assert all(v.endswith("\u00a0€") for v in tab.iloc[:, 1])
    assert "1,234.00" not in " ".join(tab.iloc[:, 1])  # German grouping


def test_comparison_tables_name_every_centre_and_scenario() -> None:
    cmp = sroi.compare_centres(RAW)
    tab = sroi_report.comparison_table(cmp, "de")
    assert tab.columns[:3].tolist() == ["Zentrum", "Szenario", "SROI-Quote"]
    assert len(tab) == len(cmp) and tab["SROI-Quote"].str.contains(r"^\d+,\d\d\s:\s1$").all()
    hc = sroi_report.housing_company_comparison(RAW, "de")
    assert len(hc) == len(sroi_centre.centre_files(RAW))
    quarter = hc[hc["Zentrum"].str.contains("Lindenhof")].iloc[0]
    assert quarter["Einsatz Wohnungsunternehmen"] != "0\u00a0€"  # the quarter has a partner


def test_data_status_note_lists_the_fictional_centres() -> None:
    cmp = pd.DataFrame(
        {"centre": ["A <b>", "B", "C"], "status": ["fictional", "real", "synthetic"]}
    )
    note = sroi_report.data_status_note(cmp, "de")
    assert note.startswith("**Hinweis:**") and "A &lt;b&gt;" in note and "B" not in note
    assert sroi_report.data_status_note(cmp.assign(status="real"), "de") == ""


def test_summary_and_monte_carlo_texts_localised() -> None:
    # 10 × 100 € = 1,000 € impact in year 1 at 0 % against 400 € of inputs: ratio 2.5.
    imap = make_map(centre_data(inputs=[input_row(value=400)]))
    res = sroi.evaluate(imap)
    de = sroi_report.summary_text(res, "de")
    assert "SROI-Quote von **2,50\u00a0:\u00a01**" in de and "**1.000\u00a0€**" in de
    assert "Amortisation nach der Formel des Guide: 4,8 Monate" in de
    assert "an SROI ratio of **2.50\u00a0:\u00a01**" in sroi_report.summary_text(res, "en")
    mc = sensitivity.monte_carlo(
        sroi.model_function(imap), sroi.model_parameters(imap), draws=10, seed=3
    )
    assert "Startwert 3" in sroi_report.monte_carlo_text(mc, "de")
    assert "above 1 : 1: 100.00" in sroi_report.monte_carlo_text(mc, "en")


def test_result_tables_localised() -> None:
    res = sroi.evaluate(make_map(exchange_data()))
    outcomes = sroi_report.result_table(res, "outcomes", "de")
    assert outcomes.columns[:2].tolist() == ["Stakeholder", "Wirkung"]
    assert outcomes["Barwert (€)"].tolist() == ["1.000", "500"]
    assert outcomes["Deadweight"].iloc[0] == "0\u00a0%"
    inputs = sroi_report.result_table(res, "inputs", "en")
    assert inputs["In kind"].tolist() == ["no", "yes"] and "Value per year (€)" in inputs
    assert sroi_report.result_table(res, "inputs", "de")["Sachleistung"].iloc[1] == "ja"
    shares = sroi_report.result_table(res, "stakeholders", "de")["Anteil"]
    assert sorted(shares) == ["33,3\u00a0%", "66,7\u00a0%"]
    with pytest.raises(ValueError, match="which must be"):
        sroi_report.result_table(res, "years")


def test_labelled_parameters_keep_the_engine_parameters() -> None:
    imap = make_map(centre_data(outcomes=[outcome(), outcome("o2")]))
    bare = sroi.model_parameters(imap)
    assert all(p.label is None for p in bare)  # the engine carries no wording
    de = sroi_report.labelled_parameters(imap, "de")
    en = {p.name: p.label for p in sroi_report.labelled_parameters(imap, "en")}
    assert [(p.name, p.base, p.bounds) for p in de] == [(p.name, p.base, p.bounds) for p in bare]
    labels = {p.name: p.label for p in de}
    assert labels["discount_rate"] == "Diskontsatz" and en["discount_rate"] == "discount rate"
    assert labels["outcomes.o2.drop_off"] == "outcome o2: Wirkungsrückgang"
    assert en["outcomes.o1.proxy"] == "outcome o1: financial proxy"
    assert labels["inputs.i1.value"] == "input i1: Betrag"


def test_flows_balance_through_the_centre() -> None:
    r = sroi.evaluate(make_map(exchange_data()))
    f = sroi_report.flows(r, "en")
    into = f.loc[f["target"] == "Centre", "value"].sum()
    out = f.loc[f["source"] == "Centre", "value"].sum()
    assert into == pytest.approx(r.total_investment) and out == pytest.approx(r.total_present_value)
    assert "Wohnungsgesellschaft (input)" in set(f["source"])
    assert "Wohnungsgesellschaft (value)" in set(f["target"])


def test_housing_company_table_and_text() -> None:
    imap = make_map(exchange_data())
    h = partners.housing_company_return(sroi.evaluate(imap), imap)
    assert len(sroi_report.housing_company_table(h, "de")) == 4
    assert sroi_report.housing_company_table(h, "en").columns[0] == "Item"
    shown = sroi_report.amount_table(sroi_report.housing_company_table(h, "de"), "de")
    assert shown["Betrag"].tolist() == ["600\u00a0€", "500\u00a0€", "1.000\u00a0€", "600\u00a0€"]
    assert "setzt 600\u00a0€ ein" in sroi_report.housing_company_text(h, "de")
    assert "no housing-company partner" in sroi_report.housing_company_text(None, "en")


def test_sankey_html_embeds_plotly_offline() -> None:
    r = sroi.evaluate(make_map(exchange_data()))
    fig = sroi_report.sankey_figure(r, "de")
    sank = fig.data[0]
    assert sum(sank.link.value) == pytest.approx(r.total_investment + r.total_present_value)
    html = sroi_report.sankey_html(fig)
    assert "Plotly" in html and len(html) > 1_000_000  # plotly.js inlined
    assert not re.findall(r"<script[^>]*\bsrc=", html)  # no external script (CDN)


def test_static_fallback_figure() -> None:
    r = sroi.evaluate(make_map(exchange_data()))
    fig = sroi_report.flows_figure(r, "de")
    ax = fig.axes[0]
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths[0] == pytest.approx(-600) and widths[-1] == pytest.approx(1000)
    matplotlib.pyplot.close(fig)


# ---------------------------------------------------------------------------------------
# The scenario's Monte Carlo: what the scenario did, and where the deterministic ratio sits
# ---------------------------------------------------------------------------------------

SHIPPED = [
    (centre, scenario)
    for centre, path in sroi_centre.centre_files(RAW).items()
    for scenario in sroi_centre.load_impact_map(path).scenarios
]


@pytest.mark.parametrize(("centre", "scenario"), SHIPPED)
def test_deterministic_ratio_inside_the_monte_carlo_or_the_report_says_why(
    centre: str, scenario: str
) -> None:
    """Issue 16: for every shipped centre × scenario the deterministic SROI ratio lies
    inside the scenario's Monte Carlo 5–95 % interval, unless the report says why not."""
    smap = sroi_centre.apply_scenario(sroi_centre.load_centre(centre, RAW), scenario)
    for lang in ("de", "en"):
        params = sroi_report.labelled_parameters(smap, lang)
        mc = sensitivity.monte_carlo(
            sroi.model_function(smap), params, draws=20_000, seed=1, progress=False
        )
        assert mc.deterministic == pytest.approx(sroi.evaluate(smap).ratio, rel=1e-12)
        text = sroi_report.monte_carlo_text(mc, lang, params)
        if mc.covers_deterministic():
            assert ("innerhalb ihres 5–95-%-Intervalls" if lang == "de" else "inside their") in text
        else:
            assert POSITION_REASON[lang] in text, text


def test_scenario_table_and_text_say_what_each_override_did() -> None:
    smap = sroi_centre.apply_scenario(sroi_centre.load_centre("barmen", RAW), "conservative")
    de = sroi_report.scenario_table(smap, "de")
    assert list(de.columns) == [
        "Annahme",
        "Basis (Bereich)",
        "Szenario",
        "Monte-Carlo-Bereich",
        "Regel",
    ]
    rate = de[de["Annahme"] == "Diskontsatz"].iloc[0]
    assert rate["Basis (Bereich)"] == "3,5\u00a0% (gleichverteilt 2,0\u00a0% – 5,0\u00a0%)"
    assert rate["Szenario"] == "5,0\u00a0%" and rate["Monte-Carlo-Bereich"] == "fest"
    assert rate["Regel"] == "Bereich entfällt: Wert fest"
    proxy = de[de["Annahme"].str.endswith("Finanzproxy")].iloc[0]
    assert proxy["Monte-Carlo-Bereich"] == "PERT 60 – 300"
    assert proxy["Regel"] == "Bereich mit dem Wert skaliert"
    quantity = de[de["Annahme"].str.endswith("Menge")].iloc[0]
    assert quantity["Monte-Carlo-Bereich"] == "Dreieck 187,5 – 375"  # 250–500 × 0.75
    en = sroi_report.scenario_table(smap, "en")
    assert "range shifted with the value" in set(en["Rule"])
    assert sroi_report.scenario_text(smap, "de") == (
        "Das Szenario conservative ändert 6 Annahmen; die Monte-Carlo-Simulation zieht um "
        "die Werte des Szenarios: 3 Bereiche mit dem Wert verschoben; 2 Bereiche mit dem "
        "Wert skaliert; 1 Bereich entfällt, der Wert bleibt fest."
    )
    assert "changes 6 figures" in sroi_report.scenario_text(smap, "en")
    base = sroi_centre.apply_scenario(smap, "base")
    assert sroi_report.scenario_table(base, "de").empty
    assert "ändert keine Annahme" in sroi_report.scenario_text(base, "de")


# --------------------------------------------------------------------------------------
# Evidence from the workshops
# --------------------------------------------------------------------------------------


def test_evidence_markdown_quotes_statements_and_flags_outcomes_without() -> None:
    from analysis.protocols.statements import statement_texts
    from analysis.sroi import centre as sroi_centre
    from analysis.sroi import report as sroi_report

    texts = statement_texts(Path(__file__).resolve().parents[2] / "data" / "raw" / "protocols")
    imap = sroi_centre.load_centre("barmen")
    de = sroi_report.evidence_markdown(imap, texts, "de")
    assert "„Sicherung, bzw. Wiederherstellung von Grund- und Nahversorgung“" in de
    assert de.count("Annahme ohne Beleg aus den Workshops") == 2  # jobs, public services
    assert "5 von 7 Wirkungen" in de and "A Guide to Social Return on Investment" in de
    en = sroi_report.evidence_markdown(imap, texts, "en")
    assert en.count("Assumption without evidence from the workshops") == 2
    missing = sroi_report.evidence_markdown(imap, {}, "de")
    assert "(Aussage nicht gefunden)" in missing


def test_evidence_use_table_labels() -> None:
    from analysis.pipeline.evidence import evidence_table
    from analysis.sroi import report as sroi_report

    table = sroi_report.evidence_use_table(evidence_table(), "de")
    assert list(table.columns) == [
        "Workshop",
        "Aussage",
        "Wortlaut",
        "Zentrum",
        "Stelle in der Wirkungskarte",
    ]
