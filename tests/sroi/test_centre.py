"""Tests of analysis.sroi.centre: scenarios as declared overrides, and bad centre files
(each problem names file, row and field)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis.errors import InputError
from analysis.sroi import centre as sroi_centre
from tests.sroi.fixtures import centre_data, fig, input_row, make_map, outcome

RAW = Path(__file__).resolve().parents[2] / "data" / "raw" / "sroi"


def test_unknown_scenario_and_bad_override_path() -> None:
    bad = centre_data(
        scenarios={
            "s": {
                "description": "d",
                "overrides": [
                    {"path": "impact_map.outcomes.nope.quantity", "value": 1, "assumption": "a"}
                ],
            }
        }
    )
    imap = make_map(bad)
    with pytest.raises(InputError, match="unknown scenario"):
        sroi_centre.apply_scenario(imap, "missing")
    with pytest.raises(InputError) as err:
        sroi_centre.apply_scenario(imap, "s")
    assert err.value.row == 1 and "overrides.path" in err.value.column


def test_scenario_override_that_breaks_a_rule_is_refused() -> None:
    data = centre_data(
        scenarios={
            "s": {
                "description": "d",
                "overrides": [
                    {"path": "impact_map.outcomes.o1.attribution", "value": 1.5, "assumption": "a"}
                ],
            }
        }
    )
    with pytest.raises(InputError, match="above the allowed maximum"):
        sroi_centre.apply_scenario(make_map(data), "s")


# ---------------------------------------------------------------------------------------
# Bad maps: each names file, row and field
# ---------------------------------------------------------------------------------------


def _problem(data: dict, tmp_path: Path) -> InputError:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as err:
        sroi_centre.load_impact_map(path)
    assert err.value.file == str(path)
    return err.value


def test_fraction_outside_unit_interval(tmp_path: Path) -> None:
    data = centre_data(outcomes=[outcome(), outcome("o2", deadweight=1.2)])
    err = _problem(data, tmp_path)
    assert err.row == 2
    assert err.column == "impact_map.outcomes.deadweight"
    assert "maximum 1.0" in err.rule


def test_fraction_written_as_text_is_refused(tmp_path: Path) -> None:
    data = centre_data()
    data["impact_map"]["outcomes"][0]["attribution"] = fig("25 %")
    err = _problem(data, tmp_path)
    assert err.row == 1 and err.column == "impact_map.outcomes.attribution"
    assert "0.25, not '25 %'" in err.rule


def test_negative_quantity(tmp_path: Path) -> None:
    err = _problem(centre_data(outcomes=[outcome(quantity=-3)]), tmp_path)
    assert err.row == 1 and err.column == "impact_map.outcomes.quantity" and "minimum" in err.rule


def test_missing_proxy(tmp_path: Path) -> None:
    data = centre_data(outcomes=[outcome(), outcome("o2")])
    del data["impact_map"]["outcomes"][1]["proxy"]
    err = _problem(data, tmp_path)
    assert err.row == 2 and err.column == "impact_map.outcomes.proxy"
    assert "financial proxy missing" in err.rule


def test_unknown_stakeholder(tmp_path: Path) -> None:
    data = centre_data(outcomes=[outcome(stakeholder="nobody")])
    err = _problem(data, tmp_path)
    assert err.row == 1 and err.column == "impact_map.outcomes.stakeholder"
    assert "unknown stakeholder" in err.rule and err.problems[0].value == "nobody"


def test_unknown_input_stakeholder(tmp_path: Path) -> None:
    err = _problem(centre_data(inputs=[input_row(), input_row("i2", stakeholder="bank")]), tmp_path)
    assert err.row == 2 and err.column == "impact_map.inputs.stakeholder"


def test_number_without_basis(tmp_path: Path) -> None:
    data = centre_data()
    del data["impact_map"]["outcomes"][0]["quantity"]["assumption"]
    err = _problem(data, tmp_path)
    assert err.column == "impact_map.outcomes.quantity" and "assumption" in err.rule


def test_outcome_past_period_and_bad_range(tmp_path: Path) -> None:
    data = centre_data(outcomes=[outcome(duration=4, start=3)], period=5)
    err = _problem(data, tmp_path)
    assert err.column == "impact_map.outcomes.duration_years" and "year 6" in err.rule
    data = centre_data()
    data["impact_map"]["outcomes"][0]["quantity"].update(distribution="pert", low=20, high=30)
    err = _problem(data, tmp_path)
    assert "low <= value <= high" in err.rule


def test_several_problems_reported_at_once(tmp_path: Path) -> None:
    data = centre_data(outcomes=[outcome(quantity=-1), outcome("o2", drop_off=2.0)])
    err = _problem(data, tmp_path)
    assert [(p.row, p.column) for p in err.problems] == [
        (1, "impact_map.outcomes.quantity"),
        (2, "impact_map.outcomes.drop_off"),
    ]


def test_load_centre_unknown() -> None:
    with pytest.raises(InputError, match="unknown centre"):
        sroi_centre.load_centre("atlantis", RAW)
