"""One language per report, and nothing shown that the notebook did not mean to show.

Every report of the pipeline (regenerated once per session, tests/conftest.py) is read
as a reader sees it — its visible text, without scripts, styles and the columns that
quote the data files verbatim (sources) — and scanned for words of the other language's
report frame: English headings and labels in a German report, German ones in an English
report. The lists hold words of the workbench's own wording, not of data files (place
names, protocol statements, citations stay as written).

The executed notebooks are checked for stray output too: a plain-text result, a widget
or a warning would show as raw text (the export refuses them; this checks every run).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from analysis.paths import ProjectPaths, project
from analysis.pipeline import export
from analysis.pipeline.manifest import load_manifest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
RUNS = [run.name for run in load_manifest(project(ROOT))]

ENGLISH_IN_GERMAN = [
    "Key figures",
    "Impact map",
    "Value by stakeholder",
    "Sensitivity",
    "Partner value exchange",
    "Tipping points",
    "Assumption",
    "Business case",
    "Cash flows",
    "Blended return",
    "Both returns",
    "Questions and statements",
    "Themes by question",
    "Present value",
    "present value",
    "low value",
    "high value",
    "none in range",
    "draws",
    "hours",
    "Scenario",
    "Created on",
    "Report",
]
"""English words of the report frame that must not appear in a German report."""

GERMAN_IN_ENGLISH = [
    "Kennzahlen",
    "Wirkungskarte",
    "Sensitivität",
    "Wertaustausch",
    "Kipppunkte",
    "Annahme",
    "Geschäftsmodell",
    "Zahlungsströme",
    "Gesamtrendite",
    "Barwert",
    "Ziehungen",
    "Szenario",
    "Erstellt am",
    "Rangfolge",
    "Strukturschwäche",
    "Methodenabhängigkeit",
    "Kandidaten",
    "Ausgeschlossene",
    "Profil des",
    "nicht im Bereich",
    "Stunden",
    "Wert bei",
    "und",
    "oder",
    "nicht",
]
"""German words of the report frame that must not appear in an English report."""

VERBATIM_HEADERS = {"Quelle", "Source", "Grundlage", "Basis", "Verwaltungssitz"}
"""Columns that quote data files (citations) verbatim."""
UNTRANSLATED = re.compile(r"\((?:German|English) only\)|\(nur auf (?:Deutsch|Englisch)\)")
"""The mark of a data file's text that has no version in the report language
(``analysis.formatting.fmt_text``): shown as written, and said so."""
QUOTED = re.compile(r"„[^„“]*“")
"""Statements quoted verbatim from the (German) workshop protocols, „…“."""


def visible_text(html: str) -> str:
    """The text a reader sees: no scripts, styles or verbatim source columns."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    for text in soup.find_all(string=UNTRANSLATED):
        text.replace_with(" ")
    for table in soup.find_all("table"):
        heads = [th.get_text(strip=True) for th in table.select("thead th")]
        columns = [i for i, h in enumerate(heads) if h in VERBATIM_HEADERS]
        for row in table.select("tbody tr"):
            cells = row.find_all(["td", "th"])
            for i in columns:
                if i < len(cells):
                    cells[i].clear()
    text = soup.get_text(" ")
    while (shorter := QUOTED.sub(" ", text)) != text:  # quotes within quotes, inside out
        text = shorter
    return text


def foreign_words(text: str, lang: str) -> list[str]:
    """Words of the other report language's list found in ``text`` (whole words)."""
    words = ENGLISH_IN_GERMAN if lang == "de" else GERMAN_IN_ENGLISH
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


def test_word_lists_catch_a_mixed_heading() -> None:
    assert foreign_words("SROI eines DORV-Zentrums / SROI of a DORV-style centre Key figures", "de")
    assert foreign_words("Annahme: Real cost of capital", "en") == ["Annahme"]
    assert foreign_words("Kennzahlen und Wirkungskarte, Stundenlohn (€/h)", "de") == []
    marked = "<p>Key figures</p><p>Barmen hat etwa 1.360 Einwohner und mehr. (German only)</p>"
    assert foreign_words(visible_text(marked), "en") == []
    quoted = "<p>Evidence: „Rendite muss nicht nur „Geld“ sein, und nicht nur“ (#b5)</p>"
    assert foreign_words(visible_text(quoted), "en") == []


@pytest.fixture(scope="module")
def reports(pipeline_reports: ProjectPaths) -> Path:
    return pipeline_reports.reports


@pytest.mark.parametrize("name", RUNS)
def test_one_language_per_report(reports: Path, name: str) -> None:
    lang = "en" if name.endswith("_en") else "de"
    html = (reports / f"{name}.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in html
    found = foreign_words(visible_text(html), lang)
    assert not found, f"{name} ({lang}) shows words of the other language: {found}"


@pytest.mark.parametrize("name", RUNS)
def test_no_stray_output(reports: Path, name: str) -> None:
    nb = nbformat.read(reports / f"{name}.ipynb", as_version=4)
    assert export.stray_outputs(nb) == []
