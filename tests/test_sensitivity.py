"""Tests of analysis.sensitivity on small models with known answers, and on an SROI map."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis import sensitivity as sens
from analysis.sroi import centre as sroi_centre
from analysis.sroi import engine as sroi

RAW = Path(__file__).resolve().parents[1] / "data" / "raw" / "sroi"


def ratio_model(x: np.ndarray) -> np.ndarray:
    """ratio = value × (1 − deadweight) / investment."""
    return x[:, 0] * (1 - x[:, 1]) / x[:, 2]


PARAMS = [
    sens.Parameter("value", 300.0, 200.0, 400.0, "triangular", (0.0, 1000.0)),
    sens.Parameter("deadweight", 0.25, 0.0, 0.5, "uniform", (0.0, 1.0)),
    sens.Parameter("investment", 100.0, bounds=(1.0, 1000.0)),
]


def test_tornado_by_hand() -> None:
    t = sens.tornado(ratio_model, PARAMS)
    assert list(t["parameter"]) == ["value", "deadweight"]  # investment has no range
    row = t.set_index("parameter").loc["value"]
    assert row["output_base"] == pytest.approx(2.25)
    assert row["output_low"] == pytest.approx(1.5)  # 200 × 0.75 / 100
    assert row["output_high"] == pytest.approx(3.0)
    assert row["swing"] == pytest.approx(1.5)
    assert t.set_index("parameter").loc["deadweight", "swing"] == pytest.approx(1.5)


def test_tipping_points_by_hand() -> None:
    t = sens.tipping_points(ratio_model, PARAMS).set_index("parameter")
    # value: v × 0.75 / 100 = 1 → v = 133.33…; deadweight: 300 (1 − d) / 100 = 1 → d = 2/3;
    # investment: 225 / i = 1 → i = 225
    assert t.loc["value", "tipping_value"] == pytest.approx(400 / 3, rel=1e-9)
    assert t.loc["deadweight", "tipping_value"] == pytest.approx(2 / 3, rel=1e-9)
    assert t.loc["investment", "tipping_value"] == pytest.approx(225.0, rel=1e-9)
    assert (t["status"] == sens.FOUND).all()
    assert t.loc["investment", "change"] == pytest.approx(1.25)


def test_tipping_point_none_in_range() -> None:
    params = [
        sens.Parameter("a", 5.0, bounds=(2.0, 10.0)),
        sens.Parameter("b", 1.0, bounds=(0.5, 2.0)),
    ]
    t = sens.tipping_points(lambda x: x[:, 0] * x[:, 1], params).set_index("parameter")
    # a × 1 ≥ 2 everywhere: never reaches 1; b: 5 b = 1 needs b = 0.2 < 0.5
    assert t.loc["a", "status"] == sens.NONE_IN_RANGE and np.isnan(t.loc["a", "tipping_value"])
    assert t.loc["b", "status"] == sens.NONE_IN_RANGE


def test_tipping_point_needs_finite_bounds() -> None:
    with pytest.raises(ValueError, match="finite bounds"):
        sens.tipping_point(lambda x: x[:, 0], [sens.Parameter("a", 1.0)], 0)


def test_monte_carlo_without_uncertainty_is_deterministic() -> None:
    params = [sens.Parameter(p.name, p.base, bounds=p.bounds) for p in PARAMS]
    mc = sens.monte_carlo(ratio_model, params, draws=1000, seed=3)
    assert np.all(mc.values == mc.deterministic)
    assert mc.quantiles() == {0.05: 2.25, 0.5: 2.25, 0.95: 2.25}
    assert mc.p_exceeds == 1.0


def test_monte_carlo_reproducible_with_seed() -> None:
    a = sens.monte_carlo(ratio_model, PARAMS, draws=70_000, seed=42, progress=False)
    b = sens.monte_carlo(ratio_model, PARAMS, draws=70_000, seed=42, progress=False)
    c = sens.monte_carlo(ratio_model, PARAMS, draws=70_000, seed=43, progress=False)
    assert np.array_equal(a.values, b.values)
    assert not np.array_equal(a.values, c.values)


def test_monte_carlo_p_exceeds_matches_analytic() -> None:
    # value fixed at 100, investment 100: ratio > 1 ⇔ deadweight < 0 — never; shift threshold:
    # ratio = 1 − d with d ~ U(0, 0.5): P(ratio > 0.8) = P(d < 0.2) = 0.4
    params = [
        sens.Parameter("value", 100.0),
        sens.Parameter("deadweight", 0.25, 0.0, 0.5, "uniform"),
        sens.Parameter("investment", 100.0),
    ]
    mc = sens.monte_carlo(ratio_model, params, draws=200_000, seed=1, threshold=0.8, progress=False)
    assert mc.p_exceeds == pytest.approx(0.4, abs=0.005)
    assert mc.quantiles()[0.5] == pytest.approx(0.75, abs=0.003)


def test_sampled_distributions_match_their_definitions() -> None:
    params = [
        sens.Parameter("tri", 2.0, 1.0, 5.0, "triangular"),
        sens.Parameter("pert", 2.0, 1.0, 5.0, "pert"),
        sens.Parameter("uni", 2.0, 1.0, 5.0, "uniform"),
    ]
    x = sens.sample(params, 100_000, np.random.default_rng(0))
    assert x.min() >= 1.0 and x.max() <= 5.0
    # means: triangular (a + c + b)/3 = 8/3; PERT (a + 4c + b)/6 = 14/6; uniform 3
    assert x[:, 0].mean() == pytest.approx(8 / 3, abs=0.01)
    assert x[:, 1].mean() == pytest.approx(14 / 6, abs=0.01)
    assert x[:, 2].mean() == pytest.approx(3.0, abs=0.01)
    tri = stats.triang(c=0.25, loc=1.0, scale=4.0)
    assert stats.kstest(x[:, 0], tri.cdf).pvalue > 0.001
    pert = stats.beta(1 + 4 * 0.25, 1 + 4 * 0.75, loc=1.0, scale=4.0)
    assert stats.kstest(x[:, 1], pert.cdf).pvalue > 0.001


# PERT shapes with λ = 4 lie in [1, 5]: both ends, near-ends and the interior
SHAPES = [
    (1.0, 5.0),
    (1.001, 4.999),
    (1.05, 4.95),
    (1.6, 4.4),
    (3.0, 3.0),
    (4.999, 1.001),
    (5.0, 1.0),
]


def test_beta_quantile_table_against_the_exact_cdf() -> None:
    """Knots are within 3·10⁻⁷ of the exact quantiles (in probability), and the linearly
    interpolated distribution's CDF within 1.2·10⁻⁴ of the exact one (at the cell
    midpoints, where the interpolation error is largest)."""
    from scipy import special

    a, b = np.array(SHAPES).T
    table = sens.beta_quantile_table(a, b)
    u = np.linspace(0.0, 1.0, sens.PERT_CELLS + 1)
    knots_err = np.abs(special.betainc(a[:, None], b[:, None], table) - u)
    assert knots_err.max() < 3e-7
    mid = 0.5 * (table[:, 1:] + table[:, :-1])
    mid_err = np.abs(special.betainc(a[:, None], b[:, None], mid) - 0.5 * (u[1:] + u[:-1]))
    assert mid_err.max() < 1.2e-4
    assert (
        np.all(np.diff(table, axis=1) >= 0) and table[:, 0].max() == 0 and table[:, -1].min() == 1
    )


@pytest.mark.parametrize(
    ("mode", "dist"), [(0.0, "triangular"), (1.0, "triangular"), (0.3, "pert")]
)
def test_extreme_modes_match_their_definitions(mode: float, dist: str) -> None:
    p = sens.Parameter("p", mode, 0.0, 1.0, dist)
    x = sens.sample([p], 50_000, np.random.default_rng(5))[:, 0]
    ref = stats.triang(c=mode) if dist == "triangular" else stats.beta(1 + 4 * mode, 5 - 4 * mode)
    assert stats.kstest(x, ref.cdf).pvalue > 0.001


def test_monte_carlo_same_draws_with_threads() -> None:
    one = sens.monte_carlo(ratio_model, PARAMS, draws=3 * sens.CHUNK + 17, seed=9, progress=False)
    two = sens.monte_carlo(
        ratio_model, PARAMS, draws=3 * sens.CHUNK + 17, seed=9, progress=False, workers=2
    )
    assert np.array_equal(one.values, two.values)
    assert len(np.unique(one.values)) == one.draws  # blocks draw from different streams


def test_sampler_leaves_certain_parameters_at_base() -> None:
    params = [*PARAMS, sens.Parameter("fixed", 7.0, 7.0, 7.0, "uniform")]
    sampler = sens.Sampler(params)
    rng = np.random.default_rng(0)
    for _ in range(2):  # the work arrays are reused: base values must survive
        x = sampler.draw(100, rng)
        assert (x[:, 2] == 100.0).all() and (x[:, 3] == 7.0).all()


@settings(max_examples=25, deadline=None)
@given(
    low=st.floats(0, 10),
    w1=st.floats(0.01, 10),
    w2=st.floats(0.01, 10),
    dist=st.sampled_from(["triangular", "pert", "uniform"]),
)
def test_draws_stay_within_range(low: float, w1: float, w2: float, dist: str) -> None:
    p = sens.Parameter("p", low + w1, low, low + w1 + w2, dist)
    x = sens.sample([p], 2000, np.random.default_rng(0))
    assert x.min() >= low - 1e-12 and x.max() <= low + w1 + w2 + 1e-12


def test_parameter_validation() -> None:
    with pytest.raises(ValueError, match="low <= base <= high"):
        sens.Parameter("p", 5.0, 6.0, 7.0, "uniform")
    with pytest.raises(ValueError, match="unknown distribution"):
        sens.Parameter("p", 5.0, 4.0, 7.0, "normal")


def test_sroi_monte_carlo_equals_deterministic_without_uncertainty() -> None:
    imap = sroi_centre.load_centre("barmen", RAW)
    params = [sens.Parameter(p.name, p.base, bounds=p.bounds) for p in sroi.model_parameters(imap)]
    mc = sens.monte_carlo(sroi.model_function(imap), params, draws=500, seed=0)
    assert np.allclose(mc.values, sroi.evaluate(imap).ratio, rtol=1e-12, atol=0)


def test_sroi_tipping_point_of_an_input() -> None:
    imap = sroi_centre.load_centre("fictional_quarter", RAW)
    f = sroi.model_function(imap)
    params = sroi.model_parameters(imap)
    name = "inputs.conversion.cost_per_m2"
    t = sens.tipping_points(f, params, names=[name]).iloc[0]
    assert t["status"] == sens.FOUND and t["tipping_value"] > t["base"]
    x = sens.base_matrix(params)
    x[0, [p.name for p in params].index(name)] = t["tipping_value"]
    assert f(x)[0] == pytest.approx(1.0, abs=1e-9)
    tor = sens.tornado(f, params)
    assert (tor["swing"].diff().dropna() <= 1e-12).all()  # sorted by swing


def test_rank_and_central_interval_of_the_deterministic_output() -> None:
    values = np.arange(100, dtype=float)  # 0 … 99
    mc = sens.MonteCarloResult(values, 1, 100, 1.0, deterministic=10.0, seconds=0.0)
    assert mc.rank(10.0) == pytest.approx(0.105)  # 10 below, one tie counted half
    assert mc.deterministic_rank == pytest.approx(0.105) and mc.covers_deterministic()
    assert mc.rank(-1.0) == 0.0 and mc.rank(1e9) == 1.0
    low = sens.MonteCarloResult(values, 1, 100, 1.0, deterministic=3.0, seconds=0.0)
    assert not low.covers_deterministic()  # the 5 % quantile is 4.95
    assert low.covers_deterministic((0.01, 0.99))
    flat = sens.monte_carlo(ratio_model, [sens.Parameter("a", 1.0)] * 3, draws=10, seed=1)
    assert flat.deterministic_rank == 0.5 and flat.covers_deterministic()  # all ties


def test_edge_parameters_are_skewed_triangular_and_pert_ranges() -> None:
    params = [
        sens.Parameter("centre", 0.5, 0.0, 1.0, "triangular"),
        sens.Parameter("low_end", 0.1, 0.0, 1.0, "pert"),
        sens.Parameter("high_end", 0.95, 0.0, 1.0, "triangular"),
        sens.Parameter("uniform_end", 0.0, 0.0, 1.0, "uniform"),  # no most likely value
        sens.Parameter("certain", 0.0),
    ]
    assert [p.name for p in sens.edge_parameters(params)] == ["low_end", "high_end"]
    assert [p.name for p in sens.edge_parameters(params, edge=0.05)] == []


def test_draws_are_the_documented_transforms_of_one_uniform_matrix() -> None:
    """The sampler's stream order (uniform rows, first then second triangular rows, PERT
    rows) is what makes a seed reproduce the same draws; the in-place work must keep it."""
    params = [
        sens.Parameter("t1", 2.0, 1.0, 4.0, "triangular"),
        sens.Parameter("u1", 0.3, 0.1, 0.5, "uniform"),
        sens.Parameter("p1", 5.0, 0.0, 20.0, "pert"),
        sens.Parameter("c", 9.0),
        sens.Parameter("u2", 1.0, 0.0, 3.0, "uniform"),
        sens.Parameter("t2", 0.5, 0.0, 0.5, "triangular"),
    ]
    n = 1000
    x = sens.Sampler(params).draw(n, np.random.Generator(np.random.SFC64(3)), copy=True)
    u = np.random.Generator(np.random.SFC64(3)).random((7, n))  # 2 uniform, 2 × 2 tri, 1 PERT
    assert np.array_equal(x[:, 1], (0.5 - 0.1) * u[0] + 0.1) and np.array_equal(x[:, 4], 3 * u[1])
    for col, first, second, (a, c, b) in ((0, 2, 4, (1, 2, 4)), (5, 3, 5, (0, 0.5, 0.5))):
        hi, lo = np.maximum(u[first], u[second]), np.minimum(u[first], u[second])
        assert np.array_equal(x[:, col], (hi * (c - a) + lo * (b - c)) + a)
    table = sens.beta_quantile_table(*np.array([sens.pert_shapes(0.0, 5.0, 20.0)]).T)[0]
    grid = np.linspace(0.0, 1.0, sens.PERT_CELLS + 1)
    assert np.allclose(x[:, 2], 20 * np.interp(u[6], grid, table), rtol=1e-12, atol=1e-12)
    assert (x[:, 3] == 9.0).all()


@pytest.mark.parametrize("seed", [0, 3, 2**40 + 7])
def test_compiled_sfc64_is_numpys_stream(seed: int) -> None:
    """The kernel's own SFC64 gives Generator.random's doubles bit for bit and leaves the
    state where NumPy's would be."""
    ours = np.random.SFC64(np.random.SeedSequence(seed))
    words = np.array(ours.state["state"]["state"], dtype=np.uint64)
    out = np.empty(10_001)
    sens._sfc64_uniforms(words, out)
    numpy_rng = np.random.Generator(np.random.SFC64(np.random.SeedSequence(seed)))
    assert np.array_equal(out, numpy_rng.random(out.size))
    assert np.array_equal(words, numpy_rng.bit_generator.state["state"]["state"])


def test_sampler_draws_the_same_from_sfc64_and_from_its_uniforms() -> None:
    """From an SFC64 generator the kernel makes its uniforms itself; from any other it
    reads them: both give the same matrix, and the generator's stream goes on after the
    uniforms used."""
    params = [
        sens.Parameter("t", 2.0, 1.0, 4.0, "triangular"),
        sens.Parameter("p", 0.1, 0.0, 1.0, "pert"),
        sens.Parameter("u", 0.3, 0.1, 0.5, "uniform"),
        sens.Parameter("q", 9.0, 3.0, 10.0, "pert"),
        sens.Parameter("c", 9.0),
    ]
    sampler = sens.Sampler(params)
    n = 777

    class Replay:  # not an SFC64 generator: the sampler takes its random(out=)
        def __init__(self, u: np.ndarray) -> None:
            self.u = u

        def random(self, out: np.ndarray) -> np.ndarray:
            out[...] = self.u
            return out

    rng = np.random.Generator(np.random.SFC64(12))
    fast = sampler.draw(n, rng, copy=True)
    after = rng.random(3)
    numpy_rng = np.random.Generator(np.random.SFC64(12))
    u = numpy_rng.random((sampler.uniforms, n))
    assert np.array_equal(fast, sampler.draw(n, Replay(u), copy=True))  # type: ignore[arg-type]
    assert np.array_equal(after, numpy_rng.random(3))
