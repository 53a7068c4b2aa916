"""Input errors name file, row, column and rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.errors import EXIT_INPUT, InputError, Problem


def test_problem_names_every_part() -> None:
    p = Problem(
        rule="must be within [0, 1]",
        file="data/raw/sroi/x.yaml",
        row=3,
        column="outcomes.deadweight",
        value=1.5,
    )
    assert str(p) == (
        "data/raw/sroi/x.yaml, row 3, column/field 'outcomes.deadweight': "
        "must be within [0, 1] (got 1.5)"
    )


def test_input_error_lists_all_problems_and_exposes_first() -> None:
    err = InputError(
        "first", file="a.csv", row=2, column="x", problems=[Problem(rule="second", file="a.csv")]
    )
    assert err.exit_code == EXIT_INPUT
    assert (err.file, err.row, err.column, err.rule) == ("a.csv", 2, "x", "first")
    assert str(err).startswith("2 problems:") and "second" in str(err)


def test_input_error_needs_a_rule() -> None:
    with pytest.raises(ValueError):
        InputError()


def test_long_values_are_shortened() -> None:
    assert len(str(Problem(rule="r", value="x" * 500))) < 120


@pytest.mark.timeout(10)
def test_huge_and_deeply_shared_values_are_never_formatted_whole() -> None:
    """An alias bomb's value (9 levels of 9 references: 9⁹ leaves) is shown by its start."""
    value: object = ["lol"] * 9
    for _ in range(8):
        value = [value] * 9
    text = str(InputError("bad", file="x.yaml", value=value))
    assert len(text) < 200 and text.endswith("…)")
    assert len(str(Problem(rule="r", value={"k" * 10_000: 1}))) < 120
    assert len(str(Problem(rule="r" * 5000))) < 1100


def test_yaml_list_entries_say_what_row_means_and_name_the_line() -> None:
    p = Problem("Field required", "c.yaml", 3, "codes.2.label_de", line=57, entry_of="codes")
    assert str(p) == (
        "c.yaml, row 3 (entry 3 of the list 'codes', line 57), "
        "column/field 'codes.2.label_de': Field required"
    )
    assert str(Problem("duplicate key", "c.yaml", 4, "a", line=4)) == (
        "c.yaml, line 4, column/field 'a': duplicate key"
    )
    assert str(Problem("r", "c.yaml", None, "x", line=9)) == "c.yaml, line 9, column/field 'x': r"
    assert InputError("r", file="c.yaml", row=2, line=2).problems[0].line == 2


def test_a_problem_names_its_file_relative_to_the_project(tmp_path: Path) -> None:
    from analysis.errors import Rule

    inside = Problem(Rule(de="fehlt", en="missing"), file=str(tmp_path / "data" / "raw" / "a.csv"))
    assert inside.relative_to(tmp_path).file == "data/raw/a.csv"
    outside = Problem("x", file="/elsewhere/b.csv")
    assert outside.relative_to(tmp_path).file == "/elsewhere/b.csv"
    assert Problem("x", file="data/raw/c.csv").relative_to(tmp_path).file == "data/raw/c.csv"
