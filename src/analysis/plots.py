"""Shared figure style: one look for every report, German number formats on axes.

Domain modules build their figures with these helpers so that every chart uses the
same theme, palette and localised tick labels (``1.234,5`` on a German axis).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.ticker import FuncFormatter

from analysis.formatting import fmt_currency, fmt_number, fmt_percent
from analysis.i18n import DEFAULT_LANGUAGE

PALETTE = "colorblind"
FIGSIZE = (7.5, 4.2)


def setup(lang: str = DEFAULT_LANGUAGE) -> None:
    """Apply the workbench theme (call once at the top of a notebook)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    plt.rcParams.update(
        {
            "figure.figsize": FIGSIZE,
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "dorv-workbench",  # deterministic SVG ids
        }
    )


def number_formatter(decimals: int = 0, lang: str = DEFAULT_LANGUAGE) -> FuncFormatter:
    """Tick formatter for plain numbers in the report language."""
    return FuncFormatter(lambda x, _pos: fmt_number(x, decimals, lang))


def currency_formatter(decimals: int = 0, lang: str = DEFAULT_LANGUAGE) -> FuncFormatter:
    """Tick formatter for euro amounts in the report language."""
    return FuncFormatter(lambda x, _pos: fmt_currency(x, decimals=decimals, lang=lang))


def percent_formatter(decimals: int = 0, lang: str = DEFAULT_LANGUAGE) -> FuncFormatter:
    """Tick formatter for fractions shown as percentages."""
    return FuncFormatter(lambda x, _pos: fmt_percent(x, decimals, lang))


def localise_axis(
    ax: Any, axis: str = "y", kind: str = "number", decimals: int = 0, lang: str = DEFAULT_LANGUAGE
) -> Any:
    """Set localised tick labels on ``ax``'s ``axis`` ('x' or 'y'); returns ``ax``."""
    makers: dict[str, Callable[..., FuncFormatter]] = {
        "number": number_formatter,
        "currency": currency_formatter,
        "percent": percent_formatter,
    }
    formatter = makers[kind](decimals, lang)
    getattr(ax, f"{axis}axis").set_major_formatter(formatter)
    return ax
