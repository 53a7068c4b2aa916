"""Shared figure style: German tick labels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from analysis import plots


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
