"""Where runs execute: a local process pool, or a Dask distributed cluster.

Papermill changes the working directory of its process, so it is not
thread-safe: every run executes in its own worker *process*. The local executor
forks each worker from a forkserver that has papermill and nbconvert preloaded
(so a run does not pay their import time) and gives each run a fresh process
(``max_tasks_per_child=1``), which keeps memory measurements per run honest.
The Dask executor submits the same :func:`analysis.pipeline.execute.execute_run` calls to a
``distributed`` cluster: a ``LocalCluster`` of single-threaded worker processes
by default, or an existing scheduler by address (workers must see the project
folder at the same path).
"""

from __future__ import annotations

import logging
import multiprocessing as mp
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Protocol

from analysis.pipeline.execute import RunOutcome, RunTask, execute_run
from analysis.pipeline.provenance import now

PRELOAD = ["analysis.pipeline.execute", "papermill", "nbconvert", "analysis.pipeline.export"]


class Executor(Protocol):
    def run(self, tasks: Sequence[RunTask]) -> Iterator[RunOutcome]:
        """Execute ``tasks`` and yield their outcomes as they complete."""
        ...


def _crashed(task: RunTask, err: BaseException) -> RunOutcome:
    """Outcome of a run whose worker process itself died."""
    stamp = now()
    return RunOutcome(
        name=task.name,
        status="failed",
        staging=task.staging,
        started=stamp,
        finished=stamp,
        duration_s=0.0,
        peak_memory_mb=0.0,
        error={"cell": None, "ename": type(err).__name__, "evalue": str(err) or repr(err)},
    )


class LocalExecutor:
    """Up to ``jobs`` worker processes on this machine."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)

    def run(self, tasks: Sequence[RunTask]) -> Iterator[RunOutcome]:
        if not tasks:
            return
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        pool = ProcessPoolExecutor(
            max_workers=min(self.jobs, len(tasks)), mp_context=ctx, max_tasks_per_child=1
        )
        futures: dict[Future[RunOutcome], RunTask] = {
            pool.submit(execute_run, task): task for task in tasks
        }
        try:
            for future in as_completed(futures):
                try:
                    yield future.result()
                except Exception as err:  # the worker process died (OOM, signal)
                    yield _crashed(futures[future], err)
        except BaseException:
            # Interrupted: stop at once; kernels notice their parent is gone and exit.
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)


class DaskExecutor:
    """Runs on a Dask ``distributed`` cluster (a LocalCluster unless ``scheduler`` is given)."""

    def __init__(self, jobs: int, scheduler: str | None = None) -> None:
        self.jobs = max(1, jobs)
        self.scheduler = scheduler

    def run(self, tasks: Sequence[RunTask]) -> Iterator[RunOutcome]:
        if not tasks:
            return
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed

        cluster = None
        if self.scheduler:
            client = Client(self.scheduler)
        else:
            cluster = LocalCluster(
                n_workers=min(self.jobs, len(tasks)),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
        try:
            futures = {
                client.submit(execute_run, task, key=f"run-{task.name}", pure=False): task
                for task in tasks
            }
            for future in dask_completed(list(futures)):
                try:
                    yield future.result()
                except Exception as err:
                    yield _crashed(futures[future], err)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def make_executor(kind: str, jobs: int, scheduler: str | None = None) -> Executor:
    """The executor named ``kind`` ('local' or 'dask')."""
    if kind == "local":
        return LocalExecutor(jobs)
    if kind == "dask":
        return DaskExecutor(jobs, scheduler)
    raise ValueError(f"unknown executor {kind!r}; use 'local' or 'dask'")
