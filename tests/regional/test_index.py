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
    normalise,
    normalise_weights,
    percentile_ranks,
    rank_agreement,
    rankings,
    standardise,
    top_overlap,
    variance_shares,
    winsorise,
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
    assert res.method == "percentile"
    assert list(res.weights.index) == regional_index.DEFAULT_INDICATORS
    juelich = s.loc["05358024"]
    assert juelich["coverage"] == 1.0
    assert juelich["n_indicators"] == 7
    # Percentile of a district indicator for Jülich: Kreis Düren's mid-rank among 400.
    krs = data.districts["wohn_leer"]
    expected = ((krs < 2.97).sum() + 0.5 * (krs == 2.97).sum()) / krs.count()
    assert res.normalised.loc["05358024", "wohn_leer"] == pytest.approx(expected)
    # Every unranked inhabited place is listed with its missing values, none is dropped.
    unranked = set(s.index[s["index"].isna() & ~s["excluded"]])
    assert unranked <= set(res.missing["key"])
    assert set(res.missing.loc[~res.missing["ranked"], "key"]) == unranked
    assert s["rank"].min() == 1


def test_z_method_on_the_real_data(data):
    res = regional_index.structural_weakness(data, method="z")
    krs = data.districts["wohn_leer"]
    expected = (2.97 - krs.mean()) / krs.std(ddof=1)
    assert res.normalised.loc["05358024", "wohn_leer"] == pytest.approx(expected)
    # Plain z-scores put the car-free Halligen and Helgoland at ranks 1-4 (issue 16).
    top4 = set(s for s in res.scores.index[res.scores["rank"] <= 4])
    assert top4 == {"01054039", "01054050", "01054074", "01056025"}
    assert res.scores.loc[list(top4), "car_free_island"].all()


def test_district_index(data):
    res = regional_index.structural_weakness(data, level="kreis", method="z")
    assert len(res.scores) == 400
    assert res.scores["index"].notna().all()
    # Tax capacity at district level is the median over the district's inhabited
    # municipalities.
    m = data.municipalities[~regional.uninhabited(data.municipalities)]
    med = m.groupby("district")["st_einnkr"].median()
    expected = -(med["05358000"] - med.mean()) / med.std(ddof=1)
    assert res.normalised.loc["05358000", "st_einnkr"] == pytest.approx(expected)
    assert not res.scores["excluded"].any()


def test_weight_sets_leave_one_out():
    sets = regional_index.weight_sets(["a", "b", "c"], {"a": 2, "b": 1, "c": 1})
    assert list(sets) == ["chosen", "equal", "without_a", "without_b", "without_c"]
    assert sets["chosen"].tolist() == [0.5, 0.25, 0.25]
    assert sets["without_a"].tolist() == [0.0, 0.5, 0.5]
    assert sets["without_b"].tolist() == pytest.approx([2 / 3, 0.0, 1 / 3])
    assert "equal" not in regional_index.weight_sets(["a", "b"], None)


# --------------------------------------------------------------------------------------
# Normalisation methods (issue 16): percentile ranks, winsorised z, z
# --------------------------------------------------------------------------------------


def test_percentile_ranks_by_hand_with_ties():
    frame = pd.DataFrame({"x": [1.0, 2.0, 2.0, 3.0, np.nan], "y": [1.0, 2.0, 2.0, 3.0, 4.0]})
    p = percentile_ranks(frame, {"x": "higher_is_weaker", "y": "higher_is_stronger"})
    # x over 4 values: (#less + ½ #equal) / n = 0.5/4, (1 + 1)/4, (1 + 1)/4, 3.5/4.
    assert p["x"].iloc[:4].tolist() == [0.125, 0.5, 0.5, 0.875]
    assert math.isnan(p["x"].iloc[4])
    # y (higher is stronger) over 5 values: 1 − (0.1, 0.4, 0.4, 0.7, 0.9).
    assert p["y"].tolist() == pytest.approx([0.9, 0.6, 0.6, 0.3, 0.1])


def test_winsorise_at_stated_quantiles():
    x = pd.DataFrame({"x": [0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100]})
    # Linear quantiles over 11 values: q(0.1) = x[1] = 1, q(0.9) = x[9] = 9.
    w = winsorise(x, (0.1, 0.9))
    assert w["x"].tolist() == [1.0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]
    z = normalise(x, {"x": "higher_is_weaker"}, "winsorised_z", (0.1, 0.9))
    assert z["x"].tolist() == pytest.approx(((w["x"] - w["x"].mean()) / w["x"].std()).tolist())
    with pytest.raises(ValueError, match="winsorisation limits"):
        winsorise(x, (0.9, 0.1))


def test_normalise_rejects_an_unknown_method():
    with pytest.raises(ValueError, match="method must be one of percentile, winsorised_z, z"):
        normalise(small(), DIRECTIONS, "minmax")
    with pytest.raises(ValueError, match="method must be one of"):
        regional_index.structural_weakness(loaded(), method="rank")


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.int64, (15, 2), elements=st.integers(-50, 50)),
    st.sampled_from(["higher_is_weaker", "higher_is_stronger"]),
)
def test_percentile_index_is_invariant_to_monotone_transforms(values, direction):
    """Ranking normalisation: a strictly increasing transform of an indicator (here
    x → x³ + 5x, and exp) changes no score; scores and index lie in (0, 1)."""
    frame = pd.DataFrame(values.astype(float), columns=["a", "b"])
    if (frame.nunique() < 2).any():
        return
    dirs = {"a": direction, "b": "higher_is_weaker"}
    base = percentile_ranks(frame, dirs)
    bent = frame.assign(a=frame["a"] ** 3 + 5 * frame["a"], b=np.exp(frame["b"] / 10))
    again = percentile_ranks(bent, dirs)
    pd.testing.assert_frame_equal(base, again)
    assert ((base > 0) & (base < 1)).all().all()
    index = composite(base, normalise_weights(None, ["a", "b"]))["index"]
    assert index.between(0, 1).all()


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (40,), elements=st.floats(-1e3, 1e3, allow_nan=False)))
def test_winsorised_values_stay_within_the_limits(x):
    frame = pd.DataFrame({"x": x})
    w = winsorise(frame, (0.05, 0.95))["x"]
    lo, hi = frame["x"].quantile([0.05, 0.95])
    assert (w >= lo - 1e-9).all() and (w <= hi + 1e-9).all()
    inside = frame["x"].between(lo, hi)
    assert (w[inside] == frame["x"][inside]).all()


def test_one_outlier_moves_z_but_not_percentile_ranks():
    frame = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8], "y": [1.0, 2, 3, 4, 6, 7, 8, 5]})
    dirs = {"x": "higher_is_weaker", "y": "higher_is_weaker"}
    w = normalise_weights(None, ["x", "y"])
    spiked = frame.assign(x=frame["x"].where(frame.index != 7, 1000.0))
    by_rank = [composite(normalise(f, dirs, "percentile"), w)["rank"] for f in (frame, spiked)]
    pd.testing.assert_series_equal(by_rank[0], by_rank[1])
    assert by_rank[0].iloc[6] == 1  # high on both indicators: the weakest place
    assert composite(normalise(frame, dirs, "z"), w)["rank"].iloc[6] == 1
    by_z = composite(normalise(spiked, dirs, "z"), w)
    assert by_z["rank"].iloc[7] == 1  # the outlier alone decides the top under z


def test_top_overlap_by_hand():
    ranks = pd.DataFrame(
        {("p", "chosen"): [1, 2, 3, 4, 5], ("z", "chosen"): [5, 1, 2, 3, 4]}, index=list("ABCDE")
    )
    t = {r["ranking"]: r for r in top_overlap(ranks, ("p", "chosen"), (2, 3)).to_dict("records")}
    assert t[("p", "chosen")]["shared_2"] == 2
    assert t[("p", "chosen")]["spearman"] == pytest.approx(1.0)
    # top 2 under p: A, B; under z: B, C -> 1 shared, Jaccard 1/3.
    assert t[("z", "chosen")]["shared_2"] == 1
    assert t[("z", "chosen")]["jaccard_2"] == pytest.approx(1 / 3)
    assert t[("z", "chosen")]["shared_3"] == 2


def test_variance_shares_sum_to_one():
    rng = np.random.default_rng(1)
    y = pd.DataFrame(rng.normal(size=(200, 3)), columns=list("abc"))
    w = normalise_weights([1, 1, 2], list("abc"))
    shares = variance_shares(y, w)
    assert shares.sum() == pytest.approx(1.0)
    twin = variance_shares(
        pd.DataFrame({"a": y["a"], "b": y["a"]}), normalise_weights(None, ["a", "b"])
    )
    assert twin.tolist() == pytest.approx([0.5, 0.5])


def test_default_method_on_the_real_data(data):
    """Issue 16: under the default no car-free island is in the top 20, no area without
    inhabitants is ranked, and car time no longer carries the least variance."""
    res = default_index()
    s = res.scores
    top20 = s.index[s["rank"] <= 20]
    assert len(top20) == 20
    assert not s.loc[top20, "car_free_island"].any()
    halligen = ["01054039", "01054050", "01054074", "01056025"]
    assert (s.loc[halligen, "rank"] > 100).all()
    assert s["excluded"].sum() == 204
    assert s.loc[s["excluded"], "index"].isna().all()
    assert s.loc["03151501", "excluded"]  # Giebel, gemfr. Gebiet (ranked 5,411 before)
    assert len(res.excluded) == 204
    # Excluded areas are no part of the reference: p_markt percentiles over inhabited places.
    inhabited = ~s["excluded"]
    n = data.municipalities.loc[inhabited, "p_markt"].count()
    assert res.normalised["p_markt"].max() == pytest.approx((n - 0.5) / n)
    shares = regional_index.variance_shares(res.normalised, res.weights)
    assert shares["p_markt"] > 0.11


def test_winsorised_method_on_the_real_data(data):
    res = regional_index.structural_weakness(data, method="winsorised_z")
    top20 = res.scores.index[res.scores["rank"] <= 20]
    assert not res.scores.loc[top20, "car_free_island"].any()
    dist = regional_index.distribution(
        regional_index.published_values(data, ["p_markt", "st_einnkr"], res.excluded["key"])
    )
    assert dist.loc["p_markt", "skew"] > 20 and dist.loc["st_einnkr", "skew"] > 50
    assert dist.loc["p_markt", "z_max"] > 50 and dist.loc["st_einnkr", "z_max"] > 80
    assert abs(dist.loc["p_markt", "skew_winsorised"]) < 2


def test_method_rankings_cover_methods_and_weight_sets(data):
    sets = regional_index.weight_sets(regional_index.DEFAULT_INDICATORS)
    ranks = regional_index.method_rankings(data, regional_index.DEFAULT_INDICATORS, sets)
    assert list(ranks.columns.get_level_values("method").unique()) == [
        "percentile",
        "winsorised_z",
        "z",
    ]
    assert ranks.shape[1] == 3 * len(sets)
    # Same ranking as the index itself (up to float ties from renormalising the weights).
    same = ranks[("percentile", "chosen")] == default_index().scores["rank"]
    assert same[default_index().scores["index"].notna()].mean() > 0.999
    overlap = regional_index.top_overlap(ranks, ("percentile", "chosen"))
    rows = {r["ranking"]: r for r in overlap.to_dict("records")}
    # The figures: z and percentile share 4 of the top 20 and 43 of the top 100.
    assert rows[("z", "chosen")]["shared_20"] == 4
    assert rows[("z", "chosen")]["shared_100"] == 43
