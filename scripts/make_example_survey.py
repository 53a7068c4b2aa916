"""Write the SYNTHETIC example answers of the cooperation-quality survey.

data/raw/survey/synthetic_cooperation_survey.csv: invented answers, not a real survey.
12 invented cooperations, 3–6 respondents per side each (social organisations and housing
companies), the 22 items of data/raw/survey/codebook.yaml. Model (ASSUMPTIONS chosen to
exercise the analysis, not findings): each cooperation has a latent quality ~ N(0, 1);
a respondent's latent view of a scale = cooperation quality + side gap + N(0, 0.6²); an
item answer = round(3 + 0.9 · (view + N(0, 0.6²))) clipped to 1–5 (reversed items 6 − x).
Assumed side gaps (social organisations minus housing companies): resources −0.9,
political backing −0.5, mutual understanding −0.4, eye level −0.3, the rest 0. Overall
satisfaction: proportional-odds logit with latent 0.8·eye level + 0.6·resources +
0.5·communication + logistic noise, cut at −2.5, −1, 0.5, 2. About 3 % of answers are
left empty. Seeded (2026). Run from the project root:

    .venv/bin/python scripts/make_example_survey.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "data" / "raw" / "survey"
SEED = 2026
N_COOPERATIONS = 12
GAPS = {
    "resources": -0.9,
    "political_backing": -0.5,
    "mutual_understanding": -0.4,
    "eye_level": -0.3,
}
OVERALL_WEIGHTS = {"eye_level": 0.8, "resources": 0.6, "communication": 0.5}
CUTS = (-2.5, -1.0, 0.5, 2.0)
NOTE = (
    "# SYNTHETIC example answers (synthetisch, keine echte Befragung): drawn by "
    "scripts/make_example_survey.py, seed 2026; cooperations, respondents and answers "
    "are invented."
)


def build() -> pd.DataFrame:
    book = yaml.safe_load((FOLDER / "codebook.yaml").read_text(encoding="utf-8"))
    scales = [s["scale"] for s in book["scales"]]
    items = book["items"]
    rng = np.random.default_rng(SEED)
    rows = []
    number = 0
    for c in range(1, N_COOPERATIONS + 1):
        quality = rng.normal()
        for side in ("social_organisation", "housing_company"):
            for _ in range(rng.integers(3, 7)):
                number += 1
                rid = f"r{number:03d}"
                view = {
                    s: quality
                    + (GAPS.get(s, 0.0) / 2) * (1 if side == "social_organisation" else -1)
                    + rng.normal(0, 0.6)
                    for s in scales
                }
                for it in items:
                    if it["scale"] == "overall":
                        z = sum(w * view[s] for s, w in OVERALL_WEIGHTS.items())
                        z += rng.logistic()
                        answer = 1 + int(np.searchsorted(CUTS, z))
                    else:
                        v = 3 + 0.9 * (view[it["scale"]] + rng.normal(0, 0.6))
                        answer = int(np.clip(np.rint(v), 1, 5))
                        if it.get("reversed"):
                            answer = 6 - answer
                    text = "" if rng.random() < 0.03 else str(answer)
                    rows.append((rid, side, f"kooperation_{c:02d}", it["item"], text))
    return pd.DataFrame(rows, columns=["respondent", "side", "cooperation", "item", "answer"])


def main() -> None:
    df = build()
    out = FOLDER / "synthetic_cooperation_survey.csv"
    out.write_text(NOTE + "\n" + df.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    print(f"wrote {df['respondent'].nunique()} respondents, {len(df)} answers to {out}")


if __name__ == "__main__":
    main()
