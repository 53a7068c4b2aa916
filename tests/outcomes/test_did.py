"""Tests of analysis.outcomes: hand-computed panels, published figures, synthetic truth.

Published figures:
* mpdta (Callaway & Sant'Anna 2021; R package ``did``, README.md at commit 0c4287f,
  "A short example": ``att_gt(yname="lemp", gname="first.treat", idname="countyreal",
  tname="year", xformla=~1, data=mpdta, est_method="reg")`` with ``summary(out)``,
  ``aggte(out, type="dynamic")`` and ``aggte(out, type="group")``). The data set is read
  from the PyPI package ``moderndid`` (dev dependency), which ships it; the tests skip
  with a reason when it is not installed. The published standard errors come from the
  did package's default multiplier bootstrap (bstrap=TRUE, 1000 draws), so they are
  random to about ±0.002; point estimates and the pre-test p-value are deterministic.
* Card & Krueger (1994, AER 84(4), Table 3), as reproduced in Angrist & Pischke (2009),
  *Mostly Harmless Econometrics*, Table 5.2.1: average FTE employment per store.

Reference implementations on mpdta (dev dependencies): ``moderndid`` (a Python port of R
``did``/``DRDID`` that reproduces R to about 1e-14) for the IPW estimator with covariate
``lpop``; statsmodels OLS with unit and year dummy variables for the TWFE and
event-study small-sample conventions.
"""

from __future__ import annotations

import gzip
import importlib.util
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.outcomes import did as o
from analysis.outcomes.synthetic import make_panel


def _panel(rows: list[tuple[str, int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit", "period", "first_treated", "y"])


# --------------------------------------------------------------------------------------
# hand-computed 2×2 panel
# --------------------------------------------------------------------------------------
# treated A, B (first treated in period 2): 1→4, 3→8 (changes 3, 5; mean 4)
# controls C, D (never): 2→3, 2→5 (changes 1, 3; mean 2)  ⇒  DiD = 4 − 2 = 2
TWO_BY_TWO = _panel(
    [
        ("A", 1, 2, 1.0),
        ("A", 2, 2, 4.0),
        ("B", 1, 2, 3.0),
        ("B", 2, 2, 8.0),
        ("C", 1, 0, 2.0),
        ("C", 2, 0, 3.0),
        ("D", 1, 0, 2.0),
        ("D", 2, 0, 5.0),
    ]
)


def test_did_2x2_hand() -> None:
    est = o.did_2x2(TWO_BY_TWO, "y", pre=1, post=2)
    assert est.estimate == pytest.approx(2.0)
    # Cluster-robust (CR1) SE: the levels regression with unit clusters equals the
    # first-difference regression with HC0 variance var1/n1 + var0/n0 = 1/2 + 1/2 = 1
    # (variances of the changes with divisor n), times statsmodels' small-sample factor
    # G/(G-1) * (N-1)/(N-K) = 4/3 * 7/4 = 7/3.
    assert est.se == pytest.approx(np.sqrt(7 / 3))
    assert est.n_units == 4 and est.n_obs == 8


def test_twfe_two_periods_equals_did() -> None:
    est = o.twfe(TWO_BY_TWO, "y")
    assert est.estimate == pytest.approx(2.0)


def test_att_gt_two_by_two_hand() -> None:
    res = o.att_gt(TWO_BY_TWO, "y")
    assert res.table["att"].tolist() == pytest.approx([2.0])
    # influence function: treated ±1/0.5, controls ∓1/0.5 ⇒ SE = sqrt(4·4)/4 = 1
    assert res.table["se"].iloc[0] == pytest.approx(1.0)
    simple = o.aggregate(res, "simple")
    assert simple.overall == pytest.approx(2.0)


# --------------------------------------------------------------------------------------
# hand-computed staggered panel: 3 periods, cohorts 2 (A, B), 3 (C), never (E, F)
# --------------------------------------------------------------------------------------
Y = {
    "A": (1.0, 3.0, 6.0),
    "B": (2.0, 5.0, 7.0),
    "C": (0.0, 2.0, 6.0),
    "E": (1.0, 2.0, 2.0),
    "F": (3.0, 3.0, 5.0),
}
G = {"A": 2, "B": 2, "C": 3, "E": 0, "F": 0}
STAGGERED = _panel([(u, t + 1, G[u], v) for u, ys in Y.items() for t, v in enumerate(ys)])


def _mean_change(units: list[str], t: int, b: int) -> float:
    return float(np.mean([Y[u][t - 1] - Y[u][b - 1] for u in units]))


def test_att_gt_staggered_hand_never() -> None:
    res = o.att_gt(STAGGERED, "y", control_group="never")
    tab = res.table.set_index(["group", "period"])["att"]
    never = ["E", "F"]
    expected = {
        (2, 2): _mean_change(["A", "B"], 2, 1) - _mean_change(never, 2, 1),  # 2.5 − 0.5
        (2, 3): _mean_change(["A", "B"], 3, 1) - _mean_change(never, 3, 1),  # 5 − 1.5
        (3, 2): _mean_change(["C"], 2, 1) - _mean_change(never, 2, 1),  # pre: 2 − 0.5
        (3, 3): _mean_change(["C"], 3, 2) - _mean_change(never, 3, 2),  # 4 − 1
    }
    assert tab.to_dict() == pytest.approx(expected)
    simple = o.aggregate(res, "simple")  # weights ∝ cohort size: 2/5, 2/5, 1/5
    assert simple.overall == pytest.approx(0.4 * 2.0 + 0.4 * 3.5 + 0.2 * 3.0)
    group = o.aggregate(res, "group")
    theta2, theta3 = (2.0 + 3.5) / 2, 3.0
    assert group.table["att"].tolist() == pytest.approx([theta2, theta3])
    assert group.overall == pytest.approx(2 / 3 * theta2 + 1 / 3 * theta3)
    dyn = o.aggregate(res, "dynamic")
    by_e = dict(zip(dyn.table["key"], dyn.table["att"], strict=True))
    assert by_e[-1] == pytest.approx(1.5)
    assert by_e[0] == pytest.approx((2 * 2.0 + 1 * 3.0) / 3)
    assert by_e[1] == pytest.approx(3.5)
    assert dyn.overall == pytest.approx((by_e[0] + by_e[1]) / 2)


def test_att_gt_staggered_hand_notyet() -> None:
    res = o.att_gt(STAGGERED, "y", control_group="notyet")
    tab = res.table.set_index(["group", "period"])["att"]
    # ATT(2,2): not-yet-treated in period 2 are E, F and C (first treated in 3)
    assert tab[(2, 2)] == pytest.approx(2.5 - _mean_change(["E", "F", "C"], 2, 1))
    # ATT(2,3) and ATT(3,3): only the never treated are untreated in period 3
    assert tab[(2, 3)] == pytest.approx(5.0 - 1.5)
    assert tab[(3, 3)] == pytest.approx(4.0 - 1.0)


def test_universal_base_period() -> None:
    res = o.att_gt(STAGGERED, "y", base_period="universal")
    tab = res.table.set_index(["group", "period"])["att"]
    # cohort 3 compares period 2 with base 2 → the reference cell is left out
    assert (3, 2) not in tab.index
    assert tab[(3, 3)] == pytest.approx(_mean_change(["C"], 3, 2) - _mean_change(["E", "F"], 3, 2))


def test_unit_and_period_effects_cancel() -> None:
    """Adding unit- and period-specific constants leaves every ATT(g,t) unchanged."""
    shifted = STAGGERED.assign(
        y=STAGGERED["y"]
        + STAGGERED["unit"].map({"A": 10, "B": -3, "C": 7, "E": 1, "F": 0})
        + STAGGERED["period"] * 2.5
    )
    a = o.att_gt(STAGGERED, "y").table["att"]
    b = o.att_gt(shifted, "y").table["att"]
    assert np.allclose(a, b)


@settings(max_examples=10, deadline=None)
@given(
    scale=st.floats(min_value=0.1, max_value=50.0),
    shift=st.floats(min_value=-5.0, max_value=5.0),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_att_gt_equivariance(scale: float, shift: float, seed: int) -> None:
    """ATT(g,t) scales with y and moves by exactly δ when treated post outcomes move by δ."""
    p = make_panel(40, range(1, 6), (3, 4), seed=seed, never_share=0.4)
    base = o.att_gt(p.data, "y")
    scaled = o.att_gt(p.data.assign(y=p.data["y"] * scale), "y")
    assert np.allclose(scaled.table["att"], base.table["att"] * scale)
    assert np.allclose(scaled.table["se"], base.table["se"] * scale)
    moved = p.data.assign(y=p.data["y"] + shift * p.data["treated"])
    m = o.att_gt(moved, "y").table
    post = m["post"].to_numpy()
    assert np.allclose(m["att"].to_numpy()[post], base.table["att"].to_numpy()[post] + shift)
    assert np.allclose(m["att"].to_numpy()[~post], base.table["att"].to_numpy()[~post])


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="control_group"):
        o.att_gt(STAGGERED, "y", control_group="all")
    with pytest.raises(ValueError, match="balanced"):
        o.att_gt(STAGGERED.iloc[1:], "y")
    with pytest.raises(InputError, match="never-treated") as err:
        o.att_gt(STAGGERED[STAGGERED["first_treated"] > 0], "y")
    assert "keine nie behandelten Gebiete" in err.value.text("de")
    with pytest.raises(ValueError, match="'ipw'"):
        o.att_gt(STAGGERED, "y", method="aipw")
    with pytest.raises(ValueError, match="dof"):
        o.twfe(STAGGERED, "y", dof="stata")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="dof"):
        o.event_study(STAGGERED, "y", leads=2, lags=1, dof="none")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# synthetic data with known effects
# --------------------------------------------------------------------------------------


def test_synthetic_truth_recovered() -> None:
    p = make_panel(
        4000,
        range(2010, 2018),
        (2012, 2014, 2016),
        effect=1.0,
        dynamics=0.5,
        heterogeneity=0.8,
        noise=1.0,
        seed=7,
    )
    res = o.att_gt(p.data, "y")
    merged = res.table.merge(p.att_gt, on=["group", "period"], suffixes=("", "_true"))
    z = (merged["att"] - merged["att_true"]) / merged["se"]
    assert (z.abs() < 4.5).all()
    simple = o.aggregate(res, "simple")
    assert abs(simple.overall - p.simple) < 3.5 * simple.overall_se
    group = o.aggregate(res, "group")
    assert abs(group.overall - p.group_overall) < 3.5 * group.overall_se
    dyn = o.aggregate(res, "dynamic")
    assert abs(dyn.overall - p.dynamic_overall) < 3.5 * dyn.overall_se
    # TWFE is biased under heterogeneous, dynamic staggered effects
    tw = o.twfe(p.data, "y")
    assert abs(tw.estimate - p.simple) > 5 * tw.se


@pytest.mark.parametrize("method", ["dr", "reg", "ipw"])
def test_covariates_restore_conditional_parallel_trends(method: str) -> None:
    p = make_panel(6000, range(1, 7), (3, 5), effect=1.0, covariate_trend=0.5, noise=0.5, seed=3)
    plain = o.aggregate(o.att_gt(p.data, "y"))
    adj = o.aggregate(o.att_gt(p.data, "y", covariates=["x"], method=method))
    assert abs(plain.overall - p.simple) > 5 * plain.overall_se  # unconditional PT fails
    assert abs(adj.overall - p.simple) < 3.5 * adj.overall_se


def test_event_study_and_pretrend() -> None:
    clean = make_panel(3000, range(1, 9), (4, 6), effect=1.0, seed=11)
    es = o.event_study(clean.data, "y", leads=3, lags=2)
    assert es.table.loc[es.table["event_time"] == -1, "estimate"].item() == 0.0
    post0 = es.table.loc[es.table["event_time"] == 0, "estimate"].item()
    assert post0 == pytest.approx(1.0, abs=0.15)
    trend = make_panel(3000, range(1, 9), (4, 6), effect=1.0, pre_trend=0.3, seed=11)
    es_t = o.event_study(trend.data, "y", leads=3, lags=2)
    assert es_t.pretrend_p < 1e-6
    dyn = o.aggregate(o.att_gt(trend.data, "y"), "dynamic")
    _stat, df, p = o.dynamic_pretrend(dyn)
    assert df == 4 and p < 1e-6


def test_multiplier_bootstrap_matches_analytic() -> None:
    p = make_panel(2000, range(1, 6), (3, 4), seed=5)
    res = o.att_gt(p.data, "y")
    boot = o.multiplier_bootstrap(res.inf, iterations=2000, seed=1)
    assert np.allclose(boot, res.table["se"], rtol=0.08)
    again = o.multiplier_bootstrap(res.inf, iterations=2000, seed=1)
    assert np.array_equal(boot, again)


# --------------------------------------------------------------------------------------
# published examples
# --------------------------------------------------------------------------------------


def _mpdta() -> pd.DataFrame:
    spec = importlib.util.find_spec("moderndid")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("mpdta needs the PyPI package 'moderndid' (dev dependency), not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "core/datasets/mpdta_long.pkl.gz"
    if not path.exists():
        pytest.skip(f"moderndid does not ship {path.name} in this version")
    with gzip.open(path, "rb") as fh:
        data = pickle.load(fh)  # a data file of an installed package
    return pd.DataFrame(data).rename(
        columns={"countyreal": "unit", "year": "period", "first.treat": "first_treated"}
    )


# did README (commit 0c4287f), summary(out): group, time, ATT(g,t), bootstrap SE
MPDTA_ATT_GT = [
    (2004, 2004, -0.0105, 0.0241),
    (2004, 2005, -0.0704, 0.0313),
    (2004, 2006, -0.1373, 0.0380),
    (2004, 2007, -0.1008, 0.0337),
    (2006, 2004, 0.0065, 0.0223),
    (2006, 2005, -0.0028, 0.0196),
    (2006, 2006, -0.0046, 0.0188),
    (2006, 2007, -0.0412, 0.0202),
    (2007, 2004, 0.0305, 0.0154),
    (2007, 2005, -0.0027, 0.0168),
    (2007, 2006, -0.0311, 0.0190),
    (2007, 2007, -0.0261, 0.0182),
]
MPDTA_DYNAMIC = [
    (-3, 0.0305, 0.0153),
    (-2, -0.0006, 0.0136),
    (-1, -0.0245, 0.0138),
    (0, -0.0199, 0.0115),
    (1, -0.0510, 0.0174),
    (2, -0.1373, 0.0356),
    (3, -0.1008, 0.0354),
]
MPDTA_GROUP = [(2004, -0.0797, 0.0277), (2006, -0.0229, 0.0172), (2007, -0.0261, 0.0177)]
BOOT_TOL = 0.002  # published SEs are from a 1000-draw bootstrap


def test_mpdta_att_gt_published() -> None:
    res = o.att_gt(_mpdta(), "lemp", method="reg")
    got = res.table[["group", "period", "att", "se"]].to_numpy()
    want = np.asarray(MPDTA_ATT_GT)
    assert np.array_equal(got[:, :2], want[:, :2])
    assert np.array_equal(np.round(got[:, 2], 4), want[:, 2])
    assert np.abs(got[:, 3] - want[:, 3]).max() < BOOT_TOL
    # "P-value for pre-test of parallel trends assumption: 0.16812"
    assert round(res.pretrend_p, 5) == 0.16812
    # our own 1000-draw bootstrap: an IQR-based SE varies by ~10 % between draws
    boot = o.multiplier_bootstrap(res.inf, iterations=1000, seed=2021)
    assert np.allclose(boot, want[:, 3], rtol=0.2)


def test_mpdta_aggregations_published() -> None:
    res = o.att_gt(_mpdta(), "lemp", method="reg")
    dyn = o.aggregate(res, "dynamic")
    assert round(dyn.overall, 4) == -0.0772
    assert abs(dyn.overall_se - 0.0196) < BOOT_TOL
    want = np.asarray(MPDTA_DYNAMIC)
    assert np.array_equal(dyn.table["key"].to_numpy(), want[:, 0])
    assert np.array_equal(np.round(dyn.table["att"].to_numpy(), 4), want[:, 1])
    assert np.abs(dyn.table["se"].to_numpy() - want[:, 2]).max() < BOOT_TOL
    grp = o.aggregate(res, "group")
    assert round(grp.overall, 3) == -0.031  # printed as -0.031 (SE 0.0123)
    assert abs(grp.overall_se - 0.0123) < BOOT_TOL
    want = np.asarray(MPDTA_GROUP)
    assert np.array_equal(np.round(grp.table["att"].to_numpy(), 4), want[:, 1])
    assert np.abs(grp.table["se"].to_numpy() - want[:, 2]).max() < BOOT_TOL


def test_mpdta_calendar_aggregation_by_hand() -> None:
    """Calendar-time effects from the published ATT(g,t) (4 decimals) and the cohort sizes
    of mpdta (20 counties first treated in 2004, 40 in 2006, 131 in 2007), by hand:
    2004: −0.0105; 2005: −0.0704; 2006: (20·(−0.1373) + 40·(−0.0046)) / 60 = −0.0488;
    2007: (20·(−0.1008) + 40·(−0.0412) + 131·(−0.0261)) / 191 = −0.0371;
    overall: their mean, −0.0417 (as ``did::aggte(type = "calendar")``)."""
    data = _mpdta()
    sizes = data.drop_duplicates("unit")["first_treated"].value_counts()
    assert (sizes[2004], sizes[2006], sizes[2007]) == (20, 40, 131)
    cal = o.aggregate(o.att_gt(data, "lemp", method="reg"), "calendar")
    assert cal.table["key"].tolist() == [2004, 2005, 2006, 2007]
    assert np.round(cal.table["att"].to_numpy(), 4).tolist() == [-0.0105, -0.0704, -0.0488, -0.0371]
    assert round(cal.overall, 4) == -0.0417
    assert (cal.table["se"] > 0).all() and cal.overall_se > 0


def test_calendar_aggregation_recovers_a_constant_effect() -> None:
    p = make_panel(600, range(1, 9), (3, 5, 7), effect=-2.0, dynamics=0.0, seed=11)
    cal = o.aggregate(o.att_gt(p.data, "y"), "calendar")
    assert cal.table["key"].tolist() == [3, 4, 5, 6, 7, 8]
    assert abs(cal.overall + 2.0) < 4 * cal.overall_se


def test_mpdta_doubly_robust_matches_csdid() -> None:
    """DR with covariate lpop against the csdid package (analytic SEs), same data."""
    csdid = pytest.importorskip("csdid.att_gt", reason="csdid (dev dependency) not installed")
    data = _mpdta()
    raw = data.rename(
        columns={"unit": "countyreal", "period": "year", "first_treated": "first.treat"}
    )
    ref = csdid.ATTgt(
        yname="lemp",
        gname="first.treat",
        idname="countyreal",
        tname="year",
        xformla="lemp~lpop",
        data=raw,
    ).fit(est_method="dr", bstrap=False)
    ours = o.att_gt(data, "lemp", covariates=["lpop"], method="dr")
    ref_tab = ref.summ_attgt().summary2
    assert np.allclose(ours.table["att"], ref_tab["ATT(g, t)"], atol=5e-5)
    assert np.allclose(ours.table["se"], ref_tab["Std. Error"], atol=5e-5)


def test_card_krueger_table_5_2_1() -> None:
    """Angrist & Pischke (2009), Table 5.2.1 (Card & Krueger 1994, Table 3): FTE per store.

    Published: PA 23.33 (1.35) → 21.17 (0.94), change −2.16 (1.25); NJ 20.44 (0.51) →
    21.03 (0.52), change 0.59 (0.54); NJ − PA: −2.89 (1.44), −0.14 (1.07), DiD 2.76 (1.36).
    """
    means = pd.DataFrame(
        {"before": [23.33, 20.44], "after": [21.17, 21.03]}, index=["control", "treated"]
    )
    ses = pd.DataFrame(
        {"before": [1.35, 0.51], "after": [0.94, 0.52]}, index=["control", "treated"]
    )
    tab = o.did_from_means(means, ses, pd.Series({"control": 1.25, "treated": 0.54}))
    assert round(tab.loc["control", "change"], 2) == -2.16
    assert round(tab.loc["treated", "change"], 2) == 0.59
    assert round(tab.loc["difference", "before"], 2) == -2.89
    assert round(tab.loc["difference", "after"], 2) == -0.14
    assert round(tab.loc["difference", "before_se"], 2) == 1.44
    assert round(tab.loc["difference", "after_se"], 2) == 1.07
    assert round(tab.loc["difference", "change_se"], 2) == 1.36
    # From the rounded cell means the DiD is 0.59 + 2.16 = 2.75; the published 2.76 uses
    # unrounded means: agreement within the rounding of four two-decimal inputs.
    assert tab.loc["difference", "change"] == pytest.approx(2.75)
    assert abs(tab.loc["difference", "change"] - 2.76) <= 0.02


def test_affine_influence_equals_explicit() -> None:
    """The cohort-affine influence functions give the same Gram matrix as the n × m one."""
    p = make_panel(300, range(1, 7), (3, 5), dynamics=0.3, heterogeneity=0.5, seed=9)
    for cg in ("never", "notyet"):
        res = o.att_gt(p.data, "y", control_group=cg)
        assert res.inf.matrix is None
        explicit = o.Influence(n=res.n, pos=res.inf.pos, matrix=res.inf.materialise())
        assert np.allclose(res.inf.gram(), explicit.gram())
        # each column sums to zero (an influence function has mean zero)
        assert np.allclose(explicit.matrix.sum(axis=0), 0.0, atol=1e-8)
        for kind in ("simple", "dynamic", "group"):
            agg = o.aggregate(res, kind)
            w = agg.inf.materialise()
            assert np.allclose(np.sqrt((w**2).sum(axis=0)) / res.n, agg.inf.se())


# --------------------------------------------------------------------------------------
# inverse probability weighting (est_method = "ipw")
# --------------------------------------------------------------------------------------


def test_ipw_with_intercept_only_is_the_unconditional_did() -> None:
    """With a constant propensity score the normalised IPW DiD is the difference of mean
    changes, and its influence function that of the unconditional estimator: the
    propensity-score term vanishes because the weighted control residuals sum to zero."""
    rng = np.random.default_rng(4)
    d = (rng.random(40) < 0.3).astype(float)
    dy = rng.normal(size=40) + d
    att, inf = o._att_ipw(dy, d, np.ones((40, 1)))
    m1, m0 = dy[d == 1].mean(), dy[d == 0].mean()
    assert att == pytest.approx(m1 - m0, abs=1e-12)
    n, n1 = 40, d.sum()
    want = np.where(d == 1, n / n1 * (dy - m1), -n / (n - n1) * (dy - m0))
    assert np.allclose(inf, want, atol=1e-12)


def test_ipw_trims_controls_with_extreme_propensity_scores(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Controls whose propensity score reaches the trimming level get no weight; the ATT
    is then the Hájek estimator over the rest, by hand with statsmodels' logit."""
    import statsmodels.api as sm

    rng = np.random.default_rng(8)
    x = rng.normal(size=400)
    d = (rng.random(400) < 1 / (1 + np.exp(-(2.5 * x - 1)))).astype(float)
    dy = 0.5 * x + d + rng.normal(size=400)
    X = np.column_stack([np.ones(400), x])
    ps = sm.Logit(d, X).fit(disp=0, tol=1e-12).predict(X)
    monkeypatch.setattr(o, "PS_TRIM", 0.7)
    kept = (d == 0) & (ps < 0.7)
    assert 0 < ((d == 0) & ~kept).sum() < (d == 0).sum()  # some, not all controls trimmed
    w0 = np.where(kept, ps / (1 - ps), 0.0)
    want = dy[d == 1].mean() - (w0 @ dy) / w0.sum()
    att, inf = o._att_ipw(dy, d, X)
    assert att == pytest.approx(want, abs=1e-10)
    assert abs(inf.mean()) < 1e-10  # an influence function has mean zero


def _moderndid():  # type: ignore[no-untyped-def]
    return pytest.importorskip(
        "moderndid", reason="moderndid (dev dependency, Python port of R did) not installed"
    )


@pytest.mark.parametrize(
    ("control_group", "ref_control"), [("never", "nevertreated"), ("notyet", "notyettreated")]
)
def test_mpdta_ipw_matches_moderndid(control_group: str, ref_control: str) -> None:
    """IPW with covariate lpop against moderndid's ``att_gt(est_method="ipw")`` (the port
    of R ``did``, which calls ``DRDID::std_ipw_did_panel``), analytic SEs (no bootstrap):
    ATT(g,t), SEs, the pre-test and all four aggregations agree to 1e-6 (measured: about
    1e-13)."""
    md = _moderndid()
    data = _mpdta()
    raw = data.rename(
        columns={"unit": "countyreal", "period": "year", "first_treated": "first.treat"}
    )
    ref = md.att_gt(
        raw,
        yname="lemp",
        tname="year",
        idname="countyreal",
        gname="first.treat",
        xformla="~lpop",
        est_method="ipw",
        control_group=ref_control,
        boot=False,
        cband=False,
    )
    ours = o.att_gt(data, "lemp", covariates=["lpop"], method="ipw", control_group=control_group)
    assert ours.method == "ipw"
    tab = ours.table
    assert np.array_equal(tab["group"], ref.groups) and np.array_equal(tab["period"], ref.times)
    assert np.abs(tab["att"].to_numpy() - ref.att_gt).max() < 1e-6
    assert np.abs(tab["se"].to_numpy() - ref.se_gt).max() < 1e-6
    assert ours.pretrend_p == pytest.approx(ref.wald_pvalue, abs=1e-5)  # printed rounded
    for kind in ("simple", "dynamic", "group", "calendar"):
        agg = o.aggregate(ours, kind)
        want = md.aggte(ref, type=kind, boot=False, cband=False)
        assert agg.overall == pytest.approx(want.overall_att, abs=1e-6)
        assert agg.overall_se == pytest.approx(want.overall_se, abs=1e-6)
        if kind != "simple":
            assert np.abs(agg.table["att"].to_numpy() - want.att_by_event).max() < 1e-6
            assert np.abs(agg.table["se"].to_numpy() - want.se_by_event).max() < 1e-6


def test_mpdta_ipw_differs_from_dr_and_reg() -> None:
    """The three covariate estimators are distinct estimators of the same ATT(g,t)."""
    data = _mpdta()
    atts = {
        m: o.att_gt(data, "lemp", covariates=["lpop"], method=m).table["att"].to_numpy()
        for m in o.METHODS
    }
    assert not np.allclose(atts["ipw"], atts["dr"], atol=1e-6)
    assert not np.allclose(atts["ipw"], atts["reg"], atol=1e-6)
    assert np.abs(atts["ipw"] - atts["dr"]).max() < 0.01  # but close on mpdta


# --------------------------------------------------------------------------------------
# small-sample conventions of TWFE and the event study, against statsmodels
# --------------------------------------------------------------------------------------


def test_small_sample_factor_by_hand() -> None:
    """4 units × 2 periods (N = 8), one regressor: reghdfe counts K = 1 + (T − 1) = 2,
    so c = 4/3 · 7/6 = 14/9; counting every fixed effect K = 1 + 4 + 2 − 1 = 6, so
    c = 4/3 · 7/2 = 14/3."""
    assert o.small_sample_factor(4, 2, 1, "reghdfe") == pytest.approx(14 / 9)
    assert o.small_sample_factor(4, 2, 1, "absorbed_in_k") == pytest.approx(14 / 3)
    assert o.DOF_DEFAULT == "reghdfe"
    with pytest.raises(ValueError, match="too few"):
        o.small_sample_factor(3, 1, 1, "absorbed_in_k")


def _dummy_ols(data: pd.DataFrame, outcome: str, regressors: np.ndarray):  # type: ignore[no-untyped-def]
    """statsmodels OLS of ``outcome`` on ``regressors``, a constant and unit and year dummy
    variables (first level dropped), SEs clustered by unit: the reference that counts every
    fixed effect in K."""
    import statsmodels.api as sm

    unit = pd.get_dummies(data["unit"], drop_first=True, dtype=float).to_numpy()
    year = pd.get_dummies(data["period"], drop_first=True, dtype=float).to_numpy()
    X = np.column_stack([regressors, np.ones(len(data)), unit, year])
    groups = pd.factorize(data["unit"])[0]
    res = sm.OLS(data[outcome].to_numpy(dtype=float), X).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )
    return res, X.shape[1]


def _ratio_absorbed_to_reghdfe(n: int, g: int, t: int, k: int) -> float:
    """SE(absorbed in K) / SE(reghdfe) = sqrt((N − k − T + 1) / (N − k − G − T + 1))."""
    return float(np.sqrt((n - k - t + 1) / (n - k - g - t + 1)))


GRUNFELD_PLACEBO = {0: 0, 1: 0, 2: 0, 3: 0, 4: 1940, 5: 1940, 6: 1940, 7: 1945, 8: 1945}


def _grunfeld() -> pd.DataFrame:
    """Grunfeld's investment panel as shipped with statsmodels (11 firms × 1935–1954),
    outcome log investment, with *placebo* adoption years by firm order (firms 0–3 never,
    4–6 in 1940, 7–8 in 1945, 9–10 in 1950): a public panel to test the variance
    conventions of the regressions, not an effect."""
    import statsmodels.api as sm

    d = sm.datasets.grunfeld.load_pandas().data
    code = pd.factorize(d["firm"])[0]
    return pd.DataFrame(
        {
            "unit": code,
            "period": d["year"].astype(int),
            "first_treated": [GRUNFELD_PLACEBO.get(c, 1950) for c in code],
            "y": np.log(d["invest"].to_numpy()),
        }
    )


def _public_panel(name: str) -> tuple[pd.DataFrame, str]:
    if name == "grunfeld":
        return _grunfeld(), "y"
    return _mpdta(), "lemp"


PANELS = ["grunfeld", pytest.param("mpdta", marks=pytest.mark.slow)]  # mpdta: 505 dummies


@pytest.mark.parametrize("panel", PANELS)
def test_twfe_dof_conventions_against_statsmodels(panel: str) -> None:
    """Static TWFE on a public panel (Grunfeld 11 × 20 with placebo adoption; mpdta, 500
    counties × 5 years, with its minimum-wage treatment).

    ``absorbed_in_k`` equals statsmodels OLS with unit and year dummies and cluster SEs.
    ``reghdfe`` differs from it by the factor derived in ``small_sample_factor``, checked
    by hand: statsmodels counts K = 1 + 1 + (G − 1) + (T − 1) columns, reghdfe K = 1 + T − 1
    (mpdta: 505 and 5, SE ratio sqrt(2495/1995))."""
    data, y = _public_panel(panel)
    n, units, years = len(data), data["unit"].nunique(), data["period"].nunique()
    g = data["first_treated"].to_numpy()
    d = ((g > 0) & (data["period"].to_numpy() >= g)).astype(float)
    ref, k_sm = _dummy_ols(data, y, d[:, None])
    assert k_sm == 1 + 1 + (units - 1) + (years - 1)
    absorbed = o.twfe(data, y, dof="absorbed_in_k")
    assert absorbed.estimate == pytest.approx(ref.params[0], abs=1e-10)
    assert absorbed.se == pytest.approx(ref.bse[0], rel=1e-9)
    default = o.twfe(data, y)
    assert default.dof == "reghdfe" and default.estimate == absorbed.estimate
    ratio = _ratio_absorbed_to_reghdfe(n, units, years, 1)
    assert absorbed.se / default.se == pytest.approx(ratio, rel=1e-12)
    # the same from statsmodels' own factor: rescale (N−1)/(N−K_sm) to (N−1)/(N−T)
    assert default.se == pytest.approx(ref.bse[0] * np.sqrt((n - k_sm) / (n - years)), rel=1e-9)
    if panel == "mpdta":
        assert ratio == pytest.approx(np.sqrt(2495 / 1995))


@pytest.mark.parametrize("panel", PANELS)
def test_event_study_dof_conventions_against_statsmodels(panel: str) -> None:
    """Event study (event times −3..3, ends binned, reference −1) on a public panel:
    ``absorbed_in_k`` equals statsmodels with unit and year dummies coefficient by
    coefficient, and so does the Wald pre-test; ``reghdfe`` scales every SE by the
    derived factor with k = 6 event-time dummies."""
    data, y = _public_panel(panel)
    n, units, years = len(data), data["unit"].nunique(), data["period"].nunique()
    g = data["first_treated"].to_numpy()
    e = np.clip(data["period"].to_numpy() - g, -3, 3)
    times = [-3, -2, 0, 1, 2, 3]
    dummies = np.column_stack([((e == k) & (g > 0)).astype(float) for k in times])
    ref, _k = _dummy_ols(data, y, dummies)
    absorbed = o.event_study(data, y, leads=3, lags=3, dof="absorbed_in_k")
    tab = absorbed.table.set_index("event_time").loc[times]
    assert np.allclose(tab["estimate"], ref.params[:6], atol=1e-10)
    assert np.allclose(tab["se"], ref.bse[:6], rtol=1e-9)
    lead_cov = np.asarray(ref.cov_params())[:2, :2]
    stat = float(ref.params[:2] @ np.linalg.solve(lead_cov, ref.params[:2]))
    assert absorbed.pretrend_stat == pytest.approx(stat, rel=1e-9)
    default = o.event_study(data, y, leads=3, lags=3)
    assert default.dof == "reghdfe"
    ratio = default.table["se"].replace(0.0, np.nan) / absorbed.table["se"].replace(0.0, np.nan)
    want = 1 / _ratio_absorbed_to_reghdfe(n, units, years, 6)
    assert np.allclose(ratio.dropna(), want, rtol=1e-12)
    assert default.pretrend_stat == pytest.approx(absorbed.pretrend_stat / want**2, rel=1e-12)
