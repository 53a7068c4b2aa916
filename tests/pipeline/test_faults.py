"""Faults during a regeneration: killed processes, dying kernels, unwritable or full
reports/, a second run in the same checkout.

What tests/pipeline/test_interrupt.py (SIGTERM, SIGINT, SIGKILL mid-notebook) and
tests/pipeline/test_runner.py (a kernel that exits, the lock refusing a second run in-process)
cover is not repeated here; this file adds SIGKILL *during promotion*, the leftovers a
killed run leaves, a kernel killed by a signal through the command line, write
failures (EACCES, ENOSPC) and the lock's exit code 3 for a second process.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator

import pytest

from analysis.paths import ProjectPaths
from analysis.pipeline import atomic, runner
from tests.conftest import make_notebook
from tests.test_bad_inputs import cli


def _command(p: ProjectPaths, *args: str) -> list[str]:
    return [sys.executable, "-m", "analysis", "--root", str(p.root), *args]


def _reports(p: ProjectPaths) -> dict[str, bytes]:
    """Every file under reports/ except the lock."""
    return {
        x.relative_to(p.reports).as_posix(): x.read_bytes()
        for x in sorted(p.reports.rglob("*"))
        if x.is_file() and x.name != ".lock"
    }


def _no_leftovers(p: ProjectPaths) -> None:
    assert not p.staging.exists(), list(p.staging.rglob("*"))
    assert not [x for x in p.reports.rglob("*") if x.name.endswith(atomic.TMP_SUFFIX)]


def _whole(p: ProjectPaths) -> None:
    """Every report file is complete: JSON and notebooks parse, HTML is closed."""
    for x in p.reports.rglob("*"):
        if x.suffix == ".json" or x.name.endswith(".ipynb"):
            json.loads(x.read_text(encoding="utf-8"))
        elif x.suffix == ".html":
            assert x.read_text(encoding="utf-8").rstrip().endswith("</html>"), x


@pytest.fixture
def one_run(tiny_project: Callable[..., ProjectPaths]) -> ProjectPaths:
    """The tiny project plus a run 'one' whose parameter x the tests change."""
    return tiny_project([{"name": "one", "notebook": "notebooks/ok.ipynb", "parameters": {"x": 1}}])


# -- the lock --------------------------------------------------------------------------------


@pytest.fixture
def held_lock(tiny_project: Callable[..., ProjectPaths]) -> Iterator[ProjectPaths]:
    """A project whose run lock this test process holds."""
    p = tiny_project()
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with runner.locked(p):
            entered.set()
            release.wait(60)

    t = threading.Thread(target=hold)
    t.start()
    assert entered.wait(10)
    try:
        yield p
    finally:
        release.set()
        t.join()


@pytest.mark.parametrize("command", ["run", "clean", "verify"])
def test_second_process_is_refused_with_exit_code_3(held_lock: ProjectPaths, command: str) -> None:
    p = held_lock
    (p.reports / "keep.html").write_text("<html></html>")
    before = _reports(p)
    done = subprocess.run(
        _command(p, command, *(["--no-progress"] if command != "clean" else [])),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 3, done.stderr
    assert "another 'analysis run' is working in this checkout" in done.stderr
    assert "Traceback" not in done.stderr
    assert _reports(p) == before and not p.staging.exists()


# -- write failures ----------------------------------------------------------------------------


@pytest.mark.slow
def test_full_disk_while_recording_is_a_clear_error_and_leaves_nothing_partial(
    one_run: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC when writing reports/manifest.json: exit 1, a message naming file and
    cause, no temporary or staged file left, and the next run completes."""
    p = one_run
    assert cli(p.root, "run", "--no-progress", "--only", "one")[0] == 0
    state = p.provenance.read_bytes()
    index = p.index.read_bytes()
    text = p.run_manifest.read_text().replace("x: 1", "x: 3")
    p.run_manifest.write_text(text)
    assert runner.validated_runs(p)  # cache the manifest: the first write is then the state

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    code, out, err = cli(p.root, "run", "--no-progress", "--only", "one")
    monkeypatch.undo()

    assert code == 1, out + err
    assert "cannot write" in err and "manifest.json" in err
    assert "No space left on device (the disk is full)" in err
    assert "Traceback" not in err
    _no_leftovers(p)
    _whole(p)
    assert p.provenance.read_bytes() == state and p.index.read_bytes() == index

    code, out, err = cli(p.root, "run", "--no-progress", "--only", "one")
    assert code == 0, out + err
    assert json.loads((p.reports / "one.results.json").read_text())["results"]["y"] == 6.0
    assert json.loads(p.provenance.read_text())["runs"]["one"]["parameters"] == {"x": 3}
    _no_leftovers(p)


def test_unwritable_reports_is_a_clear_error_before_anything_executes(
    tiny_project: Callable[..., ProjectPaths], monkeypatch: pytest.MonkeyPatch
) -> None:
    """EACCES on reports/ (simulated: tests may run as root, where chmod does not stop
    writes): exit 1 with a message naming the file, nothing created or executed."""
    p = tiny_project()
    real_open = os.open
    denied = str(p.reports)

    def no_permission(path: object, *args: object, **kwargs: object) -> int:
        if str(path).startswith(denied):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", no_permission)
    code, out, err = cli(p.root, "run", "--no-progress")
    monkeypatch.undo()
    assert code == 1, out + err
    assert f"cannot write {p.reports}" in err
    assert "Permission denied (no permission to write there)" in err
    assert "Traceback" not in err
    assert sorted(x.name for x in p.reports.iterdir()) == []


@pytest.mark.slow
def test_no_new_folder_in_reports_stops_before_executing_and_keeps_the_reports(
    one_run: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a read-only reports/ does once its lock file exists (simulated for root):
    the staging folder cannot be made, so nothing executes and the reports stay."""
    p = one_run
    assert cli(p.root, "run", "--no-progress", "--only", "one")[0] == 0
    before = _reports(p)
    p.run_manifest.write_text(p.run_manifest.read_text().replace("x: 1", "x: 3"))
    real_mkdir = os.mkdir

    def no_permission(path: object, *args: object, **kwargs: object) -> None:
        if str(path).startswith(str(p.reports)):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        real_mkdir(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "mkdir", no_permission)
    code, out, err = cli(p.root, "run", "--no-progress", "--only", "one")
    monkeypatch.undo()
    assert code == 1, out + err
    assert f"cannot write {p.staging}: Permission denied" in err
    assert "0 executed" not in out and "Traceback" not in err
    assert _reports(p) == before
    _no_leftovers(p)


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes; simulated above")
def test_read_only_reports_folder_keeps_the_last_good_reports(one_run: ProjectPaths) -> None:
    p = one_run
    assert cli(p.root, "run", "--no-progress", "--only", "one")[0] == 0
    before = _reports(p)
    p.run_manifest.write_text(p.run_manifest.read_text().replace("x: 1", "x: 3"))
    p.reports.chmod(0o555)
    try:
        code, out, err = cli(p.root, "run", "--no-progress", "--only", "one")
    finally:
        p.reports.chmod(0o755)
    assert code == 1, out + err
    assert "cannot write" in err and "no permission to write there" in err
    assert _reports(p) == before
    _no_leftovers(p)


# -- killed processes --------------------------------------------------------------------------

_KILL_WHILE_PROMOTING = """
import os, signal, sys
from analysis.pipeline import atomic
from analysis.pipeline import runner
from analysis.paths import project

real = atomic.replace_file

def replace_then_die(src, dst):
    real(src, dst)
    if dst.name == "one.results.json":  # the first of the run's files is in place
        os.kill(os.getpid(), signal.SIGKILL)
    return dst

atomic.replace_file = replace_then_die
runner.run(project(sys.argv[1]), jobs=1, only=["one"], progress=False)
"""


@pytest.mark.slow
def test_sigkill_while_promoting_leaves_whole_files_and_the_next_run_repairs(
    one_run: ProjectPaths, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """SIGKILL between the atomic moves of one run's files: each file is whole (old
    or new), the provenance still describes the old run, so the next run re-executes
    it and the report files agree again."""
    p = one_run
    assert cli(p.root, "run", "--no-progress", "--only", "one")[0] == 0
    old_html = (p.reports / "one.html").read_bytes()
    p.run_manifest.write_text(p.run_manifest.read_text().replace("x: 1", "x: 3"))
    # stderr to a file, not a pipe: the killed process's orphaned worker processes would
    # hold a pipe open, and reading it to its end would wait for them.
    log = tmp_path_factory.mktemp("killed") / "stderr.txt"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", _KILL_WHILE_PROMOTING, str(p.root)],
            stderr=err,
            start_new_session=True,
        )
        try:
            proc.wait(timeout=600)
        finally:
            with contextlib.suppress(ProcessLookupError):  # orphans go with their session
                os.killpg(proc.pid, signal.SIGKILL)
    stderr = log.read_text()
    assert proc.returncode == -signal.SIGKILL, stderr
    with_new_results = json.loads((p.reports / "one.results.json").read_text())
    assert with_new_results["results"]["y"] == 6.0
    assert (p.reports / "one.html").read_bytes() == old_html  # not yet moved: the old one
    _whole(p)
    assert json.loads(p.provenance.read_text())["runs"]["one"]["parameters"] == {"x": 1}

    done = subprocess.run(
        _command(p, "run", "--no-progress", "--only", "one"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "✓ one (" in done.stdout
    _no_leftovers(p)
    _whole(p)
    assert (p.reports / "one.html").read_bytes() != old_html
    assert json.loads(p.provenance.read_text())["runs"]["one"]["parameters"] == {"x": 3}


@pytest.mark.slow
def test_leftovers_of_a_killed_run_are_swept_by_the_next(one_run: ProjectPaths) -> None:
    """What a SIGKILL in the middle of a write leaves (a temporary file beside its
    target, a folder renamed aside, a half-staged run) is removed by the next run."""
    p = one_run
    assert cli(p.root, "run", "--no-progress", "--only", "one")[0] == 0
    good = _reports(p)
    (p.reports / ".one.html.k3x9.tmp").write_text("<html><body>half")
    aside = p.reports / ".one.0123abcd.old.tmp"
    (aside / "figures").mkdir(parents=True)
    (aside / "figures" / "f.png").write_bytes(b"\x89PNG")
    half = p.staging / "one.deadbeef"
    half.mkdir(parents=True)
    (half / "one.ipynb").write_text('{"cells": [')
    p.run_manifest.write_text(p.run_manifest.read_text().replace("x: 1", "x: 2"))  # stale

    code, out, err = cli(p.root, "run", "--no-progress", "--only", "one")
    assert code == 0, out + err
    _no_leftovers(p)
    _whole(p)
    assert not aside.exists()
    assert set(_reports(p)) == set(good)


@pytest.mark.slow
def test_kernel_killed_by_a_signal_fails_its_run_and_the_others_complete(
    tiny_project: Callable[..., ProjectPaths],
) -> None:
    dying = make_notebook(
        "die: bool = False  # kill the kernel mid-notebook",
        "import os, signal\nif die:\n    os.kill(os.getpid(), signal.SIGKILL)",
        "from analysis import results\nresults.record('alive', True)",
    )
    p = tiny_project(
        [{"name": "dies", "notebook": "notebooks/dies.ipynb", "parameters": {"die": False}}],
        dies=dying,
    )
    assert cli(p.root, "run", "--no-progress")[0] == 0
    good = (p.reports / "dies.html").read_bytes()
    p.run_manifest.write_text(p.run_manifest.read_text().replace("die: false", "die: true"))
    (p.raw / "input.txt").write_text("changed")  # the other runs execute again too

    done = subprocess.run(
        _command(p, "run", "--no-progress", "--jobs", "2"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "3 executed (2 ok, 1 failed)" in done.stdout
    assert "FAILED dies: " in done.stdout and "Traceback" not in done.stderr
    assert (p.reports / "dies.html").read_bytes() == good
    state = json.loads(p.provenance.read_text())["runs"]
    assert state["dies"]["status"] == "failed" and state["ok_1_a"]["status"] == "ok"
    _no_leftovers(p)
