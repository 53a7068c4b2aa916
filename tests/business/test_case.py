"""Tests of analysis.business.case: hand-computed cash flows, NPV/IRR against numpy-financial,
break-even, sensitivity reuse and scenario overrides."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import sensitivity
from analysis.business import case as business
from analysis.business import centre as business_centre
from analysis.sroi import centre as sroi_centre
from tests.business.fixtures import business_data, capital, factor, file_data, make_case
from tests.sroi.fixtures import fig

matplotlib.use("Agg")

RAW = Path(__file__).resolve().parents[2] / "data" / "raw" / "sroi"
CENTRES = ["barmen", "fictional_village", "fictional_quarter"]

# Annuity factor of three years at 10 %: 1/1.1 + 1/1.21 + 1/1.331 = 2.486851991…
A3 = 1 / 1.1 + 1 / 1.1**2 + 1 / 1.1**3


# ---------------------------------------------------------------------------------------
# Cash flow, NPV and IRR by hand
# ---------------------------------------------------------------------------------------


def test_small_cash_flow_npv_and_irr_by_hand() -> None:
    # Operating result each year: gross profit 100 × 1,000 € × 0.5 × 0.2 = 10,000
    # + post 2,000 − staff 1 × 5,000 − energy 1,000 − rent 10 m² × 10 € × 12 = 1,200 = 4,800.
    # Project cash flow: −10,000, 4,800, 4,800, 4,800.
    # NPV at 10 % (year 0 undiscounted): −10,000 + 4,800 × 2.486852 = 1,936.8896.
    r = business.evaluate(make_case(file_data()))
    y = r.by_year.set_index("year")
    assert y.loc[1, "range_revenue"] == pytest.approx(50_000)
    assert y.loc[1, "range_gross_profit"] == pytest.approx(10_000)
    assert y.loc[1, "rent"] == pytest.approx(1_200)
    assert list(y["operating_result"]) == pytest.approx([0, 4_800, 4_800, 4_800])
    assert list(y["project_cash_flow"]) == pytest.approx([-10_000, 4_800, 4_800, 4_800])
    assert r.npv == pytest.approx(-10_000 + 4_800 * A3)
    assert r.npv == pytest.approx(1_936.8895567, abs=1e-6)
    # IRR: the rate at which −10,000 + 4,800 (1/(1+i) + 1/(1+i)² + 1/(1+i)³) = 0,
    # between 20 % (factor 2.1065 → NPV +111) and 21 % (factor 2.0739 → NPV −45): 20.708 %.
    assert 0.20 < r.irr < 0.21
    assert -10_000 + sum(4_800 / (1 + r.irr) ** t for t in (1, 2, 3)) == pytest.approx(0, abs=1e-6)
    assert r.irr == pytest.approx(npf.irr([-10_000, 4_800, 4_800, 4_800]))
    assert r.investment == 10_000 and r.in_kind == 0
    # Discounted payback: cumulative PV −10,000; −5,636.36; −1,669.42; +1,936.89 →
    # 2 + 1,669.42 / 3,606.31 = 2.4629 years.
    assert r.payback_years == pytest.approx(
        2 + (10_000 - 4_800 / 1.1 - 4_800 / 1.21) / (4_800 / 1.331)
    )
    # Operator's cash: opening 10,000 own funds − 10,000 spent = 0, then +4,800 a year.
    assert list(y["cash_balance"]) == pytest.approx([0, 4_800, 9_600, 14_400])
    assert r.liquid and r.min_cash == 0


def test_npv_follows_numpy_financial_convention() -> None:
    # numpy-financial's npv does not discount the first value: npv(0.1, [−10000, 4800, …]).
    r = business.evaluate(make_case(file_data()))
    assert r.npv == pytest.approx(npf.npv(0.1, [-10_000, 4_800, 4_800, 4_800]))
    assert r.by_year["present_value"].sum() == pytest.approx(r.npv)


@pytest.mark.parametrize("centre", CENTRES)
def test_example_npv_and_irr_against_library(centre: str) -> None:
    case = business_centre.load_centre_case(centre, folder=RAW)
    r = business.evaluate(case)
    cf = r.by_year["project_cash_flow"].to_numpy()
    assert r.npv == pytest.approx(npf.npv(case.discount_rate, cf), rel=1e-12)
    assert r.irr == pytest.approx(npf.irr(cf), rel=1e-12)
    # the vectorised core (used by the sensitivity analysis) gives the same NPV and IRR
    x = business.base_vector(case)[None, :]
    assert business.model_function(case, "npv")(x)[0] == pytest.approx(r.npv, rel=1e-10)
    assert business.model_function(case, "irr")(x)[0] == pytest.approx(r.irr, rel=1e-10)


def test_ramp_up_population_change_and_residual_by_hand() -> None:
    # Year 1: 100 inhabitants at 50 % of a full year; year 2: 100 × 1.1 = 110 inhabitants.
    # Range gross profit per inhabitant 1,000 × 0.5 × 0.2 = 100 € → 5,000 and 11,000;
    # services 2,000 × 0.5 = 1,000 and 2,000; fixed costs 7,200.
    data = file_data(
        business_data(
            horizon_years=2,
            first_year_share=fig(0.5),
            catchment={"inhabitants": fig(100), "population_change": fig(0.1)},
            residual_value=fig(3000),
        )
    )
    r = business.evaluate(make_case(data))
    y = r.by_year.set_index("year")
    assert y.loc[2, "inhabitants"] == pytest.approx(110)
    assert y.loc[1, "operating_result"] == pytest.approx(5_000 + 1_000 - 7_200)
    assert y.loc[2, "operating_result"] == pytest.approx(11_000 + 2_000 - 7_200)
    assert y.loc[2, "project_cash_flow"] == pytest.approx(5_800 + 3_000)  # plus residual value


def test_loan_schedule_matches_numpy_financial() -> None:
    # 6,000 € at 10 %, three years, one of them interest only: year 1 interest 600; then an
    # annuity over two years 6,000 × 0.1 / (1 − 1.1^−2) = 3,457.14 (numpy-financial's pmt).
    interest, repayment = business.loan_schedule(
        np.array([6000.0]), np.array([0.1]), term=3, grace=1, horizon=4
    )
    annuity = -npf.pmt(0.1, 2, 6000)
    assert annuity == pytest.approx(3457.142857, abs=1e-6)
    assert interest[0] == pytest.approx([600, 600, 314.285714, 0], abs=1e-6)
    assert repayment[0, 0] == 0 and repayment[0].sum() == pytest.approx(6000)
    for k, period in ((1, 1), (2, 2)):
        assert interest[0, k] == pytest.approx(-npf.ipmt(0.1, period, 2, 6000))
        assert repayment[0, k] == pytest.approx(-npf.ppmt(0.1, period, 2, 6000))
    i0, r0 = business.loan_schedule(np.array([900.0]), np.array([0.0]), 3, 0, 3)
    assert i0[0] == pytest.approx([0, 0, 0]) and r0[0] == pytest.approx([300, 300, 300])


def test_operator_cash_with_loan_shares_and_dividends_by_hand() -> None:
    # Sources: own funds 10,000 + shares 20 × 250 = 5,000 + loan 6,000; cash spent 10,000:
    # opening cash 11,000. Dividends 2 % × 5,000 = 100 a year. Loan as above.
    # Year 1: 4,800 − 600 − 100 = 4,100; years 2 and 3: 4,800 − 3,457.14 − 100 = 1,242.86.
    data = file_data(
        business_data(
            start_capital=[
                capital("own", "org", "own_funds", fig(10000)),
                {
                    "id": "shares",
                    "partner": "shareholders",
                    "kind": "shares",
                    "description": "A",
                    "shares": fig(20),
                    "share_price": fig(250),
                    "dividend_rate": fig(0.02),
                },
            ],
            loan={
                "amount": fig(6000),
                "interest_rate": fig(0.1),
                "term_years": 3,
                "grace_years": 1,
                "lender": "bank",
            },
        )
    )
    r = business.evaluate(make_case(data))
    y = r.by_year.set_index("year")
    assert y.loc[0, "financing"] == pytest.approx(21_000)
    assert list(y["operator_cash_flow"]) == pytest.approx(
        [11_000, 4_100, 4_800 - 3457.142857 - 100, 4_800 - 3457.142857 - 100]
    )
    assert list(y["dividends"]) == pytest.approx([0, 100, 100, 100])
    assert r.npv == pytest.approx(-10_000 + 4_800 * A3)  # financing does not change the NPV
    assert r.opening_cash == pytest.approx(11_000)


def test_cash_running_out_is_reported() -> None:
    # Sources 10,000 against 12,000 spent: opening cash −2,000; +4,800 a year after that.
    data = file_data(
        business_data(investment=[{"id": "f", "description": "E", "amount": fig(12000)}])
    )
    r = business.evaluate(make_case(data))
    assert not r.liquid and r.min_cash == pytest.approx(-2_000)
    assert r.first_negative_cash_year == 0 and r.min_cash_year == 0
    assert business.evaluate(make_case(file_data())).first_negative_cash_year is None


def test_in_kind_conversion_and_subsidy() -> None:
    # A conversion in kind of 5,000 raises the investment, not the centre's cash outlay;
    # a subsidy of 1,000 a year in years 1–2 raises the operating result.
    data = file_data(
        business_data(
            start_capital=[
                capital("own", "org", "own_funds", fig(10000)),
                capital("conv", "hc", "in_kind", fig(5000), "Umbau"),
            ],
            subsidies=[
                {
                    "id": "grant",
                    "partner": "city",
                    "description": "Zuschuss",
                    "amount": fig(1000),
                    "years": 2,
                }
            ],
        )
    )
    r = business.evaluate(make_case(data))
    y = r.by_year.set_index("year")
    assert r.investment == 15_000 and r.in_kind == 5_000 and r.cash_investment == 10_000
    assert list(y["subsidies"]) == pytest.approx([0, 1_000, 1_000, 0])
    assert r.npv == pytest.approx(-15_000 + 4_800 * A3 + 1_000 / 1.1 + 1_000 / 1.21)
    assert r.opening_cash == pytest.approx(0)


# ---------------------------------------------------------------------------------------
# Break-even
# ---------------------------------------------------------------------------------------


def test_break_even_by_hand() -> None:
    # NPV without the range: 1,936.89 − 10,000 × 2.486852 = −22,931.63. Each unit of capture
    # rate adds 100 × 1,000 × 0.2 × 2.486852 = 49,737.04 → capture 22,931.63 / 49,737.04
    # = 0.461057; each inhabitant adds 1,000 × 0.5 × 0.2 × 2.486852 = 248.685 → 92.2115.
    be = business.evaluate(make_case(file_data())).break_even
    without = 1_936.8895567 - 10_000 * A3
    assert be.capture_status == business.FOUND
    assert be.capture_rate == pytest.approx(-without / (100 * 1000 * 0.2 * A3))
    assert be.capture_rate == pytest.approx(0.461057, abs=1e-6)
    assert be.inhabitants == pytest.approx(-without / (1000 * 0.5 * 0.2 * A3))
    assert be.rent_status == business.ZERO and be.rent_reduction == 0  # viable at market rent


def test_minimum_rent_reduction_by_hand() -> None:
    # Investment 14,000: NPV = −14,000 + 4,800 × 2.486852 = −2,063.11. A reduction of 1 € per
    # m² and month saves 10 × 12 × 2.486852 = 298.42 in present value: 6.9134 € per m².
    data = file_data(
        business_data(investment=[{"id": "f", "description": "E", "amount": fig(14000)}])
    )
    be = business.evaluate(make_case(data)).break_even
    need = (14_000 - 4_800 * A3) / (10 * 12 * A3)
    assert be.rent_status == business.FOUND
    assert be.rent_reduction == pytest.approx(need)
    assert be.rent_reduction == pytest.approx(6.9134, abs=1e-4)
    assert be.rent_reduction_share == pytest.approx(need / 10)
    assert be.rent_reduction_per_year == pytest.approx(need * 120)


def test_break_even_not_reachable_and_zero() -> None:
    huge = file_data(
        business_data(investment=[{"id": "f", "description": "E", "amount": fig(1e6)}])
    )
    be = business.evaluate(make_case(huge)).break_even
    assert be.capture_status == business.NOT_REACHABLE and be.capture_rate is None
    assert be.rent_status == business.NOT_REACHABLE and be.rent_free_npv < 0
    # inhabitants: NPV without range customers −1,000,000 + (2,000 − 7,200) × 2.486852; each
    # inhabitant adds 100 × 2.486852 → (1,000,000 + 5,200 × 2.486852) / 248.6852 = 4,073.15
    assert be.inhabitants_status == business.FOUND
    assert be.inhabitants == pytest.approx((1e6 + 5_200 * A3) / (100 * A3))
    rich = file_data(business_data(services=[{"id": "p", "name": "P", "revenue": fig(50000)}]))
    be = business.evaluate(make_case(rich)).break_even
    assert be.capture_status == business.ZERO and be.capture_rate == 0
    assert be.inhabitants_status == business.ZERO and be.inhabitants == 0


@pytest.mark.parametrize("centre", CENTRES)
def test_break_even_agrees_with_tipping_points(centre: str) -> None:
    """The closed-form break-even equals Brent's root of NPV = 0 in analysis.sensitivity."""
    case = business_centre.load_centre_case(centre, "conservative", folder=RAW)
    params = business.model_parameters(case)
    model = business.model_function(case, "npv")
    be = business.break_even(case)
    names = [p.name for p in params]
    value, status = sensitivity.tipping_point(
        model, params, names.index("business.catchment.inhabitants"), threshold=0.0
    )
    assert status == sensitivity.FOUND and value == pytest.approx(be.inhabitants, rel=1e-8)
    value, status = sensitivity.tipping_point(
        model, params, names.index("business.ranges.groceries.capture_rate"), threshold=0.0
    )
    # scaling only the groceries capture rate crosses zero where the spending-weighted rate
    # reaches the break-even capture rate
    x = business.base_vector(case)
    x[names.index("business.ranges.groceries.capture_rate")] = value
    assert model(x[None, :])[0] == pytest.approx(0.0, abs=1e-6)


def _scaled(inhabitants: float, investment: float, staff: float) -> dict[str, Any]:
    return file_data(
        business_data(
            catchment={"inhabitants": fig(inhabitants)},
            investment=[{"id": "f", "description": "E", "amount": fig(investment)}],
            costs=[{"id": "s", "name": "S", "kind": "staff", "factors": [factor("v", staff)]}],
        )
    )


@settings(max_examples=40, deadline=None)
@given(
    n1=st.floats(10, 5_000),
    grow=st.floats(1.0, 5.0),
    investment=st.floats(0, 200_000),
    staff=st.floats(0, 80_000),
)
def test_break_even_capture_rate_falls_as_catchment_grows(
    n1: float, grow: float, investment: float, staff: float
) -> None:
    def capture(n: float) -> float:
        be = business.break_even(make_case(_scaled(n, investment, staff)))
        return math.inf if be.capture_rate is None else be.capture_rate

    assert capture(n1 * grow) <= capture(n1) * (1 + 1e-9) + 1e-12


@settings(max_examples=40, deadline=None)
@given(
    r1=st.floats(0, 10),
    more=st.floats(0, 10),
    market=st.floats(0, 25),
    area=st.floats(0, 500),
)
def test_higher_rent_reduction_never_lowers_the_operators_cash_flow(
    r1: float, more: float, market: float, area: float
) -> None:
    def flows(reduction: float) -> np.ndarray:
        premises = {
            "area": fig(area),
            "market_rent": fig(max(market, r1 + more)),
            "rent_reduction": fig(reduction),
        }
        case = make_case(file_data(business_data(premises=premises)))
        return business.evaluate(case).by_year["operator_cash_flow"].to_numpy()

    low, high = flows(r1), flows(r1 + more)
    assert np.all(high >= low - 1e-9)


# ---------------------------------------------------------------------------------------
# Sensitivity machinery reused
# ---------------------------------------------------------------------------------------


def test_parameters_are_override_paths_with_declared_uncertainty() -> None:
    case = business_centre.load_centre_case("fictional_quarter", folder=RAW)
    params = {p.name: p for p in business.model_parameters(case)}
    cap = params["business.ranges.groceries.capture_rate"]
    assert cap.uncertain and cap.bounds == (0.0, 1.0) and cap.base == 0.08
    assert params["business.premises.rent_reduction"].bounds == (0.0, 10.0)
    assert not params["business.residual_value"].uncertain
    assert params["business.first_year_share"].base == 0.8
    assert len(params) == len(business.base_vector(case))


def test_monte_carlo_is_reproducible_and_thread_safe() -> None:
    case = business_centre.load_centre_case("fictional_village", folder=RAW)
    params, model = business.model_parameters(case), business.model_function(case, "npv")
    one = sensitivity.monte_carlo(model, params, draws=20_000, seed=5, threshold=0.0, workers=1)
    two = sensitivity.monte_carlo(model, params, draws=20_000, seed=5, threshold=0.0, workers=3)
    assert np.array_equal(one.values, two.values)
    assert one.deterministic == pytest.approx(business.evaluate(case).npv)
    q = one.quantiles()
    assert q[0.05] < one.deterministic < q[0.95] and 0 < one.p_exceeds < 1


def test_tornado_on_npv() -> None:
    case = business_centre.load_centre_case("barmen", folder=RAW)
    tor = sensitivity.tornado(business.model_function(case), business.model_parameters(case))
    assert tor.iloc[0]["parameter"] == "business.ranges.groceries.capture_rate"
    assert (tor["swing"] >= 0).all()


def test_model_function_metrics() -> None:
    case = make_case(file_data())
    x = business.base_vector(case)[None, :]
    assert business.model_function(case, "operating_result")(x)[0] == pytest.approx(4_800)
    assert business.model_function(case, "min_cash")(x)[0] == pytest.approx(0)  # year 0
    with pytest.raises(ValueError, match="unknown metric"):
        business.model_function(case, "ebitda")


# ---------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------


def test_business_scenario_and_top_level_override() -> None:
    data = file_data(
        business_data(
            scenarios={
                "cautious": {
                    "overrides": [
                        {
                            "path": "business.ranges.groceries.capture_rate",
                            "value": 0.25,
                            "assumption": "half",
                        },
                    ]
                }
            }
        ),
        scenarios={
            "cautious": {
                "description": "c",
                "overrides": [
                    {
                        "path": "business.costs.energy.factors.value",
                        "value": 2000,
                        "assumption": "x",
                    },
                ],
            },
            "base": {"description": "b", "overrides": []},
        },
    )
    base = business.evaluate(make_case(data))
    case = make_case(data, "cautious")
    r = business.evaluate(case)
    assert r.scenario == "cautious"
    assert r.operating_result_mean == pytest.approx(4_800 - 5_000 - 1_000)
    note = case.model.ranges[0].capture_rate.assumption
    assert "cautious" in note and base.npv > r.npv
    assert business.evaluate(make_case(data, "base")).npv == pytest.approx(base.npv)


@pytest.mark.parametrize("centre", CENTRES)
def test_example_business_models(centre: str) -> None:
    imap = sroi_centre.load_centre(centre, RAW)
    assert business_centre.validate_file(RAW / f"{centre}.yaml") is not None
    npvs = {}
    for scenario in imap.scenarios:
        r = business.evaluate(business_centre.from_impact_map(imap, scenario))
        assert math.isfinite(r.npv) and r.investment > 0
        npvs[scenario] = r.npv
    assert npvs["conservative"] < npvs["base"] < npvs["optimistic"]
