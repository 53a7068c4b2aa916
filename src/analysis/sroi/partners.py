"""Partner value exchange: who invests what in a centre, and who receives what value.

Built on an evaluated impact map (:func:`analysis.sroi.engine.evaluate`): inputs are what each
stakeholder puts in (money, rent reductions, premises, conversion, PR, volunteer hours;
present value at the map's discount rate), outcomes are what each stakeholder gets back
(present value of its outcomes). The housing company's *own* return (less vacancy,
tenants staying, image — the outcomes whose stakeholder belongs to the group
``housing_company``) is set beside the social return to everyone else.

The Sankey diagram is a plotly figure; :func:`sankey_html` embeds plotly.js in the
HTML (no CDN), so exported reports work offline. :func:`flows_figure` is a static
matplotlib fallback (mirrored bars) for print and DOCX.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import MaxNLocator

from analysis.formatting import fmt_currency
from analysis.i18n import DEFAULT_LANGUAGE, report_language
from analysis.plots import localise_axis
from analysis.sroi.centre import ImpactMap
from analysis.sroi.engine import SroiResult

GROUP_LABELS = {
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

TEXT = {
    "de": {
        "centre": "Zentrum",
        "invests": "Einsatz",
        "receives": "Nutzen",
        "title": "Wertaustausch der Partner",
    },
    "en": {
        "centre": "Centre",
        "invests": "input",
        "receives": "value",
        "title": "Partner value exchange",
    },
}


def value_exchange(result: SroiResult) -> pd.DataFrame:
    """One row per stakeholder: present value invested and received.

    Columns: ``stakeholder_id``, ``stakeholder``, ``group``, ``invested`` (PV of its
    inputs), ``in_kind`` (PV of in-kind inputs), ``received`` (PV of its outcomes),
    ``net`` (received − invested), ``share_invested``, ``share_received``.
    """
    inputs = result.by_input.assign(
        in_kind_pv=lambda d: d["present_value"].where(d["in_kind"], 0.0)
    )
    inv = inputs.groupby(["stakeholder_id", "stakeholder", "group"], sort=False).agg(
        invested=("present_value", "sum"), in_kind=("in_kind_pv", "sum")
    )
    rec = result.by_stakeholder.set_index(["stakeholder_id", "stakeholder", "group"])[
        ["present_value"]
    ]
    rec = rec.rename(columns={"present_value": "received"})
    out = inv.join(rec, how="outer").fillna(0.0).reset_index()
    out["net"] = out["received"] - out["invested"]
    total_inv, total_rec = out["invested"].sum(), out["received"].sum()
    out["share_invested"] = out["invested"] / total_inv if total_inv else 0.0
    out["share_received"] = out["received"] / total_rec if total_rec else 0.0
    return out.sort_values(["invested", "received"], ascending=False, kind="stable").reset_index(
        drop=True
    )


def flows(result: SroiResult, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Links of the Sankey diagram: investor → centre → beneficiary (present values).

    Columns: ``source``, ``target``, ``value``, ``kind`` ("input" or "outcome").
    A stakeholder that both invests and receives appears once on each side.
    """
    t = TEXT[report_language(lang)]
    ex = value_exchange(result)
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
        title=title or TEXT[report_language(lang)]["title"],
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
    lg = report_language(lang)
    ex = value_exchange(result).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(ex) + 1.5))
    ax.barh(
        ex["stakeholder"], -ex["invested"], color="#0072B2", label=TEXT[lg]["invests"].capitalize()
    )
    ax.barh(
        ex["stakeholder"], ex["received"], color="#009E73", label=TEXT[lg]["receives"].capitalize()
    )
    ax.axvline(0, color="black", linewidth=0.8)
    localise_axis(ax, "x", "currency", lang=lang)
    ax.xaxis.set_major_formatter(
        plt.FuncFormatter(lambda v, _p: fmt_currency(abs(v), decimals=0, lang=lang))
    )
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.tick_params(axis="x", labelsize=8)
    ax.set_title(TEXT[lg]["title"])
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


@dataclass(frozen=True)
class HousingCompanyReturn:
    """The housing company's own return beside the social return it co-finances.

    ``social_value_pro_rata`` attributes the value received by *other* stakeholders to
    the housing company in proportion to its share of the total investment: a simple,
    transparent convention for presentation, not an SROI Guide rule.
    """

    invested: float
    own_return: float
    own_ratio: float | None
    social_value_others: float
    investment_share: float
    social_value_pro_rata: float
    own_outcomes: pd.DataFrame = field(repr=False)

    def table(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """The figures as a two-column table (label, amount) in ``lang``."""
        de = report_language(lang) == "de"
        rows = [
            (
                "Einsatz des Wohnungsunternehmens (Barwert)"
                if de
                else "Housing company's input (PV)",
                self.invested,
            ),
            (
                "Eigene Rendite: Leerstand, Fluktuation, Image (Barwert)"
                if de
                else "Own return: vacancy, turnover, image (PV)",
                self.own_return,
            ),
            (
                "Sozialer Ertrag für alle anderen Beteiligten (Barwert)"
                if de
                else "Social value for all other stakeholders (PV)",
                self.social_value_others,
            ),
            (
                "davon anteilig nach Investitionsanteil (Konvention)"
                if de
                else "of which pro rata to its investment share (convention)",
                self.social_value_pro_rata,
            ),
        ]
        return pd.DataFrame(
            rows, columns=["Position" if de else "Item", "Betrag" if de else "Amount"]
        )


def housing_company_return(result: SroiResult, imap: ImpactMap) -> HousingCompanyReturn | None:
    """The housing company's own return and the social return beside it; None without one."""
    hc_ids = {s.id for s in imap.model.stakeholders if s.group == "housing_company"}
    if not hc_ids:
        return None
    invested = float(
        result.by_input.loc[result.by_input["stakeholder_id"].isin(hc_ids), "present_value"].sum()
    )
    own = result.by_outcome[result.by_outcome["stakeholder_id"].isin(hc_ids)]
    own_return = float(own["present_value"].sum())
    others = result.total_present_value - own_return
    share = invested / result.total_investment if result.total_investment else 0.0
    return HousingCompanyReturn(
        invested=invested,
        own_return=own_return,
        own_ratio=own_return / invested if invested else None,
        social_value_others=others,
        investment_share=share,
        social_value_pro_rata=share * others,
        own_outcomes=own[["outcome_id", "outcome", "impact", "present_value"]].reset_index(
            drop=True
        ),
    )


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
