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

import pandas as pd

from analysis.business import case as biz
from analysis.business import centre as business_centre
from analysis.sroi import centre as sroi_centre
from analysis.sroi import engine as sroi
from analysis.sroi import partners
from analysis.sroi.centre import ImpactMap
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


def _housing_company(
    table: pd.DataFrame, res: sroi.SroiResult, imap: ImpactMap
) -> HousingCompanyBlended:
    """The housing company's row of ``table`` beside its own and co-created social value
    (:func:`analysis.sroi.partners.housing_company_return`)."""
    ret = partners.housing_company_return(res, imap)
    row = table.set_index("group").loc["housing_company"]
    assert ret is not None
    total = float(row["money_net"]) + ret.own_return + ret.social_value_pro_rata
    back = float(row["money_in"]) + ret.own_return + ret.social_value_pro_rata
    return HousingCompanyBlended(
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


def blended_return(
    case: business_centre.BusinessCase,
    sroi_result: sroi.SroiResult | None = None,
    horizon: int | None = None,
    exchange: pd.DataFrame | None = None,
) -> BlendedReturn:
    """Money and social value per partner role (see the module docstring).

    ``sroi_result`` defaults to the SROI of the same centre file and scenario;
    ``horizon`` to :func:`default_horizon`. The table has one row per stakeholder group
    of the file (in the order of :data:`analysis.sroi.schema.STAKEHOLDER_GROUPS`); the
    partners' names are the report's (:mod:`analysis.business.report.blended`).
    ``exchange`` is :func:`analysis.sroi.partners.value_exchange` of ``sroi_result``, if
    the caller has it already (the what-if reuses it).
    """
    res = sroi_result if sroi_result is not None else sroi.evaluate(case.imap)
    h = default_horizon(case) if horizon is None else min(int(horizon), case.horizon)
    flows = partner_flows(case, h)
    present = {s.group for s in case.imap.model.stakeholders}
    order = [g for g in STAKEHOLDER_GROUPS if g in present]
    pv = flows["present_value"]
    money_in = pv.clip(lower=0.0).groupby(flows["group"]).sum().reindex(order, fill_value=0.0)
    money_out = (-pv.clip(upper=0.0)).groupby(flows["group"]).sum().reindex(order, fill_value=0.0)
    received = res.by_stakeholder.groupby("group")["present_value"].sum()
    ex = exchange if exchange is not None else partners.value_exchange(res)
    ex = ex.groupby("group")["share_invested"].sum()
    table = pd.DataFrame(
        {
            "group": order,
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
        flows.groupby(["group", "kind"])["present_value"]
        .sum()
        .unstack("kind", fill_value=0.0)
        .reindex(index=order, fill_value=0.0)
        .reindex(columns=[k for k in FLOW_KINDS if k in set(flows["kind"])], fill_value=0.0)
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
        housing_company=(
            _housing_company(table, res, case.imap) if "housing_company" in order else None
        ),
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
