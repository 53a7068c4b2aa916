"""What the command line says, in German (default) and English (``--lang en``).

One catalogue for every message of ``analysis`` that an evaluator reads: the
summaries of run, status, verify and clean, and the errors that concern their
data or files. ``msg(key, lang, **fields)`` formats one. Rule texts of
:class:`analysis.errors.InputError` come from the loaders and stay as they are.
"""

from __future__ import annotations

import errno
import re
import signal
from typing import Any

from analysis.i18n import DEFAULT_LANGUAGE, report_language

MESSAGES: dict[str, dict[str, str]] = {
    # labels of `analysis <command>: <label>: <message>`
    "input_error": {"de": "Eingabefehler", "en": "input error"},
    "error": {"de": "Fehler", "en": "error"},
    "warning": {"de": "Warnung", "en": "warning"},
    "catalog_mismatch": {
        "de": "Inhalt weicht von seiner sha256 in {catalog} ab: die Rohdatei wurde geändert "
        "oder ersetzt; stellen Sie sie wieder her oder tragen Sie, wenn die Änderung gewollt "
        "ist, ihre neue sha256 in den Katalog ein (analysis.catalog.fill_hashes)",
        "en": "content differs from its sha256 in {catalog}: the raw file was changed or "
        "replaced; restore it, or if the change is intended, record its new sha256 in the "
        "catalogue (analysis.catalog.fill_hashes)",
    },
    "interrupted": {
        "de": "abgebrochen; kein halbfertiger Bericht blieb zurück.",
        "en": "interrupted; no partial report was left.",
    },
    "locked": {
        "de": "ein anderes 'analysis run' arbeitet in diesem Checkout (Sperre {lock}); "
        "warten Sie, bis es fertig ist",
        "en": "another 'analysis run' is working in this checkout (lock {lock}); "
        "wait for it to finish",
    },
    # files that cannot be read, written or removed
    "cannot_read": {
        "de": "kann {path} nicht lesen: {reason}{hint}. Nichts wurde ausgeführt, die Berichte "
        "sind unverändert; beheben Sie das und starten Sie erneut.",
        "en": "cannot read {path}: {reason}{hint}. Nothing executed and the reports are "
        "unchanged; fix this and run again.",
    },
    "cannot_write": {
        "de": "kann {path} nicht schreiben: {reason}{hint}. Die Berichte behalten ihre letzte "
        "vollständige Fassung; beheben Sie das und starten Sie erneut.",
        "en": "cannot write {path}: {reason}{hint}. Reports keep their last complete "
        "version; fix this and run again.",
    },
    "cannot_remove": {
        "de": "kann {path} nicht löschen: {reason}{hint}. Der Rest wurde gelöscht; "
        "beheben Sie das und starten Sie erneut.",
        "en": "cannot remove {path}: {reason}{hint}. The rest was removed; fix this and run again.",
    },
    "os_error": {
        "de": "Betriebssystemfehler: {reason}{hint}",
        "en": "operating system error: {reason}{hint}",
    },
    "hint_full": {"de": " (der Datenträger ist voll)", "en": " (the disk is full)"},
    "hint_quota": {
        "de": " (das Kontingent ist aufgebraucht)",
        "en": " (the disk quota is used up)",
    },
    "hint_read_only": {
        "de": " (das Dateisystem ist schreibgeschützt)",
        "en": " (the file system is read-only)",
    },
    "hint_no_read": {"de": " (keine Leseberechtigung)", "en": " (no permission to read it)"},
    "hint_no_write": {
        "de": " (keine Schreibberechtigung dort)",
        "en": " (no permission to write there)",
    },
    "hint_no_remove": {
        "de": " (keine Berechtigung zum Löschen)",
        "en": " (no permission to remove it)",
    },
    "scheduler_unreachable": {
        "de": "kann den Dask-Scheduler {address} nicht erreichen: {reason}. Läuft er, und "
        "stimmt die Adresse? Nichts wurde ausgeführt.",
        "en": "cannot reach the Dask scheduler at {address}: {reason}. Is it running and "
        "is the address right? Nothing executed.",
    },
    # analysis run
    "run_summary": {
        "de": "{executed} ausgeführt ({ok} erfolgreich, {failed} fehlgeschlagen), "
        "{skipped} aktuell.",
        "en": "{executed} executed ({ok} ok, {failed} failed), {skipped} up to date.",
    },
    "failed_run": {
        "de": "FEHLGESCHLAGEN {name}: {detail}{kept}",
        "en": "FAILED {name}: {detail}{kept}",
    },
    "kept": {"de": " → {path}", "en": " → {path}"},
    "cell": {"de": "Zelle {cell}", "en": "cell {cell}"},
    "cell_source": {"de": "Zelle {cell} ({source})", "en": "cell {cell} ({source})"},
    "before_any_cell": {"de": "vor der ersten Zelle", "en": "before any cell"},
    "cell_error": {"de": "{cell}: {ename}: {evalue}", "en": "{cell}: {ename}: {evalue}"},
    "timeout": {
        "de": "{cell} lief länger als ihr Zeitlimit von {timeout} s; der Kernel wurde "
        "beendet (Zeitlimit: 'timeout:' des Laufs in pipeline.yaml oder --timeout)",
        "en": "{cell} ran longer than its time limit of {timeout} s; the kernel was stopped "
        "(time limit: the run's 'timeout:' in pipeline.yaml or --timeout)",
    },
    "worker_killed": {
        "de": "der Arbeitsprozess für Lauf {name} wurde beendet (Signal {signal}){oom}",
        "en": "worker for run {name} was killed (signal {signal}){oom}",
    },
    "worker_killed_dask": {
        "de": "der Arbeitsprozess für Lauf {name} wurde beendet, vermutlich Speichermangel",
        "en": "worker for run {name} was killed, probably out of memory",
    },
    "oom": {"de": ", vermutlich Speichermangel", "en": ", probably out of memory"},
    # analysis status
    "up_to_date": {"de": "aktuell", "en": "up to date"},
    "stale": {"de": "VERALTET: {reasons}", "en": "STALE: {reasons}"},
    "status_summary": {
        "de": "{stale} von {total} Läufen veraltet.",
        "en": "{stale} of {total} runs stale.",
    },
    # why a run is stale (analysis.pipeline.cache.stale_reasons; the English is the key)
    "never run": {"de": "noch nie gelaufen", "en": "never run"},
    "last attempt failed": {"de": "letzter Versuch fehlgeschlagen", "en": "last attempt failed"},
    "no successful run recorded": {
        "de": "kein erfolgreicher Lauf verzeichnet",
        "en": "no successful run recorded",
    },
    "notebook changed": {"de": "Notebook geändert", "en": "notebook changed"},
    "parameters changed": {"de": "Parameter geändert", "en": "parameters changed"},
    "input changed": {"de": "Eingabe geändert", "en": "input changed"},
    "input added": {"de": "Eingabe hinzugekommen", "en": "input added"},
    "input removed": {"de": "Eingabe entfallen", "en": "input removed"},
    "helper package src/analysis changed": {
        "de": "Hilfspaket src/analysis geändert",
        "en": "helper package src/analysis changed",
    },
    "report files missing": {"de": "Berichtsdateien fehlen", "en": "report files missing"},
    # analysis verify
    "identical": {"de": "identisch  {name}", "en": "identical  {name}"},
    "different": {"de": "ABWEICHEND {name}: {diff}", "en": "DIFFERENT  {name}: {diff}"},
    "verify_failed": {"de": "FEHLGESCHLAGEN {name}: {error}", "en": "FAILED     {name}: {error}"},
    "not_recorded": {
        "de": "KEINE KENNZAHLEN {name}: zuerst 'analysis run' ausführen",
        "en": "NO RESULTS {name}: run 'analysis run' first",
    },
    "verify_summary": {
        "de": "{identical} identisch, {different} abweichend, {failed} fehlgeschlagen, "
        "{not_recorded} ohne gespeicherte Kennzahlen.",
        "en": "{identical} identical, {different} different, {failed} failed, "
        "{not_recorded} without recorded results.",
    },
    # analysis clean
    "clean_summary": {
        "de": "{removed} erzeugte Dateien und Ordner gelöscht.",
        "en": "removed {removed} generated files and folders.",
    },
}

_HINTS = {
    errno.ENOSPC: {"*": "hint_full"},
    errno.EDQUOT: {"*": "hint_quota"},
    errno.EROFS: {"*": "hint_read_only"},
    errno.EACCES: {"read": "hint_no_read", "write": "hint_no_write", "remove": "hint_no_remove"},
    errno.EPERM: {"read": "hint_no_read", "write": "hint_no_write", "remove": "hint_no_remove"},
}


def msg(key: str, lang: str = DEFAULT_LANGUAGE, **fields: Any) -> str:
    """The message ``key`` in ``lang`` (German unless ``en``), formatted with ``fields``."""
    return MESSAGES[key][report_language(lang)].format(**fields)


_USAGE_DE = [
    (
        r"argument (?P<arg>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)",
        "Argument {arg}: ungültige Wahl {value} (möglich: {choices})",
    ),
    (
        r"argument (?P<arg>\S+): invalid (?P<type>\w+) value: (?P<value>.+)",
        "Argument {arg}: ungültiger Wert {value} (erwartet: {type})",
    ),
    (r"argument (?P<arg>\S+): expected one argument", "Argument {arg}: erwartet einen Wert"),
    (
        r"argument (?P<arg>\S+): expected at least one argument",
        "Argument {arg}: erwartet mindestens einen Wert",
    ),
    (r"the following arguments are required: (?P<args>.+)", "es fehlen die Argumente: {args}"),
    (r"unrecognized arguments: (?P<args>.+)", "unbekannte Argumente: {args}"),
    (
        r"ambiguous option: (?P<opt>\S+) could match (?P<matches>.+)",
        "mehrdeutige Option {opt}: passt auf {matches}",
    ),
]
"""argparse's usage errors (Python 3.11/3.12 wording) and their German; argparse itself
has no German catalogue. A message not listed stays English."""


def usage_error(message: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """An argparse usage error in ``lang``: ``"analysis run: Fehler: Argument --jobs/-j:
    ungültiger Wert 'x' (erwartet: int)"`` follows from argparse's English message."""
    if report_language(lang) == "en":
        return message
    for pattern, german in _USAGE_DE:
        if found := re.fullmatch(pattern, message):
            return german.format(**found.groupdict())
    return message


_INPUT_ERRORS = {"InputError", "ManifestError", "ParameterError"}
"""Exception names (raised in a notebook) shown as an input error."""


def failure_detail(name: str, error: dict[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    """Where and why run ``name`` failed, from the ``error`` record of its outcome (cell
    and its first line, a time limit, a killed worker, or the exception), in ``lang``."""
    e = error
    kind = e.get("kind")
    if e.get("cell") is not None:
        source = e.get("source")
        cell = (
            msg("cell_source", lang, cell=e["cell"], source=source)
            if source
            else msg("cell", lang, cell=e["cell"])
        )
    else:
        cell = msg("before_any_cell", lang)
    if kind == "timeout":
        return msg("timeout", lang, cell=cell, timeout=e.get("timeout"))
    if kind == "worker_killed" and e.get("signal"):
        oom = msg("oom", lang) if e["signal"] == signal.SIGKILL else ""
        return msg("worker_killed", lang, name=name, signal=e["signal"], oom=oom)
    if kind == "worker_killed":
        return msg("worker_killed_dask", lang, name=name)
    ename = e.get("ename")
    label = msg("input_error", lang) if ename in _INPUT_ERRORS else ename
    return msg("cell_error", lang, cell=cell, ename=label, evalue=e.get("evalue"))


def stale_reason(reason: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A reason of :func:`analysis.pipeline.cache.stale_reasons` in ``lang``: its words
    translated, a file list after ``": "`` kept; an unknown reason stays as it is."""
    head, sep, rest = reason.partition(": ")
    if head in MESSAGES:
        return msg(head, lang) + sep + rest
    return reason


def os_hint(err_no: int | None, action: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """What an errno means for a read, write or removal, e.g. ' (the disk is full)'."""
    by_action = _HINTS.get(err_no or 0, {})
    key = by_action.get(action) or by_action.get("*")
    return msg(key, lang) if key else ""
