"""Tests of analysis.sroi.centre: scenarios as declared overrides, and bad centre files
(each problem names file, row and field)."""

from __future__ import annotations

import copy
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
    assert "value 1.2 liegt über dem zulässigen Maximum 1.0" in err.text("de")


def test_fraction_written_as_text_is_refused(tmp_path: Path) -> None:
    data = centre_data()
    data["impact_map"]["outcomes"][0]["attribution"] = fig("25 %")
    err = _problem(data, tmp_path)
    assert err.row == 1 and err.column == "impact_map.outcomes.attribution"
    assert "0.25, not '25 %'" in err.rule
    assert "schreiben Sie Anteile als Zahl zwischen 0 und 1 (0.25, nicht '25 %')" in err.text("de")


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
    assert "unbekannter Stakeholder; deklarieren Sie ihn unter 'stakeholders'" in err.text("de")


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
    assert "die Wirkung reicht bis Jahr 6, über den Betrachtungszeitraum" in err.text("de")
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


# ---------------------------------------------------------------------------------------
# Scenario range rules: what an override does to its figure's uncertainty range
# ---------------------------------------------------------------------------------------


def _ranged_map(*overrides: dict) -> sroi_centre.ImpactMap:
    """One outcome whose quantity (triangular 50–150), deadweight (uniform 10–30 %) and
    proxy (PERT 60–200) are uncertain; attribution has no range; a scenario ``s``."""
    o = outcome(quantity=100, proxy=100, deadweight=0.2)
    o["quantity"] = fig(100, distribution="triangular", low=50, high=150)
    o["deadweight"] = fig(0.2, distribution="uniform", low=0.1, high=0.3)
    o["proxy"] = {**fig(100, distribution="pert", low=60, high=200), "description": "p"}
    data = centre_data(
        outcomes=[o], scenarios={"s": {"description": "d", "overrides": list(overrides)}}
    )
    return make_map(data)


def _ov(path: str, value: float, rule=None) -> dict:
    ov = {"path": f"impact_map.outcomes.o1.{path}", "value": value, "assumption": "why"}
    if rule is not None:
        ov["range"] = rule
    return ov


def test_range_rules_shift_scale_drop_new_and_point() -> None:
    imap = _ranged_map(
        _ov("quantity", 80, "scale"),  # × 0.8: 40–120
        _ov("deadweight", 0.35, "shift"),  # + 0.15: 25–45 %, uniform moves with the value
        _ov("proxy", 150, {"low": 100, "high": 250}),  # new range, PERT kept
        _ov("attribution", 0.1),  # no range: stays a point value
    )
    s = sroi_centre.apply_scenario(imap, "s")
    o = s.model.impact_map.outcomes[0]
    assert (o.quantity.value, o.quantity.low, o.quantity.high) == (80, 40, 120)
    assert o.deadweight.distribution == "uniform"
    assert (o.deadweight.low, o.deadweight.high) == pytest.approx((0.25, 0.45))
    assert (o.proxy.low, o.proxy.high, o.proxy.distribution) == (100, 250, "pert")
    assert o.attribution.low is None and o.attribution.distribution is None
    rules = [(c.rule, c.stated, c.uncertain) for c in s.changes]
    assert rules == [
        ("scale", True, True),
        ("shift", True, True),
        ("new", True, True),
        ("point", False, False),
    ]
    c = s.changes[0]
    assert (c.base, c.value, c.base_range, c.range) == (100, 80, (50, 150), (40, 120))
    dropped = sroi_centre.apply_scenario(_ranged_map(_ov("deadweight", 0.3, "drop")), "s")
    d = dropped.model.impact_map.outcomes[0].deadweight
    assert d.value == 0.3 and d.low is None and d.distribution is None
    assert dropped.changes[0].rule == "drop" and not dropped.changes[0].uncertain


def test_default_rule_shifts_the_range() -> None:
    s = sroi_centre.apply_scenario(_ranged_map(_ov("quantity", 120)), "s")
    q = s.model.impact_map.outcomes[0].quantity
    assert (q.low, q.high, q.distribution) == (70, 170, "triangular")
    assert s.changes[0].rule == "shift" and not s.changes[0].stated


def test_shifted_range_keeps_the_value_inside_despite_rounding() -> None:
    # 0.1 + (0.3 − 0.2) is 0.20000000000000004 in floating point: the value stays in range
    s = sroi_centre.apply_scenario(_ranged_map(_ov("deadweight", 0.3, "shift")), "s")
    d = s.model.impact_map.outcomes[0].deadweight
    assert d.low <= d.value <= d.high and d.high == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("override", "field", "words"),
    [
        (_ov("attribution", 0.2, "shift"), "range", "range: shift needs a range"),
        (_ov("attribution", 0.2, "scale"), "range", "range: scale needs a range"),
        (_ov("attribution", 0.2, {"low": 0.1, "high": 0.3}), "range", "needs 'distribution'"),
        (_ov("deadweight", 0.95, "shift"), "range", "gives the range [0.85, 1.05], outside"),
        (_ov("proxy", 20, "shift"), "range", "gives the range [-20, 120], outside"),
        (_ov("deadweight", 0.25, {"low": 0.2, "high": 1.2}), "range", "outside the figure's"),
    ],
)
def test_range_rule_contradictions_name_the_override(
    override: dict, field: str, words: str
) -> None:
    imap = _ranged_map(_ov("quantity", 90, "scale"), override)
    with pytest.raises(InputError) as err:
        sroi_centre.apply_scenario(imap, "s")
    assert err.value.row == 2 and err.value.column == f"scenarios.s.overrides.{field}"
    assert words in str(err.value.problems[0].rule) and err.value.file == "test.yaml"


def test_scale_needs_a_nonzero_base_of_the_same_sign() -> None:
    o = outcome(deadweight=0.0)
    o["deadweight"] = fig(0.0, distribution="triangular", low=0.0, high=0.2)
    ov = {"path": "impact_map.outcomes.o1.deadweight", "value": 0.1, "range": "scale"}
    data = centre_data(
        outcomes=[o],
        scenarios={"s": {"description": "d", "overrides": [{**ov, "assumption": "a"}]}},
    )
    with pytest.raises(InputError, match="range: scale needs a base value other than 0"):
        sroi_centre.apply_scenario(make_map(data), "s")


def test_a_figure_overridden_twice_is_refused() -> None:
    imap = _ranged_map(_ov("quantity", 90), _ov("proxy", 90, "scale"), _ov("quantity", 80))
    with pytest.raises(InputError) as err:
        sroi_centre.apply_scenario(imap, "s")
    assert err.value.row == 3 and "overridden twice in this scenario (overrides 1 and 3)" in str(
        err.value
    )


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("keep", "range must be shift, scale, drop or a new range"),
        ({"low": 0.3, "high": 0.1}, "a new range needs low < high"),
        ({"low": 0.1, "high": 0.2}, "value 0.25 lies outside its new range [0.1, 0.2]"),
        ({"low": 0.1, "high": 0.3, "shape": 2}, "new range: shape: Extra inputs"),
        ({"low": "10 %", "high": 0.3}, "new range: low: expected a number, got text"),
    ],
)
def test_bad_range_rules_are_refused_by_the_schema(rule: object, words: str) -> None:
    data = copy.deepcopy(dict(_ranged_map().raw))
    data["scenarios"]["s"]["overrides"] = [_ov("deadweight", 0.25, rule)]
    with pytest.raises(InputError) as err:
        make_map(data)
    assert words in str(err.value) and "scenarios.s.overrides[1]" in str(err.value)


def test_scenario_messages_read_in_german() -> None:
    imap = _ranged_map(_ov("deadweight", 0.95, "shift"))
    with pytest.raises(InputError) as err:
        sroi_centre.apply_scenario(imap, "s")
    assert "range: shift ergibt den Bereich [0.85, 1.05], außerhalb der zulässigen Werte" in (
        err.value.text("de")
    )
    with pytest.raises(InputError) as err:
        sroi_centre.apply_scenario(imap, "nope")
    assert "unbekanntes Szenario (deklariert: s)" in err.value.text("de")
    data = copy.deepcopy(dict(imap.raw))
    data["scenarios"]["s"]["overrides"] = [_ov("deadweight", 0.25, {"low": "10 %", "high": 0.3})]
    with pytest.raises(InputError) as err:
        make_map(data)
    assert "neuer Bereich: low: erwartet eine Zahl, gefunden wurde ein Text" in err.value.text("de")


def test_shipped_scenarios_state_the_rule_of_every_ranged_figure() -> None:
    """Every override of a figure with a range says what happens to the range (the
    default is for files written before the rules, not for the shipped examples)."""
    for path in sroi_centre.centre_files(RAW).values():
        imap = sroi_centre.load_impact_map(path)
        raw = imap.raw
        for name, scenario in raw["scenarios"].items():
            business = ((raw.get("business") or {}).get("scenarios") or {}).get(name) or {}
            for ov in [*scenario["overrides"], *business.get("overrides", [])]:
                target = sroi_centre._resolve(raw, ov["path"].split("."))
                if target.get("low") is not None:
                    assert ov.get("range") is not None, (path.name, name, ov["path"])


def test_the_scenario_monte_carlo_follows_the_scenario() -> None:
    """Issue 16: barmen's conservative discount rate (5 %, base range uniform 2–5 %) had no
    effect on the Monte Carlo (deterministic 2.10 against a Monte Carlo mean of 2.70, at
    the 8 % quantile). The scenario now holds the rate at 5 % (range: drop)."""
    from analysis import sensitivity
    from analysis.sroi import engine as sroi

    s = sroi_centre.apply_scenario(sroi_centre.load_centre("barmen", RAW), "conservative")
    params = sroi.model_parameters(s)
    rate = params[0]
    assert rate.name == "discount_rate" and rate.base == 0.05 and not rate.uncertain
    mc = sensitivity.monte_carlo(sroi.model_function(s), params, 20_000, seed=1, progress=False)
    assert sroi.evaluate(s).ratio == pytest.approx(2.097, abs=1e-3)
    assert 0.3 < mc.deterministic_rank < 0.8 and mc.covers_deterministic()
    assert mc.mean == pytest.approx(1.96, abs=0.03)
