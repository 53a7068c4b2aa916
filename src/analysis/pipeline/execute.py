"""Execute one run in a worker process and stage its report files.

This is the unit of work every executor (local process pool, Dask) runs. It
executes the notebook with papermill on the project kernel over IPC transport
(Unix sockets instead of the unencrypted localhost TCP ports papermill warns
about), then writes into the run's staging folder: the executed notebook, the
HTML report, the key figures as JSON and the figures. Nothing is written where a
report belongs: the runner moves staged files into place atomically.
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.pipeline.provenance import now
from analysis.results import ARTIFACT_DIR_ENV


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
    timeout: int | None = None
    html: bool = True


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


def _error_info(err: BaseException) -> dict[str, Any]:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(err, PapermillExecutionError):
        return {
            "cell": err.cell_index,
            "execution_count": err.exec_count,
            "ename": err.ename,
            "evalue": err.evalue,
        }
    return {
        "cell": None,
        "ename": type(err).__name__,
        "evalue": str(err) or repr(err),
        "traceback": traceback.format_exception_only(err)[-1].strip(),
    }


def _execute(task: RunTask, out_nb: Path, artifacts: Path) -> None:
    import papermill
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    os.environ["ANALYSIS_ROOT"] = task.root
    os.environ[ARTIFACT_DIR_ENV] = str(artifacts)
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # Unix socket paths are limited to ~100 bytes: keep them in a short temp folder.
    sockets = tempfile.mkdtemp(prefix="dorvk-")
    try:
        # nbclient needs the asynchronous manager: a blocking client would stall its
        # event loop and hide a dead kernel behind an endless wait for output.
        km = AsyncKernelManager(
            kernel_name=task.kernel_name, transport="ipc", ip=os.path.join(sockets, "k")
        )
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
        finally:
            # nbclient leaves a kernel manager it did not create running: stop it here,
            # which also reaps the kernel so its peak memory counts for this worker.
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=False)
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
        error = _error_info(err)
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
