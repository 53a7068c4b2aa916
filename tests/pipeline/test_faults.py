"""Faults during a regeneration: killed processes, dying kernels, unwritable or full
reports/, a second run in the same checkout.

What tests/pipeline/test_interrupt.py (SIGTERM, SIGINT, SIGKILL mid-notebook) and
tests/pipeline/test_runner.py (a kernel that exits, the lock refusing a second run in-process)
cover is not repeated here; this file adds SIGKILL *during promotion*, the leftovers a
killed run leaves, a kernel killed by a signal through the command line, write
failures (EACCES, ENOSPC) and the lock's exit code 3 for a second process; and the
cases of issue 18: cell time limits that kill the kernel's process group (2), SIGKILL
between the renames of a run's folder (9), a worker killed as by the OOM killer (10),
read, write and remove errors naming their file (11), report modes under the umask
(13), messages in German or English (16). Each checks exit code, message, raw data
and the last good reports.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

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
    assert "ein anderes 'analysis run' arbeitet in diesem Checkout" in done.stderr
    assert str(p.lock) in done.stderr
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
    code, out, err = cli(p.root, "run", "--no-progress", "--only", "one", "--lang", "en")
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
    assert f"analysis run: Fehler: kann {p.reports}" in err and "nicht schreiben" in err
    assert "Permission denied (keine Schreibberechtigung dort)" in err
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
    code, out, err = cli(p.root, "run", "--no-progress", "--only", "one", "--lang", "en")
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
        code, out, err = cli(p.root, "run", "--no-progress", "--only", "one", "--lang", "en")
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
        _command(p, "run", "--no-progress", "--jobs", "2", "--lang", "en"),
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


# -- helpers of the issue-18 cases -------------------------------------------------------------


def _raw(p: ProjectPaths) -> dict[str, bytes]:
    return {
        x.relative_to(p.raw).as_posix(): x.read_bytes() for x in p.raw.rglob("*") if x.is_file()
    }


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        stat = open(f"/proc/{pid}/stat").read()  # noqa: SIM115
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _gone(*pids: int, within: float = 10.0) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        if not any(_alive(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


_PID_FILE = (
    "path = os.path.join(os.environ['ANALYSIS_ROOT'], 'data', 'processed', pids); "
    "os.makedirs(os.path.dirname(path), exist_ok=True)"
)
"""Notebook code: the file named by parameter ``pids`` under data/processed."""

SPINNING = make_notebook(
    'seconds: float = 0.1  # how long the last cell runs\npids: str = ""  # file for pids',
    "import os, subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
    "if pids:\n"
    "    " + _PID_FILE + "\n"
    "    with open(path, 'w') as fh:\n"
    "        fh.write(f'{os.getpid()} {child.pid}')",
    "end = time.monotonic() + seconds\nwhile time.monotonic() < end:\n    pass",
    "from analysis import results\nresults.record('spun', seconds)",
)
"""Starts a child process, writes its own and the child's pid, then spins (100 % CPU)."""


@pytest.fixture
def spinning(tiny_project: Callable[..., ProjectPaths], tmp_path: Path) -> ProjectPaths:
    """A project with a good report of run 'spin' (which spins briefly)."""
    p = tiny_project(
        [{"name": "spin", "notebook": "notebooks/spin.ipynb", "parameters": {"seconds": 0.1}}],
        spin=SPINNING,
    )
    assert cli(p.root, "run", "--no-progress")[0] == 0
    return p


def _pids(path: Path) -> list[int]:
    return [int(x) for x in path.read_text().split()]


# -- 2: cell time limit, no orphaned kernel --------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("where", ["manifest", "cli"])
def test_cell_timeout_names_run_and_cell_and_kills_the_kernel_group(
    spinning: ProjectPaths, tmp_path: Path, where: str
) -> None:
    """A cell that spins past its time limit (the run's `timeout:`, or `--timeout`) fails
    its run with exit 1 naming run, cell and limit; the kernel and its child are gone;
    the last good report and the raw data are unchanged; the other runs are not affected."""
    p = spinning
    good, raw = _reports(p), _raw(p)
    pids = p.processed / "pids.txt"
    text = p.run_manifest.read_text().replace(
        "seconds: 0.1",
        "seconds: 600.0\n    pids: pids.txt" + ("\n  timeout: 2" if where == "manifest" else ""),
    )
    p.run_manifest.write_text(text)
    extra = ["--timeout", "2"] if where == "cli" else []
    t0 = time.monotonic()
    code, out, err = cli(p.root, "run", "--no-progress", "--only", "spin", "--lang", "en", *extra)
    assert time.monotonic() - t0 < 120
    assert code == 1, out + err
    assert (
        "FAILED spin: cell 3 (end = time.monotonic() + seconds) ran longer than its time limit "
        "of 2 s; the kernel was stopped" in out
    ), out
    assert "Traceback" not in out + err
    kernel, child = _pids(pids)
    assert _gone(kernel, child), "the kernel or its child outlived the run"
    assert {
        k: v for k, v in _reports(p).items() if not k.startswith(("failed/", "index", "manifest"))
    } == {k: v for k, v in good.items() if not k.startswith(("index", "manifest"))}
    assert _raw(p) == raw
    state = json.loads(p.provenance.read_text())["runs"]["spin"]
    assert state["status"] == "failed" and state["error"]["kind"] == "timeout"
    assert state["error"]["cell"] == 3 and state["previous_success"]["status"] == "ok"
    _no_leftovers(p)


@pytest.mark.slow
def test_cell_timeout_message_in_german(spinning: ProjectPaths) -> None:
    p = spinning
    p.run_manifest.write_text(p.run_manifest.read_text().replace("seconds: 0.1", "seconds: 600.0"))
    code, out, err = cli(p.root, "run", "--no-progress", "--only", "spin", "--timeout", "1")
    assert code == 1, out + err
    assert "0 ausgeführt" not in out and "1 ausgeführt (0 erfolgreich, 1 fehlgeschlagen)" in out
    assert (
        "FEHLGESCHLAGEN spin: Zelle 3 (end = time.monotonic() + seconds) lief länger als ihr "
        "Zeitlimit von 1 s" in out
    ), out


# -- 9: killed between the two renames of a forced run's folder --------------------------------

_KILL_BETWEEN_RENAMES = """
import os, signal, sys
from analysis.pipeline import atomic, runner
from analysis.paths import project

real = os.replace

def replace_then_die(src, dst):
    real(src, dst)
    if os.path.basename(str(src)) == "art" and os.path.basename(str(dst)).startswith(".art."):
        os.kill(os.getpid(), signal.SIGKILL)  # the old folder is aside, the new not yet in

atomic.os.replace = replace_then_die
runner.run(project(sys.argv[1]), jobs=1, only=["art"], force=True, progress=False)
"""

ARTIFACT = make_notebook(
    "n: int = 1  # a number",
    "from analysis import results\n"
    "results.artifact_path('kodierbogen.xlsx').write_bytes(b'sheet %d' % n)\n"
    "results.record('n', n)",
)


def _killed_run(script: str, p: ProjectPaths, log: Path) -> int:
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", script, str(p.root)], stderr=err, start_new_session=True
        )
        try:
            proc.wait(timeout=600)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
    return proc.returncode


@pytest.mark.slow
def test_sigkill_between_the_renames_of_a_forced_run_restores_its_folder(
    tiny_project: Callable[..., ProjectPaths], tmp_path: Path
) -> None:
    """SIGKILL after reports/<run>/ was renamed aside and before the new folder moved in
    (during --force): the next run puts the old folder back instead of calling the run
    up to date without it; nothing is missing, raw data unchanged."""
    p = tiny_project([{"name": "art", "notebook": "notebooks/art.ipynb"}], art=ARTIFACT)
    assert cli(p.root, "run", "--no-progress", "--only", "art")[0] == 0
    sheet = p.reports / "art" / "kodierbogen.xlsx"
    assert sheet.read_bytes() == b"sheet 1"
    state = json.loads(p.provenance.read_text())["runs"]["art"]
    assert state["outputs"]["dir"] == "art"  # the folder is a recorded output
    raw = _raw(p)

    code = _killed_run(_KILL_BETWEEN_RENAMES, p, tmp_path / "stderr.txt")
    assert code == -signal.SIGKILL, (tmp_path / "stderr.txt").read_text()
    assert not (p.reports / "art").exists()  # the fault: the folder is missing
    assert list(p.reports.glob(".art.*.old.tmp"))

    code, out, err = cli(p.root, "run", "--no-progress", "--only", "art", "--lang", "en")
    assert code == 0, out + err
    assert sheet.read_bytes() == b"sheet 1"
    assert not list(p.reports.glob(".*.tmp"))
    _whole(p)
    assert _raw(p) == raw
    assert cli(p.root, "status", "--only", "art", "--lang", "en")[1].startswith("art  up to date")


@pytest.mark.slow
def test_a_missing_output_folder_makes_its_run_stale(
    tiny_project: Callable[..., ProjectPaths],
) -> None:
    """The state records each run's outputs, its folder included: without the folder the
    run is stale ('report files missing') and the next run makes it again."""
    p = tiny_project([{"name": "art", "notebook": "notebooks/art.ipynb"}], art=ARTIFACT)
    assert cli(p.root, "run", "--no-progress", "--only", "art")[0] == 0
    shutil.rmtree(p.reports / "art")
    code, out, _ = cli(p.root, "status", "--only", "art", "--lang", "en")
    assert "art  STALE: report files missing" in out
    code, out, err = cli(p.root, "run", "--no-progress", "--only", "art", "--lang", "en")
    assert code == 0 and "1 executed (1 ok, 0 failed)" in out, out + err
    assert (p.reports / "art" / "kodierbogen.xlsx").read_bytes() == b"sheet 1"


# -- 10: one worker killed (as by the OOM killer) --------------------------------------------

KILLS_ITS_WORKER = make_notebook(
    'kill: bool = False  # kill the worker process\npids: str = ""  # file for the pid',
    "import os, signal\n"
    "if pids:\n"
    "    " + _PID_FILE + "\n"
    "    open(path, 'w').write(str(os.getpid()))\n"
    "if kill:\n"
    "    os.kill(os.getppid(), signal.SIGKILL)  # the worker, as the OOM killer would\n"
    "    import time; time.sleep(600)",
    "from analysis import results\nresults.record('alive', True)",
)


@pytest.mark.slow
def test_killed_worker_fails_only_its_run_and_the_others_complete(
    tiny_project: Callable[..., ProjectPaths], tmp_path: Path
) -> None:
    p = tiny_project(
        [{"name": "oom", "notebook": "notebooks/oom.ipynb", "parameters": {"kill": False}}],
        oom=KILLS_ITS_WORKER,
    )
    assert cli(p.root, "run", "--no-progress")[0] == 0
    good = (p.reports / "oom.html").read_bytes()
    pids = p.processed / "pid.txt"
    p.run_manifest.write_text(
        p.run_manifest.read_text().replace("kill: false", "kill: true\n    pids: pid.txt")
    )
    (p.raw / "input.txt").write_text("changed")  # the other runs execute again too
    raw = _raw(p)

    code, out, err = cli(p.root, "run", "--no-progress", "--jobs", "2", "--lang", "en")
    assert code == 1, out + err
    assert "3 executed (2 ok, 1 failed)" in out, out
    assert "FAILED oom: worker for run oom was killed (signal 9), probably out of memory" in out, (
        out
    )
    assert "BrokenProcessPool" not in out + err and "Traceback" not in out + err
    state = json.loads(p.provenance.read_text())["runs"]
    assert state["oom"]["status"] == "failed" and state["oom"]["error"]["signal"] == 9
    assert state["ok_1_a"]["status"] == "ok" and state["ok_2_a"]["status"] == "ok"
    assert (p.reports / "oom.html").read_bytes() == good
    assert _gone(_pids(pids)[0]), "the killed worker's kernel was left running"
    assert _raw(p) == raw
    _no_leftovers(p)


# -- 11: read, write or remove: which file ---------------------------------------------------


@pytest.mark.parametrize("lang", ["de", "en"])
def test_unreadable_raw_file_is_named_as_a_read_error(
    tiny_project: Callable[..., ProjectPaths], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """A raw file without read permission (simulated: tests may run as root): exit 2, a
    message saying it cannot be *read* and naming it; nothing executes or changes."""
    from analysis.pipeline import cache

    p = tiny_project()
    (p.reports / "ok_1_a.html").write_text("<html>last good</html>")
    before, raw = _reports(p), _raw(p)
    target = p.raw / "input.txt"

    def no_read(path: object, *args: object, **kwargs: object) -> object:
        if Path(str(path)) == target:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(cache, "open", no_read, raising=False)
    code, out, err = cli(p.root, "run", "--no-progress", "--lang", lang)
    monkeypatch.undo()
    assert code == 2, out + err
    if lang == "en":
        assert f"analysis run: input error: cannot read {target}: Permission denied " in err
        assert "(no permission to read it). Nothing executed" in err
    else:
        assert f"analysis run: Eingabefehler: kann {target} nicht lesen: Permission denied " in err
        assert "(keine Leseberechtigung). Nichts wurde ausgeführt" in err
    assert "write" not in err and "schreib" not in err and "Traceback" not in err
    assert _reports(p) == before and _raw(p) == raw
    _no_leftovers(p)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file; simulated above")
def test_unreadable_raw_file_for_real(tiny_project: Callable[..., ProjectPaths]) -> None:
    p = tiny_project()
    target = p.raw / "input.txt"
    target.chmod(0)
    try:
        code, out, err = cli(p.root, "run", "--no-progress", "--lang", "en")
    finally:
        target.chmod(0o644)
    assert code == 2, out + err
    assert f"cannot read {target}: Permission denied (no permission to read it)" in err


@pytest.mark.slow
def test_unreachable_dask_scheduler_is_named(tiny_project: Callable[..., ProjectPaths]) -> None:
    import socket

    p = tiny_project()
    (p.reports / "ok_1_a.html").write_text("<html>last good</html>")
    before, raw = _reports(p), _raw(p)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    code, out, err = cli(
        p.root, "run", "--no-progress", "--executor", "dask", "--scheduler", address, "--lang", "en"
    )
    assert code == 2, out + err
    assert f"analysis run: input error: cannot reach the Dask scheduler at {address}: " in err
    assert "cannot write" not in err and "Traceback" not in err
    assert _reports(p) == before and _raw(p) == raw
    _no_leftovers(p)


def test_clean_removes_symlinks_not_what_they_point_to(
    tiny_project: Callable[..., ProjectPaths],
) -> None:
    """A symbolic link in reports/ (to a folder or file in data/raw, or dangling) is
    removed itself; raw data stay untouched."""
    p = tiny_project()
    (p.raw / "sub").mkdir()
    (p.raw / "sub" / "keep.txt").write_text("raw")
    raw = _raw(p)
    (p.reports / "to_dir").symlink_to(p.raw / "sub", target_is_directory=True)
    (p.reports / "to_file").symlink_to(p.raw / "input.txt")
    (p.reports / "dangling").symlink_to(p.root / "nowhere")
    (p.reports / "one.html").write_text("<html></html>")
    p.cache.mkdir()
    code, out, err = cli(p.root, "clean", "--lang", "en")
    assert code == 0, out + err
    assert "removed 5 generated files and folders." in out
    assert sorted(x.name for x in p.reports.iterdir()) == [".lock"]
    assert _raw(p) == raw


@pytest.mark.parametrize("lang", ["de", "en"])
def test_clean_names_the_file_it_cannot_remove(
    tiny_project: Callable[..., ProjectPaths], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    p = tiny_project()
    stuck = p.reports / "stuck.html"
    stuck.write_text("<html></html>")
    raw = _raw(p)
    real_unlink = os.unlink

    def no_permission(path: object, *args: object, **kwargs: object) -> None:
        if str(path) == str(stuck):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        real_unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", no_permission)
    code, out, err = cli(p.root, "clean", "--lang", lang)
    monkeypatch.undo()
    assert code == 1, out + err
    if lang == "en":
        assert f"analysis clean: error: cannot remove {stuck}: Permission denied " in err
        assert "(no permission to remove it)" in err
    else:
        assert f"analysis clean: Fehler: kann {stuck} nicht löschen: Permission denied " in err
    assert "cannot write" not in err and "Traceback" not in err
    assert stuck.is_file() and _raw(p) == raw


# -- 13: reports readable by colleagues ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("mask", [0o002, 0o022])
def test_reports_get_the_mode_the_umask_allows(
    tiny_project: Callable[..., ProjectPaths], mask: int
) -> None:
    """index.html, manifest.json and every report file: 0o666 less the umask (not the
    0o600 of mkstemp); folders 0o777 less the umask."""
    p = tiny_project()
    done = subprocess.run(
        _command(p, "run", "--no-progress"),
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=lambda: os.umask(mask),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("index.html", "manifest.json", "ok_1_a.html", "ok_1_a.results.json"):
        assert stat.S_IMODE((p.reports / name).stat().st_mode) == 0o666 & ~mask, name
    assert stat.S_IMODE((p.reports / "ok_1_a").stat().st_mode) == 0o777 & ~mask
