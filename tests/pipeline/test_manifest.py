"""Run manifest: grid expansion, naming, and a clear error for every malformed entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import EXIT_INPUT, ManifestError
from analysis.pipeline.manifest import (
    RESERVED_NAMES,
    load_manifest,
    reserved_name_rule,
    select,
)
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
    assert "kein gültiges YAML" in info.value.text("de")


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


# -- grids over files (issue 14.1) -----------------------------------------------------------


def _files(root: Path, *names: str) -> None:
    for rel in names:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel, encoding="utf-8")


def _files_run(grid: dict, name: str = "w_{pid}", **extra: object) -> dict:
    return {"name": name, "notebook": "notebooks/ok.ipynb", "grid": grid, **extra}


def test_files_grid_takes_the_stem_of_every_file_in_sorted_order(tmp_path: Path) -> None:
    p = _project(tmp_path, [_files_run({"pid": {"files": "data/raw/protocols/*"}})])
    _files(
        tmp_path,
        "data/raw/protocols/b_two.docx",
        "data/raw/protocols/a_one.txt",
        "data/raw/protocols/c-three.md",
        "data/raw/protocols/README.md",
        "data/raw/protocols/.hidden.txt",
        "data/raw/protocols/~$b_two.docx",
        "data/raw/protocols/sub/d.txt",
    )
    globs: list[str] = []
    runs = load_manifest(p, globs=globs)
    assert [r.name for r in runs] == ["w_a_one", "w_b_two", "w_c-three"]
    assert [r.parameters["pid"] for r in runs] == ["a_one", "b_two", "c-three"]
    assert globs == ["data/raw/protocols/*"]


def test_files_grid_value_is_what_the_star_matched(tmp_path: Path) -> None:
    """With an extension after the `*` it is part of the match; a dependent pattern may
    use an earlier grid key and match nothing for some of its values."""
    grid = {
        "centre": {"files": "data/raw/sroi/*.yaml"},
        "scenario": {"files": "data/raw/sroi/scenarios/{centre}__*.yaml"},
    }
    p = _project(tmp_path, [_files_run(grid, name="s_{centre}_{scenario}")])
    _files(
        tmp_path,
        "data/raw/sroi/barmen.yaml",
        "data/raw/sroi/village.yaml",
        "data/raw/sroi/notes.txt",
        "data/raw/sroi/scenarios/barmen__low.yaml",
        "data/raw/sroi/scenarios/barmen__high.yaml",
        "data/raw/sroi/scenarios/other__x.yaml",
    )
    runs = load_manifest(p)
    assert [r.name for r in runs] == ["s_barmen_high", "s_barmen_low"]
    assert runs[0].parameters == {"centre": "barmen", "scenario": "high"}


def test_files_grid_without_extension_in_the_pattern_strips_it(tmp_path: Path) -> None:
    p = _project(tmp_path, [_files_run({"pid": {"files": "data/raw/c/x__*"}})])
    _files(tmp_path, "data/raw/c/x__low.yaml", "data/raw/c/y__no.yaml")
    assert [r.parameters["pid"] for r in load_manifest(p)] == ["low"]


def test_files_grid_mixes_with_lists_as_a_product(tmp_path: Path) -> None:
    grid = {"pid": {"files": "data/raw/p/*"}, "label": ["a", "b"]}
    p = _project(tmp_path, [_files_run(grid, name="w_{pid}_{label}")])
    _files(tmp_path, "data/raw/p/one.txt", "data/raw/p/two.txt")
    assert [r.name for r in load_manifest(p)] == ["w_one_a", "w_one_b", "w_two_a", "w_two_b"]


@pytest.mark.parametrize(
    ("grid", "files", "key", "rule"),
    [
        (
            {"pid": {"files": "data/raw/p/*"}},
            [],
            "runs[0].grid.pid.files",
            "files pattern matches no file",
        ),
        (
            {"pid": {"files": "data/raw/p/*"}},
            ["data/raw/p/x.txt", "data/raw/p/x.docx"],
            "runs[0].grid.pid.files",
            "files data/raw/p/x.docx and data/raw/p/x.txt give the same grid value 'x'",
        ),
        (
            {"pid": {"files": "data/raw/p/*"}},
            ["data/raw/p/mein protokoll.txt"],
            "runs[0].grid.pid.files",
            "file data/raw/p/mein protokoll.txt gives the grid value 'mein protokoll'",
        ),
        (
            {"pid": {"files": "data/raw/p/a*b*"}},
            ["data/raw/p/ab.txt"],
            "runs[0].grid.pid.files",
            "exactly one '*'",
        ),
        (
            {"pid": {"files": "data/raw/*/x*"}},
            ["data/raw/p/x1.txt"],
            "runs[0].grid.pid.files",
            "exactly one '*'",
        ),
        (
            {"pid": {"files": "../outside/*"}},
            [],
            "runs[0].grid.pid.files",
            "relative to the project root",
        ),
        (
            {"pid": {"files": "data/raw/{later}/*"}, "later": ["a"]},
            ["data/raw/a/x.txt"],
            "runs[0].grid.pid.files",
            "placeholder {later} of a files pattern must be an earlier grid key",
        ),
        (
            {"pid": {"file": "data/raw/p/*"}},
            [],
            "runs[0].grid.pid.files",
            "Field required",
        ),
        (
            {"pid": {"files": 3}},
            [],
            "runs[0].grid.pid.files",
            "valid string",
        ),
    ],
)
def test_bad_files_grid_names_file_and_key(
    tmp_path: Path, grid: dict, files: list[str], key: str, rule: str
) -> None:
    name = "w_" + "_".join(f"{{{k}}}" for k in grid)
    p = _project(tmp_path, [_files_run(grid, name=name)])
    _files(tmp_path, *files)
    with pytest.raises(ManifestError) as info:
        load_manifest(p)
    assert info.value.exit_code == EXIT_INPUT
    assert info.value.file == "pipeline.yaml"
    assert info.value.column == key, str(info.value)
    assert rule in str(info.value)


_ID = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)


@settings(max_examples=40, deadline=None)
@given(
    stems=st.sets(_ID, min_size=1, max_size=8),
    suffixes=st.lists(st.sampled_from([".txt", ".md", ".docx", ""]), min_size=8, max_size=8),
)
def test_files_grid_gives_one_run_per_file_sorted_and_unique(
    tmp_path_factory: pytest.TempPathFactory, stems: set[str], suffixes: list[str]
) -> None:
    """Invariant: for files with distinct stems, the runs are exactly the sorted stems."""
    root = tmp_path_factory.mktemp("files_grid")
    p = _project(root, [_files_run({"pid": {"files": "data/raw/p/*"}})])
    _files(root, *(f"data/raw/p/{s}{x}" for s, x in zip(sorted(stems), suffixes, strict=False)))
    runs = load_manifest(p)
    assert [r.parameters["pid"] for r in runs] == sorted(stems)
    assert len({r.name for r in runs}) == len(stems)


# -- reserved run names (issue 18.12) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("index", "run name 'index' is reserved"),
        ("failed", "run name 'failed' is reserved"),
        ("manifest", "run name 'manifest' is reserved"),
        ("Index", "run name 'Index' is reserved"),
        ("artifacts", "is reserved"),
        ("README", "is reserved"),
        ("report.html", "ends in '.html'"),
        ("a.results.json", "ends in '.results.json'"),
        ("a.ipynb", "ends in '.ipynb'"),
    ],
)
def test_reserved_run_names_are_refused(tmp_path: Path, name: str, rule: str) -> None:
    p = _project(tmp_path, [{"name": name, "notebook": "notebooks/ok.ipynb"}])
    with pytest.raises(ManifestError) as info:
        load_manifest(p)
    assert info.value.exit_code == EXIT_INPUT
    assert info.value.column == "runs[0].name" and rule in str(info.value)


def test_a_grid_value_cannot_make_a_reserved_name(tmp_path: Path) -> None:
    p = _project(
        tmp_path,
        [{"name": "{x}", "notebook": "notebooks/ok.ipynb", "grid": {"x": ["a", "failed"]}}],
    )
    with pytest.raises(ManifestError, match="run name 'failed' is reserved"):
        load_manifest(p)


def test_names_differing_only_in_case_collide(tmp_path: Path) -> None:
    p = _project(
        tmp_path,
        [
            {"name": "Report", "notebook": "notebooks/ok.ipynb"},
            {"name": "report", "notebook": "notebooks/ok.ipynb"},
        ],
    )
    with pytest.raises(ManifestError, match="duplicate run name 'report'") as info:
        load_manifest(p)
    assert "doppelter Laufname 'report'" in info.value.text("de")


def test_a_manifest_error_reads_in_german(tmp_path: Path) -> None:
    p = _project(tmp_path, [{"name": "a", "notebook": "notebooks/nope.ipynb"}])
    with pytest.raises(ManifestError) as info:
        load_manifest(p)
    assert "unbekanntes Notebook: die Datei gibt es nicht" in info.value.text("de")
    p = _project(tmp_path, [{"name": "a", "notebook": "notebooks/ok.ipynb", "grid": {"x": 3}}])
    with pytest.raises(ManifestError) as info:
        load_manifest(p)
    assert "runs[0].grid.x" in info.value.text("de") and "erwartet eine Liste" in info.value.text(
        "de"
    )


@settings(max_examples=100, deadline=None)
@given(
    reserved=st.sampled_from(sorted(RESERVED_NAMES)),
    upper=st.lists(st.booleans(), min_size=9, max_size=9),
    other=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,20}", fullmatch=True),
    suffix=st.sampled_from([".html", ".ipynb", ".results.json", ".json"]),
)
def test_reserved_names_in_any_case_are_refused_and_plain_ids_are_not(
    reserved: str, upper: list[bool], other: str, suffix: str
) -> None:
    """Invariant: a reserved name in any case, or any name ending in an output suffix,
    is refused; a plain id (no dot) is refused only when it is a reserved name."""
    cased = "".join(c.upper() if u else c for c, u in zip(reserved, upper, strict=False))
    assert reserved_name_rule(cased) is not None
    assert reserved_name_rule(other + suffix) is not None
    assert (reserved_name_rule(other) is None) == (other.lower() not in RESERVED_NAMES)


def test_optional_inputs_are_kept_apart_and_checked_like_paths(tmp_path: Path) -> None:
    entry = {
        "name": "r_{x}",
        "notebook": "notebooks/ok.ipynb",
        "grid": {"x": ["a"]},
        "inputs": ["data/{x}.csv", {"optional": "data/extra/{x}__*.yaml"}],
    }
    (run,) = load_manifest(_project(tmp_path, [entry]))
    assert run.inputs == ("data/a.csv",)
    assert run.optional_inputs == ("data/extra/a__*.yaml",)
    for bad, key, rule in [
        ({"optional": "../x"}, "runs[0].inputs[1]", "relative to the project root"),
        ({"optional": 3}, "runs[0].inputs[1].optional", "valid string"),
        ({"maybe": "x"}, "runs[0].inputs[1].optional", "Field required"),
        (3, "runs[0].inputs[1]", "valid string"),
    ]:
        p = _project(tmp_path, [{**entry, "inputs": ["data/{x}.csv", bad]}])
        with pytest.raises(ManifestError) as info:
            load_manifest(p)
        assert info.value.column == key and rule in str(info.value), str(info.value)
