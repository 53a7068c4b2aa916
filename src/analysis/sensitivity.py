"""Sensitivity analysis of any model over a vector of named parameters.

Generic: a *model* is a vectorised function ``f(x) -> y`` taking a matrix of shape
(rows, parameters) and returning one value per row (an SROI ratio, an NPV, a cash-flow
figure …). :class:`Parameter` declares each column's base value, optional uncertainty
(``low``/``high`` and a distribution) and its feasible ``bounds``. Three analyses:

* :func:`tornado` – one-at-a-time: each uncertain parameter at its low and at its high
  value with all others at base (the classic tornado diagram; e.g. Saltelli et al.,
  *Global Sensitivity Analysis: The Primer*, 2008, ch. 1).
* :func:`tipping_points` – for each parameter, the value within its bounds at which
  the output crosses a threshold (default 1, an SROI ratio of 1 : 1), found by a grid
  scan for a sign change and Brent's method (``scipy.optimize.brentq``); "none in
  range" when the output does not cross the threshold inside the bounds.
* :func:`monte_carlo` – draws every uncertain parameter independently from its
  distribution with a seeded ``numpy.random.Generator`` and evaluates the model on
  all draws at once, by inverse-transform sampling. Triangular: closed-form inverse CDF
  with mode = base. PERT: the Beta-PERT distribution with shape λ = 4,
  α = 1 + 4 (mode − low)/(high − low), β = 1 + 4 (high − mode)/(high − low)
  (Malcolm et al. 1959; Vose, *Risk Analysis*, 3rd ed. 2008, §9.1.4), inverted
  numerically to u-resolution 1e-10 (scipy's PINV). Uniform on [low, high].
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import brentq

Model = Callable[[np.ndarray], np.ndarray]
"""A vectorised model: (rows, parameters) matrix → (rows,) outputs."""

CHUNK = 50_000
"""Draws evaluated per block in :func:`monte_carlo` (fixed, so results do not depend on it)."""


@dataclass(frozen=True)
class Parameter:
    """One input of a model: base value, optional uncertainty and feasible bounds."""

    name: str
    base: float
    low: float | None = None
    high: float | None = None
    distribution: str | None = None  # "triangular", "pert" or "uniform"
    bounds: tuple[float, float] = (-math.inf, math.inf)
    label: str | None = None

    @property
    def uncertain(self) -> bool:
        """True if the parameter has a distribution and a range of positive width."""
        return (
            self.distribution is not None
            and self.low is not None
            and self.high is not None
            and self.high > self.low
        )

    def __post_init__(self) -> None:
        if self.distribution not in (None, "triangular", "pert", "uniform"):
            raise ValueError(f"{self.name}: unknown distribution {self.distribution!r}")
        if (self.low is None) != (self.high is None):
            raise ValueError(f"{self.name}: give both low and high, or neither")
        if self.low is not None and not (self.low <= self.base <= self.high):  # type: ignore[operator]
            raise ValueError(f"{self.name}: need low <= base <= high")


def base_matrix(params: Sequence[Parameter], rows: int = 1) -> np.ndarray:
    """A (rows, parameters) matrix with every parameter at its base value."""
    return np.tile(np.array([p.base for p in params], dtype=float), (rows, 1))


# --------------------------------------------------------------------------------------
# Tornado
# --------------------------------------------------------------------------------------


def tornado(
    model: Model, params: Sequence[Parameter], *, only_uncertain: bool = True
) -> pd.DataFrame:
    """One-at-a-time sensitivity: output with each parameter at its low and its high.

    Returns one row per parameter with a range (``parameter``, ``label``, ``base``,
    ``low``, ``high``, ``output_base``, ``output_low``, ``output_high``, ``swing`` =
    |output_high − output_low|), sorted by swing, largest first.
    """
    chosen = [
        (i, p)
        for i, p in enumerate(params)
        if p.low is not None and (p.uncertain or not only_uncertain) and p.high != p.low
    ]
    columns = [
        "parameter",
        "label",
        "base",
        "low",
        "high",
        "output_base",
        "output_low",
        "output_high",
        "swing",
    ]
    if not chosen:
        return pd.DataFrame(columns=columns)
    x = base_matrix(params, 1 + 2 * len(chosen))
    for j, (i, p) in enumerate(chosen):
        x[1 + 2 * j, i] = p.low
        x[2 + 2 * j, i] = p.high
    y = np.asarray(model(x), dtype=float)
    rows = []
    for j, (_, p) in enumerate(chosen):
        lo, hi = y[1 + 2 * j], y[2 + 2 * j]
        rows.append(
            {
                "parameter": p.name,
                "label": p.label or p.name,
                "base": p.base,
                "low": p.low,
                "high": p.high,
                "output_base": y[0],
                "output_low": lo,
                "output_high": hi,
                "swing": abs(hi - lo),
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Tipping points
# --------------------------------------------------------------------------------------

NONE_IN_RANGE = "none in range"
FOUND = "found"


def tipping_point(
    model: Model,
    params: Sequence[Parameter],
    index: int,
    threshold: float = 1.0,
    grid: int = 201,
) -> tuple[float | None, str]:
    """The value of ``params[index]`` (others at base) at which the output equals ``threshold``.

    Scans ``grid`` points across the parameter's bounds for a sign change of
    output − threshold, takes the crossing nearest to the base value and refines it with
    Brent's method. Returns ``(value, "found")`` or ``(None, "none in range")``.
    """
    p = params[index]
    lo, hi = p.bounds
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"{p.name}: tipping points need finite bounds")
    xs = np.linspace(lo, hi, grid)
    x = base_matrix(params, grid)
    x[:, index] = xs
    g = np.asarray(model(x), dtype=float) - threshold
    finite = np.isfinite(g)
    exact = np.flatnonzero(finite & (g == 0.0))
    sign_change = np.flatnonzero(finite[:-1] & finite[1:] & (np.sign(g[:-1]) * np.sign(g[1:]) < 0))
    candidates: list[float] = [float(xs[k]) for k in exact]

    def scalar(v: float) -> float:
        row = base_matrix(params, 1)
        row[0, index] = v
        return float(np.asarray(model(row))[0]) - threshold

    for k in sign_change:
        candidates.append(float(brentq(scalar, xs[k], xs[k + 1], xtol=1e-12, rtol=1e-12)))
    if not candidates:
        return None, NONE_IN_RANGE
    best = min(candidates, key=lambda v: abs(v - p.base))
    return best, FOUND


def tipping_points(
    model: Model,
    params: Sequence[Parameter],
    threshold: float = 1.0,
    *,
    names: Sequence[str] | None = None,
    only_uncertain: bool = False,
) -> pd.DataFrame:
    """Tipping point of each parameter (or of those in ``names``), see :func:`tipping_point`.

    Columns: ``parameter``, ``label``, ``base``, ``tipping_value``, ``status``
    ("found" / "none in range"), ``bound_low``, ``bound_high``, ``change`` (tipping
    value relative to base − 1, NaN when base is 0 or none was found).
    """
    rows = []
    for i, p in enumerate(params):
        if names is not None and p.name not in names:
            continue
        if only_uncertain and not p.uncertain:
            continue
        value, status = tipping_point(model, params, i, threshold)
        change = (value / p.base - 1.0) if value is not None and p.base != 0 else math.nan
        rows.append(
            {
                "parameter": p.name,
                "label": p.label or p.name,
                "base": p.base,
                "tipping_value": value if value is not None else math.nan,
                "status": status,
                "bound_low": p.bounds[0],
                "bound_high": p.bounds[1],
                "change": change,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------------------


def pert_shapes(low: float, mode: float, high: float) -> tuple[float, float]:
    """Beta shape parameters of the PERT distribution with λ = 4 (Vose 2008, §9.1.4)."""
    width = high - low
    return 1.0 + 4.0 * (mode - low) / width, 1.0 + 4.0 * (high - mode) / width


def sample(params: Sequence[Parameter], draws: int, rng: np.random.Generator) -> np.ndarray:
    """A (draws, parameters) matrix: uncertain parameters drawn, the others at base.

    Triangular and uniform parameters by inverse-transform sampling from one uniform
    matrix ``rng.random((k, draws))`` (closed-form inverse CDF, mode = base); PERT
    parameters as ``low + (high − low) · Beta(α, β)`` with NumPy's Beta generator
    (shapes from :func:`pert_shapes`), drawn after the uniform matrix in parameter
    order. Everything comes from the one seeded ``rng``, so a seed reproduces the draws.
    The matrix is column-major so that models can gather parameter columns quickly.
    """
    x = np.empty((draws, len(params)), order="F")
    uncertain = [i for i, p in enumerate(params) if p.uncertain]
    u = rng.random((len(uncertain), draws)) if uncertain else None  # one row per parameter
    j = {i: k for k, i in enumerate(uncertain)}
    for i, p in enumerate(params):
        if i not in j:
            x[:, i] = p.base
            continue
        ui = u[j[i]]  # type: ignore[index]
        a, c, b = float(p.low), float(p.base), float(p.high)  # type: ignore[arg-type]
        if p.distribution == "uniform":
            x[:, i] = a + (b - a) * ui
        elif p.distribution == "triangular":
            # F⁻¹(u) = a + √(u (b − a)(c − a)) for u < F(c), else b − √((1 − u)(b − a)(b − c))
            left = ui < (c - a) / (b - a)
            v = np.where(left, ui * ((b - a) * (c - a)), (1.0 - ui) * ((b - a) * (b - c)))
            np.sqrt(v, out=v)
            x[:, i] = np.where(left, a + v, b - v)
        else:  # pert
            alpha, beta = pert_shapes(a, c, b)
            x[:, i] = a + (b - a) * rng.beta(alpha, beta, draws)
    return x


@dataclass(frozen=True)
class MonteCarloResult:
    """Outputs of all draws and their summary."""

    values: np.ndarray = field(repr=False)
    seed: int | None
    draws: int
    threshold: float
    deterministic: float
    seconds: float

    def quantiles(self, qs: Sequence[float] = (0.05, 0.5, 0.95)) -> dict[float, float]:
        """Quantiles of the output (default 5 %, 50 %, 95 %), NaN draws ignored."""
        return {q: float(np.nanquantile(self.values, q)) for q in qs}

    @property
    def p_exceeds(self) -> float:
        """Share of draws whose output exceeds the threshold (P(ratio > 1) by default)."""
        return float(np.mean(self.values > self.threshold))

    @property
    def mean(self) -> float:
        return float(np.nanmean(self.values))

    def summary(self) -> dict[str, float]:
        q = self.quantiles()
        return {
            "draws": float(self.draws),
            "mean": self.mean,
            "p05": q[0.05],
            "p50": q[0.5],
            "p95": q[0.95],
            "p_exceeds": self.p_exceeds,
            "deterministic": self.deterministic,
        }


def monte_carlo(
    model: Model,
    params: Sequence[Parameter],
    draws: int = 10_000,
    seed: int | None = 0,
    *,
    threshold: float = 1.0,
    progress: bool | None = None,
) -> MonteCarloResult:
    """Propagate the declared uncertainties through ``model`` by Monte Carlo.

    Draws are generated and evaluated in blocks of :data:`CHUNK` from one seeded
    ``numpy.random.default_rng(seed)``, so the same seed and number of draws give the
    same values. With no uncertain parameter every draw equals the deterministic
    output. A tqdm progress bar appears when there are several blocks (``progress=None``)
    or when forced with ``progress=True``.
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    deterministic = float(np.asarray(model(base_matrix(params, 1)))[0])
    blocks = [(s, min(s + CHUNK, draws)) for s in range(0, draws, CHUNK)]
    show = len(blocks) > 1 if progress is None else progress
    iterator = blocks
    if show:
        from tqdm.auto import tqdm

        iterator = tqdm(blocks, desc="Monte Carlo", unit="block", leave=False)
    values = np.empty(draws)
    for s, e in iterator:
        values[s:e] = model(sample(params, e - s, rng))
    return MonteCarloResult(
        values=values,
        seed=seed,
        draws=draws,
        threshold=threshold,
        deterministic=deterministic,
        seconds=time.perf_counter() - start,
    )


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------

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
    """Tornado diagram of :func:`tornado` output (largest swing on top)."""
    import matplotlib.pyplot as plt

    from .plots import localise_axis

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
    import matplotlib.pyplot as plt

    from .plots import localise_axis

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
