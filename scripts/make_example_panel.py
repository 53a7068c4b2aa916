"""Write the SYNTHETIC example outcome panel data/raw/outcomes/example_panel.csv.

Not real data: drawn by :func:`analysis.outcomes.synthetic.make_panel` (seeded, reproducible)
for 150 invented areas (quarters, estates, municipalities) over 2014–2024, with DORV-style
cooperations starting in 2018, 2020 and 2022 and 40 % of the areas without one. The
effects are ASSUMPTIONS chosen to exercise the estimators, not findings:

* ``vacancy_rate`` (% of flats empty): baseline 8 %, effect −0.8 percentage points on
  impact, a further −0.25 pp per year of cooperation, 30 % stronger for each later
  cohort (heterogeneous, so TWFE is biased);
* ``tenant_turnover`` (% of tenancies ending per year): baseline 10 %, −0.5 pp constant;
* ``share_65plus`` (% of residents aged 65+): a baseline covariate, 22 % ± 4 pp, which
  shifts the vacancy trend (parallel trends hold only conditional on it).

The true effects are written to ``example_panel_truth.csv`` beside it. Run from the
project root:  ``.venv/bin/python scripts/make_example_panel.py``
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.outcomes.synthetic import make_panel

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "data" / "raw" / "outcomes"
SEED = 2026
PERIODS = tuple(range(2014, 2025))
COHORTS = (2018, 2020, 2022)
N_UNITS = 150

NOTE = (
    "# SYNTHETIC example panel (synthetisch, keine echten Daten): drawn by "
    "analysis.outcomes.synthetic.make_panel via scripts/make_example_panel.py, seed 2026; "
    "areas, values and effects are invented. True effects: example_panel_truth.csv"
)
KINDS = ("quarter", "estate", "municipality")


def build() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The panel, its units file and its true effects."""
    common = dict(
        n_units=N_UNITS,
        periods=PERIODS,
        cohorts=COHORTS,
        seed=SEED,
        never_share=0.4,
        unit_prefix="gebiet_",
    )
    vac = make_panel(
        effect=-0.8,
        dynamics=-0.25,
        heterogeneity=0.3,
        noise=0.4,
        covariate_trend=0.05,
        outcome="vacancy_rate",
        noise_seed=1,
        **common,
    )
    tov = make_panel(effect=-0.5, noise=0.6, outcome="tenant_turnover", noise_seed=2, **common)
    df = vac.data.copy()
    df["vacancy_rate"] = (8.0 + df["vacancy_rate"]).round(2)
    df["tenant_turnover"] = (10.0 + tov.data["tenant_turnover"]).round(2)
    df["share_65plus"] = (22.0 + 4.0 * df["x"]).round(1)
    df["first_treated"] = df["first_treated"].astype("Int64").replace(0, pd.NA)
    df = df[
        [
            "unit",
            "period",
            "first_treated",
            "treated",
            "vacancy_rate",
            "tenant_turnover",
            "share_65plus",
        ]
    ]
    units = pd.DataFrame({"unit": df["unit"].unique()})
    units["name"] = [f"Synthetisches Gebiet {i + 1}" for i in range(len(units))]
    units["kind"] = [KINDS[i % 3] for i in range(len(units))]
    truth = []
    for name, p in (("vacancy_rate", vac), ("tenant_turnover", tov)):
        t = p.att_gt.assign(outcome=name, kind="att_gt")
        truth.append(t)
        truth.append(pd.DataFrame([{"outcome": name, "kind": "simple", "att": p.simple}]))
        truth.append(
            pd.DataFrame(
                {
                    "outcome": name,
                    "kind": "dynamic",
                    "event_time": p.dynamic.index,
                    "att": p.dynamic.to_numpy(),
                }
            )
        )
        truth.append(
            pd.DataFrame(
                {
                    "outcome": name,
                    "kind": "group",
                    "group": p.group.index,
                    "att": p.group.to_numpy(),
                }
            )
        )
    tr = pd.concat(truth, ignore_index=True)[
        ["outcome", "kind", "group", "period", "event_time", "att"]
    ]
    tr["att"] = tr["att"].astype(float).round(6)
    for c in ("group", "period", "event_time"):
        tr[c] = tr[c].astype("Int64")
    return df, units, tr


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    df, units, truth = build()
    for name, frame in (
        ("example_panel.csv", df),
        ("example_panel_units.csv", units),
        ("example_panel_truth.csv", truth),
    ):
        text = NOTE + "\n" + frame.to_csv(index=False, lineterminator="\n")
        (FOLDER / name).write_text(text, encoding="utf-8")
    assert np.isfinite(df[["vacancy_rate", "tenant_turnover"]].to_numpy()).all()
    print(f"wrote {len(df)} rows, {len(units)} units to {FOLDER}")


if __name__ == "__main__":
    main()
