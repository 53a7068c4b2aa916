"""Report pieces of the regional targeting: German/English tables, sentences, XLSX."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import openpyxl
import pandas as pd
import pytest

from analysis.regional import data as regional
from analysis.regional import index as regional_index
from analysis.regional import report as regional_report
from analysis.regional import targeting as regional_targeting
from analysis.regional.targeting import Candidates
from tests.regional.fixtures import default_index, loaded


@pytest.fixture(scope="module")
def data() -> regional.RegionalData:
    return loaded()


@pytest.fixture(scope="module")
def index(data) -> regional_index.IndexResult:
    return default_index()


def test_profile_table_is_formatted_in_german_and_english(data):
    prof = regional_targeting.profile(data, "05358024", ["p_markt", "st_einnkr"])
    de = regional_report.profile_table(prof, data, "de")
    assert de.loc[0, "Indikator"] == "Erreichbarkeit von Lebensmittelläden"
    assert de.loc[0, "Wert"] == "3,79"
    assert de.loc[1, "Wert"] == "1.394,00"
    assert de.loc[1, "Richtung"] == "höher = stärker"
    en = regional_report.profile_table(prof, data, "en")
    assert en.loc[1, "Value"] == "1,394.00"
    assert en.loc[0, "Indicator"] == "Access to grocery shops"
    district = regional_targeting.profile(data, "05358000", ["p_markt"])
    assert regional_report.profile_table(district, data, "en").loc[0, "Indicator"] == (
        "Access to grocery shops"
    )


def test_plot_profile_labels_indicators(data):
    prof = regional_targeting.profile(data, "05358024", ["p_markt", "st_einnkr"])
    ax = regional_report.plot_profile(prof, data, "en")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Access to grocery shops", "Tax revenue capacity"]
    assert ax.get_title() == "Jülich, Stadt: position in Germany"


def test_missing_reason_in_german_and_english():
    assert regional_report.missing_reason("coded", "-9999", False, "en") == (
        "coded -9999 in the source (missing)"
    )
    assert regional_report.missing_reason("older_status", None, False, "en") == (
        "no row in the older territorial status of this indicator"
    )
    german = regional_report.missing_reason("coded", "-9999", True, "de")
    assert german == "Kreiswert: in der Quelle als -9999 (fehlend) codiert"


def test_sentences(index):
    de = regional_report.place_sentence(index, "05358024", "de")
    rank = int(index.scores.loc["05358024", "rank"])
    assert de.startswith("**Jülich, Stadt** (Düren, Nordrhein-Westfalen; Städtischer Kreis)")
    assert f"Rang {rank:,}".replace(",", ".") in de
    en = regional_report.ranking_sentence(index, "en")
    assert en.startswith("Of 10,990 places, ")
    assert "at least 75% of the weight" in en


def test_missing_summary_in_german(index):
    table = regional_report.missing_summary(index, "de")
    assert list(table.columns) == ["Indikator", "Grund", "Orte", "davon gerankt"]
    row = table[table["Indikator"] == "p_markt"].iloc[0]
    assert row["Grund"] == "in der Quelle als -9999 (fehlend) codiert"
    assert row["Orte"] == "81"


def test_candidate_sentence_names_rule_and_filters(data, index):
    cands = regional_targeting.candidates(data, index, states=["16"], settlement_types=[4])
    text = regional_report.candidate_sentence(cands, data, ["16"], [4], lang="de")
    assert text.startswith(f"{len(cands.table)} Orte erfüllen die Auswahlregel")
    assert "6,56 Minuten" in text
    assert "(16; Dünn besiedelter ländlicher Kreis)" in text


def test_stability_sentence_and_plot(index):
    stab = regional_index.dirichlet_stability(index.z, index.weights, n_draws=5, seed=1)
    text = regional_report.stability_sentence(stab, "de")
    assert "Unter 5 zufälligen Gewichtungen" in text and "Seed 1)" in text
    ax = regional_report.plot_stability(stab, index, n=10, lang="de")
    assert len(ax.get_yticklabels()) == 10


def test_indicator_table_shows_weights_and_pages(data):
    w = regional_index.normalise_weights({"p_markt": 3, "wohn_leer": 1}, ["p_markt", "wohn_leer"])
    table = regional_report.indicator_table(data, w, "de")
    assert table["Gewicht"].tolist() == ["75,0\xa0%", "25,0\xa0%"]
    assert table["Seite (PDF)"].tolist() == [22, 10]
    assert isinstance(table, pd.DataFrame)


def test_candidates_xlsx_is_export_safe(data, index, tmp_path):
    cands = regional_targeting.candidates(data, index, states=["16"])
    table = cands.table.copy()
    first = table.index[0]
    table.loc[first, "name"] = '=HYPERLINK("http://example.invalid","x")'
    path = regional_report.candidates_xlsx(
        Candidates(table, cands.thresholds), data, tmp_path / "kandidaten.xlsx"
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Kandidaten", "Auswahlregel", "Quelle"]
    ws = wb["Kandidaten"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Gebietsschlüssel", "Name", "Kreis"]
    assert ws.cell(row=2, column=2).value.startswith("'=HYPERLINK")
    assert ws.cell(row=2, column=1).value == first  # key stays text with its leading zero
    for row in wb["Kandidaten"].iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    assert "Deutschlandatlas" in wb["Quelle"].cell(row=2, column=1).value
