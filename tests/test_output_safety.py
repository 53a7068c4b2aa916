"""Output safety (issue 7, hardening): what the package writes cannot attack its reader.

- Spreadsheets: no exported XLSX or CSV cell can run as a formula (OWASP *CSV
  Injection*: text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets
  a leading ``'``); numbers stay numbers; the importers of the package's own workbooks
  (coding sheet, impact map) strip the quote again, so a round trip is lossless.
- HTML and DOCX: free text from protocols and centre files shows as written —
  ``<script>alert(1)</script> &amp;`` is text, never markup.
- File names: ids that become parts of file names (run names, centre_id, protocol_id,
  scenario) are plain ids; ``../x`` or ``a/b`` stop with an InputError naming the field.

Local kernels talk over IPC sockets, not TCP: see
``tests/pipeline/test_executors.py::test_local_kernels_use_ipc_transport``.
"""

from __future__ import annotations

import csv
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest
import yaml
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from analysis import results
from analysis.errors import InputError, ManifestError, ParameterError
from analysis.formatting import md_text, report_table
from analysis.paths import check_file_id
from analysis.pipeline import export, runner
from analysis.pipeline.manifest import load_manifest
from analysis.protocols import coding, documentation
from analysis.protocols import parse as protocols
from analysis.spreadsheets import (
    FORMULA_TRIGGERS,
    cell_value,
    neutralise,
    restore,
    write_csv,
    write_xlsx,
)
from analysis.sroi import centre as sroi_centre
from tests.conftest import make_notebook, write_project

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"

SCRIPT = "<script>alert(1)</script> &amp;"
"""A statement that must show as exactly these characters in every report."""

DANGEROUS = [
    "=1+1",
    '=HYPERLINK("http://evil.example","klick")',
    "+49 2461 Telefonkette",
    "-10 % Leerstand seit 2020",
    "@SUM(A1:A2)",
    "\tmit Tabulator",
    "\rmit Wagenrücklauf",
    "'=schon mit Hochkomma",
    "''+zwei Hochkommas",
]
"""Cell texts a spreadsheet program would run as a formula (or that look neutralised)."""

PROTOCOL = """\
Gesamt-Dokumentation zur Veranstaltungsreihe: „Soziale Organisationen als Partner der \
Wohnungswirtschaft“

Kurzprotokoll

Workshop: Sicherheit <b>fett</b> & Co

Organisationen: Verein =HYPERLINK("http://x") e. V.; Wohnbau <i>GmbH</i>

a) In welchem Handlungsfeld ist die soziale Organisation tätig und worin besteht die \
Kooperation mit der Wohnungswirtschaft?

- <script>alert(1)</script> &amp;
- =HYPERLINK("http://evil.example","klick")
- -10 % Leerstand seit 2020
- @Nachbarschaft, +49 2461 Telefonkette

b) Welche Voraussetzungen braucht es bei sozialen Organisationen und Wohnungsunternehmen?

- Vertrauen <img src=x onerror=alert(2)>

c) Welche Unterstützung benötigt die soziale Organisation?

- Günstige Räume

d) Wie kann die Kooperation verbessert werden?

- Mehr Austausch

e) Was ist sonst noch wichtig?

- Nichts
"""
"""A Kurzprotokoll whose free text is hostile to HTML and to spreadsheets."""


@pytest.fixture
def protocol(tmp_path: Path) -> protocols.Protocol:
    path = tmp_path / "xss_test.txt"
    path.write_text(PROTOCOL, encoding="utf-8")
    return protocols.parse_protocol(path)


@pytest.fixture(scope="module")
def book() -> coding.Codebook:
    return coding.load_codebook(RAW / "codebook.yaml")


# -- spreadsheets: neutralise and restore ---------------------------------------------------


@pytest.mark.parametrize("text", DANGEROUS)
def test_every_formula_trigger_is_neutralised_and_restored(text: str) -> None:
    safe = neutralise(text)
    assert safe == "'" + text
    assert not safe.startswith(FORMULA_TRIGGERS)
    assert restore(safe) == text


@pytest.mark.parametrize("value", [-5, -2.5, 0, 3.25, None, True, "Jülich", "", "'plain"])
def test_numbers_and_harmless_text_pass_unchanged(value: Any) -> None:
    assert neutralise(value) == value
    assert cell_value(value) == value
    assert restore(value) == value


@given(st.text(max_size=20))
def test_restore_undoes_neutralise_exactly(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(FORMULA_TRIGGERS)


def test_csv_export_neutralises_text_and_keeps_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "=Kopf": [*DANGEROUS, "Jülich"],
            "wert": [-1.5 * i for i in range(len(DANGEROUS) + 1)],
            "anzahl": range(-5, len(DANGEROUS) - 4),
        }
    )
    path = write_csv(frame, tmp_path / "out.csv")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["'=Kopf", "wert", "anzahl"]
    for text, row in zip(DANGEROUS, rows[1:], strict=False):
        assert row[0] == "'" + text
    assert rows[-1][0] == "Jülich"
    back = pd.read_csv(path)
    assert back["wert"].tolist() == frame["wert"].tolist()  # negatives stay numbers
    assert back["anzahl"].dtype.kind == "i" and back["anzahl"].min() == -5
    assert back.iloc[:, 0].map(restore).tolist() == frame["=Kopf"].tolist()


def test_xlsx_export_writes_text_never_formulas(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": DANGEROUS, "wert": [-float(i) for i in range(len(DANGEROUS))]})
    ws = load_workbook(write_xlsx({"Blatt": frame}, tmp_path / "t.xlsx"))["Blatt"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert [restore(c.value) for c in ws["A"][1:]] == DANGEROUS
    assert [c.value for c in ws["B"][1:]] == frame["wert"].tolist()
    assert all(c.data_type == "n" for c in ws["B"][1:])


# -- coding sheet: export and import ----------------------------------------------------------


def _no_formula_anywhere(path: Path) -> None:
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula"
                if isinstance(c.value, str):
                    assert not c.value.startswith(FORMULA_TRIGGERS), (ws.title, c.coordinate)


def test_coding_sheet_round_trip_is_lossless(protocol, book, tmp_path: Path) -> None:
    statements = coding.suggest_codes(protocols.to_frame([protocol]), book)
    assert set(DANGEROUS[1:4]) & set(statements["text"])  # the protocol is hostile
    path = coding.export_coding_sheet(
        statements, book, tmp_path / "kodierbogen.xlsx", coders=["coder_1", "=coder_2"]
    )
    _no_formula_anywhere(path)
    wb = load_workbook(path)
    ws = wb[coding.SHEET]
    header = [c.value for c in ws[1]]
    texts = [restore(c.value) for c in ws["E"][1:]]
    assert texts == statements["text"].tolist()  # statements verbatim after restore
    assert [c.value for c in ws["D"][1:]] == statements["position"].tolist()
    assert all(c.data_type == "n" for c in ws["D"][1:])  # positions stay numbers
    assert header[-1] == "'=coder_2"
    codes = book.names
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=len(header) - 1, value=codes[r % len(codes)])
        ws.cell(row=r, column=len(header), value=codes[(r + 1) % len(codes)])
    wb.save(path)
    sheet = coding.import_coding_sheet(path, book, statements=statements)
    assert sheet.columns.tolist() == ["coder_1", "=coder_2"]  # the quote is stripped
    assert sheet.index.tolist() == statements["statement_id"].tolist()
    assert sheet["coder_1"].tolist() == [codes[r % len(codes)] for r in range(2, ws.max_row + 1)]


# -- SROI impact map: export and import ------------------------------------------------------


def test_impact_map_round_trip_with_formula_text_is_lossless(tmp_path: Path) -> None:
    data = yaml.safe_load((RAW / "sroi" / "fictional_village.yaml").read_text(encoding="utf-8"))
    data["centre"]["name"] = "=Dorfladen"
    data["centre"]["facts"] = [{"fact": "-10 % Leerstand", "source": "@Gemeinde, 2024"}]
    data["stakeholders"][0]["name"] = "+Mieterinnen"
    data["stakeholders"][0]["description"] = SCRIPT
    data["impact_map"]["outcomes"][0]["outcome"] = '=HYPERLINK("http://evil.example")'
    first = next(iter(data["scenarios"]))
    data["scenarios"][first]["description"] = "-vorsichtig gerechnet"
    source = tmp_path / "fictional_village.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    imap = sroi_centre.load_impact_map(source)

    path = sroi_centre.export_impact_map_xlsx(imap, tmp_path / "map.xlsx")
    _no_formula_anywhere(path)
    wb = load_workbook(path)
    centre = {r[0].value: r[1] for r in wb["Centre"].iter_rows(min_row=2)}
    assert centre["name"].value == "'=Dorfladen"
    assert centre["discount_rate"].data_type == "n"  # numbers stay numbers
    assert all(c.data_type == "n" for c in wb["Outcomes"]["G"][1:])  # Quantity

    back = sroi_centre.load_impact_map(path)
    assert back.model.model_dump() == imap.model.model_dump()
    assert back.model.centre.name == "=Dorfladen"


# -- HTML and DOCX: free text is text ---------------------------------------------------------


class _Page(HTMLParser):
    """Visible text, script contents and event-handler attributes of an HTML page."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self._skip: str | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [(tag, a) for a, _ in attrs if a.lower().startswith("on")]
        if tag in ("script", "style"):
            self._skip = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._skip:
            self._skip = None

    def handle_data(self, data: str) -> None:
        (self.scripts if self._skip == "script" else self.text).append(data)


def _assert_shown_as_text(page: str, *texts: str) -> None:
    parsed = _Page(page)
    visible = "".join(parsed.text)
    for text in texts:
        assert text in visible, f"{text!r} is not shown as text"
    assert not any("alert(" in s for s in parsed.scripts), "free text became a script"
    assert not parsed.handlers, f"free text became an event handler: {parsed.handlers}"


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        (SCRIPT, "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;"),
        (
            "*fett* _kursiv_ [x](y) `c` #1 a|b ~d~",
            r"\*fett\* \_kursiv\_ \[x\](y) \`c\` \#1 a\|b \~d\~",
        ),
        (
            "- kein Punkt\n2. keine Nummer\n+ kein Plus",
            "\\- kein Punkt\n2\\. keine Nummer\n\\+ kein Plus",
        ),
        ("(Quelle: http://spes.de/index.php?id=95)", "(Quelle: <http://spes.de/index.php?id=95>)"),
        (
            "siehe https://de.wikipedia.org/wiki/A_(B).",
            "siehe <https://de.wikipedia.org/wiki/A_(B)>.",
        ),
    ],
)
def test_md_text_escapes_markup_and_links_web_addresses(text: str, markdown: str) -> None:
    assert md_text(text) == markdown


def test_protocol_html_shows_free_text_as_written(protocol, book) -> None:
    statements = coding.suggest_codes(protocols.to_frame([protocol]), book)
    codes = dict(zip(statements["statement_id"], statements["suggested"], strict=True))
    page = documentation.protocol_html(protocol, codes, book)
    _assert_shown_as_text(
        page, SCRIPT, "Vertrauen <img src=x onerror=alert(2)>", "Wohnbau <i>GmbH</i>"
    )
    assert "<b>" not in page and "<i>" not in page


def test_markdown_and_tables_in_the_html_export_are_escaped(protocol) -> None:
    """What notebooks display (Markdown with md_text, report_table) stays text in the
    report HTML that nbconvert renders."""
    table = report_table(pd.DataFrame({"Aussage <b>": [SCRIPT], "Wert": ["1.234,56"]}))
    outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/markdown": f"**{md_text(protocol.title)}**"},
        ),
        nbformat.v4.new_output("display_data", data={"text/markdown": md_text(SCRIPT)}),
        nbformat.v4.new_output("display_data", data={"text/html": table.to_html()}),
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Bericht"), nbformat.v4.new_code_cell("x")]
    nb.cells[1].outputs = outputs
    page = export.to_html(
        nb, {"created": "2026-01-01T00:00:00+00:00", "parameters": {"protocol_id": SCRIPT}}
    )
    parsed = _Page(page)
    visible = "".join(parsed.text)
    assert visible.count(SCRIPT) == 3  # Markdown, table and parameter table
    assert "Sicherheit <b>fett</b> & Co" in visible and "Aussage <b>" in visible
    _assert_shown_as_text(page, SCRIPT)


def test_docx_documentation_shows_free_text_as_written(protocol, book, tmp_path: Path) -> None:
    statements = coding.suggest_codes(protocols.to_frame([protocol]), book)
    codings = coding.codings_from_suggestions(statements)
    path = documentation.build_docx(
        documentation.DocumentationInput([protocol], statements, codings, book),
        tmp_path / "doku.docx",
    )
    texts = [p.text for p in Document(str(path)).paragraphs]
    assert SCRIPT in texts
    assert "Vertrauen <img src=x onerror=alert(2)>" in texts
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;" in xml
    assert "<script>" not in xml


@pytest.mark.slow
def test_reports_of_a_hostile_protocol_show_it_as_text(tmp_path: Path) -> None:
    """Notebooks 10 and 90 in the pipeline: HTML, DOCX and coding sheet of a protocol
    whose statements hold markup and formulas."""
    for nb in ("10_workshop_protocols.ipynb", "90_gesamtdokumentation.ipynb"):
        (tmp_path / "notebooks").mkdir(exist_ok=True)
        shutil.copy(ROOT / "notebooks" / nb, tmp_path / "notebooks" / nb)
    (tmp_path / "data/raw/protocols").mkdir(parents=True)
    (tmp_path / "data/raw/protocols/xss_test.txt").write_text(PROTOCOL, encoding="utf-8")
    shutil.copy(RAW / "codebook.yaml", tmp_path / "data/raw/codebook.yaml")
    runs = [
        {
            "name": "10_workshop_{protocol_id}",
            "notebook": "notebooks/10_workshop_protocols.ipynb",
            "grid": {"protocol_id": ["xss_test"]},
            "inputs": ["data/raw/protocols", "data/raw/codebook.yaml"],
        },
        {
            "name": "90_gesamtdokumentation",
            "notebook": "notebooks/90_gesamtdokumentation.ipynb",
            "inputs": ["data/raw/protocols", "data/raw/codebook.yaml"],
        },
    ]
    p = write_project(tmp_path, {}, runs)
    summary = runner.run(p, jobs=2, progress=False)
    assert summary.ok, [o.error for o in summary.failed]

    shown = (SCRIPT, "Sicherheit <b>fett</b> & Co", "Vertrauen <img src=x onerror=alert(2)>")
    for name in ("10_workshop_xss_test", "90_gesamtdokumentation"):
        _assert_shown_as_text((p.reports / f"{name}.html").read_text(encoding="utf-8"), *shown)
    _assert_shown_as_text(p.index.read_text(encoding="utf-8"))
    docx = p.reports / "90_gesamtdokumentation" / "gesamtdokumentation.docx"
    assert SCRIPT in [para.text for para in Document(str(docx)).paragraphs]
    _no_formula_anywhere(p.reports / "10_workshop_xss_test" / "kodierbogen_xss_test.xlsx")


# -- ids that become file names ---------------------------------------------------------------

BAD_IDS = ["../x", "a/b", "a\\b", "..", ".hidden", "a b", "x\n", ""]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_file_ids_must_be_plain(bad: str) -> None:
    with pytest.raises(InputError, match="centre_id must be a plain id") as err:
        check_file_id(bad, "centre_id")
    assert err.value.column == "centre_id"
    assert "centre_id muss eine einfache Kennung sein" in err.value.text("de")


@pytest.mark.parametrize("good", ["barmen", "fictional_village", "base", "Protokoll-2024_1"])
def test_plain_ids_pass(good: str) -> None:
    assert check_file_id(good, "x") == good


@pytest.mark.parametrize("bad", ["../barmen", "a/b"])
def test_domain_loaders_refuse_path_like_ids(bad: str) -> None:
    with pytest.raises(InputError, match="centre_id must be a plain id"):
        sroi_centre.load_centre(bad, RAW / "sroi")
    with pytest.raises(InputError, match="protocol_id must be a plain id"):
        protocols.find_protocol(RAW / "protocols", bad)
    imap = sroi_centre.load_centre("barmen", RAW / "sroi")
    with pytest.raises(InputError, match="scenario must be a plain id"):
        sroi_centre.apply_scenario(imap, bad)


NB = make_notebook(
    'centre_id: str = "barmen"  # centre\nscenario: str = "base"  # scenario\n'
    'protocol_id: str = "p"  # protocol',
    "print(centre_id, scenario, protocol_id)",
)


@pytest.mark.parametrize("field", ["centre_id", "protocol_id"])
@pytest.mark.parametrize("bad", ["../x", "a/b"])
def test_pipeline_refuses_path_like_id_parameters(tmp_path: Path, field: str, bad: str) -> None:
    run = {"name": "r", "notebook": "notebooks/nb.ipynb", "parameters": {field: bad}}
    p = write_project(tmp_path, {"nb.ipynb": NB}, [run])
    with pytest.raises(ParameterError) as err:
        runner.validate_runs(p, load_manifest(p))
    assert err.value.column == f"runs[0].parameters.{field}"


@pytest.mark.parametrize("bad", ["a/b", "../x", "x\n"])
def test_run_names_from_a_grid_must_be_file_safe(tmp_path: Path, bad: str) -> None:
    run = {"name": "sroi_{scenario}", "notebook": "notebooks/nb.ipynb", "grid": {"scenario": [bad]}}
    p = write_project(tmp_path, {"nb.ipynb": NB}, [run])
    with pytest.raises(ManifestError, match="run name must match") as err:
        load_manifest(p)
    assert err.value.column == "runs[0].name"


@pytest.mark.parametrize("bad", ["../x.xlsx", "a/b.xlsx", "kodierbogen.xlsx\n"])
def test_artifact_names_are_plain_file_names(bad: str) -> None:
    with pytest.raises(ValueError, match="artifact name"):
        results.artifact_path(bad)
