"""Typed notebook parameters: read from the parameters cell, validated strictly."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from analysis.errors import ParameterError
from analysis.pipeline.params import ParameterSpec, inspect_parameters, raise_if_invalid, validate
from tests.conftest import REQUIRED_NOTEBOOK, make_notebook

KW = {"manifest_file": "pipeline.yaml", "entry": 0, "notebook": "notebooks/n.ipynb"}


@pytest.fixture
def specs(tmp_path: Path) -> list[ParameterSpec]:
    nbformat.write(REQUIRED_NOTEBOOK, tmp_path / "n.ipynb")
    return inspect_parameters(tmp_path / "n.ipynb", tmp_path / ".cache")


def test_inspect_reads_names_types_defaults_and_help(specs: list[ParameterSpec]) -> None:
    assert [(s.name, s.annotation, s.default, s.help) for s in specs] == [
        ("centre_id", "str", "None", "required"),
        ("years", "list[int]", "[1, 2]", "years"),
    ]
    assert specs[0].required and not specs[1].required


def test_inspect_is_cached_by_content(tmp_path: Path, specs: list[ParameterSpec]) -> None:
    cached = list((tmp_path / ".cache" / "params").glob("*.json"))
    assert len(cached) == 1
    assert inspect_parameters(tmp_path / "n.ipynb", tmp_path / ".cache") == specs


def test_valid_values_pass(specs: list[ParameterSpec]) -> None:
    assert validate("r", {"centre_id": "barmen", "years": [2024]}, specs, **KW) == []


@pytest.mark.parametrize(
    ("values", "column", "rule"),
    [
        ({"centre_id": "x", "colour": 1}, "runs[0].parameters.colour", "unknown parameter"),
        ({"centre_id": 5}, "runs[0].parameters.centre_id", "must be of type str"),
        ({"centre_id": "x", "years": ["2024"]}, "runs[0].parameters.years[0]", "list[int]"),
        ({}, "runs[0].parameters.centre_id", "required parameter is missing"),
    ],
)
def test_bad_values_name_run_parameter_and_rule(
    specs: list[ParameterSpec], values: dict, column: str, rule: str
) -> None:
    problems = validate("my_run", values, specs, **KW)
    assert len(problems) == 1
    (p,) = problems
    assert p.file == "pipeline.yaml" and p.column == column
    assert "my_run" in p.rule and rule in p.rule
    with pytest.raises(ParameterError):
        raise_if_invalid(problems)


def test_int_is_accepted_for_float_but_bool_is_not_an_int() -> None:
    specs = [ParameterSpec("rate", "float", "0.03"), ParameterSpec("n", "int", "1")]
    assert validate("r", {"rate": 1}, specs, **KW) == []
    assert validate("r", {"n": True}, specs, **KW) != []


def test_optional_none_default_is_not_required() -> None:
    specs = [
        ParameterSpec("state", "str | None", "None"),
        ParameterSpec("o", "Optional[int]", "None"),
    ]
    assert not specs[0].required and not specs[1].required
    assert validate("r", {}, specs, **KW) == []


def test_missing_annotation_is_a_notebook_problem(tmp_path: Path) -> None:
    nbformat.write(make_notebook("x = 1"), tmp_path / "n.ipynb")
    specs = inspect_parameters(tmp_path / "n.ipynb")
    (p,) = validate("r", {"x": 2}, specs, **KW)
    assert p.file == "notebooks/n.ipynb" and p.column == "x" and "type annotation" in p.rule


def test_notebook_without_parameters_cell_accepts_no_parameters(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(1)")]
    nbformat.write(nb, tmp_path / "n.ipynb")
    specs = inspect_parameters(tmp_path / "n.ipynb")
    assert specs == []
    assert "unknown parameter" in validate("r", {"x": 1}, specs, **KW)[0].rule
