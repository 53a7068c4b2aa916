"""Execute a project notebook with papermill, as the notebook tests do (one place)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat

from analysis import paths, results


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
