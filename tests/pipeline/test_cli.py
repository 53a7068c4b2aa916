"""The command line: help for every command, exit codes, messages naming file and key."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.paths import ProjectPaths
from analysis.pipeline.cli import main


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


@pytest.mark.parametrize("command", [[], ["run"], ["status"], ["verify"], ["clean"]])
def test_help_for_every_command(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([*command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: analysis" in out
    if command == ["run"]:
        for flag in ("--jobs", "--only", "--force", "--executor", "--scheduler"):
            assert flag in out


def test_malformed_manifest_exits_2_naming_file_and_key(
    tiny_project: Callable[..., ProjectPaths],
) -> None:
    p = tiny_project([{"name": "x", "notebook": "notebooks/nope.ipynb"}])
    result = _cli("--root", str(p.root), "run")
    assert result.returncode == 2
    assert "pipeline.yaml" in result.stderr and "runs[1].notebook" in result.stderr
    assert "unknown notebook" in result.stderr
    assert sorted(x.name for x in p.reports.iterdir()) in ([], [".lock"])


def test_unknown_parameter_exits_2_and_executes_nothing(
    tiny_project: Callable[..., ProjectPaths],
) -> None:
    p = tiny_project(
        [{"name": "x", "notebook": "notebooks/ok.ipynb", "parameters": {"colour": "red"}}]
    )
    result = _cli("--root", str(p.root), "run")
    assert result.returncode == 2
    assert "runs[1].parameters.colour" in result.stderr and "run 'x'" in result.stderr
    assert not list(p.reports.glob("*.html"))


def test_status_lists_every_run(tiny_project: Callable[..., ProjectPaths]) -> None:
    p = tiny_project()
    result = _cli("--root", str(p.root), "status")
    assert result.returncode == 0
    assert "ok_1_a  VERALTET: noch nie gelaufen" in result.stdout
    assert "2 von 2 Läufen veraltet." in result.stdout


@pytest.mark.parametrize("where", ["before", "after"])
def test_lang_en_before_or_after_the_command(
    tiny_project: Callable[..., ProjectPaths], where: str
) -> None:
    p = tiny_project()
    args = ["--lang", "en", "status"] if where == "before" else ["status", "--lang", "en"]
    result = _cli("--root", str(p.root), *args)
    assert result.returncode == 0
    assert "ok_1_a  STALE: never run" in result.stdout
    assert "2 of 2 runs stale." in result.stdout


@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_timeout_must_be_positive_seconds(
    tiny_project: Callable[..., ProjectPaths], value: str
) -> None:
    p = tiny_project()
    result = _cli("--root", str(p.root), "run", "--timeout", value)
    assert result.returncode == 2
    assert "--timeout" in result.stderr and "whole number of seconds" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(x.name for x in p.reports.iterdir()) == []


def test_run_help_documents_the_default_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    from analysis.pipeline.execute import DEFAULT_TIMEOUT

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert f"(default {DEFAULT_TIMEOUT})" in out and "--lang" in out


@pytest.mark.slow
def test_failed_run_exits_1_with_summary(tiny_project: Callable[..., ProjectPaths]) -> None:
    from tests.conftest import FAIL_NOTEBOOK

    p = tiny_project([{"name": "bad", "notebook": "notebooks/bad.ipynb"}], bad=FAIL_NOTEBOOK)
    result = _cli("--root", str(p.root), "run", "--jobs", "2", "--no-progress")
    assert result.returncode == 1
    assert "3 ausgeführt (2 erfolgreich, 1 fehlgeschlagen), 0 aktuell." in result.stdout
    assert (
        'FEHLGESCHLAGEN bad: Zelle 2 (raise ValueError("broken on purpose")): '
        "ValueError: broken on purpose → reports/failed/bad.ipynb"
    ) in result.stdout
    result = _cli(  # the failed run again, in English
        "--root", str(p.root), "run", "--no-progress", "--lang", "en"
    )
    assert result.returncode == 1
    assert "1 executed (0 ok, 1 failed), 2 up to date." in result.stdout
    assert "FAILED bad: cell 2 (raise ValueError" in result.stdout
