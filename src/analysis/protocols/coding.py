"""Thematic coding of protocol statements: codebook, suggestions, coder sheets, agreement.

The codebook (``data/raw/codebook.yaml``, schema in :mod:`analysis.schemas`) lists the
themes. Its keyword and regex rules *suggest* codes per statement; human coders decide
in an XLSX coding sheet (one column per coder, drop-down list of codes), which is
imported back and validated. Agreement between coders is reported as Cohen's κ
(Cohen 1960, via statsmodels) for each pair of coders and Krippendorff's α (nominal,
Krippendorff 2011, via the ``krippendorff`` package) over all coders, both with
missing codings left out as their definitions prescribe. Frequencies per question and
workshop and a co-occurrence matrix summarise the coding (their heatmap is drawn by
:func:`analysis.protocols.documentation.heatmap`).

Codings are a long DataFrame with one row per statement and code:
``statement_id, protocol_id, question, code``.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from analysis.errors import InputError, Problem, shorten
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
    """A codebook pattern that cannot run in bounded time or is not a valid regex."""


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
        raise UnsafePattern(f"not a valid regular expression: {err}") from None
    risk = backtracking_risk(pattern)
    if risk:
        raise UnsafePattern(
            f"uses syntax the linear-time engine RE2 lacks ({reason}) and {risk}, which can "
            "make matching take forever (catastrophic backtracking); drop the lookaround or "
            "backreference, or the nested repetition"
        )
    return compiled


def backtracking_risk(pattern: str) -> str | None:
    r"""Why ``pattern`` could backtrack catastrophically on Python's ``re``, or None.

    Flags a repetition (``*``, ``+``, ``{m,n}`` with n > 1) of a subpattern that itself
    contains a repetition or an alternation, e.g. ``(a+)+``, ``(\w+\s?)*``, ``(a|ab)*``,
    and backreferences under a repetition. A conservative syntactic test (star height,
    Brzozowski): it may refuse a harmless pattern, never a nested repetition.
    """
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}

    def walk(items: Any, under_repeat: bool) -> str | None:
        for op, arg in items:
            if op in repeats:
                _lo, hi, sub = arg
                if under_repeat and hi > 1:
                    return "repeats a group that itself repeats"
                found = walk(sub, under_repeat or hi > 1)
                if found:
                    return found
            elif op is c.BRANCH:
                if under_repeat:
                    return "repeats an alternation"
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
                return "repeats a backreference"
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
    data = read_yaml(path, what="codebook")
    if not isinstance(data, dict):
        raise InputError("a codebook is a mapping with 'version' and 'codes'", file=path)
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
                problems.append(
                    Problem(
                        f"code '{c.code}': pattern {shorten(p, 120)!r} {err}",
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
        raise InputError("coding sheet not found", file=path) from None
    except Exception as err:  # openpyxl raises several types for non-XLSX input
        raise InputError(f"not a readable XLSX file ({type(err).__name__})", file=path) from None
    if SHEET not in wb.sheetnames:
        raise InputError(f"sheet '{SHEET}' is missing", file=path, column=SHEET)
    # Undo the export's formula neutralisation, so a round trip is lossless.
    rows = [tuple(map(restore, r)) for r in wb[SHEET].iter_rows(values_only=True)]
    wb.close()
    if not rows:
        raise InputError("the coding sheet is empty", file=path, row=1)
    return rows


def _coder_columns(header: list[str], path: Path) -> list[str]:
    """The coder columns after the fixed ones; refuses a sheet without or with repeated ones."""
    fixed = list(CODING_SHEET_FIXED_COLUMNS)
    if header[: len(fixed)] != fixed:
        raise InputError(
            f"the first columns must be {', '.join(fixed)}", file=path, row=1, value=header
        )
    coders = [h for h in header[len(fixed) :] if h]
    if not coders:
        raise InputError("no coder column after 'suggested'", file=path, row=1)
    if len(set(coders)) != len(coders):
        raise InputError("coder column named twice", file=path, row=1, value=coders)
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
            problems.append(Problem("statement_id is empty", f, r, "statement_id"))
            continue
        sid = str(sid).strip()
        if sid in seen:
            problems.append(
                Problem(f"statement_id repeats row {seen[sid]}", f, r, "statement_id", sid)
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
                        "unknown code; use one of the drop-down list (sheet Codebuch)",
                        f,
                        r,
                        coder,
                        code,
                    )
                )
            record[coder] = code
        records.append(record)
    return records, seen, problems


def _statement_problems(seen: dict[str, int], statements: pd.DataFrame, f: str) -> list[Problem]:
    """Sheet statements not in the protocols, and protocol statements missing from the sheet."""
    expected = set(statements["statement_id"])
    problems = [
        Problem("statement not in the protocols", f, seen[sid], "statement_id", sid)
        for sid in sorted(set(seen) - expected)
    ]
    missing = sorted(expected - set(seen))
    if missing:
        problems.append(
            Problem(
                f"{len(missing)} statement(s) of the protocols are missing from the sheet",
                f,
                None,
                "statement_id",
                missing[:5],
            )
        )
    return problems


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


def needs_and_offers(codings: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Statements per theme under question c (needs) and d (offers), codebook order;
    ``gap`` is True where organisations need something no recommendation offers."""
    sub = codings[codings["question"].isin(["c", "d"])]
    table = code_frequencies(sub.assign(q=sub["question"]), codebook, by="q")
    table = table.reindex(columns=["c", "d"], fill_value=0)
    table.columns = ["needs", "offers"]
    table = table[(table["needs"] + table["offers"]) > 0].copy()
    table["gap"] = (table["needs"] > 0) & (table["offers"] == 0)
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
