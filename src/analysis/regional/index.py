"""Structural-weakness index of municipalities and districts, and its rank stability.

Composite indicator built as the OECD/JRC *Handbook on Constructing Composite
Indicators* (2008) describes it: each indicator is normalised by standardisation
(z-score, section 5: ``z = (x − mean) / sd``, sample standard deviation, ddof = 1),
oriented so that a higher z always means *weaker* (indicators where higher is
stronger are multiplied by −1; the direction of each is stated in indicators.yaml),
and aggregated linearly with normalised weights (section 6: ``I = Σ w_j z_j``,
``Σ w_j = 1``).

Each indicator is standardised across the units at which it is published: district
(Kreis) indicators across the 400 districts, municipal indicators across the
municipalities. A municipality inherits its district's z-score for district
indicators. At district level, municipal indicators are the unweighted median of the
district's municipalities (see :func:`analysis.regional.data.values`).

Missing values (rule, stated openly): a place's index is the weighted mean of the z
it has, with the weights renormalised over its available indicators — equivalent to
imputing each missing z by the place's own weighted mean of the others. A place is
ranked only if its available indicators carry at least ``min_coverage`` of the total
weight (default 0.75); otherwise its index is missing and it is listed, never dropped
silently (``IndexResult.missing`` names each missing value and its cause).

Rank stability follows the Handbook's uncertainty analysis (section 7): rankings
under named weight sets are compared by Spearman's rho and Kendall's tau-b, and
weights drawn uniformly from the simplex (Dirichlet(1, …, 1), seeded) show how often
each place stays in the top N.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.regional import data as regional
from analysis.regional.data import RegionalData

DEFAULT_INDICATORS = ["p_markt", "wohn_leer", "bev_ue65", "bev_entw", "alq", "sozsich", "st_einnkr"]
"""One indicator per theme: supply access, vacancy, ageing, population change, labour
market, social benefits, tax capacity (equal weights unless given)."""

Weights = Mapping[str, float] | Sequence[float] | None


def standardise(values: pd.DataFrame, directions: Mapping[str, str]) -> pd.DataFrame:
    """Oriented z-scores: ``(x − mean) / sd`` over the non-missing values (ddof = 1),
    times −1 where ``directions[col] == "higher_is_stronger"`` (so higher = weaker)."""
    out = {}
    for col in values.columns:
        x = values[col].astype("float64")
        sd = x.std(ddof=1)
        if x.count() < 2 or not np.isfinite(sd) or sd == 0:
            raise ValueError(
                f"indicator {col!r} cannot be standardised: fewer than two distinct values"
            )
        sign = {"higher_is_weaker": 1.0, "higher_is_stronger": -1.0}[directions[col]]
        out[col] = sign * (x - x.mean()) / sd
    return pd.DataFrame(out, index=values.index)


def normalise_weights(weights: Weights, codes: Sequence[str]) -> pd.Series:
    """Weights as a Series over ``codes`` summing to 1 (``None`` or empty: equal)."""
    codes = list(codes)
    if weights is None or len(weights) == 0:
        w = pd.Series(1.0, index=codes)
    elif isinstance(weights, Mapping):
        unknown = sorted(set(weights) - set(codes))
        absent = [c for c in codes if c not in weights]
        if unknown or absent:
            raise ValueError(
                f"weights must name exactly the indicators {codes}; "
                f"unknown: {unknown}, without weight: {absent}"
            )
        w = pd.Series({c: float(weights[c]) for c in codes})
    else:
        if len(weights) != len(codes):
            raise ValueError(f"{len(weights)} weights for {len(codes)} indicators")
        w = pd.Series([float(v) for v in weights], index=codes)
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return w / w.sum()


def composite(z: pd.DataFrame, weights: pd.Series, min_coverage: float = 0.75) -> pd.DataFrame:
    """Index, coverage and rank per place (rank 1 = weakest; ties share the lower rank).

    ``coverage`` is the share of the total weight carried by the place's available
    indicators; below ``min_coverage`` the index is missing (see module docstring).
    """
    w = weights.reindex(z.columns).to_numpy()
    available = z.notna().to_numpy()
    filled = z.fillna(0.0).to_numpy()
    coverage = available @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        index = (filled @ w) / coverage
    index[coverage < min_coverage - 1e-12] = np.nan
    out = pd.DataFrame(
        {
            "index": index,
            "coverage": coverage,
            "n_indicators": available.sum(axis=1),
        },
        index=z.index,
    )
    out["rank"] = out["index"].rank(ascending=False, method="min").astype("Int64")
    return out


def place_z(data: RegionalData, codes: Sequence[str], level: str = "gemeinde") -> pd.DataFrame:
    """Oriented z-scores of ``codes`` per place, each standardised at its published level."""
    directions = data.indicators["direction"].to_dict()
    own = [c for c in codes if regional.indicator_level(data, c) == level]
    other = [c for c in codes if c not in own]
    parts = []
    if own:
        parts.append(standardise(regional.values(data, own, level), directions))
    if other and level == "gemeinde":
        zk = standardise(regional.values(data, other, "kreis"), directions)
        mapped = zk.reindex(data.municipalities["district"]).set_axis(data.municipalities.index)
        parts.append(mapped)
    elif other:
        parts.append(standardise(regional.values(data, other, "kreis"), directions))
    return pd.concat(parts, axis=1)[list(codes)]


@dataclass(frozen=True)
class IndexResult:
    """The index of one level with everything needed to read it."""

    scores: pd.DataFrame
    """Per place: name, district, state, settlement type, index, coverage, rank."""
    z: pd.DataFrame
    """Oriented z-score per place and indicator (higher = weaker)."""
    weights: pd.Series
    """Normalised weights."""
    missing: pd.DataFrame
    """Each missing value (:func:`analysis.regional.data.missing_table`: key, name, indicator,
    cause), plus whether the place is ranked."""
    level: str
    min_coverage: float


def structural_weakness(
    data: RegionalData,
    codes: Sequence[str] | None = None,
    weights: Weights = None,
    level: str = "gemeinde",
    min_coverage: float = 0.75,
) -> IndexResult:
    """The structural-weakness index of every municipality (or district)."""
    codes = list(codes or DEFAULT_INDICATORS)
    if len(set(codes)) != len(codes):
        raise ValueError("an indicator is listed twice")
    w = normalise_weights(weights, codes)
    z = place_z(data, codes, level)
    scores = regional.places(data, level).join(composite(z, w, min_coverage))
    missing = regional.missing_table(data, codes, level)
    missing["ranked"] = missing["key"].map(scores["index"].notna())
    return IndexResult(scores, z, w, missing, level, min_coverage)


def rankings(
    z: pd.DataFrame, weight_sets: Mapping[str, Weights], min_coverage: float = 0.75
) -> pd.DataFrame:
    """Rank of every place under each named weight set (columns = set names)."""
    return pd.DataFrame(
        {
            name: composite(z, normalise_weights(w, list(z.columns)), min_coverage)["rank"]
            for name, w in weight_sets.items()
        }
    )


def weight_sets(codes: Sequence[str], weights: Weights = None) -> dict[str, pd.Series]:
    """The chosen weights, equal weights, and each indicator left out in turn.

    Leaving one indicator out at a time is the Handbook's standard check of how much
    the ranking rests on a single indicator (OECD/JRC 2008, section 7).
    """
    codes = list(codes)
    sets = {"chosen": normalise_weights(weights, codes)}
    equal = normalise_weights(None, codes)
    if not np.allclose(sets["chosen"], equal):
        sets["equal"] = equal
    if len(codes) > 1:
        for c in codes:
            w = sets["chosen"].copy()
            w[c] = 0.0
            if w.sum() > 0:
                sets[f"without_{c}"] = w / w.sum()
    return sets


def rank_agreement(ranks: pd.DataFrame, top_n: int = 50) -> pd.DataFrame:
    """Pairwise agreement of rankings: Spearman's rho, Kendall's tau-b (places ranked in
    both) and the share of the first set's top ``top_n`` that stays in the second's."""
    rows = []
    names = list(ranks.columns)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            both = ranks[[a, b]].dropna().astype(float)
            top_a = set(ranks.index[ranks[a] <= top_n])
            top_b = set(ranks.index[ranks[b] <= top_n])
            rows.append(
                {
                    "set_a": a,
                    "set_b": b,
                    "n": len(both),
                    "spearman": stats.spearmanr(both[a], both[b]).statistic,
                    "kendall": stats.kendalltau(both[a], both[b]).statistic,
                    "top_n_retained": len(top_a & top_b) / max(len(top_a), 1),
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Stability:
    """Rank stability under random weights."""

    draws: pd.DataFrame
    """Per draw: the weights, Spearman's rho with the baseline ranking, top-N retained."""
    places: pd.DataFrame
    """Per place: baseline rank, median and 5 %/95 % rank, share of draws in the top N."""
    top_n: int
    n_draws: int
    seed: int


def dirichlet_stability(
    z: pd.DataFrame,
    base_weights: pd.Series,
    n_draws: int = 200,
    seed: int = 12122024,
    top_n: int = 50,
    alpha: float = 1.0,
    min_coverage: float = 0.75,
) -> Stability:
    """Rankings under ``n_draws`` weight vectors from Dirichlet(alpha, …, alpha).

    alpha = 1 draws uniformly from all weightings (the simplex); the seed makes the
    draws reproducible.
    """
    if n_draws < 1 or top_n < 1:
        raise ValueError("n_draws and top_n must be at least 1")
    codes = list(z.columns)
    rng = np.random.default_rng(seed)
    draws = rng.dirichlet(np.full(len(codes), alpha), size=n_draws)  # (d, k)
    available = z.notna().to_numpy(dtype=float)
    filled = z.fillna(0.0).to_numpy()
    coverage = available @ draws.T
    with np.errstate(invalid="ignore", divide="ignore"):
        idx = (filled @ draws.T) / coverage
    idx[coverage < min_coverage - 1e-12] = np.nan
    ranks = pd.DataFrame(idx, index=z.index).rank(ascending=False, method="min")
    base = composite(z, base_weights, min_coverage)["rank"].astype("float64")
    top_base = base <= top_n
    # Spearman's rho = Pearson correlation of the ranks, pairwise over places ranked in both.
    rho = ranks.corrwith(base, method="spearman").to_numpy()
    in_top = (ranks <= top_n).to_numpy()
    retained = (in_top & top_base.to_numpy()[:, None]).sum(axis=0) / max(int(top_base.sum()), 1)
    draws_frame = pd.DataFrame(draws, columns=[f"w_{c}" for c in codes])
    draws_frame["spearman"] = rho
    draws_frame["top_n_retained"] = retained
    arr = ranks.to_numpy()
    with warnings.catch_warnings():  # places never ranked give NaN, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        p05, p50, p95 = np.nanquantile(arr, [0.05, 0.5, 0.95], axis=1)
    places = pd.DataFrame(
        {
            "rank": base.astype("Int64"),
            "rank_median": p50,
            "rank_p05": p05,
            "rank_p95": p95,
            "share_in_top_n": in_top.sum(axis=1) / n_draws,
        },
        index=z.index,
    )
    return Stability(draws_frame, places, top_n, n_draws, seed)
