"""Tests of analysis.outcomes.synthetic: the design, its true effects, reproducibility."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.outcomes.synthetic import make_panel, true_aggregates, true_effect


def test_true_effect_by_hand() -> None:
    # cohorts 3 (k=1) and 5 (k=2); effect 2, +1 per period of exposure, +50 % per cohort
    tab = true_effect([3, 5], [1, 2, 3, 4, 5, 6], effect=2.0, dynamics=1.0, heterogeneity=0.5)
    att = tab.set_index(["group", "period"])["att"]
    assert att[(3, 2)] == 0.0
    assert att[(3, 3)] == 2.0 and att[(3, 4)] == 3.0 and att[(3, 6)] == 5.0
    assert att[(5, 5)] == 3.0 and att[(5, 6)] == 4.5  # (2 + e) * 1.5


def test_true_aggregates_by_hand() -> None:
    tab = true_effect([3, 5], [1, 2, 3, 4, 5, 6], effect=2.0, dynamics=1.0, heterogeneity=0.5)
    agg = true_aggregates(tab, pd.Series({3: 30, 5: 10}))
    # post cells: cohort 3: 2, 3, 4, 5 (size 30); cohort 5: 3, 4.5 (size 10)
    assert agg["simple"] == pytest.approx((30 * 14 + 10 * 7.5) / (30 * 4 + 10 * 2))
    assert agg["group"].tolist() == pytest.approx([3.5, 3.75])
    assert agg["group_overall"] == pytest.approx(0.75 * 3.5 + 0.25 * 3.75)
    assert agg["dynamic"][0] == pytest.approx((30 * 2 + 10 * 3) / 40)
    assert agg["dynamic"][3] == pytest.approx(5.0)
    assert agg["dynamic_overall"] == pytest.approx(agg["dynamic"].mean())


def test_panel_layout_and_seed() -> None:
    p = make_panel(50, range(2015, 2021), (2017, 2019), seed=4)
    d = p.data
    assert len(d) == 50 * 6 and d["unit"].nunique() == 50
    assert set(d["first_treated"]) <= {0, 2017, 2019}
    expected = ((d["first_treated"] > 0) & (d["period"] >= d["first_treated"])).astype(int)
    assert (d["treated"] == expected).all()
    assert (d.groupby("unit")["x"].nunique() == 1).all()
    again = make_panel(50, range(2015, 2021), (2017, 2019), seed=4)
    pd.testing.assert_frame_equal(d, again.data)
    other = make_panel(50, range(2015, 2021), (2017, 2019), seed=5)
    assert not np.allclose(d["y"], other.data["y"])


def test_noise_seed_keeps_design() -> None:
    a = make_panel(80, range(1, 6), (3,), seed=1, noise_seed=1)
    b = make_panel(80, range(1, 6), (3,), seed=1, noise_seed=2)
    assert (a.data["first_treated"] == b.data["first_treated"]).all()
    assert np.allclose(a.data["x"], b.data["x"])
    assert not np.allclose(a.data["y"], b.data["y"])


def test_noiseless_outcome_is_exact() -> None:
    """Without noise, treated minus counterfactual equals tau exactly (in differences)."""
    p = make_panel(30, range(1, 6), (3,), effect=2.0, dynamics=0.5, noise=0.0, seed=2)
    q = make_panel(30, range(1, 6), (3,), effect=0.0, dynamics=0.0, noise=0.0, seed=2)
    diff = p.data["y"] - q.data["y"]
    e = p.data["period"] - p.data["first_treated"]
    treated = p.data["treated"] == 1
    assert np.allclose(diff[treated], 2.0 + 0.5 * e[treated])
    assert np.allclose(diff[~treated], 0.0)


@settings(max_examples=30, deadline=None)
@given(
    effect=st.floats(-5, 5),
    dynamics=st.floats(-1, 1),
    heterogeneity=st.floats(0, 2),
    seed=st.integers(0, 1000),
)
def test_aggregates_bounded_by_cells(
    effect: float, dynamics: float, heterogeneity: float, seed: int
) -> None:
    """Every aggregate is a weighted mean, so it lies within the range of the post cells."""
    p = make_panel(60, range(1, 8), (3, 5, 7), effect, dynamics, heterogeneity, seed=seed)
    post = p.att_gt[p.att_gt["event_time"] >= 0]["att"]
    lo, hi = post.min() - 1e-9, post.max() + 1e-9
    for v in (p.simple, p.group_overall, p.dynamic_overall, *p.dynamic, *p.group):
        assert lo <= v <= hi


def test_bad_design() -> None:
    with pytest.raises(ValueError, match="cohort"):
        make_panel(10, range(2015, 2020), (2015,))
    with pytest.raises(ValueError, match="never_share"):
        make_panel(10, range(2015, 2020), (2017,), never_share=1.0)
