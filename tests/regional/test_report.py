"""Report pieces of the regional targeting: German/English tables, sentences, XLSX."""

from __future__ import annotations

from dataclasses import replace

import matplotlib

matplotlib.use("Agg")

import openpyxl
import pandas as pd
import pytest

from analysis.regional import data as regional
from analysis.regional import index as regional_index
from analysis.regional import report as regional_report
from analysis.regional import targeting as regional_targeting
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
    assert en.startswith("Of 10,990 areas, 204 without inhabitants are excluded")
    assert "10,786 have an index value" in en and "0 remain unranked" in en
    assert "at least 75% of the weight" in en


def test_missing_summary_in_german(data):
    # With areas without inhabitants kept in (the old rule) p_markt has 81 coded values.
    index = regional_index.structural_weakness(data, exclude_uninhabited=False)
    table = regional_report.missing_summary(index, "de")
    assert list(table.columns) == ["Indikator", "Grund", "Orte", "davon gerankt"]
    row = table[table["Indikator"] == "p_markt"].iloc[0]
    assert row["Grund"] == "in der Quelle als -9999 (fehlend) codiert"
    assert row["Orte"] == "81"
    tax = table[table["Indikator"] == "st_einnkr"]
    assert "in der Quelle 0 – als Platzhalter gelesen (fehlend)" in set(tax["Grund"])
    # Under the default every missing value belonged to an uninhabited area.
    assert regional_report.missing_summary(default_index(), "de").empty


def test_candidate_sentence_names_rule_and_filters(data, index):
    cands = regional_targeting.candidates(data, index, states=["16"], settlement_types=[4])
    text = regional_report.candidate_sentence(cands, data, ["16"], [4], lang="de")
    assert text.startswith(f"{len(cands.table)} Orte erfüllen die Auswahlregel")
    assert "ihrer Vergleichsgruppe (Kreistyp)" in text
    assert "(16; Dünn besiedelter ländlicher Kreis)" in text
    assert f"{len(cands.excluded)} Gebiete ohne Einwohner" in text
    en = regional_report.candidate_sentence(
        regional_targeting.candidates(data, index, groups=["settlement_type", "state"]),
        data,
        lang="en",
    )
    assert "comparison group (settlement type × state)" in en
    th = regional_report.threshold_table(cands, data, "de")
    assert list(th.columns)[:2] == ["Kreistyp", "Erreichbarkeit von Lebensmittelläden (Minuten)"]
    assert th.iloc[3, 1] == "7,63"  # sparsely populated rural districts


def test_stability_sentence_and_plot(index):
    stab = regional_index.dirichlet_stability(index.normalised, index.weights, n_draws=5, seed=1)
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
        replace(cands, table=table), data, tmp_path / "kandidaten.xlsx", excluded=index.excluded
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Kandidaten", "Auswahlregel", "Ausgeschlossen", "Quelle"]
    assert wb["Ausgeschlossen"].max_row == 205
    assert wb["Ausgeschlossen"].cell(row=2, column=5).value.startswith("ohne Einwohner")
    ws = wb["Kandidaten"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Gebietsschlüssel", "Name", "Kreis"]
    assert ws.cell(row=2, column=2).value.startswith("'=HYPERLINK")
    assert ws.cell(row=2, column=1).value == first  # key stays text with its leading zero
    for row in wb["Kandidaten"].iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    assert "Deutschlandatlas" in wb["Quelle"].cell(row=2, column=1).value


def test_method_sentences_name_method_and_handbook(data, index):
    dist = regional_index.distribution(
        regional_index.published_values(data, ["p_markt", "st_einnkr"], index.excluded["key"])
    )
    de = regional_report.method_sentence(index, dist, "de")
    assert de.startswith("Normierung: **Perzentilränge**.")
    assert "(Schiefe 27)" in de and "(Schiefe 58)" in de and "Nardo et al. 2008" in de
    z = regional_index.structural_weakness(data, method="winsorised_z")
    en = regional_report.method_sentence(z, None, "en")
    assert en.startswith("Normalisation: **winsorised z-scores**.")
    assert "1% and 99% percentiles" in en
    assert regional_report.ranking_table(index, 3, "de").columns[-1] == "Index (Perzentil)"


def test_exclusion_and_island_tables(data, index):
    text = regional_report.exclusion_sentence(index, data, "de")
    assert text.startswith("204 Gebiete haben keine Einwohner")
    # Placeholder zeros: 2 of tax capacity + 16 of the employment rate.
    assert (
        "(18 Werte: Steuereinnahmekraft 0 in unbewohnten Gebieten, Beschäftigungsquote 0)" in text
    )
    table = regional_report.exclusion_table(index, lang="en")
    assert table.loc[0, "Places"] == "204"
    assert table.loc[0, "Rule"].startswith("no inhabitants")
    islands = regional_report.island_table(index, "de")
    assert len(islands) == 10
    helgoland = islands[islands["Name"] == "Helgoland"].iloc[0]
    assert helgoland["Quelle"] == "§ 50 StVO" and helgoland["Grundlage"].startswith("Gesetz")
    hooge = islands[islands["Name"] == "Hallig Hooge"].iloc[0]
    assert hooge["Grundlage"].startswith("Annahme der Werkbank")


def test_method_dependence_tables(data, index):
    sets = regional_index.weight_sets(regional_index.DEFAULT_INDICATORS)
    ranks = regional_index.method_rankings(data, regional_index.DEFAULT_INDICATORS, sets)
    overlap = regional_index.top_overlap(ranks, ("percentile", "chosen"))
    de = regional_report.method_overlap_table(overlap, "de")
    assert list(de.columns[:3]) == ["Methode", "Gewichtung", "Top 20 gemeinsam"]
    z_row = de[(de["Methode"] == "z-Werte") & (de["Gewichtung"] == "gewählt")].iloc[0]
    assert z_row["Top 20 gemeinsam"] == "4" and z_row["Top 100 gemeinsam"] == "43"
    text = regional_report.dependence_sentence(overlap, "percentile", ["z"], "en")
    assert "with z-scores, 4 of the 20 and 43 of the 100 weakest places" in text
    top = regional_report.method_top_table(ranks, index.scores, n=5, lang="en")
    assert list(top.columns) == ["Position", "percentile ranks", "winsorised z-scores", "z-scores"]
    assert top.loc[0, "z-scores"] == "Langeneß (Schleswig-Holstein) ⚓"
    assert not top["percentile ranks"].str.contains("⚓").any()
    shares = {"z": regional_index.variance_shares(index.normalised, index.weights)}
    vt = regional_report.variance_table(shares, data, "de")
    assert vt.loc[0, "Indikator"] == "Erreichbarkeit von Lebensmittelläden"


def test_candidates_by_state_and_place_sentence(data, index):
    groupings = {
        "type": regional_targeting.candidates(data, index),
        "germany": regional_targeting.candidates(data, index, groups=[]),
    }
    t = regional_report.candidates_by_state(groupings, "de")
    nrw = t[t["Land"] == "Nordrhein-Westfalen"].iloc[0]
    assert nrw["Kreistyp"] > 0 and nrw["Deutschland"] == 0
    text = regional_report.place_candidate_sentence(groupings["type"], data, "05358024", lang="de")
    assert text.startswith("**Jülich, Stadt** ist kein Kandidat: Pkw-Fahrzeit zum Supermarkt 3,79")
    assert "Schwelle der Vergleichsgruppe 5,11 Minuten" in text and "Barmen" in text
