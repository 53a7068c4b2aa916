"""Run manifest: grid expansion, naming, and a clear error for every malformed entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.errors import EXIT_INPUT, ManifestError
from analysis.pipeline.manifest import load_manifest, select
from tests.conftest import OK_NOTEBOOK, write_project


def _project(tmp_path: Path, runs: list[dict]) -> object:
    return write_project(tmp_path, {"ok.ipynb": OK_NOTEBOOK}, runs)


def test_grid_expands_to_cartesian_product_named_from_parameters(tmp_path: Path) -> None:
    p = _project(
        tmp_path,
        [
            {
                "name": "r_{x}_{label}",
                "notebook": "notebooks/ok.ipynb",
                "parameters": {"factor": 3.0},
                "grid": {"x": [1, 2, 3], "label": ["a", "b"]},
                "inputs": ["data/{label}.csv"],
            }
        ],
    )
    runs = load_manifest(p)
    assert [r.name for r in runs] == ["r_1_a", "r_1_b", "r_2_a", "r_2_b", "r_3_a", "r_3_b"]
    assert runs[3].parameters == {"factor": 3.0, "x": 2, "label": "b"}
    assert runs[3].inputs == ("data/b.csv",)


def test_plain_entry_is_one_run(tmp_path: Path) -> None:
    p = _project(tmp_path, [{"name": "single", "notebook": "notebooks/ok.ipynb"}])
    (run,) = load_manifest(p)
    assert run.name == "single" and run.parameters == {} and run.inputs == ()


@pytest.mark.parametrize(
    ("runs", "key", "rule"),
    [
        (
            [{"name": "a", "notebook": "notebooks/missing.ipynb"}],
            "runs[0].notebook",
            "unknown notebook",
        ),
        (
            [{"name": "a", "notebook": "notebooks/ok.ipynb"}] * 2,
            "runs[1].name",
            "duplicate run name 'a'",
        ),
        (
            [{"name": "a", "notebook": "notebooks/ok.ipynb", "grid": {"x": []}}],
            "runs[0].grid.x",
            "at least 1 item",
        ),
        (
            [{"name": "a", "notebook": "notebooks/ok.ipynb", "grid": {"x": 3}}],
            "runs[0].grid.x",
            "valid list",
        ),
        (
            [{"name": "a", "notebook": "notebooks/ok.ipynb", "grid": {"x": [1, 2]}}],
            "runs[0].name",
            "placeholder {x}",
        ),
        (
            [{"name": "a_{x}", "notebook": "notebooks/ok.ipynb", "grid": {"x": ["../up"]}}],
            "runs[0].name",
            "run name must match",
        ),
        (
            [{"name": "a", "notebook": "notebooks/ok.ipynb", "paramters": {"x": 1}}],
            "runs[0].paramters",
            "Extra inputs are not permitted",
        ),
        (
            [{"name": "a", "notebook": "notebooks/ok.ipynb", "inputs": ["../secret.csv"]}],
            "runs[0].inputs[0]",
            "relative to the project root",
        ),
        (
            [
                {
                    "name": "a_{x}",
                    "notebook": "notebooks/ok.ipynb",
                    "parameters": {"x": 1},
                    "grid": {"x": [2]},
                }
            ],
            "runs[0].grid.x",
            "both in 'parameters' and in 'grid'",
        ),
        ([], "runs", "at least 1 item"),
    ],
)
def test_malformed_manifest_names_file_and_key(
    tmp_path: Path, runs: list[dict], key: str, rule: str
) -> None:
    p = _project(tmp_path, runs)
    with pytest.raises(ManifestError) as info:
        load_manifest(p)
    err = info.value
    assert err.exit_code == EXIT_INPUT
    assert err.file == "pipeline.yaml"
    assert err.column == key
    assert rule in str(err)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    p = _project(tmp_path, [{"name": "a", "notebook": "notebooks/ok.ipynb"}])
    p.run_manifest.write_text("runs:\n  - name: a\n    notebook: [unclosed\n")
    with pytest.raises(ManifestError) as info:
        load_manifest(p)
    assert "not valid YAML" in str(info.value) and info.value.row is not None


def test_select_by_exact_name_and_glob(tmp_path: Path) -> None:
    p = _project(
        tmp_path,
        [
            {"name": "sroi_{x}", "notebook": "notebooks/ok.ipynb", "grid": {"x": [1, 2]}},
            {"name": "overview", "notebook": "notebooks/ok.ipynb"},
        ],
    )
    runs = load_manifest(p)
    assert [r.name for r in select(runs, ["sroi_*"])] == ["sroi_1", "sroi_2"]
    assert [r.name for r in select(runs, ["overview"])] == ["overview"]
    assert len(select(runs, None)) == 3
    with pytest.raises(ManifestError, match="matches no run"):
        select(runs, ["nope"])
