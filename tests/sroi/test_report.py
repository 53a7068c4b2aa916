"""Tests of analysis.sroi.report: the report pieces of notebook 20, on the example centres."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import sensitivity
from analysis.formatting import md_text
from analysis.sroi import centre as sroi_centre
from analysis.sroi import engine as sroi
from analysis.sroi import partners as partners
from analysis.sroi import report as sroi_report

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
    assert de.iloc[0].tolist() == ["Menge", "1.200,00", "300,25", "gefunden"]
    assert sroi_report.tipping_table(tp.assign(base=0.035), "de").iloc[0, 1] == "0,035"
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
