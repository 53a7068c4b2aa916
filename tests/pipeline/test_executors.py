"""Executors: the same runs on a Dask LocalCluster as in local worker processes."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from analysis.paths import ProjectPaths
from analysis.pipeline import runner
from analysis.pipeline.executors import make_executor

pytestmark = pytest.mark.slow


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
