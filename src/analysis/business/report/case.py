"""Report tables, texts and figures of the business case (German or English).

Keeps wording, labels and number formats out of notebook 22 and out of the engine
(:mod:`analysis.business.case` names its figures by ids): the labels and units of the
figures (for the assumptions table, the tornado and the tipping points), the assumptions
with their sources, revenue, costs and cash flows per year, the summary and break-even
texts, the Monte Carlo reading and the cash-flow chart.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from analysis import plots
from analysis.business.case import FOUND, ZERO, BusinessResult, Figure, figures, model_parameters
from analysis.business.centre import BusinessCase
from analysis.formatting import fmt_text
from analysis.i18n import report_language
from analysis.sensitivity import DISTRIBUTION_NAMES, Parameter
from analysis.sensitivity_text import (
    changes_table,
    changes_text,
    factor_label,
    position_text,
    unit_text,
)

# --------------------------------------------------------------------------------------
# Report tables, texts and figures (German or English, localised numbers)
# --------------------------------------------------------------------------------------

ROWS = {
    "de": {
        "inhabitants": "Einwohner im Einzugsgebiet",
        "range_revenue": "Umsatz Sortiment",
        "range_gross_profit": "Rohertrag Sortiment",
        "service_gross_profit": "Rohertrag Dienstleistungen",
        "subsidies": "Zuschüsse",
        "rent": "Miete",
        "staff": "Personal",
        "energy": "Energie",
        "other": "Sonstige Kosten",
        "operating_result": "Betriebsergebnis",
        "investment": "Startinvestition (bar und Sachleistung)",
        "residual_value": "Restwert",
        "project_cash_flow": "Zahlungsstrom des Projekts",
        "present_value": "Barwert",
        "cumulative_present_value": "Kumulierter Barwert",
        "financing": "Finanzierung (Anteile, Zuschüsse, Eigenmittel, Darlehen)",
        "interest": "Zinsen",
        "repayment": "Tilgung",
        "dividends": "Dividenden",
        "cash_balance": "Kassenbestand des Betreibers",
        "year": "Jahr",
        "item": "Position",
        "value": "Wert",
        "basis": "Grundlage",
        "range": "Unsicherheit",
        "source": "Quelle",
        "assumption": "Annahme",
        "default": "Vorgabe",
        "name": "Sortiment/Dienstleistung",
        "revenue": "Umsatz je Jahr (€)",
        "gross_margin": "Rohertragsquote",
        "gross_profit": "Rohertrag je Jahr (€)",
        "cost": "Kostenart",
        "per_year": "Betrag je Jahr (€)",
        "rent_premises": "Miete Ladenlokal",
    },
    "en": {
        "inhabitants": "Inhabitants of the catchment",
        "range_revenue": "Revenue of the ranges",
        "range_gross_profit": "Gross profit of the ranges",
        "service_gross_profit": "Gross profit of the services",
        "subsidies": "Subsidies",
        "rent": "Rent",
        "staff": "Staff",
        "energy": "Energy",
        "other": "Other costs",
        "operating_result": "Operating result",
        "investment": "Start-up investment (cash and in kind)",
        "residual_value": "Residual value",
        "project_cash_flow": "Project cash flow",
        "present_value": "Present value",
        "cumulative_present_value": "Cumulative present value",
        "financing": "Financing (shares, grants, own funds, loan)",
        "interest": "Interest",
        "repayment": "Repayment",
        "dividends": "Dividends",
        "cash_balance": "Operator's cash balance",
        "year": "Year",
        "item": "Item",
        "value": "Value",
        "basis": "Basis",
        "range": "Uncertainty",
        "source": "Source",
        "assumption": "Assumption",
        "default": "Default",
        "name": "Range/service",
        "revenue": "Revenue per year (€)",
        "gross_margin": "Gross margin",
        "gross_profit": "Gross profit per year (€)",
        "cost": "Cost",
        "per_year": "Amount per year (€)",
        "rent_premises": "Rent of the premises",
    },
}

FIGURE_LABELS = {  # term of a figure (analysis.business.case.Figure) → label
    "de": {
        "discount_rate": "Diskontsatz (Kapitalkosten)",
        "first_year_share": "Anlaufjahr: Anteil am vollen Umsatz",
        "inhabitants": "Einzugsgebiet: Einwohner",
        "population_change": "Einzugsgebiet: Bevölkerungsveränderung je Jahr",
        "spending_per_head": "Ausgaben je Kopf und Jahr",
        "capture_rate": "Abschöpfungsquote",
        "gross_margin": "Rohertragsquote",
        "revenue": "Erlös je Jahr",
        "area": "Ladenlokal: Fläche",
        "market_rent": "Ladenlokal: Marktmiete",
        "rent_reduction": "Ladenlokal: Mietnachlass",
        "vacancy_without_centre": "Ladenlokal: Leerstand ohne Zentrum",
        "shares": "Anzahl Anteile",
        "share_price": "Preis je Anteil",
        "dividend_rate": "Dividende",
        "amount": "Betrag",
        "subsidy": "Zuschuss je Jahr",
        "investment": "Startinvestition",
        "loan_amount": "Darlehen: Betrag",
        "interest_rate": "Darlehen: Zinssatz",
        "residual_value": "Restwert am Ende",
    },
    "en": {
        "discount_rate": "discount rate (cost of capital)",
        "first_year_share": "first year: share of full revenue",
        "inhabitants": "catchment: inhabitants",
        "population_change": "catchment: population change per year",
        "spending_per_head": "spending per head and year",
        "capture_rate": "capture rate",
        "gross_margin": "gross margin",
        "revenue": "revenue per year",
        "area": "premises: area",
        "market_rent": "premises: market rent",
        "rent_reduction": "premises: rent reduction",
        "vacancy_without_centre": "premises: vacancy without the centre",
        "shares": "number of shares",
        "share_price": "price per share",
        "dividend_rate": "dividend",
        "amount": "amount",
        "subsidy": "subsidy per year",
        "investment": "start-up investment",
        "loan_amount": "loan: amount",
        "interest_rate": "loan: interest rate",
        "residual_value": "residual value at the end",
    },
}

FIGURE_NOTES = {  # why an absent optional figure takes its default
    "de": {
        "no_ramp": "kein Anlaufjahr angegeben: voller Umsatz ab Jahr 1",
        "no_change": "keine Bevölkerungsveränderung angegeben: konstant",
        "net_revenue": "Erlös ist bereits netto (Provision, Miete)",
        "no_vacancy": "Vermieter ist kein Partner: nicht angesetzt",
        "no_dividend": "keine Dividende angegeben",
        "no_residual": "kein Restwert angegeben",
    },
    "en": {
        "no_ramp": "no ramp-up given: full revenue from year 1",
        "no_change": "no population change given: constant",
        "net_revenue": "revenue is already net (commission, rent)",
        "no_vacancy": "landlord is not a partner: not counted",
        "no_dividend": "no dividend given",
        "no_residual": "no residual value given",
    },
}

UNITS = {  # unit ids of the figures; symbols (%, €, m²) and a cost's own unit are shown as is
    "de": {
        "inhabitants": "Einw.",
        "per_head_year": "€/Kopf/Jahr",
        "per_year": "€/Jahr",
        "per_m2_month": "€/m²/Monat",
        "shares": "Anteile",
    },
    "en": {
        "inhabitants": "inh.",
        "per_head_year": "€/head/year",
        "per_year": "€/year",
        "per_m2_month": "€/m²/month",
        "shares": "shares",
    },
}


def _item_name(item: Any, lang: str) -> str:
    """Name of a range, service or cost (``name_en`` in English, if given); description
    of start capital, a subsidy or an investment."""
    if getattr(item, "name", None) is None:
        return fmt_text(item.description, lang)
    return item.name_en if lang == "en" and getattr(item, "name_en", None) else item.name


def figure_label(f: Figure, lang: str = "de") -> str:
    """The label of a figure of the business section in ``lang``, e.g. "Lebensmittel:
    Abschöpfungsquote" or "Startinvestition: Umbau"."""
    lg = report_language(lang)
    t = FIGURE_LABELS[lg]
    if f.term == "cost":  # a cost, and its factor unless it is the single "value"
        label = _item_name(f.item, lg)
        if len(f.item.factors) > 1 or f.factor != "value":
            label += f": {factor_label(str(f.factor), None, lg)}"
        return label
    if f.term == "investment":
        return f"{t['investment']}: {fmt_text(f.item.description, lg)}"
    if f.item is None:
        return t[f.term]
    return f"{_item_name(f.item, lg)}: {t[f.term]}"


def figure_unit(f: Figure, lang: str = "de") -> str:
    """The unit of a figure in ``lang`` (ids translated; symbols and a cost's own unit as is)."""
    lg = report_language(lang)
    return UNITS[lg].get(f.unit, unit_text(f.unit, lg) if f.unit else f.unit)


def labelled_parameters(case: BusinessCase, lang: str = "de") -> list[Parameter]:
    """The model's parameters with labels in ``lang`` (amounts with their unit), for the
    tornado and the tipping points; same order and values as
    :func:`analysis.business.case.model_parameters`."""
    out = []
    for p, f in zip(model_parameters(case), figures(case), strict=True):
        label, unit = figure_label(f, lang), figure_unit(f, lang)
        redundant = not unit or label.lower().endswith(unit.lower()) or unit in ("Faktor", "factor")
        label = f"{label} ({unit})" if f.kind == "amount" and not redundant else label
        out.append(dataclasses.replace(p, label=label))
    return out


_SIGNED = {  # rows shown as outflows (negative) in the cash-flow table
    "rent",
    "staff",
    "energy",
    "other",
    "investment",
    "interest",
    "repayment",
    "dividends",
}


def _fmt_figure(value: float, kind: str, lang: str) -> str:
    from analysis.formatting import fmt_number, fmt_percent

    if kind in ("fraction", "change"):
        return fmt_percent(value, 1, lang)
    return fmt_number(value, 0 if abs(value) >= 100 or float(value).is_integer() else 2, lang)


def assumptions_table(case: BusinessCase, lang: str = "de") -> pd.DataFrame:
    """Every figure of the business model with its value, unit, basis and range.

    The basis is the figure's ``source`` and/or ``assumption`` (as in the centre file);
    absent optional figures show the neutral default the model uses.
    """
    lg = report_language(lang)
    t = ROWS[lg]
    rows = []
    for f in figures(case):
        fig = f.fig
        if fig is None:
            note = FIGURE_NOTES[lg][f.note] if f.note else ""
            basis = f"{t['default']}: {note}"
            spread = ""
        else:
            parts = []
            if fig.source:
                parts.append(f"{t['source']}: {fig.source}")
            if fig.assumption:
                parts.append(f"{t['assumption']}: {fmt_text(fig.assumption, lg)}")
            basis = " ".join(parts)
            spread = ""
            if fig.low is not None and fig.high is not None:
                lo, hi = (_fmt_figure(v, f.kind, lg) for v in (fig.low, fig.high))
                name = DISTRIBUTION_NAMES[lg].get(fig.distribution or "", fig.distribution)
                spread = f"{name} {lo} – {hi}"
        unit = "" if f.kind != "amount" or not f.unit else f" {figure_unit(f, lg)}"
        rows.append(
            {
                t["item"]: figure_label(f, lg),
                t["value"]: _fmt_figure(f.value, f.kind, lg) + unit,
                t["range"]: spread,
                t["basis"]: basis,
            }
        )
    return pd.DataFrame(rows)


def cash_flow_table(result: BusinessResult, lang: str = "de") -> pd.DataFrame:
    """The yearly cash flow as a business plan: positions as rows, years as columns.

    Costs, investment and capital service are shown as negative amounts; ``present
    value`` discounts the project cash flow to year 0 (year 0 undiscounted).
    """
    from analysis.formatting import fmt_number

    lg = report_language(lang)
    t = ROWS[lg]
    by_year = result.by_year
    order = [
        "inhabitants",
        "range_revenue",
        "range_gross_profit",
        "service_gross_profit",
        "subsidies",
        "rent",
        "staff",
        "energy",
        "other",
        "operating_result",
        "investment",
        "residual_value",
        "project_cash_flow",
        "present_value",
        "cumulative_present_value",
        "financing",
        "interest",
        "repayment",
        "dividends",
        "cash_balance",
    ]
    if not (by_year["subsidies"] != 0).any():
        order.remove("subsidies")
    if not (by_year["interest"] != 0).any() and not (by_year["repayment"] != 0).any():
        order = [k for k in order if k not in ("interest", "repayment")]
    if not (by_year["dividends"] != 0).any():
        order.remove("dividends")
    rows = {}
    for key in order:
        values = by_year[key].to_numpy(dtype=float)
        if key in _SIGNED:
            values = 0.0 - values + 0.0  # outflows negative; + 0.0 turns −0 into 0
        rows[t[key]] = [fmt_number(v, 0, lg) for v in values]
    columns = [f"{t['year']} {y}" for y in by_year["year"]]
    out = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    out.index.name = t["item"]
    return out.reset_index()


def sources_table(result: BusinessResult, lang: str = "de") -> pd.DataFrame:
    """Revenue and gross profit of each range and service in a full year (year 1 without
    ramp-up), formatted."""
    from analysis.formatting import format_frame

    lg = report_language(lang)
    t = ROWS[lg]
    df = result.by_source.assign(name=lambda d: d["name_en"] if lg == "en" else d["name"])
    df = df[["name", "revenue", "gross_margin", "gross_profit"]]
    out = format_frame(
        df, {"revenue": "number:0", "gross_margin": "percent:0", "gross_profit": "number:0"}, lg
    )
    return out.rename(columns={k: t[k] for k in df.columns})


def costs_table(result: BusinessResult, lang: str = "de") -> pd.DataFrame:
    """Running costs per year (rent and each cost of the file), formatted."""
    from analysis.formatting import format_frame

    lg = report_language(lang)
    t = ROWS[lg]
    df = result.by_cost.assign(cost=lambda d: d["name_en"] if lg == "en" else d["name"])
    df.loc[df["kind"] == "rent", "cost"] = t["rent_premises"]  # the engine's row for the rent
    out = format_frame(df[["cost", "per_year"]], {"per_year": "number:0"}, lg)
    return out.rename(columns={"cost": t["cost"], "per_year": t["per_year"]})


def summary_text(result: BusinessResult, lang: str = "de") -> str:
    """Two or three sentences on NPV, IRR, payback and liquidity (Markdown)."""
    from analysis.formatting import fmt_currency, fmt_number, fmt_percent

    def eur(v: float) -> str:
        return fmt_currency(v, decimals=0, lang=lang)

    en = report_language(lang) == "en"
    rate = fmt_percent(result.discount_rate, 1, lang)
    irr = fmt_percent(result.irr, 1, lang) if result.irr is not None else "–"
    payback = (
        fmt_number(result.payback_years, 1, lang) if result.payback_years is not None else None
    )
    if en:
        text = (
            f"Over {result.horizon} years the project cash flow has a net present value of "
            f"**{eur(result.npv)}** at a cost of capital of {rate} (investment "
            f"{eur(result.investment)}, of which {eur(result.in_kind)} in kind); internal rate "
            f"of return **{irr}**. "
        )
        text += (
            f"Discounted payback after {payback} years. "
            if payback
            else "The investment is not paid back within the horizon. "
        )
        text += (
            f"The operator stays liquid (lowest cash balance {eur(result.min_cash)})."
            if result.liquid
            else f"**The operator's cash turns negative in year "
            f"{result.first_negative_cash_year}** (lowest balance {eur(result.min_cash)} in year "
            f"{result.min_cash_year}): without more capital or better results the centre cannot "
            "pay its bills."
        )
        return text
    text = (
        f"Über {result.horizon} Jahre hat der Zahlungsstrom des Projekts bei Kapitalkosten von "
        f"{rate} einen Kapitalwert von **{eur(result.npv)}** (Startinvestition "
        f"{eur(result.investment)}, davon {eur(result.in_kind)} als Sachleistung); interner "
        f"Zinsfuß **{irr}**. "
    )
    text += (
        f"Dynamische Amortisation nach {payback} Jahren. "
        if payback
        else "Die Investition amortisiert sich innerhalb des Zeitraums nicht. "
    )
    text += (
        f"Der Betreiber bleibt zahlungsfähig (niedrigster Kassenbestand {eur(result.min_cash)})."
        if result.liquid
        else f"**Der Kassenbestand des Betreibers wird in Jahr "
        f"{result.first_negative_cash_year} negativ** (Tiefststand {eur(result.min_cash)} in "
        f"Jahr {result.min_cash_year}): Ohne zusätzliches Kapital oder bessere Ergebnisse kann "
        "das Zentrum seine Rechnungen nicht bezahlen."
    )
    return text


def break_even_text(result: BusinessResult, lang: str = "de") -> str:
    """Break-even capture rate, catchment and minimum rent reduction as a Markdown list."""
    from analysis.formatting import fmt_currency, fmt_int, fmt_number, fmt_percent

    be, en = result.break_even, report_language(lang) == "en"
    lines = []
    base_cap = fmt_percent(be.capture_rate_base, 1, lang)
    if be.capture_status == FOUND:
        cap = fmt_percent(be.capture_rate, 1, lang)
        lines.append(
            f"Break-even capture rate: **{cap}** of the catchment's spending on the ranges "
            f"(assumed: {base_cap})."
            if en
            else f"Break-even-Abschöpfungsquote: **{cap}** der Ausgaben des Einzugsgebiets für "
            f"die Sortimente (angenommen: {base_cap})."
        )
    elif be.capture_status == ZERO:
        lines.append(
            "The services and subsidies alone cover costs and investment: any capture rate "
            "breaks even."
            if en
            else "Dienstleistungen und Zuschüsse allein decken Kosten und Investition: jede "
            "Abschöpfungsquote erreicht den Break-even."
        )
    else:
        lines.append(
            "No capture rate up to 100 % in every range reaches break-even."
            if en
            else "Keine Abschöpfungsquote bis 100 % je Sortiment erreicht den Break-even."
        )
    base_inh = fmt_int(be.inhabitants_base, lang)
    if be.inhabitants_status == FOUND:
        inh = fmt_int(math.ceil(be.inhabitants), lang)
        lines.append(
            f"Break-even catchment: **{inh} inhabitants** (assumed: {base_inh})."
            if en
            else f"Break-even-Einzugsgebiet: **{inh} Einwohner** (angenommen: {base_inh})."
        )
    elif be.inhabitants_status == ZERO:
        lines.append(
            "Break-even is reached without any customers from the ranges."
            if en
            else "Der Break-even wird auch ohne Sortimentskundschaft erreicht."
        )
    else:
        lines.append(
            "No catchment size reaches break-even (the ranges earn no gross profit)."
            if en
            else "Keine Größe des Einzugsgebiets erreicht den Break-even (kein Rohertrag)."
        )
    if be.rent_status == ZERO:
        lines.append(
            "No rent reduction is needed: the centre breaks even at the market rent."
            if en
            else "Kein Mietnachlass nötig: Das Zentrum erreicht den Break-even zur Marktmiete."
        )
    elif be.rent_status == FOUND:
        red = fmt_number(be.rent_reduction, 2, lang)
        share = fmt_percent(be.rent_reduction_share, 0, lang)
        year = fmt_currency(be.rent_reduction_per_year, decimals=0, lang=lang)
        lines.append(
            f"Minimum rent reduction for break-even: **{red} € per m² and month** ({share} of "
            f"the market rent, {year} a year)."
            if en
            else f"Mindest-Mietnachlass für den Break-even: **{red} € je m² und Monat** ({share} "
            f"der Marktmiete, {year} im Jahr)."
        )
    else:
        gap = fmt_currency(-be.rent_free_npv, decimals=0, lang=lang)
        lines.append(
            f"Not even a rent-free lease reaches break-even (NPV still {gap} short)."
            if en
            else f"Selbst mietfrei wird der Break-even nicht erreicht (Kapitalwert fehlen noch "
            f"{gap})."
        )
    return "\n".join(f"- {line}" for line in lines)


def monte_carlo_text(mc: Any, lang: str = "de", params: Sequence[Parameter] | None = None) -> str:
    """On a Monte Carlo result of the NPV: quantiles, P(NPV > 0), and where the
    deterministic NPV sits among the draws (:func:`analysis.sensitivity_text.position_text`;
    ``params``, with labels, name the figures that explain a position outside 5–95 %)."""
    from analysis.formatting import fmt_currency, fmt_number, fmt_percent

    q = mc.quantiles()
    lo, med, hi = (fmt_currency(q[k], decimals=0, lang=lang) for k in (0.05, 0.5, 0.95))
    n, p = fmt_number(mc.draws, 0, lang), fmt_percent(mc.p_exceeds, 1, lang)
    shown = fmt_currency(mc.deterministic, decimals=0, lang=lang)
    position = position_text(mc, lang, shown, params)
    if report_language(lang) == "en":
        return (
            f"Monte Carlo with {n} draws (seed {mc.seed}) over the declared uncertainties: NPV "
            f"5 % quantile {lo}, median {med}, 95 % quantile {hi}; probability of a positive "
            f"NPV: {p}. {position}"
        )
    return (
        f"Monte-Carlo-Simulation mit {n} Ziehungen (Startwert {mc.seed}) über die erklärten "
        f"Unsicherheiten: Kapitalwert 5-%-Quantil {lo}, Median {med}, 95-%-Quantil {hi}; "
        f"Wahrscheinlichkeit eines positiven Kapitalwerts: {p}. {position}"
    )


def scenario_table(case: BusinessCase, lang: str = "de") -> pd.DataFrame:
    """What the case's scenario did to each business figure it changes (base value and
    range, the scenario's value, the Monte Carlo range, the rule), worded like the
    impact map's (:func:`analysis.sensitivity_text.changes_table`: one rule, one wording)."""
    lg = report_language(lang)
    by_path = {f.name: f for f in figures(case)}

    def label(path: str) -> str:
        f = by_path[path]
        unit = figure_unit(f, lg)
        return (
            f"{figure_label(f, lg)} ({unit})"
            if unit and f.kind == "amount"
            else figure_label(f, lg)
        )

    def fmt(path: str, value: float) -> str:
        return _fmt_figure(value, by_path[path].kind, lg)

    return changes_table(case.changes, label, fmt, lg)


def scenario_text(case: BusinessCase, lang: str = "de") -> str:
    """One sentence on what the case's scenario does to the business figures."""
    return changes_text(case.changes, case.scenario or "base", lang)


def region_text(case: BusinessCase, lang: str = "de") -> str | None:
    """A sentence on the catchment's municipality in the Deutschlandatlas, if linked."""
    from analysis.formatting import fmt_number

    reg = case.region
    if not reg:
        return None
    change = fmt_number(reg["bev_entw"], 2, lang) if reg["bev_entw"] is not None else "–"
    minutes = fmt_number(reg["p_markt"], 1, lang) if reg["p_markt"] is not None else "–"
    if report_language(lang) == "en":
        return (
            f"Regional context: {reg['name']} (GKZ {reg['key']}) — population change 2017–2022 "
            f"{change} % a year; {minutes} minutes by car to the nearest supermarket or "
            f"discounter (2021). *Source: {reg['source']}.*"
        )
    return (
        f"Regionaler Kontext: {reg['name']} (GKZ {reg['key']}) – Bevölkerungsentwicklung "
        f"2017–2022 {change} % pro Jahr; {minutes} Minuten Pkw-Fahrzeit zum nächsten Supermarkt "
        f"oder Discounter (2021). *Quelle: {reg['source']}.*"
    )


def cash_flow_figure(result: BusinessResult, lang: str = "de"):
    """Operating result per year (bars), cumulative present value of the project and the
    operator's cash balance (lines), in localised euros."""
    import matplotlib.pyplot as plt

    from analysis.plots import localise_axis

    lg = report_language(lang)
    t = ROWS[lg]
    y = result.by_year
    fig, ax = plt.subplots()
    ops = y[y["year"] >= 1]
    colours = ["#009E73" if v >= 0 else "#D55E00" for v in ops["operating_result"]]
    ax.bar(ops["year"], ops["operating_result"], color=colours, label=t["operating_result"])
    ax.plot(
        y["year"],
        y["cumulative_present_value"],
        color="#0072B2",
        marker="o",
        label=t["cumulative_present_value"],
    )
    ax.plot(y["year"], y["cash_balance"], color="#333333", linestyle="--", label=t["cash_balance"])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel(t["year"])
    ax.set_xticks(list(y["year"]))
    localise_axis(ax, "y", "currency", lang=lg)
    ax.legend(fontsize=8)
    ax.set_title("Zahlungsströme des Zentrums" if lg == "de" else "Cash flows of the centre")
    fig.tight_layout()
    return plots.fit_ticks(fig)


def euro_axis(fig: Any, lang: str = "de", ticks: int = 5) -> Any:
    """Show the x axis of a sensitivity figure (tornado, histogram of the NPV) in compact
    euros (``200 Tsd. €``) with at most ``ticks`` ticks, thinned where labels would
    overlap; returns ``fig``."""
    from matplotlib.ticker import MaxNLocator

    from analysis.plots import fit_ticks, localise_axis

    ax = fig.axes[0]
    localise_axis(ax, "x", "currency", lang=report_language(lang))
    ax.xaxis.set_major_locator(MaxNLocator(ticks, steps=[1, 2, 2.5, 5, 10]))
    ax.tick_params(axis="x", labelsize=8)
    return fit_ticks(fig)
