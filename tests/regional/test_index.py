"""Structural-weakness index: hand-computed table, missing-value rule, rank stability."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis.regional import data as regional
from analysis.regional import index as regional_index
from analysis.regional.index import (
    composite,
    dirichlet_stability,
    normalise_weights,
    rank_agreement,
    rankings,
    standardise,
)
from tests.regional.fixtures import default_index, loaded

SD = math.sqrt(5 / 3)  # sample sd of 1, 2, 3, 4 (ddof = 1)


def small() -> pd.DataFrame:
    """Four places; x: higher is weaker, y: higher is stronger, D has no y."""
    return pd.DataFrame(
        {"x": [1.0, 2.0, 3.0, 4.0], "y": [10.0, 20.0, 30.0, np.nan]}, index=list("ABCD")
    )


DIRECTIONS = {"x": "higher_is_weaker", "y": "higher_is_stronger"}


def test_standardise_by_hand():
    z = standardise(small(), DIRECTIONS)
    # x: mean 2.5, sd sqrt(5/3) = 1.290994; y over A-C: mean 20, sd 10, sign flipped.
    assert z["x"].tolist() == pytest.approx([-1.5 / SD, -0.5 / SD, 0.5 / SD, 1.5 / SD])
    assert z["x"].tolist() == pytest.approx([-1.161895, -0.387298, 0.387298, 1.161895], abs=1e-6)
    assert z["y"].iloc[:3].tolist() == pytest.approx([1.0, 0.0, -1.0])
    assert math.isnan(z.loc["D", "y"])


def test_composite_against_hand_computed_table():
    z = standardise(small(), DIRECTIONS)
    w = normalise_weights({"x": 3, "y": 1}, ["x", "y"])
    assert w.tolist() == [0.75, 0.25]
    out = composite(z, w, min_coverage=0.75)
    # I_A = 0.75·(−1.161895) + 0.25·1 = −0.621421; I_B = 0.75·(−0.387298) = −0.290474;
    # I_C = 0.75·0.387298 − 0.25 = 0.040474; D has only x (coverage 0.75): I_D = z_x = 1.161895.
    expected = [-0.621421, -0.290474, 0.040474, 1.161895]
    assert out["index"].tolist() == pytest.approx(expected, abs=1e-6)
    assert out["coverage"].tolist() == [1.0, 1.0, 1.0, 0.75]
    assert out["rank"].tolist() == [4, 3, 2, 1]
    # Stricter coverage: D is no longer ranked, the others keep their order.
    strict = composite(z, w, min_coverage=0.8)
    assert math.isnan(strict.loc["D", "index"])
    assert pd.isna(strict.loc["D", "rank"])
    assert strict["rank"].iloc[:3].tolist() == [3, 2, 1]


def test_normalise_weights():
    assert normalise_weights(None, ["a", "b"]).tolist() == [0.5, 0.5]
    assert normalise_weights({}, ["a", "b", "c", "d"]).tolist() == [0.25] * 4
    assert normalise_weights([1, 3], ["a", "b"]).tolist() == [0.25, 0.75]
    for bad in ({"a": 1}, {"a": 1, "b": 1, "c": 1}, [1], [-1, 2], [0, 0]):
        with pytest.raises(ValueError):
            normalise_weights(bad, ["a", "b"])


def test_constant_indicator_cannot_be_standardised():
    with pytest.raises(ValueError, match="cannot be standardised"):
        standardise(pd.DataFrame({"x": [2.0, 2.0, 2.0]}), {"x": "higher_is_weaker"})


index_inputs = st.tuples(
    arrays(np.float64, (12, 3), elements=st.floats(-1e3, 1e3, allow_nan=False)),
    st.lists(st.floats(0.01, 100), min_size=3, max_size=3),
    st.lists(st.floats(-1e3, 1e3), min_size=3, max_size=3),
    st.lists(st.floats(0.0, 10.0), min_size=3, max_size=3).filter(lambda w: sum(w) > 0.1),
)


@settings(max_examples=60, deadline=None)
@given(index_inputs)
def test_ranking_is_invariant_to_indicator_scaling(args):
    """z-scores remove units: rescaling x → a·x + b (a > 0) leaves index and ranks unchanged."""
    values, scales, shifts, weights = args
    frame = pd.DataFrame(values, columns=["p", "q", "r"])
    if (frame.std(ddof=1) < 1e-3).any():
        return
    dirs = {"p": "higher_is_weaker", "q": "higher_is_stronger", "r": "higher_is_weaker"}
    w = normalise_weights(weights, ["p", "q", "r"])
    base = composite(standardise(frame, dirs), w)
    scaled = frame * np.array(scales) + np.array(shifts)
    again = composite(standardise(scaled, dirs), w)
    assert np.allclose(base["index"], again["index"], atol=1e-6)
    # Same order for every pair of places whose index differs by more than rounding noise.
    a, b = base["index"].to_numpy(), again["index"].to_numpy()
    da, db = a[:, None] - a[None, :], b[:, None] - b[None, :]
    clear = np.abs(da) > 1e-6
    assert (np.sign(da[clear]) == np.sign(db[clear])).all()


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, (8, 2), elements=st.floats(-10, 10, allow_nan=False)),
    st.floats(0.1, 50),
)
def test_index_is_invariant_to_multiplying_all_weights(values, factor):
    z = pd.DataFrame(values, columns=["a", "b"])
    w = pd.Series([0.3, 0.7], index=["a", "b"])
    one = composite(z, normalise_weights([0.3, 0.7], ["a", "b"]))
    other = composite(z, normalise_weights(list(w * factor), ["a", "b"]))
    assert np.allclose(one["index"], other["index"])


def test_rank_agreement_identical_and_reversed():
    ranks = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 2, 3, 4], "c": [4, 3, 2, 1]})
    table = rank_agreement(ranks, top_n=2).set_index(["set_a", "set_b"])
    assert table.loc[("a", "b"), "spearman"] == pytest.approx(1.0)
    assert table.loc[("a", "b"), "kendall"] == pytest.approx(1.0)
    assert table.loc[("a", "b"), "top_n_retained"] == 1.0
    assert table.loc[("a", "c"), "spearman"] == pytest.approx(-1.0)
    assert table.loc[("a", "c"), "kendall"] == pytest.approx(-1.0)
    assert table.loc[("a", "c"), "top_n_retained"] == 0.0


def test_rankings_under_weight_sets():
    z = standardise(small(), DIRECTIONS)
    ranks = rankings(z, {"x_only": {"x": 1, "y": 0}, "y_only": {"x": 0, "y": 1}}, 0.5)
    assert ranks["x_only"].tolist() == [4, 3, 2, 1]
    # y only (higher is stronger): A has the lowest y and is the weakest; D has no y
    # (coverage 0) and is not ranked.
    assert ranks["y_only"].iloc[:3].tolist() == [1, 2, 3]
    assert pd.isna(ranks.loc["D", "y_only"])


def test_dirichlet_stability_is_seeded_and_sane():
    rng = np.random.default_rng(0)
    z = pd.DataFrame(rng.normal(size=(40, 3)), columns=list("abc"))
    w = normalise_weights(None, list("abc"))
    one = dirichlet_stability(z, w, n_draws=30, seed=7, top_n=5)
    two = dirichlet_stability(z, w, n_draws=30, seed=7, top_n=5)
    pd.testing.assert_frame_equal(one.draws, two.draws)
    weights = one.draws[["w_a", "w_b", "w_c"]]
    assert np.allclose(weights.sum(axis=1), 1.0)
    assert one.draws["spearman"].between(-1, 1).all()
    assert one.places["share_in_top_n"].between(0, 1).all()
    assert one.places["share_in_top_n"].sum() == pytest.approx(5.0)  # 5 places per draw


def test_identical_indicators_give_perfectly_stable_ranks():
    col = np.arange(20.0)
    z = pd.DataFrame({"a": col, "b": col, "c": col})
    stab = dirichlet_stability(z, normalise_weights(None, list("abc")), n_draws=10, top_n=3)
    assert np.allclose(stab.draws["spearman"], 1.0)
    assert (stab.draws["top_n_retained"] == 1.0).all()
    assert (stab.places["rank_p05"] == stab.places["rank_p95"]).all()


@pytest.fixture(scope="module")
def data() -> regional.RegionalData:
    return loaded()


def test_structural_weakness_on_the_real_data(data):
    res = default_index()
    s = res.scores
    assert len(s) == 10_990
    assert list(res.weights.index) == regional_index.DEFAULT_INDICATORS
    juelich = s.loc["05358024"]
    assert juelich["coverage"] == 1.0
    assert juelich["n_indicators"] == 7
    # Z of a district indicator for Jülich is Kreis Düren's z over the 400 districts.
    krs = data.districts["wohn_leer"]
    expected = (2.97 - krs.mean()) / krs.std(ddof=1)
    assert res.z.loc["05358024", "wohn_leer"] == pytest.approx(expected)
    # Every unranked place is listed with its missing values, none is dropped.
    unranked = set(s.index[s["index"].isna()])
    assert unranked <= set(res.missing["key"])
    assert set(res.missing.loc[~res.missing["ranked"], "key"]) == unranked
    assert s["rank"].min() == 1


def test_district_index(data):
    res = regional_index.structural_weakness(data, level="kreis")
    assert len(res.scores) == 400
    assert res.scores["index"].notna().all()
    # Tax capacity at district level is the median over the district's municipalities.
    med = data.municipalities.groupby("district")["st_einnkr"].median()
    expected = -(med["05358000"] - med.mean()) / med.std(ddof=1)
    assert res.z.loc["05358000", "st_einnkr"] == pytest.approx(expected)


def test_weight_sets_leave_one_out():
    sets = regional_index.weight_sets(["a", "b", "c"], {"a": 2, "b": 1, "c": 1})
    assert list(sets) == ["chosen", "equal", "without_a", "without_b", "without_c"]
    assert sets["chosen"].tolist() == [0.5, 0.25, 0.25]
    assert sets["without_a"].tolist() == [0.0, 0.5, 0.5]
    assert sets["without_b"].tolist() == pytest.approx([2 / 3, 0.0, 1 / 3])
    assert "equal" not in regional_index.weight_sets(["a", "b"], None)
