"""Fingerprints and staleness: what changed is named, nothing else reruns."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from analysis.errors import ManifestError
from analysis.paths import project
from analysis.pipeline.cache import (
    file_digest,
    fingerprint,
    notebook_digest,
    parameters_digest,
    resolve_inputs,
    stale_reasons,
)
from analysis.pipeline.manifest import Run
from tests.conftest import OK_NOTEBOOK


def test_file_digest_is_sha256(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"abc")
    # SHA-256("abc"), FIPS 180-2 appendix B.1
    assert file_digest(tmp_path / "a") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_notebook_digest_ignores_outputs_and_counts(tmp_path: Path) -> None:
    nbformat.write(OK_NOTEBOOK, tmp_path / "a.ipynb")
    executed = copy.deepcopy(OK_NOTEBOOK)
    executed.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi")]
    executed.cells[2].execution_count = 7
    nbformat.write(executed, tmp_path / "b.ipynb")
    assert notebook_digest(tmp_path / "a.ipynb") == notebook_digest(tmp_path / "b.ipynb")
    edited = copy.deepcopy(OK_NOTEBOOK)
    edited.cells[2].source += "\n# changed"
    nbformat.write(edited, tmp_path / "c.ipynb")
    assert notebook_digest(tmp_path / "a.ipynb") != notebook_digest(tmp_path / "c.ipynb")


def test_parameters_digest_ignores_key_order() -> None:
    assert parameters_digest({"a": 1, "b": [1, 2]}) == parameters_digest({"b": [1, 2], "a": 1})
    assert parameters_digest({"a": 1}) != parameters_digest({"a": 1.5})


def _tree(tmp_path: Path) -> object:
    (tmp_path / "notebooks").mkdir()
    nbformat.write(OK_NOTEBOOK, tmp_path / "notebooks" / "ok.ipynb")
    for rel in ("data/raw/a.csv", "data/raw/sub/b.csv", "data/raw/sub/c.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    return project(tmp_path)


def test_inputs_resolve_paths_globs_and_folders(tmp_path: Path) -> None:
    p = _tree(tmp_path)
    run = Run("r", "notebooks/ok.ipynb", inputs=("data/raw/*.csv", "data/raw/sub"))
    assert resolve_inputs(run, p, "pipeline.yaml") == [
        "data/raw/a.csv",
        "data/raw/sub/b.csv",
        "data/raw/sub/c.txt",
    ]


def test_input_matching_nothing_is_an_error(tmp_path: Path) -> None:
    p = _tree(tmp_path)
    run = Run("r", "notebooks/ok.ipynb", inputs=("data/raw/typo.csv",), entry=3)
    with pytest.raises(ManifestError) as info:
        resolve_inputs(run, p, "pipeline.yaml")
    assert info.value.column == "runs[3].inputs[0]" and "matches no file" in str(info.value)


def test_stale_reasons_name_what_changed(tmp_path: Path) -> None:
    p = _tree(tmp_path)
    run = Run("r", "notebooks/ok.ipynb", {"x": 1}, inputs=("data/raw/*.csv",))
    fp = fingerprint(run, p, "pipeline.yaml", package="pkg1")
    record = {"status": "ok", "fingerprint": fp.as_dict()}
    assert stale_reasons(fp, record, outputs_present=True) == []
    assert stale_reasons(fp, None, outputs_present=True) == ["never run"]
    assert stale_reasons(fp, record, outputs_present=False) == ["report files missing"]

    (tmp_path / "data/raw/a.csv").write_text("changed")
    fp2 = fingerprint(run, p, "pipeline.yaml", package="pkg2")
    assert stale_reasons(fp2, record, outputs_present=True) == [
        "input changed: data/raw/a.csv",
        "helper package src/analysis changed",
    ]
    run3 = Run("r", "notebooks/ok.ipynb", {"x": 2}, inputs=("data/raw/*.csv",))
    fp3 = fingerprint(run3, p, "pipeline.yaml", package="pkg1")
    assert "parameters changed" in stale_reasons(fp3, record, outputs_present=True)
    failed = {"status": "failed", "previous_success": record}
    assert stale_reasons(fp, failed, outputs_present=True) == ["last attempt failed"]
    assert fp.combined != fp2.combined
