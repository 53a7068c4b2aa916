"""Shared figure style: one look for every report, German number formats on axes.

Domain modules build their figures with these helpers so that every chart uses the
same theme, the colour-blind-safe Okabe–Ito palette (Okabe & Ito 2008, *Color Universal
Design*; set once in :func:`setup`) and localised tick labels (``1.234,5`` on a German
axis; euro axes compact: ``100 Tsd. €``, ``1,2 Mio. €``, English ``€100k``).
:func:`tick_overlaps` finds tick labels that collide, for the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import Formatter, FuncFormatter, MaxNLocator

from analysis.formatting import compact_scale, fmt_currency_compact, fmt_number, fmt_percent
from analysis.i18n import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from analysis.sensitivity import MonteCarloResult

OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish_green": "#009E73",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "reddish_purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
"""The Okabe–Ito colours, distinguishable with every common colour-vision deficiency."""
PALETTE = list(OKABE_ITO.values())
"""Colour cycle of every report figure (Okabe–Ito order; black last)."""


def tint(colour: str, share: float) -> str:
    """``colour`` mixed with white, ``share`` of the way (0: the colour, 1: white)."""
    from matplotlib.colors import to_hex, to_rgb

    return to_hex([c + (1.0 - c) * share for c in to_rgb(colour)])


DIVERGING_5 = [
    OKABE_ITO["vermillion"],
    tint(OKABE_ITO["vermillion"], 0.55),
    "#d9d9d9",
    tint(OKABE_ITO["blue"], 0.55),
    OKABE_ITO["blue"],
]
"""Five steps from disagreement to agreement (Likert 1–5) in the palette's vermillion and
blue with a grey middle, so the diverging chart stays readable with colour-vision
deficiencies, as every other figure."""
FIGSIZE = (7.5, 4.2)


def setup(lang: str = DEFAULT_LANGUAGE) -> None:
    """Apply the workbench theme (call once at the top of a notebook)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    plt.rcParams.update(
        {
            "axes.prop_cycle": plt.cycler(color=PALETTE),
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


class CurrencyFormatter(Formatter):
    """Euro ticks in the report language, compact and in one unit per axis: ``0 €``,
    ``150 Tsd. €``, ``300 Tsd. €`` (``€150k`` in English); amounts below 10,000 in full.
    Decimals only where the ticks need them to differ (``1,2 Mio. €``, ``1,4 Mio. €``)."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE, *, absolute: bool = False) -> None:
        self.lang = lang
        self.absolute = absolute  # mirrored bars: amounts left of zero shown without sign
        self._ticks: list[float] = []

    def set_locs(self, locs: Any) -> None:
        self._ticks = [float(x) for x in locs]

    def _scale(self) -> tuple[float, str]:
        if self.axis is None:
            return (1.0, "")
        lo, hi = self.axis.get_view_interval()
        return compact_scale(max(abs(lo), abs(hi)), self.lang)

    def _decimals(self, size: float) -> int:
        locs = sorted(set(self._ticks))
        steps = [b - a for a, b in pairwise(locs) if b > a]
        if not steps or size == 1.0:
            return 0
        step = min(steps) / size
        return 0 if step >= 1 else 1 if step >= 0.1 else 2

    def __call__(self, x: float, pos: int | None = None) -> str:
        size, word = self._scale()
        return fmt_currency_compact(x, self.lang, scale=(size, word), decimals=self._decimals(size))


def currency_formatter(decimals: int = 0, lang: str = DEFAULT_LANGUAGE) -> Formatter:
    """Tick formatter for euro amounts in the report language (compact, see
    :class:`CurrencyFormatter`; ``decimals`` is kept for callers, the ticks decide)."""
    return CurrencyFormatter(lang)


def percent_formatter(decimals: int = 0, lang: str = DEFAULT_LANGUAGE) -> FuncFormatter:
    """Tick formatter for fractions shown as percentages."""
    return FuncFormatter(lambda x, _pos: fmt_percent(x, decimals, lang))


def localise_axis(
    ax: Any, axis: str = "y", kind: str = "number", decimals: int = 0, lang: str = DEFAULT_LANGUAGE
) -> Any:
    """Set localised tick labels on ``ax``'s ``axis`` ('x' or 'y'); returns ``ax``."""
    makers: dict[str, Callable[..., Formatter]] = {
        "number": number_formatter,
        "currency": currency_formatter,
        "percent": percent_formatter,
    }
    formatter = makers[kind](decimals, lang)
    target = getattr(ax, f"{axis}axis")
    target.set_major_formatter(formatter)
    if kind == "currency":  # euro labels are wide: at most five ticks, round steps
        target.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
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
        "assumption": "Annahme",
        "tornado_title": "Tornado: {x} bei niedrigem und hohem Wert jeder Annahme",
        "hist_title": "{x} in {n} Monte-Carlo-Ziehungen",
    },
    "en": {
        "low": "low value",
        "high": "high value",
        "base": "base",
        "draws": "draws",
        "threshold": "threshold",
        "q": "5/50/95 % quantile",
        "assumption": "Assumption",
        "tornado_title": "Tornado: {x} at the low and high value of each assumption",
        "hist_title": "{x} in {n} Monte Carlo draws",
    },
}


def _title_subject(xlabel: str) -> str:
    """``Kapitalwert (€)`` → ``Kapitalwert``: the unit belongs to the axis, not the title."""
    return xlabel.split(" (")[0]


def tornado_figure(
    table: pd.DataFrame,
    xlabel: str,
    lang: str = "de",
    top: int = 12,
    *,
    title: str | None = None,
    kind: str = "number",
):
    """Tornado diagram of :func:`analysis.sensitivity.tornado` output (largest swing on top).

    ``kind`` formats the output axis (``number``, ``currency``, ``percent``); the title
    defaults to one naming the output."""
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
    ax.set_ylabel(txt["assumption"])
    ax.set_title(title or txt["tornado_title"].format(x=_title_subject(xlabel)), fontsize=11)
    localise_axis(ax, "x", kind, decimals=2, lang=lang)
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return fit_ticks(fig)


def histogram_figure(
    mc: MonteCarloResult,
    xlabel: str,
    lang: str = "de",
    bins: int = 60,
    *,
    title: str | None = None,
    kind: str = "number",
):
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
    default = txt["hist_title"].format(x=_title_subject(xlabel), n=fmt_number(mc.draws, 0, lang))
    ax.set_title(title or default, fontsize=11)
    localise_axis(ax, "x", kind, decimals=1, lang=lang)
    localise_axis(ax, "y", "number", decimals=0, lang=lang)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fit_ticks(fig)


# -- checks ----------------------------------------------------------------------------


def tick_overlaps(fig: Any) -> list[str]:
    """Tick labels of ``fig`` that overlap a neighbour once drawn, as ``"title x: a | b"``.

    Draws the figure with its own renderer and compares the bounding boxes of the visible,
    non-empty tick labels of each axis (what a reader would see as a smudge).
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        for name in ("x", "y"):
            labels = [
                t
                for t in getattr(ax, f"get_{name}ticklabels")()
                if t.get_visible() and t.get_text().strip()
            ]
            boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in labels]
            for i, (a, box_a) in enumerate(boxes):
                for b, box_b in boxes[i + 1 :]:
                    if box_a.overlaps(box_b):
                        found.append(f"{ax.get_title() or '(untitled)'} {name}: {a} | {b}")
    return found


def fit_ticks(fig: Any, min_ticks: int = 3) -> Any:
    """Thin the ticks of every axis of ``fig`` whose labels overlap once drawn (fewer,
    rounder steps) until they stand apart; returns ``fig``. Call after ``tight_layout``."""
    for ax in fig.axes:
        for name in ("x", "y"):
            axis = getattr(ax, f"{name}axis")
            if not isinstance(axis.get_major_locator(), MaxNLocator):
                continue
            nbins = max(len(axis.get_majorticklocs()) - 1, min_ticks)
            while nbins > min_ticks - 1 and _axis_overlaps(fig, ax, name):
                nbins -= 1
                axis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]))
    return fig


def _axis_overlaps(fig: Any, ax: Any, name: str) -> bool:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in getattr(ax, f"get_{name}ticklabels")() if t.get_visible() and t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in labels]
    return any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def missing_labels(fig: Any) -> list[str]:
    """Axes of ``fig`` without a title, or with a numeric axis without a label."""
    found = []
    for ax in fig.axes:
        if not ax.get_visible() or not ax.has_data():
            continue
        if not (ax.get_title() or fig.texts or getattr(fig, "_suptitle", None)):
            found.append(f"axes {fig.axes.index(ax)}: no title")
        if not (ax.get_xlabel() or ax.get_ylabel()):
            found.append(f"{ax.get_title() or fig.axes.index(ax)}: no axis label")
    return found
