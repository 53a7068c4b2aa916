"""Tests of analysis.outcomes.survey: hand-computed statistics, loader errors, the example file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import paths
from analysis.errors import InputError
from analysis.outcomes import survey as s

EXAMPLE = paths.RAW / "survey" / "synthetic_cooperation_survey.csv"


def test_cronbach_alpha_hand() -> None:
    """Cronbach (1951) by hand: items (1,2,3,4), (2,3,3,5), (2,3,4,5).

    Item variances (ddof 1): 5/3, 4.75/3, 5/3, sum 14.75/3; totals 5, 8, 10, 14 with
    variance 42.75/3; α = 3/2 · (1 − 14.75/42.75) = 42/42.75 = 0.98246.
    """
    items = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 3, 3, 5], "c": [2, 3, 4, 5]})
    assert s.cronbach_alpha(items) == pytest.approx(42 / 42.75)
    # listwise deletion: a respondent with a missing answer is left out
    with_gap = pd.concat([items, pd.DataFrame({"a": [5], "b": [np.nan], "c": [1]})])
    assert s.cronbach_alpha(with_gap) == pytest.approx(42 / 42.75)
    assert np.isnan(s.cronbach_alpha(items[["a"]]))


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(st.tuples(*[st.integers(1, 5)] * 3), min_size=3, max_size=30),
    shift=st.integers(-3, 3),
)
def test_cronbach_alpha_properties(data: list[tuple[int, int, int]], shift: int) -> None:
    items = pd.DataFrame(data, columns=["a", "b", "c"], dtype=float)
    alpha = s.cronbach_alpha(items)
    if np.isnan(alpha):
        return
    assert alpha <= 1 + 1e-12
    assert s.cronbach_alpha(items + shift) == pytest.approx(alpha)  # location-free
    same = pd.DataFrame({"a": items["a"], "b": items["a"], "c": items["a"]})
    if items["a"].var() > 0:
        assert s.cronbach_alpha(same) == pytest.approx(1.0)  # identical items


def test_mann_whitney_hand() -> None:
    """a = (1, 2, 4), b = (3, 5, 6, 7): a beats b in 1 of 12 pairs, so U_a = 1 and
    r = 2·1/12 − 1 = −5/6. Exact two-sided p: P(U ≤ 1) = 2/C(7,3) = 2/35, p = 4/35."""
    u, p, r = s.mann_whitney(np.array([1, 2, 4]), np.array([3, 5, 6, 7]))
    assert u == 1.0
    assert r == pytest.approx(-5 / 6)
    assert p == pytest.approx(4 / 35)


def _write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "answers.csv"
    path.write_text(
        "# SYNTHETIC test\nrespondent,side,cooperation,item,answer\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    return path


GOOD = [
    "r1,social_organisation,k1,eye_level_1,4",
    "r1,social_organisation,k1,eye_level_3,2",
    "r2,housing_company,k1,eye_level_1,",
    "r2,housing_company,k1,eye_level_3,5",
]


def test_load_and_recode(tmp_path: Path) -> None:
    sv = s.load_responses(_write(tmp_path, GOOD))
    assert sv.synthetic
    w = s.wide(sv)
    assert w.loc["r1", "eye_level_3"] == 4  # reversed: 6 − 2
    assert w.loc["r2", "eye_level_3"] == 1
    assert np.isnan(w.loc["r2", "eye_level_1"])
    scores = s.scale_scores(sv)
    # r1 answered 2 of 3 eye-level items (≥ half): mean of 4 and 4
    assert scores.loc["r1", "eye_level"] == 4.0
    # r2 answered 1 of 3 (< half): no score
    assert np.isnan(scores.loc["r2", "eye_level"])


@pytest.mark.parametrize(
    ("row", "column", "rule"),
    [
        ("r3,social_organisation,k1,eye_level_1,6", "answer", "answer must be"),
        ("r3,social_organisation,k1,eye_level_1,gut", "answer", "answer must be"),
        ("r3,tenant,k1,eye_level_1,3", "side", "unknown side"),
        ("r3,social_organisation,k1,no_such_item,3", "item", "unknown item"),
        ("r1,social_organisation,k1,eye_level_1,3", "item", "answered twice"),
        ("r1,housing_company,k1,eye_level_2,3", "side", "more than one side"),
        ("r1,social_organisation,k2,eye_level_2,3", "cooperation", "more than one cooperation"),
    ],
)
def test_bad_answers(tmp_path: Path, row: str, column: str, rule: str) -> None:
    with pytest.raises(InputError) as info:
        s.load_responses(_write(tmp_path, [*GOOD, row]))
    err = info.value
    assert err.file.endswith("answers.csv")
    assert err.row == 7 and err.column == column and rule in err.rule


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("respondent,side,item,answer\nr1,social_organisation,eye_level_1,3\n")
    with pytest.raises(InputError, match="cooperation") as info:
        s.load_responses(path)
    assert "Spalte(n) fehlen: cooperation (die mit dem Trennzeichen" in info.value.text("de")


def test_a_bad_survey_codebook_reads_in_german(tmp_path: Path) -> None:
    import yaml

    book = yaml.safe_load((s.FOLDER / "codebook.yaml").read_text(encoding="utf-8"))
    del book["levels"][5]
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="levels must label exactly") as info:
        s.load_codebook(path)
    assert "levels muss genau die Antworten 1, 2, 3, 4, 5 benennen" in info.value.text("de")


def test_side_gap_hand() -> None:
    scores = pd.DataFrame(
        {
            "side": ["social_organisation"] * 3 + ["housing_company"] * 4,
            "resources": [1, 2, 4, 3, 5, 6, 7],
        }
    )
    gap = s.side_gap(scores, ["resources"]).iloc[0]
    assert gap["difference"] == pytest.approx(7 / 3 - 21 / 4)
    assert gap["r_rank_biserial"] == pytest.approx(-5 / 6)
    assert gap["p_holm"] == pytest.approx(4 / 35)


def test_likert_shares_hand(tmp_path: Path) -> None:
    sv = s.load_responses(_write(tmp_path, GOOD))
    shares = s.likert_shares(sv)
    assert shares.loc["eye_level_1"].tolist() == [0, 0, 0, 1.0, 0]  # one answer: 4
    assert shares.loc["eye_level_3"].tolist() == [0, 0.5, 0, 0, 0.5]  # raw, not recoded


def test_ordinal_regression_recovers_coefficients() -> None:
    rng = np.random.default_rng(3)
    n = 3000
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    latent = 1.0 * x1 - 0.5 * x2 + rng.logistic(size=n)
    y = 1 + np.searchsorted([-2.0, -0.5, 0.5, 2.0], latent)
    fit = s.ordinal_regression(pd.DataFrame({"overall": y, "a": x1, "b": x2}), ["a", "b"])
    coef = fit.table.set_index("term")["coef"]
    assert coef["a"] == pytest.approx(1.0, abs=0.1)
    assert coef["b"] == pytest.approx(-0.5, abs=0.1)
    cuts = coef[[t for t in coef.index if t.startswith("cut")]].to_numpy()
    assert np.allclose(cuts, [-2.0, -0.5, 0.5, 2.0], atol=0.15)
    assert 0 < fit.pseudo_r2 < 1 and fit.n == n


def test_example_survey() -> None:
    sv = s.load_responses(EXAMPLE)
    assert sv.synthetic
    rel = s.reliability(sv)
    assert len(rel) == 7 and (rel["alpha"] > 0.7).all()
    gap = s.side_gap(s.scale_scores(sv)).set_index("scale")
    # the generator assumes social organisations rate resources 0.9 points lower
    assert gap.loc["resources", "difference"] < 0 and gap.loc["resources", "p_holm"] < 0.05


def test_german_excel_answers_are_read_and_recorded(tmp_path: Path) -> None:
    """Answers saved by German Excel (';', Windows-1252) read like the comma file; a
    problem after a blank line names the line the file shows."""
    header = "respondent;side;cooperation;item;answer"
    rows = ["r1;social_organisation;k1;overall;4", "", "r2;housing_company;k1;overall;6"]
    path = tmp_path / "antworten.csv"
    path.write_bytes(("# Befragung für Tests\r\n" + "\r\n".join([header, *rows])).encode("cp1252"))
    with pytest.raises(InputError) as info:
        s.load_responses(path, s.load_codebook())
    assert (info.value.row, info.value.column) == (5, "answer")
    path.write_bytes(
        ("# Befragung für Tests\r\n" + "\r\n".join([header, rows[0]])).encode("cp1252")
    )
    got = s.load_responses(path, s.load_codebook())
    assert got.answers["answer"].tolist() == [4.0] and got.note == "Befragung für Tests"
    assert got.dialect == {"encoding": "cp1252", "separator": ";", "decimal": ","}
    assert got.answers.attrs["csv_dialect"] == got.dialect
