"""Report pieces of the SROI notebooks (German by default, English available).

Keeps wording, labels and number formats out of notebook 20: the centre header with
its data status and public facts, the tipping-point and value-exchange tables and the
bar chart of value by stakeholder. Every ``*_table`` returns a DataFrame of display
strings with localised headers (show it with :func:`analysis.formatting.report_table`).
"""

from __future__ import annotations

import pandas as pd

from analysis import plots
from analysis.formatting import fmt_number, format_frame, md_text
from analysis.i18n import DEFAULT_LANGUAGE
from analysis.sensitivity import FOUND, NONE_IN_RANGE
from analysis.sroi import centre as sroi_centre
from analysis.sroi import engine as sroi
from analysis.sroi import partners as partners
from analysis.sroi.centre import ImpactMap
from analysis.sroi.engine import SroiResult

_STATUS = {
    "de": {"fictional": "fiktiv", "synthetic": "synthetisch", "real": "real"},
    "en": {"fictional": "fictional", "synthetic": "synthetic", "real": "real"},
}


def _de(lang: str) -> bool:
    return lang != "en"


def centre_header(imap: ImpactMap, scenario: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Markdown: centre name, data status with its note, the scenario, the public facts
    with their sources (every report says whether its data are real). The centre file's
    free text goes through :func:`~analysis.formatting.md_text`: shown as written, never
    as markup, with web addresses as working links."""
    de = _de(lang)
    centre = imap.model.centre
    scen = imap.model.scenarios.get(scenario)
    desc = md_text(scen.description if scen is not None else scenario)
    status = _STATUS["de" if de else "en"].get(centre.status, centre.status)
    lines = [
        f"## {md_text(centre.name)}",
        "",
        (f"**Datenstatus: {status}.** " if de else f"**Data status: {status}.** ")
        + md_text(centre.status_note),
        "",
        (f"**Szenario:** {scenario} – {desc}" if de else f"**Scenario:** {scenario} – {desc}"),
    ]
    if centre.facts:
        lines += ["", "### Öffentliche Fakten" if de else "### Public facts", ""]
        lines += [f"- {md_text(f.fact)} *({md_text(f.source)})*" for f in centre.facts]
    return "\n".join(lines)


def tipping_table(
    tp: pd.DataFrame, lang: str = DEFAULT_LANGUAGE, at: str | None = None
) -> pd.DataFrame:
    """Tipping points (:func:`analysis.sensitivity.tipping_points`) for the report;
    ``at`` heads the column of tipping values (default: the SROI ratio's 1 : 1)."""
    de = _de(lang)
    status = {
        FOUND: "gefunden" if de else "found",
        NONE_IN_RANGE: "nicht im Bereich" if de else "none in range",
    }
    shown = tp.assign(status=tp["status"].map(status))[["label", "base", "tipping_value", "status"]]
    for col in ("base", "tipping_value"):  # rates and fractions need three decimals
        shown[col] = [fmt_number(v, 3 if abs(v) < 1 else 2, lang) for v in shown[col]]
    return shown.rename(
        columns={
            "label": "Annahme" if de else "Assumption",
            "base": "Basiswert" if de else "Base value",
            "tipping_value": at or ("Wert bei Quote 1 : 1" if de else "Value at ratio 1 : 1"),
            "status": "Ergebnis" if de else "Result",
        }
    )


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


def stakeholder_figure(result: SroiResult, lang: str = DEFAULT_LANGUAGE):
    """Horizontal bars: present value of the outcomes per stakeholder."""
    import matplotlib.pyplot as plt

    st = result.by_stakeholder.sort_values("present_value")
    fig, ax = plt.subplots()
    ax.barh(st["stakeholder"], st["present_value"])
    plots.localise_axis(ax, "x", "currency", lang=lang)
    ax.set_title(
        "Barwert der Wirkungen nach Stakeholder"
        if _de(lang)
        else "Present value of outcomes by stakeholder"
    )
    fig.tight_layout()
    return fig


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
    shown = format_frame(
        cmp[list(_COMPARISON)], {c: v[2] for c, v in _COMPARISON.items() if v[2]}, lang=lang
    )
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
                "Zentrum" if de else "Centre": imap.model.centre.name,
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
