"""Tests of the XLSX impact map: round trip, template, bad cells."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from analysis.errors import InputError
from analysis.sroi import centre as sroi_centre
from analysis.sroi import engine as sroi
from analysis.sroi.xlsx import OUTCOME_COLUMNS, SHEETS

RAW = Path(__file__).resolve().parents[2] / "data" / "raw" / "sroi"


@pytest.mark.parametrize("centre", ["barmen", "fictional_quarter"])
def test_round_trip_keeps_every_figure_and_note(centre: str, tmp_path: Path) -> None:
    imap = sroi_centre.load_centre(centre, RAW)
    path = sroi_centre.export_impact_map_xlsx(imap, tmp_path / f"{centre}.xlsx")
    back = sroi_centre.load_impact_map(path)
    assert back.model.model_dump() == imap.model.model_dump()
    for scenario in imap.scenarios:
        assert sroi.evaluate(back, scenario).ratio == pytest.approx(
            sroi.evaluate(imap, scenario).ratio, rel=1e-12
        )


def test_workbook_has_guide_columns(tmp_path: Path) -> None:
    path = sroi_centre.export_impact_map_xlsx(
        sroi_centre.load_centre("barmen", RAW), tmp_path / "b.xlsx"
    )
    wb = load_workbook(path)
    assert tuple(wb.sheetnames) == SHEETS
    header = [c.value for c in wb["Outcomes"][1]]
    assert header == list(OUTCOME_COLUMNS)
    for col in (
        "Deadweight %",
        "Displacement %",
        "Attribution %",
        "Drop off %",
        "Impact",
        "Financial proxy",
    ):
        assert col in header
    # the Impact column is the stage-4 impact of each row
    row = [c.value for c in wb["Outcomes"][2]]
    r = sroi.evaluate(sroi_centre.load_centre("barmen", RAW))
    assert row[header.index("Impact")] == pytest.approx(r.by_outcome.loc[0, "impact"])


def test_template_is_empty_but_complete(tmp_path: Path) -> None:
    path = sroi_centre.export_template_xlsx(tmp_path / "template.xlsx")
    wb = load_workbook(path)
    assert tuple(wb.sheetnames) == SHEETS
    assert wb["Outcomes"].max_row == 1
    keys = [r[0].value for r in wb["Centre"].iter_rows(min_row=2)]
    assert "discount_rate" in keys and "analysis_period_years" in keys
    with pytest.raises(InputError):  # an empty template is not a valid map
        sroi_centre.load_impact_map(path)


def _edit(tmp_path: Path, sheet: str, column: str, row: int, value: object) -> Path:
    src = sroi_centre.export_impact_map_xlsx(
        sroi_centre.load_centre("barmen", RAW), tmp_path / "ok.xlsx"
    )
    wb = load_workbook(src)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    ws.cell(row=row + 1, column=header.index(column) + 1, value=value)
    out = tmp_path / "bad.xlsx"
    wb.save(out)
    return out


def test_percent_text_in_excel_is_refused(tmp_path: Path) -> None:
    path = _edit(tmp_path, "Outcomes", "Attribution %", 3, "25 %")
    with pytest.raises(InputError) as err:
        sroi_centre.load_impact_map(path)
    assert err.value.row == 3 and err.value.column == "impact_map.outcomes.attribution"
    assert str(path) in err.value.file


def test_basis_needs_prefix(tmp_path: Path) -> None:
    path = _edit(tmp_path, "Outcomes", "Quantity basis", 2, "just a guess")
    with pytest.raises(InputError) as err:
        sroi_centre.load_impact_map(path)
    assert (
        err.value.row == 2 and err.value.column == "Quantity basis" and "Outcomes" in err.value.file
    )


def test_unknown_stakeholder_in_excel(tmp_path: Path) -> None:
    path = _edit(tmp_path, "Outcomes", "Stakeholder", 4, "aliens")
    with pytest.raises(InputError) as err:
        sroi_centre.load_impact_map(path)
    assert err.value.row == 4 and err.value.column == "impact_map.outcomes.stakeholder"


def test_german_basis_prefixes_accepted(tmp_path: Path) -> None:
    path = _edit(
        tmp_path, "Outcomes", "Quantity basis", 1, "Annahme: geschätzt\nQuelle: Zählung 2024"
    )
    q = sroi_centre.load_impact_map(path).model.impact_map.outcomes[0].quantity
    assert q.assumption == "geschätzt" and q.source == "Zählung 2024"
