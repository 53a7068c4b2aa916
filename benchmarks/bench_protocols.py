"""Benchmark: load_protocols over 1,000 protocol files — goal at most 1 s.

Copies the text protocols of data/raw/protocols (the real seed in UTF-8, the fictional
cp1252 .txt and the Markdown file with numbered questions) round-robin into 1,000
files in a temporary folder, then times ``analysis.protocols.parse.load_protocols`` on that
folder (best of three runs, after one warm-up run on a small folder so imports do not
count). Prints the time, statements read and the ratio to the goal (< 1 = met).

A second figure times the same over .docx copies, for information: python-docx
parses the whole Office XML package, so Word files are far slower per file.

    .venv/bin/python benchmarks/bench_protocols.py
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from analysis import paths
from analysis.protocols.parse import load_protocols

N_FILES = 1000
GOAL_SECONDS = 1.0
N_DOCX = 100


def _fill(folder: Path, sources: list[Path], n: int) -> None:
    for i in range(n):
        src = sources[i % len(sources)]
        shutil.copy(src, folder / f"protokoll_{i:04d}{src.suffix}")


def _best_of(folder: Path, repeats: int = 3) -> tuple[float, float, int]:
    """Best wall-clock and best CPU time of ``repeats`` runs, and the rows read."""
    best = cpu = float("inf")
    rows = 0
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        frame = load_protocols(folder)
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
        rows = len(frame)
    return best, cpu, rows


def main() -> None:
    raw = paths.RAW / "protocols"
    text_sources = sorted(p for p in raw.iterdir() if p.suffix in (".txt", ".md"))
    docx_sources = sorted(raw.glob("*.docx"))
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warm"
        warm.mkdir()
        _fill(warm, text_sources + docx_sources, 4)
        load_protocols(warm)

        folder = Path(tmp) / "text"
        folder.mkdir()
        _fill(folder, text_sources, N_FILES)
        seconds, cpu, rows = _best_of(folder)
        print(
            f"load_protocols: {N_FILES} text protocols ({', '.join(p.name for p in text_sources)})"
        )
        print(f"  time            {seconds:.3f} s wall clock (best of 3)")
        print(f"  CPU time        {cpu:.3f} s (this process; robust to other load on the machine)")
        print(f"  statements      {rows}")
        print(f"  per file        {seconds / N_FILES * 1000:.2f} ms")
        print(
            f"  ratio to goal   {seconds / GOAL_SECONDS:.2f} "
            f"(goal ≤ {GOAL_SECONDS:.0f} s; ≤ 1 = met)"
        )
        print(f"  os.getloadavg   {', '.join(f'{x:.2f}' for x in os.getloadavg())}")

        if docx_sources:
            dfolder = Path(tmp) / "docx"
            dfolder.mkdir()
            _fill(dfolder, docx_sources, N_DOCX)
            dsec, _, _ = _best_of(dfolder, repeats=1)
            print(
                f"for information: {N_DOCX} .docx protocols in {dsec:.3f} s "
                f"({dsec / N_DOCX * 1000:.1f} ms per file)"
            )


if __name__ == "__main__":
    main()
