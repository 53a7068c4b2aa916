"""Tables, figures and plain-language readings of the outcome and survey analyses (de/en).

Keeps wording, labels, number formats and figures out of the engines
(:mod:`analysis.outcomes.did`, :mod:`analysis.outcomes.survey`) and out of notebooks 30
and 31: every ``*_table`` returns a DataFrame of display strings with localised column
headers (show it with :func:`analysis.formatting.report_table`); :func:`compare_table`
sets TWFE against the staggered-robust estimator, :func:`method_note` names the
estimator, the control group and the small-sample convention of the TWFE standard
errors, :func:`reading` writes a few sentences an evaluator can paste into a report,
:func:`survey_reading` does the same for the survey; :func:`plot_event_study` and
:func:`plot_likert` draw the two figures.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.formatting import fmt_int, fmt_number, fmt_p, md_text
from analysis.outcomes.did import (
    DOF_DEFAULT,
    Aggregate,
    AttGt,
    Estimate,
    EventStudy,
    dynamic_pretrend,
)
from analysis.outcomes.panel import Panel
from analysis.outcomes.survey import OrdinalFit, Survey, likert_shares

OUTCOME_LABELS = {
    "vacancy_rate": {"de": "Leerstandsquote (%)", "en": "vacancy rate (%)"},
    "tenant_turnover": {"de": "Mieterfluktuation (%)", "en": "tenant turnover (%)"},
    "rent_arrears": {"de": "Mietrückstände", "en": "rent arrears"},
    "population": {"de": "Einwohnerzahl", "en": "population"},
    "out_migration": {"de": "Fortzüge", "en": "out-migration"},
    "supply_access": {"de": "Erreichbarkeit der Nahversorgung", "en": "access to local supply"},
    "tenant_satisfaction": {"de": "Mieterzufriedenheit", "en": "tenant satisfaction"},
}

ESTIMATOR_LABELS = {
    "twfe_event_study": {"de": "TWFE-Ereignisstudie", "en": "TWFE event study"},
    "callaway_santanna": {
        "de": "Callaway & Sant'Anna (robust)",
        "en": "Callaway & Sant'Anna (robust)",
    },
}
"""Names of the estimators in :func:`analysis.outcomes.did.event_study_frame`."""

METHOD_LABELS = {
    "dr": {
        "de": "doppelt robust (Sant'Anna & Zhao 2020)",
        "en": "doubly robust (Sant'Anna & Zhao 2020)",
    },
    "reg": {"de": "Outcome-Regression", "en": "outcome regression"},
    "ipw": {
        "de": "inverse Wahrscheinlichkeitsgewichtung (normiert, Abadie 2005)",
        "en": "inverse probability weighting (normalised, Abadie 2005)",
    },
    "unconditional": {"de": "ohne Kovariaten", "en": "without covariates"},
}
"""Names of the Callaway & Sant'Anna estimators (:attr:`analysis.outcomes.did.AttGt.method`)."""

CONTROL_LABELS = {
    "never": {"de": "nie kooperierende Gebiete", "en": "areas never in a cooperation"},
    "notyet": {
        "de": "noch nicht kooperierende Gebiete",
        "en": "areas not yet in a cooperation",
    },
}
"""Names of the control groups (``control_group`` of :func:`analysis.outcomes.did.att_gt`)."""

DOF_LABELS = {
    "reghdfe": {"de": "reghdfe-Konvention", "en": "reghdfe convention"},
    "absorbed_in_k": {"de": "statsmodels-Konvention", "en": "statsmodels convention"},
}
"""Names of the small-sample conventions of the TWFE standard errors
(:func:`analysis.outcomes.did.small_sample_factor`)."""

DOF_NOTES = {
    "reghdfe": {
        "de": "Die Gebiets-Fixed-Effects liegen in den Clustern und zählen nicht zu K, "
        "die Jahres-Fixed-Effects schon",
        "en": "the area fixed effects are nested in the clusters and not counted in K, the "
        "year fixed effects are",
    },
    "absorbed_in_k": {
        "de": "Alle Fixed Effects zählen zu K, wie in einer Regression mit Dummy-Variablen",
        "en": "every fixed effect is counted in K, as in a regression with dummy variables",
    },
}
"""What each convention counts in K, for :func:`method_note`."""

SIDE_LABELS = {
    "social_organisation": {"de": "Soziale Organisationen", "en": "Social organisations"},
    "housing_company": {"de": "Wohnungsunternehmen", "en": "Housing companies"},
}
"""Names of the survey's two sides (:data:`analysis.outcomes.schema.SURVEY_SIDES`)."""


def outcome_label(outcome: str, lang: str = "de") -> str:
    return OUTCOME_LABELS.get(outcome, {}).get(lang, outcome)


def data_note(synthetic: bool, note: str, lang: str = "de") -> str:
    """A bold Markdown line saying the data are synthetic (empty for real data)."""
    if not synthetic:
        return ""
    # The note is the data file's own comment line, quoted as written (in its language).
    lead = (
        "Synthetische Beispieldaten. Kommentar der Datei (wörtlich):"
        if lang == "de"
        else "Synthetic example data. The file's comment (verbatim):"
    )
    return f"**{lead}** „{note}“" if lang == "de" else f"**{lead}** “{note}”"


_ENCODINGS = {
    "de": {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 mit BOM", "cp1252": "Windows-1252 (cp1252)"},
    "en": {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252 (cp1252)"},
}
_SEPARATORS = {"de": {"\t": "Tabulator", ",": "Komma"}, "en": {"\t": "tab", ",": "comma"}}
_DIALECT_TEXT = {
    "de": {
        "german": "Die Datei {name} wurde als CSV aus deutschem Excel gelesen ({how}).",
        "other": "Die Datei {name} wurde in einem abweichenden CSV-Format gelesen ({how}).",
        "how": "Trennzeichen {sep}, {decimal}, Kodierung {enc}",
        ",": "Dezimalkomma",
        ".": "Dezimalpunkt",
    },
    "en": {
        "german": "The file {name} was read as a CSV file from German Excel ({how}).",
        "other": "The file {name} was read in a non-default CSV format ({how}).",
        "how": "separator {sep}, {decimal}, encoding {enc}",
        ",": "decimal comma",
        ".": "decimal point",
    },
}


def dialect_sentence(name: str, dialect: dict[str, str] | None, lang: str = "de") -> str:
    """One sentence saying how the CSV file ``name`` was read, if not in the default
    dialect (comma, decimal point, UTF-8 with or without BOM); "" otherwise. ``dialect``
    as :attr:`analysis.readers.CsvTable.dialect` records it."""
    if not dialect:
        return ""
    sep = dialect.get("separator", ",")
    decimal = dialect.get("decimal", ".")
    enc = dialect.get("encoding", "utf-8")
    if sep == "," and decimal == "." and enc in ("utf-8", "utf-8-sig"):
        return ""
    lang = "en" if lang == "en" else "de"
    text = _DIALECT_TEXT[lang]
    how = text["how"].format(
        sep=_SEPARATORS[lang].get(sep, sep),
        decimal=text.get(decimal, decimal),
        enc=_ENCODINGS[lang].get(enc, enc),
    )
    return text["german" if sep == ";" else "other"].format(name=md_text(name), how=how)


def survey_file_note(sv: Survey, path: str | Path, lang: str = "de") -> str:
    """Markdown above the survey results: that the data are synthetic, quoting the file's
    own comment (:func:`data_note`, as for the panel), and how the CSV was read when not
    in the default dialect (e.g. saved by German Excel); "" when neither applies."""
    parts = [data_note(sv.synthetic, md_text(sv.note), lang)] if sv.synthetic else []
    if sentence := dialect_sentence(Path(path).name, sv.dialect, lang):
        parts.append(sentence)
    return "\n\n".join(parts)


def dialect_note(panel: Panel, lang: str = "de") -> str:
    """Markdown for the data section: how the panel and its units file were read, one
    sentence each when not in the default CSV dialect (e.g. saved by German Excel);
    "" when both were plain CSV."""
    files = [(panel.path, panel.dialect), (panel.units_path, panel.units_dialect)]
    return " ".join(
        s
        for path, dialect in files
        if path is not None and (s := dialect_sentence(Path(path).name, dialect, lang))
    )


def cohort_table(data: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """Areas per first year of cooperation (``first_treated``; 0 = never)."""
    de = lang == "de"
    counts = data.drop_duplicates("unit")["first_treated"].value_counts().sort_index()
    return pd.DataFrame(
        {
            "Beginn" if de else "Start": [
                ("nie" if de else "never") if g == 0 else str(int(g)) for g in counts.index
            ],
            "Gebiete" if de else "Areas": [fmt_int(v, lang) for v in counts],
        }
    )


def pretrend_table(
    res: AttGt, dynamic: Aggregate, es: EventStudy, lang: str = "de"
) -> pd.DataFrame:
    """The three joint pre-trend Wald tests: chi², degrees of freedom, p."""
    de = lang == "de"
    dyn_stat, dyn_df, dyn_p = dynamic_pretrend(dynamic)
    tests = (
        "Callaway & Sant'Anna: ATT(g,t) vor Beginn"
        if de
        else "Callaway & Sant'Anna: pre-treatment ATT(g,t)",
        "Callaway & Sant'Anna: Ereigniszeit < 0" if de else "Callaway & Sant'Anna: event time < 0",
        "TWFE-Ereignisstudie: Vorlauf" if de else "TWFE event study: leads",
    )
    stats = ((res.pretrend_stat, res.pretrend_df, res.pretrend_p), (dyn_stat, dyn_df, dyn_p))
    stats += ((es.pretrend_stat, es.pretrend_df, es.pretrend_p),)
    return pd.DataFrame(
        {
            "Test": tests,
            "Chi²": [fmt_number(v, 2, lang) for v, _, _ in stats],
            "Freiheitsgrade" if de else "df": [fmt_int(d, lang) for _, d, _ in stats],
            "p": [fmt_p(p, 3, lang) for _, _, p in stats],
        }
    )


def compare_table(twfe: Estimate, *aggregates: Aggregate, lang: str = "de") -> pd.DataFrame:
    """TWFE against Callaway & Sant'Anna aggregates (simple, dynamic, group, calendar, in
    the order given): estimate, SE, 95 % interval."""
    de = lang == "de"
    rows = [
        (
            "TWFE (statisch)" if de else "TWFE (static)",
            twfe.estimate,
            twfe.se,
            twfe.ci_low,
            twfe.ci_high,
        ),
    ]
    names = {
        "simple": ("CS: Durchschnitt aller Gebiet-Jahre", "CS: average over treated area-years"),
        "dynamic": (
            "CS: Durchschnitt über die Jahre seit Beginn",
            "CS: average over years since start",
        ),
        "group": ("CS: Durchschnitt über die Startkohorten", "CS: average over start cohorts"),
        "calendar": ("CS: Durchschnitt über die Kalenderjahre", "CS: average over calendar years"),
    }
    for agg in aggregates:
        lo, hi = agg.ci
        rows.append((names[agg.kind][0 if de else 1], agg.overall, agg.overall_se, lo, hi))
    cols = (
        ["Schätzer", "Effekt", "Standardfehler", "95 %-KI unten", "95 %-KI oben"]
        if de
        else ["Estimator", "Effect", "Standard error", "95% CI low", "95% CI high"]
    )
    out = pd.DataFrame(rows, columns=cols)
    for c in cols[1:]:
        out[c] = out[c].map(lambda v: fmt_number(v, 3, lang))
    return out


def method_note(res: AttGt, twfe: Estimate, lang: str = "de") -> str:
    """One Markdown paragraph on how the figures were estimated: the Callaway & Sant'Anna
    estimator, its covariates and control group; the standard errors of TWFE and the
    event study, clustered by area, with their small-sample convention (and whether it
    is the default)."""
    de = lang == "de"
    method = METHOD_LABELS.get(res.method, {}).get(lang, res.method)
    control = CONTROL_LABELS.get(res.control_group, {}).get(lang, res.control_group)
    dof = twfe.dof or DOF_DEFAULT
    convention = DOF_LABELS.get(dof, {}).get(lang, dof)
    what = DOF_NOTES.get(dof, {}).get(lang, "")
    default = (" (Voreinstellung)" if de else " (default)") if dof == DOF_DEFAULT else ""
    covariates = ", ".join(md_text(c) for c in res.covariates)
    if de:
        with_cov = f", Kovariaten: {covariates}" if covariates else ""
        return (
            f"*Methode:* Callaway & Sant'Anna, Schätzer: {method}{with_cov}; "
            f"Vergleichsgruppe: {control}; Standardfehler aus den Einflussfunktionen, "
            "geclustert nach Gebiet. TWFE und Ereignisstudie: cluster-robuste "
            "Standardfehler nach Gebiet mit der Kleinstichprobenkorrektur "
            "G/(G−1)·(N−1)/(N−K) (G Gebiete, N Gebiet-Jahre, K Parameter) nach der "
            f"{convention}{default}. {what}."
        )
    with_cov = f", covariates: {covariates}" if covariates else ""
    return (
        f"*Method:* Callaway & Sant'Anna, estimator: {method}{with_cov}; comparison "
        f"group: {control}; standard errors from the influence functions, clustered by "
        "area. TWFE and event study: cluster-robust standard errors by area with the "
        "small-sample factor G/(G−1)·(N−1)/(N−K) (G areas, N area-years, K parameters) by "
        f"the {convention}{default}: {what}."
    )


def reading(
    outcome: str,
    res: AttGt,
    simple: Aggregate,
    twfe: Estimate,
    es: EventStudy,
    pretrend_p: float,
    synthetic: bool,
    lang: str = "de",
) -> str:
    """A few plain sentences on the result (German by default): the synthetic-data
    warning, the robust effect with its interval, TWFE against it, the pre-trend test and
    (German) the areas that cannot be evaluated."""
    de = lang == "de"
    parts = []
    if synthetic:
        parts.append(
            "**Achtung: synthetische Beispieldaten, keine echten Gebiete.**"
            if de
            else "**Note: synthetic example data, not real areas.**"
        )
    parts.append(_effect_sentence(outcome_label(outcome, lang), simple, lang))
    parts.append(_twfe_sentence(twfe, simple, lang))
    parts.append(_pretrend_sentence(pretrend_p, lang))
    if de and res.dropped_units:
        parts.append(
            f"{res.dropped_units} Gebiete mit Kooperation schon im ersten Jahr sind "
            "nicht auswertbar."
        )
    return " ".join(parts)


def _effect_sentence(label: str, simple: Aggregate, lang: str) -> str:
    """The simple Callaway & Sant'Anna effect, its 95 % interval and whether it excludes 0."""
    lo, hi = simple.ci
    signif = not (lo <= 0 <= hi)
    effect, lo, hi = (fmt_number(v, 2, lang) for v in (simple.overall, lo, hi))
    if lang == "de":
        return (
            f"Im Durchschnitt der Gebiete mit Kooperation und der Jahre seit ihrem Beginn "
            f"veränderte sich die {label} um {effect} gegenüber der Entwicklung ohne "
            f"Kooperation (95 %-Konfidenzintervall {lo} bis {hi}). "
            + (
                "Das Intervall schließt null aus: Der Effekt ist statistisch gesichert."
                if signif
                else "Das Intervall schließt null ein: Ein Effekt ist nicht gesichert."
            )
        )
    return (
        f"Averaged over the areas with a cooperation and the years since it began, the "
        f"{label} changed by {effect} relative to its path without the cooperation "
        f"(95% confidence interval {lo} to {hi}). "
        + (
            "The interval excludes zero."
            if signif
            else "The interval includes zero: no effect is established."
        )
    )


def _twfe_sentence(twfe: Estimate, simple: Aggregate, lang: str) -> str:
    """The static TWFE estimate against the robust one, and why it can be biased
    (staggered starts with effects that change over time or across cohorts)."""
    estimate = fmt_number(twfe.estimate, 2, lang)
    if lang == "de":
        gap = twfe.estimate - simple.overall
        return (
            f"Die einfache Zwei-Wege-Fixed-Effects-Regression ergibt {estimate}, also "
            f"{fmt_number(abs(gap), 2, lang)} {'höher' if gap > 0 else 'niedriger'}. Weil die "
            "Kooperationen in verschiedenen Jahren begannen und ihre Wirkung mit der Zeit "
            "wächst oder sich zwischen den Startjahren unterscheidet, kann diese Regression "
            "verzerrt sein; der robuste Schätzer nach Callaway & Sant'Anna vergleicht nur mit "
            "Gebieten, die (noch) keine Kooperation haben."
        )
    return (
        f"The static two-way fixed-effects regression gives {estimate}. With staggered "
        "starts and effects that change over time or across cohorts it can be biased; the "
        "Callaway & Sant'Anna estimator only compares with areas not (yet) treated."
    )


def _pretrend_sentence(pretrend_p: float, lang: str) -> str:
    """Whether the areas moved in parallel before the cooperations began (p ≥ 0.05)."""
    p = fmt_number(pretrend_p, 3, lang)
    if lang == "de":
        return "Vor Beginn der Kooperationen verliefen die Gebiete " + (
            f"parallel (Test auf parallele Vortrends: p = {p}); das stützt die "
            "Annahme paralleler Trends."
            if pretrend_p >= 0.05
            else f"nicht parallel (Test auf parallele Vortrends: p = {p}); "
            "der Effekt ist deshalb mit Vorsicht zu lesen."
        )
    return "Before the cooperations began, the areas moved " + (
        f"in parallel (pre-trend test p = {p})."
        if pretrend_p >= 0.05
        else f"differently (pre-trend test p = {p}); read the effect with care."
    )


def survey_reading(
    gap: pd.DataFrame, labels: dict[str, str], synthetic: bool, lang: str = "de"
) -> str:
    """Sentences on where the two sides' views differ (Holm-adjusted p < 0.05)."""
    sig = gap[gap["p_holm"] < 0.05].sort_values("r_rank_biserial")
    n = lambda v, d=2: fmt_number(v, d, lang)  # noqa: E731
    out = []
    if lang == "de":
        if synthetic:
            out.append("**Achtung: synthetische Beispielantworten, keine echte Befragung.**")
        if sig.empty:
            out.append("Die beiden Seiten bewerten keine Dimension deutlich unterschiedlich.")
        for _, r in sig.iterrows():
            who = "niedriger" if r["difference"] < 0 else "höher"
            out.append(
                f"„{labels[r['scale']]}“ bewerten soziale Organisationen {who} als "
                f"Wohnungsunternehmen (Mittelwerte {n(r['mean_social'])} und "
                f"{n(r['mean_housing'])}; rang-biseriale Korrelation "
                f"{n(r['r_rank_biserial'])}, p (Holm) = {n(r['p_holm'], 3)})."
            )
        return " ".join(out)
    if synthetic:
        out.append("**Note: synthetic example answers, not a real survey.**")
    if sig.empty:
        out.append("The two sides do not rate any dimension clearly differently.")
    for _, r in sig.iterrows():
        who = "lower" if r["difference"] < 0 else "higher"
        out.append(
            f"Social organisations rate '{labels[r['scale']]}' {who} than housing companies "
            f"(means {n(r['mean_social'])} and {n(r['mean_housing'])}; rank-biserial r "
            f"{n(r['r_rank_biserial'])}, Holm p = {n(r['p_holm'], 3)})."
        )
    return " ".join(out)


# --------------------------------------------------------------------------------------
# Survey tables (notebook 31)
# --------------------------------------------------------------------------------------


def side_counts(scores: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """Respondents per side."""
    n = scores.groupby("side").size()
    return pd.DataFrame(
        {
            "Seite" if lang == "de" else "Side": [SIDE_LABELS[s][lang] for s in n.index],
            "n": [fmt_int(v, lang) for v in n],
        }
    )


def reliability_table(rel: pd.DataFrame, labels: dict[str, str], lang: str = "de") -> pd.DataFrame:
    """Cronbach's α per scale, with its number of items and respondents."""
    de = lang == "de"
    return pd.DataFrame(
        {
            "Dimension": rel["scale"].map(labels),
            "Aussagen" if de else "Items": [fmt_int(v, lang) for v in rel["items"]],
            "n": [fmt_int(v, lang) for v in rel["n_complete"]],
            "Cronbachs α" if de else "Cronbach's α": [fmt_number(v, 2, lang) for v in rel["alpha"]],
        }
    )


def gap_table(gap: pd.DataFrame, labels: dict[str, str], lang: str = "de") -> pd.DataFrame:
    """The two sides' means per scale, their difference, rank-biserial r and p values."""
    de = lang == "de"
    num = lambda col, d=2: [fmt_number(v, d, lang) for v in gap[col]]  # noqa: E731
    return pd.DataFrame(
        {
            "Dimension": gap["scale"].map(labels),
            "Mittel soz. Organisationen" if de else "Mean social organisations": num("mean_social"),
            "Mittel Wohnungsunternehmen" if de else "Mean housing companies": num("mean_housing"),
            "Differenz" if de else "Difference": num("difference"),
            "rang-biseriales r" if de else "rank-biserial r": num("r_rank_biserial"),
            "p": [fmt_p(v, 3, lang) for v in gap["p"]],
            "p (Holm)": [fmt_p(v, 3, lang) for v in gap["p_holm"]],
        }
    )


def regression_table(fit: OrdinalFit, labels: dict[str, str], lang: str = "de") -> pd.DataFrame:
    """Odds ratios of the scales in the proportional-odds model, with 95 % interval and p."""
    de = lang == "de"
    t = fit.table[fit.table["term"].isin(labels)]
    num = lambda col, d=2: [fmt_number(v, d, lang) for v in t[col]]  # noqa: E731
    return pd.DataFrame(
        {
            "Dimension": t["term"].map(labels).to_list(),
            "Odds Ratio": num("odds_ratio"),
            "95 %-KI unten" if de else "95% CI low": num("or_low"),
            "95 %-KI oben" if de else "95% CI high": num("or_high"),
            "p": [fmt_p(v, 3, lang) for v in t["p"]],
        }
    )


def regression_note(fit: OrdinalFit, lang: str = "de") -> str:
    """Sample size and McFadden's pseudo-R² of the ordinal regression, as one line."""
    r2 = fmt_number(fit.pseudo_r2, 2, lang)
    return f"n = {fmt_int(fit.n, lang)}, McFadden-Pseudo-R² = {r2}"


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------


def plot_event_study(frame: pd.DataFrame, lang: str = "de", ylabel: str | None = None):  # type: ignore[no-untyped-def]
    """Event-study plot: estimates with 95 % intervals by event time, one series per
    estimator, dashed lines at zero and at the treatment start (between −1 and 0)."""
    import matplotlib.pyplot as plt

    from analysis.plots import localise_axis

    fig, ax = plt.subplots()
    names = list(dict.fromkeys(frame["estimator"]))
    width = 0.15 if len(names) > 1 else 0.0
    for i, name in enumerate(names):
        f = frame[frame["estimator"] == name]
        x = f["event_time"].to_numpy() + (i - (len(names) - 1) / 2) * width
        ax.errorbar(
            x,
            f["estimate"],
            yerr=[f["estimate"] - f["ci_low"], f["ci_high"] - f["estimate"]],
            fmt="o",
            capsize=3,
            label=ESTIMATOR_LABELS.get(name, {}).get(lang, name),
        )
    ax.axhline(0, color="grey", lw=1)
    ax.axvline(-0.5, color="grey", lw=1, ls="--")
    ax.set_xlabel(
        "Jahre seit Beginn der Kooperation" if lang == "de" else "Years since the cooperation began"
    )
    ax.set_ylabel(ylabel or ("Effekt" if lang == "de" else "Effect"))
    subject = ylabel or ("Effekt" if lang == "de" else "Effect")
    ax.set_title(("Ereignisstudie: " if lang == "de" else "Event study: ") + subject)
    localise_axis(ax, "y", "number", 1, lang)
    ax.legend()
    fig.tight_layout()
    return fig


def plot_likert(survey: Survey, lang: str = "de", side: str | None = None):  # type: ignore[no-untyped-def]
    """Diverging stacked bar chart of every item (Heiberger & Robbins 2014, J. Stat.
    Software 57(5)): shares of disagreement left of zero, agreement right, the neutral
    answer split around zero."""
    import matplotlib.pyplot as plt

    from analysis.plots import DIVERGING_5, percent_formatter

    sub = survey
    if side is not None:
        sub = Survey(survey.answers[survey.answers["side"] == side], survey.codebook, survey.note)
    shares = likert_shares(sub)
    labels = {i.item: getattr(i, lang) for i in survey.codebook.items}
    colours = DIVERGING_5
    fig, ax = plt.subplots(figsize=(9, 0.38 * len(shares) + 1.6))
    y = np.arange(len(shares))[::-1]
    left = -(shares[1] + shares[2] + shares[3] / 2).to_numpy()
    for level in (1, 2, 3, 4, 5):
        width = shares[level].to_numpy()
        ax.barh(
            y,
            width,
            left=left,
            color=colours[level - 1],
            label=getattr(survey.codebook.levels[level], lang),
        )
        left = left + width
    ax.set_yticks(y, [_wrap(labels[i], 60) for i in shares.index], fontsize=7)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlim(-1, 1)
    pf = percent_formatter(0, lang)  # shares left of zero are shown as positive percentages
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, pos: pf(abs(v), pos)))
    ax.set_xlabel(
        "Anteil der Antworten: Ablehnung links, Zustimmung rechts"
        if lang == "de"
        else "Share of answers: disagreement left, agreement right"
    )
    ax.set_title("Antworten je Aussage" if lang == "de" else "Answers by statement")
    ax.legend(ncol=5, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False)
    fig.tight_layout()
    return fig


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))
