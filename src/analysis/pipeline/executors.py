"""Where runs execute: a local process pool, or a Dask distributed cluster.

Papermill changes the working directory of its process, so it is not
thread-safe: every run executes in its own worker *process*. The local executor
forks each worker from a forkserver that has papermill and nbconvert preloaded
(so a run does not pay their import time) and gives each run a fresh process,
which keeps memory measurements per run honest.

The local executor supervises its workers itself rather than through a
``ProcessPoolExecutor``: a pool breaks as a whole when one worker dies (as by the
OOM killer) and fails every run with ``BrokenProcessPool``. Here a worker that
dies fails only its own run, with a message naming run and signal; the others go
on. Each worker is its own process group and stops (with its kernel) when the
``analysis`` process is gone, even after a SIGKILL; on an interrupt the executor
kills every worker and every kernel process group (see
:mod:`analysis.pipeline.execute`).
The Dask executor submits the same :func:`analysis.pipeline.execute.execute_run` calls to a
``distributed`` cluster: a ``LocalCluster`` of single-threaded worker processes
by default, or an existing scheduler by address (workers must see the project
folder at the same path).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from analysis.errors import SchedulerUnreachable
from analysis.pipeline.execute import (
    RunOutcome,
    RunTask,
    execute_run,
    install_worker_handlers,
    kill_kernel_group,
    process_start_time,
    stop_worker,
)
from analysis.pipeline.provenance import now

CONNECT_TIMEOUT = 10
"""Seconds to wait for an existing Dask scheduler (``--scheduler``)."""

PRELOAD = ["analysis.pipeline.execute", "papermill", "nbconvert", "analysis.pipeline.export"]


class Executor(Protocol):
    def run(self, tasks: Sequence[RunTask]) -> Iterator[RunOutcome]:
        """Execute ``tasks`` and yield their outcomes as they complete."""
        ...


def _crashed(task: RunTask, error: dict[str, Any], started: str | None = None) -> RunOutcome:
    """Outcome of a run whose worker process itself died."""
    stamp = now()
    return RunOutcome(
        name=task.name,
        status="failed",
        staging=task.staging,
        started=started or stamp,
        finished=stamp,
        duration_s=0.0,
        peak_memory_mb=0.0,
        error=error,
    )


def worker_died(task: RunTask, exitcode: int | None) -> dict[str, Any]:
    """The error of a run whose worker ended without reporting (``exitcode`` as
    :attr:`multiprocessing.Process.exitcode`: negative for a signal)."""
    if exitcode is not None and exitcode < 0:
        signum = -exitcode
        try:
            signame = signal.Signals(signum).name
        except ValueError:
            signame = f"signal {signum}"
        oom = ", probably out of memory" if signum == signal.SIGKILL else ""
        return {
            "kind": "worker_killed",
            "cell": None,
            "signal": signum,
            "ename": "WorkerKilled",
            "evalue": f"worker for run {task.name} was killed (signal {signum}, {signame}){oom}",
        }
    return {
        "kind": "worker_exited",
        "cell": None,
        "exitcode": exitcode,
        "ename": "WorkerExited",
        "evalue": f"worker for run {task.name} exited with code {exitcode} without a result",
    }


def _watch(pid: int, started: str | None) -> None:
    """Stop this worker and its kernel once the ``analysis`` process ``pid`` is gone.

    A worker's parent is the forkserver, which lives as long as any worker does, so
    the worker watches the process that ordered the run itself (even SIGKILL'ed, it
    leaves no kernel running).
    """
    while process_start_time(pid) == started:
        time.sleep(0.5)
    stop_worker(signal.SIGTERM)


def _work(task: RunTask, conn: Connection, parent: int, started: str | None) -> None:
    """Body of one worker process: execute ``task`` and send back its outcome."""
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)  # Ctrl-C reaches the analysis process only; it stops the workers
    install_worker_handlers()
    if started is not None:
        threading.Thread(target=_watch, args=(parent, started), daemon=True).start()
    outcome = execute_run(task)
    conn.send(outcome)
    conn.close()


@dataclass
class _Job:
    task: RunTask
    process: Any
    reader: Connection
    started: str


def _kill(job: _Job) -> None:
    """Kill a worker and its kernel's process group."""
    with contextlib.suppress(OSError):
        kill_kernel_group(job.task.staging)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        job.process.kill()


class LocalExecutor:
    """Up to ``jobs`` worker processes on this machine, one fresh process per run."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)

    def run(self, tasks: Sequence[RunTask]) -> Iterator[RunOutcome]:
        if not tasks:
            return
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        pending = list(tasks)
        running: list[_Job] = []
        try:
            while pending or running:
                while pending and len(running) < self.jobs:
                    task = pending.pop(0)
                    reader, writer = ctx.Pipe(duplex=False)
                    proc = ctx.Process(
                        target=_work,
                        args=(task, writer, os.getpid(), process_start_time(os.getpid())),
                        name=f"run {task.name}",
                    )
                    proc.start()
                    writer.close()
                    running.append(_Job(task, proc, reader, now()))
                ready = set(
                    wait([j.reader for j in running] + [j.process.sentinel for j in running])
                )
                for job in [j for j in running if j.reader in ready or j.process.sentinel in ready]:
                    outcome = None
                    with contextlib.suppress(EOFError, OSError):
                        outcome = job.reader.recv()
                    job.process.join()
                    job.reader.close()
                    running.remove(job)
                    if outcome is None:  # the worker died: killed (OOM, signal) or crashed
                        kill_kernel_group(job.task.staging)
                        error = worker_died(job.task, job.process.exitcode)
                        outcome = _crashed(job.task, error, job.started)
                    yield outcome
        finally:
            # Interrupted (or the caller stopped early): stop every worker and kernel now.
            for job in running:
                _kill(job)
            for job in running:
                with contextlib.suppress(Exception):
                    job.process.join(10)
                    job.reader.close()


class DaskExecutor:
    """Runs on a Dask ``distributed`` cluster (a LocalCluster unless ``scheduler`` is given)."""

    def __init__(self, jobs: int, scheduler: str | None = None) -> None:
        self.jobs = max(1, jobs)
        self.scheduler = scheduler

    def run(self, tasks: Sequence[RunTask]) -> Iterator[RunOutcome]:
        if not tasks:
            return
        import dask
        from distributed import Client, KilledWorker, LocalCluster
        from distributed import as_completed as dask_completed

        cluster = None
        if self.scheduler:
            try:
                client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as err:
                raise SchedulerUnreachable(self.scheduler, err) from None
        else:
            # A run whose worker dies (as by the OOM killer) fails at once instead of
            # being retried on the next worker, and the next.
            with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
                cluster = LocalCluster(
                    n_workers=min(self.jobs, len(tasks)),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            client = Client(cluster)
        done: set[str] = set()
        try:
            futures = {
                client.submit(execute_run, task, key=f"run-{task.name}", pure=False): task
                for task in tasks
            }
            for future in dask_completed(list(futures)):
                done.add(futures[future].name)
                try:
                    yield future.result()
                except KilledWorker:
                    task = futures[future]
                    kill_kernel_group(task.staging)
                    error = {
                        "kind": "worker_killed",
                        "cell": None,
                        "signal": None,
                        "ename": "KilledWorker",
                        "evalue": f"worker for run {task.name} was killed, probably out of memory",
                    }
                    yield _crashed(task, error)
                except Exception as err:
                    yield _crashed(
                        futures[future],
                        {
                            "cell": None,
                            "ename": type(err).__name__,
                            "evalue": str(err) or repr(err),
                        },
                    )
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
            # Interrupted: kernels started by workers on this host go with them.
            for task in tasks:
                if task.name not in done:
                    with contextlib.suppress(OSError):
                        kill_kernel_group(task.staging)


def make_executor(kind: str, jobs: int, scheduler: str | None = None) -> Executor:
    """The executor named ``kind`` ('local' or 'dask')."""
    if kind == "local":
        return LocalExecutor(jobs)
    if kind == "dask":
        return DaskExecutor(jobs, scheduler)
    raise ValueError(f"unknown executor {kind!r}; use 'local' or 'dask'")
