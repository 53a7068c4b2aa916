"""Key figures: recorded as display outputs, extracted, serialised canonically."""

from __future__ import annotations

import json
import math
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import results


@pytest.fixture(autouse=True)
def _clear() -> None:
    results.clear()


def test_record_converts_numpy_and_returns_nothing() -> None:
    # Nothing returned: as a cell's last line, a value would be printed into the report.
    assert results.record("ratio", np.float64(3.25)) is None
    results.record("n", np.int64(7))
    results.record("v", np.array([1, 2]))
    assert results.recorded() == {"ratio": 3.25, "n": 7, "v": [1, 2]}
    assert type(results.recorded()["n"]) is int


@pytest.mark.parametrize("bad", [math.nan, math.inf, [1.0, math.nan]])
def test_record_refuses_non_finite(bad: object) -> None:
    with pytest.raises(ValueError, match="finite"):
        results.record("x", bad)


@pytest.mark.parametrize("name", ["", "1abc", "a b", "../x", "ä"])
def test_record_refuses_unsafe_names(name: str) -> None:
    with pytest.raises(ValueError, match="must match"):
        results.record(name, 1)


def test_record_refuses_objects() -> None:
    with pytest.raises(TypeError):
        results.record("x", object())


def _nb_with(*entries: dict) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={results.MIME_TYPE: e}) for e in entries
    ] + [nbformat.v4.new_output("stream", name="stdout", text="noise")]
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), cell]
    return nb


def test_extract_reads_values_in_order_last_wins() -> None:
    nb = _nb_with(
        {"name": "a", "value": 1},
        {"name": "b", "value": 2.5, "unit": "EUR"},
        {"name": "a", "value": 3},
    )
    got = results.extract(nb)
    assert list(got["values"]) == ["b", "a"]
    assert got["values"] == {"b": 2.5, "a": 3} and got["units"] == {"b": "EUR"}


def test_dumps_is_canonical_json() -> None:
    text = results.dumps("run1", {"values": {"ratio": 3.2, "label": "Jülich"}, "units": {}})
    assert text.endswith("\n") and "Jülich" in text
    assert json.loads(text) == {
        "run": "run1",
        "results": {"ratio": 3.2, "label": "Jülich"},
        "units": {},
    }


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_values_round_trip_exactly(x: float) -> None:
    text = results.dumps("r", {"values": {"x": x}})
    assert json.loads(text)["results"]["x"] == x


def test_artifact_path_uses_run_folder_and_refuses_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(results.ARTIFACT_DIR_ENV, str(tmp_path / "run"))
    assert results.artifact_path("doku.docx") == tmp_path / "run" / "doku.docx"
    for bad in ("../x.docx", "a/b.docx", ".hidden", ""):
        with pytest.raises(ValueError):
            results.artifact_path(bad)
