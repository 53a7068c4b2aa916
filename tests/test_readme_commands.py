"""The README's two commands work in a fresh clone (minutes: regenerates every report).

A clone of this repository (its committed state) runs ``make reports``; then
``analysis run`` has nothing to do, ``analysis verify`` reproduces runs and the test
command (``make test``, reduced to one test file) passes.

The clone's ``.venv`` reuses the packages of the environment running the tests instead
of installing them again: installing from requirements.lock is what ``make setup`` does
on CI's own fresh clone before this test runs, so it is not repeated here. The clone gets
what ``make setup`` leaves behind, pointing at the clone: its own venv whose Python finds
the clone's ``src/`` first and then the installed packages (and their Jupyter data files),
the ``analysis`` command, the project kernel registered in the venv, and the set-up stamp
(``make`` must not reinstall).

Key figures are reproducible: every run the clone executed is compared byte for byte
with the session's shared pipeline run (tests/conftest.py) where both executed the same
notebook, parameters, inputs and helper package (equal fingerprints): two independent
executions of the same run, which is what ``analysis verify`` checks. Runs whose
fingerprints differ (uncommitted changes in the working tree) are re-executed by
``analysis verify`` in the clone; so is one run in any case.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from analysis.paths import KERNEL_NAME, ProjectPaths

ROOT = Path(__file__).resolve().parents[1]
VERIFIED_ANYWAY = ["00_data_overview"]
"""Runs ``analysis verify`` re-executes in the clone even when all fingerprints match."""

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _sh(cmd: list[str], cwd: Path, timeout: int = 2400) -> subprocess.CompletedProcess[str]:
    """``cmd`` as a user's shell runs it: no venv activated, nothing of the test session
    (its ``MPLBACKEND=Agg`` would leave the reports without figures)."""
    drop = {"VIRTUAL_ENV", "ANALYSIS_ROOT", "MPLBACKEND"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTEST_")}
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if ".venv" not in p)
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def _reuse_venv(clone: Path) -> None:
    """Give ``clone`` the ``.venv`` that ``make setup`` would build, from the packages
    installed in the environment running the tests."""
    venv = clone / ".venv"
    _sh([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=clone)
    python = venv / "bin" / "python"
    site = _sh([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], clone)
    installed = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    # The clone's own code first (what its editable install would give), then the packages.
    lines = [str(clone / "src"), *installed]
    Path(site.stdout.strip(), "_reused_packages.pth").write_text("\n".join(lines) + "\n")
    # Data files packages install beside site-packages (nbconvert's templates, Jupyter
    # configuration), except the kernel registration, which the clone makes itself.
    for sub in ("etc/jupyter", "share/jupyter"):
        (venv / sub).mkdir(parents=True)
        for item in (Path(sys.prefix) / sub).iterdir():
            if item.name != "kernels":
                (venv / sub / item.name).symlink_to(item)
    command = (Path(sys.executable).parent / "analysis").read_text().splitlines()
    (venv / "bin" / "analysis").write_text("\n".join([f"#!{python}", *command[1:]]) + "\n")
    (venv / "bin" / "analysis").chmod(0o755)
    # The same registration as the Makefile's set-up recipe.
    kernel = ["-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL_NAME]
    _sh([str(python), *kernel, "--display-name", "DORV workbench (.venv)"], cwd=clone)
    (venv / ".installed").touch()


def _state(reports: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    return json.loads((reports / "manifest.json").read_text())["runs"]


@pytest.mark.timeout(1800)
@pytest.mark.skipif(
    shutil.which("make") is None or shutil.which("git") is None, reason="needs make and git"
)
def test_fresh_clone_make_reports_then_verify_and_test_command(
    tmp_path: Path, pipeline_reports: ProjectPaths
) -> None:
    clone = tmp_path / "clone"
    _sh(["git", "clone", "--quiet", str(ROOT), str(clone)], cwd=tmp_path)
    _reuse_venv(clone)
    made = _sh(["make", "reports", "JOBS=2"], cwd=clone)
    assert "pip install" not in made.stdout, "make set up the venv again"
    index = (clone / "reports" / "index.html").read_text()
    state = _state(clone / "reports")
    assert state and all(r["status"] == "ok" for r in state.values())
    for name in state:
        assert f'href="{name}.html"' in index
        assert (clone / "reports" / f"{name}.html").is_file()
    again = _sh([str(clone / ".venv/bin/analysis"), "run", "--no-progress"], cwd=clone)
    assert "0 executed" in again.stdout

    # Reproducible: the same runs executed independently give the same key figures.
    shared = _state(pipeline_reports.reports)
    compared, unmatched = [], []
    for name, record in state.items():
        other = shared.get(name, {})
        if other.get("fingerprint", {}).get("combined") != record["fingerprint"]["combined"]:
            unmatched.append(name)
            continue
        mine = (clone / "reports" / f"{name}.results.json").read_bytes()
        theirs = (pipeline_reports.reports / f"{name}.results.json").read_bytes()
        assert mine == theirs, f"{name}: key figures differ between two executions"
        compared.append(name)
    verify = sorted(set(unmatched) | (set(VERIFIED_ANYWAY) & set(state)))
    verified = _sh(
        [str(clone / ".venv/bin/analysis"), "verify", "--no-progress", "--only", *verify],
        cwd=clone,
    )
    assert f"{len(verify)} identisch, 0 abweichend, 0 fehlgeschlagen" in verified.stdout, (
        verified.stdout
    )
    clean = _sh(["git", "status", "--porcelain"], cwd=ROOT).stdout.strip() == ""
    if clean:  # the clone is this checkout: every run must have been compared
        assert not unmatched, f"fingerprints differ from the same files elsewhere: {unmatched}"

    # The README's test command, reduced to one test file.
    tested = _sh(
        ["make", "test", "TEST_WORKERS=0", "PYTEST_ARGS=-q tests/test_formatting.py"], cwd=clone
    )
    assert " passed" in tested.stdout and "pip install" not in tested.stdout
