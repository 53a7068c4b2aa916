"""Thematic coding of protocol statements: codebook, suggestions, coder sheets, agreement.

The codebook (``data/raw/codebook.yaml``, schema in :mod:`analysis.schemas`) lists the
themes. Its keyword and regex rules *suggest* codes per statement; human coders decide
in an XLSX coding sheet (one column per coder, drop-down list of codes), which is
imported back and validated. Agreement between coders is reported as Cohen's κ
(Cohen 1960, via statsmodels) for each pair of coders and Krippendorff's α (nominal,
Krippendorff 2011, via the ``krippendorff`` package) over all coders, both with
missing codings left out as their definitions prescribe; with more than two coders κ is
Fleiss' κ (Fleiss 1971, via statsmodels) over the units all of them coded.
:func:`reliability` gives κ and α per workshop and for the series with bootstrap intervals
(:func:`kappa_interval`, :func:`fleiss_kappa_interval`: units; :func:`alpha_interval`:
Hayes & Krippendorff 2007) and the coverage of partly coded
sheets; :func:`read_coding_sheets` reads the series' workbook or a set of per-workshop
sheets (:func:`coding_sheet_files`: a file, folder or glob). Frequencies per question and
workshop and a co-occurrence matrix summarise the coding (their heatmap is drawn by
:func:`analysis.protocols.documentation.heatmap`).

Codings are a long DataFrame with one row per statement and code:
``statement_id, protocol_id, question, code``.
"""

from __future__ import annotations

import itertools
import math
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from analysis.errors import InputError, Problem, Rule, shorten
from analysis.i18n import DEFAULT_LANGUAGE, check_language
from analysis.protocols.parse import fold, statement_id
from analysis.protocols.schema import CODING_SHEET_FIXED_COLUMNS, CodebookSchema
from analysis.readers import read_yaml, yaml_line
from analysis.validation import problems_from_pydantic

ENDINGS = ("ens", "ns", "en", "em", "es", "e", "n", "s")
"""Inflection endings a plain keyword may carry (longest first). ``-er`` is left out on
purpose: it often forms a new noun (Miete → Mieter), not an inflected form."""


def keyword_pattern(keyword: str) -> str:
    """The regex for a codebook keyword on folded text (see the codebook's header).

    ``Wort`` → whole word with an optional inflection ending from :data:`ENDINGS`
    (the keyword's own ending is dropped first if at least four letters remain);
    ``wort*`` → any word starting with ``wort``; ``*wort`` → ``wort`` anywhere inside
    a word (compounds). Several words form a phrase separated by any white space,
    each word inflected (the ``*`` applies to the phrase's last word).
    """
    infix = keyword.startswith("*")
    prefix = keyword.endswith("*")
    words = fold(keyword.strip("*").strip()).split()
    parts = [re.escape(w) for w in words]
    if not prefix and not infix:
        parts = [_inflected(w) for w in words]
    elif len(words) > 1:
        parts = [_inflected(w) for w in words[:-1]] + [re.escape(words[-1])]
    body = r"\s+".join(parts)
    start = r"\w*" if infix else r"\b"
    end = r"\w*" if (infix or prefix) else r"\b"
    return f"{start}{body}{end}"


def _inflected(word: str) -> str:
    """Regex for ``word`` with its own ending dropped and any ending of ENDINGS allowed."""
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            word = word[: -len(ending)]
            break
    return re.escape(word) + "(?:" + "|".join(ENDINGS) + ")?"


@dataclass(frozen=True)
class Code:
    """One code of the codebook with its compiled suggestion rules."""

    code: str
    label_de: str
    label_en: str
    description: str
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()

    def label(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.label_de if check_language(lang) == "de" else self.label_en

    @property
    def rules(self) -> tuple[Any, ...]:
        """Compiled rules (``re``/RE2 pattern objects with ``search``), keywords first."""
        return _compile(self.keywords, self.patterns)

    def matches(self, text: str) -> list[str]:
        """The rules (keyword or pattern as written) that fire on ``text``."""
        folded = fold(text)
        written = [*self.keywords, *self.patterns]
        return [w for w, rx in zip(written, self.rules, strict=True) if rx.search(folded)]


_cache: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[Any, ...]] = {}


def _compile(keywords: tuple[str, ...], patterns: tuple[str, ...]) -> tuple[Any, ...]:
    key = (keywords, patterns)
    if key not in _cache:
        _cache[key] = tuple(re.compile(keyword_pattern(k)) for k in keywords) + tuple(
            compile_pattern(p) for p in patterns
        )
    return _cache[key]


# --------------------------------------------------------------------------------------
# User-supplied patterns: linear-time matching
# --------------------------------------------------------------------------------------
# A codebook pattern is user input. Python's backtracking ``re`` can take exponential
# time on patterns such as ``(\w+\s?)+$`` (catastrophic backtracking), so patterns run
# on RE2 (google-re2), which matches in time linear in the text (Cox 2007, "Regular
# Expression Matching Can Be Simple And Fast"). RE2 lacks lookaround and
# backreferences; a pattern that needs them runs on ``re`` only if it has no repetition
# of a group that itself repeats or branches (the shapes that backtrack
# catastrophically), otherwise it is refused. On RE2, ``\w`` and ``\b`` count ASCII
# letters, digits and ``_`` as word characters; folded text has its umlauts and ß
# already folded to ASCII, so only letters such as é differ.


class UnsafePattern(ValueError):
    """A codebook pattern that cannot run in bounded time or is not a valid regex.

    Its argument is the reason as a :class:`~analysis.errors.Rule` (``str()``: English).
    """

    @property
    def rule(self) -> Rule:
        return self.args[0]


def _re2_options() -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print every rejected pattern to stderr
    return options


def compile_pattern(pattern: str) -> Any:
    """Compile a user-supplied pattern for ``search`` on folded text (see above).

    Raises :class:`UnsafePattern` naming the reason when the pattern is not a valid
    regular expression or needs ``re`` and could backtrack catastrophically.
    """
    import re2

    try:
        return re2.compile(pattern, _re2_options())
    except re2.error as err:
        reason = err.args[0].decode() if err.args and isinstance(err.args[0], bytes) else err
    try:
        compiled = re.compile(pattern)
    except re.error as err:
        raise UnsafePattern(
            Rule(
                de=f"ist kein gültiger regulärer Ausdruck: {err}",
                en=f"not a valid regular expression: {err}",
            )
        ) from None
    risk = backtracking_risk(pattern)
    if risk:
        raise UnsafePattern(
            Rule(
                de=f"verwendet Syntax, die die Engine RE2 (Laufzeit linear zur Textlänge) nicht "
                f"kennt ({reason}), und {risk.de}; damit kann die Suche endlos dauern "
                "(katastrophales Backtracking). Entfernen Sie den Lookaround bzw. die "
                "Rückreferenz oder die verschachtelte Wiederholung",
                en=f"uses syntax the linear-time engine RE2 lacks ({reason}) and {risk.en}, "
                "which can make matching take forever (catastrophic backtracking); drop the "
                "lookaround or backreference, or the nested repetition",
            )
        )
    return compiled


def backtracking_risk(pattern: str) -> Rule | None:
    r"""Why ``pattern`` could backtrack catastrophically on Python's ``re``, or None.

    Flags a repetition (``*``, ``+``, ``{m,n}`` with n > 1) of a subpattern that itself
    contains a repetition or an alternation, e.g. ``(a+)+``, ``(\w+\s?)*``, ``(a|ab)*``,
    and backreferences under a repetition. A conservative syntactic test (star height,
    Brzozowski): it may refuse a harmless pattern, never a nested repetition.
    """
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}

    def walk(items: Any, under_repeat: bool) -> Rule | None:
        for op, arg in items:
            if op in repeats:
                _lo, hi, sub = arg
                if under_repeat and hi > 1:
                    return Rule(
                        de="wiederholt eine Gruppe, die selbst Wiederholungen enthält",
                        en="repeats a group that itself repeats",
                    )
                found = walk(sub, under_repeat or hi > 1)
                if found:
                    return found
            elif op is c.BRANCH:
                if under_repeat:
                    return Rule(de="wiederholt eine Alternative", en="repeats an alternation")
                for branch in arg[1]:
                    found = walk(branch, under_repeat)
                    if found:
                        return found
            elif op is c.SUBPATTERN:
                found = walk(arg[-1], under_repeat)
                if found:
                    return found
            elif op in (c.ASSERT, c.ASSERT_NOT):
                found = walk(arg[1], under_repeat)
                if found:
                    return found
            elif op is c.GROUPREF_EXISTS:
                for sub in arg[1:]:
                    if sub is not None:
                        found = walk(sub, under_repeat)
                        if found:
                            return found
            elif op is c.GROUPREF and under_repeat:
                return Rule(de="wiederholt eine Rückreferenz", en="repeats a backreference")
            elif op is getattr(c, "ATOMIC_GROUP", None):
                found = walk(arg, under_repeat)
                if found:
                    return found
        return None

    return walk(_parser.parse(pattern), False)


@dataclass(frozen=True)
class Codebook:
    """The codes in their codebook order."""

    codes: tuple[Code, ...]
    path: Path | None = None

    @property
    def names(self) -> list[str]:
        return [c.code for c in self.codes]

    def get(self, code: str) -> Code:
        for c in self.codes:
            if c.code == code:
                return c
        raise KeyError(code)

    def labels(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
        """``{code: label}`` in ``lang``."""
        return {c.code: c.label(lang) for c in self.codes}


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook YAML file (raises :class:`InputError`)."""
    path = Path(path)
    data = read_yaml(path, what=Rule(de="Codebuch", en="codebook"))
    if not isinstance(data, dict):
        raise InputError(
            Rule(
                de="ein Codebuch ist eine Zuordnung mit 'version' und 'codes'",
                en="a codebook is a mapping with 'version' and 'codes'",
            ),
            file=path,
        )
    try:
        model = CodebookSchema.model_validate(data)
    except ValidationError as err:
        raise InputError(problems=problems_from_pydantic(err, path, row_key="codes")) from None
    problems = []
    for i, c in enumerate(model.codes):
        for j, p in enumerate(c.patterns):
            try:
                compile_pattern(p)
            except UnsafePattern as err:
                shown = repr(shorten(p, 120))
                problems.append(
                    Problem(
                        Rule(
                            de=f"Code '{c.code}': Muster {shown} {err.rule.de}",
                            en=f"code '{c.code}': pattern {shown} {err.rule.en}",
                        ),
                        str(path),
                        i + 1,
                        f"codes.{i}.patterns.{j}",
                        line=yaml_line(path, ("codes", i, "patterns", j)),
                        entry_of="codes",
                    )
                )
    if problems:
        raise InputError(problems=problems)
    codes = tuple(
        Code(
            c.code,
            c.label_de,
            c.label_en,
            c.description,
            tuple(c.keywords),
            tuple(c.patterns),
        )
        for c in model.codes
    )
    return Codebook(codes, path)


# --------------------------------------------------------------------------------------
# Suggestions
# --------------------------------------------------------------------------------------


def suggest(text: str, codebook: Codebook) -> list[str]:
    """Codes whose rules fire on ``text``, in codebook order."""
    folded = fold(text)
    return [c.code for c in codebook.codes if any(rx.search(folded) for rx in c.rules)]


def suggest_codes(statements: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """``statements`` (from :func:`analysis.protocols.parse.load_protocols`) with two columns
    added: ``statement_id`` and ``suggested`` (list of codes)."""
    out = statements.copy()
    out["statement_id"] = [
        statement_id(p, q, int(n))
        for p, q, n in zip(out["protocol_id"], out["question"], out["position"], strict=True)
    ]
    out["suggested"] = [suggest(t, codebook) for t in out["text"]]
    return out


CODING_COLUMNS = ("statement_id", "protocol_id", "question", "code")


def codings_from_suggestions(suggested: pd.DataFrame) -> pd.DataFrame:
    """Long codings (one row per statement and suggested code)."""
    rows = [
        (sid, pid, q, code)
        for sid, pid, q, codes in zip(
            suggested["statement_id"],
            suggested["protocol_id"],
            suggested["question"],
            suggested["suggested"],
            strict=True,
        )
        for code in codes
    ]
    return pd.DataFrame(rows, columns=list(CODING_COLUMNS))


# --------------------------------------------------------------------------------------
# Coding sheet (XLSX) for human coders
# --------------------------------------------------------------------------------------

SHEET = "Kodierung"
CODE_SHEET = "Codebuch"


def coding_sheet(suggested: pd.DataFrame, coders: Sequence[str]) -> pd.DataFrame:
    """The sheet as a DataFrame: fixed columns, then one empty column per coder."""
    _check_coders(coders)
    sheet = pd.DataFrame(
        {
            "statement_id": suggested["statement_id"],
            "protocol_id": suggested["protocol_id"],
            "question": suggested["question"],
            "position": suggested["position"].astype("int64"),
            "text": suggested["text"],
            "suggested": [", ".join(c) for c in suggested["suggested"]],
        }
    )
    for coder in coders:
        sheet[coder] = pd.Series([None] * len(sheet), dtype="object", index=sheet.index)
    return sheet.reset_index(drop=True)


def _check_coders(coders: Sequence[str]) -> None:
    if len(coders) < 1 or len(set(coders)) != len(coders):
        raise ValueError("give one or more distinct coder names")
    clash = set(coders) & set(CODING_SHEET_FIXED_COLUMNS)
    if clash:
        raise ValueError(f"coder names may not be fixed column names: {sorted(clash)}")


def export_coding_sheet(
    suggested: pd.DataFrame,
    codebook: Codebook,
    path: str | Path,
    coders: Sequence[str] = ("coder_1", "coder_2"),
    lang: str = DEFAULT_LANGUAGE,
) -> Path:
    """Write the coding sheet to ``path`` (XLSX) and return it.

    Sheet "Kodierung": one row per statement, a column per coder with a drop-down
    list of the codes (openpyxl data validation; other entries are refused by Excel).
    Sheet "Codebuch": code, label, description, so coders read what each code means.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from analysis.spreadsheets import cell_value

    sheet = coding_sheet(suggested, coders)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    # Every cell neutralised (statements are free text: "=…", "-10 %" stay text).
    ws.append([cell_value(c) for c in sheet.columns])
    for row in sheet.itertuples(index=False):
        ws.append([None if (v is None or v is pd.NA) else cell_value(v) for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "F2"
    widths = {"statement_id": 38, "protocol_id": 30, "question": 9, "position": 9, "text": 80}
    for i, name in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(name, 22)
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")

    cb = wb.create_sheet(CODE_SHEET)
    cb.append(["code", "label", "description"])
    for c in codebook.codes:
        cb.append([cell_value(v) for v in (c.code, c.label(lang), c.description)])
    for cell in cb[1]:
        cell.font = Font(bold=True)
    cb.column_dimensions["A"].width = 24
    cb.column_dimensions["B"].width = 50
    cb.column_dimensions["C"].width = 90

    n_codes = len(codebook.codes)
    dv = DataValidation(
        type="list",
        formula1=f"={CODE_SHEET}!$A$2:$A${n_codes + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Unbekannter Code" if lang == "de" else "Unknown code",
        error=(
            "Bitte einen Code aus der Liste (Blatt Codebuch) wählen."
            if lang == "de"
            else "Choose a code from the list (sheet Codebuch)."
        ),
    )
    ws.add_data_validation(dv)
    first = len(CODING_SHEET_FIXED_COLUMNS) + 1
    last_row = max(len(sheet) + 1, 2)
    for j in range(first, first + len(coders)):
        letter = get_column_letter(j)
        dv.add(f"{letter}2:{letter}{last_row}")
    path = Path(path)
    wb.save(path)
    return path


def import_coding_sheet(
    path: str | Path, codebook: Codebook, statements: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Read a filled coding sheet back: index ``statement_id``, one column per coder.

    Empty cells are missing codings (``<NA>``). Checks the fixed columns, at least one
    coder column, unique statement ids, every code in the codebook and, when
    ``statements`` (with ``statement_id``) is given, that the sheet has exactly those
    statements. Every problem names file, row (as Excel shows it) and column.
    """
    path = Path(path)
    rows = _sheet_rows(path)
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    coders = _coder_columns(header, path)
    records, seen, problems = _coded_rows(rows, header, set(codebook.names), str(path))
    if statements is not None:
        problems += _statement_problems(seen, statements, str(path))
    if problems:
        raise InputError(problems=problems)
    frame = pd.DataFrame.from_records(records, columns=["statement_id", *coders])
    frame = frame.set_index("statement_id")
    return frame.astype("string")


def _sheet_rows(path: Path) -> list[tuple[Any, ...]]:
    """The cell values of sheet "Kodierung", header first, formula neutralisation undone."""
    from openpyxl import load_workbook

    from analysis.spreadsheets import restore

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(
            Rule(de="Kodierbogen nicht gefunden", en="coding sheet not found"), file=path
        ) from None
    except Exception as err:  # openpyxl raises several types for non-XLSX input
        kind = type(err).__name__
        raise InputError(
            Rule(de=f"keine lesbare XLSX-Datei ({kind})", en=f"not a readable XLSX file ({kind})"),
            file=path,
        ) from None
    if SHEET not in wb.sheetnames:
        raise InputError(
            Rule(de=f"das Tabellenblatt '{SHEET}' fehlt", en=f"sheet '{SHEET}' is missing"),
            file=path,
            column=SHEET,
        )
    # Undo the export's formula neutralisation, so a round trip is lossless.
    rows = [tuple(map(restore, r)) for r in wb[SHEET].iter_rows(values_only=True)]
    wb.close()
    if not rows:
        raise InputError(
            Rule(de="der Kodierbogen ist leer", en="the coding sheet is empty"), file=path, row=1
        )
    return rows


def _coder_columns(header: list[str], path: Path) -> list[str]:
    """The coder columns after the fixed ones; refuses a sheet without or with repeated ones."""
    fixed = list(CODING_SHEET_FIXED_COLUMNS)
    if header[: len(fixed)] != fixed:
        names = ", ".join(fixed)
        raise InputError(
            Rule(
                de=f"die ersten Spalten müssen {names} heißen",
                en=f"the first columns must be {names}",
            ),
            file=path,
            row=1,
            value=header,
        )
    coders = [h for h in header[len(fixed) :] if h]
    if not coders:
        raise InputError(
            Rule(
                de="keine Spalte für Kodierende nach 'suggested'",
                en="no coder column after 'suggested'",
            ),
            file=path,
            row=1,
        )
    if len(set(coders)) != len(coders):
        raise InputError(
            Rule(
                de="zwei Spalten von Kodierenden tragen denselben Namen",
                en="coder column named twice",
            ),
            file=path,
            row=1,
            value=coders,
        )
    return coders


def _coded_rows(
    rows: list[tuple[Any, ...]], header: list[str], known: set[str], f: str
) -> tuple[list[dict[str, Any]], dict[str, int], list[Problem]]:
    """One record per non-empty row (statement id and each coder's code, None = not
    coded), the sheet row of each statement id, and the problems: empty or repeated ids,
    codes not in the codebook."""
    n_fixed = len(CODING_SHEET_FIXED_COLUMNS)
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for r, values in enumerate(rows[1:], start=2):
        values = list(values) + [None] * (len(header) - len(values))
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        sid = values[0]
        if sid is None or str(sid).strip() == "":
            problems.append(
                Problem(
                    Rule(de="statement_id ist leer", en="statement_id is empty"),
                    f,
                    r,
                    "statement_id",
                )
            )
            continue
        sid = str(sid).strip()
        if sid in seen:
            problems.append(
                Problem(
                    Rule(
                        de=f"statement_id steht schon in Zeile {seen[sid]}",
                        en=f"statement_id repeats row {seen[sid]}",
                    ),
                    f,
                    r,
                    "statement_id",
                    sid,
                )
            )
            continue
        seen[sid] = r
        record: dict[str, Any] = {"statement_id": sid}
        for j, coder in enumerate(header[n_fixed:], start=n_fixed):
            if not coder:
                continue
            v = values[j]
            code = None if v is None or str(v).strip() == "" else str(v).strip()
            if code is not None and code not in known:
                problems.append(
                    Problem(
                        Rule(
                            de="unbekannter Code; wählen Sie einen aus der Auswahlliste "
                            "(Tabellenblatt Codebuch)",
                            en="unknown code; use one of the drop-down list (sheet Codebuch)",
                        ),
                        f,
                        r,
                        coder,
                        code,
                    )
                )
            record[coder] = code
        records.append(record)
    return records, seen, problems


_NOT_IN_PROTOCOLS = Rule(de="Aussage nicht in den Protokollen", en="statement not in the protocols")


def _statement_problems(seen: dict[str, int], statements: pd.DataFrame, f: str) -> list[Problem]:
    """Sheet statements not in the protocols, and protocol statements missing from the sheet."""
    expected = set(statements["statement_id"])
    problems = [
        Problem(_NOT_IN_PROTOCOLS, f, seen[sid], "statement_id", sid)
        for sid in sorted(set(seen) - expected)
    ]
    missing = sorted(expected - set(seen))
    if missing:
        problems.append(
            Problem(
                Rule(
                    de=f"{len(missing)} Aussage(n) der Protokolle fehlen im Kodierbogen",
                    en=f"{len(missing)} statement(s) of the protocols are missing from the sheet",
                ),
                f,
                None,
                "statement_id",
                missing[:5],
            )
        )
    return problems


# --------------------------------------------------------------------------------------
# Several sheets: the series' coding workbook or filled per-workshop sheets
# --------------------------------------------------------------------------------------

_GLOB = re.compile(r"[*?\[]")


def coding_sheet_files(spec: str, root: str | Path) -> list[Path]:
    """The XLSX files named by the ``coding_sheet`` parameter ``spec``.

    ``spec`` is a file, a folder (every ``*.xlsx`` in it) or a glob pattern
    (``kodierung/kodierbogen_*.xlsx``), relative to ``root`` (``data/raw``) unless
    absolute. Office lock files (``~$…``) are skipped. Nothing found is an
    :class:`InputError` naming the parameter.
    """
    import glob

    base = Path(root)
    full = spec if Path(spec).is_absolute() else str(base / spec)
    if _GLOB.search(spec):
        found = [Path(p) for p in sorted(glob.glob(full, recursive=True))]
    elif Path(full).is_dir():
        found = sorted(Path(full).glob("*.xlsx"))
    else:
        found = [Path(full)] if Path(full).is_file() else []
    found = [p for p in found if p.is_file() and not p.name.startswith("~$")]
    if not found:
        raise InputError(
            Rule(
                de="kein Kodierbogen gefunden: erwartet eine .xlsx-Datei, einen Ordner mit "
                ".xlsx-Dateien oder ein Glob-Muster, relativ zu data/raw",
                en="no coding sheet found: expected an .xlsx file, a folder with .xlsx files "
                "or a glob pattern, relative to data/raw",
            ),
            file=full,
            column="coding_sheet",
            value=spec,
        )
    return found


@dataclass(frozen=True)
class CodingSheets:
    """Filled coding sheets read together.

    ``codes``: one row per statement of the protocols (in their order), one column per
    coder (union over the files; ``<NA>`` = not coded or not in any sheet);
    ``in_sheet``: the statement ids some sheet lists; ``files``: the sheets read.
    """

    codes: pd.DataFrame
    in_sheet: frozenset[str]
    files: tuple[Path, ...]


def _norm(text: Any) -> str:
    return " ".join(str(text or "").split())


def read_coding_sheets(
    files: Sequence[str | Path], codebook: Codebook, statements: pd.DataFrame
) -> CodingSheets:
    """Read one or more filled coding sheets against the protocols' ``statements``.

    Accepts the series' coding workbook as well as a set of per-workshop sheets.
    Statements missing from every sheet count as not coded (partly coded series are
    reported, not refused). Refused, naming file, row and column: every problem of
    :func:`import_coding_sheet`, a statement id the protocols do not have, a
    statement whose text differs from the protocol's (its id now names another
    statement: the protocol changed after the sheet was written), and a statement
    listed in two sheets.
    """
    expected = statements.set_index("statement_id")["text"]
    frames: list[pd.DataFrame] = []
    where: dict[str, tuple[str, int]] = {}
    problems: list[Problem] = []
    for file in map(Path, files):
        try:
            frame = import_coding_sheet(file, codebook)
        except InputError as err:
            problems += err.problems
            continue
        rows = _sheet_rows(file)
        header = [str(h).strip() if h is not None else "" for h in rows[0]]
        text_col = header.index("text")
        for r, values in enumerate(rows[1:], start=2):
            sid = str(values[0]).strip() if values and values[0] is not None else ""
            if not sid or sid not in frame.index:
                continue
            f = str(file)
            if sid not in expected.index:
                problems.append(Problem(_NOT_IN_PROTOCOLS, f, r, "statement_id", sid))
            elif _norm(values[text_col] if len(values) > text_col else "") != _norm(expected[sid]):
                problems.append(
                    Problem(
                        Rule(
                            de="der Text weicht von der Aussage des Protokolls mit dieser ID ab "
                            "(das Protokoll wurde nach dem Erstellen des Kodierbogens geändert; "
                            "exportieren Sie einen neuen Kodierbogen)",
                            en="text differs from the protocol's statement with this id "
                            "(the protocol changed after the sheet was written; "
                            "export a new sheet)",
                        ),
                        f,
                        r,
                        "text",
                        sid,
                    )
                )
            if sid in where:
                first, row = where[sid]
                problems.append(
                    Problem(
                        Rule(
                            de=f"Aussage steht auch in {first}, Zeile {row}",
                            en=f"statement also in {first}, row {row}",
                        ),
                        f,
                        r,
                        "statement_id",
                        sid,
                    )
                )
            else:
                where[sid] = (f, r)
        frames.append(frame)
    if problems:
        raise InputError(problems=problems)
    coders: list[str] = []
    for frame in frames:
        coders += [c for c in frame.columns if c not in coders]
    combined = pd.concat([f.reindex(columns=coders) for f in frames]) if frames else None
    ids = statements["statement_id"].tolist()
    if combined is None:
        codes = pd.DataFrame(index=pd.Index(ids, name="statement_id"), dtype="string")
    else:
        codes = combined.reindex(ids).astype("string")
    codes.index.name = "statement_id"
    return CodingSheets(codes, frozenset(where), tuple(Path(f) for f in files))


def codings_from_sheet(
    sheet: pd.DataFrame, statements: pd.DataFrame, coder: str | None = None
) -> pd.DataFrame:
    """Long codings from an imported sheet: one coder's codes, or (``coder=None``) the
    consensus, i.e. the code every coder who coded the statement gave (ties dropped)."""
    if coder is not None:
        chosen = sheet[coder]
    else:
        chosen = sheet.apply(
            lambda row: row.dropna().iloc[0] if row.dropna().nunique() == 1 else pd.NA, axis=1
        )
    chosen = chosen.dropna()
    meta = statements.set_index("statement_id")[["protocol_id", "question"]]
    out = meta.loc[chosen.index].assign(code=chosen.astype(str).to_numpy())
    return out.reset_index()[list(CODING_COLUMNS)]


# --------------------------------------------------------------------------------------
# Agreement between coders
# --------------------------------------------------------------------------------------


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def cohens_kappa(a: Iterable[Any], b: Iterable[Any]) -> float:
    """Cohen's κ of two coders over the units both coded (missing values left out).

    κ = (p_o − p_e) / (1 − p_e) with p_e from the two coders' marginal distributions
    (Cohen 1960, Educational and Psychological Measurement 20: 37–46), computed by
    ``statsmodels.stats.inter_rater.cohens_kappa`` on the square table over the union
    of the codes used. Needs at least one unit coded by both.
    """
    from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

    pairs = [(x, y) for x, y in zip(a, b, strict=True) if not _missing(x) and not _missing(y)]
    if not pairs:
        raise ValueError("no unit was coded by both coders")
    cats = sorted({v for pair in pairs for v in pair}, key=str)
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)))
    for x, y in pairs:
        table[index[x], index[y]] += 1
    if len(cats) == 1:
        return 1.0  # both coders gave the one same code everywhere: p_o = p_e = 1
    return float(sm_kappa(table, return_results=False))


def fleiss_kappa(sheet: pd.DataFrame) -> float:
    """Fleiss' κ of the coders of ``sheet`` (units × coders) over the units all coded.

    κ = (P̄ − P̄_e) / (1 − P̄_e), P̄ the mean share of agreeing coder pairs per unit and
    P̄_e = Σ_j p_j² from the pooled share p_j of each code (Fleiss 1971, "Measuring
    nominal scale agreement among many raters", Psychological Bulletin 76(5): 378–382),
    computed by ``statsmodels.stats.inter_rater.fleiss_kappa`` (``method="fleiss"``) on
    the units × codes count table. Fleiss' κ needs the same number of coders per unit,
    hence units with a missing coding are left out. As :func:`cohens_kappa`, κ = 1 when
    every coder gave the one same code everywhere. Needs at least one such unit.
    """
    from statsmodels.stats.inter_rater import aggregate_raters
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

    complete = sheet[~sheet.map(_missing).any(axis=1)]
    if complete.empty:
        raise ValueError("no unit was coded by every coder")
    codes, present = _codes_as_int(complete.to_numpy(dtype=object))
    if len(present) == 1:
        return 1.0
    table, _ = aggregate_raters(codes, n_cat=len(present))
    return float(sm_fleiss(table, method="fleiss"))


def krippendorff_alpha(sheet: pd.DataFrame) -> float:
    """Krippendorff's α, nominal, over all coder columns of ``sheet`` (units × coders).

    Missing codings are allowed; units coded by fewer than two coders do not count
    (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", Annenberg School
    for Communication, Departmental Papers 43). Computed by ``krippendorff.alpha``.
    Returns NaN when α is undefined (fewer than two codes in all pairable values).
    """
    import krippendorff

    values = sheet.to_numpy(dtype=object)
    present = [v for v in values.ravel() if not _missing(v)]
    cats = sorted(set(present), key=str)
    index = {c: i for i, c in enumerate(cats)}
    data = np.full(values.shape, np.nan)
    for (i, j), v in np.ndenumerate(values):
        if not _missing(v):
            data[i, j] = index[v]
    if len(cats) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=data.T, level_of_measurement="nominal"))


def agreement(sheet: pd.DataFrame) -> pd.DataFrame:
    """Pairwise agreement of the coders in ``sheet`` (units × coders).

    One row per pair: units coded by both, share of identical codes and Cohen's κ.
    """
    rows = []
    for a, b in itertools.combinations(sheet.columns, 2):
        both = sheet[[a, b]].dropna()
        kappa = cohens_kappa(both[a], both[b]) if len(both) else float("nan")
        share = float((both[a] == both[b]).mean()) if len(both) else float("nan")
        rows.append(
            {"coder_a": a, "coder_b": b, "units": len(both), "agreement": share, "kappa": kappa}
        )
    return pd.DataFrame(rows, columns=["coder_a", "coder_b", "units", "agreement", "kappa"])


# --------------------------------------------------------------------------------------
# Reliability with bootstrap intervals, per workshop and over the series
# --------------------------------------------------------------------------------------

N_BOOT = 2000
"""Default number of bootstrap replicates (Hayes & Krippendorff 2007 ask for ≥ 1,000)."""


@dataclass(frozen=True)
class Interval:
    """A point estimate with its bootstrap confidence interval (``level``, e.g. 0.95).

    ``low``/``high`` are NaN when the estimate is undefined; ``replicates`` is the
    number of bootstrap samples drawn, ``units`` the units the estimate rests on.
    """

    estimate: float
    low: float
    high: float
    level: float
    replicates: int
    units: int


def _check_bootstrap(n_boot: int, level: float) -> None:
    if not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive whole number, got {n_boot!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must lie between 0 and 1, got {level!r}")


def _codes_as_int(values: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Codes as integers 0..k−1 (−1 = missing) and the sorted distinct codes."""
    present = sorted({v for v in values.ravel() if not _missing(v)}, key=str)
    index = {c: i for i, c in enumerate(present)}
    out = np.full(values.shape, -1, dtype=np.int64)
    for pos, v in np.ndenumerate(values):
        if not _missing(v):
            out[pos] = index[v]
    return out, present


def _kappa_from_codes(x: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """Cohen's κ of each row of ``x`` against the same row of ``y`` (integer codes < k).

    Vectorised over replicates (rows); a replicate in which both coders used one and
    the same code only (p_e = 1, hence p_o = 1) has κ = 1, as :func:`cohens_kappa`."""
    n = x.shape[1]
    p_o = (x == y).mean(axis=1)
    rows = np.arange(x.shape[0])[:, None]
    count_x = np.zeros((x.shape[0], k))
    count_y = np.zeros((x.shape[0], k))
    np.add.at(count_x, (rows, x), 1.0)
    np.add.at(count_y, (rows, y), 1.0)
    p_e = (count_x * count_y).sum(axis=1) / (n * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (p_o - p_e) / (1.0 - p_e)
    return np.where(np.isclose(p_e, 1.0), 1.0, kappa)


def kappa_interval(
    a: Iterable[Any],
    b: Iterable[Any],
    n_boot: int = N_BOOT,
    seed: int | Sequence[int] = 1,
    level: float = 0.95,
) -> Interval:
    """Cohen's κ of two coders with a percentile bootstrap interval over units.

    Resampling unit: the statement (unit) coded by both coders. Each of ``n_boot``
    replicates draws as many such units with replacement (both coders' codes travel
    together) and computes κ on them; the interval holds the (1 − level)/2 and
    (1 + level)/2 quantiles of the replicates (``numpy.quantile``, linear
    interpolation; Efron & Tibshirani 1993, ch. 13). Seeded with
    ``numpy.random.default_rng(seed)``: the same seed and data give the same interval.
    The point estimate is :func:`cohens_kappa`.
    """
    _check_bootstrap(n_boot, level)
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if not _missing(x) and not _missing(y)]
    if not pairs:
        return Interval(float("nan"), float("nan"), float("nan"), level, 0, 0)
    estimate = cohens_kappa([p[0] for p in pairs], [p[1] for p in pairs])
    codes, present = _codes_as_int(np.array(pairs, dtype=object))
    n = len(pairs)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(n_boot, n))
    reps = _kappa_from_codes(codes[draws, 0], codes[draws, 1], len(present))
    low, high = np.quantile(reps, [(1 - level) / 2, (1 + level) / 2])
    return Interval(estimate, float(low), float(high), level, n_boot, n)


def _fleiss_from_counts(counts: np.ndarray, m: int) -> np.ndarray:
    """Fleiss' κ of each replicate of ``counts`` (replicates × units × codes, each unit's
    counts summing to ``m`` coders), vectorised; κ = 1 where P̄_e = 1 (one code only)."""
    n = counts.shape[1]
    agree = ((counts * counts).sum(axis=2) - m) / (m * (m - 1))
    p_bar = agree.mean(axis=1)
    p_j = counts.sum(axis=1) / (n * m)
    p_e = (p_j * p_j).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (p_bar - p_e) / (1.0 - p_e)
    return np.where(np.isclose(p_e, 1.0), 1.0, kappa)


def fleiss_kappa_interval(
    sheet: pd.DataFrame,
    n_boot: int = N_BOOT,
    seed: int | Sequence[int] = 1,
    level: float = 0.95,
) -> Interval:
    """Fleiss' κ of three or more coders with a percentile bootstrap interval over units.

    As :func:`kappa_interval`: the resampling unit is the statement coded by every coder
    (all its codes travel together); each of ``n_boot`` replicates draws as many such
    units with replacement and computes κ; the interval holds the (1 − level)/2 and
    (1 + level)/2 quantiles (Efron & Tibshirani 1993, ch. 13), seeded with
    ``numpy.random.default_rng(seed)``. The point estimate is :func:`fleiss_kappa`.
    """
    _check_bootstrap(n_boot, level)
    complete = sheet[~sheet.map(_missing).any(axis=1)]
    if complete.empty:
        return Interval(float("nan"), float("nan"), float("nan"), level, 0, 0)
    estimate = fleiss_kappa(complete)
    codes, present = _codes_as_int(complete.to_numpy(dtype=object))
    n, m = codes.shape
    counts = np.zeros((n, len(present)))
    np.add.at(counts, (np.arange(n)[:, None], codes), 1.0)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(n_boot, n))
    reps = _fleiss_from_counts(counts[draws], m)
    low, high = np.quantile(reps, [(1 - level) / 2, (1 + level) / 2])
    return Interval(estimate, float(low), float(high), level, n_boot, n)


@dataclass(frozen=True)
class Coincidences:
    """Krippendorff's coincidence matrix of nominal reliability data.

    ``matrix`` o_ck (values c, k), ``n`` the pairable values n.., ``pairs`` the number
    of pairs Σ_u m_u(m_u − 1)/2 over units with m_u ≥ 2 values, ``coders`` the number
    of coders (columns)."""

    matrix: np.ndarray
    n: float
    pairs: int
    coders: int

    @property
    def expected_disagreement(self) -> float:
        """D_e = Σ_{c≠k} n_c n_k / (n.. (n.. − 1)) (nominal δ)."""
        n_c = self.matrix.sum(axis=1)
        return float((self.n**2 - (n_c**2).sum()) / (self.n * (self.n - 1)))

    @property
    def observed_disagreement(self) -> float:
        """D_o = Σ_{c≠k} o_ck / n.."""
        return float((self.matrix.sum() - np.trace(self.matrix)) / self.n)

    @property
    def alpha(self) -> float:
        """α = 1 − D_o / D_e (NaN if D_e = 0: fewer than two values used)."""
        d_e = self.expected_disagreement if self.n > 1 else 0.0
        return 1.0 - self.observed_disagreement / d_e if d_e > 0 else float("nan")


def coincidences(sheet: pd.DataFrame) -> Coincidences:
    """The coincidence matrix of ``sheet`` (units × coders; missing codings allowed).

    o_ck = Σ_u (number of ordered pairs of coders giving c and k in unit u)/(m_u − 1),
    over units with m_u ≥ 2 codings (Krippendorff 2011, section "C")."""
    codes, present = _codes_as_int(sheet.to_numpy(dtype=object))
    k = len(present)
    matrix = np.zeros((k, k))
    pairs = 0
    for row in codes:
        values = row[row >= 0]
        m = len(values)
        if m < 2:
            continue
        pairs += m * (m - 1) // 2
        counts = np.bincount(values, minlength=k).astype(float)
        matrix += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    return Coincidences(matrix, float(matrix.sum()), pairs, sheet.shape[1])


def alpha_interval(
    sheet: pd.DataFrame,
    n_boot: int = N_BOOT,
    seed: int | Sequence[int] = 1,
    level: float = 0.95,
) -> Interval:
    """Krippendorff's α (nominal) with the bootstrap of Hayes & Krippendorff (2007).

    Hayes, A. F. & Krippendorff, K. (2007). Answering the call for a standard
    reliability measure for coding data. *Communication Methods and Measures* 1(1),
    77–89; as implemented in their KALPHA macro (Hayes, version 3.0, 2011):

    * Resampling unit: **pairs of values**, not units. The observed coincidences
      define a distribution over unordered value pairs {c, k}: probability
      o_cc/n.. for c = k and 2·o_ck/n.. for c ≠ k.
    * Each replicate draws M = min(25·q, (m − 1)·n../2) pairs with replacement
      (q: non-zero cells of the coincidence matrix, m: coders, n..: pairable values)
      and sets α* = 1 − Σ δ(drawn pairs) / (M · D_e), with D_e the observed
      expected disagreement held fixed (nominal δ: 0 for equal codes, 1 otherwise).
    * α* below −1 is set to −1; α* = 1 when only one code was ever agreed on
      (one non-zero diagonal cell) is set to 0.
    * Small-sample correction: of the replicates with α* = 1, up to
      round(B · Σ_c (o_cc/n..)^P) are set to 0 (P: pairs Σ_u m_u(m_u − 1)/2), the
      expected number of samples without variation, where α is indeterminate.
    * Interval: the replicates sorted, the ⌊B·(1 − level)/2⌋-th and the
      (⌊B·(1 + level)/2⌋ + 1)-th (1-based, clipped to 1..B), as KALPHA reports.

    Seeded with ``numpy.random.default_rng(seed)`` (a multinomial draw of the pair
    counts per replicate). KALPHA asks for at least 1,000 replicates in whole thousands;
    here any ``n_boot`` ≥ 1 is accepted (the reports use 2,000). The point estimate is
    :func:`krippendorff_alpha` (the ``krippendorff`` package); NaN with a NaN interval
    when α is undefined.
    """
    _check_bootstrap(n_boot, level)
    co = coincidences(sheet)
    estimate = krippendorff_alpha(sheet)
    units = int((sheet.notna().sum(axis=1) >= 2).sum())
    if math.isnan(estimate) or co.n < 2:
        return Interval(float("nan"), float("nan"), float("nan"), level, 0, units)
    k = co.matrix.shape[0]
    upper = np.triu_indices(k)
    probs = np.where(upper[0] == upper[1], 1.0, 2.0) * co.matrix[upper] / co.n
    delta = (upper[0] != upper[1]).astype(float)
    q = int((co.matrix > 0).sum())
    m = int(min(25 * q, (co.coders - 1) * co.n / 2))
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(m, probs / probs.sum(), size=n_boot)
    reps = 1.0 - (counts @ delta) / (m * co.expected_disagreement)
    reps = np.maximum(reps, -1.0)
    diagonal = np.diag(co.matrix)
    n_zero = int((diagonal > 0).sum())
    ones = np.isclose(reps, 1.0)
    if n_zero == 1:
        reps[ones] = 0.0
    elif n_zero > 1:
        nx = round(n_boot * float(((diagonal / co.n) ** co.pairs).sum()))
        reps[np.flatnonzero(ones)[: min(nx, int(ones.sum()))]] = 0.0
    reps.sort()
    lo = min(max(math.floor(n_boot * (1 - level) / 2), 1), n_boot)
    hi = min(max(math.floor(n_boot * (1 + level) / 2) + 1, 1), n_boot)
    return Interval(estimate, float(reps[lo - 1]), float(reps[hi - 1]), level, n_boot, units)


ALL = "*"
"""Scope name of the whole series in :func:`reliability`."""

RELIABILITY_COLUMNS = (
    "scope",
    "statements",
    "in_sheet",
    "coded_by_all",
    "pairable",
    "coders",
    "kappa_kind",
    "kappa",
    "kappa_low",
    "kappa_high",
    "alpha",
    "alpha_low",
    "alpha_high",
    "level",
    "replicates",
)


def _scope_seed(seed: int, scope: str, which: int) -> list[int]:
    """A seed per scope and measure: a workshop's interval does not change when
    another workshop joins the series."""
    return [seed, zlib.crc32(scope.encode("utf-8")), which]


def reliability(
    codes: pd.DataFrame,
    statements: pd.DataFrame,
    in_sheet: Iterable[str] | None = None,
    n_boot: int = N_BOOT,
    seed: int = 1,
    level: float = 0.95,
) -> pd.DataFrame:
    """Agreement per workshop and over the series (scope :data:`ALL`), with coverage.

    ``codes``: one row per statement id, one column per coder (missing = not coded),
    e.g. :attr:`CodingSheets.codes`; ``statements`` the statements of the protocols
    (``statement_id``, ``protocol_id``). One row per workshop in the order of
    ``statements``, then the series: statements in the protocols, statements in
    the sheet(s), coded by every coder, pairable (coded by at least two), κ with its
    interval — Cohen's κ for two coders (:func:`kappa_interval`), Fleiss' κ for more
    (:func:`fleiss_kappa_interval`); ``kappa_kind`` says which — and Krippendorff's α
    with its interval (:func:`alpha_interval`). Partly coded sheets are measured on what
    is coded; nothing is refused here.
    """
    ids = statements["statement_id"].tolist()
    coders = list(codes.columns)
    table = codes.reindex(ids)
    listed = set(codes.index if in_sheet is None else in_sheet)
    scopes = [(pid, statements["protocol_id"] == pid) for pid in statements["protocol_id"].unique()]
    scopes.append((ALL, pd.Series(True, index=statements.index)))
    rows = []
    for scope, mask in scopes:
        sub = table[mask.to_numpy()]
        filled = sub.notna().sum(axis=1)
        if len(coders) == 2:
            kappa = kappa_interval(
                sub.iloc[:, 0], sub.iloc[:, 1], n_boot, _scope_seed(seed, scope, 0), level
            )
        else:
            kappa = fleiss_kappa_interval(sub, n_boot, _scope_seed(seed, scope, 0), level)
        alpha = alpha_interval(sub, n_boot, _scope_seed(seed, scope, 1), level)
        rows.append(
            {
                "scope": scope,
                "statements": len(sub),
                "in_sheet": sum(sid in listed for sid in sub.index),
                "coded_by_all": int((filled == len(coders)).sum()),
                "pairable": int((filled >= 2).sum()),
                "coders": len(coders),
                "kappa_kind": "cohen" if len(coders) == 2 else "fleiss",
                "kappa": kappa.estimate,
                "kappa_low": kappa.low,
                "kappa_high": kappa.high,
                "alpha": alpha.estimate,
                "alpha_low": alpha.low,
                "alpha_high": alpha.high,
                "level": level,
                "replicates": n_boot,
            }
        )
    return pd.DataFrame(rows, columns=list(RELIABILITY_COLUMNS))


def reliability_figures(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """:func:`reliability` as plain key figures per scope (NaN → None), for
    :func:`analysis.results.record`."""
    keys = [c for c in RELIABILITY_COLUMNS if c != "scope"]
    out: dict[str, dict[str, Any]] = {}
    for row in table.to_dict("records"):
        out[str(row["scope"])] = {
            k: None
            if isinstance(row[k], float) and math.isnan(row[k])
            else (row[k].item() if hasattr(row[k], "item") else row[k])
            for k in keys
        }
    return out


# --------------------------------------------------------------------------------------
# Frequencies and co-occurrence
# --------------------------------------------------------------------------------------


def code_frequencies(
    codings: pd.DataFrame, codebook: Codebook, by: str = "protocol_id"
) -> pd.DataFrame:
    """Statements per code (rows, codebook order) and ``by`` (columns), zeros included."""
    if by not in codings.columns:
        raise ValueError(f"codings have no column {by!r}")
    table = pd.crosstab(
        pd.Categorical(codings["code"], categories=codebook.names), codings[by], dropna=False
    )
    table.index = pd.Index(codebook.names, name="code")
    table.columns.name = by
    return table.astype("int64")


def top_recommendations(
    suggested: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    n: int = 5,
    question: str = "d",
) -> pd.DataFrame:
    """The ``n`` themes most often raised under ``question`` (default d): code, number of
    workshops, number of statements, and the statements' texts (verbatim)."""
    sub = codings[codings["question"] == question]
    if sub.empty:
        return pd.DataFrame(columns=["code", "workshops", "statements", "texts"])
    texts = suggested.set_index("statement_id")["text"]
    rows = []
    for code, grp in sub.groupby("code", sort=False):
        rows.append(
            {
                "code": code,
                "workshops": grp["protocol_id"].nunique(),
                "statements": grp["statement_id"].nunique(),
                "texts": list(zip(grp["protocol_id"], texts.loc[grp["statement_id"]], strict=True)),
            }
        )
    order = {c: i for i, c in enumerate(codebook.names)}
    out = pd.DataFrame(rows)
    out["_order"] = out["code"].map(order)
    out = out.sort_values(["workshops", "statements", "_order"], ascending=[False, False, True])
    return out.drop(columns="_order").head(n).reset_index(drop=True)


RESIDUAL_CODES = frozenset({"other"})
"""Catch-all codes ("Sonstiges"): statements no theme fits. They name no particular
need, so no offer can meet them, and they are never a gap in :func:`needs_and_offers`."""


def needs_and_offers(codings: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Statements per theme under question c (needs) and d (offers), codebook order;
    ``gap`` is True where organisations need something no recommendation offers
    (never for the catch-all codes of :data:`RESIDUAL_CODES`)."""
    sub = codings[codings["question"].isin(["c", "d"])]
    table = code_frequencies(sub.assign(q=sub["question"]), codebook, by="q")
    table = table.reindex(columns=["c", "d"], fill_value=0)
    table.columns = ["needs", "offers"]
    table = table[(table["needs"] + table["offers"]) > 0].copy()
    residual = table.index.isin(sorted(RESIDUAL_CODES))
    table["gap"] = (table["needs"] > 0) & (table["offers"] == 0) & ~residual
    return table


def co_occurrence(codings: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Statements coded with both codes (code × code); the diagonal counts each code."""
    onehot = pd.crosstab(
        codings["statement_id"],
        pd.Categorical(codings["code"], categories=codebook.names),
        dropna=False,
    ).clip(upper=1)
    m = onehot.to_numpy().T @ onehot.to_numpy()
    return pd.DataFrame(m, index=codebook.names, columns=codebook.names).astype("int64")
