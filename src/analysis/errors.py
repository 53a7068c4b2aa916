"""Exceptions of the workbench.

Every problem with user input is an :class:`InputError`: it names the file, the
row, the column or field, and the rule that failed, so an evaluator can fix the
input without reading code. The CLI turns it into exit code 2.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_INPUT = 2
EXIT_LOCKED = 3


@dataclass(frozen=True)
class Problem:
    """One failed rule at one place of one input."""

    rule: str
    file: str | None = None
    row: int | str | None = None
    column: str | None = None
    value: object = None
    # The line in the file (from 1) when ``row`` counts something else, e.g. the entries
    # of a YAML list; ``entry_of`` names that list ("codes", "impact_map.outcomes").
    line: int | None = None
    entry_of: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.row is not None and (self.line != self.row or self.entry_of is not None):
            where.append(f"row {self.row}{self._row_note()}")
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column/field '{shorten(self.column, MAX_SHOWN)}'")
        place = ", ".join(where)
        shown = ""
        if self.value is not None:
            shown = f" (got {shown_value(self.value)})"
        rule = shorten(self.rule, MAX_RULE)
        return f"{place}: {rule}{shown}" if place else f"{rule}{shown}"

    def _row_note(self) -> str:
        if self.entry_of is not None and self.line is not None:
            return f" (entry {self.row} of the list '{self.entry_of}', line {self.line})"
        if self.entry_of is not None:
            return f" (entry {self.row} of the list '{self.entry_of}')"
        if self.line is not None:
            return f" (line {self.line})"
        return ""


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
        rule: str | None = None,
        *,
        file: str | Path | None = None,
        row: int | str | None = None,
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

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    @property
    def file(self) -> str | None:
        return self.problems[0].file

    @property
    def row(self) -> int | str | None:
        return self.problems[0].row

    @property
    def column(self) -> str | None:
        return self.problems[0].column

    @property
    def rule(self) -> str:
        return self.problems[0].rule


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
