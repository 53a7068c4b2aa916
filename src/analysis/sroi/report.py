"""Report pieces of the SROI notebooks (German by default, English available).

Every sentence, label and table layout of notebooks 20 and 21 lives here; the engine
(:mod:`analysis.sroi.engine`, :mod:`analysis.sroi.partners`) returns numbers and
dataclasses only. Here: the centre header with its data status and public facts, the
summary and Monte Carlo sentences, the impact-map tables, the parameter labels of the
sensitivity analysis, the value exchange of the partners (tables, Sankey diagram and its
static fallback) and the comparison of centres. Every ``*_table`` returns a DataFrame of
display strings with localised headers (show it with
:func:`analysis.formatting.report_table`).

The Sankey diagram is a plotly figure; :func:`sankey_html` embeds plotly.js in the HTML
(no CDN), so exported reports work offline. :func:`flows_figure` is a static matplotlib
fallback (mirrored bars) for print and DOCX.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import pandas as pd

from analysis import plots
from analysis.formatting import (
    fmt_currency,
    fmt_number,
    fmt_percent,
    fmt_ratio,
    fmt_text,
    format_frame,
    md_text,
)
from analysis.i18n import DEFAULT_LANGUAGE, report_language
from analysis.sensitivity import FOUND, NONE_IN_RANGE, Parameter
from analysis.sensitivity_text import changes_table, changes_text, factor_label, position_text
from analysis.sroi import centre as sroi_centre
from analysis.sroi import engine as sroi
from analysis.sroi import partners
from analysis.sroi.centre import ImpactMap
from analysis.sroi.engine import FRACTION_FIELDS, OUTCOME_FIELDS, SroiResult
from analysis.sroi.partners import HousingCompanyReturn

_STATUS = {
    "de": {"fictional": "fiktiv", "synthetic": "synthetisch", "real": "real"},
    "en": {"fictional": "fictional", "synthetic": "synthetic", "real": "real"},
}

FIELD_LABELS = {
    "de": {
        "quantity": "Menge",
        "proxy": "Finanzproxy",
        "deadweight": "Deadweight",
        "displacement": "Verdrängung",
        "attribution": "Zurechnung",
        "drop_off": "Wirkungsrückgang",
        "discount_rate": "Diskontsatz",
    },
    "en": {
        "quantity": "quantity",
        "proxy": "financial proxy",
        "deadweight": "deadweight",
        "displacement": "displacement",
        "attribution": "attribution",
        "drop_off": "drop-off",
        "discount_rate": "discount rate",
    },
}

COLUMN_LABELS = {
    "de": {
        "stakeholder": "Stakeholder",
        "outcome": "Wirkung",
        "indicator": "Indikator",
        "quantity": "Menge",
        "proxy": "Finanzproxy (€)",
        "deadweight": "Deadweight",
        "displacement": "Verdrängung",
        "attribution": "Zurechnung",
        "drop_off": "Wirkungsrückgang",
        "duration_years": "Dauer (Jahre)",
        "impact": "Wirkung Jahr 1 (€)",
        "present_value": "Barwert (€)",
        "share": "Anteil",
        "description": "Einsatz",
        "value_per_year": "Wert je Jahr (€)",
        "years": "Jahre",
        "in_kind": "Sachleistung",
    },
    "en": {
        "stakeholder": "Stakeholder",
        "outcome": "Outcome",
        "indicator": "Indicator",
        "quantity": "Quantity",
        "proxy": "Financial proxy (€)",
        "deadweight": "Deadweight",
        "displacement": "Displacement",
        "attribution": "Attribution",
        "drop_off": "Drop-off",
        "duration_years": "Duration (years)",
        "impact": "Impact year 1 (€)",
        "present_value": "Present value (€)",
        "share": "Share",
        "description": "Input",
        "value_per_year": "Value per year (€)",
        "years": "Years",
        "in_kind": "In kind",
    },
}

EXCHANGE_TEXT = {
    "de": {
        "centre": "Zentrum",
        "invests": "Einsatz",
        "receives": "Nutzen",
        "title": "Wertaustausch der Partner",
        "xlabel": "Barwert: Einsatz (links) und Nutzen (rechts)",
    },
    "en": {
        "centre": "Centre",
        "invests": "input",
        "receives": "value",
        "title": "Partner value exchange",
        "xlabel": "Present value: input (left) and value received (right)",
    },
}


def _de(lang: str) -> bool:
    return lang != "en"


# --------------------------------------------------------------------------------------
# The centre and its key figures
# --------------------------------------------------------------------------------------


def centre_header(imap: ImpactMap, scenario: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Markdown: centre name, data status with its note, the scenario, the public facts
    with their sources (every report says whether its data are real). The centre file's
    free text goes through :func:`~analysis.formatting.md_text`: shown as written, never
    as markup, with web addresses as working links."""
    de = _de(lang)
    centre = imap.model.centre
    scen = imap.model.scenarios.get(scenario)
    desc = md_text(fmt_text(scen.description, lang) if scen is not None else scenario)
    status = _STATUS["de" if de else "en"].get(centre.status, centre.status)
    lines = [
        f"## {md_text(fmt_text(centre.name, lang))}",
        "",
        (f"**Datenstatus: {status}.** " if de else f"**Data status: {status}.** ")
        + md_text(fmt_text(centre.status_note, lang)),
        "",
        (f"**Szenario:** {scenario} – {desc}" if de else f"**Scenario:** {scenario} – {desc}"),
    ]
    if centre.facts:
        lines += ["", "### Öffentliche Fakten" if de else "### Public facts", ""]
        lines += [
            f"- {md_text(fmt_text(f.fact, lang))} *({md_text(f.source)})*" for f in centre.facts
        ]
    return "\n".join(lines)


def summary_text(result: SroiResult, lang: str = DEFAULT_LANGUAGE) -> str:
    """Two sentences on the result for the report (Markdown, localised numbers)."""

    def eur(v: float) -> str:
        return fmt_currency(v, decimals=0, lang=lang)

    rate, ratio = fmt_percent(result.discount_rate, 1, lang), fmt_ratio(result.ratio, 2, lang)
    net = fmt_ratio(result.net_ratio, 2, lang)
    months = fmt_number(result.payback_months, 1, lang)
    if lang == "en":
        return (
            f"At a discount rate of {rate} over {result.period} years the outcomes have a "
            f"present value of **{eur(result.total_present_value)}** against inputs of "
            f"**{eur(result.total_investment)}**: an SROI ratio of **{ratio}** (net {net}; "
            f"NPV {eur(result.npv)}). Payback by the Guide's formula: {months} months."
        )
    return (
        f"Bei einem Diskontsatz von {rate} über {result.period} Jahre ergibt sich ein Barwert "
        f"der Wirkungen von **{eur(result.total_present_value)}** bei einem Einsatz von "
        f"**{eur(result.total_investment)}**: eine SROI-Quote von **{ratio}** (netto {net}; "
        f"Kapitalwert {eur(result.npv)}). Amortisation nach der Formel des Guide: {months} Monate."
    )


def monte_carlo_text(
    mc: Any, lang: str = DEFAULT_LANGUAGE, params: Sequence[Parameter] | None = None
) -> str:
    """On a Monte Carlo result of the SROI ratio: quantiles, P(ratio > 1), and where the
    deterministic ratio sits among the draws
    (:func:`analysis.sensitivity_text.position_text`; ``params``, with labels, name the
    figures that explain a position outside 5–95 %)."""
    q = mc.quantiles()
    lo, med, hi = (fmt_ratio(q[k], 2, lang) for k in (0.05, 0.5, 0.95))
    n, p = fmt_number(mc.draws, 0, lang), fmt_percent(mc.p_exceeds, 2, lang)
    position = position_text(mc, lang, fmt_ratio(mc.deterministic, 2, lang), params)
    if lang == "en":
        return (
            f"Monte Carlo with {n} draws (seed {mc.seed}) over the declared uncertainties: "
            f"5 % quantile {lo}, median {med}, 95 % quantile {hi}; probability of a ratio "
            f"above 1 : 1: {p}. {position}"
        )
    return (
        f"Monte-Carlo-Simulation mit {n} Ziehungen (Startwert {mc.seed}) über die erklärten "
        f"Unsicherheiten: 5-%-Quantil {lo}, Median {med}, 95-%-Quantil {hi}; "
        f"Wahrscheinlichkeit einer Quote über 1 : 1: {p}. {position}"
    )


# --------------------------------------------------------------------------------------
# What a scenario does to the uncertain figures
# --------------------------------------------------------------------------------------


def _decimals(value: float) -> int:
    """Decimals of an amount or count: none for whole numbers, one from 100 on, else two."""
    return 0 if float(value).is_integer() else 1 if abs(value) >= 100 else 2


def scenario_changes(imap: ImpactMap) -> list[sroi_centre.FigureChange]:
    """The changes of ``imap``'s scenario that concern the impact map (not the business
    figures a top-level override may address)."""
    return [c for c in imap.changes if sroi.parameter_name(c.path) is not None]


def scenario_table(imap: ImpactMap, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """:func:`changes_table` of the impact map's figures changed by ``imap``'s scenario."""
    labels = parameter_labels(imap, lang)
    fractions = {"discount_rate", *(f for f in FRACTION_FIELDS)}

    def label(path: str) -> str:
        return labels[str(sroi.parameter_name(path))]

    def fmt(path: str, value: float) -> str:
        if path.split(".")[-1] in fractions:
            return fmt_percent(value, 1, lang)
        return fmt_number(value, _decimals(value), lang)

    return changes_table(scenario_changes(imap), label, fmt, lang)


def scenario_text(imap: ImpactMap, lang: str = DEFAULT_LANGUAGE) -> str:
    """One sentence on what ``imap``'s scenario does to the impact map's figures."""
    return changes_text(scenario_changes(imap), imap.scenario or "base", lang)


# --------------------------------------------------------------------------------------
# Impact map and value by stakeholder
# --------------------------------------------------------------------------------------


def result_table(result: SroiResult, which: str, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """A formatted report table: ``outcomes`` (the impact map), ``stakeholders`` or ``inputs``."""
    lg = "en" if lang == "en" else "de"
    if which == "outcomes":
        cols = [
            "stakeholder",
            "outcome",
            "indicator",
            "quantity",
            "proxy",
            "deadweight",
            "displacement",
            "attribution",
            "drop_off",
            "duration_years",
            "impact",
            "present_value",
        ]
        fmts = {
            "quantity": "number:1",
            "proxy": "number:2",
            "impact": "number:0",
            "present_value": "number:0",
            **{c: "percent:0" for c in FRACTION_FIELDS},
        }
        df = result.by_outcome[cols]
    elif which == "stakeholders":
        cols = ["stakeholder", "present_value", "share"]
        fmts = {"present_value": "number:0", "share": "percent:1"}
        df = result.by_stakeholder[cols]
    elif which == "inputs":
        cols = ["stakeholder", "description", "in_kind", "value_per_year", "years", "present_value"]
        fmts = {"value_per_year": "number:0", "present_value": "number:0"}
        df = result.by_input[cols].assign(
            in_kind=lambda d: d["in_kind"].map(
                {True: "ja" if lg == "de" else "yes", False: "nein" if lg == "de" else "no"}
            )
        )
    else:
        raise ValueError("which must be 'outcomes', 'stakeholders' or 'inputs'")
    texts = {c: [fmt_text(v, lg) for v in df[c]] for c in ("description", "indicator") if c in df}
    out = format_frame(df.assign(**texts), fmts, lang=lg)
    return out.rename(columns=COLUMN_LABELS[lg])


def stakeholder_figure(result: SroiResult, lang: str = DEFAULT_LANGUAGE):
    """Horizontal bars: present value of the outcomes per stakeholder."""
    import matplotlib.pyplot as plt

    st = result.by_stakeholder.sort_values("present_value")
    fig, ax = plt.subplots()
    ax.barh(st["stakeholder"], st["present_value"])
    plots.localise_axis(ax, "x", "currency", lang=lang)
    ax.set_xlabel("Barwert der Wirkungen" if _de(lang) else "Present value of outcomes")
    ax.set_title(
        "Barwert der Wirkungen nach Stakeholder"
        if _de(lang)
        else "Present value of outcomes by stakeholder"
    )
    fig.tight_layout()
    return plots.fit_ticks(fig)


# --------------------------------------------------------------------------------------
# Sensitivity: parameter labels and tipping points
# --------------------------------------------------------------------------------------


def parameter_labels(imap: ImpactMap, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Parameter name (:func:`analysis.sroi.engine.model_parameters`) → label in ``lang``:
    the outcome and its field, the input and its factor (with its unit)."""
    labels = FIELD_LABELS["en" if lang == "en" else "de"]
    m = imap.model.impact_map
    out = {"discount_rate": labels["discount_rate"]}
    for o in m.outcomes:
        title = o.outcome_en if lang == "en" and o.outcome_en else o.outcome
        for fld in OUTCOME_FIELDS:
            out[f"outcomes.{o.id}.{fld}"] = f"{title}: {labels[fld]}"
    for inp in m.inputs:
        for fac in inp.factors:
            out[f"inputs.{inp.id}.{fac.name}"] = (
                f"{fmt_text(inp.description, lang)}: {factor_label(fac.name, fac.unit, lang)}"
            )
    return out


def labelled_parameters(imap: ImpactMap, lang: str = DEFAULT_LANGUAGE) -> list[Parameter]:
    """The model's parameters with labels in ``lang``, for the tornado and the tipping
    points (same order and values as :func:`analysis.sroi.engine.model_parameters`)."""
    labels = parameter_labels(imap, lang)
    return [dataclasses.replace(p, label=labels[p.name]) for p in sroi.model_parameters(imap)]


def _is_rate(row: Any) -> bool:
    """A parameter that is a rate or a share: shown as a percentage (``3,5 %``)."""
    name = str(row.get("parameter", ""))
    last = name.rsplit(".", 1)[-1]
    bounded = (row.get("bound_low"), row.get("bound_high")) == (0.0, 1.0)
    return bounded or last in FRACTION_FIELDS or last.endswith(("rate", "_change", "_share"))


def _fmt_tipping(value: float, rate: bool, lang: str) -> str:
    if rate:
        return fmt_percent(value, 1, lang)
    if float(value).is_integer():  # counts and whole amounts: no ",00"
        return fmt_number(value, 0, lang)
    return fmt_number(value, 3 if abs(value) < 1 else 2, lang)


def tipping_table(
    tp: pd.DataFrame, lang: str = DEFAULT_LANGUAGE, at: str | None = None
) -> pd.DataFrame:
    """Tipping points (:func:`analysis.sensitivity.tipping_points`) for the report;
    ``at`` heads the column of tipping values (default: the SROI ratio's 1 : 1). Rates
    and shares read as percentages (a discount rate of ``3,5 %``, not ``0,035``)."""
    de = _de(lang)
    status = {
        FOUND: "gefunden" if de else "found",
        NONE_IN_RANGE: "nicht im Bereich" if de else "none in range",
    }
    rates = [_is_rate(r) for r in tp.to_dict("records")]
    shown = tp.assign(status=tp["status"].map(status))[["label", "base", "tipping_value", "status"]]
    for col in ("base", "tipping_value"):
        shown[col] = [
            _fmt_tipping(v, rate, lang) for v, rate in zip(shown[col], rates, strict=True)
        ]
    return shown.rename(
        columns={
            "label": "Annahme" if de else "Assumption",
            "base": "Basiswert" if de else "Base value",
            "tipping_value": at or ("Wert bei Quote 1 : 1" if de else "Value at ratio 1 : 1"),
            "status": "Ergebnis" if de else "Result",
        }
    )


# --------------------------------------------------------------------------------------
# Partner value exchange
# --------------------------------------------------------------------------------------


def exchange_table(exchange: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Who invests and who receives what (:func:`analysis.sroi.partners.value_exchange`), in €."""
    de = _de(lang)
    cols = ["stakeholder", "invested", "in_kind", "received", "net"]
    shown = format_frame(exchange[cols], {c: "currency:0" for c in cols[1:]}, lang=lang)
    return shown.rename(
        columns={
            "stakeholder": "Stakeholder",
            "invested": "Eingesetzt (Barwert)" if de else "Invested (PV)",
            "in_kind": "davon Sachleistung" if de else "of which in kind",
            "received": "Erhalten (Barwert)" if de else "Received (PV)",
            "net": "Saldo" if de else "Net",
        }
    )


def amount_table(table: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """A two-column (label, amount) table with the amounts in whole euros."""
    return format_frame(table, {table.columns[1]: "currency:0"}, lang=lang)


def flows(result: SroiResult, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Links of the Sankey diagram: investor → centre → beneficiary (present values).

    Columns: ``source``, ``target``, ``value``, ``kind`` ("input" or "outcome").
    A stakeholder that both invests and receives appears once on each side.
    """
    t = EXCHANGE_TEXT[report_language(lang)]
    ex = partners.value_exchange(result)
    rows = []
    for _, r in ex[ex["invested"] > 0].iterrows():
        rows.append(
            {
                "source": f"{r['stakeholder']} ({t['invests']})",
                "target": t["centre"],
                "value": r["invested"],
                "kind": "input",
            }
        )
    for _, r in ex[ex["received"] > 0].iterrows():
        rows.append(
            {
                "source": t["centre"],
                "target": f"{r['stakeholder']} ({t['receives']})",
                "value": r["received"],
                "kind": "outcome",
            }
        )
    return pd.DataFrame(rows, columns=["source", "target", "value", "kind"])


def sankey_figure(result: SroiResult, lang: str = DEFAULT_LANGUAGE, title: str | None = None):
    """A plotly Sankey of :func:`flows`; hover shows amounts in the report's format."""
    import plotly.graph_objects as go

    links = flows(result, lang)
    nodes = list(dict.fromkeys([*links["source"], *links["target"]]))
    index = {n: i for i, n in enumerate(nodes)}
    colours = [
        "rgba(0,114,178,0.45)" if k == "input" else "rgba(0,158,115,0.45)" for k in links["kind"]
    ]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={"label": nodes, "pad": 18, "thickness": 16, "color": "rgba(80,80,80,0.8)"},
            link={
                "source": [index[s] for s in links["source"]],
                "target": [index[s] for s in links["target"]],
                "value": list(links["value"]),
                "color": colours,
                "customdata": [fmt_currency(v, decimals=0, lang=lang) for v in links["value"]],
                "hovertemplate": "%{source.label} → %{target.label}: %{customdata}<extra></extra>",
            },
        )
    )
    fig.update_layout(
        title=title or EXCHANGE_TEXT[report_language(lang)]["title"],
        font_size=12,
        height=460,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return fig


def sankey_html(fig, div_id: str = "sankey") -> str:
    """HTML fragment of ``fig`` with plotly.js embedded (works offline, no CDN)."""
    return fig.to_html(include_plotlyjs=True, full_html=False, div_id=div_id)


def flows_figure(result: SroiResult, lang: str = DEFAULT_LANGUAGE):
    """Static fallback: per stakeholder, invested (left) and received (right) as mirrored bars."""
    import matplotlib.pyplot as plt

    lg = report_language(lang)
    ex = partners.value_exchange(result).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(ex) + 1.5))
    ax.barh(
        ex["stakeholder"],
        -ex["invested"],
        color="#0072B2",
        label=EXCHANGE_TEXT[lg]["invests"].capitalize(),
    )
    ax.barh(
        ex["stakeholder"],
        ex["received"],
        color="#009E73",
        label=EXCHANGE_TEXT[lg]["receives"].capitalize(),
    )
    ax.axvline(0, color="black", linewidth=0.8)
    plots.localise_axis(ax, "x", "currency", lang=lang)
    ax.xaxis.set_major_formatter(plots.CurrencyFormatter(lg, absolute=True))
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel(EXCHANGE_TEXT[lg]["xlabel"])
    ax.set_title(EXCHANGE_TEXT[lg]["title"])
    ax.legend(loc="lower right")
    fig.tight_layout()
    return plots.fit_ticks(fig)


def housing_company_table(hc: HousingCompanyReturn, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The housing company's figures as a two-column table (label, amount) in ``lang``;
    show it with :func:`amount_table`."""
    de = report_language(lang) == "de"
    rows = [
        (
            "Einsatz des Wohnungsunternehmens (Barwert)" if de else "Housing company's input (PV)",
            hc.invested,
        ),
        (
            "Eigene Rendite: Leerstand, Fluktuation, Image (Barwert)"
            if de
            else "Own return: vacancy, turnover, image (PV)",
            hc.own_return,
        ),
        (
            "Sozialer Ertrag für alle anderen Beteiligten (Barwert)"
            if de
            else "Social value for all other stakeholders (PV)",
            hc.social_value_others,
        ),
        (
            "davon anteilig nach Investitionsanteil (Konvention)"
            if de
            else "of which pro rata to its investment share (convention)",
            hc.social_value_pro_rata,
        ),
    ]
    return pd.DataFrame(rows, columns=["Position" if de else "Item", "Betrag" if de else "Amount"])


def housing_company_text(hc: HousingCompanyReturn | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """One or two sentences on the housing company's own and social return (Markdown)."""
    en = report_language(lang) == "en"
    if hc is None:
        return (
            "This centre has no housing-company partner."
            if en
            else "Dieses Zentrum hat kein Wohnungsunternehmen als Partner."
        )

    def eur(v: float) -> str:
        return fmt_currency(v, decimals=0, lang=lang)

    if en:
        return (
            f"The housing company puts in {eur(hc.invested)} and receives its own return "
            f"(less vacancy, lower turnover, image) with a present value of {eur(hc.own_return)}; "
            f"beside it, all other stakeholders receive social value of "
            f"{eur(hc.social_value_others)}."
        )
    return (
        f"Das Wohnungsunternehmen setzt {eur(hc.invested)} ein und erhält eigene Erträge "
        f"(weniger Leerstand, geringere Fluktuation, Image) im Barwert von {eur(hc.own_return)}; "
        f"daneben entsteht für alle anderen Beteiligten ein sozialer Ertrag von "
        f"{eur(hc.social_value_others)}. Rendite muss nicht nur Geld sein."
    )


# --------------------------------------------------------------------------------------
# Comparison of centres
# --------------------------------------------------------------------------------------


def data_status_note(cmp: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> str:
    """Markdown naming the centres of a comparison whose data are not real."""
    names = sorted(set(cmp.loc[cmp["status"] != "real", "centre"]))
    if not names:
        return ""
    lead = (
        "**Hinweis:** fiktive bzw. illustrative Daten: "
        if _de(lang)
        else "**Note:** fictional or illustrative data: "
    )
    return lead + "; ".join(md_text(n) for n in names)


_COMPARISON = {  # column: (German, English, format)
    "centre": ("Zentrum", "Centre", None),
    "scenario": ("Szenario", "Scenario", None),
    "sroi_ratio": ("SROI-Quote", "SROI ratio", "ratio"),
    "net_sroi_ratio": ("Netto-Quote", "Net SROI ratio", "ratio"),
    "present_value": ("Barwert", "Present value", "currency:0"),
    "investment": ("Einsatz", "Investment", "currency:0"),
    "npv": ("Kapitalwert", "Net present value", "currency:0"),
    "payback_months": ("Amortisation (Monate)", "Payback (months)", "number:1"),
}


def comparison_table(cmp: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Key figures of every centre × scenario (:func:`analysis.sroi.engine.compare_centres`)."""
    k = 0 if _de(lang) else 1
    cmp = cmp[list(_COMPARISON)].assign(centre=[fmt_text(c, lang) for c in cmp["centre"]])
    shown = format_frame(cmp, {c: v[2] for c, v in _COMPARISON.items() if v[2]}, lang=lang)
    return shown.rename(columns={c: v[k] for c, v in _COMPARISON.items()})


def housing_company_comparison(folder=None, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Per centre (base figures): what a housing-company partner puts in, its own return
    and the social value for everyone else (zero where there is no such partner)."""
    de = _de(lang)
    rows = []
    for centre_id in sroi_centre.centre_files(folder):
        imap = sroi_centre.load_centre(centre_id, folder)
        res = sroi.evaluate(imap, lang=lang)
        hc = partners.housing_company_return(res, imap)
        rows.append(
            {
                "Zentrum" if de else "Centre": fmt_text(imap.model.centre.name, lang),
                "Einsatz Wohnungsunternehmen" if de else "Housing company's input": (
                    hc.invested if hc else 0.0
                ),
                "Eigene Rendite des Wohnungsunternehmens" if de else "Its own return": (
                    hc.own_return if hc else 0.0
                ),
                "Sozialer Ertrag für andere" if de else "Social value for others": (
                    hc.social_value_others if hc else res.total_present_value
                ),
            }
        )
    out = pd.DataFrame(rows)
    return format_frame(out, {c: "currency:0" for c in out.columns[1:]}, lang=lang)


# --------------------------------------------------------------------------------------
# Evidence from the workshops (SROI Guide 2012: "involve stakeholders", "be transparent")
# --------------------------------------------------------------------------------------

EVIDENCE_TEXT = {
    "de": {
        "none": "Annahme ohne Beleg aus den Workshops.",
        "missing": "(Aussage nicht gefunden)",
        "intro": (
            "Welche Aussagen aus den Workshop-Protokollen jede Wirkung stützen: das "
            "SROI-Prinzip, die Stakeholder einzubeziehen und transparent zu sein (Social "
            "Value UK / Nicholls u. a., *A Guide to Social Return on Investment*, 2012). "
            "Eine Wirkung ohne zitierte Aussage beruht allein auf Annahmen dieser Datei."
        ),
        "inputs": "Einsätze mit Beleg",
        "figures": "Einzelne Annahmen mit Beleg",
        "count": "{n} von {m} Wirkungen sind mit Workshop-Aussagen belegt.",
    },
    "en": {
        "none": "Assumption without evidence from the workshops.",
        "missing": "(statement not found)",
        "intro": (
            "Which statements of the workshop protocols support each outcome: the SROI "
            "principles of involving stakeholders and being transparent (Social Value UK / "
            "Nicholls et al., *A Guide to Social Return on Investment*, 2012). An outcome "
            "without a cited statement rests on this file's assumptions alone."
        ),
        "inputs": "Inputs with evidence",
        "figures": "Single assumptions with evidence",
        "count": "{n} of {m} outcomes are supported by workshop statements.",
    },
}

EVIDENCE_COLUMN_LABELS = {
    "de": {
        "workshop": "Workshop",
        "statement_id": "Aussage",
        "text": "Wortlaut",
        "centre_id": "Zentrum",
        "field": "Stelle in der Wirkungskarte",
    },
    "en": {
        "workshop": "Workshop",
        "statement_id": "Statement",
        "text": "Wording",
        "centre_id": "Centre",
        "field": "Place in the impact map",
    },
}


def _quote(sid: str, texts: dict[str, str], lang: str) -> str:
    t = EVIDENCE_TEXT["en" if lang == "en" else "de"]
    text = texts.get(sid)
    shown = f"„{md_text(text)}“" if text is not None else t["missing"]
    return f"> {shown} — `{sid}`"


def evidence_markdown(imap: ImpactMap, texts: dict[str, str], lang: str = DEFAULT_LANGUAGE) -> str:
    """The evidence section of the SROI report: under each outcome the quoted workshop
    statements it cites, or the line "Annahme ohne Beleg aus den Workshops"; then the
    inputs and single figures that cite statements. ``texts`` maps statement id → text
    (:func:`analysis.protocols.statements.statement_texts`)."""
    lang = "en" if lang == "en" else "de"
    t = EVIDENCE_TEXT[lang]
    m = imap.model.impact_map
    cites = sroi_centre.citations(imap.raw)
    by_field: dict[str, list[str]] = {}
    for c in cites:
        by_field.setdefault(c.field, []).append(c.statement)
    parts = [t["intro"]]
    supported = 0
    for o in m.outcomes:
        name = o.outcome_en if lang == "en" and o.outcome_en else o.outcome
        own = by_field.get(f"impact_map.outcomes.{o.id}", [])
        figs = sorted({f for f in by_field if f.startswith(f"impact_map.outcomes.{o.id}.")})
        ids = own + [s for f in figs for s in by_field[f]]
        supported += bool(ids)
        body = "\n>\n".join(_quote(s, texts, lang) for s in dict.fromkeys(ids))
        parts.append(f"**{md_text(name)}**\n\n" + (body if ids else f"*{t['none']}*"))
    parts.insert(1, t["count"].format(n=supported, m=len(m.outcomes)))
    inputs = [i for i in m.inputs if by_field.get(f"impact_map.inputs.{i.id}")]
    if inputs:
        lines = [f"**{t['inputs']}**", ""]
        for i in inputs:
            ids = by_field[f"impact_map.inputs.{i.id}"]
            lines.append(
                f"- {md_text(fmt_text(i.description, lang))}: "
                + "; ".join(f"„{md_text(texts.get(s, t['missing']))}“ (`{s}`)" for s in ids)
            )
        parts.append("\n".join(lines))
    others = [
        f for f in by_field if not f.startswith(("impact_map.outcomes.", "impact_map.inputs."))
    ]
    if others:
        lines = [f"**{t['figures']}**", ""]
        for f in others:
            lines.append(
                f"- `{f}`: "
                + "; ".join(f"„{md_text(texts.get(s, t['missing']))}“ (`{s}`)" for s in by_field[f])
            )
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def evidence_use_table(frame: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The Gesamt-Dokumentation's table of which workshop statements feed which centre's
    impact map (:func:`analysis.pipeline.evidence.evidence_table`), with localised
    headers: workshop, statement id, wording, centre, place in the impact map."""
    labels = EVIDENCE_COLUMN_LABELS["en" if lang == "en" else "de"]
    out = frame[list(labels)].copy()
    return out.rename(columns=labels).reset_index(drop=True)
