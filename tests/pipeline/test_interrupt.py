"""Interrupting a regeneration leaves no partial report, and the next run completes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.paths import ProjectPaths
from tests.conftest import SLEEP_NOTEBOOK

pytestmark = pytest.mark.slow


def _wait_for_kernel(p: ProjectPaths, timeout: float = 120) -> None:
    """Wait until a run is staged (its worker is executing)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if p.staging.is_dir() and any(p.staging.iterdir()):
            time.sleep(3)
            return
        time.sleep(0.2)
    raise AssertionError("the run never started")


def _report_files(p: ProjectPaths) -> dict[str, bytes]:
    return {
        x.name: x.read_bytes()
        for x in p.reports.iterdir()
        if x.is_file() and not x.name.startswith(".")
    }


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_signal_leaves_last_good_reports_and_next_run_completes(
    tiny_project: Callable[..., ProjectPaths], sig: signal.Signals
) -> None:
    p = tiny_project(
        [{"name": "slow", "notebook": "notebooks/slow.ipynb", "parameters": {"seconds": 0.1}}],
        slow=SLEEP_NOTEBOOK,
    )
    cmd = [sys.executable, "-m", "analysis", "--root", str(p.root), "run", "--no-progress"]
    assert subprocess.run(cmd, capture_output=True, timeout=600).returncode == 0
    good = _report_files(p)
    # Make the slow run stale and long, then interrupt it mid-notebook.
    manifest = p.run_manifest.read_text().replace("seconds: 0.1", "seconds: 60.0")
    p.run_manifest.write_text(manifest)
    proc = subprocess.Popen(
        [*cmd, "--only", "slow"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    _wait_for_kernel(p)
    os.kill(proc.pid, sig)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    if sig == signal.SIGKILL:  # the orphaned worker and kernel go with their session
        os.killpg(proc.pid, signal.SIGKILL)
    assert _report_files(p) == good  # nothing half-written where a report belongs
    assert json.loads(p.provenance.read_text())["runs"]["slow"]["parameters"]["seconds"] == 0.1
    p.run_manifest.write_text(manifest.replace("seconds: 60.0", "seconds: 0.2"))
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "✓ slow (" in done.stdout and ", 0 fehlgeschlagen)" in done.stdout
    assert not list(Path(p.reports).glob(".*.tmp")) and not p.staging.exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_signal_kills_the_kernel_and_what_it_started(
    tiny_project: Callable[..., ProjectPaths], tmp_path: Path, sig: signal.Signals
) -> None:
    """A kernel spinning at 100 % CPU (and the child process it started) does not outlive
    an interrupted `analysis run`, not even one killed with SIGKILL; exit code and
    message say it was interrupted; raw data and the last good reports are unchanged."""
    from tests.pipeline.test_faults import SPINNING, _alive, _gone, _raw

    p = tiny_project(
        [{"name": "spin", "notebook": "notebooks/spin.ipynb", "parameters": {"seconds": 0.1}}],
        spin=SPINNING,
    )
    cmd = [sys.executable, "-m", "analysis", "--root", str(p.root), "run", "--no-progress"]
    assert subprocess.run(cmd, capture_output=True, timeout=600).returncode == 0
    good, raw = _report_files(p), _raw(p)
    pids = p.processed / "pids.txt"
    p.run_manifest.write_text(
        p.run_manifest.read_text().replace("seconds: 0.1", "seconds: 600.0\n    pids: pids.txt")
    )
    log = tmp_path / "stderr.txt"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [*cmd, "--only", "spin"], stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
        )
        try:
            end = time.monotonic() + 120
            while not (pids.is_file() and pids.read_text().strip()) and time.monotonic() < end:
                time.sleep(0.2)
            kernel, child = (int(x) for x in pids.read_text().split())
            assert _alive(kernel) and _alive(child)
            os.kill(proc.pid, sig)
            proc.wait(timeout=60)
            assert _gone(kernel, child, within=20), "the kernel or its child was orphaned"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130, log.read_text()
        assert "analysis run: abgebrochen; kein halbfertiger Bericht" in log.read_text()
        assert "Traceback" not in log.read_text()
    assert _report_files(p) == good and _raw(p) == raw
