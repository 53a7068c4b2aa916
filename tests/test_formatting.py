"""German (default) and English number, money, percent and date formats."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import formatting as f

NBSP = "\xa0"


def test_german_defaults() -> None:
    assert f.fmt_currency(1234.56) == f"1.234,56{NBSP}€"
    assert f.fmt_number(-1234567.891) == "-1.234.567,89"
    assert f.fmt_number(0.5, 0) == "0" or f.fmt_number(0.5, 0) == "1"
    assert f.fmt_int(1400) == "1.400"
    assert f.fmt_percent(0.125) == f"12,5{NBSP}%"
    assert f.fmt_ratio(3.214) == f"3,21{NBSP}:{NBSP}1"
    assert f.fmt_date(dt.date(2026, 11, 25)) == "25.11.2026"
    assert f.fmt_datetime("2026-11-25T14:03:00") == "25.11.2026, 14:03"
    assert f.fmt_currency(100000, decimals=0) == f"100.000{NBSP}€"


def test_english_available() -> None:
    assert f.fmt_currency(1234.56, lang="en") == "€1,234.56"
    assert f.fmt_number(1234.5, 1, lang="en") == "1,234.5"
    assert f.fmt_percent(0.125, lang="en") == "12.5%"
    assert f.fmt_date("2026-11-25", lang="en") == "25 Nov 2026"


@pytest.mark.parametrize("missing", [None, math.nan, float("nan")])
def test_missing_values_show_a_dash(missing: object) -> None:
    assert f.fmt_number(missing) == f.MISSING
    assert f.fmt_currency(missing) == f.MISSING


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        f.fmt_number(1, lang="fr")


def test_format_frame_localises_named_columns() -> None:
    df = pd.DataFrame({"name": ["a"], "eur": [1234.5], "share": [0.25], "n": [1500]})
    out = f.format_frame(df, {"eur": "currency", "share": "percent:0", "n": "int"})
    assert out.iloc[0].tolist() == ["a", f"1.234,50{NBSP}€", f"25{NBSP}%", "1.500"]
    with pytest.raises(ValueError):
        f.format_frame(df, {"eur": "money"})


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_german_number_parses_back_to_rounded_value(x: float) -> None:
    text = f.fmt_number(x, 2)
    parsed = float(text.replace(".", "").replace(",", "."))
    assert parsed == pytest.approx(round(x, 2), abs=0.0101)  # Babel: half-even


def test_report_table_hides_index_and_shows_missing_as_dash() -> None:
    df = pd.DataFrame({"name": ["a", None], "eur": [1234.5, float("nan")]})
    html = f.report_table(df, {"eur": "currency"}).to_html()
    assert f"1.234,50{NBSP}€" in html and f.MISSING in html
    assert "None" not in html and "nan" not in html.lower().replace("nanoseconds", "")


def test_fmt_p_never_prints_zero() -> None:
    assert f.fmt_p(0.0004, lang="de") == "< 0,001"
    assert f.fmt_p(0.0004, lang="en") == "< 0.001"
    assert f.fmt_p(0.0123, lang="de") == "0,012"
    assert f.fmt_p(0.001, lang="de") == "0,001"
    assert f.fmt_p(float("nan"), lang="de") == f.MISSING


def test_format_frame_currency_with_decimals() -> None:
    df = pd.DataFrame({"a": [1234.6, -20.0]})
    out = f.format_frame(
        df,
        {
            "a": "currency:0",
        },
        "de",
    )
    assert out["a"].tolist() == ["1.235\u00a0€", "-20\u00a0€"]


def test_fmt_text_gives_the_report_language_or_says_which_language() -> None:
    from analysis.validation import local_text

    both = local_text({"de": "Realer Zins", "en": "Real rate"}, "en")
    fmt_text = f.fmt_text
    assert str(both) == "Real rate"
    assert fmt_text(both, "de") == "Realer Zins" and fmt_text(both, "en") == "Real rate"
    only = local_text("Real cost of capital", "en")
    assert fmt_text(only, "de") == "Real cost of capital (nur auf Englisch)"
    assert fmt_text(only, "en") == "Real cost of capital"
    german = local_text("Annahme", "de")
    assert fmt_text(german, "en") == "Annahme (German only)"
    assert fmt_text("plain", "de") == "plain" and fmt_text(None, "de") == ""
