"""Formula-injection neutralisation (OWASP CSV Injection; ASVS 5.0 1.2.10) and XLSX export."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.spreadsheets import FORMULA_TRIGGERS, neutralise, neutralise_frame, write_xlsx


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 2461", "'+49 2461"),
        ("-5", "'-5"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Jülich", "Jülich"),
        ("", ""),
        (" =1", " =1"),
        ("'=1", "''=1"),  # one more quote, so restore() undoes it exactly
        ("'a", "'a"),
        (-5, -5),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@given(st.text(max_size=30))
def test_neutralised_text_never_starts_with_a_trigger(text):
    safe = neutralise(text)
    assert not safe.startswith(FORMULA_TRIGGERS)
    assert safe == text or (safe == "'" + text and text.lstrip("'").startswith(FORMULA_TRIGGERS))


def test_neutralise_frame_keeps_numbers_and_the_original():
    frame = pd.DataFrame({"name": ["=evil()", "ok"], "value": [-1.5, 2.0]}, index=["-a", "b"])
    safe = neutralise_frame(frame)
    assert safe["name"].tolist() == ["'=evil()", "ok"]
    assert safe["value"].tolist() == [-1.5, 2.0]
    assert safe.index.tolist() == ["'-a", "b"]
    assert frame.loc["-a", "name"] == "=evil()"  # the input is not changed


def test_write_xlsx_never_writes_a_formula(tmp_path):
    frame = pd.DataFrame(
        {
            "=header": ["=1+1", "@x", "plain", None],
            "n": [1.0, -2.0, np.nan, 4.0],
            "k": pd.array([1, None, 3, 4], dtype="Int64"),
            "ctl": ["a\x01b", "x", "y", "z"],
        }
    )
    path = write_xlsx({"Tabelle": frame}, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(path)["Tabelle"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == ["'=header", "n", "k", "ctl"]
    assert values[1] == ["'=1+1", 1, 1, "a\ufffdb"]
    assert values[2] == ["'@x", -2, None, "x"]
    assert values[3][1] is None
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_write_xlsx_refuses_bad_sheet_names(tmp_path):
    with pytest.raises(ValueError, match="sheet name"):
        write_xlsx({"a/b": pd.DataFrame({"x": [1]})}, tmp_path / "x.xlsx")
    with pytest.raises(ValueError, match="at least one sheet"):
        write_xlsx({}, tmp_path / "x.xlsx")
