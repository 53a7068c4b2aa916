"""The protocol notebooks run under papermill and record their key figures (slow).

The seed protocol's report and the Gesamt-Dokumentation without a coding sheet are runs
of pipeline.yaml and are read from the session's shared pipeline run
(``pipeline_reports``, files a run saved under ``reports/<run>/``); the English report and
the documentation with a filled coding sheet, which the manifest does not list, execute
here."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from analysis import paths
from analysis.paths import ProjectPaths
from tests.notebook_helpers import pipeline_values, run_values

pytestmark = pytest.mark.slow


def _run(name: str, out: Path, artifacts: Path, monkeypatch, **parameters) -> dict:  # type: ignore[no-untyped-def]
    return run_values(name, out, artifacts=artifacts, **parameters)


def test_workshop_notebook_seed(pipeline_reports: ProjectPaths) -> None:
    run = "10_workshop_dorv_juelich_strukturschwache_gebiete"
    values = pipeline_values(pipeline_reports, run)
    assert values["questions"] == 5
    assert values["statements"] == 25
    assert values["bullets"] == 23
    assert values["paragraphs"] == 2
    assert values["fictional"] is False
    sheet = pipeline_reports.reports / run / values["coding_sheet"]
    assert load_workbook(sheet)["Kodierung"].max_row == 26


def test_workshop_notebook_english_fictional(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    values = _run(
        "10_workshop_protocols.ipynb",
        tmp_path / "out.ipynb",
        tmp_path,
        monkeypatch,
        protocol_id="fiktiv_pflege_wohnen_im_alter",
        language="en",
    )
    assert values["fictional"] is True
    assert values["statements"] == 21
    text = (tmp_path / "out.ipynb").read_text(encoding="utf-8")
    assert "fictional example protocol" in text


def test_gesamtdokumentation_notebook(pipeline_reports: ProjectPaths) -> None:
    values = pipeline_values(pipeline_reports, "90_gesamtdokumentation")
    assert values["workshops"] == 4
    assert values["fictional_workshops"] == 3
    assert values["statements"] == 83
    assert values["unreadable_files"] == 0
    doc = Document(str(pipeline_reports.reports / "90_gesamtdokumentation" / values["docx_file"]))
    assert values["docx_file"] == "gesamtdokumentation.docx"
    texts = {p.text for p in doc.paragraphs}
    assert "Das kann gar auch die Wohnungswirtschaft selbst sein." in texts


def test_gesamtdokumentation_with_coding_sheet(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from analysis.protocols.coding import export_coding_sheet, load_codebook, suggest_codes
    from analysis.protocols.parse import load_protocols

    book = load_codebook(paths.RAW / "codebook.yaml")
    suggested = suggest_codes(load_protocols(paths.RAW / "protocols"), book)
    sheet = export_coding_sheet(suggested, book, tmp_path / "filled.xlsx", coders=["a", "b"])
    wb = load_workbook(sheet)
    ws = wb["Kodierung"]
    for r, codes in enumerate(suggested["suggested"], start=2):
        first = codes[0] if codes else "other"
        ws.cell(row=r, column=7, value=first)
        ws.cell(row=r, column=8, value=first if r % 5 else "other")
    wb.save(sheet)
    values = _run(
        "90_gesamtdokumentation.ipynb",
        tmp_path / "out.ipynb",
        tmp_path,
        monkeypatch,
        coding_sheet=str(sheet),
        n_boot=300,
    )
    assert 0 < values["krippendorff_alpha"] < 1
    assert 0 < values["cohens_kappa"]["a-b"] < 1
    assert values["coding_source"].startswith("Konsens der Kodierenden")
    assert values["statements_coded_by_all"] == values["statements"] == 83
    series = values["reliability"]["*"]
    assert series["kappa"] == pytest.approx(values["cohens_kappa"]["a-b"])
    assert series["kappa_low"] < series["kappa"] < series["kappa_high"]
    assert series["alpha_low"] < series["alpha"] <= series["alpha_high"]
    assert set(values["reliability"]) == {*values["statements_per_workshop"], "*"}
    html = (tmp_path / "out.ipynb").read_text(encoding="utf-8")
    assert "Krippendorffs α [95 %-KI]" in html and "Hayes &amp; Krippendorff (2007)" in html
    doc = Document(str(tmp_path / values["docx_file"]))
    # the agreement table, then the statements feeding the centres' impact maps
    header = [c.text for c in doc.tables[-2].rows[0].cells]
    assert header[-2:] == ["Cohens κ [95 %-KI]", "Krippendorffs α [95 %-KI]"]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[-1] == "6. Workshop-Aussagen in den Wirkungskarten der Zentren"
    assert len(doc.tables[-1].rows) == values["evidence_citations"] + 1
    assert [c.text for c in doc.tables[-1].rows[0].cells][:2] == ["Workshop", "Aussage"]


def test_series_coding_workbook(pipeline_reports: ProjectPaths) -> None:
    values = pipeline_values(pipeline_reports, "11_kodierbogen_reihe")
    assert values["workshops"] == 4 and values["unreadable_files"] == 0
    assert values["statements"] == 83
    ws = load_workbook(
        pipeline_reports.reports / "11_kodierbogen_reihe" / values["coding_workbook"]
    )["Kodierung"]
    ids = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(ids) == 83 and ids[0] == "dorv_juelich_strukturschwache_gebiete#a1"
    assert {i.split("#")[0] for i in ids} == set(values["statements_per_workshop"])


def test_gesamtdokumentation_with_partly_coded_workshop_sheets(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Notebook 10's per-workshop sheets, two of four filled, in a folder: accepted and
    reported as partly coded (English report)."""
    from analysis.protocols.coding import export_coding_sheet, load_codebook, suggest_codes
    from analysis.protocols.parse import load_protocols

    book = load_codebook(paths.RAW / "codebook.yaml")
    suggested = suggest_codes(load_protocols(paths.RAW / "protocols"), book)
    folder = tmp_path / "sheets"
    folder.mkdir()
    coded = 0
    for k, (pid, part) in enumerate(suggested.groupby("protocol_id", sort=False)):
        sheet = export_coding_sheet(part, book, folder / f"kodierbogen_{pid}.xlsx")
        if k >= 2:
            continue
        wb = load_workbook(sheet)
        ws = wb["Kodierung"]
        for r, codes in enumerate(part["suggested"], start=2):
            first = codes[0] if codes else "other"
            ws.cell(row=r, column=7, value=first)
            ws.cell(row=r, column=8, value=first if r % 3 else "other")
        wb.save(sheet)
        coded += len(part)
    values = _run(
        "90_gesamtdokumentation.ipynb",
        tmp_path / "out.ipynb",
        tmp_path,
        monkeypatch,
        coding_sheet=str(folder),
        n_boot=200,
        language="en",
    )
    assert values["statements_coded_by_all"] == coded < values["statements"]
    html = (tmp_path / "out.ipynb").read_text(encoding="utf-8")
    assert "the sheet is only partly coded" in html
    doc = Document(str(tmp_path / values["docx_file"]))
    assert doc.core_properties.language == "en-GB"
