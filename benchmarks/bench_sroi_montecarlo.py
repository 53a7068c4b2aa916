"""Benchmark: SROI Monte Carlo, 100,000 draws × 30 outcomes × 5 years.

Goal (issue 5): at most 0.5 s, and at least 100× faster than a plain Python loop over
the draws. The map is synthetic (built here, not read from data/raw): 30 outcomes with
quantity, proxy, deadweight and attribution uncertain (triangular, PERT, uniform mixed),
drop-off and displacement fixed, durations 1–5 years, 3 inputs, 5-year analysis period.

The vectorised run (``analysis.sensitivity.monte_carlo`` over
``analysis.sroi.engine.model_function``: sampling + evaluation, one thread) is timed in full,
best of 3.
The baseline is a plain Python loop over the draws doing the same Monte Carlo: for
each draw it samples every uncertain parameter with Python's ``random`` module
(``triangular``, ``uniform``, ``betavariate`` for PERT) and computes the SROI ratio
outcome by outcome and year by year with Python floats (column indices precomputed).
It is timed on a subset of draws, best of 3, and scaled linearly to 100,000 (its cost
per draw is constant). The loop's arithmetic is checked against the vectorised model on the same
draws, and its quantiles against the vectorised ones. The evaluation-only loop (same
draws, no sampling) is timed too and printed for information.
Run: ``.venv/bin/python benchmarks/bench_sroi_montecarlo.py``.
"""

from __future__ import annotations

import random
import time

import numpy as np

from analysis import sensitivity
from analysis.sroi import engine as sroi
from analysis.sroi.centre import ImpactMap, validate_centre_data

DRAWS = 100_000
OUTCOMES = 30
YEARS = 5
LOOP_SUBSET = 2_000
GOAL_SECONDS = 0.5
GOAL_SPEEDUP = 100.0
THREADS = 2


def synthetic_map(seed: int = 7) -> ImpactMap:
    """A synthetic centre with 30 outcomes over 5 years (marked synthetic)."""
    rng = np.random.default_rng(seed)
    dists = ["triangular", "pert", "uniform"]

    def fig(value, lo=None, hi=None, dist=None):
        f = {"value": float(value), "assumption": "synthetic benchmark value"}
        if dist:
            f.update(distribution=dist, low=float(lo), high=float(hi))
        return f

    outcomes = []
    for i in range(OUTCOMES):
        q, p = float(rng.integers(5, 200)), float(rng.integers(50, 2000))
        dw, att = float(rng.uniform(0.05, 0.4)), float(rng.uniform(0.05, 0.4))
        d = dists[i % 3]
        duration = int(rng.integers(1, YEARS + 1))
        outcomes.append(
            {
                "id": f"o{i}",
                "stakeholder": "s",
                "outcome": f"synthetic outcome {i}",
                "indicator": "count",
                "quantity": fig(q, 0.5 * q, 1.5 * q, d),
                "proxy": {
                    **fig(p, 0.6 * p, 1.4 * p, dists[(i + 1) % 3]),
                    "description": "synthetic",
                },
                "duration_years": duration,
                "start_year": int(rng.integers(1, YEARS - duration + 2)),
                "deadweight": fig(dw, dw / 2, min(1.0, dw * 1.5), d),
                "displacement": fig(0.1),
                "attribution": fig(att, att / 2, min(1.0, att * 1.5), dists[(i + 2) % 3]),
                "drop_off": fig(float(rng.uniform(0, 0.3))),
            }
        )
    inputs = [
        {
            "id": f"i{k}",
            "stakeholder": "s",
            "description": "synthetic input",
            "in_kind": False,
            "year": 0 if k == 0 else 1,
            "repeat_years": 1 if k == 0 else YEARS,
            "factors": [{"name": "value", **fig(v)}],
        }
        for k, v in enumerate([1_000_000.0, 60_000.0, 40_000.0])
    ]
    data = {
        "schema_version": 1,
        "centre": {
            "id": "synthetic_benchmark",
            "name": "SYNTHETIC benchmark centre",
            "status": "synthetic",
            "status_note": "generated in benchmarks/bench_sroi_montecarlo.py",
            "housing_company_partner": False,
        },
        "stakeholders": [{"id": "s", "name": "synthetic", "group": "other"}],
        "impact_map": {
            "discount_rate": fig(0.035, 0.02, 0.05, "uniform"),
            "analysis_period_years": YEARS,
            "inputs": inputs,
            "outcomes": outcomes,
        },
    }
    return ImpactMap(model=validate_centre_data(data, "synthetic"), raw=data, file="synthetic")


class LoopModel:
    """The plain-Python baseline: indices precomputed once, then float arithmetic per draw."""

    def __init__(self, imap: ImpactMap) -> None:
        self.params = sroi.model_parameters(imap)
        col = {p.name: i for i, p in enumerate(self.params)}
        m = imap.model.impact_map
        self.rate = col["discount_rate"]
        self.outcomes = [
            (
                *(col[f"outcomes.{o.id}.{f}"] for f in sroi.OUTCOME_FIELDS),
                o.start_year,
                o.duration_years,
            )
            for o in m.outcomes
        ]
        self.inputs = [
            (
                [col[f"inputs.{i.id}.{f.name}"] for f in i.factors],
                list(range(i.year, i.year + i.repeat_years)),
            )
            for i in m.inputs
        ]
        self.uncertain = []
        for i, p in enumerate(self.params):
            if p.uncertain:
                a, c, b = p.low, p.base, p.high
                alpha, beta = (
                    sensitivity.pert_shapes(a, c, b) if p.distribution == "pert" else (0.0, 0.0)
                )
                self.uncertain.append((i, p.distribution, a, c, b, alpha, beta))
        self.base = [p.base for p in self.params]

    def ratio(self, row: list[float]) -> float:
        r = row[self.rate]
        pv = 0.0
        for iq, ip, idw, idsp, iatt, idrop, start, duration in self.outcomes:
            value = row[iq] * row[ip] * (1 - row[idw]) * (1 - row[idsp]) * (1 - row[iatt])
            for k in range(duration):
                pv += value / (1 + r) ** (start + k)
                value *= 1 - row[idrop]
        inv = 0.0
        for cols, years in self.inputs:
            v = 1.0
            for c in cols:
                v *= row[c]
            for y in years:
                inv += v / (1 + r) ** y
        return pv / inv

    def monte_carlo(self, draws: int, seed: int) -> list[float]:
        rnd = random.Random(seed)
        out = []
        for _ in range(draws):
            row = self.base.copy()
            for i, dist, a, c, b, alpha, beta in self.uncertain:
                if dist == "uniform":
                    row[i] = rnd.uniform(a, b)
                elif dist == "triangular":
                    row[i] = rnd.triangular(a, b, c)
                else:
                    row[i] = a + (b - a) * rnd.betavariate(alpha, beta)
            out.append(self.ratio(row))
        return out


def main() -> None:
    imap = synthetic_map()
    params = sroi.model_parameters(imap)
    model = sroi.model_function(imap)
    n_uncertain = sum(p.uncertain for p in params)
    sroi_model = model(sensitivity.base_matrix(params))  # warm-up (imports, caches)

    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        mc = sensitivity.monte_carlo(model, params, draws=DRAWS, seed=1, progress=False)
        times.append(time.perf_counter() - t0)
    vec = min(times)
    threaded = []
    for _ in range(3):
        t0 = time.perf_counter()
        mc2 = sensitivity.monte_carlo(
            model, params, draws=DRAWS, seed=1, progress=False, workers=THREADS
        )
        threaded.append(time.perf_counter() - t0)
    assert np.array_equal(mc.values, mc2.values), "threads changed the draws"

    loop = LoopModel(imap)
    loop_times = []
    for _ in range(3):
        t0 = time.perf_counter()
        loop_values = loop.monte_carlo(LOOP_SUBSET, seed=2)
        loop_times.append(time.perf_counter() - t0)
    loop_subset = min(loop_times)
    loop_full = loop_subset * DRAWS / LOOP_SUBSET

    x = sensitivity.sample(params, LOOP_SUBSET, np.random.default_rng(3))
    rows = x.tolist()
    t0 = time.perf_counter()
    eval_only = np.array([loop.ratio(row) for row in rows])
    eval_subset = time.perf_counter() - t0
    assert np.allclose(eval_only, model(x), rtol=1e-10), "loop and vectorised results differ"

    speedup = loop_full / vec
    print(f"SROI Monte Carlo: {DRAWS:,} draws x {OUTCOMES} outcomes x {YEARS} years")
    print(
        f"  parameters: {len(params)} ({n_uncertain} uncertain); "
        f"deterministic ratio {sroi_model[0]:.4f}"
    )
    print(
        f"  vectorised (sampling + evaluation), best of 3: {vec:.3f} s (goal <= {GOAL_SECONDS} s)"
    )
    print(
        f"  plain Python loop (sampling + evaluation): {loop_subset:.3f} s for "
        f"{LOOP_SUBSET:,} draws, "
        f"scaled linearly to {DRAWS:,}: {loop_full:.1f} s"
    )
    print(f"  speed-up: {speedup:,.0f}x  (goal >= {GOAL_SPEEDUP:.0f}x)")
    print(
        f"  for information, the same with {THREADS} threads (workers={THREADS}), best of 3: "
        f"{min(threaded):.3f} s, {loop_full / min(threaded):,.0f}x the loop; same draws"
    )
    eval_full = eval_subset * DRAWS / LOOP_SUBSET
    print(
        f"  for information, evaluation-only loop on pre-drawn samples: {eval_subset:.3f} s for "
        f"{LOOP_SUBSET:,} draws, scaled: {eval_full:.1f} s "
        f"({eval_full / vec:,.0f}x the vectorised run)"
    )
    lq = np.quantile(loop_values, [0.05, 0.5, 0.95])
    print(
        f"  loop quantiles 5/50/95 % ({LOOP_SUBSET:,} draws): "
        f"{lq[0]:.3f} / {lq[1]:.3f} / {lq[2]:.3f}"
    )
    q = mc.quantiles()
    print(
        f"  vectorised quantiles 5/50/95 %: {q[0.05]:.3f} / {q[0.5]:.3f} / {q[0.95]:.3f}; "
        f"P(ratio > 1) = {mc.p_exceeds:.4f}"
    )
    ok = vec <= GOAL_SECONDS and speedup >= GOAL_SPEEDUP
    print("  goal met" if ok else "  GOAL NOT MET")


if __name__ == "__main__":
    main()
