"""Structural-weakness index of municipalities and districts, and its rank stability.

Composite indicator built as the OECD/JRC *Handbook on Constructing Composite
Indicators* (Nardo et al., 2008) describes it: each indicator is normalised, oriented so
that a higher score always means *weaker* (indicators where higher is stronger are
reversed; the direction of each is stated in indicators.yaml), and aggregated linearly with
normalised weights (Handbook, Part I step 6 and Part II section 3: ``I = Σ w_j y_j``,
``Σ w_j = 1``).

Normalisation (``method``, Handbook Part I step 5 and Part II section 2, Table 3):

* ``"percentile"`` (**default**) — the Handbook's *ranking* method, as a mid-rank
  percentile ``(#{x < x_i} + ½·#{x = x_i}) / n`` in (0, 1); ties share their mean rank.
  Ranking "is not affected by outliers", and it is invariant to any monotone transform of
  an indicator. The municipal indicators are heavy-tailed (car time to a supermarket:
  skew 27, z up to +58 on Helgoland; tax capacity: skew 58, z −84 in Büttel), so with
  z-scores a few extreme places set the ranking and the spread of ordinary places
  shrinks (the Handbook: with standardisation "indicators with extreme values thus have
  a greater effect on the composite indicator"). The cost: distances between places are
  lost (only order counts), which for targeting — who is in the weakest group — matters
  less than robustness.
* ``"winsorised_z"`` — z-scores after winsorising each indicator at its 1st and 99th
  percentiles (:data:`WINSOR_LIMITS`; the Handbook's outlier treatment before
  standardisation; the JRC COIN's practice treats an indicator when |skew| > 2 and
  kurtosis > 3.5). Keeps interval information between the limits.
* ``"z"`` — plain standardisation ``(x − mean) / sd`` (ddof = 1): the previous default,
  kept as an option for comparison.

Each indicator is normalised across the units at which it is published: district
(Kreis) indicators across the 400 districts, municipal indicators across the inhabited
municipalities. A municipality inherits its district's score for district indicators. At
district level, municipal indicators are the unweighted median of the district's inhabited
municipalities (see :func:`analysis.regional.data.values`).

Exclusions and flags (stated, never silent): areas without inhabitants
(:func:`analysis.regional.data.uninhabited`) are out of the normalisation reference and get
no index (``scores["excluded"]``); municipalities on islands without car traffic stay in
and are flagged (``scores["car_free_island"]``), because their car travel times describe no
resident's trip.

Missing values (rule, stated openly): a place's index is the weighted mean of the scores
it has, with the weights renormalised over its available indicators — equivalent to
imputing each missing score by the place's own weighted mean of the others. A place is
ranked only if its available indicators carry at least ``min_coverage`` of the total
weight (default 0.75); otherwise its index is missing and it is listed, never dropped
silently (``IndexResult.missing`` names each missing value and its cause).

Rank stability follows the Handbook's uncertainty analysis (Part I step 7): rankings
under named weight sets and normalisation methods are compared by Spearman's rho, Kendall's
tau-b and the overlap of their top groups, and weights drawn uniformly from the simplex
(Dirichlet(1, …, 1), seeded) show how often each place stays in the top N.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from analysis.regional import data as regional
from analysis.regional.data import RegionalData

DEFAULT_INDICATORS = ["p_markt", "wohn_leer", "bev_ue65", "bev_entw", "alq", "sozsich", "st_einnkr"]
"""One indicator per theme: supply access, vacancy, ageing, population change, labour
market, social benefits, tax capacity (equal weights unless given)."""

Weights = Mapping[str, float] | Sequence[float] | None

Method = Literal["percentile", "winsorised_z", "z"]
"""Normalisation of the indicators (see the module docstring)."""
METHODS: tuple[str, ...] = get_args(Method)
DEFAULT_METHOD: Method = "percentile"
WINSOR_LIMITS: tuple[float, float] = (0.01, 0.99)
"""Quantiles at which ``winsorised_z`` clips each indicator before standardising."""

_SIGN = {"higher_is_weaker": 1.0, "higher_is_stronger": -1.0}


def check_method(method: str) -> Method:
    """``method`` if it is one of :data:`METHODS`, else ValueError naming them."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    return method  # type: ignore[return-value]


def percentile_ranks(values: pd.DataFrame, directions: Mapping[str, str]) -> pd.DataFrame:
    """Oriented mid-rank percentiles in (0, 1): ``(#{x < x_i} + ½·#{x = x_i}) / n`` over
    the non-missing values, and ``1 −`` that where ``directions[col] ==
    "higher_is_stronger"`` (so higher = weaker). The Handbook's ranking normalisation
    (OECD/JRC 2008, Part I step 5, Table 3), robust to outliers and invariant to monotone
    transforms of an indicator; ties share their mean rank."""
    out = {}
    for col in values.columns:
        x = values[col].astype("float64")
        n = x.count()
        if n < 2 or x.nunique() < 2:
            raise ValueError(
                f"indicator {col!r} cannot be normalised: fewer than two distinct values"
            )
        p = (x.rank(method="average") - 0.5) / n
        out[col] = p if directions[col] == "higher_is_weaker" else 1.0 - p
    return pd.DataFrame(out, index=values.index)


def winsorise(values: pd.DataFrame, limits: tuple[float, float] = WINSOR_LIMITS) -> pd.DataFrame:
    """Each column clipped to its ``limits`` quantiles (linear interpolation, over the
    non-missing values); missing values stay missing."""
    low, high = limits
    if not 0 <= low < high <= 1:
        raise ValueError("winsorisation limits must satisfy 0 <= lower < upper <= 1")
    out = {}
    for col in values.columns:
        x = values[col].astype("float64")
        lo, hi = x.quantile([low, high]).to_numpy()
        out[col] = x.clip(lo, hi)
    return pd.DataFrame(out, index=values.index)


def normalise(
    values: pd.DataFrame,
    directions: Mapping[str, str],
    method: str = DEFAULT_METHOD,
    limits: tuple[float, float] = WINSOR_LIMITS,
) -> pd.DataFrame:
    """Oriented scores (higher = weaker) of every column by ``method``."""
    method = check_method(method)
    if method == "percentile":
        return percentile_ranks(values, directions)
    if method == "winsorised_z":
        return standardise(winsorise(values, limits), directions)
    return standardise(values, directions)


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
        out[col] = _SIGN[directions[col]] * (x - x.mean()) / sd
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


def place_scores(
    data: RegionalData,
    codes: Sequence[str],
    level: str = "gemeinde",
    method: str = DEFAULT_METHOD,
    exclude: pd.Index | None = None,
    limits: tuple[float, float] = WINSOR_LIMITS,
) -> pd.DataFrame:
    """Oriented scores of ``codes`` per place by ``method``, each normalised at its
    published level; ``exclude`` (municipality keys) take no part and get no score."""
    directions = data.indicators["direction"].to_dict()
    own = [c for c in codes if regional.indicator_level(data, c) == level]
    other = [c for c in codes if c not in own]
    parts = []
    if own:
        parts.append(
            normalise(regional.values(data, own, level, exclude), directions, method, limits)
        )
    if other and level == "gemeinde":
        zk = normalise(regional.values(data, other, "kreis", exclude), directions, method, limits)
        mapped = zk.reindex(data.municipalities["district"]).set_axis(data.municipalities.index)
        if exclude is not None and len(exclude):
            mapped.loc[mapped.index.isin(pd.Index(exclude))] = np.nan
        parts.append(mapped)
    elif other:
        parts.append(
            normalise(regional.values(data, other, "kreis", exclude), directions, method, limits)
        )
    return pd.concat(parts, axis=1)[list(codes)]


def place_z(data: RegionalData, codes: Sequence[str], level: str = "gemeinde") -> pd.DataFrame:
    """Oriented z-scores of ``codes`` per place, each standardised at its published level
    (every place; used for the distances between place profiles)."""
    return place_scores(data, codes, level, method="z")


@dataclass(frozen=True)
class IndexResult:
    """The index of one level with everything needed to read it."""

    scores: pd.DataFrame
    """Per place: name, district, state, settlement type, ``excluded`` (no inhabitants),
    ``car_free_island``, index, coverage, rank."""
    normalised: pd.DataFrame
    """Oriented score per place and indicator by ``method`` (higher = weaker)."""
    weights: pd.Series
    """Normalised weights."""
    missing: pd.DataFrame
    """Each missing value of a place that is not excluded
    (:func:`analysis.regional.data.missing_table`: key, name, indicator, cause), plus
    whether the place is ranked."""
    level: str
    min_coverage: float
    method: str = DEFAULT_METHOD
    """Normalisation: ``percentile``, ``winsorised_z`` or ``z``."""
    excluded: pd.DataFrame | None = None
    """The places kept out (:func:`analysis.regional.data.exclusions`), at Gemeinde level."""


def structural_weakness(
    data: RegionalData,
    codes: Sequence[str] | None = None,
    weights: Weights = None,
    level: str = "gemeinde",
    min_coverage: float = 0.75,
    method: str = DEFAULT_METHOD,
    exclude_uninhabited: bool = True,
) -> IndexResult:
    """The structural-weakness index of every municipality (or district).

    ``method`` chooses the normalisation (default ``"percentile"``, see the module
    docstring); ``exclude_uninhabited`` keeps areas without inhabitants out of the
    normalisation and the ranking (they stay listed with ``excluded = True``).
    """
    method = check_method(method)
    codes = list(codes or DEFAULT_INDICATORS)
    if len(set(codes)) != len(codes):
        raise ValueError("an indicator is listed twice")
    w = normalise_weights(weights, codes)
    gone = regional.exclusions(data)
    if not exclude_uninhabited:
        gone = gone.iloc[:0]
    keys = pd.Index(gone["key"])
    normalised = place_scores(data, codes, level, method, keys)
    info = regional.places(data, level)
    flags = pd.DataFrame(
        {
            "excluded": info.index.isin(keys) if level == "gemeinde" else False,
            "car_free_island": regional.car_free_island(info.index).to_numpy(),
        },
        index=info.index,
    )
    scores = info.join(flags).join(composite(normalised, w, min_coverage))
    missing = regional.missing_table(data, codes, level)
    if level == "gemeinde":
        missing = missing[~missing["key"].isin(keys)].reset_index(drop=True)
    missing["ranked"] = missing["key"].map(scores["index"].notna())
    return IndexResult(scores, normalised, w, missing, level, min_coverage, method, gone)


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


def method_rankings(
    data: RegionalData,
    codes: Sequence[str],
    weight_sets: Mapping[str, Weights],
    methods: Sequence[str] = METHODS,
    level: str = "gemeinde",
    min_coverage: float = 0.75,
    exclude_uninhabited: bool = True,
) -> pd.DataFrame:
    """Rank of every place under each normalisation method × named weight set.

    Columns are a MultiIndex ``(method, weight set)``; the normalisation is computed once
    per method. Handbook Part I step 7: the choice of normalisation is one of the
    uncertain inputs whose effect on the ranking is to be shown.
    """
    codes = list(codes)
    keys = pd.Index(regional.exclusions(data)["key"]) if exclude_uninhabited else None
    cols = {}
    for method in methods:
        normalised = place_scores(data, codes, level, check_method(method), keys)
        for name, ranks in rankings(normalised, weight_sets, min_coverage).items():
            cols[(method, name)] = ranks
    out = pd.DataFrame(cols)
    out.columns = pd.MultiIndex.from_tuples(list(cols), names=["method", "weights"])
    return out


def top_overlap(
    ranks: pd.DataFrame, reference: object, sizes: Sequence[int] = (20, 100)
) -> pd.DataFrame:
    """How many of the reference ranking's top ``n`` each ranking shares, for each size.

    One row per column of ``ranks``: ``shared_<n>`` (count of places in both top-n
    groups), ``jaccard_<n>`` (|A ∩ B| / |A ∪ B|) and Spearman's rho with the reference over
    the places ranked in both. Top n = rank ≤ n (ties at the border may make it larger).
    """
    ref = ranks[reference]
    rows = []
    for col in ranks.columns:
        row: dict[str, object] = {"ranking": col}
        for n in sizes:
            a = set(ranks.index[ref <= n])
            b = set(ranks.index[ranks[col] <= n])
            row[f"shared_{n}"] = len(a & b)
            row[f"jaccard_{n}"] = len(a & b) / max(len(a | b), 1)
        both = pd.concat([ref, ranks[col]], axis=1).dropna().astype(float)
        row["spearman"] = stats.spearmanr(both.iloc[:, 0], both.iloc[:, 1]).statistic
        rows.append(row)
    return pd.DataFrame(rows)


def variance_shares(
    normalised: pd.DataFrame, weights: pd.Series, min_coverage: float = 0.75
) -> pd.Series:
    """Share of the index variance each indicator accounts for, over the places with all
    indicators: ``cov(w_j y_j, I) / var(I)`` (the shares sum to 1). A heavy-tailed indicator
    with few extreme values accounts for less variance among ordinary places than its
    nominal weight suggests; a balanced index has shares near the weights."""
    full = normalised.dropna()
    index = composite(full, weights, min_coverage)["index"]
    w = weights.reindex(full.columns)
    var = index.var(ddof=1)
    return pd.Series(
        {c: float(np.cov(w[c] * full[c], index, ddof=1)[0, 1] / var) for c in full.columns},
        name="variance_share",
    )


def published_values(
    data: RegionalData, codes: Sequence[str], exclude: pd.Index | None = None
) -> dict[str, pd.Series]:
    """Each indicator over the units at which it is published (districts or the
    municipalities not in ``exclude``), without missing values."""
    return {
        c: regional.values(data, [c], regional.indicator_level(data, c), exclude)[c].dropna()
        for c in codes
    }


def distribution(
    columns: Mapping[str, pd.Series], limits: tuple[float, float] = WINSOR_LIMITS
) -> pd.DataFrame:
    """Per indicator: n, skewness and excess kurtosis before and after winsorising at
    ``limits``, the range of the plain z-scores, and how many values the limits clip."""
    rows = {}
    for col, series in columns.items():
        x = series.dropna().astype("float64")
        w = winsorise(x.to_frame(), limits).iloc[:, 0]
        z = (x - x.mean()) / x.std(ddof=1)
        rows[col] = {
            "n": int(x.count()),
            "skew": float(stats.skew(x)),
            "kurtosis": float(stats.kurtosis(x)),
            "z_min": float(z.min()),
            "z_max": float(z.max()),
            "n_clipped": int((x != w).sum()),
            "skew_winsorised": float(stats.skew(w)),
            "kurtosis_winsorised": float(stats.kurtosis(w)),
        }
    return pd.DataFrame(rows).T


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
