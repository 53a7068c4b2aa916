"""Typed notebook parameters: read from the parameters cell, validated strictly."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import ParameterError
from analysis.pipeline.params import (
    ParameterSpec,
    file_inputs,
    inspect_parameters,
    parse_parameters,
    raise_if_invalid,
    validate,
)
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
    assert "my_run" in str(p.rule) and rule in str(p.rule)
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
    assert p.file == "notebooks/n.ipynb" and p.column == "x" and "type annotation" in str(p.rule)


def test_notebook_without_parameters_cell_accepts_no_parameters(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(1)")]
    nbformat.write(nb, tmp_path / "n.ipynb")
    specs = inspect_parameters(tmp_path / "n.ipynb")
    assert specs == []
    assert "unknown parameter" in str(validate("r", {"x": 1}, specs, **KW)[0].rule)


# -- reading the parameters cell -------------------------------------------------------------


def test_parse_reads_quoted_annotations_multiline_defaults_and_help() -> None:
    source = (
        "from typing import Literal  # ignored\n"
        "language: \"Literal['de', 'en']\" = \"de\"  # report language\n"
        "weights: dict[str, float] = {\n"
        '    "a": 1.0,  # inner comments are not help\n'
        "}  # weight per code\n"
        "plain = 3\n"
        "sheet: 'RawFile' = ''  # a sheet\n"
    )
    specs = parse_parameters(source)
    assert [(s.name, s.annotation, s.default, s.help) for s in specs] == [
        ("language", "Literal['de', 'en']", '"de"', "report language"),
        (
            "weights",
            "dict[str, float]",
            '{\n    "a": 1.0,  # inner comments are not help\n}',
            "weight per code",
        ),
        ("plain", "", "3", ""),
        ("sheet", "RawFile", "''", "a sheet"),
    ]
    assert specs[1].default_value == {"a": 1.0}
    assert parse_parameters("x: int = (") == []


def test_shipped_notebooks_declare_domains_files_and_choices() -> None:
    root = Path(__file__).resolve().parents[2] / "notebooks"
    by = {(nb.stem, s.name): s for nb in root.glob("*.ipynb") for s in inspect_parameters(nb)}
    assert by[("20_sroi_centre", "scenario")].domains == ["scenario"]
    assert by[("22_centre_business_case", "centre_id")].domains == ["centre"]
    assert by[("10_workshop_protocols", "protocol_id")].domains == ["protocol"]
    assert by[("90_gesamtdokumentation", "coding_sheet")].file_parameter.base == "raw"
    assert by[("10_workshop_protocols", "codebook")].file_parameter.base == "raw"
    assert by[("31_cooperation_survey", "answers_file")].file_parameter.base == "root"
    assert by[("30_cooperation_outcomes", "panel_file")].file_parameter.base == "root"
    for name in ("estimator", "dof", "control_group"):
        assert by[("30_cooperation_outcomes", name)].annotation.startswith("Literal[")
    assert by[("40_regional_targeting", "method")].annotation.startswith("Literal[")
    assert all(s.annotation == "Literal[de, en]" for (_, n), s in by.items() if n == "language")


# -- domains and element errors (issues 18.4, 18.5) ------------------------------------------

DOMAIN_SPECS = [
    ParameterSpec("language", "Literal[de, en]", '"de"'),
    ParameterSpec("mc_draws", "PositiveInt", "20000"),
    ParameterSpec("seed", "NonNegativeInt", "1"),
    ParameterSpec("share", "Fraction", "0.5"),
    ParameterSpec("estimator", "Literal['dr', 'reg', 'ipw']", '"dr"'),  # quoted: the same
    ParameterSpec("groups", "list[Literal[settlement_type, state]]", "[]"),
    ParameterSpec("types", "list[Literal[1, 2, 3, 4]]", "[]"),
    ParameterSpec("covariates", "list[str]", "[]"),
    ParameterSpec("weights", "dict[str, float]", "{}"),
    ParameterSpec("codebook", "RawFile", '"codebook.yaml"'),
]


@pytest.mark.parametrize(
    ("values", "column", "rule"),
    [
        ({"language": "fr"}, "language", "Input should be 'de' or 'en'"),
        ({"mc_draws": -1}, "mc_draws", "greater than or equal to 1"),
        ({"mc_draws": 0}, "mc_draws", "greater than or equal to 1"),
        ({"seed": -5}, "seed", "greater than or equal to 0"),
        ({"share": 1.5}, "share", "less than or equal to 1"),
        ({"estimator": "ols"}, "estimator", "Input should be 'dr', 'reg' or 'ipw'"),
        ({"groups": ["state", "land"]}, "groups[1]", "element groups[1] must fit the type"),
        ({"types": [3, "4"]}, "types[1]", "Input should be 1, 2, 3 or 4"),
        (
            {"covariates": [65]},
            "covariates[0]",
            "element covariates[0] must fit the type list[str]",
        ),
        ({"covariates": ["a", ["b"]]}, "covariates[1]", "valid string"),
        ({"weights": {"a": "x"}}, "weights['a']", "element weights['a']"),
        ({"codebook": ["codebook.yaml"]}, "codebook", "must be of type RawFile"),
    ],
)
def test_values_outside_their_domain_name_run_parameter_element_and_rule(
    values: dict, column: str, rule: str
) -> None:
    (p,) = validate("my_run", values, DOMAIN_SPECS, **KW)
    assert p.column == f"runs[0].parameters.{column}"
    assert "run 'my_run'" in str(p.rule) and rule in str(p.rule), p.rule
    str(p)  # a list value prints


def test_a_value_outside_its_domain_reads_in_german() -> None:
    (p,) = validate("my_run", {"mc_draws": -1}, DOMAIN_SPECS, **KW)
    assert "Lauf 'my_run': muss vom Typ PositiveInt sein (muss mindestens 1 sein)" in p.text("de")
    (p,) = validate("my_run", {"codebook": "../x.yaml"}, DOMAIN_SPECS, **KW)
    assert "muss innerhalb des Projekts bleiben" in p.text("de")


def test_values_inside_their_domain_pass() -> None:
    good = {
        "language": "en",
        "mc_draws": 1,
        "seed": 0,
        "share": 1,
        "estimator": "ipw",
        "groups": ["state"],
        "types": [1, 4],
        "covariates": ["share_65plus"],
        "weights": {"a": 2},
        "codebook": "sub/codebook.yaml",
    }
    assert validate("r", good, DOMAIN_SPECS, **KW) == []


@settings(max_examples=50, deadline=None)
@given(
    texts=st.lists(st.text(min_size=1, max_size=5), max_size=6),
    bad=st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.none()),
    data=st.data(),
)
def test_a_wrong_element_is_named_by_its_index(texts: list[str], bad: object, data: object) -> None:
    """Invariant: one non-text element anywhere in a list[str] is reported at its index."""
    i = data.draw(st.integers(0, len(texts)))  # type: ignore[attr-defined]
    value = [*texts[:i], bad, *texts[i:]]
    specs = [ParameterSpec("covariates", "list[str]", "[]")]
    (p,) = validate("r", {"covariates": value}, specs, **KW)
    assert p.column == f"runs[0].parameters.covariates[{i}]"
    assert f"element covariates[{i}]" in str(p.rule)


def test_file_inputs_resolve_from_the_folder_the_notebook_uses() -> None:
    specs = [
        ParameterSpec("codebook", "RawFile", '"codebook.yaml"'),
        ParameterSpec("sheet", "RawFile", '""'),
        ParameterSpec("panel", "ProjectFile", '"data/raw/outcomes/p.csv"'),
        ParameterSpec("more", "list[RawFile]", "[]"),
        ParameterSpec("label", "str", '"x"'),
    ]
    assert file_inputs({}, specs) == {
        "codebook": "data/raw/codebook.yaml",
        "panel": "data/raw/outcomes/p.csv",
    }
    got = file_inputs({"sheet": "k/s.xlsx", "more": ["a.csv", ""], "codebook": ""}, specs)
    assert got == {
        "sheet": "data/raw/k/s.xlsx",
        "panel": "data/raw/outcomes/p.csv",
        "more[0]": "data/raw/a.csv",
    }


def test_bare_choices_are_texts_and_papermill_reads_every_annotation() -> None:
    """`Literal[de, en]` means `Literal['de', 'en']`; papermill's reader (which allows no
    quotes inside an annotation) sees the parameter with its annotation."""
    from typing import Literal

    from papermill.translators import PythonTranslator

    assert ParameterSpec("l", "Literal[de, en]", '"de"').type == Literal["de", "en"]
    assert ParameterSpec("l", "Literal[z]", '"z"').type == Literal["z"]
    assert ParameterSpec("t", "list[Literal[1, x]]", "[]").type == list[Literal[1, "x"]]
    root = Path(__file__).resolve().parents[2] / "notebooks"
    for nb in sorted(root.glob("*.ipynb")):
        cell = next(
            c
            for c in nbformat.read(nb, as_version=4).cells
            if "parameters" in c.metadata.get("tags", [])
        )
        seen = {(p.name, p.inferred_type_name) for p in PythonTranslator.inspect(cell)}
        ours = {(s.name, s.annotation) for s in inspect_parameters(nb)}
        assert seen == ours, nb.name
