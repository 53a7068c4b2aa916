"""Reports as a person sees them: headless Chromium opens the index and the reports.

The pipeline regenerates a small but representative set of runs in a temporary copy
of the project (data overview, one workshop, one SROI centre with its Plotly Sankey,
one outcome event study, and the index). Each page is opened in Debian's Chromium,
driven by Playwright, with every request that leaves the file system blocked, as on
a machine without network. For each page: no code input and no ``In [ ]`` prompt
shows, every image has loaded, every Plotly figure has drawn, no script error
occurred, numbers in German reports are German (``1.234,56``, never ``1,234.56``),
no link is broken (local targets exist, anchors exist, web addresses are well formed),
no raw Python text shows (``{'``, ``[{'``, ``True``, long unformatted floats such as
``0.6548578213851117``), the page asks for nothing over the network (every attempted
request is recorded and must be none: reports are self-contained, issue 18.15), and
every image has a sane size. A full-page screenshot of each goes to
``build/screenshots/``; the README shows two of them, copied to ``docs/``.

``make test`` installs Chromium (``make browser``); without it the test is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from analysis.paths import ProjectPaths, project
from analysis.pipeline.manifest import load_manifest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

FIGURED = {
    "00_data_overview",
    "10_workshop_dorv_juelich_strukturschwache_gebiete",
    "20_sroi_barmen_base",
    "22_business_barmen_base",
    "30_outcomes_vacancy_rate",
}
"""Reports that must show at least one figure."""
PAGES = ["index", *(run.name for run in load_manifest(project(ROOT)))]
"""The index and every report of the pipeline."""
WITH_DECIMALS = {"index", "20_sroi_barmen_base", "30_outcomes_vacancy_rate"}
"""Pages that show decimal numbers (run durations, ratios, money, estimates)."""
WITH_GROUPED = {"20_sroi_barmen_base"}
"""Pages that show numbers of four digits or more with decimals (money)."""

ENGLISH_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\.\d+\b|(?<![\d.,])\d+\.\d{1,2}(?![\d.,])")
"""``1,234.56`` or ``0.53``: English grouping or decimal point (not ``25.11.2026``,
``1.360`` or a version such as ``0.1.0``)."""
GERMAN_DECIMAL = re.compile(r"(?<![\d.,])\d+,\d+(?![\d,])")
GERMAN_GROUPED = re.compile(r"\b\d{1,3}(?:\.\d{3})+,\d+\b")
GERMAN_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")

PAGE_FACTS = """() => {
  const all = s => Array.from(document.querySelectorAll(s));
  return {
    lang: document.documentElement.lang,
    codeInputs: all('.jp-CodeCell .jp-InputArea, .jp-CodeCell .jp-Cell-inputWrapper, '
      + '.jp-InputArea-editor, .jp-InputPrompt, .jp-OutputPrompt, .CodeMirror, .cm-editor, '
      + '.input_area, .prompt').length,
    stderr: all('[data-mime-type="application/vnd.jupyter.stderr"]').length,
    images: all('img').map(i => ({src: i.getAttribute('src').slice(0, 60),
                                  complete: i.complete, width: i.naturalWidth,
                                  height: i.naturalHeight, shown: i.clientWidth})),
    plots: all('.plotly-graph-div').map(d => d.querySelectorAll('svg.main-svg').length),
    links: all('a[href], link[href]').map(e => e.getAttribute('href'))
      .concat(all('img[src], script[src], iframe[src], source[src]')
        .map(e => e.getAttribute('src'))),
    ids: all('[id]').map(e => e.id).concat(all('a[name]').map(e => e.name)),
    verbatim: all('table').flatMap(t => {
      const heads = Array.from(t.querySelectorAll('thead th')).map(h => h.innerText.trim());
      const cols = heads.flatMap((h, i) => VERBATIM.includes(h) ? [i] : []);
      return Array.from(t.querySelectorAll('tbody tr')).flatMap(
        r => cols.map(i => (r.children[i] || {innerText: ''}).innerText));
    }),
  };
}"""
VERBATIM_COLUMNS = ["Grundlage", "Basis", "Quelle", "Source", "Annahme", "Assumption"]
"""Columns that quote sources and assumptions verbatim from the data files (their numbers
are as written there, e.g. a statute's "12.82 €"), left out of the number-format check."""
PAGE_FACTS = PAGE_FACTS.replace("VERBATIM", str(VERBATIM_COLUMNS))


RAW_REPR = re.compile(
    r"\{'|\[\{|\[\('|<Figure|<Axes|\bnan\b|\b(?:None|True|False)\b(?![ \xa0]?[a-z])"
)
"""Python reprs that only reach a page when a value is shown unformatted (``True`` alone,
not the English words in "None of the places" or "True effects")."""
URL = re.compile(r"https?://\S+")
LONG_FLOAT = re.compile(r"(?<![\d.,/])\d+[.,]\d{5,}(?![\d])")
"""``0.6548578213851117`` or ``0,72147``: a number nobody formatted."""


def _external(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Chromium not found ({CHROMIUM}); `make browser` installs Debian's chromium")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright missing; `make setup` installs the dev extras"
    )
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def reports(browser: Any, pipeline_reports: ProjectPaths) -> Path:
    """Every report of the pipeline, regenerated once per session (tests/conftest.py)."""
    return pipeline_reports.reports


@pytest.fixture
def page(browser: Any, reports: Path) -> Iterator[tuple[Any, list[str]]]:
    """A browser tab (and the script errors it reports) in a fresh context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Offline, as on a reader's machine without network: only files and data URIs load.
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
        ),
    )
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    # Every request that would leave the file system, aborted or not, is a finding.
    tab.on(
        "request",
        lambda req: (
            None
            if req.url.startswith(("file:", "data:", "blob:", "about:"))
            else errors.append(f"network request: {req.url}")
        ),
    )
    yield tab, errors
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_report_as_a_person_sees_it(page: tuple[Any, list[str]], reports: Path, name: str) -> None:
    tab, errors = page
    path = reports / f"{name}.html"
    assert path.is_file(), f"{path.name} was not generated"
    tab.goto(path.as_uri(), wait_until="load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    facts = tab.evaluate(PAGE_FACTS)
    text = tab.inner_text("body")

    # No code: no input areas, no prompts, no source lines, no stderr or tracebacks.
    assert facts["codeInputs"] == 0, "a code cell's input area or prompt is shown"
    assert not re.search(r"\b(?:In|Out)\s*\[\s*\d*\s*\]", text), "an In [ ] prompt is shown"
    for code in ("from analysis import", "results.record(", "display("):
        assert code not in text, f"source code is shown: {code!r}"
    assert facts["stderr"] == 0 and "Traceback" not in text, "an error output is shown"
    assert not errors, f"script errors or network requests: {errors}"

    # No raw Python text: every value went through a table, a sentence or a figure.
    prose_only = text
    for quoted in facts["verbatim"]:
        prose_only = prose_only.replace(quoted, " ")
    prose_only = URL.sub(" ", prose_only)  # web addresses hold numbers such as 1.912715
    raw = RAW_REPR.findall(prose_only) + LONG_FLOAT.findall(prose_only)
    assert not raw, f"unformatted values shown: {raw[:5]}"

    # Every image loaded; every Plotly figure drew its SVG.
    broken = [i["src"] for i in facts["images"] if not (i["complete"] and i["width"] > 0)]
    assert not broken, f"images that did not load: {broken}"
    if name in FIGURED:
        assert facts["images"], "a report without any figure"
    odd = [
        i["src"]
        for i in facts["images"]
        if not (200 <= i["width"] <= 5000 and 100 <= i["height"] <= 8000 and i["shown"] <= 1300)
        or not (0.15 <= i["height"] / max(i["width"], 1) <= 4)
    ]
    assert not odd, f"images of odd size: {odd}"
    assert all(n > 0 for n in facts["plots"]), "a Plotly figure did not draw"

    # German numbers and dates in German reports (English reports end in "_en").
    expected = "en" if name.endswith("_en") else "de"
    assert facts["lang"] == expected, f"report language {facts['lang']!r}, expected {expected}"
    if expected == "en":
        return _check_links(facts, path)
    prose = text
    for quoted in facts["verbatim"]:
        prose = prose.replace(quoted, " ")
    english = ENGLISH_NUMBER.findall(prose)
    assert not english, f"English-formatted numbers in a German report: {english[:5]}"
    assert GERMAN_DATE.search(text), "no German date (dd.mm.yyyy) in the page"
    if name in WITH_DECIMALS:
        assert GERMAN_DECIMAL.search(text), "no German decimal number (1,5) in the page"
    if name in WITH_GROUPED:
        assert GERMAN_GROUPED.search(text), "no German grouped number (1.234,56) in the page"

    _check_links(facts, path)


def _check_links(facts: dict[str, Any], path: Path) -> None:
    """No broken link: local targets exist, anchors exist, web addresses are well formed."""
    problems = []
    ids = set(facts["ids"])
    for href in facts["links"]:
        parts = urlsplit(href)
        if parts.scheme in ("data", "mailto"):
            continue
        if _external(href):
            tail = parts.path + ("?" + parts.query if parts.query else "")
            unbalanced = tail.count(")") > tail.count("(")
            if not parts.netloc or unbalanced or tail.endswith(("*", ",", ";")):
                problems.append(f"malformed web address {href!r}")
            continue
        if parts.scheme and parts.scheme != "file":
            problems.append(f"unexpected link {href!r}")
            continue
        if not parts.path:
            # HTML looks an anchor up as written, then percent-decoded.
            if parts.fragment and not {parts.fragment, unquote(parts.fragment)} & ids:
                problems.append(f"anchor {href!r} has no target")
            continue
        target = (path.parent / unquote(parts.path)).resolve()
        if not target.exists():
            problems.append(f"local link {href!r} points to nothing")
    assert not problems, problems
