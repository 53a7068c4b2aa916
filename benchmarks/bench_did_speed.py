"""Speed of the Callaway & Sant'Anna estimator: analysis.outcomes against csdid.

Goal (issue 6): ATT(g,t) with standard errors on a panel of 100,000 units × 10 periods
in at most 5 s, and at least 10× faster than the ``csdid`` PyPI package (0.4.3, a port of
the R package ``did``) on the same data, at a size where csdid finishes. Timed: ATT(g,t)
with analytic influence-function SEs plus the simple, dynamic and group aggregations
(unconditional, never-treated controls), best of REPEATS runs; csdid with
``bstrap=False`` (analytic SEs) and its ``aggte`` for the same three aggregations.
Run from the project root:

    .venv/bin/python benchmarks/bench_did_speed.py
"""

from __future__ import annotations

import contextlib
import io
import time
import warnings

import numpy as np

from analysis.outcomes import did as o
from analysis.outcomes.synthetic import make_panel

BIG = 100_000
PERIODS = tuple(range(2015, 2025))
COHORTS = (2017, 2019, 2021, 2023)
CSDID_SIZES = (1_000, 5_000, 20_000, 100_000)
REPEATS = 3
GOAL_SECONDS = 5.0
GOAL_RATIO = 10.0


def ours(data) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    best, att = float("inf"), float("nan")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        res = o.att_gt(data, "y")
        agg = [o.aggregate(res, k) for k in ("simple", "dynamic", "group")]
        best = min(best, time.perf_counter() - t0)
        att = agg[0].overall
    return best, att


def theirs(data) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    from csdid.att_gt import ATTgt

    d = data.assign(id=data["unit"].str[1:].astype(int))
    best, att = float("inf"), float("nan")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            fit = ATTgt(yname="y", gname="first_treated", idname="id", tname="period", data=d).fit(
                est_method="dr", bstrap=False
            )
            fit.aggte(typec="simple", bstrap=False)
            simple = float(np.asarray(fit.atte["overall_att"]).ravel()[0])
            fit.aggte(typec="dynamic", bstrap=False)
            fit.aggte(typec="group", bstrap=False)
        best = min(best, time.perf_counter() - t0)
        att = simple
    return best, att


def main() -> None:
    big = make_panel(BIG, PERIODS, COHORTS, effect=1.0, dynamics=0.2, heterogeneity=0.5, seed=1)
    t_big, att_big = ours(big.data)
    cells = len(COHORTS) * (len(PERIODS) - 1)
    print(
        f"analysis.outcomes: {BIG:,} units × {len(PERIODS)} periods, {cells} ATT(g,t) cells "
        f"+ 3 aggregations: {t_big:.2f} s (goal ≤ {GOAL_SECONDS:.0f} s: "
        f"{'MET' if t_big <= GOAL_SECONDS else 'NOT MET'}); simple ATT {att_big:.4f} "
        f"(true {big.simple:.4f})"
    )
    try:
        import csdid  # noqa: F401
    except ImportError:
        print("csdid not installed: pip install csdid to measure the ratio")
        return
    for n in CSDID_SIZES:
        p = make_panel(n, PERIODS, COHORTS, effect=1.0, dynamics=0.2, heterogeneity=0.5, seed=2)
        t_ours, a_ours = ours(p.data)
        t_cs, a_cs = theirs(p.data)
        ratio = t_cs / t_ours
        print(
            f"{n:,} units × {len(PERIODS)} periods: ours {t_ours:.3f} s, csdid {t_cs:.2f} s, "
            f"ratio {ratio:.0f}× (goal ≥ {GOAL_RATIO:.0f}×: "
            f"{'MET' if ratio >= GOAL_RATIO else 'NOT MET'}); simple ATT ours {a_ours:.4f}, "
            f"csdid {a_cs:.4f}"
        )


if __name__ == "__main__":
    main()
