"""The README's two commands work in a fresh clone (minutes: creates its own venv)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _sh(cmd: list[str], cwd: Path, timeout: int = 2400) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "ANALYSIS_ROOT"}}
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if ".venv" not in p)
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


@pytest.mark.skipif(
    shutil.which("make") is None or shutil.which("git") is None, reason="needs make and git"
)
def test_fresh_clone_make_reports_then_verify_and_test_command(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    _sh(["git", "clone", "--quiet", str(ROOT), str(clone)], cwd=tmp_path)
    _sh(["make", "reports", "JOBS=2"], cwd=clone)
    index = (clone / "reports" / "index.html").read_text()
    state = json.loads((clone / "reports" / "manifest.json").read_text())["runs"]
    assert state and all(r["status"] == "ok" for r in state.values())
    for name in state:
        assert f'href="{name}.html"' in index
    again = _sh([str(clone / ".venv/bin/analysis"), "run", "--no-progress"], cwd=clone)
    assert "0 executed" in again.stdout
    verified = _sh([str(clone / ".venv/bin/analysis"), "verify", "--no-progress"], cwd=clone)
    assert " 0 different, 0 failed" in verified.stdout
    _sh(["make", "test-fast", "PYTEST_ARGS=tests/test_formatting.py -q"], cwd=clone)
