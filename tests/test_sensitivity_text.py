"""Tests of analysis.sensitivity_text: the Monte Carlo position sentence and the wording of
a scenario's range rules, German and English."""

from __future__ import annotations

import numpy as np

from analysis import sensitivity as sens
from analysis.sensitivity_text import POSITION_REASON, changes_table, changes_text, position_text
from analysis.sroi.centre import FigureChange as Change


def _mc(deterministic: float) -> sens.MonteCarloResult:
    return sens.MonteCarloResult(np.arange(100.0), 1, 100, 0.0, deterministic, seconds=0.0)


def test_position_inside_the_central_interval() -> None:
    de = position_text(_mc(50.0), "de", "50,00")
    assert de == (
        "Der deterministische Wert (50,00) entspricht dem 50-%-Quantil der Ziehungen und "
        "liegt innerhalb ihres 5–95-%-Intervalls."
    )
    assert "sits at the 50 % quantile of the draws, inside" in position_text(_mc(50.0), "en")


def test_position_outside_says_why() -> None:
    skewed = [
        sens.Parameter("dw", 0.3, 0.0, 0.3, "triangular", label="Deadweight *A*"),
        sens.Parameter("rate", 0.05, 0.02, 0.05, "uniform", label="Rate"),
    ]
    de = position_text(_mc(99.5), "de", params=skewed)
    assert "99-%-Quantil" in de or "100-%-Quantil" in de
    assert "außerhalb ihres 5–95-%-Intervalls. Grund:" in de
    assert "bei Deadweight \\*A\\* liegt der wahrscheinlichste Wert am Rand" in de  # md-safe
    assert "Rate" not in de  # a uniform range has no most likely value
    en = position_text(_mc(1.0), "en", params=skewed)
    assert f"outside their 5–95 % interval. {POSITION_REASON['en']}" in en
    fallback = position_text(_mc(1.0), "en", params=[])
    assert "non-linear" in fallback and POSITION_REASON["en"] in fallback


def test_changes_table_and_text_word_every_rule() -> None:
    changes = [
        Change("a", "shift", False, 1, 2, (0, 2), "triangular", (1, 3), "triangular", ""),
        Change("b", "scale", True, 1, 2, (0.5, 2), "pert", (1, 4), "pert", ""),
        Change("c", "drop", True, 1, 2, (0, 2), "uniform", None, None, ""),
        Change("d", "new", True, 1, 2, None, None, (1, 5), "uniform", ""),
        Change("e", "point", False, 1, 2, None, None, None, None, ""),
    ]
    de = changes_table(changes, str.upper, lambda p, v: f"{v:g}", "de")
    assert list(de["Annahme"]) == ["A", "B", "C", "D", "E"]
    assert list(de["Regel"]) == [
        "Bereich mit dem Wert verschoben (Voreinstellung)",
        "Bereich mit dem Wert skaliert",
        "Bereich entfällt: Wert fest",
        "neuer Bereich",
        "ohne Bereich: Wert fest",
    ]
    assert list(de["Basis (Bereich)"])[:2] == ["1 (Dreieck 0 – 2)", "1 (PERT 0.5 – 2)"]
    assert list(de["Monte-Carlo-Bereich"]) == [
        "Dreieck 1 – 3",
        "PERT 1 – 4",
        "fest",
        "gleichverteilt 1 – 5",
        "fest",
    ]
    en = changes_table(changes, str.upper, lambda p, v: f"{v:g}", "en")
    assert en.loc[0, "Rule"] == "range shifted with the value (default)"
    assert changes_text(changes, "s", "de") == (
        "Das Szenario s ändert 5 Annahmen; die Monte-Carlo-Simulation zieht um die Werte des "
        "Szenarios: 1 Bereich mit dem Wert verschoben; 1 Bereich mit dem Wert skaliert; "
        "1 neuer Bereich; 1 Bereich entfällt, der Wert bleibt fest; 1 Annahme ohne Bereich."
    )
    assert changes_text(changes[:1], "s", "en") == (
        "Scenario s changes 1 figure; the Monte Carlo draws around the scenario's values: "
        "1 range shifted with the value."
    )
    assert "changes no figure" in changes_text([], "base", "en")


def test_factor_labels_in_the_report_language() -> None:
    from analysis.sensitivity_text import factor_label, unit_text

    assert factor_label("hours", "h/Jahr", "de") == "Stunden (h/Jahr)"
    assert factor_label("hours", "h/Jahr", "en") == "hours (h/year)"
    assert factor_label("shares", "Anteile", "de") == "Anteile"  # no repeated unit
    assert factor_label("odd_name", None, "en") == "odd name"
    assert unit_text("€/Monat", "en") == "€/month" and unit_text("€/Monat", "de") == "€/Monat"
