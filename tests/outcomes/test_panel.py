"""Tests of analysis.outcomes.panel: the example loads; a bad panel names file, row, column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import paths
from analysis.errors import InputError
from analysis.outcomes.panel import load_panel, load_units

HEADER = "unit,period,first_treated,treated,vacancy\n"
GOOD_ROWS = [
    "a,2020,,0,5.0",
    "a,2021,,0,5.5",
    "b,2020,2021,0,6.0",
    "b,2021,2021,1,4.0",
]
UNITS = "unit,name,kind\na,Area A,quarter\nb,Area B,estate\n"


def _write(
    tmp_path: Path, rows: list[str], header: str = HEADER, units: str | None = UNITS
) -> Path:
    path = tmp_path / "panel.csv"
    path.write_text("# SYNTHETIC test panel\n" + header + "\n".join(rows) + "\n", encoding="utf-8")
    if units is not None:
        (tmp_path / "panel_units.csv").write_text(units, encoding="utf-8")
    return path


def test_example_panel_loads() -> None:
    p = load_panel(paths.RAW / "outcomes" / "example_panel.csv")
    assert p.synthetic
    assert p.measures == ("vacancy_rate", "tenant_turnover", "share_65plus")
    assert p.data["unit"].nunique() == 150 and len(p.data) == 150 * 11
    assert set(p.data["first_treated"]) == {0, 2018, 2020, 2022}


def test_good_panel(tmp_path: Path) -> None:
    p = load_panel(_write(tmp_path, GOOD_ROWS))
    assert p.data["first_treated"].tolist() == [0, 0, 2021, 2021]
    assert p.data["treated"].tolist() == [0, 0, 0, 1]
    assert p.note == "SYNTHETIC test panel"


def _error(tmp_path: Path, rows: list[str], **kw) -> InputError:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        load_panel(_write(tmp_path, rows, **kw))
    err = info.value
    assert err.file is not None and err.file.endswith(".csv")
    return err


def test_duplicate_row(tmp_path: Path) -> None:
    err = _error(tmp_path, [*GOOD_ROWS, "a,2021,,0,5.6"])
    assert "duplicate row" in err.rule and err.row == 7 and err.column == "period"
    assert "line(s) 4" in err.rule
    assert "doppelte Zeile für Gebiet 'a', Periode 2021 (auch Zeile(n) 4)" in err.text("de")


def test_gap(tmp_path: Path) -> None:
    err = _error(tmp_path, [GOOD_ROWS[0], *GOOD_ROWS[2:]])
    assert "gap" in err.rule and "2021" in err.rule and err.row == 3 and err.column == "period"


def test_treatment_switches_off(tmp_path: Path) -> None:
    rows = ["a,2020,,0,5.0", "a,2021,,0,5.5", "a,2022,,0,5.5"]
    rows += ["b,2020,2020,1,6.0", "b,2021,2020,0,4.0", "b,2022,2020,1,4.0"]
    err = _error(tmp_path, rows)
    assert "switches off" in err.rule and err.row == 7 and err.column == "treated"


def test_treated_disagrees_with_first_treated(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS[:3], "b,2021,2021,0,4.0"]
    err = _error(tmp_path, rows)
    assert "disagrees" in err.rule and err.row == 6


def test_first_treated_changes(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS[:3], "b,2021,2020,1,4.0"]
    err = _error(tmp_path, rows)
    assert "first_treated changes" in err.rule and err.row == 6 and err.column == "first_treated"


def test_unknown_unit(tmp_path: Path) -> None:
    err = _error(tmp_path, [*GOOD_ROWS, "c,2020,,0,1.0", "c,2021,,0,1.0"])
    assert "unknown unit" in err.rule and err.row == 7 and err.column == "unit"
    assert len(err.problems) == 2


def test_non_numeric_outcome(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS[:2], "b,2020,2021,0,6 %", GOOD_ROWS[3]]
    err = _error(tmp_path, rows)
    assert "expected a number" in err.rule and err.row == 5 and err.column == "vacancy"
    assert err.problems[0].value == "6 %"


def test_missing_outcome(tmp_path: Path) -> None:
    err = _error(tmp_path, [*GOOD_ROWS[:3], "b,2021,2021,1,"])
    assert "missing" in err.rule and err.row == 6 and err.column == "vacancy"


def test_bad_period_and_columns(tmp_path: Path) -> None:
    err = _error(tmp_path, ["a,2020.5,,0,5.0", *GOOD_ROWS[1:]])
    assert "whole number" in err.rule and err.row == 3 and err.column == "period"
    err = _error(tmp_path, ["a,2020,5.0"], header="unit,period,vacancy\n")
    assert "first_treated" in err.rule and err.column == "first_treated"
    assert "Spalte(n) fehlen: first_treated; ein Panel braucht" in err.text("de")


def test_units_file_checked(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("unit,name,kind\na,Area A,village\na,Again,quarter\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_units(path)
    rules = [(p.row, p.column) for p in info.value.problems]
    assert (2, "kind") in rules and (3, "unit") in rules


def test_units_as_list(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_ROWS, units=None)
    assert len(load_panel(path, units=["a", "b"]).data) == 4
    with pytest.raises(InputError, match="unknown unit"):
        load_panel(path, units=["a"])


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000))
def test_row_order_does_not_matter(tmp_path: Path, seed: int) -> None:
    """A valid panel loads to the same sorted data whatever the order of its rows."""
    rows = [
        f"u{u},{t},{2021 if u % 2 else ''},{int(u % 2 and t >= 2021)},{u * t}"
        for u in range(4)
        for t in (2019, 2020, 2021, 2022)
    ]
    rng = np.random.default_rng(seed)
    shuffled = [rows[i] for i in rng.permutation(len(rows))]
    a = load_panel(_write(tmp_path, rows, units=None)).data
    b = load_panel(_write(tmp_path, shuffled, units=None)).data
    pd.testing.assert_frame_equal(a, b)


# -- German Excel, physical line numbers, duplicate headers ------------------------------


def _german(text: str) -> str:
    """A comma CSV as German Excel saves it: ';' between fields, decimal commas."""
    out = []
    for line in text.splitlines():
        cells = line.split(",") if not line.startswith("#") else [line]
        out.append(";".join(c.replace(".", ",") for c in cells))
    return "\r\n".join(out) + "\r\n"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_german_excel_panel_reads_like_the_comma_panel(tmp_path: Path, encoding: str) -> None:
    comma = load_panel(_write(tmp_path, GOOD_ROWS))
    german = tmp_path / "german.csv"
    text = "# SYNTHETIC test panel (Gebiete für Tests)\n" + HEADER + "\n".join(GOOD_ROWS)
    german.write_bytes(_german(text).encode(encoding))
    p = load_panel(german, units=["a", "b"])
    pd.testing.assert_frame_equal(p.data, comma.data, check_like=True)
    assert p.german_excel and not comma.german_excel
    assert p.dialect == {"encoding": encoding, "separator": ";", "decimal": ","}
    assert p.data.attrs["csv_dialect"] == p.dialect
    assert comma.dialect == {"encoding": "utf-8", "separator": ",", "decimal": "."}


def test_rows_after_a_blank_line_are_named_by_their_file_line(tmp_path: Path) -> None:
    # line 1 comment, 2 header, 3-4 rows, 5 blank, 6-7 rows
    rows = [GOOD_ROWS[0], GOOD_ROWS[1], "", GOOD_ROWS[2], "b,2021,2021,1,viel"]
    err = _error(tmp_path, rows)
    assert (err.row, err.column) == (7, "vacancy")


def test_duplicate_header_is_refused_naming_both_columns(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD_ROWS, header="unit,period,first_treated,vacancy,vacancy\n")
    assert (err.row, err.column) == (2, "vacancy")
    assert "columns 4 and 5" in err.rule and "vacancy.1" in err.rule


def test_missing_columns_show_the_header_as_read(tmp_path: Path) -> None:
    err = _error(tmp_path, ["a|2020||0|5.0"], header="unit|period|first_treated|treated|v\n")
    assert "missing column(s) unit, period, first_treated" in err.rule
    assert "separator ','" in err.rule and "'unit|period|first_treated|treated|v'" in err.rule
