"""Tests of analysis.business.centre: the example centres' business sections, the regional
context and every kind of bad business section (each names file, row and field)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from analysis.business import centre as business_centre
from analysis.errors import InputError
from analysis.pipeline.kinds import VALIDATORS
from analysis.sroi import centre as sroi_centre
from tests.business.fixtures import business_data, file_data, make_case
from tests.sroi.fixtures import fig

RAW = Path(__file__).resolve().parents[2] / "data" / "raw" / "sroi"


def test_barmen_business_model_keeps_the_public_facts() -> None:
    # ≈ 70,000 € from shares of 250 € and ≈ 120,000 € needed in total (Aachener Zeitung 2014);
    # 100–150 m² sales floor; about 1,360–1,400 inhabitants.
    case = business_centre.load_centre_case("barmen", folder=RAW)
    b = case.model
    shares = next(s for s in b.start_capital if s.kind == "shares")
    assert shares.share_price.value == 250 and shares.dividend_rate.value == 0
    assert shares.shares.value * shares.share_price.value == pytest.approx(70_000)
    total = sum(
        s.amount.value if s.amount else s.shares.value * s.share_price.value
        for s in b.start_capital
    )
    assert total == pytest.approx(120_000)
    assert 100 <= b.premises.area.value <= 150
    assert 1_360 <= b.catchment.inhabitants.value <= 1_400
    assert case.region is not None and case.region["name"] == "Jülich, Stadt"


def test_population_change_from_the_regional_data(tmp_path: Path) -> None:
    data = yaml.safe_load((RAW / "barmen.yaml").read_text(encoding="utf-8"))
    del data["business"]["catchment"]["population_change"]
    path = tmp_path / "barmen.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    change = business_centre.load_case(path).model.catchment.population_change
    # Deutschlandatlas bev_entw of Jülich (05358024): 0.4 % a year
    assert change.value == pytest.approx(0.004)
    assert "bev_entw" in change.source and "05358024" in change.source


# ---------------------------------------------------------------------------------------
# Bad business sections: each names file, row and field
# ---------------------------------------------------------------------------------------


def _problem(data: dict[str, Any], tmp_path: Path) -> InputError:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as err:
        business_centre.load_case(path)
    assert err.value.file == str(path)
    return err.value


def _bad(**changes: Any) -> dict[str, Any]:
    return file_data(business_data(**changes))


def test_fraction_above_one(tmp_path: Path) -> None:
    ranges = business_data()["ranges"] + [
        {**business_data()["ranges"][0], "id": "drinks", "capture_rate": fig(1.2)}
    ]
    err = _problem(_bad(ranges=ranges), tmp_path)
    assert err.row == 2 and err.column == "business.ranges.capture_rate"
    assert "maximum 1.0" in err.rule


def test_negative_value(tmp_path: Path) -> None:
    err = _problem(_bad(catchment={"inhabitants": fig(-5)}), tmp_path)
    assert err.column == "business.catchment.inhabitants" and "minimum" in err.rule
    costs = copy.deepcopy(business_data()["costs"])
    costs[1]["factors"][0]["value"] = -100
    err = _problem(_bad(costs=costs), tmp_path)
    assert err.row == 2 and err.column == "business.costs.factors[1]" and "minimum" in err.rule


def test_missing_field(tmp_path: Path) -> None:
    data = _bad()
    del data["business"]["ranges"][0]["gross_margin"]
    err = _problem(data, tmp_path)
    assert err.row == 1 and err.column == "business.ranges.gross_margin"
    assert "required" in err.rule.lower()
    data = _bad()
    del data["business"]["discount_rate"]
    assert _problem(data, tmp_path).column == "business.discount_rate"


def test_missing_business_section(tmp_path: Path) -> None:
    data = file_data()
    del data["business"]
    err = _problem(data, tmp_path)
    assert err.column == "business" and "no business model" in err.rule
    assert "kein Geschäftsmodell: ergänzen Sie die Zentrumsdatei" in err.text("de")


def test_unknown_partner(tmp_path: Path) -> None:
    capital = business_data()["start_capital"] + [
        {"id": "x", "partner": "sparkasse", "kind": "grant", "description": "G", "amount": fig(100)}
    ]
    err = _problem(_bad(start_capital=capital), tmp_path)
    assert err.row == 2 and err.column == "business.start_capital.partner"
    assert "unknown partner" in err.rule and err.problems[0].value == "sparkasse"
    premises = {
        **business_data()["premises"],
        "landlord": "nobody",
        "vacancy_without_centre": fig(0.5),
    }
    err = _problem(_bad(premises=premises, operator="ghost"), tmp_path)
    assert [p.column for p in err.problems] == ["business.operator", "business.premises.landlord"]


def test_number_without_basis_and_text_number(tmp_path: Path) -> None:
    data = _bad()
    del data["business"]["ranges"][0]["capture_rate"]["assumption"]
    err = _problem(data, tmp_path)
    assert err.column == "business.ranges.capture_rate" and "assumption" in err.rule
    data = _bad()
    data["business"]["ranges"][0]["capture_rate"] = fig("15 %")
    assert "not '25 %'" in _problem(data, tmp_path).rule


def test_inconsistent_sections(tmp_path: Path) -> None:
    err = _problem(
        _bad(premises={"area": fig(10), "market_rent": fig(5), "rent_reduction": fig(6)}), tmp_path
    )
    assert err.column == "business.premises" and "above the market_rent" in err.rule
    assert "rent_reduction 6.0 liegt über der market_rent 5.0" in err.text("de")
    err = _problem(
        _bad(
            premises={
                "area": fig(10),
                "market_rent": fig(5),
                "rent_reduction": fig(1),
                "landlord": "hc",
            }
        ),
        tmp_path,
    )
    assert "vacancy_without_centre" in err.rule
    shares = {
        "id": "s",
        "partner": "shareholders",
        "kind": "shares",
        "description": "A",
        "shares": fig(10),
    }
    err = _problem(_bad(start_capital=[shares]), tmp_path)
    assert err.row == 1 and err.column == "business.start_capital" and "share_price" in err.rule
    loan = {"amount": fig(1000), "interest_rate": fig(0.05), "term_years": 5}
    err = _problem(_bad(loan=loan), tmp_path)
    assert err.column == "business.loan.term_years" and "past the horizon" in err.rule
    assert "das Darlehen läuft 5 Jahre, über den Betrachtungszeitraum" in err.text("de")
    investment = business_data()["investment"] * 2
    err = _problem(_bad(investment=investment), tmp_path)
    assert err.column == "business.investment.id" and err.row == 1


def test_unknown_municipality_key(tmp_path: Path) -> None:
    err = _problem(
        _bad(catchment={"inhabitants": fig(100), "municipality_key": "99999999"}), tmp_path
    )
    assert err.column == "business.catchment.municipality_key" and "unknown" in err.rule
    err = _problem(
        _bad(catchment={"inhabitants": fig(100), "municipality_key": "5358024"}), tmp_path
    )
    assert err.column == "business.catchment.municipality_key"


def test_bad_business_scenarios(tmp_path: Path) -> None:
    undeclared = {"dream": {"overrides": []}}
    err = _problem(_bad(scenarios=undeclared), tmp_path)
    assert err.column == "business.scenarios.dream" and "not declared" in err.rule
    bad_path = {
        "base": {
            "overrides": [
                {"path": "business.ranges.nope.capture_rate", "value": 0.1, "assumption": "x"}
            ]
        }
    }
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(_bad(scenarios=bad_path), allow_unicode=True), "utf-8")
    with pytest.raises(InputError) as err_info:
        business_centre.load_case(path, "base")
    assert err_info.value.column == "business.scenarios.base.overrides.path"
    breaking = {
        "base": {
            "overrides": [
                {"path": "business.ranges.groceries.capture_rate", "value": 1.5, "assumption": "x"}
            ]
        }
    }
    path.write_text(yaml.safe_dump(_bad(scenarios=breaking), allow_unicode=True), "utf-8")
    with pytest.raises(InputError, match="above the allowed maximum") as err_info:
        business_centre.load_case(path, "base")
    assert "[scenario base]" in err_info.value.file
    with pytest.raises(InputError):  # the catalogue check finds it without naming a scenario
        business_centre.validate_file(path)


def test_catalogue_check_finds_a_bad_business_section(tmp_path: Path) -> None:
    data = _bad()
    data["business"]["ranges"][0]["gross_margin"] = fig(1.5)
    path = tmp_path / "centre.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    sroi_centre.validate_file(path)  # the impact map alone is sound: sroi knows no business
    with pytest.raises(InputError) as err:
        VALIDATORS["sroi_centre"](path)  # the whole file, as the pipeline checks it
    assert err.value.column == "business.ranges.gross_margin" and err.value.file == str(path)
    assert len(err.value.problems) == 1  # reported once, not once per scenario
    assert VALIDATORS["sroi_centre"](RAW / "barmen.yaml") is not None


def test_business_is_not_part_of_the_impact_map_workbook(tmp_path: Path) -> None:
    imap = sroi_centre.load_centre("barmen", RAW)
    assert "business" not in imap.model.model_dump()
    xlsx = sroi_centre.export_impact_map_xlsx(imap, tmp_path / "barmen.xlsx")
    with pytest.raises(InputError, match="no business model"):
        business_centre.load_case(xlsx)


# ---------------------------------------------------------------------------------------
# Scenario range rules: the business section uses the impact map's (one implementation)
# ---------------------------------------------------------------------------------------


def _ranged_business(*business_overrides: dict, top: list[dict] | None = None) -> dict:
    ranges = business_data()["ranges"]
    ranges[0]["capture_rate"] = fig(0.5, distribution="triangular", low=0.3, high=0.6)
    data = file_data(
        business_data(ranges=ranges, scenarios={"base": {"overrides": list(business_overrides)}})
    )
    data["scenarios"]["base"]["overrides"] = top or []
    return data


CAPTURE = "business.ranges.groceries.capture_rate"


def test_business_overrides_follow_the_range_rules() -> None:
    shift = {"path": CAPTURE, "value": 0.4, "assumption": "less"}  # default: shift
    case = make_case(_ranged_business(shift), "base")
    cap = case.model.ranges[0].capture_rate
    assert (cap.value, cap.low, cap.high) == pytest.approx((0.4, 0.2, 0.5))
    (change,) = case.changes
    assert (change.path, change.rule, change.stated) == (CAPTURE, "shift", False)
    drop = {**shift, "range": "drop"}
    cap = make_case(_ranged_business(drop), "base").model.ranges[0].capture_rate
    assert cap.low is None and cap.distribution is None
    new = {**shift, "range": {"low": 0.35, "high": 0.45, "distribution": "uniform"}}
    cap = make_case(_ranged_business(new), "base").model.ranges[0].capture_rate
    assert (cap.low, cap.high, cap.distribution) == (0.35, 0.45, "uniform")
    top = [{"path": CAPTURE, "value": 0.55, "range": "scale", "assumption": "more"}]
    case = make_case(_ranged_business(top=top), "base")
    assert case.changes[0].rule == "scale" and case.changes[0].range == pytest.approx((0.33, 0.66))


def test_business_range_rule_contradictions_name_the_override() -> None:
    out = {"path": CAPTURE, "value": 0.1, "range": "shift", "assumption": "x"}  # 0.1–0.2 → −0.1
    with pytest.raises(InputError) as err:
        make_case(_ranged_business(out), "base")
    assert err.value.column == "business.scenarios.base.overrides.range" and err.value.row == 1
    assert "gives the range [-0.1, 0.2], outside the figure's allowed values [0, 1]" in str(
        err.value
    )
    twice = {"path": CAPTURE, "value": 0.45, "range": "shift", "assumption": "x"}
    with pytest.raises(InputError, match=r"both under 'scenarios' and under 'business\.scenarios'"):
        make_case(_ranged_business(twice, top=[twice]), "base")
    rangeless = {"path": "business.services.post.revenue", "value": 1, "range": "scale"}
    with pytest.raises(InputError, match="range: scale needs a range"):
        make_case(_ranged_business({**rangeless, "assumption": "x"}), "base")


def _texts(node: Any, path: str = "") -> dict[str, Any]:
    """Every free text read from a data file (a LocalText) in a model dump, by its path."""
    if isinstance(node, dict):
        return {p: t for k, v in node.items() for p, t in _texts(v, f"{path}.{k}").items()}
    if isinstance(node, list):
        return {p: t for i, v in enumerate(node) for p, t in _texts(v, f"{path}[{i}]").items()}
    return {path: node} if hasattr(node, "texts") else {}


@pytest.mark.parametrize("centre", ["barmen", "fictional_quarter", "fictional_village"])
def test_every_note_of_the_centre_files_is_in_both_languages(centre: str) -> None:
    """Issue 15: one language per report, so no note of a centre file reaches a report
    marked "(nur auf Englisch)" or "(German only)" — impact map and business section."""
    case = business_centre.load_centre_case(centre, folder=RAW)
    texts = _texts(case.imap.model.model_dump()) | _texts(case.model.model_dump(), "business")
    assert len(texts) > 100
    one = {p: str(t) for p, t in texts.items() if set(t.texts) != {"de", "en"}}
    assert not one
    names = [t.texts for p, t in texts.items() if p == ".centre.name"]
    assert names and names[0]["de"] != names[0]["en"]  # "(fiktiv)" / "(fictional)"
