"""Tables and plain-language readings of the outcome and survey analyses (German/English).

Keeps the wording out of the notebooks: :func:`compare_table` sets TWFE against the
staggered-robust estimator, :func:`reading` writes a few sentences an evaluator can
paste into a report, :func:`survey_reading` does the same for the survey.
"""

from __future__ import annotations

import pandas as pd

from .formatting import fmt_number
from .outcomes import Aggregate, AttGt, Estimate, EventStudy

OUTCOME_LABELS = {
    "vacancy_rate": {"de": "Leerstandsquote (%)", "en": "vacancy rate (%)"},
    "tenant_turnover": {"de": "Mieterfluktuation (%)", "en": "tenant turnover (%)"},
    "rent_arrears": {"de": "Mietrückstände", "en": "rent arrears"},
    "population": {"de": "Einwohnerzahl", "en": "population"},
    "out_migration": {"de": "Fortzüge", "en": "out-migration"},
    "supply_access": {"de": "Erreichbarkeit der Nahversorgung", "en": "access to local supply"},
    "tenant_satisfaction": {"de": "Mieterzufriedenheit", "en": "tenant satisfaction"},
}


def outcome_label(outcome: str, lang: str = "de") -> str:
    return OUTCOME_LABELS.get(outcome, {}).get(lang, outcome)


def compare_table(
    twfe: Estimate, simple: Aggregate, dynamic: Aggregate, group: Aggregate, lang: str = "de"
) -> pd.DataFrame:
    """TWFE against the Callaway & Sant'Anna aggregates: estimate, SE, 95 % interval."""
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
    }
    for agg in (simple, dynamic, group):
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
    """A few plain sentences on the result (German by default)."""
    label = outcome_label(outcome, lang)
    lo, hi = simple.ci
    signif = not (lo <= 0 <= hi)
    n = lambda v, d=2: fmt_number(v, d, lang)  # noqa: E731
    gap = twfe.estimate - simple.overall
    if lang == "de":
        parts = []
        if synthetic:
            parts.append("**Achtung: synthetische Beispieldaten, keine echten Gebiete.**")
        parts.append(
            f"Im Durchschnitt der Gebiete mit Kooperation und der Jahre seit ihrem Beginn "
            f"veränderte sich die {label} um {n(simple.overall)} gegenüber der Entwicklung ohne "
            f"Kooperation (95 %-Konfidenzintervall {n(lo)} bis {n(hi)}). "
            + (
                "Das Intervall schließt null aus: Der Effekt ist statistisch gesichert."
                if signif
                else "Das Intervall schließt null ein: Ein Effekt ist nicht gesichert."
            )
        )
        parts.append(
            f"Die einfache Zwei-Wege-Fixed-Effects-Regression ergibt {n(twfe.estimate)}, also "
            f"{n(abs(gap))} {'höher' if gap > 0 else 'niedriger'}. Weil die Kooperationen in "
            "verschiedenen Jahren begannen und ihre Wirkung mit der Zeit wächst oder sich "
            "zwischen den Startjahren unterscheidet, kann diese Regression verzerrt sein; der "
            "robuste Schätzer nach Callaway & Sant'Anna vergleicht nur mit Gebieten, die "
            "(noch) keine Kooperation haben."
        )
        parts.append(
            "Vor Beginn der Kooperationen verliefen die Gebiete "
            + (
                f"parallel (Test auf parallele Vortrends: p = {n(pretrend_p, 3)}); das stützt die "
                "Annahme paralleler Trends."
                if pretrend_p >= 0.05
                else f"nicht parallel (Test auf parallele Vortrends: p = {n(pretrend_p, 3)}); "
                "der Effekt ist deshalb mit Vorsicht zu lesen."
            )
        )
        if res.dropped_units:
            parts.append(
                f"{res.dropped_units} Gebiete mit Kooperation schon im ersten Jahr sind "
                "nicht auswertbar."
            )
        return " ".join(parts)
    parts = []
    if synthetic:
        parts.append("**Note: synthetic example data, not real areas.**")
    parts.append(
        f"Averaged over the areas with a cooperation and the years since it began, the "
        f"{label} changed by {n(simple.overall)} relative to its path without the cooperation "
        f"(95% confidence interval {n(lo)} to {n(hi)}). "
        + (
            "The interval excludes zero."
            if signif
            else "The interval includes zero: no effect is established."
        )
    )
    parts.append(
        f"The static two-way fixed-effects regression gives {n(twfe.estimate)}. With staggered "
        "starts and effects that change over time or across cohorts it can be biased; the "
        "Callaway & Sant'Anna estimator only compares with areas not (yet) treated."
    )
    parts.append(
        "Before the cooperations began, the areas moved "
        + (
            f"in parallel (pre-trend test p = {n(pretrend_p, 3)})."
            if pretrend_p >= 0.05
            else f"differently (pre-trend test p = {n(pretrend_p, 3)}); read the effect with care."
        )
    )
    return " ".join(parts)


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
