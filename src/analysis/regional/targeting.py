"""Where a DORV-style centre would matter most: place profiles, peers and candidates.

* :func:`profile` — a place's indicator values against the medians of its settlement
  type, its state (Land) and Germany. Each median is taken over the units at which
  the indicator is published (district indicators over districts, municipal ones over
  municipalities), so a district value is not counted once per municipality.
* :func:`peers` — the nearest places by Euclidean distance between standardised
  indicator profiles (the z-scores of :mod:`analysis.regional.index`).
* :func:`candidates` — places where supply access is poor (access time at or above a
  quantile) **and** vacancy or ageing is high (at or above their quantiles), ranked by
  the structural-weakness index, filterable by state and settlement type
  (:func:`analysis.regional.report.candidates_xlsx` exports them export-safe for
  planners). The quantiles are taken **within comparable places**
  (:data:`THRESHOLD_GROUPS`: the BBSR settlement type, optionally also the state),
  not over Germany as a whole: municipalities differ greatly in size between the states
  (a North Rhine-Westphalian municipality merges many villages, so its median car time
  is short), and national quantiles left no rural place of North Rhine-Westphalia a
  chance. Areas without inhabitants are never candidates; islands without car traffic
  are flagged.

Default example: the DORV pilot Jülich (GKZ 05358024, Kreis Düren).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.errors import InputError, Rule
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
            Rule(
                de="der Ort hat für keinen der gewählten Indikatoren einen Wert",
                en="place has no value for any chosen indicator",
            ),
            column="place_key",
            value=key,
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


THRESHOLD_GROUPS: tuple[str, ...] = ("settlement_type",)
"""Default grouping of the candidate thresholds: the BBSR settlement type (add ``"state"``
for thresholds within settlement type and state)."""
GROUP_COLUMNS: tuple[str, ...] = ("settlement_type", "state")
MIN_GROUP_SIZE = 5
"""A group with fewer units falls back to the next coarser grouping (see
:func:`group_thresholds`): a quantile of a handful of values is no threshold, and a group
of one (Berlin, Hamburg) would always select itself."""


def group_thresholds(
    frame: pd.DataFrame,
    value: str,
    groups: Sequence[str],
    quantile: float,
    min_size: int = MIN_GROUP_SIZE,
) -> pd.DataFrame:
    """The ``quantile`` of ``frame[value]`` within each group, per row of ``frame``.

    ``groups`` are columns of ``frame`` (e.g. ``["settlement_type", "state"]``), finest
    last. Rows with a missing value do not count. A group with fewer than ``min_size``
    values takes the threshold of the coarser grouping without its last column, down to
    the whole frame. Returns ``threshold`` and ``basis`` (how many group columns were used)
    per row.
    """
    x = frame[value]
    groups = list(groups)
    threshold = pd.Series(np.nan, index=frame.index)
    basis = pd.Series(-1, index=frame.index)
    for depth in range(len(groups), -1, -1):
        todo = threshold.isna()
        if not todo.any():
            break
        cols = groups[:depth]
        if cols:
            grouped = x.groupby([frame[c] for c in cols], dropna=False)
            size = grouped.transform("count")
            q = grouped.transform(lambda v: v.quantile(quantile))
        else:
            size = pd.Series(x.count(), index=frame.index)
            q = pd.Series(x.quantile(quantile), index=frame.index)
        ok = todo & (size >= min_size) if depth else todo
        threshold[ok] = q[ok]
        basis[ok] = depth
    return pd.DataFrame({"threshold": threshold, "basis": basis})


@dataclass(frozen=True)
class Candidates:
    """Candidate places with the thresholds that selected them."""

    table: pd.DataFrame
    thresholds: pd.DataFrame
    """One row per group (the ``groups`` columns); per indicator ``c``: the threshold
    ``c`` (quantile over the group's units at the published level), ``basis_c`` (how
    many group columns it was taken over: fewer where the group was smaller than
    :data:`MIN_GROUP_SIZE`, 0 = Germany) and ``n_c`` (units in the group)."""
    groups: tuple[str, ...] = ()
    quantile: float = 0.75
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Places that meet the rule but are kept out (no inhabitants), with their rule."""


def candidates(
    data: RegionalData,
    index: IndexResult,
    access: str = "p_markt",
    pressure: Sequence[str] = ("wohn_leer", "bev_ue65"),
    quantile: float = 0.75,
    groups: Sequence[str] = THRESHOLD_GROUPS,
    states: Sequence[str] | None = None,
    settlement_types: Sequence[int] | None = None,
) -> Candidates:
    """Places with poor supply access and high vacancy or ageing, ranked by the index.

    Rule: ``access`` ≥ its ``quantile`` **and** at least one ``pressure`` indicator ≥ its
    ``quantile``, each quantile taken within the place's group (``groups``: any of
    ``settlement_type``, ``state``; empty = Germany) over the units at which the
    indicator is published and without areas without inhabitants (groups smaller than
    :data:`MIN_GROUP_SIZE` use the next coarser grouping). ``states`` are two-digit Land
    codes (``"05"``) or names; missing values never satisfy a condition (a place is not a
    candidate on missing data); places excluded from the index are never candidates.
    """
    if not 0 < quantile < 1:
        raise ValueError("quantile must lie strictly between 0 and 1")
    for name, given in (
        ("state_filter", states),
        ("settlement_types", settlement_types),
        ("candidate_groups", groups),
    ):
        if isinstance(given, str | int):
            raise InputError(
                Rule(
                    de='muss eine Liste sein, z. B. ["05"] oder [3, 4]',
                    en='must be a list, e.g. ["05"] or [3, 4]',
                ),
                column=name,
                value=given,
            )
    groups = tuple(groups)
    bad_groups = sorted(set(groups) - set(GROUP_COLUMNS))
    if bad_groups or len(set(groups)) != len(groups):
        listed = ", ".join(GROUP_COLUMNS)
        raise InputError(
            Rule(
                de=f"die Gruppen der Kandidaten müssen verschiedene Namen aus {listed} sein",
                en=f"candidate groups must be distinct names among {listed}",
            ),
            column="candidate_groups",
            value=list(groups),
        )
    # Coarse to fine: settlement type first, then state.
    groups = tuple(g for g in GROUP_COLUMNS if g in groups)
    level = index.level
    excluded = index.scores["excluded"].fillna(False).astype(bool)
    keys = pd.Index(index.scores.index[excluded]) if level == "gemeinde" else None
    codes = [access, *pressure]
    vals = regional.values(data, codes, level)
    info = regional.places(data, level)
    meets = {}
    tables = []
    for c in codes:
        ref = _reference(data, c)
        if regional.indicator_level(data, c) == "gemeinde" and keys is not None:
            ref = ref.drop(index=keys, errors="ignore")
        th = group_thresholds(ref, "value", groups, quantile)
        if groups:
            cols = list(groups)
            per_group = (
                ref[cols]
                .assign(**{c: th["threshold"], f"basis_{c}": th["basis"]})
                .drop_duplicates(cols)
                .set_index(cols)[[c, f"basis_{c}"]]
                .join(ref.groupby(cols)["value"].count().rename(f"n_{c}"))
                .sort_index()
            )
            place_key = (
                pd.MultiIndex.from_frame(info[cols]) if len(cols) > 1 else pd.Index(info[cols[0]])
            )
            place_th = pd.Series(per_group[c].reindex(place_key).to_numpy(), index=info.index)
        else:
            per_group = pd.DataFrame(
                {c: [th["threshold"].iloc[0]], f"n_{c}": [ref["value"].count()]}
            )
            place_th = pd.Series(per_group[c].iloc[0], index=info.index)
        tables.append(per_group)
        meets[c] = vals[c] >= place_th
    meets = pd.DataFrame(meets)
    keep = meets[access] & meets[list(pressure)].any(axis=1)
    if level == "gemeinde":
        dropped = keep & excluded
        keep = keep & ~excluded
    else:
        dropped = keep & False
    thresholds = _threshold_table(tables, codes, groups)
    table = index.scores.join(vals).loc[keep]
    for c in pressure:
        table[f"high_{c}"] = meets.loc[keep, c]
    if states:
        wanted = {str(s) for s in states}
        known = set(regional.STATES) | set(regional.STATES.values())
        unknown = sorted(wanted - known)
        if unknown:
            raise InputError(
                Rule(
                    de=f"unbekanntes Bundesland; verwenden Sie einen Code 01–16 oder einen "
                    f"Namen ({unknown})",
                    en=f"unknown state; use a code 01–16 or a name ({unknown})",
                ),
                column="state_filter",
                value=unknown,
            )
        table = table[table["state"].isin(wanted) | table["state_name"].isin(wanted)]
    if settlement_types:
        bad = sorted(set(settlement_types) - set(SETTLEMENT_TYPES))
        if bad:
            raise InputError(
                Rule(
                    de="der Kreistyp muss 1, 2, 3 oder 4 sein",
                    en="settlement type must be 1, 2, 3 or 4",
                ),
                column="settlement_types",
                value=bad,
            )
        table = table[table["settlement_type"].isin(list(settlement_types))]
    table = table.sort_values(["rank", "name"], na_position="last")
    gone = index.scores.loc[dropped, ["name", "district_name", "state_name"]].assign(
        rule="uninhabited"
    )
    return Candidates(table, thresholds, groups, quantile, gone)


def _threshold_table(
    tables: list[pd.DataFrame], codes: list[str], groups: tuple[str, ...]
) -> pd.DataFrame:
    """The per-indicator threshold tables side by side, one row per group."""
    out = pd.concat(tables, axis=1)
    return out.reset_index() if groups else out
