"""Report sentences and tables of the generic sensitivity analysis (German or English).

The counterpart of :mod:`analysis.plots`'s tornado and histogram for text: where a
deterministic result sits among the draws of a Monte Carlo
(:class:`analysis.sensitivity.MonteCarloResult`), and what a scenario did to the
uncertainty ranges of the figures it changes (the range rules of
:class:`analysis.sroi.schema.OverrideSchema`: shift, scale, drop, a new range). The SROI
and the business report both word their Monte Carlo and their scenarios with these, so
one rule reads the same in both; the engines stay free of sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import pandas as pd

from analysis.formatting import fmt_number, md_text
from analysis.i18n import DEFAULT_LANGUAGE, report_language
from analysis.sensitivity import (
    CENTRAL,
    DISTRIBUTION_NAMES,
    MonteCarloResult,
    Parameter,
    edge_parameters,
)


class RangeChange(Protocol):
    """What a scenario did to one figure (as :class:`analysis.sroi.centre.FigureChange`)."""

    path: str
    rule: str  # shift, scale, drop, new, point
    stated: bool
    base: float
    value: float
    base_range: tuple[float, float] | None
    base_distribution: str | None
    range: tuple[float, float] | None
    distribution: str | None


def _de(lang: str) -> bool:
    return report_language(lang) == "de"


POSITION_REASON = {"de": "Grund:", "en": "Reason:"}
"""Starts the sentence that explains a deterministic figure outside the central interval."""


def position_text(
    mc: MonteCarloResult,
    lang: str = DEFAULT_LANGUAGE,
    shown: str | None = None,
    params: Sequence[Parameter] | None = None,
) -> str:
    """Where the deterministic result (``shown`` as formatted) sits among the Monte Carlo
    draws: its quantile rank, inside or outside the 5–95 % interval, and — outside — why:
    the figures whose most likely value lies at an end of its range
    (:func:`analysis.sensitivity.edge_parameters`), else the model's non-linearity.
    Shared by the SROI and the business report."""
    de = _de(lang)
    shown = shown if shown is not None else fmt_number(mc.deterministic, 2, lang)
    rank = fmt_number(100 * mc.deterministic_rank, 0, lang)
    if mc.covers_deterministic(CENTRAL):
        if de:
            return (
                f"Der deterministische Wert ({shown}) entspricht dem {rank}-%-Quantil der "
                "Ziehungen und liegt innerhalb ihres 5–95-%-Intervalls."
            )
        return (
            f"The deterministic value ({shown}) sits at the {rank} % quantile of the draws, "
            "inside their 5–95 % interval."
        )
    edge = edge_parameters(params or [])
    names = ", ".join(md_text(p.label or p.name) for p in edge)
    reason = POSITION_REASON["de" if de else "en"]
    if de:
        why = (
            f"Er rechnet mit den wahrscheinlichsten Werten, und bei {names} liegt der "
            "wahrscheinlichste Wert am Rand des Bereichs, sodass die Ziehungen überwiegend "
            "auf einer Seite liegen."
            if edge
            else "Das Modell ist in seinen unsicheren Annahmen nichtlinear (Quoten, "
            "Abzinsung), sodass das Ergebnis bei den wahrscheinlichsten Werten vom typischen "
            "Ergebnis der Ziehungen abweicht."
        )
        return (
            f"Der deterministische Wert ({shown}) entspricht dem {rank}-%-Quantil der "
            f"Ziehungen und liegt außerhalb ihres 5–95-%-Intervalls. {reason} {why}"
        )
    why = (
        f"It is computed at the most likely values, and for {names} that value lies at an "
        "end of its range, so most draws fall on one side of it."
        if edge
        else "The model is non-linear in its uncertain figures (ratios, discounting), so "
        "the result at the most likely values differs from the typical draw."
    )
    return (
        f"The deterministic value ({shown}) sits at the {rank} % quantile of the draws, "
        f"outside their 5–95 % interval. {reason} {why}"
    )


RANGE_RULE_TEXT = {
    "de": {
        "shift": "Bereich mit dem Wert verschoben",
        "scale": "Bereich mit dem Wert skaliert",
        "drop": "Bereich entfällt: Wert fest",
        "new": "neuer Bereich",
        "point": "ohne Bereich: Wert fest",
        "default": " (Voreinstellung)",
        "fixed": "fest",
    },
    "en": {
        "shift": "range shifted with the value",
        "scale": "range scaled with the value",
        "drop": "range dropped: value held fixed",
        "new": "new range",
        "point": "no range: value fixed",
        "default": " (default)",
        "fixed": "fixed",
    },
}
"""How a scenario's override treats the figure's uncertainty range (see
:class:`analysis.sroi.schema.OverrideSchema`), in report words."""


def changes_table(
    changes: Sequence[RangeChange],
    label: Callable[[str], str],
    fmt: Callable[[str, float], str],
    lang: str = DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """What a scenario did to each figure it changes: base value and range, the
    scenario's value, the range the Monte Carlo draws from, and the rule. ``label(path)``
    and ``fmt(path, value)`` word and format a figure (the SROI and the business report
    pass their own); shared by both reports."""
    lg = "de" if _de(lang) else "en"
    t = RANGE_RULE_TEXT[lg]
    dists = DISTRIBUTION_NAMES[lg]

    def spread(c: RangeChange, rng: Any, dist: str | None) -> str:
        if rng is None:
            return t["fixed"]
        return f"{dists.get(dist or '', dist)} {fmt(c.path, rng[0])} – {fmt(c.path, rng[1])}"

    rows = [
        {
            "figure": label(c.path),
            "base": fmt(c.path, c.base)
            + (f" ({spread(c, c.base_range, c.base_distribution)})" if c.base_range else ""),
            "value": fmt(c.path, c.value),
            "monte_carlo": spread(c, c.range, c.distribution),
            "rule": t[c.rule] + ("" if c.stated or c.rule == "point" else t["default"]),
        }
        for c in changes
    ]
    heads = (
        ("Annahme", "Basis (Bereich)", "Szenario", "Monte-Carlo-Bereich", "Regel")
        if lg == "de"
        else ("Figure", "Base (range)", "Scenario", "Monte Carlo range", "Rule")
    )
    cols = ("figure", "base", "value", "monte_carlo", "rule")
    return pd.DataFrame(rows, columns=list(cols)).rename(
        columns=dict(zip(cols, heads, strict=True))
    )


def changes_text(
    changes: Sequence[RangeChange], scenario: str, lang: str = DEFAULT_LANGUAGE
) -> str:
    """One sentence on what ``scenario`` does to the figures and their uncertainty."""
    de = _de(lang)
    if not changes:
        if de:
            return (
                f"Das Szenario {md_text(scenario)} ändert keine Annahme: es gelten die "
                "Basiswerte mit ihren Bereichen."
            )
        return (
            f"Scenario {md_text(scenario)} changes no figure: the base values and their "
            "ranges apply."
        )
    counts = {r: sum(c.rule == r for c in changes) for r in RANGE_RULE_TEXT["en"]}
    n = len(changes)
    if de:
        words = {
            "shift": ("Bereich mit dem Wert verschoben", "Bereiche mit dem Wert verschoben"),
            "scale": ("Bereich mit dem Wert skaliert", "Bereiche mit dem Wert skaliert"),
            "new": ("neuer Bereich", "neue Bereiche"),
            "drop": (
                "Bereich entfällt, der Wert bleibt fest",
                "Bereiche entfallen, die Werte bleiben fest",
            ),
            "point": ("Annahme ohne Bereich", "Annahmen ohne Bereich"),
        }
        parts = [f"{counts[r]} {w[counts[r] != 1]}" for r, w in words.items() if counts[r]]
        return (
            f"Das Szenario {md_text(scenario)} ändert {n} {'Annahme' if n == 1 else 'Annahmen'}; "
            "die Monte-Carlo-Simulation zieht um die Werte des Szenarios: " + "; ".join(parts) + "."
        )
    words = {
        "shift": ("range shifted with the value", "ranges shifted with the value"),
        "scale": ("range scaled with the value", "ranges scaled with the value"),
        "new": ("new range", "new ranges"),
        "drop": ("range dropped, the value held fixed", "ranges dropped, the values held fixed"),
        "point": ("figure without a range", "figures without a range"),
    }
    parts = [f"{counts[r]} {w[counts[r] != 1]}" for r, w in words.items() if counts[r]]
    return (
        f"Scenario {md_text(scenario)} changes {n} {'figure' if n == 1 else 'figures'}; the "
        "Monte Carlo draws around the scenario's values: " + "; ".join(parts) + "."
    )


# -- labels of model parameters from data files ------------------------------------

FACTOR_LABELS = {
    "value": ("Betrag", "amount"),
    "hours": ("Stunden", "hours"),
    "wage": ("Stundenlohn", "hourly wage"),
    "shares": ("Anteile", "shares"),
    "share_price": ("Preis je Anteil", "price per share"),
    "staff_days": ("Personentage", "staff days"),
    "day_cost": ("Kosten je Tag", "cost per day"),
    "fte": ("Vollzeitstellen", "full-time equivalents"),
    "jobs": ("Stellen", "jobs"),
    "area": ("Fläche", "area"),
    "months": ("Monate", "months"),
    "price": ("Preis", "price"),
    "consumption": ("Verbrauch", "consumption"),
    "cost_per_fte": ("Kosten je Vollzeitstelle", "cost per full-time equivalent"),
    "cost_per_m2": ("Kosten je m²", "cost per m²"),
    "reduction_per_m2": ("Mietnachlass je m²", "rent reduction per m²"),
    "employer_factor": ("Arbeitgeberfaktor", "employer's factor"),
    "pay_per_month": ("Lohn je Monat", "pay per month"),
}
"""Labels of the valuation factors of inputs (German, English); others read as named."""

UNIT_WORDS_EN = {
    "Jahr": "year",
    "Monat": "month",
    "Monate": "months",
    "Tag": "day",
    "Tage": "days",
    "Anteile": "shares",
    "VZÄ": "FTE",
    "Faktor": "factor",
    "Stunden": "hours",
    "Stellen": "jobs",
    "Einw": "inh",
}
"""German words in the units of centre files, for English reports."""


def unit_text(unit: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A unit from a centre file in ``lang``: ``h/Jahr`` stays German, reads ``h/year``."""
    if lang != "en":
        return unit
    return re.sub(r"[A-Za-zÄÖÜäöü]+", lambda m: UNIT_WORDS_EN.get(m[0], m[0]), unit)


def factor_label(name: str, unit: str | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """``hours``, ``h/Jahr`` → ``Stunden (h/Jahr)`` in German, ``hours (h/year)`` in English;
    a unit that only repeats the name (``Anteile``) is left out."""
    i = 1 if lang == "en" else 0
    label = FACTOR_LABELS.get(name, (name.replace("_", " "),) * 2)[i]
    unit = unit_text(unit, lang) if unit else unit
    if not unit or unit.lower() == label.lower():
        return label
    return f"{label} ({unit})"
