"""Executors: the same runs on a Dask LocalCluster as in local worker processes; what a
worker that died reports; the kernel process groups they kill."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.paths import ProjectPaths
from analysis.pipeline import runner
from analysis.pipeline.execute import DEFAULT_TIMEOUT, RunTask
from analysis.pipeline.executors import make_executor, worker_died


@pytest.mark.slow
def test_dask_local_cluster_runs_the_pipeline(tiny_project: Callable[..., ProjectPaths]) -> None:
    p = tiny_project()
    summary = runner.run(p, jobs=2, executor="dask", progress=False)
    assert summary.ok and len(summary.executed) == 2
    got = json.loads((p.reports / "ok_1_a.results.json").read_text())
    assert got["results"] == {"y": 2.0, "label": "a"}
    v = runner.verify(p, jobs=2, executor="local", progress=False)
    assert v.ok and len(v.identical) == 2  # same figures whichever executor made them


def test_unknown_executor_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown executor"):
        make_executor("threads", 2)


@pytest.mark.slow
def test_local_kernels_use_ipc_transport(tiny_project: Callable[..., ProjectPaths]) -> None:
    from tests.conftest import make_notebook

    probe = make_notebook(
        "n: int = 0  # unused",
        "from ipykernel.kernelapp import IPKernelApp\nfrom analysis import results\n"
        "results.record('transport', IPKernelApp.instance().transport)",
    )
    p = tiny_project([{"name": "probe", "notebook": "notebooks/probe.ipynb"}], probe=probe)
    assert runner.run(p, jobs=2, only=["probe"], progress=False).ok
    got = json.loads((p.reports / "probe.results.json").read_text())
    assert got["results"]["transport"] == "ipc"


def _task(name: str = "r") -> RunTask:
    return RunTask(
        name=name,
        notebook="nb.ipynb",
        parameters={},
        root="/",
        staging="/x",
        kernel_name="k",
        header={},
    )


def test_a_worker_killed_by_sigkill_is_probably_out_of_memory() -> None:
    e = worker_died(_task("sroi_barmen_base"), -signal.SIGKILL)
    assert e["kind"] == "worker_killed" and e["signal"] == 9 and e["cell"] is None
    assert e["evalue"] == (
        "worker for run sroi_barmen_base was killed (signal 9, SIGKILL), probably out of memory"
    )


def test_other_signals_and_exit_codes_are_named_as_such() -> None:
    e = worker_died(_task(), -signal.SIGTERM)
    assert e["evalue"] == "worker for run r was killed (signal 15, SIGTERM)"
    e = worker_died(_task(), 3)
    assert e["kind"] == "worker_exited" and "exited with code 3" in e["evalue"]


def test_every_run_has_a_cell_time_limit() -> None:
    assert _task().timeout == DEFAULT_TIMEOUT > 0


def test_kill_kernel_group_ignores_foreign_hosts_and_reused_pids(tmp_path: Path) -> None:
    """Only a group recorded on this host, whose leader is still the recorded process."""
    import socket
    import subprocess
    import sys

    from analysis.pipeline.execute import KERNEL_FILE, kill_kernel_group, process_start_time

    proc = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True
    )
    try:
        record = tmp_path / KERNEL_FILE
        record.write_text(f"elsewhere {proc.pid} {process_start_time(proc.pid)}\n")
        assert not kill_kernel_group(tmp_path)
        record.write_text(f"{socket.gethostname()} {proc.pid} 1\n")  # another process
        assert not kill_kernel_group(tmp_path)
        assert proc.poll() is None
        record.write_text(f"{socket.gethostname()} {proc.pid} {process_start_time(proc.pid)}\n")
        assert kill_kernel_group(tmp_path)
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        proc.kill()
        proc.wait()
