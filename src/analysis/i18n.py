"""Report languages: German by default, English available.

Holds the few fixed labels of the report frame (header, index, status names).
Domain modules keep their own German/English labels next to their data (e.g. the
codebook), so this stays small.
"""

from __future__ import annotations

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"

LABELS: dict[str, dict[str, str]] = {
    "report": {"de": "Bericht", "en": "Report"},
    "parameters": {"de": "Parameter", "en": "Parameters"},
    "parameter": {"de": "Parameter", "en": "Parameter"},
    "value": {"de": "Wert", "en": "Value"},
    "created": {"de": "Erstellt am", "en": "Created on"},
    "version": {"de": "Version der Werkbank", "en": "Workbench version"},
    "commit": {"de": "Git-Commit", "en": "Git commit"},
    "uncommitted": {"de": "mit nicht eingecheckten Änderungen", "en": "with uncommitted changes"},
    "run": {"de": "Lauf", "en": "Run"},
    "notebook": {"de": "Notebook", "en": "Notebook"},
    "status": {"de": "Status", "en": "Status"},
    "duration": {"de": "Dauer", "en": "Duration"},
    "finished": {"de": "Beendet", "en": "Finished"},
    "results": {"de": "Kennzahlen", "en": "Key figures"},
    "index_title": {"de": "Berichtsübersicht", "en": "Report index"},
    "index_intro": {
        "de": "Alle Berichte der Werkbank, aus den Rohdaten in data/raw neu erzeugt.",
        "en": "Every report of the workbench, regenerated from the raw data in data/raw.",
    },
    "status_ok": {"de": "erfolgreich", "en": "succeeded"},
    "status_failed": {"de": "fehlgeschlagen", "en": "failed"},
    "status_skipped": {"de": "unverändert", "en": "unchanged"},
    "status_never": {"de": "noch nicht gelaufen", "en": "not run yet"},
    "seconds": {"de": "s", "en": "s"},
    "html": {"de": "HTML-Bericht", "en": "HTML report"},
    "ipynb": {"de": "Notebook", "en": "Notebook"},
    "json": {"de": "Kennzahlen (JSON)", "en": "Key figures (JSON)"},
    "pdf": {"de": "PDF", "en": "PDF"},
    "pdf_missing": {
        "de": "PDF fehlt (kein Chromium zum Drucken oder PDF abgeschaltet)",
        "en": "PDF missing (no Chromium to print with, or PDF switched off)",
    },
    "index_lead": {
        "de": "Die wichtigsten Ergebnisse jedes Berichts auf einen Blick, nach Thema. "
        "Berichte mit fiktiven oder synthetischen Daten sind gekennzeichnet: "
        "Ihre Zahlen zeigen, wie die Auswertung arbeitet, nicht wie es ist.",
        "en": "The main results of every report at a glance, by topic. Reports on "
        "fictional or synthetic data are marked: their figures show how the analysis "
        "works, not how things are.",
    },
    "failed_runs": {
        "de": "Fehlgeschlagene Läufe (der letzte gute Bericht bleibt verlinkt)",
        "en": "Failed runs (the last good report stays linked)",
    },
    "details": {"de": "Details zum Lauf", "en": "Run details"},
    "no_headline": {"de": "keine Kennzahl hinterlegt", "en": "no key figure recorded"},
    "contents": {"de": "Themen", "en": "Topics"},
}


def check_language(lang: str) -> str:
    """Return ``lang`` if it is a supported report language, else raise ValueError."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGUAGES)}")
    return lang


def report_language(lang: str) -> str:
    """``en`` for English, else the default ``de``: report helpers fall back to German."""
    return "en" if lang == "en" else "de"


def t(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The label ``key`` in ``lang``."""
    return LABELS[key][check_language(lang)]
