"""Tests of analysis.sroi.scenario_files: saved scenarios in their own files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from analysis.errors import InputError
from analysis.sroi import centre as sroi_centre
from analysis.sroi import scenario_files

RAW = Path(__file__).resolve().parents[2] / "data" / "raw" / "sroi"
OV = {"path": "impact_map.outcomes.local_shopping.quantity", "value": 450, "assumption": "a"}


@pytest.fixture
def centre(tmp_path: Path) -> Path:
    shutil.copy(RAW / "barmen.yaml", tmp_path / "barmen.yaml")
    return tmp_path / "barmen.yaml"


def test_save_then_load_merges_the_scenario(centre: Path) -> None:
    path = scenario_files.save_scenario(
        centre, "more_shoppers", [OV], description="d", saved=dt.date(2026, 11, 30)
    )
    assert path.name == "barmen__more_shoppers.yaml"
    assert path.read_text().startswith("# Scenario 'more_shoppers'")
    imap = sroi_centre.load_impact_map(centre)
    assert imap.scenarios[-1] == "more_shoppers"
    applied = sroi_centre.apply_scenario(imap, "more_shoppers")
    assert applied.model.impact_map.outcomes[0].quantity.value == 450
    assert scenario_files.saved_scenario_files(centre) == {"more_shoppers": path}


@pytest.mark.parametrize(
    ("name", "rule"),
    [("Bad", "must match"), ("x__y", "may not contain"), ("base", "exists already")],
)
def test_bad_names_are_refused(centre: Path, name: str, rule: str) -> None:
    with pytest.raises(InputError, match=rule):
        scenario_files.save_scenario(
            centre, name, [OV], description="d", declared=["base", "conservative"]
        )
    assert not (centre.parent / "scenarios").exists() or not any(
        (centre.parent / "scenarios").iterdir()
    )


def test_malformed_file_names_field_and_file(centre: Path) -> None:
    folder = centre.parent / "scenarios"
    folder.mkdir()
    bad = folder / "barmen__x.yaml"
    bad.write_text(yaml.safe_dump({"centre": "barmen", "name": "x", "saved": "2026-11-30"}))
    with pytest.raises(InputError) as err:
        sroi_centre.load_impact_map(centre)
    assert err.value.problems[0].file == str(bad)
    assert "description" in str(err.value)
    assert "Spalte/Feld 'description': Pflichtfeld fehlt" in err.value.text("de")


def test_a_bad_name_reads_in_german(centre: Path) -> None:
    with pytest.raises(InputError) as err:
        scenario_files.save_scenario(centre, "x__y", [OV], description="d")
    assert "ein Szenarioname darf '__' nicht enthalten" in err.value.text("de")


def test_overrides_are_checked_before_writing(centre: Path) -> None:
    with pytest.raises(InputError):
        scenario_files.save_scenario(
            centre, "x", [{"path": "p", "value": "7 %", "assumption": "a"}], description="d"
        )
    assert not (centre.parent / "scenarios" / "barmen__x.yaml").exists()


def test_saved_scenarios_have_their_own_kind() -> None:
    from analysis.catalog import infer_kind

    assert infer_kind("sroi/scenarios/barmen__x.yaml") == "sroi_scenario"
    assert infer_kind("sroi/barmen.yaml") == "sroi_centre"
