"""Tests of analysis.business.report.whatif: the widget panel driven from Python."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.business import whatif
from analysis.business.report import whatif as whatif_report
from analysis.sroi import report as sroi_report

RAW = Path(__file__).resolve().parents[3] / "data" / "raw"


def _app(centre: str = "barmen", lang: str = "de", folder: Path | None = None):
    w = whatif.WhatIf(centre, "base", folder=folder)
    labels = sroi_report.parameter_labels(w.case.imap, lang)
    return whatif_report.WhatIfApp(w, labels, lang)


def test_moving_a_slider_updates_ratio_npv_blended_and_exchange() -> None:
    app = _app()
    before = (app.headline.value, app.exchange.value, app.blended.value)
    assert "SROI-Quote" in app.headline.value and "Noch nichts geändert" in app.changes.value
    app.sliders["impact_map.outcomes.local_shopping.quantity"].value = 480
    after = (app.headline.value, app.exchange.value, app.blended.value)
    assert all(a != b for a, b in zip(before, after, strict=True))
    assert app.last is not None
    ratio = app.last.sroi.ratio
    assert f"{ratio:.2f}".replace(".", ",") in app.headline.value  # German number format
    assert "Tägliche Einkäufe" in app.changes.value and "480" in app.changes.value
    assert app.last_ms is not None and app.last_ms > 0
    app.reset()
    assert app.headline.value == before[0]


def test_business_slider_moves_npv_and_not_the_ratio() -> None:
    app = _app("fictional_quarter", "en")
    ratio, npv = app.last.sroi.ratio, app.last.business.npv
    app.sliders["business.premises.rent_reduction"].value = 10.0
    assert app.last.sroi.ratio == ratio and app.last.business.npv > npv
    assert "NPV of the business model" in app.headline.value
    assert "Rent reduction" in app.changes.value or "rent" in app.changes.value.lower()


def test_every_control_has_a_slider_and_a_label() -> None:
    app = _app("fictional_village")
    assert set(app.sliders) == {c.path for c in app.w.controls}
    for c in app.w.controls:
        s = app.sliders[c.path]
        assert (s.min, s.max, s.value) == (c.low, c.high, c.value)
        assert app.labels[c.path] != c.path  # a worded label, not the path


def test_save_button_writes_the_scenario_and_reports_errors(tmp_path: Path) -> None:
    folder = tmp_path / "sroi"
    folder.mkdir()
    shutil.copy(RAW / "sroi" / "barmen.yaml", folder / "barmen.yaml")
    app = _app(folder=folder)
    app.sliders["business.ranges.groceries.capture_rate"].value = 0.2
    app.name.value = "bad name"
    assert app.save() is None and "Nicht gespeichert" in app.status.value
    assert "ein Szenarioname muss dem Muster" in app.status.value
    app.name.value = "mehr_kunden"
    app.note.value = "Der Raum erwartet mehr Stammkundschaft."
    app.save_button.click()
    saved = folder / "scenarios" / "barmen__mehr_kunden.yaml"
    assert saved.is_file() and "barmen__mehr_kunden.yaml" in app.status.value
    assert "Der Raum erwartet mehr Stammkundschaft." in saved.read_text()
    app.save_button.click()  # same name again: refused, nothing overwritten
    assert "existiert bereits für das Zentrum" in app.status.value


def test_grid_table_is_worded_and_german() -> None:
    w = whatif.WhatIf("barmen", "base")
    labels = whatif_report.control_labels(w, sroi_report.parameter_labels(w.case.imap), "de")
    table = whatif_report.grid_table(whatif.grid(w), w, labels, "de")
    assert len(table) == 9 and "SROI-Quote" in table.columns
    assert table.iloc[0, 0] == "0" and table.iloc[0, 1] == "10,0\xa0%"
    assert all(" : 1" in v or ":" in v for v in table["SROI-Quote"])


@pytest.mark.parametrize("lang", ["de", "en"])
def test_headline_markdown(lang: str) -> None:
    r = whatif.WhatIf("barmen", "base").evaluate()
    text = whatif_report.headline_markdown(r, lang)
    assert ("SROI-Quote" if lang == "de" else "SROI ratio") in text
    assert text.count(":") == 1  # the ratio once, as "3,38 : 1"


@pytest.mark.parametrize(
    ("lang", "proxy", "rate", "wage"),
    [("de", "1.340", "6,5\xa0%", "13,02"), ("en", "1,340", "6.5%", "13.02")],
)
def test_slider_readouts_in_the_panel_language(lang: str, proxy: str, rate: str, wage: str) -> None:
    """The widget's own readout (English numbers) is off; a label beside each slider shows
    the value formatted for the panel's language and follows the slider."""
    app = _app(lang=lang)
    assert set(app.readouts) == set(app.sliders)
    assert not any(s.readout for s in app.sliders.values())
    path = "impact_map.outcomes.independent_living.proxy"  # amount, step 20, starts 1300
    start = "1.300" if lang == "de" else "1,300"
    assert app.readouts[path].value == start
    app.sliders[path].value = 1340
    assert app.readouts[path].value == proxy
    app.sliders["impact_map.discount_rate"].value = 0.065  # fraction
    assert app.readouts["impact_map.discount_rate"].value == rate
    hours = "impact_map.inputs.ongoing_volunteering.factors.wage"  # 12.82, step 0.2
    app.sliders[hours].value = 13.02
    assert app.readouts[hours].value == wage
    # the HBox of every control: label, slider, readout
    row = next(
        r for r in app.controls_panel.children[0].children if app.sliders[path] in r.children
    )
    assert row.children[1:] == (app.sliders[path], app.readouts[path])
    app.reset()
    assert app.readouts[path].value == start
