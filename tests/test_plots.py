"""Shared figure style: German tick labels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import plots
from analysis.sensitivity import MonteCarloResult


def test_localised_axis_formats_german_numbers() -> None:
    plots.setup("de")
    fig, ax = plt.subplots()
    ax.plot([0, 1500.5], [0, 0.25])
    plots.localise_axis(ax, "x", "number", 1)
    plots.localise_axis(ax, "y", "percent", 0)
    fmt_x = ax.xaxis.get_major_formatter()
    fmt_y = ax.yaxis.get_major_formatter()
    assert fmt_x(1234.5, 0) == "1.234,5"
    assert fmt_y(0.25, 0) == "25\xa0%"
    plt.close(fig)


def test_currency_formatter_english() -> None:
    assert plots.currency_formatter(0, "en")(1200, 0) == "€1,200"


def _labels(ax) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_tornado_figure_draws_low_and_high_swings_around_the_base() -> None:
    table = pd.DataFrame(
        {
            "label": ["a", "b"],
            "output_base": [2.0, 2.0],
            "output_low": [1.0, 1.5],
            "output_high": [3.5, 2.2],
        }
    )
    fig = plots.tornado_figure(table, "SROI-Quote", "de")
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 4  # two parameters, a low and a high bar each
    assert sorted(round(b.get_width(), 6) for b in bars) == [-1.0, -0.5, 0.2, 1.5]
    assert all(b.get_x() == 2.0 for b in bars)  # every bar starts at the base
    assert _labels(ax) == ["Basis", "niedriger Wert", "hoher Wert"]
    assert ax.get_xlabel() == "SROI-Quote"
    plt.close(fig)


def test_histogram_figure_marks_threshold_and_quantiles_in_english() -> None:
    values = np.arange(1.0, 101.0)
    mc = MonteCarloResult(values, seed=1, draws=100, threshold=50.0, deterministic=50.0, seconds=0)
    fig = plots.histogram_figure(mc, "NPV (€)", "en", bins=10)
    ax = fig.axes[0]
    assert sum(p.get_height() for p in ax.patches) == 100
    lines = [line.get_xdata()[0] for line in ax.get_lines()]
    assert lines == pytest.approx([*mc.quantiles().values(), 50.0])
    assert _labels(ax) == ["5/50/95 % quantile", "threshold"]
    assert ax.get_ylabel() == "draws"
    plt.close(fig)


def test_palette_is_okabe_ito_and_set_once() -> None:
    plots.setup("de")
    cycle = [c.upper() for c in plt.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle[:3] == ["#0072B2", "#D55E00", "#009E73"]


@pytest.mark.parametrize(
    ("lang", "top", "expected"),
    [
        ("de", 300_000, ["0\xa0€", "100\xa0Tsd.\xa0€", "200\xa0Tsd.\xa0€", "300\xa0Tsd.\xa0€"]),
        ("de", 1_400_000, ["0\xa0€", "0,5\xa0Mio.\xa0€", "1,0\xa0Mio.\xa0€"]),
        ("en", 300_000, ["€0", "€100k", "€200k", "€300k"]),
        ("de", 5_000, ["0\xa0€", "2.000\xa0€", "4.000\xa0€"]),
    ],
)
def test_currency_axis_is_compact(lang: str, top: float, expected: list[str]) -> None:
    plots.setup(lang)
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [top / 3, top])
    plots.localise_axis(ax, "y", "currency", lang=lang)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[: len(expected)] == expected
    plt.close(fig)


def test_tick_overlaps_finds_crowded_labels() -> None:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar([f"a rather long category label {i}" for i in range(8)], range(8))
    assert plots.tick_overlaps(fig)
    ax.set_title("t")
    ax.set_xlabel("x")
    plt.close(fig)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    assert plots.tick_overlaps(fig) == []
    assert plots.missing_labels(fig) == ["axes 0: no title", "0: no axis label"]
    plt.close(fig)


def _report_figures(lang: str) -> list:  # type: ignore[type-arg]
    """The figures of the SROI and business reports, from the shipped centre files."""
    from analysis import sensitivity
    from analysis.business import blended
    from analysis.business import case as business
    from analysis.business import centre as business_centre
    from analysis.business.report import blended as blended_report
    from analysis.business.report import case as business_report
    from analysis.sroi import centre as sroi_centre
    from analysis.sroi import engine as sroi
    from analysis.sroi import report as sroi_report

    plots.setup(lang)
    imap = sroi_centre.load_centre("barmen")
    res = sroi.evaluate(imap, lang=lang)
    params = sroi_report.labelled_parameters(imap, lang)
    model = sroi.model_function(imap)
    mc = sensitivity.monte_carlo(model, params, draws=2000, seed=1, progress=False)
    case = business_centre.load_centre_case("barmen", "base")
    bres = business.evaluate(case)
    bparams = business_report.labelled_parameters(case, lang)
    bmodel = business.model_function(case, "npv")
    bmc = sensitivity.monte_carlo(bmodel, bparams, draws=2000, seed=1, progress=False)
    tornado = plots.tornado_figure(sensitivity.tornado(model, params), "SROI", lang)
    npv_tornado = plots.tornado_figure(
        sensitivity.tornado(bmodel, bparams), "NPV", lang, kind="currency"
    )
    br = blended.blended_return(case, res)
    return [
        sroi_report.stakeholder_figure(res, lang),
        sroi_report.flows_figure(res, lang),
        tornado,
        plots.histogram_figure(mc, "SROI", lang),
        npv_tornado,
        plots.histogram_figure(bmc, "NPV", lang, kind="currency"),
        business_report.cash_flow_figure(bres, lang),
        blended_report.blended_figure(br, lang),
        blended_report.comparison_figure(blended.compare_centres(), lang),
    ]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_report_figures_read(lang: str) -> None:
    """Every SROI and business figure: titled, labelled, no tick labels on top of each other."""
    problems = []
    for i, fig in enumerate(_report_figures(lang)):
        problems += [f"figure {i}: {p}" for p in plots.tick_overlaps(fig)]
        problems += [f"figure {i}: {p}" for p in plots.missing_labels(fig)]
        plt.close(fig)
    assert not problems, problems


def test_tint_and_diverging_scale_come_from_the_palette() -> None:
    from analysis.plots import DIVERGING_5, OKABE_ITO, tint

    assert tint("#000000", 0.5) == "#808080" and tint("#0072b2", 0.0) == "#0072b2"
    assert tint("#0072B2", 1.0) == "#ffffff"
    assert DIVERGING_5[0] == OKABE_ITO["vermillion"] and DIVERGING_5[-1] == OKABE_ITO["blue"]
