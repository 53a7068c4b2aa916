"""Export-safe spreadsheets: no cell of an exported workbook can run as a formula.

Spreadsheet programs (Excel, LibreOffice Calc, Google Sheets) evaluate a text cell
that starts with ``=``, ``+``, ``-`` or ``@`` — and, after import, tab or carriage
return — as a formula ("CSV/formula injection", OWASP: *CSV Injection*; OWASP ASVS 5.0
requirement 1.2.10, which also lists the NUL character). Following that guidance,
:func:`neutralise` prefixes such text with a single quote, which spreadsheet programs
read as "this is text". Numbers stay numbers: only strings are touched, so a negative
value written as a number is unaffected. Any module that writes XLSX for people to
open should go through :func:`write_xlsx` (or :func:`cell_value` per cell), and CSV
through :func:`write_csv`. Text that already starts with quotes followed by a trigger
gets one more quote, so :func:`restore` — what the package's own importers apply to
text they read back — undoes the prefix exactly and a round trip is lossless.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
"""Leading characters that make a spreadsheet treat text as a formula (OWASP, ASVS 1.2.10)."""

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters XML 1.0 (and so XLSX) cannot store; replaced by U+FFFD."""

_SHEET_NAME = re.compile(r"^[^\[\]:*?/\\]{1,31}$")


_QUOTED_TRIGGER = re.compile("'+[" + re.escape("".join(FORMULA_TRIGGERS)) + "]")
"""Text that :func:`neutralise` prefixed: quotes, then a formula trigger."""


def neutralise(value: Any) -> Any:
    """``value`` made safe for a spreadsheet cell: text starting with a formula
    trigger (or with quotes and then a trigger) gets a leading ``'``; everything else
    is returned unchanged."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_TRIGGERS) or _QUOTED_TRIGGER.match(value)
    ):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """Undo :func:`neutralise` on a value read back from a file the package wrote:
    ``restore(neutralise(x)) == x`` for every ``x``."""
    if isinstance(value, str) and _QUOTED_TRIGGER.match(value):
        return value[1:]
    return value


def cell_value(value: Any) -> Any:
    """``value`` as it may go into an XLSX cell: neutralised, and control characters
    XML cannot store replaced by U+FFFD."""
    return _cell_text(value)


def _cell_text(value: Any) -> Any:
    value = neutralise(value)
    if isinstance(value, str):
        return _ILLEGAL_XML.sub("\ufffd", value)
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell, column name and index label neutralised."""
    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].astype(object).map(_cell_text)
    out.columns = [_cell_text(str(c)) for c in out.columns]
    out.index = pd.Index([_cell_text(v) for v in out.index], name=out.index.name)
    return out


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame], path: str | Path, *, index: bool = False
) -> Path:
    """Write ``sheets`` (sheet name → table) to an XLSX file, every cell neutralised.

    Text cells are written as text (never as formulas); sheet names must follow
    Excel's rules (1–31 characters, none of ``[]:*?/\\``).
    """
    from openpyxl import Workbook
    from openpyxl.utils.dataframe import dataframe_to_rows

    if not sheets:
        raise ValueError("write_xlsx needs at least one sheet")
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        if not _SHEET_NAME.match(name):
            raise ValueError(f"sheet name {name!r} breaks Excel's rules (1–31 chars, no []:*?/\\)")
        ws = wb.create_sheet(title=name)
        safe = neutralise_frame(frame)
        table = safe.reset_index() if index else safe
        for r, row in enumerate(dataframe_to_rows(table, index=False, header=True), start=1):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c)
                if value is None or (isinstance(value, float) and pd.isna(value)):
                    continue
                if value is pd.NA:
                    continue
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # text, never a formula
        ws.freeze_panes = "A2"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv(frame: pd.DataFrame, path: str | Path, **to_csv: Any) -> Path:
    """Write ``frame`` to a CSV file with every text cell, header and index label
    neutralised (numbers stay numbers); ``to_csv`` goes to :meth:`DataFrame.to_csv`.

    Lines end in CRLF (RFC 4180), which also makes the writer quote a text holding a
    lone carriage return instead of breaking the row there.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    to_csv.setdefault("index", False)
    to_csv.setdefault("lineterminator", "\r\n")
    neutralise_frame(frame).to_csv(path, **to_csv)
    return path
