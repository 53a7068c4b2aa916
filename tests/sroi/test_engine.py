"""Tests of analysis.sroi: hand calculations following the SROI Guide (2012) and properties."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.sroi import centre as sroi_centre
from analysis.sroi import engine as sroi
from tests.sroi.fixtures import centre_data, input_row, make_map, outcome

RAW = Path(__file__).resolve().parents[2] / "data" / "raw" / "sroi"


def test_one_outcome_by_hand() -> None:
    # 10 × 100 € = 1,000 €; less 20 % deadweight, 10 % displacement, 25 % attribution:
    # 1000 × 0.8 × 0.9 × 0.75 = 540 € impact in year 1, discounted at 5 %: 540 / 1.05.
    data = centre_data(
        outcomes=[outcome(deadweight=0.2, displacement=0.1, attribution=0.25)],
        inputs=[input_row(value=200)],
        rate=0.05,
    )
    r = sroi.evaluate(make_map(data))
    assert r.by_outcome.loc[0, "impact"] == pytest.approx(540.0)
    assert r.total_present_value == pytest.approx(540.0 / 1.05)
    assert r.total_investment == pytest.approx(200.0)  # year 0: not discounted
    assert r.npv == pytest.approx(540.0 / 1.05 - 200.0)
    assert r.ratio == pytest.approx(540.0 / 1.05 / 200.0)


def test_drop_off_from_second_year() -> None:
    # Impact 1,000 over 3 years with 10 % drop-off: 1000, 900, 810 (no discounting).
    data = centre_data(outcomes=[outcome(quantity=1, proxy=1000, drop_off=0.1, duration=3)])
    r = sroi.evaluate(make_map(data))
    row = r.by_outcome.iloc[0]
    assert [row["year_1"], row["year_2"], row["year_3"], row["year_4"]] == pytest.approx(
        [1000.0, 900.0, 810.0, 0.0]
    )
    assert r.total_present_value == pytest.approx(2710.0)


def test_drop_off_starts_with_the_outcome_not_the_analysis() -> None:
    # An outcome starting in year 2 has its full value in year 2, dropped-off value in year 3.
    data = centre_data(outcomes=[outcome(quantity=1, proxy=100, drop_off=0.5, duration=2, start=2)])
    row = sroi.evaluate(make_map(data)).by_outcome.iloc[0]
    assert [row["year_1"], row["year_2"], row["year_3"]] == pytest.approx([0.0, 100.0, 50.0])


def test_discounting_year_one_by_one_period() -> None:
    # 100 a year for 3 years at 10 %: 100/1.1 + 100/1.21 + 100/1.331 = 248.6852…
    data = centre_data(outcomes=[outcome(quantity=1, proxy=100, duration=3)], rate=0.10)
    r = sroi.evaluate(make_map(data))
    expected = 100 / 1.1 + 100 / 1.1**2 + 100 / 1.1**3
    assert r.total_present_value == pytest.approx(expected)
    assert r.total_present_value == pytest.approx(248.68519909842224)
    assert r.by_year.loc[r.by_year["year"] == 1, "discount_factor"].item() == pytest.approx(1 / 1.1)
    # numpy-financial's npv discounts its first value by (1 + r)^0; prepend a 0 for year 0
    npf = pytest.importorskip("numpy_financial")
    assert r.total_present_value == pytest.approx(npf.npv(0.10, [0, 100, 100, 100]))


def test_later_inputs_are_discounted() -> None:
    data = centre_data(
        inputs=[input_row(value=1000), input_row("i2", value=110, year=1, repeat=2)], rate=0.1
    )
    r = sroi.evaluate(make_map(data))
    assert r.total_investment == pytest.approx(1000 + 110 / 1.1 + 110 / 1.21)


def test_net_ratio_and_payback() -> None:
    # Impact 1,200 a year for 5 years, investment 1,800, no discounting:
    # PV 6,000; ratio 3.333…; net ratio (6000 − 1800) / 1800 = 2.333…;
    # Guide payback: 1800 / (1200 / 12) = 18 months; discounted payback 1.5 years.
    data = centre_data(
        outcomes=[outcome(quantity=12, proxy=100, duration=5)], inputs=[input_row(value=1800)]
    )
    r = sroi.evaluate(make_map(data))
    assert r.total_present_value == pytest.approx(6000.0)
    assert r.ratio == pytest.approx(6000 / 1800)
    assert r.net_ratio == pytest.approx((6000 - 1800) / 1800)
    assert r.net_ratio == pytest.approx(r.ratio - 1)
    assert r.payback_months == pytest.approx(18.0)
    assert r.payback_years_discounted == pytest.approx(1.5)


def test_payback_never_reached_is_none() -> None:
    data = centre_data(outcomes=[outcome(quantity=1, proxy=10)], inputs=[input_row(value=1e6)])
    r = sroi.evaluate(make_map(data))
    assert r.payback_years_discounted is None
    assert r.payback_months == pytest.approx(1e6 / (10 / 12))


def test_tables_add_up() -> None:
    data = centre_data(
        outcomes=[
            outcome("a", "res", 5, 100, drop_off=0.2, duration=4),
            outcome("b", "hc", 2, 300, deadweight=0.5, duration=5),
            outcome("c", "res", 1, 50, duration=2, start=3),
        ],
        rate=0.035,
    )
    r = sroi.evaluate(make_map(data))
    assert r.by_outcome["present_value"].sum() == pytest.approx(r.total_present_value)
    assert r.by_stakeholder["present_value"].sum() == pytest.approx(r.total_present_value)
    assert r.by_year["present_value"].sum() == pytest.approx(r.total_present_value)
    assert r.by_stakeholder["share"].sum() == pytest.approx(1.0)
    assert set(r.by_stakeholder["group"]) == {"residents", "housing_company"}


def test_vectorised_core_equals_evaluate() -> None:
    imap = sroi_centre.load_impact_map(RAW / "barmen.yaml")
    r = sroi.evaluate(imap)
    f = sroi.model_function(imap, "ratio")
    assert f(sroi.base_vector(imap)[None, :])[0] == pytest.approx(r.ratio, rel=1e-12)


def test_scenarios_apply_declared_overrides() -> None:
    data = centre_data(
        outcomes=[outcome(deadweight=0.0)],
        scenarios={
            "cautious": {
                "description": "more deadweight",
                "overrides": [
                    {"path": "impact_map.outcomes.o1.deadweight", "value": 0.5, "assumption": "x"},
                    {
                        "path": "impact_map.inputs.i1.factors.value",
                        "value": 2000,
                        "assumption": "y",
                    },
                ],
            }
        },
    )
    imap = make_map(data)
    base, cautious = sroi.evaluate(imap), sroi.evaluate(imap, "cautious")
    assert cautious.total_present_value == pytest.approx(base.total_present_value / 2)
    assert cautious.total_investment == pytest.approx(2000)
    assert cautious.scenario == "cautious"
    note = (
        sroi_centre.apply_scenario(imap, "cautious")
        .model.impact_map.outcomes[0]
        .deadweight.assumption
    )
    assert "cautious" in note


def test_example_centres_validate_and_are_marked() -> None:
    files = sroi_centre.centre_files(RAW)
    assert set(files) >= {"barmen", "fictional_village", "fictional_quarter"}
    for path in files.values():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert "FICTIONAL" in first
        imap = sroi_centre.load_impact_map(path)
        assert imap.model.centre.status == "fictional"
        assert {"base", "conservative", "optimistic"} <= set(imap.scenarios)
        for scenario in imap.scenarios:
            r = sroi.evaluate(imap, scenario)
            assert math.isfinite(r.ratio) and r.ratio > 0
    quarter = sroi_centre.load_centre("fictional_quarter", RAW)
    assert quarter.model.centre.housing_company_partner
    assert not sroi_centre.load_centre(
        "fictional_village", RAW
    ).model.centre.housing_company_partner


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------

fractions = st.floats(0, 1, allow_nan=False)
positive = st.floats(0.01, 1e5, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(
    q=positive,
    k=st.floats(0.0, 50, allow_nan=False),
    dw=fractions,
    drop=fractions,
    rate=st.floats(0, 0.2),
)
def test_value_is_linear_in_quantity(
    q: float, k: float, dw: float, drop: float, rate: float
) -> None:
    def pv(quantity: float) -> float:
        data = centre_data(
            outcomes=[outcome(quantity=quantity, deadweight=dw, drop_off=drop, duration=5)],
            rate=rate,
        )
        return sroi.evaluate(make_map(data)).total_present_value

    assert pv(k * q) == pytest.approx(k * pv(q), rel=1e-9, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(q=positive, p=positive, disp=fractions, att=fractions, drop=fractions)
def test_full_deadweight_gives_zero_impact(
    q: float, p: float, disp: float, att: float, drop: float
) -> None:
    data = centre_data(
        outcomes=[
            outcome(
                quantity=q,
                proxy=p,
                deadweight=1.0,
                displacement=disp,
                attribution=att,
                drop_off=drop,
                duration=5,
            )
        ]
    )
    r = sroi.evaluate(make_map(data))
    assert r.total_present_value == 0.0
    assert r.by_outcome["impact"].sum() == 0.0


@settings(max_examples=40, deadline=None)
@given(
    r1=st.floats(0, 0.3),
    dr=st.floats(0, 0.3),
    duration=st.integers(2, 5),
    drop=fractions,
)
def test_higher_discount_rate_never_raises_multiyear_pv(
    r1: float, dr: float, duration: int, drop: float
) -> None:
    def pv(rate: float) -> float:
        data = centre_data(outcomes=[outcome(drop_off=drop, duration=duration)], rate=rate)
        return sroi.evaluate(make_map(data)).total_present_value

    assert pv(r1 + dr) <= pv(r1) * (1 + 1e-12)


def test_vectorised_rows_are_independent() -> None:
    imap = sroi_centre.load_impact_map(RAW / "fictional_quarter.yaml")
    f = sroi.model_function(imap, "npv")
    x = np.tile(sroi.base_vector(imap), (3, 1))
    x[1, 0] = 0.10
    y = f(x)
    assert y[0] == pytest.approx(y[2]) and y[1] < y[0]


_REFERENCE = {
    "ratio": lambda c: c["pv"] / c["investment"],
    "net_ratio": lambda c: (c["pv"] - c["investment"]) / c["investment"],
    "npv": lambda c: c["pv"] - c["investment"],
    "pv": lambda c: c["pv"],
    "investment": lambda c: c["investment"],
}


@pytest.mark.parametrize("centre", ["barmen", "fictional_quarter", "fictional_village"])
@pytest.mark.parametrize("metric", sroi.METRICS)
def test_compiled_model_equals_the_numpy_core(centre: str, metric: str) -> None:
    """The compiled kernel of model_function against _core (the arithmetic evaluate
    uses): same values to rounding, on sampled rows (column-major, as the Monte Carlo
    hands them over), on C-ordered rows and on a single vector."""
    from analysis import sensitivity as sens

    imap = sroi_centre.load_impact_map(RAW / f"{centre}.yaml")
    params = sroi.model_parameters(imap)
    lay = sroi._layout(imap)
    f = sroi.model_function(imap, metric)
    x = sens.Sampler(params).draw(3000, np.random.Generator(np.random.SFC64(4)), copy=True)
    for rows in (x, np.ascontiguousarray(x), x[::7]):
        ref = _REFERENCE[metric](sroi._core(rows, lay))
        assert np.allclose(f(rows), ref, rtol=1e-12, atol=1e-9)
    base = sroi.base_vector(imap)
    ref = _REFERENCE[metric](sroi._core(base[None, :], lay))
    assert f(base) == pytest.approx(ref, rel=1e-12)


def test_compiled_model_handles_several_factors_and_input_years() -> None:
    data = centre_data(
        outcomes=[
            outcome(quantity=3, proxy=50, drop_off=0.2, duration=3, deadweight=0.1),
            outcome(oid="o2", quantity=7, proxy=20, start=2, duration=4, attribution=0.3),
        ],
        inputs=[input_row(value=500), input_row(iid="i2", value=80, year=1, repeat=4)],
        rate=0.04,
    )
    data["impact_map"]["inputs"][1]["factors"].append(
        {"name": "share", "value": 0.5, "assumption": "test"}
    )
    imap = make_map(data)
    x = np.tile(sroi.base_vector(imap), (4, 1))
    x[1, 0], x[2, -1], x[3, 2] = 0.0, 0.25, 12.0
    lay = sroi._layout(imap)
    for metric in sroi.METRICS:
        ref = _REFERENCE[metric](sroi._core(x, lay))
        assert np.allclose(sroi.model_function(imap, metric)(x), ref, rtol=1e-12, atol=0)
    assert sroi.model_function(imap)(x)[0] == pytest.approx(sroi.evaluate(imap).ratio, rel=1e-12)
