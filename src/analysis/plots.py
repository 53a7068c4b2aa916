"""Shared figure style: one look for every report, German number formats on axes.

Domain modules build their figures with these helpers so that every chart uses the
same theme, palette and localised tick labels (``1.234,5`` on a German axis).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter

from analysis.formatting import fmt_currency, fmt_number, fmt_percent
from analysis.i18n import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from analysis.sensitivity import MonteCarloResult

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


# -- sensitivity figures: tornado and Monte Carlo histogram --------------------

_FIG_TEXT = {
    "de": {
        "low": "niedriger Wert",
        "high": "hoher Wert",
        "base": "Basis",
        "draws": "Anzahl Ziehungen",
        "threshold": "Schwelle",
        "q": "5-/50-/95-%-Quantil",
    },
    "en": {
        "low": "low value",
        "high": "high value",
        "base": "base",
        "draws": "draws",
        "threshold": "threshold",
        "q": "5/50/95 % quantile",
    },
}


def tornado_figure(table: pd.DataFrame, xlabel: str, lang: str = "de", top: int = 12):
    """Tornado diagram of :func:`analysis.sensitivity.tornado` output (largest swing on top)."""
    txt = _FIG_TEXT["en" if lang == "en" else "de"]
    t = table.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.42 * max(len(t), 1) + 1.6))
    if len(t):
        base = float(t["output_base"].iloc[0])
        ax.barh(t["label"], t["output_low"] - base, left=base, color="#D55E00", label=txt["low"])
        ax.barh(t["label"], t["output_high"] - base, left=base, color="#0072B2", label=txt["high"])
        ax.axvline(base, color="black", linewidth=0.8, label=txt["base"])
        ax.legend(loc="lower right", fontsize=8)
    ax.set_xlabel(xlabel)
    localise_axis(ax, "x", "number", decimals=2, lang=lang)
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return fig


def histogram_figure(mc: MonteCarloResult, xlabel: str, lang: str = "de", bins: int = 60):
    """Histogram of Monte Carlo outputs with the threshold and the 5/50/95 % quantiles."""
    txt = _FIG_TEXT["en" if lang == "en" else "de"]
    fig, ax = plt.subplots()
    finite = mc.values[np.isfinite(mc.values)]
    ax.hist(finite, bins=bins, color="#56B4E9", edgecolor="white")
    for i, q in enumerate(mc.quantiles().values()):
        ax.axvline(
            q, color="#333333", linestyle="--", linewidth=1, label=txt["q"] if i == 0 else None
        )
    ax.axvline(mc.threshold, color="#D55E00", linewidth=1.5, label=txt["threshold"])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(txt["draws"])
    localise_axis(ax, "x", "number", decimals=1, lang=lang)
    localise_axis(ax, "y", "number", decimals=0, lang=lang)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
