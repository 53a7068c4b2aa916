"""Execute one run in a worker process and stage its report files.

This is the unit of work every executor (local process pool, Dask) runs. It
executes the notebook with papermill on the project kernel over IPC transport
(Unix sockets instead of the unencrypted localhost TCP ports papermill warns
about), then writes into the run's staging folder: the executed notebook, the
HTML report, the key figures as JSON and the figures. Nothing is written where a
report belongs: the runner moves staged files into place atomically.

Every cell has a time limit (``timeout:`` of the run in pipeline.yaml, else
``analysis run --timeout``, else :data:`DEFAULT_TIMEOUT` seconds). The kernel runs
in its own session, so its process group holds the kernel and whatever it started;
the worker records that group in the run's staging folder (:data:`KERNEL_FILE`) and
kills the whole group when the run ends, fails, times out or the worker is told to
stop, and the runner's side kills a recorded group when a worker died without
doing so (:func:`kill_kernel_group`). No kernel outlives its run.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.errors import MESSAGE_LANGUAGE_ENV
from analysis.pipeline.provenance import now
from analysis.results import ARTIFACT_DIR_ENV

DEFAULT_TIMEOUT = 1800
"""Seconds any one cell may run unless its run sets ``timeout:`` (or ``--timeout``)."""

KERNEL_FILE = "kernel.pgid"
"""File in a run's staging folder naming the process group of its kernel."""


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs to execute one run (picklable)."""

    name: str
    notebook: str
    parameters: dict[str, Any]
    root: str
    staging: str
    kernel_name: str
    header: dict[str, Any]
    timeout: int = DEFAULT_TIMEOUT
    html: bool = True
    message_language: str = "de"


@dataclass
class RunOutcome:
    """What a worker reports back about one run."""

    name: str
    status: str
    staging: str
    started: str
    finished: str
    duration_s: float
    peak_memory_mb: float
    error: dict[str, Any] | None = None
    files: dict[str, str] = field(default_factory=dict)


def _peak_memory_mb() -> float:
    """Peak resident memory of this worker plus its largest finished child (the kernel)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + children) / 1024, 1)  # ru_maxrss is in KiB on Linux


def _first_line(source: str) -> str:
    """The first non-empty line of a cell's source, shortened for a message."""
    line = next((x.strip() for x in source.splitlines() if x.strip()), "")
    return line if len(line) <= 80 else line[:79] + "…"


def _running_cell(out_nb: Path) -> tuple[int | None, str]:
    """Index and first source line of the cell that was executing when papermill stopped.

    Papermill stamps ``start_time`` on each cell it starts and saves the notebook, so
    the last stamped cell of the executed notebook is the one that was running.
    """
    import nbformat

    try:
        nb = nbformat.read(out_nb, as_version=4)
    except (OSError, ValueError):
        return None, ""
    started = [
        i
        for i, c in enumerate(nb.cells)
        if c.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    if not started:
        return None, ""
    return started[-1], _first_line(nb.cells[started[-1]].source)


def _error_info(err: BaseException, task: RunTask, out_nb: Path) -> dict[str, Any]:
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(err, PapermillExecutionError):
        return {
            "cell": err.cell_index,
            "source": _first_line(err.source or ""),
            "execution_count": err.exec_count,
            "ename": err.ename,
            "evalue": err.evalue,
        }
    if isinstance(err, CellTimeoutError):
        cell, source = _running_cell(out_nb)
        where = f"cell {cell} ({source})" if cell is not None else "a cell"
        return {
            "kind": "timeout",
            "cell": cell,
            "source": source,
            "timeout": task.timeout,
            "ename": "CellTimeoutError",
            "evalue": f"run {task.name}: {where} ran longer than its time limit of "
            f"{task.timeout} s; the kernel was stopped",
        }
    return {
        "cell": None,
        "ename": type(err).__name__,
        "evalue": str(err) or repr(err),
        "traceback": traceback.format_exception_only(err)[-1].strip(),
    }


# -- the kernel's process group -------------------------------------------------------------

_kernel_group: int | None = None
"""Process group of the kernel this worker is running (to kill it on SIGTERM)."""


def process_start_time(pid: int) -> str | None:
    """Start time of process ``pid`` in clock ticks since boot (Linux), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _record_group(staging: Path, pgid: int) -> None:
    global _kernel_group
    _kernel_group = pgid
    text = f"{socket.gethostname()} {pgid} {process_start_time(pgid) or '-'}\n"
    tmp = staging / f".{KERNEL_FILE}.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, staging / KERNEL_FILE)


def _killpg(pgid: int) -> bool:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def kill_kernel_group(staging: str | Path) -> bool:
    """Kill the kernel process group recorded in ``staging`` (if it is still there).

    The runner's side of the clean-up, for a worker that died without stopping its
    kernel. Only a group recorded on this host is killed, and not if its leader's pid
    now belongs to a process started since (pid reuse).
    """
    try:
        host, pgid, started = (Path(staging) / KERNEL_FILE).read_text().split()
    except (OSError, ValueError):
        return False
    if host != socket.gethostname():
        return False
    now_started = process_start_time(int(pgid))
    if now_started is not None and started != "-" and now_started != started:
        return False  # the leader's pid was reused: not our kernel
    return _killpg(int(pgid))


def _kill_own_kernel() -> None:
    global _kernel_group
    if _kernel_group is not None:
        _killpg(_kernel_group)
        _kernel_group = None


def stop_worker(signum: int, _frame: object = None) -> None:
    """Stop this worker at once (from any thread), killing its kernel's group first."""
    _kill_own_kernel()
    os._exit(128 + signum)


def install_worker_handlers() -> None:
    """In a worker's main thread: a SIGTERM or SIGHUP takes the kernel along."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop_worker)


def _kernel_manager(staging: Path, **kwargs: Any) -> Any:
    """An asynchronous kernel manager that records its kernel's process group."""
    from jupyter_client.manager import AsyncKernelManager

    class GroupRecordingKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            await super()._async_launch_kernel(kernel_cmd, **kw)
            prov = self.provisioner
            pgid = getattr(prov, "pgid", None) or getattr(prov, "pid", None)
            if pgid:
                _record_group(staging, int(pgid))

    return GroupRecordingKernelManager(**kwargs)


def _quiet_timeout_log() -> None:
    """Drop nbclient's own log line about a cell timeout: the run's summary names run,
    cell and limit, and a bare 'Timeout waiting for execute reply' says neither."""
    import logging

    from traitlets.log import get_logger

    fallback = get_logger()
    for logger in (logging.getLogger("papermill"), getattr(fallback, "logger", fallback)):
        if not any(isinstance(f, _TimeoutFilter) for f in logger.filters):
            logger.addFilter(_TimeoutFilter())


class _TimeoutFilter:
    def filter(self, record: Any) -> bool:
        return not str(record.msg).startswith("Timeout waiting for execute reply")


def _execute(task: RunTask, out_nb: Path, artifacts: Path) -> None:
    import papermill
    from jupyter_core.utils import run_sync

    os.environ["ANALYSIS_ROOT"] = task.root
    os.environ[ARTIFACT_DIR_ENV] = str(artifacts)
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ[MESSAGE_LANGUAGE_ENV] = task.message_language
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    _quiet_timeout_log()
    # Unix socket paths are limited to ~100 bytes: keep them in a short temp folder.
    sockets = tempfile.mkdtemp(prefix="dorvk-")
    try:
        # nbclient needs the asynchronous manager: a blocking client would stall its
        # event loop and hide a dead kernel behind an endless wait for output.
        km = _kernel_manager(
            Path(task.staging),
            kernel_name=task.kernel_name,
            transport="ipc",
            ip=os.path.join(sockets, "k"),
        )
        failed = True
        try:
            papermill.execute_notebook(
                task.notebook,
                str(out_nb),
                parameters=task.parameters,
                kernel_name=task.kernel_name,
                progress_bar=False,
                km=km,
                cwd=str(Path(task.notebook).parent),
                execution_timeout=task.timeout,
                start_timeout=180,
            )
            failed = False
        finally:
            # nbclient leaves a kernel manager it did not create running: stop it here,
            # which also reaps the kernel so its peak memory counts for this worker. A
            # failed or timed-out run's kernel may be busy: kill it at once. Then kill
            # its process group, which takes along anything the kernel started.
            try:
                if km.has_kernel:
                    run_sync(km.shutdown_kernel)(now=failed)
            finally:
                _kill_own_kernel()
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


def execute_run(task: RunTask) -> RunOutcome:
    """Execute ``task`` and stage its outputs; never raises for a failing notebook."""
    import nbformat

    from analysis import results
    from analysis.pipeline import export

    started = now()
    t0 = time.perf_counter()
    staging = Path(task.staging)
    staging.mkdir(parents=True, exist_ok=True)
    extra = staging / task.name  # figures and artifacts: reports/<run>/
    extra.mkdir(exist_ok=True)
    out_nb = staging / f"{task.name}.ipynb"
    files: dict[str, str] = {}
    error = None
    try:
        _execute(task, out_nb, extra)
        nb = nbformat.read(out_nb, as_version=4)
        extracted = results.extract(nb)
        (staging / f"{task.name}.results.json").write_text(
            results.dumps(task.name, extracted), encoding="utf-8"
        )
        figure_dir = extra / "figures"
        for fname, data in export.figures(nb):
            figure_dir.mkdir(exist_ok=True)
            (figure_dir / fname).write_bytes(data)
        pdf = False
        if task.html:
            html = export.to_html(nb, task.header)
            (staging / f"{task.name}.html").write_text(html, encoding="utf-8")
            pdf = export.to_pdf(staging / f"{task.name}.html", staging / f"{task.name}.pdf")
        files = {
            "ipynb": f"{task.name}.ipynb",
            "results": f"{task.name}.results.json",
            "dir": task.name,
        }
        if task.html:
            files["html"] = f"{task.name}.html"
        if pdf:
            files["pdf"] = f"{task.name}.pdf"
        status = "ok"
    except BaseException as err:  # a failing notebook must not stop the other runs
        if isinstance(err, KeyboardInterrupt | SystemExit):
            raise
        error = _error_info(err, task, out_nb)
        status = "failed"
        if out_nb.exists():
            files = {"ipynb": out_nb.name}
    return RunOutcome(
        name=task.name,
        status=status,
        staging=str(staging),
        started=started,
        finished=now(),
        duration_s=round(time.perf_counter() - t0, 3),
        peak_memory_mb=_peak_memory_mb(),
        error=error,
        files=files,
    )
