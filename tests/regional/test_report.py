"""Report pieces of the regional targeting: German/English tables and sentences."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

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
    de = regional_report.profile_table(prof, "de")
    assert de.loc[0, "Wert"] == "3,79"
    assert de.loc[1, "Wert"] == "1.394,00"
    assert de.loc[1, "Richtung"] == "höher = stärker"
    en = regional_report.profile_table(
        regional_targeting.profile(data, "05358024", ["p_markt", "st_einnkr"], lang="en"), "en"
    )
    assert en.loc[1, "Value"] == "1,394.00"
    assert en.loc[0, "Indicator"] == "Access to grocery shops"


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
