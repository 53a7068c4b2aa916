"""Exceptions of the workbench.

Every problem with user input is an :class:`InputError`: it names the file, the
row, the column or field, and the rule that failed, so an evaluator can fix the
input without reading code. The CLI turns it into exit code 2.

Messages about the user's data are read by German evaluators: each rule is a
:class:`Rule` holding its German and English text, and :meth:`InputError.text` gives
the whole message in one language (German by default, as the reports). ``str()`` gives
it in the language of :func:`message_language`: English for code and logs, unless
``$ANALYSIS_MESSAGE_LANGUAGE`` says otherwise (the runner sets it for the kernels it
starts, so an input error raised inside a notebook reaches the CLI and the report index
in the evaluator's language).
"""

from __future__ import annotations

import os
import reprlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from analysis.i18n import report_language

MESSAGE_LANGUAGE_ENV = "ANALYSIS_MESSAGE_LANGUAGE"
"""Environment variable: the language ``str()`` of an error uses (``de`` or ``en``)."""


def message_language() -> str:
    """``de`` when ``$ANALYSIS_MESSAGE_LANGUAGE`` is ``de``, else ``en``."""
    return "de" if os.environ.get(MESSAGE_LANGUAGE_ENV) == "de" else "en"


@dataclass(frozen=True)
class Rule:
    """The text of a failed rule in German and English (both already formatted).

    Write it where the rule is checked, ``Rule(de=f"…", en=f"…")``, so the two versions
    stay together; ``str()`` is the English one (for code, logs and ``pytest.raises``).
    """

    de: str
    en: str

    def text(self, lang: str) -> str:
        """The rule in ``lang`` (German unless ``en``)."""
        return self.en if report_language(lang) == "en" else self.de

    def __str__(self) -> str:
        return self.en


def rule_text(rule: str | Rule, lang: str) -> str:
    """``rule`` in ``lang``; a plain string (a message of a library) stays as it is."""
    return rule.text(lang) if isinstance(rule, Rule) else str(rule)


_PLACE = {
    "row": {"de": "Zeile {row}", "en": "row {row}"},
    "entry_line": {
        "de": "Eintrag {row} der Liste '{of}' (Zeile {line})",
        "en": "row {row} (entry {row} of the list '{of}', line {line})",
    },
    "entry_only": {
        "de": "Eintrag {row} der Liste '{of}'",
        "en": "row {row} (entry {row} of the list '{of}')",
    },
    "row_line": {"de": "Zeile {row} (Zeile {line} der Datei)", "en": "row {row} (line {line})"},
    "line": {"de": "Zeile {line}", "en": "line {line}"},
    "column": {"de": "Spalte/Feld '{column}'", "en": "column/field '{column}'"},
    "got": {"de": " (gefunden: {value})", "en": " (got {value})"},
    "problems": {"de": "{n} Probleme:", "en": "{n} problems:"},
}


def _place(key: str, lang: str, **fields: object) -> str:
    return _PLACE[key][report_language(lang)].format(**fields)


EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_INPUT = 2
EXIT_LOCKED = 3


@dataclass(frozen=True)
class Problem:
    """One failed rule at one place of one input."""

    rule: str | Rule
    file: str | None = None
    # A row number, or a place that is not a row in both languages (``Rule(de="Absatz
    # 5", en="paragraph 5")`` for a Word file), shown as it is.
    row: int | str | Rule | None = None
    column: str | None = None
    value: object = None
    # The line in the file (from 1) when ``row`` counts something else, e.g. the entries
    # of a YAML list; ``entry_of`` names that list ("codes", "impact_map.outcomes").
    line: int | None = None
    entry_of: str | None = None

    def text(self, lang: str = "en") -> str:
        """The problem in ``lang``: where it is (file, row or entry, line, column/field),
        the rule, and the value found."""
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.row is not None and (self.line != self.row or self.entry_of is not None):
            where.append(self._row(lang))
        elif self.line is not None:
            where.append(_place("line", lang, line=self.line))
        if self.column is not None:
            where.append(_place("column", lang, column=shorten(self.column, MAX_SHOWN)))
        place = ", ".join(where)
        shown = ""
        if self.value is not None:
            shown = _place("got", lang, value=shown_value(self.value))
        rule = shorten(rule_text(self.rule, lang), MAX_RULE)
        return f"{place}: {rule}{shown}" if place else f"{rule}{shown}"

    def __str__(self) -> str:
        return self.text(message_language())

    def relative_to(self, root: str | Path) -> Problem:
        """This problem with its file named relative to ``root`` when it lies below it
        (``data/raw/x.yaml`` reads better than a long absolute path)."""
        if self.file is None or not Path(self.file).is_absolute():
            return self
        try:
            rel = Path(self.file).resolve().relative_to(Path(root).resolve())
        except ValueError:
            return self
        return replace(self, file=rel.as_posix())

    def _row(self, lang: str) -> str:
        if isinstance(self.row, Rule):
            return self.row.text(lang)
        of, line = self.entry_of, self.line
        if of is not None and line is not None:
            return _place("entry_line", lang, row=self.row, of=of, line=line)
        if of is not None:
            return _place("entry_only", lang, row=self.row, of=of)
        if line is not None:
            return _place("row_line", lang, row=self.row, line=line)
        return _place("row", lang, row=self.row)


MAX_SHOWN = 80
"""Characters of an input value shown in a message (the rest is cut, marked "…")."""
MAX_RULE = 1000
"""Characters of a rule shown in a message (a rule may quote input)."""

_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxstring = MAX_SHOWN
_REPR.maxother = MAX_SHOWN
_REPR.maxlong = 40


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to ``limit`` characters, marked with "…" when cut."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"


def shown_value(value: object) -> str:
    """A bounded ``repr`` of an input value for a message: it never walks or formats a
    whole large or deeply nested value (a YAML alias bomb, a long list), only its start."""
    return shorten(_REPR.repr(value), MAX_SHOWN)


class AnalysisError(Exception):
    """Base class of every error the workbench raises on purpose."""

    exit_code = EXIT_RUN_FAILED


class InputError(AnalysisError):
    """Bad input: a file, row, column/field and rule that failed.

    Carries one or more :class:`Problem`. ``str(err)`` lists them all.
    """

    exit_code = EXIT_INPUT

    def __init__(
        self,
        rule: str | Rule | None = None,
        *,
        file: str | Path | None = None,
        row: int | str | Rule | None = None,
        column: str | None = None,
        value: object = None,
        problems: Iterable[Problem] | None = None,
        line: int | None = None,
    ) -> None:
        found = list(problems or [])
        if rule is not None:
            found.insert(
                0,
                Problem(
                    rule=rule,
                    file=str(file) if file is not None else None,
                    row=row,
                    column=column,
                    value=value,
                    line=line,
                ),
            )
        if not found:
            raise ValueError("InputError needs a rule or problems")
        self.problems: list[Problem] = found
        super().__init__(str(self))

    def text(self, lang: str = "en") -> str:
        """Every problem in ``lang`` (German unless ``en``), one per line when several."""
        if len(self.problems) == 1:
            return self.problems[0].text(lang)
        lines = [_place("problems", lang, n=len(self.problems))]
        lines += [f"  - {p.text(lang)}" for p in self.problems]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text(message_language())

    @property
    def file(self) -> str | None:
        return self.problems[0].file

    @property
    def row(self) -> int | str | Rule | None:
        return self.problems[0].row

    @property
    def column(self) -> str | None:
        return self.problems[0].column

    @property
    def rule(self) -> str:
        """The first problem's rule in English."""
        return str(self.problems[0].rule)


class ManifestError(InputError):
    """The run manifest (pipeline.yaml) is malformed."""


class ParameterError(InputError):
    """A run's parameters do not fit the notebook's typed ``parameters`` cell."""


class LockedError(AnalysisError):
    """Another ``analysis run`` holds the project's lock (``lock``: its file)."""

    exit_code = EXIT_LOCKED

    def __init__(self, message: str, lock: str | Path | None = None) -> None:
        self.lock = str(lock) if lock is not None else None
        super().__init__(message)


class RunFailed(AnalysisError):
    """One or more notebook runs failed; the others completed."""

    exit_code = EXIT_RUN_FAILED


class FileAccessError(AnalysisError):
    """A file or folder could not be read, written or removed: which one, and why.

    ``action`` is ``"read"``, ``"write"`` or ``"remove"``. A file that cannot be read
    is an input problem (exit code 2: nothing executed, nothing changed); a file that
    cannot be written or removed is exit code 1.
    """

    def __init__(self, action: str, path: str | Path | None, cause: OSError) -> None:
        self.action = action
        self.path = str(path) if path is not None else None
        self.errno = cause.errno
        self.reason = cause.strerror or str(cause)
        self.exit_code = EXIT_INPUT if action == "read" else EXIT_RUN_FAILED
        where = f" {self.path}" if self.path else ""
        super().__init__(f"cannot {action}{where}: {self.reason}")


class SchedulerUnreachable(AnalysisError):
    """The Dask scheduler given with ``--scheduler`` cannot be reached (exit code 2)."""

    exit_code = EXIT_INPUT

    def __init__(self, address: str, cause: BaseException) -> None:
        self.address = address
        self.reason = str(cause) or type(cause).__name__
        super().__init__(f"cannot reach the Dask scheduler at {address}: {self.reason}")
