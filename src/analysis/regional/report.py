"""Report pieces of the regional targeting: localised tables, figures, sentences, XLSX.

Turns the results of :mod:`analysis.regional.data`, :mod:`analysis.regional.index` and
:mod:`analysis.regional.targeting` into what notebook 40 shows and the planners' candidate
workbook, in German (default) or English, with numbers formatted by
:mod:`analysis.formatting`: indicator labels and units, the reasons of missing values,
the source attribution.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from analysis import plots
from analysis.formatting import fmt_number, fmt_percent, format_frame, md_text
from analysis.i18n import check_language
from analysis.regional import data as regional
from analysis.regional.data import CAR_FREE_ISLANDS, SETTLEMENT_TYPES, STATES, RegionalData
from analysis.regional.index import WINSOR_LIMITS, IndexResult, Stability
from analysis.regional.targeting import MIN_GROUP_SIZE, Candidates
from analysis.spreadsheets import write_xlsx

_COLS = {
    "rank": {"de": "Rang", "en": "Rank"},
    "key": {"de": "Schlüssel", "en": "Key"},
    "name": {"de": "Name", "en": "Name"},
    "district_name": {"de": "Kreis", "en": "District"},
    "state_name": {"de": "Land", "en": "State"},
    "settlement_type": {"de": "Kreistyp", "en": "Settlement type"},
    "index": {"de": "Index (z)", "en": "Index (z)"},
    "coverage": {"de": "Gewichtsanteil vorhanden", "en": "Weight coverage"},
    "label": {"de": "Indikator", "en": "Indicator"},
    "unit": {"de": "Einheit", "en": "Unit"},
    "value": {"de": "Wert", "en": "Value"},
    "median_settlement_type": {"de": "Median Kreistyp", "en": "Median settlement type"},
    "median_state": {"de": "Median Land", "en": "Median state"},
    "median_germany": {"de": "Median Deutschland", "en": "Median Germany"},
    "percentile_germany": {"de": "Perzentil (D)", "en": "Percentile (Germany)"},
    "direction": {"de": "Richtung", "en": "Direction"},
    "distance": {"de": "Abstand (z)", "en": "Distance (z)"},
    "set_a": {"de": "Gewichtung A", "en": "Weight set A"},
    "set_b": {"de": "Gewichtung B", "en": "Weight set B"},
    "n": {"de": "Orte", "en": "Places"},
    "spearman": {"de": "Spearman ρ", "en": "Spearman ρ"},
    "kendall": {"de": "Kendall τ", "en": "Kendall τ"},
    "top_n_retained": {"de": "Top-N gehalten", "en": "Top N retained"},
    "indicator": {"de": "Indikator", "en": "Indicator"},
    "reason": {"de": "Grund", "en": "Reason"},
    "places": {"de": "Orte", "en": "Places"},
    "ranked": {"de": "davon gerankt", "en": "of which ranked"},
    "note": {"de": "Hinweis", "en": "Note"},
    "rule": {"de": "Regel", "en": "Rule"},
    "examples": {"de": "Beispiele", "en": "Examples"},
    "basis": {"de": "Grundlage", "en": "Basis"},
    "source": {"de": "Quelle", "en": "Source"},
    "method": {"de": "Methode", "en": "Method"},
    "weights": {"de": "Gewichtung", "en": "Weights"},
    "shared_20": {"de": "Top 20 gemeinsam", "en": "Top 20 shared"},
    "shared_100": {"de": "Top 100 gemeinsam", "en": "Top 100 shared"},
    "jaccard_20": {"de": "Jaccard Top 20", "en": "Jaccard top 20"},
    "jaccard_100": {"de": "Jaccard Top 100", "en": "Jaccard top 100"},
    "position": {"de": "Platz", "en": "Position"},
    "skew": {"de": "Schiefe", "en": "Skewness"},
    "kurtosis": {"de": "Exzess-Kurtosis", "en": "Excess kurtosis"},
    "z_min": {"de": "kleinster z-Wert", "en": "Lowest z"},
    "z_max": {"de": "größter z-Wert", "en": "Highest z"},
    "n_clipped": {"de": "gekappte Werte", "en": "Values clipped"},
    "skew_winsorised": {"de": "Schiefe nach Kappung", "en": "Skewness after clipping"},
    "kurtosis_winsorised": {"de": "Kurtosis nach Kappung", "en": "Kurtosis after clipping"},
    "group": {"de": "Vergleichsgruppe", "en": "Comparison group"},
}

METHOD_NAMES: dict[str, dict[str, str]] = {
    "percentile": {"de": "Perzentilränge", "en": "percentile ranks"},
    "winsorised_z": {"de": "winsorisierte z-Werte", "en": "winsorised z-scores"},
    "z": {"de": "z-Werte", "en": "z-scores"},
}
"""Names of the normalisation methods of :mod:`analysis.regional.index`."""

INDEX_UNIT = {
    "percentile": {"de": "Index (Perzentil)", "en": "Index (percentile)"},
    "winsorised_z": {"de": "Index (wins. z)", "en": "Index (wins. z)"},
    "z": {"de": "Index (z)", "en": "Index (z)"},
}

EXCLUSION_RULES: dict[str, dict[str, str]] = {
    "uninhabited": {
        "de": (
            "ohne Einwohner: Bevölkerungsdichte und Bevölkerungsentwicklung in der Quelle "
            "als -9999 codiert (gemeindefreie Gebiete: Forste, Seen, unbewohnte Inseln)"
        ),
        "en": (
            "no inhabitants: population density and population change coded -9999 in the "
            "source (unincorporated areas: forests, lakes, uninhabited islands)"
        ),
    },
}

ISLAND_BASIS = {
    "law": {
        "de": "Gesetz: Kraftfahrzeugverkehr und Radfahren auf der Insel verboten",
        "en": "law: motor-vehicle traffic and cycling prohibited on the island",
    },
    "press": {
        "de": "Presseberichte: private Pkw nicht zugelassen (Rettungsfahrzeuge ausgenommen)",
        "en": "press reports: private cars not admitted (emergency vehicles excepted)",
    },
    "assumption": {
        "de": (
            "Annahme der Werkbank: Hallig ohne Straßenanbindung, Versorgung per Fähre "
            "(die Fahrzeit enthält die Überfahrt)"
        ),
        "en": (
            "workbench assumption: Hallig without a road link, supplied by ferry (the "
            "travel time includes the crossing)"
        ),
    },
}

_FLAG_NOTE = {
    "car_free_island": {
        "de": "autofreie Insel: Pkw-Fahrzeit beschreibt keinen Weg",
        "en": "car-free island: car travel time describes no trip",
    },
}

_DIRECTION = {
    "higher_is_weaker": {"de": "höher = schwächer", "en": "higher = weaker"},
    "higher_is_stronger": {"de": "höher = stärker", "en": "higher = stronger"},
}

_SET_NAMES = {
    "chosen": {"de": "gewählt", "en": "chosen"},
    "equal": {"de": "gleich", "en": "equal"},
    "without": {"de": "ohne", "en": "without"},
}

ATTRIBUTION = {
    "de": (
        "Quelle: Deutschlandatlas (BMWSB/Destatis), Stand 12.12.2024; Datenbasis je "
        "Indikator siehe Indikatorenübersicht. Siedlungsstrukturelle Kreistypen 2020: "
        "© BBSR Bonn 2020, dl-de/by-2-0. Auswertung: DORV-Werkbank."
    ),
    "en": (
        "Source: Deutschlandatlas (BMWSB/Destatis), as of 12 Dec 2024; data basis of each "
        "indicator: see the indicator overview. Settlement types 2020: © BBSR Bonn 2020, "
        "dl-de/by-2-0. Analysis: DORV workbench."
    ),
}

MISSING_REASONS: dict[str, dict[str, str]] = {
    "coded": {
        "de": "in der Quelle als {code} (fehlend) codiert",
        "en": "coded {code} in the source (missing)",
    },
    "older_status": {
        "de": "keine Zeile im älteren Gebietsstand dieses Indikators",
        "en": "no row in the older territorial status of this indicator",
    },
    "placeholder": {
        "de": "in der Quelle 0 – als Platzhalter gelesen (fehlend)",
        "en": "0 in the source, read as a placeholder (missing)",
    },
    "missing": {"de": "fehlt in der Quelle", "en": "missing in the source"},
    "no_municipal_value": {
        "de": "keine Gemeinde des Kreises hat einen Wert",
        "en": "no municipality of the district has a value",
    },
    "district": {"de": "Kreiswert: {reason}", "en": "district value: {reason}"},
}
"""Why a value is missing, in German and English (``cause`` of
:func:`analysis.regional.data.missing_table`)."""


def missing_reason(cause: str, code: str | None, via_district: bool, lang: str = "de") -> str:
    """The reason of one missing value in ``lang`` ("de" or "en")."""
    reason = MISSING_REASONS[cause][lang].format(code=code)
    return MISSING_REASONS["district"][lang].format(reason=reason) if via_district else reason


def _rename(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.rename(columns={c: _COLS[c][lang] for c in frame.columns if c in _COLS})


def _type_name(code: Any, lang: str) -> str | None:
    return SETTLEMENT_TYPES[int(code)][lang] if pd.notna(code) else None


def set_name(name: str, lang: str = "de") -> str:
    """Localised name of a weight set from :func:`regional_index.weight_sets`."""
    if name.startswith("without_"):
        return f"{_SET_NAMES['without'][lang]} {name.removeprefix('without_')}"
    return _SET_NAMES.get(name, {}).get(lang, name)


def index_label(method: str, lang: str = "de") -> str:
    """Column label of the index under ``method``."""
    return INDEX_UNIT[method][check_language(lang)]


def _notes(frame: pd.DataFrame, lang: str) -> list[str | None]:
    """The flag notes of each place (``car_free_island``), or None."""
    flags = frame["car_free_island"] if "car_free_island" in frame else [False] * len(frame)
    return [_FLAG_NOTE["car_free_island"][lang] if bool(f) else None for f in flags]


def ranking_table(result: IndexResult, n: int = 20, lang: str = "de") -> pd.DataFrame:
    """The ``n`` weakest places by the index, formatted, with flags as notes."""
    check_language(lang)
    top = result.scores.dropna(subset=["index"]).sort_values(["rank", "name"]).head(n)
    t = top.reset_index()[
        ["rank", "key", "name", "district_name", "state_name", "settlement_type", "index"]
    ]
    t["settlement_type"] = [_type_name(v, lang) for v in t["settlement_type"]]
    t["note"] = _notes(top, lang)
    if t["note"].isna().all():
        t = t.drop(columns="note")
    t = format_frame(
        t, {"index": "number:3" if result.method == "percentile" else "number:2"}, lang
    )
    return _rename(t, lang).rename(columns={_COLS["index"][lang]: index_label(result.method, lang)})


def _labels(data: RegionalData, codes: pd.Index, lang: str, field: str = "label") -> list[str]:
    """The indicators' labels (or units, ``field="unit"``) in ``lang``, from the codebook."""
    return data.indicators.loc[codes, f"{field}_{lang}"].tolist()


def profile_table(profile: pd.DataFrame, data: RegionalData, lang: str = "de") -> pd.DataFrame:
    """A place profile (see :func:`regional_targeting.profile`), labelled and formatted."""
    check_language(lang)
    t = profile.assign(
        label=_labels(data, profile.index, lang), unit=_labels(data, profile.index, lang, "unit")
    ).reset_index(drop=True)[
        [
            "label",
            "unit",
            "direction",
            "value",
            "median_settlement_type",
            "median_state",
            "median_germany",
            "percentile_germany",
        ]
    ]
    t["direction"] = [_DIRECTION[d][lang] for d in t["direction"]]
    fmt = {
        c: "number:2" for c in ("value", "median_settlement_type", "median_state", "median_germany")
    }
    fmt["percentile_germany"] = "percent:0"
    return _rename(format_frame(t, fmt, lang), lang)


def peer_table(peers: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """Nearest peers with their distance, formatted."""
    t = peers.reset_index()[["key", "name", "district_name", "state_name", "distance"]]
    return _rename(format_frame(t, {"distance": "number:2"}, lang), lang)


def agreement_table(agreement: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """Pairwise rank agreement, formatted."""
    t = agreement.copy()
    t["set_a"] = [set_name(s, lang) for s in t["set_a"]]
    t["set_b"] = [set_name(s, lang) for s in t["set_b"]]
    t = format_frame(
        t,
        {"n": "int", "spearman": "number:3", "kendall": "number:3", "top_n_retained": "percent:0"},
        lang,
    )
    return _rename(t, lang)


def missing_summary(result: IndexResult, lang: str = "de") -> pd.DataFrame:
    """Missing values per indicator and reason, with how many of those places are ranked."""
    m = result.missing
    if m.empty:
        return _rename(pd.DataFrame(columns=["indicator", "reason", "places", "ranked"]), lang)
    m = m.assign(
        reason=[
            missing_reason(c, s, v, lang)
            for c, s, v in zip(m["cause"], m["source_code"], m["via_district"], strict=True)
        ]
    )
    t = (
        m.groupby(["indicator", "reason"])
        .agg(places=("key", "size"), ranked=("ranked", "sum"))
        .reset_index()
    )
    return _rename(format_frame(t, {"places": "int", "ranked": "int"}, lang), lang)


def candidate_table(
    table: pd.DataFrame, data: RegionalData, n: int = 25, lang: str = "de", method: str = "z"
):
    """The first ``n`` candidates, formatted for the report (``method`` names the index)."""
    t = table.head(n).reset_index()
    value_cols = [c for c in t.columns if c in data.indicators.index]
    t = t[["rank", "key", "name", "district_name", "state_name", "index", *value_cols]].assign(
        note=_notes(table.head(n), lang)
    )
    if t["note"].isna().all():
        t = t.drop(columns="note")
    digits = "number:3" if method == "percentile" else "number:2"
    t = format_frame(t, {"index": digits, **{c: "number:2" for c in value_cols}}, lang)
    return (
        _rename(t, lang)
        .rename(columns={c: data.indicators.loc[c, f"label_{lang}"] for c in value_cols})
        .rename(columns={_COLS["index"][lang]: index_label(method, lang)})
    )


def plot_profile(profile: pd.DataFrame, data: RegionalData, lang: str = "de") -> Any:
    """Percentile of the place in Germany per indicator (0.5 = national median)."""
    check_language(lang)
    fig, ax = plt.subplots()
    labels = _labels(data, profile.index, lang)
    pct = profile["percentile_germany"].to_numpy()
    ax.barh(labels, pct)
    ax.axvline(0.5, color="grey", linestyle="--", linewidth=1)
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    plots.localise_axis(ax, "x", "percent", 0, lang)
    place = profile.attrs.get("name", "")
    ax.set_title(
        {"de": f"{place}: Lage im bundesweiten Vergleich", "en": f"{place}: position in Germany"}[
            lang
        ]
    )
    ax.set_xlabel(
        {
            "de": "Perzentil (Anteil der Orte mit niedrigerem Wert)",
            "en": "Percentile (share of places with a lower value)",
        }[lang]
    )
    fig.tight_layout()
    return ax


def plot_stability(stability: Stability, result: IndexResult, n: int = 20, lang: str = "de"):
    """Baseline rank and 5–95 % rank range under random weights for the ``n`` weakest."""
    check_language(lang)
    places = stability.places.join(result.scores[["name"]])
    top = places.dropna(subset=["rank"]).sort_values("rank").head(n)
    fig, ax = plt.subplots(figsize=(7.5, 0.3 * len(top) + 1.5))
    y = range(len(top))
    ax.hlines(y, top["rank_p05"], top["rank_p95"], color="tab:blue", linewidth=3, alpha=0.5)
    ax.plot(top["rank_median"], y, "o", color="tab:blue", label=_STAB["median"][lang])
    ax.plot(top["rank"].astype(float), y, "k|", markersize=12, label=_STAB["base"][lang])
    ax.set_yticks(list(y), top["name"].tolist())
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel(_STAB["xlabel"][lang])
    ax.set_title(_STAB["title"][lang].format(n=stability.n_draws))
    ax.legend(loc="lower right")
    fig.tight_layout()
    return ax


_STAB = {
    "median": {"de": "Median-Rang", "en": "median rank"},
    "base": {"de": "Rang (gewählte Gewichte)", "en": "rank (chosen weights)"},
    "xlabel": {
        "de": "Rang (logarithmisch; Balken: 5–95 % der Ziehungen)",
        "en": "Rank (log scale; bar: 5–95 % of draws)",
    },
    "title": {
        "de": "Rangstabilität unter {n} zufälligen Gewichtungen",
        "en": "Rank stability under {n} random weightings",
    },
}


def indicator_table(data: RegionalData, weights: pd.Series, lang: str = "de") -> pd.DataFrame:
    """The indicators in use: label, definition, unit, direction, weight and PDF page."""
    check_language(lang)
    ind = data.indicators.loc[list(weights.index)]
    t = pd.DataFrame(
        {
            _COLS["label"][lang]: ind[f"label_{lang}"],
            {"de": "Definition (Indikatorenübersicht)", "en": "Definition (overview)"}[lang]: ind[
                f"definition_{lang}"
            ],
            _COLS["unit"][lang]: ind[f"unit_{lang}"],
            {"de": "Ebene", "en": "Level"}[lang]: ind["level"].map(
                {
                    "gemeinde": {"de": "Gemeinde", "en": "municipality"}[lang],
                    "kreis": {"de": "Kreis", "en": "district"}[lang],
                }
            ),
            _COLS["direction"][lang]: [_DIRECTION[d][lang] for d in ind["direction"]],
            {"de": "Gewicht", "en": "Weight"}[lang]: [fmt_percent(w, 1, lang) for w in weights],
            {"de": "Seite (PDF)", "en": "Page (PDF)"}[lang]: ind["source_page"],
        }
    )
    t.index.name = _COLS["indicator"][lang]
    return t


_TEXT = {
    "ranking": {
        "de": (
            "Von {n_places} Gebieten sind {n_excluded} ohne Einwohner ausgeschlossen (siehe "
            "unten). Von den übrigen haben {n_ranked} einen Indexwert (ihre vorhandenen "
            "Indikatoren tragen mindestens {coverage} des Gewichts); {n_unranked} bleiben "
            "wegen fehlender Werte ohne Rang. Fehlende Werte werden nicht ersetzt: Die "
            "Gewichte werden über die vorhandenen Indikatoren neu normiert, jeder fehlende "
            "Wert ist unten mit Grund aufgeführt."
        ),
        "en": (
            "Of {n_places} areas, {n_excluded} without inhabitants are excluded (see below). "
            "Of the others, {n_ranked} have an index value (their available indicators carry "
            "at least {coverage} of the weight); {n_unranked} remain unranked for missing "
            "values. Missing values are not filled in: the weights are renormalised over the "
            "available indicators, and every missing value is listed below with its reason."
        ),
    },
    "no_missing": {
        "de": "Keiner der bewohnten Orte hat einen fehlenden Indikatorwert.",
        "en": "None of the inhabited places lacks an indicator value.",
    },
    "place": {
        "de": (
            "**{name}** ({district}, {state}; {type}) hat einen Indexwert von {index} und liegt "
            "auf Rang {rank} von {n_ranked} (höherer Index = stärkere Strukturschwäche)."
        ),
        "en": (
            "**{name}** ({district}, {state}; {type}) has an index of {index} and ranks "
            "{rank} of {n_ranked} (higher index = more structurally weak)."
        ),
    },
    "stability": {
        "de": (
            "Unter {n_draws} zufälligen Gewichtungen (gleichverteilt über alle Gewichtungen, "
            "Dirichlet(1, …, 1), Seed {seed}) beträgt Spearmans ρ mit der gewählten Rangfolge im "
            "Median {rho}; von den {top_n} strukturschwächsten Orten bleiben im Mittel {retained} "
            "unter den ersten {top_n}."
        ),
        "en": (
            "Under {n_draws} random weightings (uniform over all weightings, Dirichlet(1, …, 1), "
            "seed {seed}) the median Spearman ρ with the chosen ranking is {rho}; of the {top_n} "
            "weakest places, on average {retained} stay among the first {top_n}."
        ),
    },
    "candidates": {
        "de": (
            "{n} Orte erfüllen die Auswahlregel: {access} unter den oberen {share} ihrer "
            "Vergleichsgruppe ({groups}) und {pressure} unter den oberen {share}. Die "
            "Schwellen werden innerhalb der Vergleichsgruppe gebildet (bei weniger als {min} "
            "Einheiten in der nächstgröberen Gruppe), so dass auch Orte in Ländern mit großen "
            "Gemeinden erscheinen können. Sortiert nach dem Strukturschwäche-Rang{filters}. "
            "{n_excluded} Gebiete ohne Einwohner, die die Regel formal erfüllen, sind "
            "ausgeschlossen."
        ),
        "en": (
            "{n} places meet the selection rule: {access} in the top {share} of their "
            "comparison group ({groups}) and {pressure} in the top {share}. Thresholds are "
            "taken within the comparison group (in the next coarser group where it has fewer "
            "than {min} units), so that places in states with large municipalities can "
            "appear too. Sorted by structural-weakness rank{filters}. {n_excluded} areas "
            "without inhabitants that formally meet the rule are left out."
        ),
    },
    "method": {
        "de": (
            "Normierung: **{method}**. {why} Gewichtete Summe der ausgerichteten Werte "
            "(höher = strukturschwächer) nach dem OECD/JRC-Handbuch zur Konstruktion "
            "zusammengesetzter Indikatoren (Nardo et al. 2008, Teil I Schritt 5, Teil II "
            "Abschnitt 2)."
        ),
        "en": (
            "Normalisation: **{method}**. {why} Weighted sum of the oriented scores (higher "
            "= more structurally weak) following the OECD/JRC Handbook on Constructing "
            "Composite Indicators (Nardo et al. 2008, Part I step 5, Part II section 2)."
        ),
    },
    "method_percentile": {
        "de": (
            "Jeder Indikator wird in seinen Perzentilrang (0 bis 1, Bindungen teilen sich den "
            "mittleren Rang) umgerechnet. Das Verfahren ist gegen Ausreißer unempfindlich: "
            "Die Pkw-Fahrzeit zum Supermarkt (Schiefe {skew_access}) und die "
            "Steuereinnahmekraft (Schiefe {skew_tax}) haben extreme Einzelwerte, die mit "
            "z-Werten einige wenige Orte an die Spitze setzen."
        ),
        "en": (
            "Each indicator becomes its percentile rank (0 to 1, ties share the mean rank). "
            "The method is insensitive to outliers: car time to a supermarket (skewness "
            "{skew_access}) and tax capacity (skewness {skew_tax}) have extreme single values "
            "that, with z-scores, put a handful of places at the top."
        ),
    },
    "method_winsorised_z": {
        "de": (
            "Jeder Indikator wird am {low}- und {high}-Perzentil gekappt (winsorisiert) und "
            "dann z-standardisiert; so bleiben Abstände erhalten, Ausreißer wirken begrenzt."
        ),
        "en": (
            "Each indicator is clipped (winsorised) at its {low} and {high} percentiles and "
            "then standardised; distances are kept, outliers have a bounded effect."
        ),
    },
    "method_z": {
        "de": (
            "Jeder Indikator wird z-standardisiert, ohne Ausreißerbehandlung. Achtung: Extreme "
            "Einzelwerte (autofreie Inseln bei der Pkw-Fahrzeit) bestimmen dann die Spitze der "
            "Rangfolge."
        ),
        "en": (
            "Each indicator is standardised without outlier treatment. Caution: extreme single "
            "values (car-free islands in car travel time) then decide the top of the ranking."
        ),
    },
    "excluded": {
        "de": (
            "{n} Gebiete haben keine Einwohner und gehen weder in die Normierung noch in Rang "
            "oder Kandidatenliste ein (Regel und Beispiele in der Tabelle; die vollständige "
            "Liste steht im Excel-Blatt „Ausgeschlossen“). Nullwerte, die in der Quelle für "
            "„nicht vorhanden“ stehen ({placeholders} Werte: Steuereinnahmekraft 0 in "
            "unbewohnten Gebieten, Beschäftigungsquote 0), gelten als fehlend."
        ),
        "en": (
            "{n} areas have no inhabitants and take part neither in the normalisation nor in "
            "rank or candidate list (rule and examples in the table; the complete list is in "
            "the workbook sheet 'Excluded'). Zeros that stand for 'not available' in the "
            "source ({placeholders} values: tax capacity 0 in uninhabited areas, employment "
            "rate 0) count as missing."
        ),
    },
    "islands": {
        "de": (
            "{n} Gemeinden liegen auf Inseln ohne Autoverkehr; ihre Pkw-Fahrzeiten beschreiben "
            "keinen Weg der Bewohner (auf den Halligen und Helgoland über 100 Minuten, weil die "
            "Fährzeit mitgerechnet ist). Sie bleiben im Index und sind markiert; ihre Ränge:"
        ),
        "en": (
            "{n} municipalities lie on islands without car traffic; their car travel times "
            "describe no resident's trip (over 100 minutes on the Halligen and Helgoland, "
            "because the ferry is counted). They stay in the index and are flagged; their "
            "ranks:"
        ),
    },
    "dependence": {
        "de": (
            "Wie stark hängt die Spitze der Rangfolge von der Methode ab? Verglichen mit "
            "{reference} (gewählte Gewichte) sind {pairs} dieselben."
        ),
        "en": (
            "How much does the top of the ranking depend on the method? Compared with "
            "{reference} (chosen weights), {pairs} are the same."
        ),
    },
    "dependence_pair": {
        "de": "mit {other} {shared_20} der 20 und {shared_100} der 100 strukturschwächsten Orte",
        "en": "with {other}, {shared_20} of the 20 and {shared_100} of the 100 weakest places",
    },
    "place_candidate": {
        "de": (
            "**{name}** ist {status}: Pkw-Fahrzeit zum Supermarkt {value} Minuten "
            "(Schwelle der Vergleichsgruppe {threshold} Minuten). Die Daten liegen auf "
            "Gemeindeebene vor: Ein Dorf wie Barmen (Ortsteil von Jülich) hat keine eigenen "
            "Werte, seine Lage geht im Median der ganzen Stadt auf."
        ),
        "en": (
            "**{name}** is {status}: car time to a supermarket {value} minutes (threshold "
            "of its comparison group {threshold} minutes). The data are at municipality "
            "level: a village like Barmen (part of Jülich) has no values of its own, its "
            "situation is absorbed in the median of the whole town."
        ),
    },
}

_STATUS = {
    True: {"de": "Kandidat", "en": "a candidate"},
    False: {"de": "kein Kandidat", "en": "not a candidate"},
}

GROUP_NAMES = {
    "settlement_type": {"de": "Kreistyp", "en": "settlement type"},
    "state": {"de": "Land", "en": "state"},
    "none": {"de": "Deutschland", "en": "Germany"},
}


def sentence(key: str, lang: str = "de", **values: Any) -> str:
    """A report sentence in ``lang`` with ``values`` filled in (already formatted)."""
    return _TEXT[key][check_language(lang)].format(**values)


def _group_label(groups: tuple[str, ...] | list[str], lang: str) -> str:
    if not groups:
        return GROUP_NAMES["none"][lang]
    return " × ".join(GROUP_NAMES[g][lang] for g in groups)


def candidate_sentence(
    cands: Any,
    data: RegionalData,
    states: list[str] | None = None,
    settlement_types: list[int] | None = None,
    lang: str = "de",
) -> str:
    """The selection rule of :func:`regional_targeting.candidates` and its filters in words."""
    codes = [c for c in cands.thresholds.columns if c in data.indicators.index]
    named = [*(states or []), *(_type_name(t, lang) for t in settlement_types or [])]
    filters = f" ({'; '.join(named)})" if named else ""
    ind = data.indicators
    joiner = {"de": " oder ", "en": " or "}[lang]
    return sentence(
        "candidates",
        lang,
        n=fmt_number(len(cands.table), 0, lang),
        access=ind.loc[codes[0], f"label_{lang}"],
        share=fmt_percent(1 - cands.quantile, 0, lang),
        groups=_group_label(cands.groups, lang),
        min=MIN_GROUP_SIZE,
        pressure=joiner.join(ind.loc[c, f"label_{lang}"] for c in codes[1:]),
        filters=filters,
        n_excluded=fmt_number(len(cands.excluded), 0, lang),
    )


def threshold_table(cands: Candidates, data: RegionalData, lang: str = "de") -> pd.DataFrame:
    """The thresholds per comparison group: one row per group, one column per indicator
    (with unit); a threshold taken over a coarser group is marked with its basis."""
    check_language(lang)
    t = cands.thresholds
    codes = [c for c in t.columns if c in data.indicators.index]
    out = pd.DataFrame(index=t.index)
    groups = list(cands.groups)
    if "settlement_type" in groups:
        out[_COLS["settlement_type"][lang]] = [_type_name(v, lang) for v in t["settlement_type"]]
    if "state" in groups:
        out[_COLS["state_name"][lang]] = t["state"].map(STATES)
    for c in codes:
        meta = data.indicators.loc[c]
        name = f"{meta[f'label_{lang}']} ({meta[f'unit_{lang}'].split(' (')[0]})"
        basis = t[f"basis_{c}"].astype(int)
        coarser = {
            depth: _group_label(tuple(groups[:depth]), lang) for depth in range(len(groups) + 1)
        }
        out[name] = [
            fmt_number(v, 2, lang) + ("" if b == len(groups) else f" ({coarser[b]})")
            for v, b in zip(t[c], basis, strict=True)
        ]
    return out.reset_index(drop=True)


def candidates_by_state(by_grouping: dict[str, Candidates], lang: str = "de") -> pd.DataFrame:
    """Candidates per state under each grouping of the thresholds (columns: groupings)."""
    check_language(lang)
    cols = {}
    for _name, cands in by_grouping.items():
        label = _group_label(cands.groups, lang)
        cols[label] = cands.table.groupby("state").size()
    t = pd.DataFrame(cols).reindex(list(STATES)).fillna(0).astype(int)
    t.insert(0, _COLS["state_name"][lang], [STATES[k] for k in t.index])
    return t.reset_index(drop=True)


def place_candidate_sentence(
    cands: Candidates, data: RegionalData, key: str, access: str = "p_markt", lang: str = "de"
) -> str:
    """Whether the place is a candidate, its access time and its group's threshold."""
    level = regional.place_level(data, key)
    info = regional.places(data, level).loc[key]
    value = regional.values(data, [access], level).loc[key, access]
    t = cands.thresholds
    row = t
    for g in cands.groups:
        row = row[row[g] == info[g]]
    threshold = row[access].iloc[0] if len(row) else float("nan")
    return sentence(
        "place_candidate",
        lang,
        name=md_text(info["name"]),
        status=_STATUS[key in cands.table.index][lang],
        value=fmt_number(value, 2, lang),
        threshold=fmt_number(threshold, 2, lang),
    )


def method_sentence(result: IndexResult, dist: pd.DataFrame | None = None, lang: str = "de") -> str:
    """The normalisation method of ``result`` and why, in words (``dist``: the table of
    :func:`regional_index.distribution` for the skewness figures)."""
    check_language(lang)
    values: dict[str, str] = {}
    if result.method == "percentile":
        skew = dist["skew"] if dist is not None else pd.Series(dtype=float)
        values = {
            "skew_access": fmt_number(skew.get("p_markt", float("nan")), 0, lang),
            "skew_tax": fmt_number(skew.get("st_einnkr", float("nan")), 0, lang),
        }
    elif result.method == "winsorised_z":
        low, high = WINSOR_LIMITS
        values = {"low": fmt_percent(low, 0, lang), "high": fmt_percent(high, 0, lang)}
    why = sentence(f"method_{result.method}", lang, **values)
    return sentence("method", lang, method=METHOD_NAMES[result.method][lang], why=why)


def exclusion_sentence(result: IndexResult, data: RegionalData, lang: str = "de") -> str:
    """How many areas are excluded, and the placeholder rule, in words."""
    placeholders = int((data.sentinels["code"] == "0").sum())
    n = 0 if result.excluded is None else len(result.excluded)
    return sentence(
        "excluded",
        lang,
        n=fmt_number(n, 0, lang),
        placeholders=fmt_number(placeholders, 0, lang),
    )


def exclusion_table(result: IndexResult, n_examples: int = 6, lang: str = "de") -> pd.DataFrame:
    """Excluded areas per rule: count, states and a few example names."""
    check_language(lang)
    ex = result.excluded if result.excluded is not None else pd.DataFrame()
    rows = []
    if not ex.empty:
        for rule, part in ex.groupby("rule"):
            rows.append(
                {
                    "rule": EXCLUSION_RULES[str(rule)][lang],
                    "places": fmt_number(len(part), 0, lang),
                    "examples": ", ".join(part["name"].head(n_examples)) + ", …",
                }
            )
    return _rename(pd.DataFrame(rows, columns=["rule", "places", "examples"]), lang)


def island_table(result: IndexResult, lang: str = "de") -> pd.DataFrame:
    """The flagged car-free islands: name, basis and source of the flag, rank."""
    check_language(lang)
    s = result.scores
    keys = [k for k in CAR_FREE_ISLANDS if k in s.index]
    t = pd.DataFrame(
        {
            "key": keys,
            "name": [s.loc[k, "name"] for k in keys],
            "rank": [s.loc[k, "rank"] for k in keys],
            "basis": [ISLAND_BASIS[CAR_FREE_ISLANDS[k]["basis"]][lang] for k in keys],
            "source": [CAR_FREE_ISLANDS[k]["source"] for k in keys],
        }
    ).sort_values("rank")
    return _rename(format_frame(t, {"rank": "int"}, lang), lang)


def distribution_table(dist: pd.DataFrame, data: RegionalData, lang: str = "de") -> pd.DataFrame:
    """Skewness, kurtosis and z range per indicator, before and after winsorising."""
    check_language(lang)
    t = dist.copy()
    t.insert(0, "label", _labels(data, t.index, lang))
    t = t.reset_index(drop=True)
    fmt = {
        "n": "int",
        "n_clipped": "int",
        **{
            c: "number:1"
            for c in (
                "skew",
                "kurtosis",
                "z_min",
                "z_max",
                "skew_winsorised",
                "kurtosis_winsorised",
            )
        },
    }
    return _rename(format_frame(t, fmt, lang), lang)


def method_overlap_table(overlap: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """Overlap of the top 20 / top 100 of each (method, weight set) with the reference."""
    check_language(lang)
    t = overlap.copy()
    t.insert(0, "method", [METHOD_NAMES[m][lang] for m, _ in t["ranking"]])
    t.insert(1, "weights", [set_name(w, lang) for _, w in t["ranking"]])
    t = t.drop(columns="ranking")
    fmt = {c: "int" for c in t.columns if c.startswith("shared_")}
    fmt |= {c: "number:2" for c in t.columns if c.startswith("jaccard_")}
    fmt["spearman"] = "number:3"
    return _rename(format_frame(t, fmt, lang), lang)


def method_top_table(
    ranks: pd.DataFrame,
    scores: pd.DataFrame,
    weights: str = "chosen",
    n: int = 20,
    lang: str = "de",
) -> pd.DataFrame:
    """The ``n`` weakest places under each method side by side (``weights``: which set)."""
    check_language(lang)
    out = {_COLS["position"][lang]: list(range(1, n + 1))}
    for method, name in ranks.columns:
        if name != weights:
            continue
        r = ranks[(method, name)].dropna().sort_values(kind="stable").head(n)
        labels = [
            f"{scores.loc[k, 'name']} ({scores.loc[k, 'state_name']})"
            + (" ⚓" if bool(scores.loc[k, "car_free_island"]) else "")
            for k in r.index
        ]
        out[METHOD_NAMES[method][lang]] = labels + [None] * (n - len(labels))
    return pd.DataFrame(out)


def variance_table(
    shares: dict[str, pd.Series], data: RegionalData, lang: str = "de"
) -> pd.DataFrame:
    """Share of the index variance per indicator under each method (columns)."""
    check_language(lang)
    t = pd.DataFrame({METHOD_NAMES[m][lang]: v for m, v in shares.items()})
    formats = {c: "percent:1" for c in t.columns}
    t.insert(0, _COLS["label"][lang], _labels(data, t.index, lang))
    return format_frame(t.reset_index(drop=True), formats, lang)


def dependence_sentence(
    overlap: pd.DataFrame, reference: str, others: list[str], lang: str = "de"
) -> str:
    """The top-20/top-100 overlap of each method in ``others`` with ``reference`` (each
    with the chosen weights), in words."""
    check_language(lang)
    pairs = []
    for other in others:
        row = overlap[[r == (other, "chosen") for r in overlap["ranking"]]].iloc[0]
        pairs.append(
            sentence(
                "dependence_pair",
                lang,
                other=METHOD_NAMES[other][lang],
                shared_20=fmt_number(row["shared_20"], 0, lang),
                shared_100=fmt_number(row["shared_100"], 0, lang),
            )
        )
    joiner = {"de": "; ", "en": "; "}[lang]
    return sentence(
        "dependence", lang, reference=METHOD_NAMES[reference][lang], pairs=joiner.join(pairs)
    )


def ranking_sentence(result: IndexResult, lang: str = "de") -> str:
    """How many places are excluded and ranked, and the missing-value rule, in words."""
    n_ranked = int(result.scores["index"].notna().sum())
    excluded = result.scores["excluded"].fillna(False).astype(bool)
    n_excluded = int(excluded.sum())
    return sentence(
        "ranking",
        lang,
        n_places=fmt_number(len(result.scores), 0, lang),
        n_excluded=fmt_number(n_excluded, 0, lang),
        n_ranked=fmt_number(n_ranked, 0, lang),
        n_unranked=fmt_number(len(result.scores) - n_excluded - n_ranked, 0, lang),
        coverage=fmt_percent(result.min_coverage, 0, lang),
    )


def place_sentence(result: IndexResult, key: str, lang: str = "de") -> str:
    """The place's index and rank in words (``result`` of the place's level)."""
    row = result.scores.loc[key]
    return sentence(
        "place",
        lang,
        name=row["name"],
        district=row["district_name"],
        state=row["state_name"],
        type=_type_name(row["settlement_type"], lang),
        index=fmt_number(row["index"], 2, lang),
        rank=fmt_number(row["rank"], 0, lang) if pd.notna(row["rank"]) else "–",
        n_ranked=fmt_number(result.scores["index"].notna().sum(), 0, lang),
    )


def stability_sentence(stability: Stability, lang: str = "de") -> str:
    """Median Spearman's rho and mean top-N retention under random weights, in words."""
    return sentence(
        "stability",
        lang,
        n_draws=fmt_number(stability.n_draws, 0, lang),
        seed=stability.seed,
        top_n=stability.top_n,
        rho=fmt_number(stability.draws["spearman"].median(), 3, lang),
        retained=fmt_percent(stability.draws["top_n_retained"].mean(), 0, lang),
    )


# --------------------------------------------------------------------------------------
# Candidate workbook for planners (XLSX)
# --------------------------------------------------------------------------------------


_XLSX_COLUMNS = {
    "key": {"de": "Gebietsschlüssel", "en": "Key"},
    "name": {"de": "Name", "en": "Name"},
    "district_name": {"de": "Kreis", "en": "District"},
    "state_name": {"de": "Land", "en": "State"},
    "settlement_type": {"de": "Siedlungsstruktureller Kreistyp", "en": "Settlement type"},
    "rank": {"de": "Rang Strukturschwäche", "en": "Structural-weakness rank"},
    "index": {"de": "Strukturschwäche-Index (z)", "en": "Structural-weakness index (z)"},
    "coverage": {"de": "Gewichtsanteil vorhandener Indikatoren", "en": "Weight coverage"},
}


def candidate_sheet(cands: Candidates, data: RegionalData, lang: str = "de") -> pd.DataFrame:
    """The candidate table with localised column names, ready for a planner."""
    check_language(lang)
    t = cands.table.reset_index()
    t["settlement_type"] = [
        SETTLEMENT_TYPES[int(v)][lang] if pd.notna(v) else None for v in t["settlement_type"]
    ]
    t["note"] = _notes(cands.table, lang)
    value_cols = [c for c in cands.thresholds.columns if c in data.indicators.index]
    cols = [
        "key",
        "name",
        "district_name",
        "state_name",
        "settlement_type",
        "rank",
        "index",
        "coverage",
        *value_cols,
        "note",
    ]
    t = t[cols]
    names = {c: _XLSX_COLUMNS[c][lang] for c in cols if c in _XLSX_COLUMNS}
    names["note"] = _COLS["note"][lang]
    for c in value_cols:
        meta = data.indicators.loc[c]
        names[c] = f"{meta[f'label_{lang}']} ({meta[f'unit_{lang}']})"
    return t.rename(columns=names)


def excluded_sheet(excluded: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """Every excluded area with its rule, localised."""
    check_language(lang)
    t = excluded[["key", "name", "district_name", "state_name", "rule"]].copy()
    t["rule"] = [EXCLUSION_RULES[r][lang] for r in t["rule"]]
    return _rename(t, lang).rename(columns={_COLS["key"][lang]: _XLSX_COLUMNS["key"][lang]})


def candidates_xlsx(
    cands: Candidates,
    data: RegionalData,
    path: str | Path,
    lang: str = "de",
    excluded: pd.DataFrame | None = None,
) -> Path:
    """Write the candidates, their selection rule (thresholds per comparison group), the
    excluded areas (if given) and the source attribution to XLSX."""
    de = lang == "de"
    sheets = {
        ("Kandidaten" if de else "Candidates"): candidate_sheet(cands, data, lang),
        ("Auswahlregel" if de else "Selection rule"): threshold_table(cands, data, lang),
    }
    if excluded is not None:
        sheets["Ausgeschlossen" if de else "Excluded"] = excluded_sheet(excluded, lang)
    sheets["Quelle" if de else "Source"] = pd.DataFrame(
        {("Hinweis" if de else "Note"): [ATTRIBUTION[lang]]}
    )
    return write_xlsx(sheets, path)
