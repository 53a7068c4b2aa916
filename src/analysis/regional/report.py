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
from analysis.formatting import fmt_number, fmt_percent, format_frame
from analysis.i18n import check_language
from analysis.regional.data import SETTLEMENT_TYPES, RegionalData
from analysis.regional.index import IndexResult, Stability
from analysis.regional.targeting import Candidates
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


def ranking_table(result: IndexResult, n: int = 20, lang: str = "de") -> pd.DataFrame:
    """The ``n`` weakest places by the index, formatted."""
    check_language(lang)
    top = result.scores.dropna(subset=["index"]).sort_values(["rank", "name"]).head(n)
    t = top.reset_index()[
        ["rank", "key", "name", "district_name", "state_name", "settlement_type", "index"]
    ]
    t["settlement_type"] = [_type_name(v, lang) for v in t["settlement_type"]]
    t = format_frame(t, {"index": "number:2"}, lang)
    return _rename(t, lang)


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


def candidate_table(table: pd.DataFrame, data: RegionalData, n: int = 25, lang: str = "de"):
    """The first ``n`` candidates, formatted for the report."""
    t = table.head(n).reset_index()
    value_cols = [c for c in t.columns if c in data.indicators.index]
    t = t[["rank", "key", "name", "district_name", "state_name", "index", *value_cols]]
    t = format_frame(t, {"index": "number:2", **{c: "number:2" for c in value_cols}}, lang)
    return _rename(t, lang).rename(
        columns={c: data.indicators.loc[c, f"label_{lang}"] for c in value_cols}
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
            "Von {n_places} Orten haben {n_ranked} einen Indexwert (ihre vorhandenen Indikatoren "
            "tragen mindestens {coverage} des Gewichts); {n_unranked} bleiben wegen fehlender "
            "Werte ohne Rang. Fehlende Werte werden nicht ersetzt: Die Gewichte werden über die "
            "vorhandenen Indikatoren neu normiert, jeder fehlende Wert ist unten mit Grund "
            "aufgeführt."
        ),
        "en": (
            "Of {n_places} places, {n_ranked} have an index value (their available indicators "
            "carry at least {coverage} of the weight); {n_unranked} remain unranked for missing "
            "values. Missing values are not filled in: the weights are renormalised over the "
            "available indicators, and every missing value is listed below with its reason."
        ),
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
            "{n} Orte erfüllen die Auswahlregel: {access} mindestens {t_access} (oberes Quartil) "
            "und {pressure}. Sortiert nach dem Strukturschwäche-Rang{filters}."
        ),
        "en": (
            "{n} places meet the selection rule: {access} at least {t_access} (upper quartile) "
            "and {pressure}. Sorted by structural-weakness rank{filters}."
        ),
    },
}


def sentence(key: str, lang: str = "de", **values: Any) -> str:
    """A report sentence in ``lang`` with ``values`` filled in (already formatted)."""
    return _TEXT[key][check_language(lang)].format(**values)


def candidate_sentence(
    cands: Any,
    data: RegionalData,
    states: list[str] | None = None,
    settlement_types: list[int] | None = None,
    lang: str = "de",
) -> str:
    """The selection rule of :func:`regional_targeting.candidates` and its filters in words."""
    codes = list(cands.thresholds.index)
    named = [*(states or []), *(_type_name(t, lang) for t in settlement_types or [])]
    filters = f" ({'; '.join(named)})" if named else ""
    ind = data.indicators

    def part(c: str) -> str:
        return (
            f"{ind.loc[c, f'label_{lang}']} ≥ {fmt_number(cands.thresholds[c], 2, lang)} "
            + (ind.loc[c, f"unit_{lang}"].split(" (")[0])
        )

    joiner = {"de": " oder ", "en": " or "}[lang]
    return sentence(
        "candidates",
        lang,
        n=fmt_number(len(cands.table), 0, lang),
        access=ind.loc[codes[0], f"label_{lang}"],
        t_access=f"{fmt_number(cands.thresholds[codes[0]], 2, lang)} "
        + ind.loc[codes[0], f"unit_{lang}"].split(" (")[0],
        pressure=joiner.join(part(c) for c in codes[1:]),
        filters=filters,
    )


def ranking_sentence(result: IndexResult, lang: str = "de") -> str:
    """How many places are ranked, and the missing-value rule, in words."""
    n_ranked = int(result.scores["index"].notna().sum())
    return sentence(
        "ranking",
        lang,
        n_places=fmt_number(len(result.scores), 0, lang),
        n_ranked=fmt_number(n_ranked, 0, lang),
        n_unranked=fmt_number(len(result.scores) - n_ranked, 0, lang),
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
    value_cols = list(cands.thresholds.index)
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
    ]
    t = t[cols]
    names = {c: _XLSX_COLUMNS[c][lang] for c in cols if c in _XLSX_COLUMNS}
    for c in value_cols:
        meta = data.indicators.loc[c]
        names[c] = f"{meta[f'label_{lang}']} ({meta[f'unit_{lang}']})"
    return t.rename(columns=names)


def candidates_xlsx(
    cands: Candidates, data: RegionalData, path: str | Path, lang: str = "de"
) -> Path:
    """Write the candidates, their selection rule and the source attribution to XLSX."""
    sheet = candidate_sheet(cands, data, lang)
    de = lang == "de"
    rule = pd.DataFrame(
        {
            ("Indikator" if de else "Indicator"): [
                data.indicators.loc[c, f"label_{lang}"] for c in cands.thresholds.index
            ],
            ("Schwelle (≥)" if de else "Threshold (≥)"): cands.thresholds.to_numpy(),
        }
    )
    notes = pd.DataFrame({("Hinweis" if de else "Note"): [ATTRIBUTION[lang]]})
    return write_xlsx(
        {
            ("Kandidaten" if de else "Candidates"): sheet,
            ("Auswahlregel" if de else "Selection rule"): rule,
            ("Quelle" if de else "Source"): notes,
        },
        path,
    )
