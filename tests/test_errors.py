"""Input errors name file, row, column and rule."""

from __future__ import annotations

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
