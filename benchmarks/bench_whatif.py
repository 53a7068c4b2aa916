"""Benchmark: one update of the what-if panel — goal at most 100 ms for the shipped centres.

For every centre in data/raw/sroi (scenario ``base``) builds the panel of
``notebooks/50_what_if.ipynb`` (:class:`analysis.business.report.whatif.WhatIfApp`, without a
front end) and moves sliders from Python, as the room would: for each of a sample of
controls (SROI figures, partner contributions, business figures) the slider goes to a
new value and the panel re-evaluates the engines (SROI, business case with break-evens,
blended return per partner, value exchange) and refreshes its HTML. Times each update
(wall clock; the first update per centre is a warm-up and not counted) and prints the
median, the 90th percentile and the maximum per centre, with the load average, as the
machine is shared. Also prints the engine part alone (``WhatIf.evaluate``).

    .venv/bin/python benchmarks/bench_whatif.py
"""

from __future__ import annotations

import os
import statistics
import time

from analysis.business import whatif
from analysis.business.report import whatif as whatif_report
from analysis.sroi import report as sroi_report
from analysis.sroi.centre import centre_files

GOAL_MS = 100.0
MOVES = 3  # values per control


def _bench(centre: str) -> tuple[list[float], list[float]]:
    w = whatif.WhatIf(centre, "base")
    app = whatif_report.WhatIfApp(w, sroi_report.parameter_labels(w.case.imap, "de"), "de")
    sample = w.controls[:: max(1, len(w.controls) // 12)]
    updates: list[float] = []
    engine: list[float] = []
    for c in sample:
        for k in range(1, MOVES + 1):
            value = c.low + (c.high - c.low) * k / (MOVES + 1)
            value = round(value / c.step) * c.step
            app.sliders[c.path].value = value  # observe → app.update()
            assert app.last_ms is not None
            updates.append(app.last_ms)
            start = time.perf_counter()
            w.evaluate(app.settings())
            engine.append((time.perf_counter() - start) * 1000)
        app.reset()
    return updates[1:], engine[1:]


def main() -> None:
    worst = 0.0
    for centre in centre_files():
        updates, engine = _bench(centre)
        p90 = statistics.quantiles(updates, n=10)[-1]
        worst = max(worst, statistics.median(updates))
        print(
            f"{centre:20s} update: median {statistics.median(updates):6.1f} ms, "
            f"p90 {p90:6.1f} ms, max {max(updates):6.1f} ms "
            f"({len(updates)} updates); engine alone median {statistics.median(engine):6.1f} ms"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"goal: median update <= {GOAL_MS:.0f} ms; worst centre median {worst:.1f} ms "
        f"(ratio {worst / GOAL_MS:.2f}, < 1 = met); load average {load:.2f} on "
        f"{os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
