"""HTML reports without code, figures as files, the index page."""

from __future__ import annotations

import base64
import re

import nbformat
import pytest

from analysis import results
from analysis.pipeline import export

HEADER = {
    "title": "run_x",
    "parameters": {"centre_id": "<script>alert(1)</script>", "mc_draws": 10000, "rate": 0.035},
    "created": "2026-11-25T14:03:00+00:00",
    "version": "0.1.0",
    "commit": "0123456789abcdef0123",
    "dirty": True,
    "language": "de",
}
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()


def _executed() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("centre_id: str = 'x'")
    params.metadata["tags"] = ["parameters"]
    code = nbformat.v4.new_code_cell("secret_code_line = 42\nplot()")
    code.outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("display_data", data={results.MIME_TYPE: {"name": "a", "value": 1}}),
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: noise"),
        nbformat.v4.new_output("stream", name="stdout", text="Ergebnis sichtbar"),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Sozialrendite\n\nText."), params, code]
    return nb


def test_report_notebook_inserts_header_after_title_and_drops_machinery() -> None:
    nb = export.report_notebook(_executed(), HEADER)
    assert nb.metadata["title"] == "Sozialrendite"
    assert nb.cells[0].source.startswith("# Sozialrendite")
    assert "report-meta" in nb.cells[1].source
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1  # the parameters cell is gone
    kinds = [o.get("name") or next(iter(o.get("data", {}))) for o in code[0].outputs]
    assert kinds == ["image/png", "stdout"]


def test_header_is_german_and_escaped() -> None:
    html = export.header_html(
        **{k: HEADER[k] for k in ("parameters", "created", "version", "commit", "dirty")},
        title="A & B",
        lang="de",
    )
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<h1>A &amp; B</h1>" in html
    assert "Erstellt am: 25.11.2026, 14:03 UTC" in html
    assert ">10000<" in html and "0,035" in html
    assert "0123456789ab" in html and "nicht eingecheckten" in html
    english = export.header_html(
        parameters={},
        created=HEADER["created"],
        version="1",
        commit=None,
        dirty=None,
        title="T",
        lang="en",
    )
    assert "Created on: 25 Nov 2026, 14:03 UTC" in english and "<table" not in english
    flags = export.header_html(
        parameters={"validate": True, "sheet": None},
        created=HEADER["created"],
        version="1",
        commit=None,
        dirty=None,
        title="T",
        lang="de",
    )
    assert "<td>ja</td>" in flags and "<td>–</td>" in flags and "True" not in flags


def _clean() -> nbformat.NotebookNode:
    """The executed notebook without its streams, its text given as Markdown (what a
    report may show)."""
    nb = _executed()
    nb.cells[2].outputs = [o for o in nb.cells[2].outputs if o.get("output_type") != "stream"]
    shown = nbformat.v4.new_output("display_data", data={"text/markdown": "Ergebnis sichtbar"})
    nb.cells[2].outputs.append(shown)
    return nb


def test_html_report_has_no_code_and_embeds_images() -> None:
    html = export.to_html(_clean(), HEADER)
    assert '<html lang="de">' in html
    assert "secret_code_line" not in html
    assert "Ergebnis sichtbar" in html
    assert "data:image/png;base64" in html


def test_html_report_is_self_contained() -> None:
    """No script, style or font from a CDN: the report opens without network (18.15)."""
    html = export.to_html(_clean(), HEADER)
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    for cdn in ("require.js", "require.min.js", "mathjax", "MathJax", "unpkg", "cdnjs"):
        assert cdn not in html, cdn


def test_stray_outputs_are_listed_and_refused() -> None:
    nb = _executed()
    cell = nbformat.v4.new_code_cell("results.record('x', 1.0)")
    cell.outputs = [
        nbformat.v4.new_output(
            "execute_result", data={"text/plain": "0.6548578213851117"}, execution_count=3
        ),
        nbformat.v4.new_output(
            "display_data",
            data={"application/vnd.jupyter.widget-view+json": {}, "text/plain": "HBox()"},
        ),
    ]
    table = nbformat.v4.new_code_cell("report_table(df)")
    table.outputs = [
        nbformat.v4.new_output(
            "execute_result", data={"text/html": "<table/>", "text/plain": "df"}, execution_count=4
        ),
        nbformat.v4.new_output("display_data", data={"text/markdown": "**ok**"}),
    ]
    nb.cells += [cell, table]
    found = export.stray_outputs(nb)
    assert found == [
        "cell 2: stderr: UserWarning: noise",
        "cell 2: stdout: Ergebnis sichtbar",
        "cell 3: execute_result ['text/plain']: 0.6548578213851117",
        "cell 3: display_data ['application/vnd.jupyter.widget-view+json', 'text/plain']: HBox()",
    ]
    with pytest.raises(export.StrayOutputError, match="cell 3: execute_result"):
        export.to_html(nb, HEADER)


def test_cells_of_the_other_language_are_left_out() -> None:
    nb = _clean()
    de = nbformat.v4.new_markdown_cell("## Kennzahlen")
    de.metadata["tags"] = ["lang-de"]
    en = nbformat.v4.new_markdown_cell("## Key figures")
    en.metadata["tags"] = ["lang-en"]
    nb.cells += [de, en]
    german = export.to_html(nb, HEADER)
    english = export.to_html(nb, {**HEADER, "language": "en"})
    assert "Kennzahlen" in german and "Key figures" not in german
    assert "Key figures" in english and "Kennzahlen" not in english
    assert '<html lang="en">' in english


def test_figures_are_numbered_in_order() -> None:
    figs = export.figures(_executed())
    assert [name for name, _ in figs] == ["fig-01-cell02.png"]
    assert figs[0][1].startswith(b"\x89PNG")


def _entry(**kw: object) -> dict:
    entry = {
        "name": "a<b",
        "title": "Sozialrendite – barmen, base",
        "description": None,
        "notebook": "notebooks/20_sroi_centre.ipynb",
        "status_class": "ok",
        "status_label": "erfolgreich",
        "error": None,
        "finished": "25.11.2026, 14:03",
        "duration": 12.34,
        "commit": "0123456789ab",
        "headline": [("SROI", "3,38\xa0:\xa01")],
        "data_status": ("fictional", "fiktive Daten"),
        "html": "a.html",
        "pdf": None,
        "ipynb": "a.ipynb",
        "json": "a.results.json",
        "failed_ipynb": None,
    }
    return {**entry, **kw}


def test_index_leads_with_findings_by_topic_and_escapes() -> None:
    page = export.render_index(
        [
            _entry(),
            _entry(name="b", notebook="notebooks/30_cooperation_outcomes.ipynb", pdf="b.pdf"),
        ],
        created="2026-11-25T14:03:00+00:00",
    )
    assert "a&lt;b" in page and 'href="a.html"' in page and "12,3" in page
    assert "Berichtsübersicht" in page and '<html lang="de">' in page
    assert page.index(">SROI</h2>") < page.index(">Wirkungen der Kooperation</h2>")
    assert "3,38\xa0:\xa01" in page and "fiktive Daten" in page
    assert "PDF fehlt" in page and 'href="b.pdf"' in page  # a's PDF is missing, b's is there
    assert "<details>" in page and "0123456789ab" in page


def test_headlines_read_the_recorded_results() -> None:
    sroi = {"sroi_ratio": 3.38078, "mc_p05": 2.3633, "mc_p95": 4.0366}
    assert export.headlines("notebooks/20_sroi_centre.ipynb", sroi, "de") == [
        ("SROI", "3,38\xa0:\xa01"),
        ("90-%-Intervall (Monte-Carlo)", "2,36 bis 4,04"),
    ]
    npv = {"npv": -1199.5, "irr": 0.0382, "mc_npv_p05": -268174.9, "mc_npv_p95": 294213.7}
    de = dict(export.headlines("notebooks/22_centre_business_case.ipynb", npv, "de"))
    assert de["Kapitalwert"] == "-1.200\xa0€" and de["Interner Zinsfuß"] == "3,8\xa0%"
    en = dict(export.headlines("notebooks/22_centre_business_case.ipynb", npv, "en"))
    assert en["Net present value"] == "-€1,200"
    att = {"att_simple": -1.63, "att_simple_se": 0.0769}
    assert export.headlines("notebooks/30_x.ipynb", att, "de")[1][1] == "-1,78 bis -1,48"
    whatif = {
        "sroi_ratio": 3.38078,
        "business_npv": -1199.5,
        "grid": [{"business_npv": -350356.9}, {"business_npv": 120400.2}, {"sroi_ratio": 3.1}],
    }
    assert export.headlines("notebooks/50_what_if.ipynb", whatif, "de") == [
        ("SROI", "3,38\xa0:\xa01"),
        ("Kapitalwert Geschäftsmodell", "-1.200\xa0€"),
        ("Kapitalwert der Varianten", "-350.357\xa0€ bis 120.400\xa0€"),
    ]
    workbook = {"workshops": 4, "statements": 83, "coding_workbook": "kodierbogen_reihe.xlsx"}
    assert export.headlines("notebooks/11_coding_workbook.ipynb", workbook, "en") == [
        ("Workshops", "4"),
        ("Statements", "83"),
    ]
    assert export.headlines("notebooks/99_new.ipynb", sroi, "de") == []


def test_data_status_and_topics() -> None:
    assert export.data_status(["real", "authored"]) is None
    assert export.data_status(["fictional"]) == ("fictional", "fiktive Daten")
    assert export.data_status(["synthetic", "authored"], "en") == ("synthetic", "synthetic data")
    assert export.data_status(["real", "fictional"])[0] == "mixed"
    assert export.topic_of("notebooks/23_business_comparison.ipynb") == "business"
    assert export.topic_of("notebooks/50_sroi_what_if.ipynb") == "sroi"
    assert export.topic_of("notebooks/77_new.ipynb") == "other"


def test_run_title_names_the_sweep_values() -> None:
    title = export.run_title(
        "20_sroi_fictional_village_base",
        "Sozialrendite (SROI) eines DORV-Zentrums: Wirkungskarte",
        {"centre_id": "fictional_village", "scenario": "base", "language": "de", "seed": 1},
    )
    assert title == "Sozialrendite (SROI) eines DORV-Zentrums – fictional_village, base"


def test_run_title_prefers_the_title_a_run_recorded() -> None:
    title = export.run_title(
        "10_workshop_dorv_juelich",
        "Workshop-Protokoll: Aussagen, Themen, Kodierbogen",
        {"protocol_id": "dorv_juelich"},
        {"title": "Lebenswerten Wohnraum\n sichern", "statements": 25},
    )
    assert title == "Workshop-Protokoll – Lebenswerten Wohnraum sichern"
    assert export.run_title("x", "A: b", {}, {"title": ""}) == "A"


def test_pdf_is_printed_or_reported_missing(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    html = tmp_path / "r.html"
    html.write_text(export.to_html(_clean(), HEADER), encoding="utf-8")
    monkeypatch.setenv("ANALYSIS_PDF", "0")
    assert export.to_pdf(html, tmp_path / "off.pdf") is False
    monkeypatch.delenv("ANALYSIS_PDF")
    if export.chromium() is None:
        pytest.skip("no Chromium to print with")
    assert export.to_pdf(html, tmp_path / "r.pdf") is True
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"
