"""Blended return per partner: money beside the social value of a centre.

"Rendite muss aber nicht nur Geld sein" (seed protocol): for each partner role (social
organisation, housing company, municipality, residents, volunteers, citizen
shareholders …) this module sets its financial flows from the business model
(:mod:`analysis.business`) beside its share of the social value from the SROI
(:mod:`analysis.sroi`). Conventions:

* **Money** is what a partner pays or receives because of the centre, against "no
  centre", in the years 0 … h, discounted at the business model's cost of capital
  (numpy-financial's NPV convention: year 0 undiscounted, year t by (1 + r)^t):
  citizen shareholders − shares, + dividends; grantors − grants and − recurring
  subsidies; partners − own funds and contributions in kind (e.g. a conversion); the
  landlord, when a partner, − the rent it gives up (reduction × area × 12) and + the
  avoided vacancy loss (market rent × area × 12 × share of time the unit would stand
  empty without the centre); a lender who is a partner − the loan, + interest and
  repayment; the operator + the centre's cash after financing (opening cash, then
  operating result − capital service − dividends) and the residual value at the end
  of the business horizon. Wages and purchases are the centre's costs, not partner
  income: the value of jobs and local supply is counted once, in the SROI outcomes.
  Over the full horizon the partners' money adds up to the project NPV less the
  transfers (subsidies, rent given up) plus the avoided vacancy loss.
* **Social value received** is the present value of the SROI outcomes of the partner's
  stakeholders (SROI Guide 2012, at the impact map's own rate and period).
* **Social value co-created** is the total SROI present value × the partner's share of
  the SROI inputs — the pro-rata convention of
  :class:`analysis.sroi.partners.HousingCompanyReturn`, a presentation rule, not a Guide rule.
* **Blended return** = money (net) + social value received.
* The horizon ``h`` defaults to the impact map's analysis period, so money and social
  value cover the same years (capped at the business horizon).
* The housing company's **full return** (the headline for a board) = its money (net) +
  the social value of its own outcomes (vacancy, turnover, image) + its pro-rata share of
  the social value the centre creates for everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.business import case as biz
from analysis.business import centre as business_centre
from analysis.formatting import fmt_currency, fmt_number, format_frame
from analysis.i18n import DEFAULT_LANGUAGE, report_language
from analysis.sroi import centre as sroi_centre
from analysis.sroi import engine as sroi
from analysis.sroi import partners as partners
from analysis.sroi.schema import STAKEHOLDER_GROUPS

FLOW_KINDS = (
    "shares",
    "dividends",
    "own_funds",
    "in_kind",
    "grant",
    "subsidy",
    "rent_given_up",
    "avoided_vacancy",
    "loan",
    "loan_service",
    "centre_result",
)

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


def default_horizon(case: business_centre.BusinessCase) -> int:
    """The impact map's analysis period, capped at the business horizon."""
    return min(case.imap.period, case.horizon)


def partner_flows(case: business_centre.BusinessCase, horizon: int | None = None) -> pd.DataFrame:
    """Every money flow between the centre and its partners, year by year (long table).

    Columns: ``stakeholder_id``, ``stakeholder``, ``group``, ``kind`` (one of
    :data:`FLOW_KINDS`), ``year`` (0 … h), ``amount`` (€, from the partner's side: + in,
    − out), ``present_value`` (at the business discount rate, year 0 undiscounted).
    """
    b, H = case.model, case.horizon
    h = H if horizon is None else max(0, min(int(horizon), H))
    core = biz.base_flows(case)
    names, groups = case.stakeholder_names(), case.stakeholder_groups()
    rows: list[tuple[str, str, int, float]] = []

    def add(partner: str, kind: str, year: int, amount: float) -> None:
        if year <= h and amount != 0:
            rows.append((partner, kind, year, float(amount)))

    for sc in b.start_capital:
        if sc.kind == "shares":
            capital = sc.shares.value * sc.share_price.value  # type: ignore[union-attr]
            rate = sc.dividend_rate.value if sc.dividend_rate is not None else 0.0
            add(sc.partner, "shares", 0, -capital)
            for t in range(1, H + 1):
                add(sc.partner, "dividends", t, capital * rate)
        else:
            add(sc.partner, sc.kind, 0, -sc.amount.value)  # type: ignore[union-attr]
    for sub in b.subsidies:
        last = H if sub.years is None else min(H, sub.first_year + sub.years - 1)
        for t in range(sub.first_year, last + 1):
            add(sub.partner, "subsidy", t, -sub.amount.value)
    if b.premises.landlord is not None:
        for t in range(1, H + 1):
            add(b.premises.landlord, "rent_given_up", t, -core["rent_given_up"])
            add(b.premises.landlord, "avoided_vacancy", t, core["avoided_vacancy"])
    if b.loan is not None and b.loan.lender is not None:
        add(b.loan.lender, "loan", 0, -core["loan"])
        for t in range(1, H + 1):
            add(
                b.loan.lender, "loan_service", t, core["interest"][t - 1] + core["repayment"][t - 1]
            )
    for t in range(H + 1):
        add(b.operator, "centre_result", t, core["operator"][t])
    if h == H:
        add(b.operator, "centre_result", H, core["residual"])
    out = pd.DataFrame(rows, columns=["stakeholder_id", "kind", "year", "amount"])
    out.insert(1, "stakeholder", out["stakeholder_id"].map(names))
    out.insert(2, "group", out["stakeholder_id"].map(groups))
    out["present_value"] = out["amount"] / (1.0 + case.discount_rate) ** out["year"]
    return out


@dataclass(frozen=True)
class HousingCompanyBlended:
    """The housing company's full return: money + own social value + co-created value.

    ``per_euro`` = (money received + own social value + co-created value) ÷ money put in:
    what each euro of conversion and rent given up brings back, in money and social value.
    """

    money_in: float
    money_out: float
    money_net: float
    own_social_value: float
    co_created: float
    investment_share: float
    total: float
    per_euro: float | None
    sroi_invested: float


@dataclass(frozen=True)
class BlendedReturn:
    """Money and social value per partner role of one centre and scenario."""

    centre_id: str
    scenario: str | None
    horizon: int
    money_rate: float
    social_rate: float
    social_period: int
    table: pd.DataFrame = field(repr=False)
    by_kind: pd.DataFrame = field(repr=False)
    flows: pd.DataFrame = field(repr=False)
    housing_company: HousingCompanyBlended | None = None

    def key_figures(self) -> dict[str, float | None]:
        hc = self.housing_company
        return {
            "money_total": float(self.table["money_net"].sum()),
            "social_value_total": float(self.table["social_received"].sum()),
            "blended_total": float(self.table["blended"].sum()),
            "hc_money_net": hc.money_net if hc else None,
            "hc_full_return": hc.total if hc else None,
            "hc_per_euro": hc.per_euro if hc else None,
        }


def blended_return(
    case: business_centre.BusinessCase,
    sroi_result: sroi.SroiResult | None = None,
    horizon: int | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> BlendedReturn:
    """Money and social value per partner role (see the module docstring).

    ``sroi_result`` defaults to the SROI of the same centre file and scenario;
    ``horizon`` to :func:`default_horizon`. The table has one row per stakeholder group
    of the file (in the order of :data:`analysis.sroi.schema.STAKEHOLDER_GROUPS`).
    """
    lg = report_language(lang)
    res = sroi_result if sroi_result is not None else sroi.evaluate(case.imap, lang=lg)
    h = default_horizon(case) if horizon is None else min(int(horizon), case.horizon)
    flows = partner_flows(case, h)
    present = {s.group for s in case.imap.model.stakeholders}
    order = [g for g in STAKEHOLDER_GROUPS if g in present]
    pv = flows.groupby("group")["present_value"]
    money_in = pv.apply(lambda s: s[s > 0].sum()).reindex(order, fill_value=0.0)
    money_out = pv.apply(lambda s: -s[s < 0].sum()).reindex(order, fill_value=0.0)
    received = res.by_stakeholder.groupby("group")["present_value"].sum()
    ex = partners.value_exchange(res).groupby("group")["share_invested"].sum()
    table = pd.DataFrame(
        {
            "group": order,
            "partner": [GROUP_LABELS[lg][g] for g in order],
            "money_in": money_in.to_numpy(dtype=float),
            "money_out": money_out.to_numpy(dtype=float),
        }
    )
    table["money_net"] = table["money_in"] - table["money_out"]
    table["social_received"] = received.reindex(order, fill_value=0.0).to_numpy(dtype=float)
    table["blended"] = table["money_net"] + table["social_received"]
    table["social_co_created"] = (
        ex.reindex(order, fill_value=0.0).to_numpy(dtype=float) * res.total_present_value
    )
    by_kind = (
        flows.pivot_table(
            index="group", columns="kind", values="present_value", aggfunc="sum", fill_value=0.0
        )
        .reindex(index=order, fill_value=0.0)
        .reindex(columns=[k for k in FLOW_KINDS if k in set(flows["kind"])], fill_value=0.0)
    )
    hc = None
    if "housing_company" in order:
        ret = partners.housing_company_return(res, case.imap)
        row = table.set_index("group").loc["housing_company"]
        assert ret is not None
        total = float(row["money_net"]) + ret.own_return + ret.social_value_pro_rata
        back = float(row["money_in"]) + ret.own_return + ret.social_value_pro_rata
        hc = HousingCompanyBlended(
            money_in=float(row["money_in"]),
            money_out=float(row["money_out"]),
            money_net=float(row["money_net"]),
            own_social_value=ret.own_return,
            co_created=ret.social_value_pro_rata,
            investment_share=ret.investment_share,
            total=total,
            per_euro=back / float(row["money_out"]) if row["money_out"] > 0 else None,
            sroi_invested=ret.invested,
        )
    return BlendedReturn(
        centre_id=case.centre_id,
        scenario=case.scenario,
        horizon=h,
        money_rate=case.discount_rate,
        social_rate=res.discount_rate,
        social_period=res.period,
        table=table,
        by_kind=by_kind,
        flows=flows,
        housing_company=hc,
    )


# --------------------------------------------------------------------------------------
# Report table, chart and text
# --------------------------------------------------------------------------------------


def report_frame(br: BlendedReturn, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The per-partner table with localised labels and amounts (for ``report_table``)."""
    from analysis.formatting import format_frame

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
    out = format_frame(br.table[cols], {c: "number:0" for c in cols[1:]}, lg)
    return out.rename(columns=COLUMNS[lg])


def kinds_frame(br: BlendedReturn, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Present value of each kind of money flow per partner (formatted, zeros as –)."""
    lg = report_language(lang)
    df = br.by_kind.copy()
    df.index = [GROUP_LABELS[lg][g] for g in df.index]
    df = df.rename(columns=KIND_LABELS[lg])
    shown = df.apply(lambda c: [fmt_number(v, 0, lg) if v != 0 else "–" for v in c])
    shown.index.name = COLUMNS[lg]["partner"]
    shown.columns.name = None
    return shown.reset_index()


def blended_figure(br: BlendedReturn, lang: str = DEFAULT_LANGUAGE):
    """Per partner: money (net) and social value received as bars side by side, the
    blended return as a marker (localised euros)."""
    import matplotlib.pyplot as plt

    from analysis.plots import localise_axis

    lg = report_language(lang)
    c = COLUMNS[lg]
    t = br.table.iloc[::-1]
    y = np.arange(len(t))
    fig, ax = plt.subplots(figsize=(8, 0.55 * max(len(t), 1) + 1.6))
    ax.barh(y + 0.2, t["money_net"], height=0.4, color="#0072B2", label=c["money_net"])
    ax.barh(y - 0.2, t["social_received"], height=0.4, color="#009E73", label=c["social_received"])
    ax.scatter(t["blended"], y, marker="D", color="black", zorder=3, label=c["blended"])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, t["partner"])
    localise_axis(ax, "x", "currency", lang=lg)
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(
        f"Geld und sozialer Wert je Partner ({br.horizon} Jahre, Barwerte)"
        if lg == "de"
        else f"Money and social value per partner ({br.horizon} years, present values)"
    )
    fig.tight_layout()
    return fig


def basis_text(br: BlendedReturn, lang: str = DEFAULT_LANGUAGE) -> str:
    """One sentence on horizon and discount rates of the two kinds of return."""
    from analysis.formatting import fmt_percent

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


def compare_centres(folder: str | Path | None = None) -> pd.DataFrame:
    """Financial and social key figures of every centre file with a business section ×
    declared scenario, one row each (files without a business section are left out)."""
    rows = []
    for centre_id, path in sroi_centre.centre_files(folder).items():
        imap = sroi_centre.load_impact_map(path)
        if imap.model.business is None:
            continue
        for scenario in imap.scenarios or [None]:
            case = business_centre.from_impact_map(imap, scenario)
            res = biz.evaluate(case)
            soc = sroi.evaluate(case.imap)
            br = blended_return(case, soc)
            be = res.break_even
            rows.append(
                {
                    "centre_id": centre_id,
                    "centre": imap.model.centre.name,
                    "status": imap.model.centre.status,
                    "scenario": scenario or "base",
                    "npv": res.npv,
                    "irr": res.irr,
                    "liquid": res.liquid,
                    "capture_rate": be.capture_rate_base,
                    "break_even_capture_rate": be.capture_rate,
                    "inhabitants": be.inhabitants_base,
                    "break_even_inhabitants": be.inhabitants,
                    "min_rent_reduction_per_m2": be.rent_reduction,
                    "sroi_ratio": soc.ratio,
                    "social_value": soc.total_present_value,
                    **br.key_figures(),
                }
            )
    return pd.DataFrame(rows)


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
    """Both returns of every centre × scenario (:func:`compare_centres`) for the report."""
    k = 0 if report_language(lang) == "de" else 1
    shown = format_frame(
        cmp[list(_COMPARISON)], {c: v[2] for c, v in _COMPARISON.items() if v[2]}, lang=lang
    )
    return shown.rename(columns={c: v[k] for c, v in _COMPARISON.items()})


def comparison_figure(cmp: pd.DataFrame, lang: str = DEFAULT_LANGUAGE):
    """Each centre × scenario of :func:`compare_centres` as a point: SROI ratio (x) against
    the project NPV (y); lines join a centre's scenarios, the red lines mark NPV = 0 and a
    ratio of 1 : 1."""
    import matplotlib.pyplot as plt

    from analysis.plots import localise_axis

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
                label=centre if colour is None else None,
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
    return fig


def comparison_text(cmp: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> str:
    """Two sentences on :func:`compare_centres`: how many centres pay in money (NPV ≥ 0)
    and how many create more social value than they use (SROI ratio above 1) in the base
    scenario."""
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
