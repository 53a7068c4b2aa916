"""Tests of analysis.outcomes.report: tables, plain readings and the two figures."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from analysis.outcomes import did as o
from analysis.outcomes import report as r
from analysis.outcomes import survey
from analysis.outcomes.synthetic import make_panel
from tests.outcomes.test_survey import GOOD
from tests.outcomes.test_survey import _write as write_answers

matplotlib.use("Agg")


def _fit():  # type: ignore[no-untyped-def]
    p = make_panel(400, range(1, 8), (3, 5), effect=-1.0, dynamics=-0.3, heterogeneity=0.5, seed=1)
    res = o.att_gt(p.data, "y")
    aggs = [o.aggregate(res, k) for k in ("simple", "dynamic", "group")]
    return res, aggs, o.twfe(p.data, "y"), o.event_study(p.data, "y", leads=3, lags=3)


def test_compare_table_german_numbers() -> None:
    _res, (s, d, g), tw, _es = _fit()
    tab = r.compare_table(tw, s, d, g, lang="de")
    assert tab.shape == (4, 5)
    assert tab.iloc[1, 1] == f"{s.overall:.3f}".replace(".", ",")  # German decimal comma
    assert tab.iloc[0, 1] == f"{tw.estimate:.3f}".replace(".", ",")
    assert tab.columns[0] == "Schätzer"


def test_reading_mentions_result_and_synthetic() -> None:
    res, (s, _d, _g), tw, es = _fit()
    de = r.reading("vacancy_rate", res, s, tw, es, 0.5, True, "de")
    assert "synthetische" in de and "Leerstandsquote" in de and "schließt null aus" in de
    assert "parallel" in de
    en = r.reading("vacancy_rate", res, s, tw, es, 0.01, False, "en")
    assert "synthetic" not in en and "read the effect with care" in en


def test_survey_reading() -> None:
    gap = pd.DataFrame(
        {
            "scale": ["resources", "communication"],
            "mean_social": [2.5, 3.0],
            "mean_housing": [3.4, 3.1],
            "difference": [-0.9, -0.1],
            "r_rank_biserial": [-0.48, -0.02],
            "p_holm": [0.001, 0.9],
        }
    )
    labels = {"resources": "Ressourcen", "communication": "Kommunikation"}
    text = r.survey_reading(gap, labels, False, "de")
    assert "„Ressourcen“ bewerten soziale Organisationen niedriger" in text
    assert "Kommunikation" not in text


def test_cohort_table_counts_areas_per_start() -> None:
    data = pd.DataFrame(
        {
            "unit": [1, 1, 2, 2, 3, 3, 4, 4],
            "period": [1, 2] * 4,
            "first_treated": [0, 0, 2, 2, 2, 2, 1, 1],
        }
    )
    de = r.cohort_table(data, "de")
    assert de.to_dict("list") == {"Beginn": ["nie", "1", "2"], "Gebiete": ["1", "1", "2"]}
    assert r.cohort_table(data, "en").columns.tolist() == ["Start", "Areas"]


def test_pretrend_table_matches_the_tests() -> None:
    res, (_s, d, _g), _tw, es = _fit()
    tab = r.pretrend_table(res, d, es, "de")
    assert tab.shape == (3, 4)
    assert tab.iloc[0, 3] == f"{res.pretrend_p:.3f}".replace(".", ",")
    assert tab.iloc[2, 2] == str(es.pretrend_df)
    _stat, _df, p = o.dynamic_pretrend(d)
    assert tab.iloc[1, 3] == f"{p:.3f}".replace(".", ",")


def test_survey_tables_german_headers_and_numbers() -> None:
    gap = pd.DataFrame(
        {
            "scale": ["resources"],
            "mean_social": [2.5],
            "mean_housing": [3.4],
            "difference": [-0.9],
            "r_rank_biserial": [-0.48],
            "u": [10.0],
            "p": [0.0004],
            "p_holm": [0.0028],
        }
    )
    tab = r.gap_table(gap, {"resources": "Ressourcen"}, "de")
    assert tab.iloc[0].tolist() == [
        "Ressourcen",
        "2,50",
        "3,40",
        "-0,90",
        "-0,48",
        "< 0,001",
        "0,003",
    ]
    rel = pd.DataFrame(
        {"scale": ["resources"], "items": [3], "n_complete": [1234], "alpha": [0.8123]}
    )
    rt = r.reliability_table(rel, {"resources": "Ressourcen"}, "de")
    assert rt.iloc[0].tolist() == ["Ressourcen", "3", "1.234", "0,81"]
    assert "Cronbach's α" in r.reliability_table(rel, {"resources": "R"}, "en").columns


def test_data_note_only_for_synthetic() -> None:
    assert r.data_note(False, "x", "de") == ""
    assert r.data_note(True, "erzeugt", "de") == (
        "**Synthetische Beispieldaten. Kommentar der Datei (wörtlich):** „erzeugt“"
    )


def test_plot_event_study_one_series_per_estimator() -> None:
    _res, (_s, d, _g), _tw, es = _fit()
    frame = o.event_study_frame(es, d)
    fig = r.plot_event_study(frame, "en", ylabel="vacancy rate (%)")
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["TWFE event study", "Callaway & Sant'Anna (robust)"]
    assert ax.get_xlabel() == "Years since the cooperation began"
    assert ax.get_ylabel() == "vacancy rate (%)"
    assert r.plot_event_study(frame).axes[0].get_ylabel() == "Effekt"


def test_plot_likert(tmp_path: Path) -> None:
    sv = survey.load_responses(write_answers(tmp_path, GOOD))
    fig = r.plot_likert(sv, lang="en")
    assert len(fig.axes[0].patches) == 2 * 5  # two items, five answer levels
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert sum(widths) == pytest.approx(2.0)  # shares of each item add up to 1
    # housing companies answered only eye_level_3 (eye_level_1 left empty)
    assert len(r.plot_likert(sv, side="housing_company").axes[0].patches) == 5


def test_method_note_names_estimator_and_dof_convention() -> None:
    p = make_panel(300, range(1, 7), (3, 5), covariate_trend=0.5, seed=3)
    res = o.att_gt(p.data, "y", covariates=["x"], method="ipw", control_group="notyet")
    de = r.method_note(res, o.twfe(p.data, "y"), "de")
    assert "inverse Wahrscheinlichkeitsgewichtung" in de and "Kovariaten: x" in de
    assert "noch nicht kooperierende Gebiete" in de
    assert "reghdfe-Konvention (Voreinstellung)" in de and "zählen nicht zu K" in de
    en = r.method_note(res, o.twfe(p.data, "y", dof="absorbed_in_k"), "en")
    assert "inverse probability weighting" in en and "statsmodels convention:" in en
    assert "(default)" not in en and "every fixed effect is counted in K" in en
    plain = r.method_note(o.att_gt(p.data, "y"), o.twfe(p.data, "y"), "en")
    assert "estimator: without covariates;" in plain and "covariates:" not in plain
    assert "areas never in a cooperation" in plain and "reghdfe convention (default)" in plain


def test_every_estimator_and_convention_has_labels() -> None:
    for method in (*o.METHODS, "unconditional"):
        assert set(r.METHOD_LABELS[method]) == {"de", "en"}
    for dof in o.DOF_CONVENTIONS:
        assert set(r.DOF_LABELS[dof]) == {"de", "en"} and set(r.DOF_NOTES[dof]) == {"de", "en"}


# -- how the panel was read ---------------------------------------------------------------


def test_data_section_says_a_panel_came_from_german_excel(tmp_path: Path) -> None:
    """Panel and units file saved by German Excel (``;``, decimal commas, cp1252): the
    data section names each file and its dialect; plain CSV files get no sentence."""
    from analysis.outcomes.panel import load_panel
    from tests.outcomes.test_panel import GOOD_ROWS, HEADER, UNITS, _german, _write

    plain = load_panel(_write(tmp_path, GOOD_ROWS))
    assert plain.units_path == tmp_path / "panel_units.csv"
    assert r.dialect_note(plain, "de") == r.dialect_note(plain, "en") == ""

    folder = tmp_path / "excel"
    folder.mkdir()
    panel_file = folder / "gebiete.csv"
    comment = "# SYNTHETIC Gebiete für Tests\n"  # an umlaut: not valid UTF-8 in cp1252
    panel_file.write_bytes(_german(comment + HEADER + "\n".join(GOOD_ROWS)).encode("cp1252"))
    units = UNITS.replace("Area B", "Gebiet Süd")
    (folder / "gebiete_units.csv").write_bytes(_german(units).encode("cp1252"))
    german = load_panel(panel_file)
    assert german.units_dialect == {"encoding": "cp1252", "separator": ";", "decimal": ","}
    de = r.dialect_note(german, "de")
    assert de == (
        "Die Datei gebiete.csv wurde als CSV aus deutschem Excel gelesen (Trennzeichen ;, "
        "Dezimalkomma, Kodierung Windows-1252 (cp1252)). Die Datei gebiete\\_units.csv "
        "wurde als CSV aus deutschem Excel gelesen (Trennzeichen ;, Dezimalkomma, "
        "Kodierung Windows-1252 (cp1252))."
    )
    en = r.dialect_note(german, "en")
    assert en.startswith(
        "The file gebiete.csv was read as a CSV file from German Excel (separator ;, "
        "decimal comma, encoding Windows-1252 (cp1252))."
    )
    # only the units file in German Excel's dialect: one sentence, for it
    (folder / "gebiete.csv").write_text(HEADER + "\n".join(GOOD_ROWS), encoding="utf-8")
    mixed = r.dialect_note(load_panel(panel_file), "de")
    assert mixed.startswith("Die Datei gebiete\\_units.csv") and mixed.count("Die Datei") == 1
    # a comma file in Windows-1252 is read too, and said so; a BOM alone is no news
    assert r.dialect_sentence(
        "x.csv", {"encoding": "cp1252", "separator": ",", "decimal": "."}, "en"
    ) == (
        "The file x.csv was read in a non-default CSV format "
        "(separator comma, decimal point, encoding Windows-1252 (cp1252))."
    )
    assert r.dialect_sentence("x.csv", {"encoding": "utf-8-sig", "separator": ","}, "de") == ""


def test_survey_note_says_synthetic_and_how_a_german_excel_file_was_read(tmp_path: Path) -> None:
    plain = survey.load_responses(write_answers(tmp_path, GOOD))
    note = r.survey_file_note(plain, tmp_path / "answers.csv", "de")
    lead = "**Synthetische Beispieldaten. Kommentar der Datei (wörtlich):**"
    assert note == f"{lead} „SYNTHETIC test“"
    german = tmp_path / "excel.csv"
    german.write_bytes(
        (tmp_path / "answers.csv").read_text(encoding="utf-8").replace(",", ";").encode("cp1252")
    )
    sv = survey.load_responses(german)
    de = r.survey_file_note(sv, german, "de")
    assert "Die Datei excel.csv wurde als CSV aus deutschem Excel gelesen" in de
    en = r.survey_file_note(sv, german, "en")
    assert "The file excel.csv was read as a CSV file from German Excel" in en
