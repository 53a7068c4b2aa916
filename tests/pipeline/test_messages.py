"""The command line's message catalogue: every message in German and English."""

from __future__ import annotations

import errno
import string

import pytest

from analysis.pipeline.messages import MESSAGES, msg, os_hint, stale_reason


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_both_languages_with_the_same_fields(key: str) -> None:
    assert set(MESSAGES[key]) == {"de", "en"}
    assert _fields(MESSAGES[key]["de"]) == _fields(MESSAGES[key]["en"])


def test_german_by_default_english_on_request() -> None:
    assert msg("up_to_date") == "aktuell"
    assert msg("up_to_date", "en") == "up to date"
    assert msg("status_summary", "en", stale=1, total=3) == "1 of 3 runs stale."


def test_os_hints_say_what_failed() -> None:
    assert os_hint(errno.EACCES, "read", "en") == " (no permission to read it)"
    assert os_hint(errno.EACCES, "write", "en") == " (no permission to write there)"
    assert os_hint(errno.EACCES, "remove", "en") == " (no permission to remove it)"
    assert os_hint(errno.ENOSPC, "write", "de") == " (der Datenträger ist voll)"
    assert os_hint(errno.ENOENT, "read", "en") == ""
    assert os_hint(None, "read") == ""


def test_stale_reasons_are_translated_and_keep_their_files() -> None:
    assert stale_reason("never run") == "noch nie gelaufen"
    assert stale_reason("input changed: data/raw/a.csv, data/raw/b.csv") == (
        "Eingabe geändert: data/raw/a.csv, data/raw/b.csv"
    )
    assert stale_reason("input changed: data/raw/a.csv", "en") == "input changed: data/raw/a.csv"
    assert stale_reason("--force") == "--force"  # unknown: as it is


def test_every_stale_reason_of_the_cache_has_a_translation() -> None:
    """The reasons cache.stale_reasons can give, found in its source."""
    import inspect
    import re

    from analysis.pipeline import cache

    source = inspect.getsource(cache.stale_reasons)
    found = set(re.findall(r'"([a-z][a-z /]+?)(?:: )?"', source))
    reasons = {r for r in found if " " in r}
    assert reasons, "no reasons found in cache.stale_reasons"
    assert not [r for r in reasons if stale_reason(r, "de") == r], reasons


@pytest.mark.parametrize(
    ("english", "german"),
    [
        (
            "argument --jobs/-j: invalid int value: 'x'",
            "Argument --jobs/-j: ungültiger Wert 'x' (erwartet: int)",
        ),
        (
            "argument COMMAND: invalid choice: 'runn' (choose from 'run', 'status')",
            "Argument COMMAND: ungültige Wahl 'runn' (möglich: 'run', 'status')",
        ),
        ("unrecognized arguments: --bogus", "unbekannte Argumente: --bogus"),
        ("the following arguments are required: COMMAND", "es fehlen die Argumente: COMMAND"),
        (
            "argument --only: expected at least one argument",
            "Argument --only: erwartet mindestens einen Wert",
        ),
        ("something argparse may say one day", "something argparse may say one day"),
    ],
)
def test_usage_errors_are_german_by_default(english: str, german: str) -> None:
    from analysis.pipeline.messages import usage_error

    assert usage_error(english) == german
    assert usage_error(english, "en") == english
