"""Report pieces of the blended return per partner (notebook 22) and of the comparison of
centres on both returns (notebook 23), German or English.

The engine (:mod:`analysis.business.blended`) gives money and social value per stakeholder
group; here are the partners' names, the kinds of money flow, the tables, the chart and the
sentences on the housing company's full return and on the comparison.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis import plots
from analysis.business.blended import BlendedReturn
from analysis.formatting import fmt_currency, fmt_number, fmt_percent, fmt_text, format_frame
from analysis.i18n import DEFAULT_LANGUAGE, report_language
from analysis.plots import localise_axis

GROUP_LABELS = {  # stakeholder group (analysis.sroi.schema.STAKEHOLDER_GROUPS) → partner
    "de": {
        "social_organisation": "Soziale Organisation",
        "housing_company": "Wohnungsunternehmen",
        "municipality": "Kommune",
        "residents": "Bewohnerschaft",
        "tenants": "Mieterschaft",
        "volunteers": "Ehrenamtliche",
        "local_businesses": "Lokale Wirtschaft",
        "citizen_shareholders": "Bürger-Anteilseigner",
        "funders": "Förderer",
        "state": "Land/Bund",
        "other": "Sonstige",
    },
    "en": {
        "social_organisation": "Social organisation",
        "housing_company": "Housing company",
        "municipality": "Municipality",
        "residents": "Residents",
        "tenants": "Tenants",
        "volunteers": "Volunteers",
        "local_businesses": "Local businesses",
        "citizen_shareholders": "Citizen shareholders",
        "funders": "Funders",
        "state": "State",
        "other": "Other",
    },
}

KIND_LABELS = {
    "de": {
        "shares": "Anteile eingezahlt",
        "dividends": "Dividenden",
        "own_funds": "Eigenmittel",
        "in_kind": "Sachleistung (z. B. Umbau)",
        "grant": "Zuschuss zum Start",
        "subsidy": "laufende Zuschüsse",
        "rent_given_up": "Mietnachlass (entgangene Miete)",
        "avoided_vacancy": "vermiedener Leerstand des Ladenlokals",
        "loan": "Darlehen ausgezahlt",
        "loan_service": "Zins und Tilgung",
        "centre_result": "Ergebnis des Zentrums nach Finanzierung",
    },
    "en": {
        "shares": "shares paid in",
        "dividends": "dividends",
        "own_funds": "own funds",
        "in_kind": "contribution in kind (e.g. conversion)",
        "grant": "start-up grant",
        "subsidy": "recurring subsidies",
        "rent_given_up": "rent reduction (rent given up)",
        "avoided_vacancy": "avoided vacancy of the premises",
        "loan": "loan paid out",
        "loan_service": "interest and repayment",
        "centre_result": "centre's result after financing",
    },
}

COLUMNS = {
    "de": {
        "partner": "Partner",
        "money_in": "Geld erhalten (€)",
        "money_out": "Geld eingesetzt (€)",
        "money_net": "Geld netto (€)",
        "social_received": "Sozialer Wert erhalten (€)",
        "blended": "Gesamtrendite (€)",
        "social_co_created": "Sozialer Wert mitgeschaffen (€)",
    },
    "en": {
        "partner": "Partner",
        "money_in": "Money received (€)",
        "money_out": "Money put in (€)",
        "money_net": "Money, net (€)",
        "social_received": "Social value received (€)",
        "blended": "Blended return (€)",
        "social_co_created": "Social value co-created (€)",
    },
}


def partner_names(groups: Iterable[str], lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """The partner names of stakeholder ``groups`` in ``lang``."""
    lg = report_language(lang)
    return [GROUP_LABELS[lg][g] for g in groups]


# --------------------------------------------------------------------------------------
# Blended return per partner
# --------------------------------------------------------------------------------------


def report_frame(br: BlendedReturn, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The per-partner table with localised labels and amounts (for ``report_table``)."""
    lg = report_language(lang)
    cols = [
        "partner",
        "money_in",
        "money_out",
        "money_net",
        "social_received",
        "blended",
        "social_co_created",
    ]
    table = br.table.assign(partner=partner_names(br.table["group"], lg))
    out = format_frame(table[cols], {c: "number:0" for c in cols[1:]}, lg)
    return out.rename(columns=COLUMNS[lg])


def kinds_frame(br: BlendedReturn, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Present value of each kind of money flow per partner (formatted, zeros as –)."""
    lg = report_language(lang)
    df = br.by_kind.copy()
    df.index = partner_names(df.index, lg)
    df = df.rename(columns=KIND_LABELS[lg])
    shown = df.apply(lambda c: [fmt_number(v, 0, lg) if v != 0 else "–" for v in c])
    shown.index.name = COLUMNS[lg]["partner"]
    shown.columns.name = None
    return shown.reset_index()


def blended_figure(br: BlendedReturn, lang: str = DEFAULT_LANGUAGE):
    """Per partner: money (net) and social value received as bars side by side, the
    blended return as a marker (localised euros)."""
    import matplotlib.pyplot as plt

    lg = report_language(lang)
    c = COLUMNS[lg]
    t = br.table.assign(partner=partner_names(br.table["group"], lg)).iloc[::-1]
    y = np.arange(len(t))
    fig, ax = plt.subplots(figsize=(8, 0.55 * max(len(t), 1) + 1.6))
    ax.barh(y + 0.2, t["money_net"], height=0.4, color="#0072B2", label=c["money_net"])
    ax.barh(y - 0.2, t["social_received"], height=0.4, color="#009E73", label=c["social_received"])
    ax.scatter(t["blended"], y, marker="D", color="black", zorder=3, label=c["blended"])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, t["partner"])
    localise_axis(ax, "x", "currency", lang=lg)
    ax.set_xlabel("Barwert" if lg == "de" else "Present value")
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(
        f"Geld und sozialer Wert je Partner ({br.horizon} Jahre, Barwerte)"
        if lg == "de"
        else f"Money and social value per partner ({br.horizon} years, present values)"
    )
    fig.tight_layout()
    return plots.fit_ticks(fig)


def basis_text(br: BlendedReturn, lang: str = DEFAULT_LANGUAGE) -> str:
    """One sentence on horizon and discount rates of the two kinds of return."""

    m, s = fmt_percent(br.money_rate, 1, lang), fmt_percent(br.social_rate, 1, lang)
    if report_language(lang) == "en":
        return (
            f"Present values over {br.horizon} years: money at the cost of capital of {m}, social "
            f"value as in the impact map ({br.social_period} years at {s}). Money is counted "
            "against 'no centre'; wages and purchases are the centre's costs and appear as social "
            "value only (jobs, local supply), never twice."
        )
    return (
        f"Barwerte über {br.horizon} Jahre: Geld zu Kapitalkosten von {m}, sozialer Wert wie in "
        f"der Wirkungskarte ({br.social_period} Jahre zu {s}). Geld zählt gegenüber „kein "
        "Zentrum“; Löhne und Einkäufe sind Kosten des Zentrums und erscheinen nur als sozialer "
        "Wert (Arbeitsplätze, Nahversorgung), nie doppelt."
    )


def headline_text(br: BlendedReturn, lang: str = DEFAULT_LANGUAGE) -> str:
    """The housing company's full return in two sentences (Markdown) — or a note that the
    centre has no housing-company partner."""
    en = report_language(lang) == "en"
    hc = br.housing_company
    if hc is None:
        return (
            "This centre has no housing-company partner; the table shows what each partner "
            "gets back in money and in social value."
            if en
            else "Dieses Zentrum hat kein Wohnungsunternehmen als Partner; die Tabelle zeigt, was "
            "jeder Partner in Geld und in sozialem Wert zurückerhält."
        )

    def eur(v: float) -> str:
        return fmt_currency(v, decimals=0, lang=lang)

    per = fmt_number(hc.per_euro, 2, lang) if hc.per_euro is not None else "–"
    if en:
        return (
            f"**The housing company's full return: {eur(hc.total)}** over {br.horizon} years — "
            f"money {eur(hc.money_net)} (it puts in {eur(hc.money_out)} as conversion and rent "
            f"given up and saves {eur(hc.money_in)} of vacancy), plus {eur(hc.own_social_value)} "
            f"of its own outcomes (less vacancy of flats, lower turnover, image) and "
            f"{eur(hc.co_created)} of social value it co-creates for others (pro rata to its "
            f"share of the inputs). Each euro it puts in brings back {per} €."
        )
    return (
        f"**Gesamtrendite des Wohnungsunternehmens: {eur(hc.total)}** über {br.horizon} Jahre "
        f"– in Geld {eur(hc.money_net)} (es setzt {eur(hc.money_out)} für Umbau und Mietnachlass "
        f"ein und vermeidet {eur(hc.money_in)} Leerstand), dazu {eur(hc.own_social_value)} eigene "
        f"Erträge (weniger Wohnungsleerstand, geringere Fluktuation, Image) und "
        f"{eur(hc.co_created)} mitgeschaffener sozialer Wert für andere (anteilig nach seinem "
        f"Einsatz). Jeder eingesetzte Euro bringt {per} € zurück. Rendite muss nicht nur Geld sein."
    )


# --------------------------------------------------------------------------------------
# Comparison of centres on both returns
# --------------------------------------------------------------------------------------


_COMPARISON = {  # column: (German, English, format)
    "centre": ("Zentrum", "Centre", None),
    "scenario": ("Szenario", "Scenario", None),
    "npv": ("Kapitalwert", "NPV", "currency:0"),
    "irr": ("Interner Zinsfuß", "IRR", "percent:1"),
    "capture_rate": ("Abschöpfungsquote", "Capture rate", "percent:1"),
    "break_even_capture_rate": ("Break-even-Quote", "Break-even capture rate", "percent:1"),
    "min_rent_reduction_per_m2": (
        "Mindest-Mietnachlass (€/m²/Monat)",
        "Min. rent reduction (€/m²/month)",
        "number:2",
    ),
    "sroi_ratio": ("SROI-Quote", "SROI ratio", "ratio"),
    "social_value": ("Sozialer Wert", "Social value", "currency:0"),
    "hc_full_return": ("Gesamtrendite WU", "Housing company full return", "currency:0"),
}


def comparison_table(cmp: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Both returns of every centre × scenario
    (:func:`analysis.business.blended.compare_centres`) for the report."""
    k = 0 if report_language(lang) == "de" else 1
    cmp = cmp[list(_COMPARISON)].assign(centre=[fmt_text(c, lang) for c in cmp["centre"]])
    shown = format_frame(cmp, {c: v[2] for c, v in _COMPARISON.items() if v[2]}, lang=lang)
    return shown.rename(columns={c: v[k] for c, v in _COMPARISON.items()})


def comparison_figure(cmp: pd.DataFrame, lang: str = DEFAULT_LANGUAGE):
    """Each centre × scenario of :func:`analysis.business.blended.compare_centres` as a
    point: SROI ratio (x) against the project NPV (y); lines join a centre's scenarios, the
    red lines mark NPV = 0 and a ratio of 1 : 1."""
    import matplotlib.pyplot as plt

    de = report_language(lang) == "de"
    markers = {"conservative": "v", "base": "o", "optimistic": "^"}
    fig, ax = plt.subplots()
    for centre, group in cmp.groupby("centre", sort=False):
        ordered = group.sort_values("sroi_ratio")
        ax.plot(ordered["sroi_ratio"], ordered["npv"], color="#999999", linewidth=0.8, zorder=1)
        colour = None
        for _, r in group.iterrows():
            pts = ax.scatter(
                r["sroi_ratio"],
                r["npv"],
                marker=markers.get(r["scenario"], "o"),
                s=60,
                zorder=2,
                color=colour,
                label=fmt_text(centre, lang) if colour is None else None,
            )
            colour = pts.get_facecolor()
    ax.axhline(0, color="#D55E00", linewidth=1.2)
    ax.axvline(1, color="#D55E00", linewidth=1.2, linestyle=":")
    localise_axis(ax, "x", "number", decimals=1, lang=lang)
    localise_axis(ax, "y", "currency", lang=lang)
    ax.set_xlabel("SROI-Quote" if de else "SROI ratio")
    ax.set_ylabel("Kapitalwert" if de else "NPV")
    ax.set_title(
        "Sozialrendite und Kapitalwert (▼ vorsichtig, ● Basis, ▲ günstig)"
        if de
        else "Social return and NPV (▼ conservative, ● base, ▲ optimistic)"
    )
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return plots.fit_ticks(fig)


def comparison_text(cmp: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> str:
    """Two sentences on :func:`analysis.business.blended.compare_centres`: how many centres
    pay in money (NPV ≥ 0) and how many create more social value than they use (SROI ratio
    above 1) in the base scenario."""
    base = cmp[cmp["scenario"] == "base"]
    n, paid, social = len(base), int((base["npv"] >= 0).sum()), int((base["sroi_ratio"] > 1).sum())
    both = int(((base["npv"] < 0) & (base["sroi_ratio"] > 1)).sum())
    if report_language(lang) == "en":
        return (
            f"In the base scenario {paid} of {n} centres reach an NPV of at least zero and "
            f"{social} of {n} an SROI ratio above 1 : 1. For the {both} centre(s) whose money "
            "alone does not pay, the blended return per partner (report 22) shows who receives "
            "the social value."
        )
    return (
        f"Im Basisszenario erreichen {paid} von {n} Zentren einen Kapitalwert von mindestens null "
        f"und {social} von {n} eine SROI-Quote über 1 : 1. Für die {both} Zentren, die sich in "
        "Geld allein nicht tragen, zeigt die Gesamtrendite je Partner (Bericht 22), wer den "
        "sozialen Wert erhält."
    )
