"""Place profile (Jülich), nearest peers and candidate places."""

from __future__ import annotations

import csv
import statistics

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.errors import InputError
from analysis.regional import data as regional
from analysis.regional import index as regional_index
from analysis.regional import targeting as regional_targeting
from analysis.regional.targeting import JUELICH
from tests.regional.fixtures import default_index, loaded

CODES = regional_index.DEFAULT_INDICATORS
FOLDER = paths.RAW / "regional"


@pytest.fixture(scope="module")
def data() -> regional.RegionalData:
    return loaded()


@pytest.fixture(scope="module")
def index(data) -> regional_index.IndexResult:
    return default_index()


def source_column(file: str, column: str) -> list[float]:
    """A column of a source CSV read with the csv module, -9999 left out."""
    with open(FOLDER / file, encoding="utf-8", newline="") as fh:
        values = [row[column] for row in csv.DictReader(fh, delimiter=";")]
    return [float(v) for v in values if v not in ("", "-9999.0", "-9999")]


def test_juelich_profile_against_the_source_files(data):
    prof = regional_targeting.profile(data, JUELICH, CODES)
    assert prof.attrs["name"] == "Jülich, Stadt"
    assert prof.attrs["settlement_type"] == 2
    # Values: GEM1222 row 05358024 and KRS1222 row 05358000 (Kreis Düren).
    assert prof.loc["p_markt", "value"] == 3.79
    assert prof.loc["bev_entw", "value"] == 0.4
    assert prof.loc["st_einnkr", "value"] == 1394.0
    assert prof.loc["wohn_leer", "value"] == 2.97
    assert prof.loc["bev_ue65", "value"] == 22.02
    assert prof.loc["alq", "value"] == 7.06
    assert prof.loc["sozsich", "value"] == 10.06
    # National medians over the units of publication, computed independently here.
    assert prof.loc["wohn_leer", "median_germany"] == statistics.median(
        source_column("deutschlandatlas_krs1222.csv", "wohn_leer")
    )
    assert prof.loc["p_markt", "median_germany"] == statistics.median(
        source_column("deutschlandatlas_gem1222.csv", "p_markt")
    )
    # Data README: medians by Kreistyp 2 ("städtischer Kreis"): vacancy 4.2 %, 65+ 22.4 %,
    # p_markt 3.8 min; README range table: wohn_leer median 4.50, bev_ue65 22.6.
    assert round(prof.loc["wohn_leer", "median_settlement_type"], 1) == 4.2
    assert round(prof.loc["bev_ue65", "median_settlement_type"], 1) == 22.4
    assert round(prof.loc["p_markt", "median_settlement_type"], 1) == 3.8
    assert prof.loc["wohn_leer", "median_germany"] == pytest.approx(4.495)
    assert round(prof.loc["wohn_leer", "median_germany"], 2) == 4.50
    assert round(prof.loc["bev_ue65", "median_germany"], 1) == 22.6
    # State: NRW districts.
    nrw = data.districts.loc[data.districts["state"] == "05", "alq"]
    assert prof.loc["alq", "median_state"] == nrw.median()


def test_percentile_is_mid_rank_share():
    frame = pd.Series([1.0, 2.0, 2.0, 3.0])
    value = 2.0
    assert ((frame < value).sum() + 0.5 * (frame == value).sum()) / len(frame) == 0.5


def test_district_profile_compares_districts(data):
    prof = regional_targeting.profile(data, "05358000", CODES)
    dueren = data.municipalities.loc[data.municipalities["district"] == "05358000", "p_markt"]
    assert prof.loc["p_markt", "value"] == dueren.median()
    medians = data.municipalities.groupby("district")["p_markt"].median()
    assert prof.loc["p_markt", "median_germany"] == medians.median()
    assert prof.attrs["level"] == "kreis"


def test_peers_by_standardised_profile(data):
    peers = regional_targeting.peers(data, JUELICH, CODES, k=5)
    assert len(peers) == 5
    assert JUELICH not in peers.index
    assert (peers["district"] != "05358000").all()
    assert peers["distance"].is_monotonic_increasing
    z = regional_index.place_z(data, CODES, "gemeinde")
    first = peers.index[0]
    by_hand = np.sqrt(((z.loc[first] - z.loc[JUELICH]) ** 2).sum())
    assert peers.loc[first, "distance"] == pytest.approx(by_hand)
    # No other complete profile outside Düren is nearer than the fifth peer.
    pool = z.dropna()
    pool = pool[data.municipalities.loc[pool.index, "district"] != "05358000"]
    dist = np.sqrt(((pool - z.loc[JUELICH]) ** 2).sum(axis=1))
    assert dist.nsmallest(5).index.tolist() == peers.index.tolist()
    same = regional_targeting.peers(data, JUELICH, CODES, k=5, same_settlement_type=True)
    assert (same["settlement_type"] == 2).all()


def test_candidates_satisfy_the_rule(data, index):
    cands = regional_targeting.candidates(data, index)
    assert cands.groups == ("settlement_type",)
    t = cands.table
    th = cands.thresholds.set_index("settlement_type")
    assert len(th) == 4 and (th["basis_p_markt"] == 1).all()
    # p_markt threshold of type 2: the quartile over inhabited municipalities of type 2.
    m = data.municipalities[~regional.uninhabited(data.municipalities)]
    assert th.loc[2, "p_markt"] == m.loc[m["settlement_type"] == 2, "p_markt"].quantile(0.75)
    k = data.districts
    assert th.loc[4, "wohn_leer"] == k.loc[k["settlement_type"] == 4, "wohn_leer"].quantile(0.75)
    per_place = th.reindex(t["settlement_type"]).set_axis(t.index)
    assert (t["p_markt"] >= per_place["p_markt"]).all()
    assert (
        (t["wohn_leer"] >= per_place["wohn_leer"]) | (t["bev_ue65"] >= per_place["bev_ue65"])
    ).all()
    assert t["rank"].dropna().is_monotonic_increasing
    # Nothing inhabited that satisfies the rule is missing from the table.
    v = regional.values(data, ["p_markt", "wohn_leer", "bev_ue65"]).join(
        data.municipalities[["settlement_type"]]
    )
    pv = th.reindex(v["settlement_type"]).set_axis(v.index)
    rule = (v["p_markt"] >= pv["p_markt"]) & (
        (v["wohn_leer"] >= pv["wohn_leer"]) | (v["bev_ue65"] >= pv["bev_ue65"])
    )
    gone = regional.uninhabited(data.municipalities)
    assert set(t.index) == set(v.index[rule & ~gone])
    assert set(cands.excluded.index) == set(v.index[rule & gone])


def test_group_thresholds_with_fallback_on_a_small_frame():
    frame = pd.DataFrame(
        {
            "value": [1.0, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100],
            "settlement_type": [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2],
            "state": ["a", "a", "a", "a", "a", "a", "a", "a", "a", "b", "b"],
        }
    )
    th = regional_targeting.group_thresholds(
        frame, "value", ["settlement_type", "state"], 0.5, min_size=3
    )
    # Type 1 / state a: 5 values, median 3. Type 2 / a: 10, 20, 30, 40 -> 25.
    # Type 2 / b has 2 < 3 values: falls back to type 2 (10 … 100, six values) -> 35.
    assert th["threshold"].tolist() == [3.0] * 5 + [25.0] * 4 + [35.0] * 2
    assert th["basis"].tolist() == [2] * 9 + [1] * 2
    national = regional_targeting.group_thresholds(frame, "value", [], 0.5)
    assert (national["threshold"] == 10.0).all() and (national["basis"] == 0).all()
    tiny = regional_targeting.group_thresholds(frame, "value", ["state"], 0.5, min_size=20)
    assert (tiny["basis"] == 0).all()  # every group too small: Germany


def test_candidates_reach_every_territorial_state(data, index):
    """Issue 16: national quantiles gave North Rhine-Westphalia no candidate; thresholds
    within settlement type (optionally also state) do; no uninhabited area is a candidate."""
    national = regional_targeting.candidates(data, index, groups=[])
    assert (national.table["state"] == "05").sum() == 0
    for groups in (["settlement_type"], ["settlement_type", "state"]):
        cands = regional_targeting.candidates(data, index, groups=groups)
        t = cands.table
        assert (t["state"] == "05").sum() > 0
        assert not t["excluded"].any()
        assert not regional.uninhabited(data.municipalities)[t.index].any()
        territorial = set(regional.STATES) - {"02", "04", "11"}
        assert territorial <= set(t["state"])
    both = regional_targeting.candidates(data, index, groups=["state", "settlement_type"])
    assert both.groups == ("settlement_type", "state")  # coarse to fine, whatever the order
    assert "03151501" not in both.table.index  # Giebel, gemfr. Gebiet
    # Jülich (Barmen's town) against its group, urban districts (type 2).
    cands = regional_targeting.candidates(data, index)
    assert JUELICH not in cands.table.index
    th = cands.thresholds.set_index("settlement_type").loc[2, "p_markt"]
    assert data.municipalities.loc[JUELICH, "p_markt"] < th
    with pytest.raises(InputError, match="candidate groups"):
        regional_targeting.candidates(data, index, groups=["district"])
    with pytest.raises(InputError, match="must be a list"):
        regional_targeting.candidates(data, index, groups="state")


def test_candidate_filters(data, index):
    east = regional_targeting.candidates(
        data, index, states=["16", "Sachsen"], settlement_types=[4]
    )
    assert set(east.table["state"]) <= {"16", "14"}
    assert (east.table["settlement_type"] == 4).all()
    assert len(east.table) > 0
    with pytest.raises(InputError, match="unknown state") as err:
        regional_targeting.candidates(data, index, states=["Bavaria"])
    assert "unbekanntes Bundesland; verwenden Sie einen Code 01–16" in err.value.text("de")
    with pytest.raises(InputError, match="must be a list"):
        regional_targeting.candidates(data, index, states="05")
    with pytest.raises(InputError, match="settlement type"):
        regional_targeting.candidates(data, index, settlement_types=[5])
