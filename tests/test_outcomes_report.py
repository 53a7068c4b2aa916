"""Tests of analysis.outcomes_report: the comparison table and the plain readings."""

from __future__ import annotations

import pandas as pd

from analysis import outcomes as o
from analysis import outcomes_report as r
from analysis.synthetic import make_panel


def _fit():  # type: ignore[no-untyped-def]
    p = make_panel(400, range(1, 8), (3, 5), effect=-1.0, dynamics=-0.3, heterogeneity=0.5, seed=1)
    res = o.att_gt(p.data, "y")
    aggs = [o.aggregate(res, k) for k in ("simple", "dynamic", "group")]
    return res, aggs, o.twfe(p.data, "y"), o.event_study(p.data, "y", leads=3, lags=3)


def test_compare_table_german_numbers() -> None:
    _res, (s, d, g), tw, _es = _fit()
    tab = r.compare_table(tw, s, d, g, "de")
    assert tab.shape == (4, 5)
    assert tab.iloc[1, 1] == f"{s.overall:.3f}".replace(".", ",")  # German decimal comma
    assert tab.iloc[0, 1] == f"{tw.estimate:.3f}".replace(".", ",")
    assert tab.columns[0] == "Schätzer"


def test_reading_mentions_result_and_synthetic() -> None:
    res, (s, _d, _g), tw, es = _fit()
    de = r.reading("vacancy_rate", res, s, tw, es, 0.5, True, "de")
    assert "synthetische" in de and "Leerstandsquote" in de and "schließt null aus" in de
    assert "parallel" in de
    en = r.reading("vacancy_rate", res, s, tw, es, 0.01, False, "en")
    assert "synthetic" not in en and "read the effect with care" in en


def test_survey_reading() -> None:
    gap = pd.DataFrame(
        {
            "scale": ["resources", "communication"],
            "mean_social": [2.5, 3.0],
            "mean_housing": [3.4, 3.1],
            "difference": [-0.9, -0.1],
            "r_rank_biserial": [-0.48, -0.02],
            "p_holm": [0.001, 0.9],
        }
    )
    labels = {"resources": "Ressourcen", "communication": "Kommunikation"}
    text = r.survey_reading(gap, labels, False, "de")
    assert "„Ressourcen“ bewerten soziale Organisationen niedriger" in text
    assert "Kommunikation" not in text
