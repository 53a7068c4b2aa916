"""Cooperation-quality survey: Likert items (1–5) answered by both sides of a cooperation.

Reads the codebook (``data/raw/survey/codebook.yaml``: scales, items, reversed items,
overall-satisfaction item) and the long answer file (``respondent, side, cooperation,
item, answer``), then computes

* scale scores: the mean of a respondent's answered items of a scale (reversed items
  recoded 6 − x), when at least half of the scale's items are answered;
* Cronbach's alpha per scale, α = k/(k−1) · (1 − Σ s²ᵢ / s²ₜ) with sample variances
  (ddof = 1) over respondents who answered every item (Cronbach 1951, Psychometrika
  16(3):297–334);
* the gap between the sides per scale: Mann–Whitney U (two-sided; scipy) with the
  rank-biserial correlation r = 2·U₁/(n₁n₂) − 1 as effect size (Kerby 2014,
  Comprehensive Psychology 3:11.IT.3.1; positive = social organisations rate higher),
  Holm-adjusted p-values over the scales (Holm 1979);
* an ordinal (proportional-odds) logistic regression of overall satisfaction on the
  scale scores (statsmodels ``OrderedModel``, McCullagh 1980);
* shares per answer level of each item (charted by
  :func:`analysis.outcomes.report.plot_likert`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError
from scipy import stats

from analysis import paths
from analysis.errors import InputError, Problem, Rule, shorten
from analysis.outcomes.schema import SURVEY_RESPONSE_COLUMNS, SURVEY_SIDES, SurveyCodebookSchema
from analysis.readers import read_csv_table, read_yaml
from analysis.validation import problems_from_pydantic

FOLDER = paths.RAW / "survey"
MAX_PROBLEMS = 25


def load_codebook(path: str | Path | None = None) -> SurveyCodebookSchema:
    """Read and validate the survey codebook."""
    path = Path(path) if path is not None else FOLDER / "codebook.yaml"
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise InputError(
            Rule(
                de="ein Codebuch der Befragung ist eine Zuordnung mit status, note, levels, "
                "scales, items und overall_item",
                en="a survey codebook is a mapping with status, note, levels, scales, items "
                "and overall_item",
            ),
            file=path,
        )
    try:
        return SurveyCodebookSchema.model_validate(raw)
    except ValidationError as err:
        raise InputError(problems=problems_from_pydantic(err, path, row_key="items")) from None


@dataclass(frozen=True)
class Survey:
    """Checked answers: ``answers`` long (answer float, NaN = no answer), ``note``."""

    answers: pd.DataFrame
    codebook: SurveyCodebookSchema
    note: str
    dialect: dict[str, str] | None = None  # how the CSV was read (encoding, separator, decimal)

    @property
    def synthetic(self) -> bool:
        return "synthetic" in self.note.lower() or "synthetisch" in self.note.lower()


def load_responses(path: str | Path, codebook: SurveyCodebookSchema | None = None) -> Survey:
    """Read the long answer file, naming file, line, column and rule of every problem.

    Refused: missing columns, unknown sides or items, answers that are not 1–5 (empty =
    no answer), an item answered twice by one respondent, a respondent on both sides or
    in two cooperations.
    """
    path = Path(path)
    book = codebook or load_codebook()
    # comma or German Excel dialect, UTF-8 (BOM fine) or Windows-1252; physical lines
    table = read_csv_table(path, expected=SURVEY_RESPONSE_COLUMNS)
    raw, line, comments = table.frame, table.lines, table.comments
    missing = [c for c in SURVEY_RESPONSE_COLUMNS if c not in raw.columns]
    if missing:
        found = ", ".join(repr(shorten(str(c), 40)) for c in list(raw.columns)[:6])
        named, sep = ", ".join(missing), table.dialect["separator"]
        raise InputError(
            Rule(
                de=f"Spalte(n) fehlen: {named} (die mit dem Trennzeichen '{sep}' gelesene "
                f"Kopfzeile hat die Spalte(n) {found})",
                en=f"missing column(s) {named} (the header read with separator "
                f"'{sep}' has column(s) {found})",
            ),
            file=path,
            row=table.header_line,
            column=missing[0],
        )
    if raw.empty:
        raise InputError(
            Rule(
                de="die Befragung enthält keine Antworten (nur die Kopfzeile)",
                en="survey has no answers (header only)",
            ),
            file=path,
            row=table.header_line + 1,
        )
    problems: list[Problem] = []

    def add(rule: Rule, i: int, column: str, value: object = None) -> None:
        problems.append(Problem(rule, str(path), int(line[i]), column, value))

    items = {i.item for i in book.items}
    sides = ", ".join(SURVEY_SIDES)
    unknown_side = Rule(
        de=f"unbekannte Seite; verwenden Sie eine von {sides}",
        en=f"unknown side; use one of {sides}",
    )
    for i in np.flatnonzero(~raw["side"].isin(SURVEY_SIDES).to_numpy()):
        add(unknown_side, i, "side", raw["side"].iloc[i])
    unknown_item = Rule(
        de="unbekanntes Item (nicht im Codebuch der Befragung)",
        en="unknown item (not in the survey codebook)",
    )
    for i in np.flatnonzero(~raw["item"].isin(items).to_numpy()):
        add(unknown_item, i, "item", raw["item"].iloc[i])
    for col in ("respondent", "cooperation"):
        for i in np.flatnonzero((raw[col].str.strip() == "").to_numpy()):
            add(Rule(de=f"{col} ist leer", en=f"{col} is empty"), i, col)
    ans = raw["answer"].str.strip()
    bad = ~ans.isin(["", "1", "2", "3", "4", "5"])
    not_likert = Rule(
        de="answer muss 1, 2, 3, 4 oder 5 sein (leer = keine Antwort)",
        en="answer must be 1, 2, 3, 4 or 5 (empty = no answer)",
    )
    for i in np.flatnonzero(bad.to_numpy()):
        add(not_likert, i, "answer", raw["answer"].iloc[i])
    dup = raw.duplicated(["respondent", "item"], keep="first")
    twice = Rule(
        de="Item von dieser befragten Person doppelt beantwortet",
        en="item answered twice by this respondent",
    )
    for i in np.flatnonzero(dup.to_numpy()):
        add(twice, i, "item", raw["item"].iloc[i])
    more_than_one = {
        "side": Rule(
            de="die befragte Person steht auf mehr als einer Seite (side)",
            en="respondent has more than one side",
        ),
        "cooperation": Rule(
            de="die befragte Person gehört zu mehr als einer Kooperation (cooperation)",
            en="respondent has more than one cooperation",
        ),
    }
    for col in ("side", "cooperation"):
        varies = raw.groupby("respondent")[col].transform("nunique") > 1
        first_of = raw[varies].drop_duplicates(["respondent", col]).duplicated("respondent")
        for i in first_of[first_of].index:
            add(more_than_one[col], int(i), col, raw[col].iloc[int(i)])
    if problems:
        raise InputError(problems=problems[:MAX_PROBLEMS])
    answers = raw[list(SURVEY_RESPONSE_COLUMNS)].copy()
    answers["answer"] = pd.to_numeric(ans.replace("", np.nan)).astype(float)
    answers.attrs["csv_dialect"] = dict(table.dialect)
    return Survey(answers=answers, codebook=book, note="\n".join(comments), dialect=table.dialect)


def validate_file(path: str | Path) -> Survey:
    """Check an answer file against the survey codebook beside it (for the catalogue check)."""
    path = Path(path)
    book = path.parent / "codebook.yaml"
    return load_responses(path, load_codebook(book) if book.is_file() else None)


def wide(survey: Survey, recode: bool = True) -> pd.DataFrame:
    """Respondents × items (NaN = no answer); reversed items recoded 6 − x if ``recode``.

    Index: respondent; the columns ``side`` and ``cooperation`` come first.
    """
    a = survey.answers
    w = a.pivot(index="respondent", columns="item", values="answer")
    w = w.reindex(columns=[i.item for i in survey.codebook.items])  # unasked items: NaN
    if recode:
        rev = [i.item for i in survey.codebook.items if i.reversed]
        w[rev] = 6 - w[rev]
    meta = a.drop_duplicates("respondent").set_index("respondent")[["side", "cooperation"]]
    return meta.join(w)


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha of the item columns (listwise deletion, ddof = 1)."""
    x = items.dropna()
    k = x.shape[1]
    if k < 2 or len(x) < 2:
        return float("nan")
    item_var = x.var(axis=0, ddof=1).sum()
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - item_var / total_var))


def scale_items(codebook: SurveyCodebookSchema) -> dict[str, list[str]]:
    """Scale → its items, in codebook order (the overall item excluded)."""
    out: dict[str, list[str]] = {s.scale: [] for s in codebook.scales}
    for i in codebook.items:
        if i.scale in out:
            out[i.scale].append(i.item)
    return out


def scale_scores(survey: Survey, min_share: float = 0.5) -> pd.DataFrame:
    """Per respondent: side, cooperation, one mean score per scale, and the overall item.

    A scale score needs at least ``min_share`` of its items answered (else NaN).
    """
    w = wide(survey)
    out = w[["side", "cooperation"]].copy()
    for scale, its in scale_items(survey.codebook).items():
        block = w[its]
        enough = block.notna().mean(axis=1) >= min_share
        out[scale] = block.mean(axis=1).where(enough)
    out["overall"] = w[survey.codebook.overall_item]
    return out


def reliability(survey: Survey) -> pd.DataFrame:
    """Cronbach's alpha per scale with the number of items and of complete respondents."""
    w = wide(survey)
    rows = []
    for scale, its in scale_items(survey.codebook).items():
        rows.append(
            {
                "scale": scale,
                "items": len(its),
                "n_complete": int(w[its].dropna().shape[0]),
                "alpha": cronbach_alpha(w[its]),
            }
        )
    return pd.DataFrame(rows)


def mann_whitney(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Two-sided Mann–Whitney U of ``a`` vs ``b``: (U of a, p, rank-biserial r)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    res = stats.mannwhitneyu(a, b, alternative="two-sided")
    u = float(res.statistic)
    return u, float(res.pvalue), 2 * u / (len(a) * len(b)) - 1


def side_gap(scores: pd.DataFrame, scales: list[str] | None = None) -> pd.DataFrame:
    """Per scale: n, mean and median per side, difference of means (social − housing),
    U, p, Holm-adjusted p and rank-biserial r."""
    from statsmodels.stats.multitest import multipletests

    scales = scales or [c for c in scores.columns if c not in ("side", "cooperation", "overall")]
    so = scores[scores["side"] == "social_organisation"]
    hc = scores[scores["side"] == "housing_company"]
    rows = []
    for s in scales:
        a, b = so[s].dropna().to_numpy(), hc[s].dropna().to_numpy()
        u, p, r = mann_whitney(a, b)
        rows.append(
            {
                "scale": s,
                "n_social": len(a),
                "n_housing": len(b),
                "mean_social": a.mean(),
                "mean_housing": b.mean(),
                "median_social": float(np.median(a)),
                "median_housing": float(np.median(b)),
                "difference": a.mean() - b.mean(),
                "u": u,
                "p": p,
                "r_rank_biserial": r,
            }
        )
    out = pd.DataFrame(rows)
    out["p_holm"] = multipletests(out["p"], method="holm")[1]
    return out


@dataclass(frozen=True)
class OrdinalFit:
    """Proportional-odds logit: ``table`` (coefficient, se, p, odds ratio, CI of the odds
    ratio) for the scales, then the cut points ("cut 1/2" …: P(y ≤ j) = F(c_j − x'b));
    ``n`` respondents used; McFadden's pseudo-R²."""

    table: pd.DataFrame
    n: int
    llf: float
    pseudo_r2: float


def ordinal_regression(
    scores: pd.DataFrame, predictors: list[str], outcome: str = "overall"
) -> OrdinalFit:
    """Ordinal logistic regression of ``outcome`` (1–5) on ``predictors`` (statsmodels
    ``OrderedModel``, logit link, BFGS; listwise deletion). McFadden's pseudo-R² against
    the thresholds-only model."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    d = scores[[outcome, *predictors]].dropna()
    y = pd.Categorical(d[outcome].astype(int), ordered=True)
    model = OrderedModel(y, d[predictors], distr="logit")
    res = model.fit(method="bfgs", disp=False, maxiter=2000)
    # thresholds-only log-likelihood: cumulative shares of the observed levels
    shares = pd.Series(y).value_counts(normalize=True).sort_index()
    llf0 = float((pd.Series(y).map(np.log(shares)).astype(float)).sum())
    ci = np.asarray(res.conf_int())
    table = pd.DataFrame(
        {
            "term": res.params.index,
            "coef": res.params.to_numpy(),
            "se": res.bse.to_numpy(),
            "p": res.pvalues.to_numpy(),
        }
    )
    is_pred = table["term"].isin(predictors).to_numpy()
    # statsmodels estimates the first cut point and then log increments; report the cut
    # points themselves (no SE for them)
    cuts = model.transform_threshold_params(res.params.to_numpy())[1:-1]
    table.loc[~is_pred, "coef"] = cuts
    table.loc[~is_pred, ["se", "p"]] = np.nan
    table.loc[~is_pred, "term"] = [f"cut {t}" for t in table.loc[~is_pred, "term"]]
    table["odds_ratio"] = np.where(is_pred, np.exp(table["coef"]), np.nan)
    table["or_low"] = np.where(is_pred, np.exp(ci[:, 0]), np.nan)
    table["or_high"] = np.where(is_pred, np.exp(ci[:, 1]), np.nan)
    return OrdinalFit(
        table=table, n=len(d), llf=float(res.llf), pseudo_r2=1 - float(res.llf) / llf0
    )


def likert_shares(survey: Survey, by_side: bool = False) -> pd.DataFrame:
    """Share of each answer 1–5 per item (raw answers, not recoded; no-answer excluded)."""
    a = survey.answers.dropna(subset=["answer"])
    keys = ["item", "side"] if by_side else ["item"]
    counts = a.groupby([*keys, "answer"]).size().unstack("answer", fill_value=0)
    counts = counts.reindex(columns=[1.0, 2.0, 3.0, 4.0, 5.0], fill_value=0)
    counts.columns = [1, 2, 3, 4, 5]
    shares = counts.div(counts.sum(axis=1), axis=0)
    present = set(shares.index.get_level_values("item"))
    order = [i.item for i in survey.codebook.items if i.item in present]
    return shares.reindex(order, level=0) if by_side else shares.reindex(order)
