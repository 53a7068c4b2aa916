"""Tests of the XLSX impact map: round trip, template, bad cells."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analysis.errors import InputError
from analysis.formatting import fmt_text
from analysis.sroi import centre as sroi_centre
from analysis.sroi import engine as sroi
from analysis.sroi.xlsx import EVIDENCE_COLUMN, OUTCOME_COLUMNS, SHEETS

RAW = Path(__file__).resolve().parents[2] / "data" / "raw" / "sroi"


def _languages(node: object, path: str = "") -> dict[str, dict[str, str]]:
    """Every free text of a model dump given in two languages, by its path."""
    out: dict[str, dict[str, str]] = {}
    if isinstance(node, dict):
        for k, v in node.items():
            out.update(_languages(v, f"{path}.{k}"))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.update(_languages(v, f"{path}[{i}]"))
    elif len(getattr(node, "texts", {})) > 1:
        out[path] = dict(node.texts)  # type: ignore[attr-defined]
    return out


@pytest.mark.parametrize("centre", ["barmen", "fictional_quarter", "fictional_village"])
def test_round_trip_keeps_every_figure_and_note(centre: str, tmp_path: Path) -> None:
    imap = sroi_centre.load_centre(centre, RAW)
    path = sroi_centre.export_impact_map_xlsx(imap, tmp_path / f"{centre}.xlsx")
    back = sroi_centre.load_impact_map(path)
    assert back.model.model_dump() == imap.model.model_dump()
    assert _languages(back.model.model_dump()) == _languages(imap.model.model_dump())
    for scenario in imap.scenarios:
        assert sroi.evaluate(back, scenario).ratio == pytest.approx(
            sroi.evaluate(imap, scenario).ratio, rel=1e-12
        )


def test_round_trip_keeps_both_languages_of_every_note(tmp_path: Path) -> None:
    imap = sroi_centre.load_centre("fictional_village", RAW)
    before = _languages(imap.model.model_dump())
    assert len(before) > 50  # assumptions, descriptions, indicators, the status note …
    path = sroi_centre.export_impact_map_xlsx(imap, tmp_path / "v.xlsx")
    wb = load_workbook(path)
    assert [c.value for c in wb["Outcomes"][1]][-2:] == ["Indicator (en)", "Financial proxy (en)"]
    basis = wb["Outcomes"]["M2"].value  # proxy basis of the first outcome
    assert "\nAnnahme: " in basis and basis.count("Assumption: ") == 1
    assert _languages(sroi_centre.load_impact_map(path).model.model_dump()) == before


def test_workbook_has_guide_columns(tmp_path: Path) -> None:
    path = sroi_centre.export_impact_map_xlsx(
        sroi_centre.load_centre("barmen", RAW), tmp_path / "b.xlsx"
    )
    wb = load_workbook(path)
    assert tuple(wb.sheetnames) == SHEETS
    header = [c.value for c in wb["Outcomes"][1]]
    # evidence, then the second language of the free-text columns: optional, at the end
    assert header == [*OUTCOME_COLUMNS, EVIDENCE_COLUMN, "Indicator (en)", "Financial proxy (en)"]
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
    assert "die Grundlage (basis) muss mit 'Source:' bzw. 'Quelle:'" in err.value.text("de")


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


def test_range_rules_round_trip_through_the_scenarios_sheet(tmp_path: Path) -> None:
    imap = sroi_centre.load_centre("barmen", RAW)
    data = copy.deepcopy(dict(imap.raw))
    rate = data["scenarios"]["conservative"]["overrides"][5]
    assert rate["path"] == "impact_map.discount_rate" and rate["range"] == "drop"
    rate["range"] = {"low": 0.04, "high": 0.06, "distribution": "triangular"}
    new = sroi_centre.ImpactMap(
        model=sroi_centre.validate_centre_data(data, "x"), raw=data, file="x"
    )
    path = sroi_centre.export_impact_map_xlsx(new, tmp_path / "b.xlsx")
    header = [c.value for c in load_workbook(path)["Scenarios"][1]]
    assert header[4:8] == ["Range", "Range low", "Range high", "Range distribution"]
    back = sroi_centre.load_impact_map(path)
    assert back.model.model_dump() == new.model.model_dump()
    r = sroi_centre.apply_scenario(back, "conservative").model.impact_map.discount_rate
    assert (r.value, r.low, r.high, r.distribution) == (0.05, 0.04, 0.06, "triangular")


def test_a_rule_and_a_new_range_in_one_row_are_refused(tmp_path: Path) -> None:
    path = _edit(tmp_path, "Scenarios", "Range low", 7, 0.04)  # row 7: the rate, range: drop
    with pytest.raises(InputError) as err:
        sroi_centre.load_impact_map(path)
    assert err.value.row == 7 and err.value.column == "Range"
    assert "Scenarios" in err.value.file and "not both" in str(err.value.problems[0].rule)
    assert "geben Sie entweder eine Regel unter 'Range'" in err.value.text("de")


def test_a_workbook_without_range_columns_takes_the_default(tmp_path: Path) -> None:
    src = sroi_centre.export_impact_map_xlsx(
        sroi_centre.load_centre("barmen", RAW), tmp_path / "ok.xlsx"
    )
    wb = load_workbook(src)
    wb["Scenarios"].delete_cols(5, 4)  # as written before the range rules
    wb.save(tmp_path / "old.xlsx")
    back = sroi_centre.load_impact_map(tmp_path / "old.xlsx")
    s = sroi_centre.apply_scenario(back, "optimistic")
    assert [c.rule for c in s.changes] == ["shift", "shift", "point"]
    assert not any(c.stated for c in s.changes)
    # conservative halves a proxy of PERT 120–600: shifted, the range would reach −30
    with pytest.raises(InputError) as err:
        sroi_centre.apply_scenario(back, "conservative")
    assert err.value.row == 4 and err.value.column == "scenarios.conservative.overrides.range"
    assert "range: shift gives the range [-30, 450], outside" in str(err.value.problems[0].rule)


def test_workbook_beyond_the_size_limit_is_refused_before_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sroi_centre.export_impact_map_xlsx(
        sroi_centre.load_centre("barmen", RAW), tmp_path / "b.xlsx"
    )
    monkeypatch.setenv("ANALYSIS_MAX_XLSX_MB", "0.001")  # 1 kB: the workbook is larger
    with pytest.raises(InputError, match="ANALYSIS_MAX_XLSX_MB") as err:
        sroi_centre.load_impact_map(path)
    assert "b.xlsx" in str(err.value)


def test_a_workbook_in_one_language_still_reads(tmp_path: Path) -> None:
    """Workbooks written before the second-language columns (or filled in by hand in one
    language) read as before: each text in the language of its cell."""
    src = sroi_centre.export_impact_map_xlsx(
        sroi_centre.load_centre("barmen", RAW), tmp_path / "two.xlsx"
    )
    wb = load_workbook(src)
    added = {
        "Fact (en)",
        "What do they invest? (en)",
        "Indicator (en)",
        "Financial proxy (en)",
        "Description (en)",
        "Assumption (de)",
    }
    for sheet in ("Facts", "Inputs", "Outcomes", "Scenarios"):
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        for col in sorted((i + 1 for i, h in enumerate(header) if h in added), reverse=True):
            ws.delete_cols(col)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and "\nAnnahme: " in cell.value:
                    cell.value = cell.value.split("\nAnnahme: ")[0]
    for row in wb["Centre"].iter_rows(min_row=2):
        if str(row[0].value).endswith(("_en", "_de")):
            row[1].value = None
    path = tmp_path / "one.xlsx"
    wb.save(path)
    m = sroi_centre.load_impact_map(path).model
    local = m.impact_map.outcomes[0]
    assert fmt_text(local.indicator, "de") == "Haushalte, die regelmäßig im DORV-Zentrum einkaufen"
    assert fmt_text(local.indicator, "en").endswith("(German only)")
    assert fmt_text(local.deadweight.assumption, "de").endswith("(nur auf Englisch)")
    assert fmt_text(m.centre.status_note, "en").endswith("(German only)")
    assert str(m.centre.name) == "DORV-Zentrum Barmen (Jülich) – illustrative Wirkungskarte"
