"""Tests of analysis.business.blended: partner money flows by hand, the accounting identity, social
value shares, the housing company's full return and the comparison of centres (their wording:
tests/business/report/test_blended.py)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from analysis.business import blended
from analysis.business import case as business
from analysis.business import centre as business_centre
from analysis.sroi import engine as sroi
from analysis.sroi import partners
from tests.business.fixtures import make_case, partnership_data

matplotlib.use("Agg")

RAW = Path(__file__).resolve().parents[2] / "data" / "raw" / "sroi"


def test_partner_flows_by_hand() -> None:
    case = make_case(partnership_data())
    flows = blended.partner_flows(case)
    by = flows.groupby(["stakeholder_id", "kind"])["amount"]
    total = by.sum()
    # landlord: rent given up 4 € × 10 m² × 12 = 480 a year; avoided vacancy 10 € × 10 × 12
    # × 0.5 = 600 a year; conversion −3,000 in year 0
    assert total[("hc", "rent_given_up")] == pytest.approx(-480 * 3)
    assert total[("hc", "avoided_vacancy")] == pytest.approx(600 * 3)
    assert total[("hc", "in_kind")] == pytest.approx(-3000)
    # shareholders: −5,000, then 2 % × 5,000 = 100 a year
    assert total[("shareholders", "shares")] == pytest.approx(-5000)
    assert total[("shareholders", "dividends")] == pytest.approx(300)
    # city: −1,000 grant, −500 subsidy a year; bank: −6,000, then 600 + 3,457.14 × 2
    assert total[("city", "grant")] == pytest.approx(-1000)
    assert total[("city", "subsidy")] == pytest.approx(-1500)
    assert total[("bank", "loan")] == pytest.approx(-6000)
    assert total[("bank", "loan_service")] == pytest.approx(600 + 2 * 3457.142857, abs=1e-5)
    # operator: own funds −10,000; opening cash 10,000 + 5,000 + 1,000 + 6,000 − 10,000 =
    # 12,000; year 1: operating 4,800 + 480 (lower rent) + 500 (subsidy) − 600 − 100 = 5,080
    op = flows[(flows["stakeholder_id"] == "org") & (flows["kind"] == "centre_result")]
    assert op.set_index("year")["amount"][0] == pytest.approx(12_000)
    assert op.set_index("year")["amount"][1] == pytest.approx(5_080)
    assert total[("org", "own_funds")] == pytest.approx(-10_000)
    # present values at 10 %, year 0 undiscounted
    row = flows[(flows["kind"] == "dividends") & (flows["year"] == 2)].iloc[0]
    assert row["present_value"] == pytest.approx(100 / 1.21)
    assert set(flows["group"]) == {
        "housing_company",
        "citizen_shareholders",
        "municipality",
        "funders",
        "social_organisation",
    }


def test_money_adds_up_to_npv_less_transfers_plus_avoided_vacancy() -> None:
    # Over the whole horizon, with every partner a stakeholder, the flows between partners
    # cancel: Σ money = project NPV − PV(subsidies) − PV(rent given up) + PV(avoided vacancy).
    case = make_case(partnership_data())
    result = business.evaluate(case)
    flows = blended.partner_flows(case)
    a3 = 1 / 1.1 + 1 / 1.21 + 1 / 1.331
    expected = result.npv - 500 * a3 - 480 * a3 + 600 * a3
    assert flows["present_value"].sum() == pytest.approx(expected)


def test_blended_table_by_hand() -> None:
    case = make_case(partnership_data())
    br = blended.blended_return(case)
    assert br.horizon == 3 and br.money_rate == 0.1 and br.social_rate == 0.0
    t = br.table.set_index("group")
    res = sroi.evaluate(case.imap)
    # social value received: residents 3 × 1,000 (rate 0), housing company 3 × 500
    assert t.loc["residents", "social_received"] == pytest.approx(3000)
    assert t.loc["housing_company", "social_received"] == pytest.approx(1500)
    assert t["social_received"].sum() == pytest.approx(res.total_present_value)
    # co-created: total 4,500 × share of SROI inputs (housing company 600 of 1,000)
    assert t.loc["housing_company", "social_co_created"] == pytest.approx(0.6 * 4500)
    assert t["social_co_created"].sum() == pytest.approx(res.total_present_value)
    # money of the housing company: −3,000 − 480 × 2.486852 + 600 × 2.486852
    a3 = 1 / 1.1 + 1 / 1.21 + 1 / 1.331
    assert t.loc["housing_company", "money_net"] == pytest.approx(-3000 + 120 * a3)
    assert t.loc["housing_company", "money_in"] == pytest.approx(600 * a3)
    assert t.loc["housing_company", "money_out"] == pytest.approx(3000 + 480 * a3)
    assert (t["blended"] == t["money_net"] + t["social_received"]).all()
    assert list(br.table["group"]) == [
        "social_organisation",
        "housing_company",
        "municipality",
        "residents",
        "citizen_shareholders",
        "funders",
    ]


def test_housing_company_full_return() -> None:
    case = make_case(partnership_data())
    br = blended.blended_return(case)
    hc = br.housing_company
    ret = partners.housing_company_return(sroi.evaluate(case.imap), case.imap)
    a3 = 1 / 1.1 + 1 / 1.21 + 1 / 1.331
    # own outcomes 1,500; value to others 3,000 × its input share 0.6 = 1,800
    assert hc.own_social_value == pytest.approx(1500) == ret.own_return
    assert hc.co_created == pytest.approx(1800) == ret.social_value_pro_rata
    assert hc.total == pytest.approx(-3000 + 120 * a3 + 1500 + 1800)
    assert hc.per_euro == pytest.approx((600 * a3 + 1500 + 1800) / (3000 + 480 * a3))
    assert br.key_figures()["hc_full_return"] == pytest.approx(hc.total)


def test_horizon_defaults_to_the_impact_map_period() -> None:
    data = partnership_data()
    data["business"]["horizon_years"] = 6
    data["impact_map"]["analysis_period_years"] = 3
    case = make_case(data)
    br = blended.blended_return(case)
    assert br.horizon == 3 and br.flows["year"].max() == 3
    full = blended.blended_return(case, horizon=6)
    assert full.horizon == 6 and full.flows["year"].max() == 6
    assert blended.blended_return(case, horizon=99).horizon == 6


def test_centre_without_housing_company() -> None:
    case = business_centre.load_centre_case("barmen", folder=RAW)
    br = blended.blended_return(case)
    assert br.housing_company is None
    assert "housing_company" not in set(br.table["group"])
    shareholders = br.table.set_index("group").loc["citizen_shareholders"]
    assert shareholders["money_net"] == pytest.approx(-70_000)  # no interest, no repayment
    assert br.key_figures()["hc_full_return"] is None


def test_quarter_housing_company_full_return() -> None:
    case = business_centre.load_centre_case("fictional_quarter", folder=RAW)
    br = blended.blended_return(case)
    hc = br.housing_company
    assert hc is not None and hc.money_out > 0 and hc.total > hc.money_net
    assert hc.total == pytest.approx(hc.money_net + hc.own_social_value + hc.co_created)


def test_compare_centres() -> None:
    cmp = blended.compare_centres(RAW)
    assert len(cmp) == 9
    assert set(cmp["scenario"]) == {"base", "conservative", "optimistic"}
    quarter = cmp[cmp["centre_id"] == "fictional_quarter"]
    assert quarter["hc_full_return"].notna().all()
    assert cmp.loc[cmp["centre_id"] == "barmen", "hc_full_return"].isna().all()
    assert (cmp["sroi_ratio"] > 0).all()
