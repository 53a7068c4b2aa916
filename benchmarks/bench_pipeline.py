"""Benchmark: full regeneration, no-op regeneration and memory of the pipeline.

Goals (issue "Workbench foundation"), measured in one run on a scratch copy of the
project (notebooks/, data/raw/, pipeline.yaml), so the real reports stay untouched:

1. `analysis run --jobs 2 --force` against the baseline, a plain sequential loop of
   `papermill` CLI calls on the same notebooks and parameters: at least 1.7x faster.
   The baseline only executes; `analysis run` also writes every HTML report and the
   index. Printing PDFs with Chromium (seconds per report, a deliverable the baseline
   has no counterpart for) is switched off here (``ANALYSIS_PDF=0``).
2. `analysis run` with nothing changed: at most 0.5 s, and at least 20x faster than (1).
3. Peak memory per worker (worker process plus its kernel): at most 1 GB.

Run: `.venv/bin/python benchmarks/bench_pipeline.py` (or `make bench`). Prints a table
and writes benchmarks/results/pipeline.json. Exits 1 if a goal is missed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))

from analysis.paths import KERNEL_NAME, project  # noqa: E402
from analysis.pipeline.manifest import load_manifest  # noqa: E402


def scratch_copy() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="dorv-bench-"))
    for rel in ("notebooks", "data/raw"):
        shutil.copytree(ROOT / rel, tmp / rel)
    shutil.copy(ROOT / "pipeline.yaml", tmp / "pipeline.yaml")
    (tmp / "reports").mkdir()
    return tmp


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} … failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def baseline(tmp: Path, env: dict[str, str]) -> float:
    """Sequential `papermill` CLI calls, one per run, same parameters."""
    out = tmp / "baseline"
    out.mkdir()
    total = 0.0
    for run in load_manifest(project(tmp)):
        cmd = [
            str(BIN / "papermill"),
            str(tmp / run.notebook),
            str(out / f"{run.name}.ipynb"),
            "-k",
            KERNEL_NAME,
            "--cwd",
            str(tmp / "notebooks"),
            "--no-progress-bar",
            "-y",
            yaml.safe_dump(run.parameters),
        ]
        total += timed(cmd, env)
    return total


def main() -> int:
    tmp = scratch_copy()
    env = {**os.environ, "ANALYSIS_ROOT": str(tmp), "PYTHONHASHSEED": "0", "ANALYSIS_PDF": "0"}
    runs = load_manifest(project(tmp))
    analysis = [str(BIN / "analysis"), "--root", str(tmp), "run", "--no-progress"]
    try:
        t_base = baseline(tmp, env)
        t_full = timed([*analysis, "--jobs", "2", "--force"], env)
        t_noop = timed([*analysis, "--jobs", "2"], env)
        state = json.loads((tmp / "reports" / "manifest.json").read_text())["runs"]
        peak = max(r["peak_memory_mb"] for r in state.values())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    figures = {
        "runs": len(runs),
        "cores": os.cpu_count(),
        "baseline_papermill_cli_sequential_s": round(t_base, 2),
        "analysis_run_jobs2_s": round(t_full, 2),
        "speedup_vs_baseline": round(t_base / t_full, 2),
        "noop_run_s": round(t_noop, 3),
        "noop_speedup_vs_full": round(t_full / t_noop, 1),
        "peak_memory_per_worker_mb": peak,
    }
    goals = {
        "speedup_vs_baseline >= 1.7": t_base / t_full >= 1.7,  # unrounded
        "noop_run_s <= 0.5": figures["noop_run_s"] <= 0.5,
        "noop_speedup_vs_full >= 20": figures["noop_speedup_vs_full"] >= 20,
        "peak_memory_per_worker_mb <= 1024": peak <= 1024,
    }
    for k, v in figures.items():
        print(f"{k:<40} {v}")
    for k, ok in goals.items():
        print(f"{'PASS' if ok else 'FAIL'}  {k}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pipeline.json").write_text(json.dumps({"figures": figures, "goals": goals}, indent=2))
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
