"""Fingerprints and staleness: what changed is named, nothing else reruns."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from analysis.errors import ManifestError, ParameterError
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
from tests.conftest import OK_NOTEBOOK, make_notebook, write_project


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
    assert "Lauf 'r': die deklarierte Eingabe trifft keine Datei" in info.value.text("de")


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


# -- files named by parameters are inputs (issue 14.2) ---------------------------------------

SHEET_NOTEBOOK = make_notebook(
    'sheet: "RawFile" = "sheets/a.txt"  # a file under data/raw\n'
    'panel: "ProjectFile" = ""  # a file from the project root, or ""',
    "from analysis import paths\nprint((paths.RAW / sheet).read_text())",
)


def _sheet_project(tmp_path: Path, parameters: dict) -> object:
    return write_project(
        tmp_path,
        {"s.ipynb": SHEET_NOTEBOOK},
        [{"name": "s", "notebook": "notebooks/s.ipynb", "parameters": parameters}],
        {
            "data/raw/sheets/a.txt": "a",
            "data/raw/sheets/b.txt": "b",
            "data/processed/p.csv": "p",
        },
    )


def test_a_file_parameter_joins_the_fingerprint_and_its_edit_makes_the_run_stale(
    tmp_path: Path,
) -> None:
    from analysis.pipeline import runner

    p = _sheet_project(tmp_path, {"sheet": "sheets/b.txt", "panel": "data/processed/p.csv"})
    (run,) = runner.validated_runs(p, package="pkg")
    assert run.file_inputs == {"sheet": "data/raw/sheets/b.txt", "panel": "data/processed/p.csv"}
    assert run.inputs == ()  # nothing declared: the parameters alone make them inputs
    fp = fingerprint(run, p, "pipeline.yaml", package="pkg")
    assert set(fp.inputs) == {"data/raw/sheets/b.txt", "data/processed/p.csv"}
    record = {"status": "ok", "fingerprint": fp.as_dict()}

    (tmp_path / "data/raw/sheets/a.txt").write_text("not read by this run")
    assert stale_reasons(fingerprint(run, p, "pipeline.yaml", package="pkg"), record, True) == []
    (tmp_path / "data/raw/sheets/b.txt").write_text("edited")
    (tmp_path / "data/processed/p.csv").write_text("edited")
    again = fingerprint(run, p, "pipeline.yaml", package="pkg")
    assert stale_reasons(again, record, True) == [
        "input changed: data/processed/p.csv, data/raw/sheets/b.txt"
    ]


def test_a_file_parameter_may_name_a_folder_or_a_glob(tmp_path: Path) -> None:
    """Like coding_sheet of notebook 90: every file it names is an input."""
    from analysis.pipeline import runner

    p = _sheet_project(tmp_path, {"sheet": "sheets/*.txt"})
    (run,) = runner.validated_runs(p, package="pkg")
    fp = fingerprint(run, p, "pipeline.yaml", package="pkg")
    assert set(fp.inputs) == {"data/raw/sheets/a.txt", "data/raw/sheets/b.txt"}
    p.run_manifest.write_text(p.run_manifest.read_text().replace("sheets/*.txt", "sheets"))
    (run,) = runner.validated_runs(p, package="pkg")
    assert set(fingerprint(run, p, "pipeline.yaml", package="pkg").inputs) == set(fp.inputs)
    p.run_manifest.write_text(p.run_manifest.read_text().replace("sheets", "none/*.txt"))
    with pytest.raises(ParameterError, match="names no existing file"):
        runner.validated_runs(p, package="pkg")


def test_the_default_of_a_file_parameter_is_an_input_too(tmp_path: Path) -> None:
    from analysis.pipeline import runner

    p = _sheet_project(tmp_path, {})
    (run,) = runner.validated_runs(p, package="pkg")
    assert run.file_inputs == {"sheet": "data/raw/sheets/a.txt"}  # panel "" names no file


def test_a_file_parameter_naming_a_missing_file_is_an_error(tmp_path: Path) -> None:
    from analysis.pipeline import runner

    p = _sheet_project(tmp_path, {"sheet": "sheets/typo.txt"})
    with pytest.raises(ParameterError) as info:
        runner.validated_runs(p, package="pkg")
    assert info.value.column == "runs[0].parameters.sheet"
    assert "names no existing file: data/raw/sheets/typo.txt" in str(info.value)
    assert "nennt keine vorhandene Datei: data/raw/sheets/typo.txt" in info.value.text("de")
    run = Run("s", "notebooks/s.ipynb", file_inputs={"sheet": "data/raw/gone.txt"}, entry=4)
    with pytest.raises(ManifestError) as err:  # deleted after the manifest was validated
        resolve_inputs(run, p, "pipeline.yaml")
    assert err.value.column == "runs[4].parameters.sheet" and "data/raw/gone.txt" in str(err.value)


def test_package_digest_covers_data_files_but_not_caches(tmp_path: Path) -> None:
    from analysis.pipeline.cache import package_digest

    (tmp_path / "mod.py").write_text("x = 1")
    base = package_digest(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / ".mod.py.swp").write_bytes(b"\0")
    assert package_digest(tmp_path) == base
    (tmp_path / "labels.json").write_text("{}")
    assert package_digest(tmp_path) != base


def test_an_optional_input_may_match_nothing_and_counts_once_it_does(tmp_path: Path) -> None:
    p = _tree(tmp_path)
    run = Run("r", "notebooks/ok.ipynb", optional_inputs=("data/raw/saved/*.yaml",))
    assert resolve_inputs(run, p, "pipeline.yaml") == []
    fp = fingerprint(run, p, "pipeline.yaml", package="pkg")
    record = {"status": "ok", "fingerprint": fp.as_dict()}
    (tmp_path / "data/raw/saved").mkdir()
    (tmp_path / "data/raw/saved/a.yaml").write_text("x")
    again = fingerprint(run, p, "pipeline.yaml", package="pkg")
    assert stale_reasons(again, record, True) == ["input added: data/raw/saved/a.yaml"]
