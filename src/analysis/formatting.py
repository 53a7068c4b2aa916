"""Numbers, money, percentages and dates for German (default) and English reports.

Uses Babel's CLDR locale data rather than hand-rolled rules: German reports show
``1.234,56 €``, ``12,5 %`` and ``25.11.2026``; English reports ``€1,234.56``,
``12.5%`` and ``25 Nov 2026``. Babel writes a no-break space between number and
unit, which keeps "1.234,56 €" on one line in HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Mapping
from typing import Any

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from analysis.i18n import DEFAULT_LANGUAGE, check_language

LOCALES = {"de": "de_DE", "en": "en_GB"}
MISSING = "–"
"""Shown for missing values (NaN, None): an en dash, as in German statistical tables."""


def _locale(lang: str) -> str:
    return LOCALES[check_language(lang)]


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def fmt_number(x: Any, decimals: int = 2, lang: str = DEFAULT_LANGUAGE) -> str:
    """Format a number with grouping and a fixed number of decimals (``1.234,56``)."""
    if _missing(x):
        return MISSING
    return babel_numbers.format_decimal(
        float(x), format=_pattern(decimals), locale=_locale(lang), decimal_quantization=True
    )


def fmt_int(x: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """Format a whole number with grouping (``1.400``)."""
    return fmt_number(x, 0, lang)


def fmt_p(p: Any, decimals: int = 3, lang: str = DEFAULT_LANGUAGE) -> str:
    """Format a p value with ``decimals`` places, and one below that as ``< 0,001``
    (APA Publication Manual, 7th ed., §6.36: no p written as 0)."""
    if _missing(p):
        return MISSING
    floor = 10.0**-decimals
    if float(p) < floor:
        return "< " + fmt_number(floor, decimals, lang)
    return fmt_number(p, decimals, lang)


def fmt_currency(
    x: Any, currency: str = "EUR", decimals: int = 2, lang: str = DEFAULT_LANGUAGE
) -> str:
    """Format an amount of money (``1.234,56 €`` in German, ``€1,234.56`` in English)."""
    if _missing(x):
        return MISSING
    fmt = None
    if decimals != 2:
        fmt = (
            _pattern(decimals) + "\xa0¤"
            if check_language(lang) == "de"
            else "¤" + _pattern(decimals)
        )
    return babel_numbers.format_currency(
        float(x), currency, format=fmt, locale=_locale(lang), currency_digits=fmt is None
    )


_COMPACT = {
    "de": ((1e9, "Mrd."), (1e6, "Mio."), (1e3, "Tsd.")),
    "en": ((1e9, "bn"), (1e6, "m"), (1e3, "k")),
}


def compact_scale(magnitude: float, lang: str = DEFAULT_LANGUAGE) -> tuple[float, str]:
    """The unit for amounts up to ``magnitude``: ``(1e6, "Mio.")``; ``(1, "")`` below 10,000
    (a figure with ``2.500 €`` reads better than ``2,5 Tsd. €``)."""
    for size, word in _COMPACT[check_language(lang)]:
        if abs(magnitude) >= max(size, 1e4):
            return size, word
    return 1.0, ""


def fmt_currency_compact(
    x: Any,
    lang: str = DEFAULT_LANGUAGE,
    *,
    scale: tuple[float, str] | None = None,
    decimals: int | None = None,
) -> str:
    """A euro amount, short, for axis ticks: ``100 Tsd. €``, ``1,2 Mio. €`` in German,
    ``€100k``, ``€1.2m`` in English (Duden abbreviations Tsd., Mio., Mrd.). ``scale``
    fixes the unit (one unit for every tick of an axis); by default it follows ``x``."""
    if _missing(x):
        return MISSING
    x = float(x)
    lg = check_language(lang)
    size, word = scale or compact_scale(x, lg)
    v = x / size
    if decimals is None:
        decimals = 0 if abs(v) >= 100 or float(round(v, 1)).is_integer() else 1
    if round(v, decimals) == 0:
        word = ""
    num = fmt_number(abs(v), decimals if word else 0, lg)
    sign = "−" if round(v, decimals) < 0 else ""
    if lg == "de":
        return f"{sign}{num}\xa0{word}\xa0€" if word else f"{sign}{num}\xa0€"
    return f"{sign}€{num}{word}"


def fmt_percent(x: Any, decimals: int = 1, lang: str = DEFAULT_LANGUAGE) -> str:
    """Format a fraction as a percentage: 0.125 → ``12,5 %`` (German) or ``12.5%``."""
    if _missing(x):
        return MISSING
    pattern = (
        _pattern(decimals) + "\xa0%" if check_language(lang) == "de" else _pattern(decimals) + "%"
    )
    return babel_numbers.format_percent(
        float(x), format=pattern, locale=_locale(lang), decimal_quantization=True
    )


def fmt_ratio(x: Any, decimals: int = 2, lang: str = DEFAULT_LANGUAGE) -> str:
    """Format an SROI-style ratio as ``3,21 : 1``."""
    if _missing(x):
        return MISSING
    return f"{fmt_number(x, decimals, lang)}\xa0:\xa01"


def fmt_date(d: dt.date | dt.datetime | str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Format a date: ``25.11.2026`` (German) or ``25 Nov 2026`` (English)."""
    if isinstance(d, str):
        d = dt.datetime.fromisoformat(d)
    fmt = "dd.MM.yyyy" if check_language(lang) == "de" else "d MMM yyyy"
    return babel_dates.format_date(d, format=fmt, locale=_locale(lang))


def fmt_datetime(d: dt.datetime | str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Format a timestamp: ``25.11.2026, 14:03`` or ``25 Nov 2026, 14:03``."""
    if isinstance(d, str):
        d = dt.datetime.fromisoformat(d)
    fmt = "dd.MM.yyyy, HH:mm" if check_language(lang) == "de" else "d MMM yyyy, HH:mm"
    return babel_dates.format_datetime(d, format=fmt, locale=_locale(lang))


def format_frame(df: Any, formats: Mapping[str, str], lang: str = DEFAULT_LANGUAGE) -> Any:
    """Return a copy of ``df`` with the named columns rendered as localised strings.

    ``formats`` maps a column to one of ``number``, ``int``, ``currency``,
    ``percent``, ``ratio`` or ``number:<decimals>`` / ``currency:<decimals>`` /
    ``percent:<decimals>``. Columns not named are left as they are.
    """
    out = df.copy()
    for column, spec in formats.items():
        kind, _, digits = spec.partition(":")
        fn = {
            "number": fmt_number,
            "currency": fmt_currency,
            "percent": fmt_percent,
            "ratio": fmt_ratio,
        }.get(kind)
        if kind == "int":
            out[column] = [fmt_int(v, lang) for v in out[column]]
        elif fn is None:
            raise ValueError(f"unknown format {spec!r} for column {column!r}")
        elif digits:
            out[column] = [fn(v, decimals=int(digits), lang=lang) for v in out[column]]
        else:
            out[column] = [fn(v, lang=lang) for v in out[column]]
    return out


def report_table(
    df: Any, formats: Mapping[str, str] | None = None, lang: str = DEFAULT_LANGUAGE
) -> Any:
    """A DataFrame ready to show in a report: localised columns, no index, missing as ``–``.

    Returns a pandas ``Styler`` (renders as an HTML table in notebooks and reports).
    Cells and headers are HTML-escaped: a Styler, unlike ``DataFrame.to_html``, would
    otherwise pass free text such as ``<script>`` into the report as markup.
    """
    shown = format_frame(df, formats or {}, lang) if formats else df.copy()
    shown = shown.astype(object).where(shown.notna(), MISSING)
    return (
        shown.style.hide(axis="index")
        .format(escape="html")
        .format_index(escape="html", axis=1)
        .set_table_styles([{"selector": "th, td", "props": [("text-align", "left")]}])
    )


LANGUAGE_NAMES = {
    "de": {"de": "Deutsch", "en": "Englisch"},
    "en": {"de": "German", "en": "English"},
}
"""Names of the report languages, in each report language."""


def fmt_text(text: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """Free text from a data file in the report language ``lang``.

    A :class:`~analysis.validation.LocalText` with a version in ``lang`` gives that
    version; one without says which language it is in, ``Real cost … (nur auf
    Englisch)``, so a German report never passes an English note off as its own words.
    A plain string is returned as it is.
    """
    if text is None:
        return ""
    if not hasattr(text, "in_language"):
        from analysis.validation import translated

        text = translated(str(text)) or text  # read in both languages, then in a table
    in_language = getattr(text, "in_language", None)
    if in_language is None:
        return str(text)
    found = in_language(check_language(lang))
    if found is not None:
        return found
    name = LANGUAGE_NAMES[lang][text.language]
    only = f"nur auf {name}" if lang == "de" else f"{name} only"
    return f"{text} ({only})"


_MD_MARKUP = re.compile(r"([\\`*_\[\]#|~])")
_MD_BULLET = re.compile(r"^(\s*)([-+])", re.MULTILINE)
_MD_NUMBERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)
_URL = re.compile(r"https?://[^\s<>\"'`]+")
_URL_TAIL = ".,;:!?*_)]"


def md_text(text: Any) -> str:
    """Free text (protocols, centre files, coding sheets) safe to put into Markdown.

    HTML special characters are escaped (``<script>`` and ``&amp;`` show as written,
    never as markup) and Markdown markup characters are backslash-escaped, so the text
    reads exactly as in its source. Web addresses become links, without trailing
    punctuation (``(https://example.org)`` links to ``https://example.org``).
    """
    text = str(text)
    out, pos = [], 0
    for m in _URL.finditer(text):
        url = m.group()
        while url and url[-1] in _URL_TAIL and not (url[-1] == ")" and "(" in url):
            url = url[:-1]
        out.append(_md_plain(text[pos : m.start()]))
        out.append(f"<{url}>" if url.split("://", 1)[1] else _md_plain(url))
        pos = m.start() + len(url)
    out.append(_md_plain(text[pos:]))
    return "".join(out)


def _md_plain(text: str) -> str:
    text = _MD_MARKUP.sub(r"\\\1", html.escape(text, quote=False))
    return _MD_NUMBERED.sub(r"\1\\\2", _MD_BULLET.sub(r"\1\\\2", text))
