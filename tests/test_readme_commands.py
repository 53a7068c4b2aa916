"""The README's two commands work in a fresh clone (minutes: regenerates every report).

A clone of this repository (its committed state) runs ``make reports``; then nothing is
stale, ``analysis verify`` reproduces runs and the test command (``make test``, reduced to
one test file) passes. How the clone is set up: tests/fresh_clone.py.

When this checkout equals its last commit (CI's clean clone), the session's shared
pipeline run (tests/conftest.py) *is* that fresh clone's ``make reports``, and this test
checks it rather than regenerating every report a second time. ``analysis verify`` then
re-executes the runs of :data:`VERIFIED` independently in a scratch folder: identical key
figures from two executions of runs with random draws (Monte Carlo, bootstrap).

With uncommitted changes the shared run is a copy of the working tree, so this test makes
its own clone of the last commit and compares the two executions byte for byte where they
ran the same notebook, parameters, inputs and helper package (equal fingerprints); runs
whose fingerprints differ are re-executed by ``analysis verify`` in the clone.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis.paths import ProjectPaths
from tests.fresh_clone import clone_and_make_reports, sh

VERIFIED = [
    "00_data_overview",
    "20_sroi_barmen_base",
    "22_business_barmen_base",
    "30_outcomes_tenant_turnover",
]
"""Runs ``analysis verify`` re-executes in any case: the data overview, and one run each
of the Monte-Carlo SROI, the Monte-Carlo business case and the bootstrapped DiD."""

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _state(reports: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    return json.loads((reports / "manifest.json").read_text())["runs"]


@pytest.mark.timeout(1800)
@pytest.mark.skipif(
    shutil.which("make") is None or shutil.which("git") is None, reason="needs make and git"
)
def test_fresh_clone_make_reports_then_verify_and_test_command(
    tmp_path: Path, pipeline_reports: ProjectPaths
) -> None:
    shared = json.loads((pipeline_reports.root / ".outcome.json").read_text())
    if shared["fresh_clone"]:
        clone, made = pipeline_reports.root, shared["output"]
    else:
        clone = tmp_path / "clone"
        made = clone_and_make_reports(clone)
    assert "pip install" not in made, "make set up the venv again"
    index = (clone / "reports" / "index.html").read_text()
    state = _state(clone / "reports")
    assert state and all(r["status"] == "ok" for r in state.values())
    for name in state:
        assert f'href="{name}.html"' in index
        assert (clone / "reports" / f"{name}.html").is_file()
    analysis = str(clone / ".venv/bin/analysis")
    again = sh([analysis, "status"], cwd=clone)
    assert f"0 von {len(state)} Läufen veraltet." in again.stdout, again.stdout

    # Reproducible: the same runs executed independently give the same key figures.
    unmatched = []
    if not shared["fresh_clone"]:
        other_state = _state(pipeline_reports.reports)
        for name, record in state.items():
            other = other_state.get(name, {})
            if other.get("fingerprint", {}).get("combined") != record["fingerprint"]["combined"]:
                unmatched.append(name)
                continue
            mine = (clone / "reports" / f"{name}.results.json").read_bytes()
            theirs = (pipeline_reports.reports / f"{name}.results.json").read_bytes()
            assert mine == theirs, f"{name}: key figures differ between two executions"
    verify = sorted(set(unmatched) | (set(VERIFIED) & set(state)))
    assert len(verify) >= len(VERIFIED), "a run of VERIFIED is no longer in pipeline.yaml"
    verified = sh([analysis, "verify", "--no-progress", "--only", *verify], cwd=clone)
    assert f"{len(verify)} identisch, 0 abweichend, 0 fehlgeschlagen" in verified.stdout, (
        verified.stdout
    )

    # The README's test command, reduced to one test file.
    tested = sh(
        ["make", "test", "TEST_WORKERS=0", "PYTEST_ARGS=-q tests/test_formatting.py"], cwd=clone
    )
    assert " passed" in tested.stdout and "pip install" not in tested.stdout
