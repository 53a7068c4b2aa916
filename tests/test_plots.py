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
