"""Build the binary files of the bad-input corpus (XLSX, DOCX, NUL bytes, cp1252 CSV).

Text cases are written by hand next to their ``case.yaml``; the binary ones are made
here, from the shipped data, and checked in together with this script, so each can
be rebuilt and read::

    .venv/bin/python tests/data/bad/build.py

Every impact-map workbook starts as the export of ``fictional_village.yaml``
(centre id ``werkstatt``) by :func:`analysis.sroi.xlsx.write_workbook`; one change
per case makes it bad.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
RAW = ROOT / "data" / "raw"


def _column(ws: Any, header: str) -> int:
    """1-based index of the column titled ``header`` in row 1."""
    for cell in ws[1]:
        if cell.value == header:
            return cell.column
    raise KeyError(header)


def _set(ws: Any, header: str, data_row: int, value: Any) -> None:
    """Set the cell of column ``header`` in data row ``data_row`` (1 = below the header)."""
    ws.cell(row=data_row + 1, column=_column(ws, header), value=value)


def formula(wb: Any) -> None:
    _set(wb["Outcomes"], "Quantity", 1, "=200+20")  # openpyxl stores no computed result


def merged_cells(wb: Any) -> None:
    wb["Outcomes"].merge_cells("B4:B5")  # Stakeholder of outcome rows 3 and 4


def copied_sheet(wb: Any) -> None:
    wb.copy_worksheet(wb["Outcomes"]).title = "Outcomes (2)"


def fraction_text_percent(wb: Any) -> None:
    _set(wb["Outcomes"], "Deadweight %", 1, "15 %")


def percent_as_number(wb: Any) -> None:
    _set(wb["Outcomes"], "Attribution %", 2, 30)


def missing_column(wb: Any) -> None:
    ws = wb["Outcomes"]
    ws.cell(row=1, column=_column(ws, "Indicator"), value="Indikator")


def headers_only(wb: Any) -> None:
    for name in ("Outcomes", "Uncertainty"):
        ws = wb[name]
        ws.delete_rows(2, ws.max_row)


def id_with_slash(wb: Any) -> None:
    _set(wb["Outcomes"], "Outcome ID", 1, "local/shopping")
    unc = wb["Uncertainty"]
    for (cell,) in unc.iter_rows(min_row=2, min_col=2, max_col=2):
        if cell.value == "local_shopping":
            cell.value = "local/shopping"


WORKBOOKS: dict[str, Callable[[Any], None]] = {
    "xlsx_formula": formula,
    "xlsx_merged_cells": merged_cells,
    "xlsx_copied_sheet": copied_sheet,
    "xlsx_fraction_text_percent": fraction_text_percent,
    "xlsx_percent_as_number": percent_as_number,
    "xlsx_missing_column": missing_column,
    "xlsx_headers_only": headers_only,
    "xlsx_id_with_slash": id_with_slash,
}


def build_workbooks(out: Path = HERE) -> list[Path]:
    from analysis.sroi.xlsx import write_workbook

    data = yaml.safe_load((RAW / "sroi" / "fictional_village.yaml").read_text(encoding="utf-8"))
    data.pop("business", None)
    data["centre"]["id"] = "werkstatt"
    written = []
    for case, change in WORKBOOKS.items():
        path = out / case / "werkstatt.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_workbook(data, path)
        wb = load_workbook(path)
        change(wb)
        wb.save(path)
        written.append(path)
    path = out / "xlsx_not_a_workbook" / "werkstatt.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Outcome ID;Stakeholder;Quantity\nlocal_shopping;villagers;220\n")
    return [*written, path]


def build_protocols(out: Path = HERE) -> list[Path]:
    from docx import Document

    binary = out / "protocol_binary" / "fiktiv_pflege_wohnen_im_alter.txt"
    binary.parent.mkdir(parents=True, exist_ok=True)
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    docx = RAW / "protocols" / "fiktiv_quartiersarbeit_nachbarschaft.docx"
    corrupt = out / "protocol_docx_corrupt" / docx.name
    corrupt.parent.mkdir(parents=True, exist_ok=True)
    corrupt.write_bytes(docx.read_bytes()[:400])  # a download that broke off

    empty = out / "protocol_docx_no_questions" / docx.name
    empty.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    doc.add_paragraph("FIKTIVES BEISPIELPROTOKOLL – Testfall ohne Fragen.")
    doc.add_paragraph("Kurzprotokoll")
    doc.add_heading("Workshop: Quartiersarbeit und gute Nachbarschaft", level=1)
    for text in ("Nachbarschaftstreff im Erdgeschoss", "Mieterbeirat und Quartiersfest"):
        doc.add_paragraph(text, style="List Bullet")
    doc.save(str(empty))
    return [binary, corrupt, empty]


def build_docx_bomb(out: Path = HERE) -> Path:
    """The shipped DOCX with 30 MB of blanks in its document.xml: compressed about
    1000:1 (a zip bomb; real ones unpack to gigabytes from a few megabytes)."""
    import zipfile

    docx = RAW / "protocols" / "fiktiv_quartiersarbeit_nachbarschaft.docx"
    path = out / "protocol_docx_zip_bomb" / docx.name
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                head, sep, tail = data.partition(b"<w:body>")
                data = head + sep + b" " * 30_000_000 + tail
            dst.writestr(info.filename, data, compresslevel=9)
    return path


def build_german_excel_panel(out: Path = HERE) -> Path:
    """The example panel as German Excel saves "CSV (Trennzeichen-getrennt)": ``;``,
    decimal commas, Windows-1252; with a blank line and one value written "k. A."."""
    lines = (RAW / "outcomes" / "example_panel.csv").read_text(encoding="utf-8").splitlines()
    german = [lines[0] + " (Gebiete für Tests)"]
    for line in lines[1:]:
        german.append(";".join(cell.replace(".", ",") for cell in line.split(",")))
    german.insert(4, "")  # a blank line after the second data row
    german[7] = german[7].replace(german[7].split(";")[4], "k. A.", 1)
    path = out / "panel_german_excel_bad_value" / "example_panel.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(german) + "\r\n").encode("cp1252"))
    return path


if __name__ == "__main__":
    for p in build_protocols() + build_workbooks():
        print(p.relative_to(ROOT))
    for p in (build_docx_bomb(), build_german_excel_panel()):
        print(p.relative_to(ROOT))
