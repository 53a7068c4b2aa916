"""Tests of analysis.business.whatif: controls, the engines' results, saving scenarios."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import shutil
from pathlib import Path

import pytest
import yaml

from analysis import catalog
from analysis.business import blended, whatif
from analysis.business import case as biz
from analysis.business.centre import load_centre_case
from analysis.errors import InputError
from analysis.sroi import centre as sroi_centre
from analysis.sroi import engine as sroi

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """data/raw/sroi and the catalogue copied to a scratch data/raw (saved scenarios go
    there, never into the checkout)."""
    raw = tmp_path / "raw"
    (raw / "sroi").mkdir(parents=True)
    for p in (RAW / "sroi").glob("*.yaml"):
        shutil.copy(p, raw / "sroi" / p.name)
    shutil.copy(RAW / "catalog.yaml", raw / "catalog.yaml")
    return raw


def test_controls_cover_uncertain_figures_and_partner_contributions() -> None:
    w = whatif.WhatIf("fictional_quarter", "base")
    paths = {c.path: c for c in w.controls}
    for path in (
        "business.premises.rent_reduction",  # rent reduction per m²
        "business.premises.area",  # space
        "business.start_capital.conversion.amount",  # conversion in kind
        "impact_map.inputs.volunteering.factors.hours",  # volunteer hours
        "business.ranges.groceries.capture_rate",  # capture rate
        "business.catchment.inhabitants",  # catchment
        "impact_map.outcomes.local_shopping.quantity",  # an uncertain outcome figure
    ):
        assert path in paths, path
    rent = paths["business.premises.rent_reduction"]
    assert rent.low == 0 and rent.high == 10.0 and rent.stakeholder == "housing_company"
    for c in w.controls:
        assert c.low <= c.value <= c.high and c.step > 0
        assert c.uncertain or c.contribution
        if c.declared is not None:
            assert c.low <= c.declared[0] and c.declared[1] <= c.high


def test_unchanged_settings_give_the_engines_results() -> None:
    w = whatif.WhatIf("barmen", "conservative")
    r = w.evaluate(w.base_settings)
    case = load_centre_case("barmen", "conservative")
    assert r.sroi.ratio == pytest.approx(sroi.evaluate(case.imap).ratio, rel=1e-12)
    assert r.business.npv == pytest.approx(biz.evaluate(case).npv, rel=1e-12)
    expected = blended.blended_return(case).key_figures()
    assert r.blended.key_figures()["blended_total"] == pytest.approx(expected["blended_total"])


def test_a_setting_equals_the_same_declared_scenario() -> None:
    """Moving a slider is the same as declaring the override in the centre file."""
    path = "impact_map.outcomes.local_shopping.quantity"
    w = whatif.WhatIf("barmen", "base")
    r = w.evaluate({path: 450.0})
    imap = sroi_centre.load_centre("barmen")
    raw = dict(imap.raw)
    raw["scenarios"] = {
        "x": {
            "description": "d",
            "overrides": [{"path": path, "value": 450.0, "range": "drop", "assumption": "a"}],
        }
    }
    declared = sroi_centre.apply_scenario(
        sroi_centre.ImpactMap(model=imap.model, raw=raw, file=imap.file), "x"
    )
    assert r.sroi.ratio == pytest.approx(sroi.evaluate(declared).ratio, rel=1e-12)
    assert r.sroi.ratio > w.evaluate().sroi.ratio


def test_business_setting_moves_npv_and_blended_but_not_the_sroi() -> None:
    w = whatif.WhatIf("fictional_quarter", "base")
    base = w.evaluate()
    r = w.evaluate({"business.premises.rent_reduction": 10.0})  # rent-free
    assert r.sroi.ratio == base.sroi.ratio
    assert r.business.npv > base.business.npv
    hc = r.blended.housing_company
    assert hc is not None and base.blended.housing_company is not None
    assert hc.money_net < base.blended.housing_company.money_net


def test_unknown_control_and_bad_value_are_input_errors() -> None:
    w = whatif.WhatIf("barmen", "base")
    with pytest.raises(InputError, match="not a control") as err:
        w.evaluate({"business.nope": 1.0})
    assert "kein Regler dieses Zentrums" in err.value.text("de")
    with pytest.raises(InputError, match="above the allowed maximum"):
        w.evaluate({"business.ranges.groceries.capture_rate": 1.5})
    with pytest.raises(InputError, match="unknown centre"):
        whatif.WhatIf("nowhere")


def test_grid_of_prepared_what_ifs() -> None:
    w = whatif.WhatIf("barmen", "base")
    axes = whatif.prepared_axes(w)
    assert axes["business.premises.rent_reduction"] == [0.0, 1.0, 2.0]
    assert axes["business.ranges.groceries.capture_rate"] == [0.1, 0.16, 0.22]
    table = whatif.grid(w)
    assert len(table) == 9
    assert table["business_npv"].is_monotonic_increasing is False  # capture moves it
    low = table[table["business.ranges.groceries.capture_rate"] == 0.1]["business_npv"]
    high = table[table["business.ranges.groceries.capture_rate"] == 0.22]["business_npv"]
    assert (high.to_numpy() > low.to_numpy()).all()


def test_save_writes_a_scenario_file_the_loader_merges(raw_copy: Path) -> None:
    folder = raw_copy / "sroi"
    centre_bytes = (folder / "barmen.yaml").read_bytes()
    w = whatif.WhatIf("barmen", "conservative", folder=folder)
    path = "business.ranges.groceries.capture_rate"
    settings = {path: 0.2, "impact_map.inputs.ongoing_volunteering.factors.hours": 800.0}
    out = w.save(
        "room_one",
        settings,
        notes={path: "The room expects the café to draw shoppers."},
        saved=dt.date(2026, 11, 30),
        catalog=raw_copy / "catalog.yaml",
    )
    assert out == folder / "scenarios" / "barmen__room_one.yaml"
    assert (folder / "barmen.yaml").read_bytes() == centre_bytes  # never rewritten
    doc = yaml.safe_load(out.read_text())
    assert doc["saved"] == "2026-11-30" and doc["based_on"] == "conservative"
    notes = {ov["path"]: ov["assumption"] for ov in doc["overrides"]}
    assert notes[path] == "The room expects the café to draw shoppers."
    assert "800" in notes["impact_map.inputs.ongoing_volunteering.factors.hours"]
    assert "2026-11-30" in notes["impact_map.inputs.ongoing_volunteering.factors.hours"]
    # the starting scenario's other overrides are kept
    assert "impact_map.discount_rate" in notes
    # the loader merges it into the centre's scenarios; the scenario reproduces the what-if
    imap = sroi_centre.load_impact_map(folder / "barmen.yaml")
    assert "room_one" in imap.scenarios
    again = whatif.WhatIf("barmen", "room_one", folder=folder).evaluate()
    now = w.evaluate(settings)
    assert again.sroi.ratio == pytest.approx(now.sroi.ratio, rel=1e-12)
    assert again.business.npv == pytest.approx(now.business.npv, rel=1e-12)
    # a figure with a range keeps it where a rule allows (shift), for the Monte Carlo
    ranges = {ov["path"]: ov.get("range") for ov in doc["overrides"]}
    assert ranges[path] == "shift"
    # listed in the catalogue with its checksum
    cat = yaml.safe_load((raw_copy / "catalog.yaml").read_text())["files"]
    entry = cat["sroi/scenarios/barmen__room_one.yaml"]
    assert entry["kind"] == "sroi_scenario" and entry["status"] == "authored"
    assert entry["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    check = catalog.check(raw_copy)  # the data overview finds it catalogued and unchanged
    assert not [p for p in check.problems if "room_one" in str(p)]


def test_save_refuses_bad_and_clashing_names_and_never_overwrites(raw_copy: Path) -> None:
    folder = raw_copy / "sroi"
    w = whatif.WhatIf("barmen", "base", folder=folder)
    settings = {"business.ranges.groceries.capture_rate": 0.2}
    for bad in ("Room", "a b", "../x", "", "a__b", "conservative"):
        with pytest.raises(InputError) as err:
            w.save(bad, settings)
        assert err.value.problems[0].column == "name"
    first = w.save("once", settings)
    before = first.read_bytes()
    with pytest.raises(InputError, match="exists already"):
        whatif.WhatIf("barmen", "base", folder=folder).save("once", {})
    assert first.read_bytes() == before
    assert sorted(p.name for p in first.parent.iterdir()) == ["barmen__once.yaml"]  # no temp


def test_saved_scenario_that_clashes_with_a_declared_one_is_refused(raw_copy: Path) -> None:
    folder = raw_copy / "sroi"
    (folder / "scenarios").mkdir()
    doc = {
        "centre": "barmen",
        "name": "optimistic",
        "description": "d",
        "saved": "2026-11-30",
        "overrides": [],
    }
    (folder / "scenarios" / "barmen__optimistic.yaml").write_text(yaml.safe_dump(doc))
    with pytest.raises(InputError, match="already declared") as err:
        sroi_centre.load_impact_map(folder / "barmen.yaml")
    assert "barmen__optimistic.yaml" in str(err.value)


def test_update_is_fast_enough_for_the_room() -> None:
    """Not a timing test (see benchmarks/bench_whatif.py): the update path evaluates each
    engine once and reuses the SROI while only business figures move."""
    w = whatif.WhatIf("barmen", "base")
    first = w.evaluate({"business.ranges.groceries.capture_rate": 0.2})
    second = w.evaluate({"business.ranges.groceries.capture_rate": 0.21})
    assert first.sroi is second.sroi
    assert not math.isclose(first.business.npv, second.business.npv)


def test_starting_from_a_saved_scenario_with_business_overrides(raw_copy: Path) -> None:
    """A saved scenario overrides business paths at top level; moving any slider from it
    keeps each of its overrides once."""
    folder = raw_copy / "sroi"
    rent = "business.premises.rent_reduction"
    whatif.WhatIf("barmen", "base", folder=folder).save("rent_two", {rent: 2.0})
    w = whatif.WhatIf("barmen", "rent_two", folder=folder)
    assert {c.path: c.value for c in w.controls}[rent] == 2.0
    capture = "business.ranges.groceries.capture_rate"
    moved = w.evaluate({capture: 0.2})
    assert moved.business.npv > w.evaluate().business.npv
    table = whatif.grid(w)  # the grid moves the rent of the saved scenario too
    assert len(table) == 9
