"""Execute a project notebook with papermill, as the notebook tests do (one place); or
read what the shared pipeline run (``pipeline_reports`` in tests/conftest.py) made of it."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat

from analysis import paths, results
from analysis.paths import ProjectPaths


@contextmanager
def _env(**values: str):  # type: ignore[no-untyped-def]
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_notebook(
    name: str,
    out: Path,
    *,
    artifacts: Path | None = None,
    cwd: Path | None = None,
    **parameters: Any,
) -> nbformat.NotebookNode:
    """Run ``notebooks/<name>`` on the project kernel with ``parameters`` (typed values)
    into ``out``; figures and files it saves go to ``artifacts`` (default: out's folder).
    Returns the executed notebook (``results.extract`` reads its key figures)."""
    import papermill

    with _env(**{results.ARTIFACT_DIR_ENV: str(artifacts or out.parent), "MPLBACKEND": "Agg"}):
        papermill.execute_notebook(
            str(paths.NOTEBOOKS / name),
            str(out),
            parameters=parameters,
            kernel_name=paths.KERNEL_NAME,
            cwd=str(cwd or paths.ROOT),
            progress_bar=False,
        )
    return nbformat.read(out, as_version=4)


def run_values(name: str, out: Path, **kwargs: Any) -> dict[str, Any]:
    """The key figures a notebook recorded (see :func:`run_notebook`)."""
    return results.extract(run_notebook(name, out, **kwargs))["values"]


def pipeline_notebook(reports: ProjectPaths, run: str) -> nbformat.NotebookNode:
    """The executed notebook of ``run`` from the shared pipeline run: the tests whose
    parameters are those of a run in pipeline.yaml read it instead of executing again."""
    return nbformat.read(reports.reports / f"{run}.ipynb", as_version=4)


def pipeline_values(reports: ProjectPaths, run: str) -> dict[str, Any]:
    """The key figures ``run`` recorded in the shared pipeline run; the files it saved
    are in ``reports.reports / run``."""
    return results.extract(pipeline_notebook(reports, run))["values"]
