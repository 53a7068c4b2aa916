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
    t = cands.table
    th = cands.thresholds
    source = pd.Series(source_column("deutschlandatlas_gem1222.csv", "p_markt"))
    assert th["p_markt"] == source.quantile(0.75)
    assert (t["p_markt"] >= th["p_markt"]).all()
    assert ((t["wohn_leer"] >= th["wohn_leer"]) | (t["bev_ue65"] >= th["bev_ue65"])).all()
    assert t["rank"].dropna().is_monotonic_increasing
    # Nothing that satisfies the rule is missing from the table.
    v = regional.values(data, ["p_markt", "wohn_leer", "bev_ue65"])
    rule = (v["p_markt"] >= th["p_markt"]) & (
        (v["wohn_leer"] >= th["wohn_leer"]) | (v["bev_ue65"] >= th["bev_ue65"])
    )
    assert set(t.index) == set(v.index[rule])


def test_candidate_filters(data, index):
    east = regional_targeting.candidates(
        data, index, states=["16", "Sachsen"], settlement_types=[4]
    )
    assert set(east.table["state"]) <= {"16", "14"}
    assert (east.table["settlement_type"] == 4).all()
    assert len(east.table) > 0
    with pytest.raises(InputError, match="unknown state"):
        regional_targeting.candidates(data, index, states=["Bavaria"])
    with pytest.raises(InputError, match="must be a list"):
        regional_targeting.candidates(data, index, states="05")
    with pytest.raises(InputError, match="settlement type"):
        regional_targeting.candidates(data, index, settlement_types=[5])
