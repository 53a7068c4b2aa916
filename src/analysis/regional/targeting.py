"""Where a DORV-style centre would matter most: place profiles, peers and candidates.

* :func:`profile` — a place's indicator values against the medians of its settlement
  type, its state (Land) and Germany. Each median is taken over the units at which
  the indicator is published (district indicators over districts, municipal ones over
  municipalities), so a district value is not counted once per municipality.
* :func:`peers` — the nearest places by Euclidean distance between standardised
  indicator profiles (the z-scores of :mod:`analysis.regional.index`).
* :func:`candidates` — places where supply access is poor (access time at or above a
  national quantile) **and** vacancy or ageing is high (at or above their national
  quantiles), ranked by the structural-weakness index, filterable by state and
  settlement type (:func:`analysis.regional.report.candidates_xlsx` exports them
  export-safe for planners).

Default example: the DORV pilot Jülich (GKZ 05358024, Kreis Düren).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.regional import data as regional
from analysis.regional import index as regional_index
from analysis.regional.data import SETTLEMENT_TYPES, RegionalData
from analysis.regional.index import IndexResult

JUELICH = "05358024"
"""GKZ of Jülich, Stadt (Kreis Düren 05358000), home of the DORV pilot centre."""


def _reference(data: RegionalData, code: str, level: str | None = None) -> pd.DataFrame:
    """Values of ``code`` with state and settlement type, at its published level (or at
    ``level="kreis"``, where municipal indicators are district medians)."""
    level = level or regional.indicator_level(data, code)
    info = regional.places(data, level)[["state", "settlement_type"]]
    return info.assign(value=regional.values(data, [code], level)[code])


def profile(data: RegionalData, key: str, codes: Sequence[str]) -> pd.DataFrame:
    """The place's values against settlement-type, state and national medians.

    For a district, municipal indicators are district medians and so are compared with
    other districts. One row per indicator; ``percentile`` is the share of units in Germany with a
    lower value (ties count half), i.e. the mid-rank percentile. Labels and units in a
    language are added by :func:`analysis.regional.report.profile_table`.
    """
    level = regional.place_level(data, key)
    info = regional.places(data, level).loc[key]
    own = regional.values(data, list(codes), level).loc[key]
    rows = []
    for code in codes:
        ref = _reference(data, code, "kreis" if level == "kreis" else None)
        x = ref["value"].dropna()
        value = own[code]
        same_type = ref.loc[ref["settlement_type"] == info["settlement_type"], "value"]
        same_state = ref.loc[ref["state"] == info["state"], "value"]
        pct = np.nan
        if pd.notna(value):
            pct = float(((x < value).sum() + 0.5 * (x == value).sum()) / len(x))
        meta = data.indicators.loc[code]
        rows.append(
            {
                "indicator": code,
                "level": meta["level"],
                "direction": meta["direction"],
                "value": value,
                "median_settlement_type": same_type.median(),
                "median_state": same_state.median(),
                "median_germany": x.median(),
                "percentile_germany": pct,
            }
        )
    out = pd.DataFrame(rows).set_index("indicator")
    out.attrs.update(
        key=key,
        name=info["name"],
        level=level,
        state_name=info["state_name"],
        settlement_type=int(info["settlement_type"]),
    )
    return out


def peers(
    data: RegionalData,
    key: str,
    codes: Sequence[str],
    k: int = 10,
    same_settlement_type: bool = False,
    other_districts_only: bool = True,
) -> pd.DataFrame:
    """The ``k`` places nearest to ``key`` by Euclidean distance of their z-profiles.

    Only indicators the place itself has are used; candidate peers must have all of
    them. ``other_districts_only`` (default) leaves out the place's own district,
    whose municipalities share every district value and would crowd the list.
    """
    level = regional.place_level(data, key)
    z = regional_index.place_z(data, codes, level)
    own = z.loc[key].dropna()
    if own.empty:
        raise InputError(
            "place has no value for any chosen indicator", column="place_key", value=key
        )
    info = regional.places(data, level)
    pool = z[own.index].dropna()
    pool = pool.drop(index=key)
    if same_settlement_type:
        same = info.loc[pool.index, "settlement_type"] == info.loc[key, "settlement_type"]
        pool = pool[same.to_numpy()]
    if other_districts_only and level == "gemeinde":
        pool = pool[(info.loc[pool.index, "district"] != info.loc[key, "district"]).to_numpy()]
    dist = np.sqrt(((pool - own) ** 2).sum(axis=1)).rename("distance")
    nearest = dist.nsmallest(k)
    values = regional.values(data, list(own.index), level).loc[nearest.index]
    return info.loc[nearest.index].join(nearest).join(values)


@dataclass(frozen=True)
class Candidates:
    """Candidate places with the thresholds that selected them."""

    table: pd.DataFrame
    thresholds: pd.Series
    """Indicator → threshold value (quantile of the indicator at its published level)."""


def candidates(
    data: RegionalData,
    index: IndexResult,
    access: str = "p_markt",
    pressure: Sequence[str] = ("wohn_leer", "bev_ue65"),
    quantile: float = 0.75,
    states: Sequence[str] | None = None,
    settlement_types: Sequence[int] | None = None,
) -> Candidates:
    """Places with poor supply access and high vacancy or ageing, ranked by the index.

    Rule: ``access`` ≥ its national ``quantile`` **and** at least one ``pressure``
    indicator ≥ its national ``quantile`` (quantiles over the units at which each is
    published). ``states`` are two-digit Land codes (``"05"``) or names; missing
    values never satisfy a condition (a place is not a candidate on missing data).
    """
    if not 0 < quantile < 1:
        raise ValueError("quantile must lie strictly between 0 and 1")
    for name, given in (("state_filter", states), ("settlement_types", settlement_types)):
        if isinstance(given, str | int):
            raise InputError('must be a list, e.g. ["05"] or [3, 4]', column=name, value=given)
    level = index.level
    codes = [access, *pressure]
    vals = regional.values(data, codes, level)
    thresholds = pd.Series({c: _reference(data, c)["value"].quantile(quantile) for c in codes})
    poor_access = vals[access] >= thresholds[access]
    high = pd.DataFrame({c: vals[c] >= thresholds[c] for c in pressure})
    keep = poor_access & high.any(axis=1)
    table = index.scores.join(vals).loc[keep]
    for c in pressure:
        table[f"high_{c}"] = high.loc[keep, c]
    if states:
        wanted = {str(s) for s in states}
        known = set(regional.STATES) | set(regional.STATES.values())
        unknown = sorted(wanted - known)
        if unknown:
            raise InputError(
                f"unknown state; use a code 01–16 or a name ({unknown})",
                column="state_filter",
                value=unknown,
            )
        table = table[table["state"].isin(wanted) | table["state_name"].isin(wanted)]
    if settlement_types:
        bad = sorted(set(settlement_types) - set(SETTLEMENT_TYPES))
        if bad:
            raise InputError(
                "settlement type must be 1, 2, 3 or 4", column="settlement_types", value=bad
            )
        table = table[table["settlement_type"].isin(list(settlement_types))]
    table = table.sort_values(["rank", "name"], na_position="last")
    return Candidates(table, thresholds)
