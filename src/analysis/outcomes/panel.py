"""Outcome panels: load and check a long unit × period CSV (data/raw/outcomes/).

Layout (see the panel section of :mod:`analysis.schemas`): ``unit, period,
first_treated[, treated], <numeric outcomes and covariates>``; ``first_treated`` empty
means never treated. Lines starting with ``#`` before the header are comments.
A file saved by German Excel (``;`` separator, decimal commas, Windows-1252 or a BOM) is
read as such and says so (:attr:`Panel.dialect`, ``data.attrs["csv_dialect"]``).
The estimators need a balanced panel with an absorbing treatment, so the loader
refuses, naming file, line (the physical line an editor shows: comment and blank lines
count), column and rule: a column named twice in the header, missing key columns,
unknown units (not in the units file), non-integer periods, duplicate unit-period rows,
gaps (a unit without a row for a period of the panel),
first-treated periods that change within a unit, a ``treated`` indicator that switches
off or disagrees with ``first_treated``, and non-numeric or missing values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from analysis.errors import InputError, Problem, Rule, shorten
from analysis.outcomes.schema import (
    PANEL_KEY_COLUMNS,
    PANEL_TREATED_COLUMN,
    PANEL_UNITS_COLUMNS,
    PanelUnitSchema,
)
from analysis.readers import CsvTable, read_csv_table
from analysis.validation import problems_from_pydantic

MAX_PROBLEMS = 25


@dataclass(frozen=True)
class Panel:
    """A checked panel: ``data`` sorted by unit and period, ``first_treated`` 0 = never.

    ``measures``: the numeric columns besides the keys; ``note``: the file's comment
    lines (e.g. "SYNTHETIC ..."); ``synthetic``: whether the note says so.
    ``units_path``/``units_dialect``: the units file the units were checked against and
    how it was read (``None`` when the units were given as ids or not checked).
    """

    data: pd.DataFrame
    measures: tuple[str, ...]
    note: str
    path: Path | None = None
    dialect: dict[str, str] | None = None
    units_path: Path | None = None
    units_dialect: dict[str, str] | None = None

    @property
    def german_excel(self) -> bool:
        """True if the file was saved in German Excel's dialect (``;``, decimal commas);
        how it was read is in ``dialect`` (``encoding``, ``separator``, ``decimal``)."""
        return bool(self.dialect) and self.dialect.get("separator") == ";"

    @property
    def synthetic(self) -> bool:
        return "synthetic" in self.note.lower() or "synthetisch" in self.note.lower()


def _read(path: Path, expected: tuple[str, ...]) -> CsvTable:
    """The file as text cells with each row's physical line (see
    :func:`analysis.readers.read_csv_table`: comma or German Excel dialect, UTF-8 with or
    without BOM or Windows-1252, duplicate headers refused)."""
    return read_csv_table(path, expected=expected)


def load_units(path: str | Path) -> pd.DataFrame:
    """Read a units file (``unit,name,kind``), one row per known unit."""
    path = Path(path)
    table = _read(path, PANEL_UNITS_COLUMNS)
    raw, lines = table.frame, table.lines
    missing = [c for c in PANEL_UNITS_COLUMNS if c not in raw.columns]
    if missing:
        named, hint = ", ".join(missing), _dialect_hint(table)
        raise InputError(
            Rule(
                de=f"Spalte(n) fehlen: {named}{hint.de}",
                en=f"missing column(s) {named}{hint.en}",
            ),
            file=path,
            row=table.header_line,
            column=missing[0],
        )
    problems = []
    for i, rec in enumerate(raw.to_dict("records")):
        try:
            PanelUnitSchema.model_validate(rec)
        except ValidationError as err:
            for p in problems_from_pydantic(err, path):
                problems.append(Problem(p.rule, str(path), int(lines[i]), p.column, p.value))
    dup = raw["unit"].duplicated(keep="first")
    for i in np.flatnonzero(dup.to_numpy()):
        problems.append(
            Problem(
                Rule(de="Gebiet doppelt aufgeführt", en="unit listed twice"),
                str(path),
                int(lines[i]),
                "unit",
                raw["unit"][i],
            )
        )
    if problems:
        raise InputError(problems=problems[:MAX_PROBLEMS])
    return raw


def default_units_path(panel_path: str | Path) -> Path:
    """The units file next to a panel: ``<stem>_units.csv``."""
    p = Path(panel_path)
    return p.with_name(f"{p.stem}_units.csv")


def load_panel(
    path: str | Path,
    units: Iterable[str] | str | Path | None = None,
) -> Panel:
    """Load and check the panel at ``path``.

    ``units``: the known units, as an iterable of ids or a units file; default the
    file :func:`default_units_path` when it exists (otherwise every unit is accepted).
    Checks in three rounds, each reported in full before the next: cell values, then
    rows against each other (duplicates, first_treated within a unit), then the panel
    (gaps, the treated column).
    """
    path = Path(path)
    table = _read(path, PANEL_KEY_COLUMNS)
    raw, lines, comments = table.frame, table.lines, table.comments
    _check_layout(table, path)
    unit = raw["unit"].str.strip()
    known, units_path, units_dialect = _known_units(path, units)
    problems = _unit_problems(unit, known, path, lines)
    period, found = _whole_numbers(raw, "period", path, lines, allow_empty=False)
    problems += found
    first, found = _whole_numbers(raw, "first_treated", path, lines, allow_empty=True)
    problems += found
    measures = tuple(c for c in raw.columns if c not in (*PANEL_KEY_COLUMNS, PANEL_TREATED_COLUMN))
    values, found = _measure_values(raw, measures, path, lines)
    _raise_if_any(problems + found)

    df = pd.DataFrame({"unit": unit, "period": period, "first_treated": first, **values})
    df["_line"] = lines
    _raise_if_any(_duplicate_problems(df, path) + _first_treated_problems(df, path))

    problems = _gap_problems(df, path)
    treated = None
    if PANEL_TREATED_COLUMN in raw.columns:
        treated, found = _treated_column(raw, df, path, lines)
        problems += found
    _raise_if_any(problems)
    df[PANEL_TREATED_COLUMN] = treated if treated is not None else _treatment_from_first(df)
    df = df.drop(columns="_line").sort_values(["unit", "period"], ignore_index=True)
    df.attrs["csv_dialect"] = dict(table.dialect)
    return Panel(
        data=df,
        measures=measures,
        note="\n".join(comments),
        path=path,
        dialect=table.dialect,
        units_path=units_path,
        units_dialect=units_dialect,
    )


def _raise_if_any(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems=problems[:MAX_PROBLEMS])


def _check_layout(table: CsvTable, path: Path) -> None:
    """Refuse a panel without its key columns or without data rows."""
    raw = table.frame
    missing = [c for c in PANEL_KEY_COLUMNS if c not in raw.columns]
    if missing:
        named, keys, hint = ", ".join(missing), ", ".join(PANEL_KEY_COLUMNS), _dialect_hint(table)
        raise InputError(
            Rule(
                de=f"Spalte(n) fehlen: {named}; ein Panel braucht die Spalten {keys}{hint.de}",
                en=f"missing column(s) {named}; a panel needs {keys}{hint.en}",
            ),
            file=path,
            row=table.header_line,
            column=missing[0],
        )
    if raw.empty:
        raise InputError(
            Rule(de="das Panel hat keine Datenzeilen", en="panel has no data rows"),
            file=path,
            row=table.header_line + 1,
        )


def _dialect_hint(table: CsvTable) -> Rule:
    """Why expected columns may look missing: the header as read, and its separator."""
    found = ", ".join(repr(shorten(str(c), 40)) for c in list(table.frame.columns)[:6])
    sep = table.dialect.get("separator", ",")
    return Rule(
        de=f" (die mit dem Trennzeichen '{sep}' gelesene Kopfzeile hat die Spalte(n) {found})",
        en=f" (the header read with separator '{sep}' has column(s) {found})",
    )


def _known_units(
    path: Path, units: Iterable[str] | str | Path | None
) -> tuple[set[str] | None, Path | None, dict[str, str] | None]:
    """The known unit ids: given, read from a units file, or from the default units file;
    with the units file read and its dialect (``None``, ``None`` when no file was read)."""
    if units is None and default_units_path(path).exists():
        units = default_units_path(path)
    if isinstance(units, str | Path):
        table = load_units(units)
        return set(table["unit"]), Path(units), dict(table.attrs.get("csv_dialect", {}))
    return (set(units) if units is not None else None), None, None


def _unit_problems(
    unit: pd.Series, known: set[str] | None, path: Path, lines: np.ndarray
) -> list[Problem]:
    """Units not in the units file, then empty units."""
    problems = []
    if known is not None:
        for i in np.flatnonzero(~unit.isin(known).to_numpy()):
            problems.append(
                Problem(
                    Rule(
                        de="unbekanntes Gebiet (nicht in der Gebietsdatei)",
                        en="unknown unit (not in the units file)",
                    ),
                    str(path),
                    int(lines[i]),
                    "unit",
                    unit.iloc[i],
                )
            )
    for i in np.flatnonzero((unit == "").to_numpy()):
        problems.append(
            Problem(
                Rule(de="Gebiet ist leer", en="unit is empty"), str(path), int(lines[i]), "unit"
            )
        )
    return problems


def _whole_numbers(
    raw: pd.DataFrame, column: str, path: Path, lines: np.ndarray, *, allow_empty: bool
) -> tuple[pd.Series, list[Problem]]:
    """A column of years as integers (empty = 0 where allowed), and its problems."""
    text = raw[column].str.strip()
    num = pd.to_numeric(text, errors="coerce")
    empty = text == ""
    bad = (num.isna() & ~empty) | (num.notna() & (num != np.round(num)))
    bad = bad | (num.notna() & ~num.between(-9999, 9999))  # inf, 1e30: not a year
    if not allow_empty:
        bad = bad | empty
    missing = Rule(de="Wert fehlt", en="value is missing")
    not_a_year = Rule(de="erwartet eine ganze Zahl (Jahr)", en="expected a whole number (year)")
    problems = [
        Problem(
            missing if empty.iloc[i] else not_a_year,
            str(path),
            int(lines[i]),
            column,
            raw[column].iloc[i],
        )
        for i in np.flatnonzero(bad.to_numpy())
    ]
    return num.fillna(0).where(~bad, 0).astype(np.int64), problems


def _measure_values(
    raw: pd.DataFrame, measures: tuple[str, ...], path: Path, lines: np.ndarray
) -> tuple[dict[str, pd.Series], list[Problem]]:
    """The outcome and covariate columns as floats, and every missing or non-finite cell."""
    values, problems = {}, []
    for c in measures:
        text = raw[c].str.strip()
        num = pd.to_numeric(text, errors="coerce")
        for i in np.flatnonzero(~np.isfinite(num.to_numpy(dtype=float))):
            if text.iloc[i] == "":
                rule = Rule(
                    de="Wert fehlt (die Schätzverfahren brauchen ein balanciertes Panel)",
                    en="value is missing (the estimators need a balanced panel)",
                )
            elif pd.notna(num.iloc[i]) or text.iloc[i].lower() in ("nan", "-nan", "+nan"):
                rule = Rule(
                    de="erwartet eine endliche Zahl (nicht NaN, inf oder jenseits von ±1.8e308)",
                    en="expected a finite number (not NaN, inf or beyond ±1.8e308)",
                )
            else:
                rule = Rule(
                    de="erwartet eine Zahl (mit Dezimalpunkt, ohne Maßeinheit)",
                    en="expected a number (decimal point, no units)",
                )
            problems.append(Problem(rule, str(path), int(lines[i]), c, raw[c].iloc[i]))
        values[c] = num.astype(float)
    return values, problems


def _duplicate_problems(df: pd.DataFrame, path: Path) -> list[Problem]:
    """Unit-period pairs with more than one row, reported at their last line."""
    problems = []
    dup = df.duplicated(["unit", "period"], keep=False)
    if dup.any():
        for (u, t), grp in df[dup].groupby(["unit", "period"], sort=True):
            also = ", ".join(str(x) for x in grp["_line"].iloc[:-1])
            problems.append(
                Problem(
                    Rule(
                        de=f"doppelte Zeile für Gebiet {u!r}, Periode {t} (auch Zeile(n) {also})",
                        en=f"duplicate row for unit {u!r}, period {t} (also line(s) {also})",
                    ),
                    str(path),
                    int(grp["_line"].iloc[-1]),
                    "period",
                    int(t),
                )
            )
    return problems


def _first_treated_problems(df: pd.DataFrame, path: Path) -> list[Problem]:
    """Units whose first_treated changes between rows, at the first row that differs."""
    problems = []
    varying = df.groupby("unit")["first_treated"].transform("nunique") > 1
    if varying.any():
        for u, grp in df[varying].groupby("unit", sort=True):
            changed = grp["first_treated"].ne(grp["first_treated"].iloc[0])
            at = grp[changed].iloc[0]
            problems.append(
                Problem(
                    Rule(
                        de=f"first_treated ändert sich innerhalb von Gebiet {u!r}; der Wert muss "
                        "in jeder Zeile gleich sein",
                        en=f"first_treated changes within unit {u!r}; it must be the same in "
                        "every row",
                    ),
                    str(path),
                    int(at["_line"]),
                    "first_treated",
                    int(at["first_treated"]),
                )
            )
    return problems


def _gap_problems(df: pd.DataFrame, path: Path) -> list[Problem]:
    """Units without a row for some period of the panel (the panel must be balanced)."""
    problems = []
    all_periods = np.sort(df["period"].unique())
    counts = df.groupby("unit")["period"].nunique()
    for u in counts.index[counts < len(all_periods)]:
        have = set(df.loc[df["unit"] == u, "period"])
        gap = [int(t) for t in all_periods if t not in have]
        line = int(df.loc[df["unit"] == u, "_line"].iloc[0])
        periods = ", ".join(map(str, gap[:10]))
        problems.append(
            Problem(
                Rule(
                    de=f"Lücke: Gebiet {u!r} hat keine Zeile für Periode(n) {periods}; "
                    "das Panel muss balanciert sein",
                    en=f"gap: unit {u!r} has no row for period(s) {periods}; "
                    "the panel must be balanced",
                ),
                str(path),
                line,
                "period",
            )
        )
    return problems


def _treatment_from_first(df: pd.DataFrame) -> pd.Series:
    """The 0/1 treatment indicator implied by first_treated (absorbing from then on)."""
    return ((df["first_treated"] > 0) & (df["period"] >= df["first_treated"])).astype(int)


def _treated_column(
    raw: pd.DataFrame, df: pd.DataFrame, path: Path, lines: np.ndarray
) -> tuple[np.ndarray | None, list[Problem]]:
    """The file's ``treated`` column (None if a value is not 0 or 1) and its problems:
    values other than 0/1, a treatment that switches off, disagreement with first_treated."""
    d = raw[PANEL_TREATED_COLUMN].str.strip()
    bad = ~d.isin(["0", "1"])
    not_binary = Rule(de="treated muss 0 oder 1 sein", en="treated must be 0 or 1")
    problems = [
        Problem(not_binary, str(path), int(lines[i]), PANEL_TREATED_COLUMN, d.iloc[i])
        for i in np.flatnonzero(bad.to_numpy())
    ]
    if bad.any():
        return None, problems
    treated = d.astype(int).to_numpy()
    checked = df.assign(**{PANEL_TREATED_COLUMN: treated})
    ordered = checked.sort_values(["unit", "period"])
    prev = ordered.groupby("unit")[PANEL_TREATED_COLUMN].shift(1)
    off = (prev == 1) & (ordered[PANEL_TREATED_COLUMN] == 0)
    for _, row in ordered[off].iterrows():
        problems.append(
            Problem(
                Rule(
                    de=f"treated fällt für Gebiet {row['unit']!r} in Periode {row['period']} "
                    "auf 0 zurück; ein einmal behandeltes Gebiet bleibt behandelt (absorbierend)",
                    en=f"treatment switches off for unit {row['unit']!r} in period "
                    f"{row['period']}; once treated a unit stays treated (absorbing)",
                ),
                str(path),
                int(row["_line"]),
                PANEL_TREATED_COLUMN,
                0,
            )
        )
    expected = _treatment_from_first(checked)
    clash = (expected != checked[PANEL_TREATED_COLUMN]) & ~checked.index.isin(ordered[off].index)
    for i in np.flatnonzero(clash.to_numpy())[:MAX_PROBLEMS]:
        problems.append(
            Problem(
                Rule(
                    de="treated widerspricht first_treated (treated = 1 genau ab first_treated)",
                    en="treated disagrees with first_treated "
                    "(treated = 1 exactly from first_treated on)",
                ),
                str(path),
                int(checked["_line"].iloc[i]),
                PANEL_TREATED_COLUMN,
                int(checked[PANEL_TREATED_COLUMN].iloc[i]),
            )
        )
    return treated, problems
