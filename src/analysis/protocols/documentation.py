"""The protocols' report layer: the Gesamt-Dokumentation, protocol HTML, tables, heatmap.

The compiled Gesamt-Dokumentation of the event series is an editable Word file: title
page, table of contents (a Word field, refreshed when Word opens the file), one chapter
per workshop with its questions and points verbatim, and a cross-workshop chapter:
themes by workshop, the most frequent recommendations (question d) and what
organisations need (question c) against what partners can offer (question d).
German by default. :func:`protocol_html` renders one protocol as HTML for notebooks,
with every free text HTML-escaped; :func:`heatmap` draws code counts by workshop or
question. The engines (:mod:`analysis.protocols.parse`, :mod:`analysis.protocols.coding`)
return data; their labels, layouts and figures for a report live here.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.formatting import fmt_date, fmt_int, fmt_number
from analysis.i18n import DEFAULT_LANGUAGE, check_language
from analysis.protocols.coding import (
    ALL,
    Codebook,
    code_frequencies,
    needs_and_offers,
    top_recommendations,
)
from analysis.protocols.parse import TEMPLATE, Protocol

SERIES_DEFAULT = "Soziale Organisationen als Partner der Wohnungswirtschaft"

TEXT: dict[str, dict[str, str]] = {
    "doc_title": {"de": "Gesamt-Dokumentation", "en": "Compiled documentation"},
    "series": {"de": "zur Veranstaltungsreihe", "en": "of the event series"},
    "toc": {"de": "Inhaltsverzeichnis", "en": "Contents"},
    "toc_hint": {
        "de": "(Word aktualisiert das Verzeichnis beim Öffnen; "
        "sonst Rechtsklick › Feld aktualisieren.)",
        "en": "(Word refreshes the table when it opens the file; "
        "otherwise right-click › Update field.)",
    },
    "workshops": {"de": "Workshops", "en": "Workshops"},
    "workshop": {"de": "Workshop", "en": "Workshop"},
    "fictional": {"de": "fiktives Beispiel", "en": "fictional example"},
    "fictional_note": {
        "de": "Hinweis: Dieses Protokoll ist ein fiktives Beispiel, "
        "kein Ergebnis eines echten Workshops.",
        "en": "Note: this protocol is a fictional example, not the result of a real workshop.",
    },
    "fictional_any": {
        "de": "Die mit „fiktives Beispiel“ gekennzeichneten Protokolle sind erfunden "
        "und dienen nur der Erprobung.",
        "en": "Protocols marked “fictional example” are invented and serve only as test material.",
    },
    "organisations": {"de": "Beteiligte Organisationen", "en": "Organisations"},
    "created": {"de": "Erstellt am", "en": "Created on"},
    "cross": {"de": "Workshop-übergreifende Auswertung", "en": "Cross-workshop analysis"},
    "cross_intro": {
        "de": "Die Aussagen aller Workshops wurden den Themen des Codebuchs zugeordnet ({source}). "
        "Eine Aussage kann mehreren Themen zugeordnet sein.",
        "en": "The statements of all workshops were assigned to the themes of the codebook "
        "({source}). A statement may carry several themes.",
    },
    "themes": {"de": "Themen nach Workshop", "en": "Themes by workshop"},
    "theme": {"de": "Thema", "en": "Theme"},
    "total": {"de": "Summe", "en": "Total"},
    "top": {"de": "Häufigste Empfehlungen", "en": "Most frequent recommendations"},
    "top_intro": {
        "de": "Themen der Antworten auf Frage d ({question}), "
        "nach Zahl der Workshops und Aussagen.",
        "en": "Themes of the answers to question d ({question}), "
        "by number of workshops and statements.",
    },
    "statements": {"de": "Aussagen", "en": "Statements"},
    "n_workshops": {"de": "Workshops", "en": "Workshops"},
    "offers_needs": {
        "de": "Was Organisationen brauchen (c) und was Partner bieten können (d)",
        "en": "What organisations need (c) and what partners can offer (d)",
    },
    "offers_needs_intro": {
        "de": "Zahl der Aussagen je Thema in Frage c (Unterstützungsbedarf) und Frage d "
        "(Empfehlungen, was Partner beitragen können). Themen mit Bedarf, aber ohne Angebot, "
        "zeigen Lücken.",
        "en": "Statements per theme in question c (support needed) and question d "
        "(recommendations, what partners can contribute). Themes with needs but no offers "
        "show gaps.",
    },
    "needs": {"de": "Bedarf (c)", "en": "Needs (c)"},
    "offers": {"de": "Angebot/Empfehlung (d)", "en": "Offers/recommendations (d)"},
    "gap": {"de": "Bedarf ohne Angebot", "en": "Need without offer"},
    "yes": {"de": "ja", "en": "yes"},
    "no": {"de": "–", "en": "–"},
    "metadata": {"de": "Angaben zum Workshop", "en": "Workshop details"},
    "statement_id": {"de": "Kennung", "en": "Id"},
    "page": {"de": "Seite", "en": "Page"},
    "of": {"de": "von", "en": "of"},
    "agreement": {"de": "Übereinstimmung der Kodierenden", "en": "Agreement between coders"},
    "all_workshops": {"de": "Alle Workshops", "en": "All workshops"},
    "rel_statements": {"de": "Aussagen", "en": "Statements"},
    "rel_in_sheet": {"de": "im Kodierbogen", "en": "in the coding sheet"},
    "rel_coded_all": {"de": "von allen kodiert", "en": "coded by all coders"},
    "rel_kappa": {"de": "Cohens κ [{level}-KI]", "en": "Cohen's κ [{level} CI]"},
    "rel_kappa_fleiss": {"de": "Fleiss' κ [{level}-KI]", "en": "Fleiss' κ [{level} CI]"},
    "rel_alpha": {"de": "Krippendorffs α [{level}-KI]", "en": "Krippendorff's α [{level} CI]"},
    "rel_intro": {
        "de": "Kodierbogen: {files}. Kodierende: {coders}. {coded} von {total} Aussagen "
        "sind von allen Kodierenden kodiert{partly}.",
        "en": "Coding sheet: {files}. Coders: {coders}. {coded} of {total} statements "
        "are coded by every coder{partly}.",
    },
    "rel_partly": {
        "de": " – der Bogen ist erst teilweise kodiert; Übereinstimmung und Themen beruhen "
        "nur auf den kodierten Aussagen",
        "en": " – the sheet is only partly coded; agreement and themes rest on the coded "
        "statements only",
    },
    "rel_method_fleiss": {
        "de": "Fleiss' κ (Fleiss 1971; bei mehr als zwei Kodierenden an Stelle von Cohens "
        "κ) über die von allen Kodierenden kodierten Aussagen; Konfidenzintervall als "
        "Perzentil-Bootstrap über Aussagen ({replicates} Ziehungen mit Zurücklegen, "
        "Startwert {seed}). Krippendorffs α (nominal, Krippendorff 2011) über alle Aussagen "
        "mit mindestens zwei Kodierungen; Konfidenzintervall nach Hayes & Krippendorff "
        "(2007): {replicates} Stichproben von Wertepaaren aus der Koinzidenzmatrix bei "
        "festgehaltener erwarteter Abweichung, mit deren Korrektur für Stichproben ohne "
        "Variation. Bei nur einem verwendeten Code ist α nicht definiert (–).",
        "en": "Fleiss' κ (Fleiss 1971; with more than two coders in place of Cohen's κ) "
        "over the statements every coder coded; confidence interval as a percentile "
        "bootstrap over statements ({replicates} draws with replacement, seed {seed}). "
        "Krippendorff's α (nominal, Krippendorff 2011) over all statements with at least "
        "two codings; confidence interval after Hayes & Krippendorff (2007): {replicates} "
        "samples of pairs of values from the coincidence matrix with the expected "
        "disagreement held fixed, with their correction for samples without variation. "
        "With one code in use, α is undefined (–).",
    },
    "rel_method": {
        "de": "Cohens κ (Cohen 1960) über die von beiden Kodierenden kodierten Aussagen; "
        "Konfidenzintervall als Perzentil-Bootstrap über Aussagen ({replicates} Ziehungen "
        "mit Zurücklegen, Startwert {seed}). Krippendorffs α (nominal, Krippendorff 2011) "
        "über alle Aussagen mit mindestens zwei Kodierungen; Konfidenzintervall nach "
        "Hayes & Krippendorff (2007): {replicates} Stichproben von Wertepaaren aus der "
        "Koinzidenzmatrix bei festgehaltener erwarteter Abweichung, mit deren Korrektur "
        "für Stichproben ohne Variation. Bei nur einem verwendeten Code ist α nicht "
        "definiert (–).",
        "en": "Cohen's κ (Cohen 1960) over the statements both coders coded; confidence "
        "interval as a percentile bootstrap over statements ({replicates} draws with "
        "replacement, seed {seed}). Krippendorff's α (nominal, Krippendorff 2011) over all "
        "statements with at least two codings; confidence interval after Hayes & "
        "Krippendorff (2007): {replicates} samples of pairs of values from the coincidence "
        "matrix with the expected disagreement held fixed, with their correction for "
        "samples without variation. With one code in use, α is undefined (–).",
    },
    "not_defined": {"de": "–", "en": "–"},
    "workbook_intro": {
        "de": "Kodierbogen der ganzen Reihe: `{file}` mit {statements} Aussagen aus "
        "{workshops} Workshops, eine Zeile je Aussage (Kennung `<Protokoll>#<Frage><Nr.>`, "
        "Workshop in Spalte `protocol_id`), eine Auswahlspalte je Kodierende/r. Ausgefüllt "
        "unter `data/raw/` ablegen und Notebook 90 als `coding_sheet` übergeben; "
        "teilweise ausgefüllte Bögen werden als solche ausgewertet.",
        "en": "Coding workbook of the whole series: `{file}` with {statements} statements "
        "from {workshops} workshops, one row per statement (id `<protocol>#<question><no.>`, "
        "workshop in column `protocol_id`), one drop-down column per coder. Put the filled "
        "workbook under `data/raw/` and pass it to notebook 90 as `coding_sheet`; partly "
        "filled workbooks are evaluated as such.",
    },
    "workbook_id": {"de": "Protokoll (Datei)", "en": "Protocol (file)"},
    "workbook_first": {"de": "erste Kennung", "en": "first id"},
    "workbook_last": {"de": "letzte Kennung", "en": "last id"},
    "unreadable": {"de": "Nicht gelesene Dateien", "en": "Files not read"},
    "no_codes": {"de": "Noch keine kodierten Aussagen", "en": "No coded statements yet"},
    "evidence": {
        "de": "Workshop-Aussagen in den Wirkungskarten der Zentren",
        "en": "Workshop statements in the centres' impact maps",
    },
    "evidence_intro": {
        "de": "Welche Aussagen der Workshops als Beleg in die Wirkungskarte (SROI) welches "
        "Zentrums eingehen; eine Zeile je Aussage, Zentrum und Stelle in der Wirkungskarte.",
        "en": "Which workshop statements feed which centre's impact map (SROI) as evidence; "
        "one row per statement, centre and place in the impact map.",
    },
    "evidence_none": {
        "de": "Keine Wirkungskarte eines Zentrums beruft sich bisher auf eine Workshop-Aussage.",
        "en": "No centre's impact map cites a workshop statement yet.",
    },
}


def t(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    return TEXT[key][check_language(lang)]


def workshop_label(protocol: Protocol, lang: str = DEFAULT_LANGUAGE) -> str:
    """The workshop title, marked when the protocol is fictional."""
    return f"{protocol.title} ({t('fictional', lang)})" if protocol.fictional else protocol.title


# --------------------------------------------------------------------------------------
# Cross-workshop tables (pure)
# --------------------------------------------------------------------------------------


def themes_by_workshop(
    codings: pd.DataFrame,
    codebook: Codebook,
    protocols: Sequence[Protocol],
    lang: str = DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """Statements per theme (rows) and workshop (columns, protocol order), with totals;
    themes no workshop mentions are left out."""
    table = code_frequencies(codings, codebook, by="protocol_id")
    ids = [p.id for p in protocols]
    table = table.reindex(columns=ids, fill_value=0)
    table = table[table.sum(axis=1) > 0]
    table[t("total", lang)] = table.sum(axis=1)
    table.index = [codebook.get(c).label(lang) for c in table.index]
    table.index.name = t("theme", lang)
    table.columns = [
        *(workshop_label(p, lang) for p in protocols),
        t("total", lang),
    ]
    return table


def needs_and_offers_table(
    codings: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE
) -> pd.DataFrame:
    """:func:`needs_and_offers` with theme labels and column names in ``lang``."""
    table = needs_and_offers(codings, codebook)
    shown = pd.DataFrame(
        {
            t("needs", lang): table["needs"].to_numpy(),
            t("offers", lang): table["offers"].to_numpy(),
            t("gap", lang): [t("yes", lang) if g else t("no", lang) for g in table["gap"]],
        },
        index=[codebook.get(c).label(lang) for c in table.index],
    )
    shown.index.name = t("theme", lang)
    return shown


def top_recommendations_table(
    top: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE
) -> pd.DataFrame:
    """:func:`top_recommendations` without the texts, labelled in ``lang``."""
    shown = pd.DataFrame(
        {
            t("n_workshops", lang): top["workshops"].to_numpy(),
            t("statements", lang): top["statements"].to_numpy(),
        },
        index=[codebook.get(c).label(lang) for c in top["code"]],
    )
    shown.index.name = t("theme", lang)
    return shown


def _with_interval(x: float, low: float, high: float, lang: str) -> str:
    if x != x:  # NaN: undefined
        return t("not_defined", lang)
    if low != low:
        return fmt_number(x, 3, lang)
    return f"{fmt_number(x, 3, lang)} [{fmt_number(low, 3, lang)}; {fmt_number(high, 3, lang)}]"


def _level(level: float, lang: str) -> str:
    return f"{fmt_number(level * 100, 0, lang)} %" if lang == "de" else f"{level:.0%}"


def reliability_table(
    table: pd.DataFrame, protocols: Sequence[Protocol], lang: str = DEFAULT_LANGUAGE
) -> pd.DataFrame:
    """:func:`analysis.protocols.coding.reliability` as display strings in ``lang``: one row
    per workshop (fictional ones marked) and one for all workshops; coverage, κ and α
    with their intervals (``0,812 [0,701; 0,902]``)."""
    titles = {p.id: workshop_label(p, lang) for p in protocols}
    level = _level(float(table["level"].iloc[0]) if len(table) else 0.95, lang)
    rows = []
    for r in table.itertuples(index=False):
        rows.append(
            {
                t("workshop", lang): t("all_workshops", lang)
                if r.scope == ALL
                else titles.get(r.scope, r.scope),
                t("rel_statements", lang): fmt_int(r.statements, lang),
                t("rel_in_sheet", lang): fmt_int(r.in_sheet, lang),
                t("rel_coded_all", lang): fmt_int(r.coded_by_all, lang),
                t(_kappa_key("rel_kappa", table), lang).format(level=level): _with_interval(
                    r.kappa, r.kappa_low, r.kappa_high, lang
                ),
                t("rel_alpha", lang).format(level=level): _with_interval(
                    r.alpha, r.alpha_low, r.alpha_high, lang
                ),
            }
        )
    return pd.DataFrame(rows)


def reliability_text(
    table: pd.DataFrame,
    coders: Sequence[str],
    files: Sequence[str],
    seed: int,
    lang: str = DEFAULT_LANGUAGE,
) -> list[str]:
    """Two paragraphs on the agreement: which sheets and coders, how much is coded
    (a partly coded sheet says so), and the method of κ, α and their intervals."""
    series = table[table["scope"] == ALL].iloc[0]
    partly = series["coded_by_all"] < series["statements"]
    intro = t("rel_intro", lang).format(
        files=", ".join(files),
        coders=", ".join(coders),
        coded=fmt_int(series["coded_by_all"], lang),
        total=fmt_int(series["statements"], lang),
        partly=t("rel_partly", lang) if partly else "",
    )
    method = t(_kappa_key("rel_method", table), lang).format(
        replicates=fmt_int(series["replicates"], lang), seed=fmt_int(seed, lang)
    )
    return [intro, method]


def _kappa_key(key: str, table: pd.DataFrame) -> str:
    """``key``, or its Fleiss variant when the table's κ is Fleiss' κ (> 2 coders)."""
    kinds = set(table["kappa_kind"]) if "kappa_kind" in table else {"cohen"}
    return f"{key}_fleiss" if kinds == {"fleiss"} else key


def workbook_text(file: str, workshops: int, statements: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """The sentence (Markdown) introducing the series' coding workbook."""
    return t("workbook_intro", lang).format(
        file=file, workshops=fmt_int(workshops, lang), statements=fmt_int(statements, lang)
    )


def workbook_table(
    protocols: Sequence[Protocol], suggested: pd.DataFrame, lang: str = DEFAULT_LANGUAGE
) -> pd.DataFrame:
    """Per workshop of the coding workbook: title (fictional ones marked), file stem,
    statements and the first and last statement id."""
    rows = []
    for p in protocols:
        ids = suggested.loc[suggested["protocol_id"] == p.id, "statement_id"].tolist()
        rows.append(
            {
                t("workshop", lang): workshop_label(p, lang),
                t("workbook_id", lang): p.id,
                t("statements", lang): fmt_int(len(ids), lang),
                t("workbook_first", lang): ids[0] if ids else "–",
                t("workbook_last", lang): ids[-1] if ids else "–",
            }
        )
    return pd.DataFrame(rows)


def problems_text(problems: Sequence[Any], lang: str = DEFAULT_LANGUAGE) -> str:
    """The files that could not be read, as a Markdown list (empty when none)."""
    from analysis.formatting import md_text

    if not problems:
        return ""
    return f"**{t('unreadable', lang)}:**\n\n" + "\n".join(f"- {md_text(p)}" for p in problems)


# --------------------------------------------------------------------------------------
# Heatmap
# --------------------------------------------------------------------------------------


def heatmap(
    table: pd.DataFrame,
    codebook: Codebook,
    lang: str = DEFAULT_LANGUAGE,
    column_labels: dict[str, str] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
) -> Any:
    """Code × workshop (or × question) heatmap of counts (seaborn), codes in ``lang``."""
    import textwrap

    import matplotlib.pyplot as plt
    import seaborn as sns

    from analysis.plots import number_formatter

    if table.empty or table.shape[1] == 0:
        fig, ax = plt.subplots(figsize=(6, 1.5))
        ax.axis("off")
        ax.text(0.5, 0.5, t("no_codes", lang), ha="center", va="center")
        if title:
            ax.set_title(title)
        return fig
    labels = codebook.labels(lang)
    data = table.rename(index=labels, columns=column_labels or {})
    data.columns = [textwrap.fill(str(c), 20) for c in data.columns]
    lines = max((str(c).count("\n") + 1 for c in data.columns), default=1)
    fig, ax = plt.subplots(
        figsize=(4.5 + 1.7 * max(len(data.columns), 1), 0.42 * len(data) + 1.2 + 0.16 * lines)
    )
    sns.heatmap(
        data,
        annot=True,
        fmt="d",
        cmap="Blues",
        linewidths=0.5,
        cbar_kws={"format": number_formatter(0, lang)},
        ax=ax,
    )
    ax.set_xlabel(xlabel if xlabel is not None else "Workshop")
    ax.set_ylabel("Thema" if lang == "de" else "Theme")
    ax.tick_params(axis="x", labelrotation=0, labelsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------


_AFTER_UPDATE = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)
"""Children of w:settings that come after w:updateFields in the schema's sequence."""


def _field(para: Any, instruction: str, cached: Sequence[str]) -> None:
    """A complex Word field (``w:fldChar`` begin/separate/end around ``w:instrText``)
    in ``para``, showing ``cached`` (lines) until Word updates it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld(kind: str) -> None:
        run = para.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    fld("begin")
    instr = para.add_run()._r
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    instr.append(text)
    fld("separate")
    for i, entry in enumerate(cached):
        run = para.add_run(entry)
        if i < len(cached) - 1:
            run.add_break()
    fld("end")


def _add_toc(doc: Any, entries: Sequence[str]) -> None:
    """A Word TOC field (headings 1–2) whose cached result lists the chapters."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    _field(doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', entries)
    # Ask Word to refresh fields on opening. CT_Settings is an ordered sequence
    # (ECMA-376 Part 1, §17.15.1.78): updateFields must precede these elements.
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    successor = next((c for c in settings if c.tag in {qn(f"w:{n}") for n in _AFTER_UPDATE}), None)
    if successor is not None:
        successor.addprevious(update)
    else:
        settings.append(update)


LANGUAGE_TAGS = {"de": "de-DE", "en": "en-GB"}
"""Word's language of the text (spelling, hyphenation) per report language."""


def _set_language(doc: Any, lang: str) -> None:
    """Mark the whole document as ``de-DE`` (or ``en-GB``): the default run properties
    and every paragraph and character style carry ``w:lang``, as do the theme font
    language in the settings and the document's core properties."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tag = LANGUAGE_TAGS[check_language(lang)]

    def mark(r_pr: Any) -> None:
        el = r_pr.find(qn("w:lang"))
        if el is None:
            el = OxmlElement("w:lang")
            r_pr.append(el)
        el.set(qn("w:val"), tag)

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    r_pr_default = defaults.find(qn("w:rPrDefault"))
    if r_pr_default is None:
        r_pr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, r_pr_default)
    r_pr = r_pr_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        r_pr_default.append(r_pr)
    mark(r_pr)
    for style in doc.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            mark(style.element.get_or_add_rPr())
    theme = doc.settings.element.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), tag)
    doc.core_properties.language = tag


def _page_numbers(doc: Any, lang: str) -> None:
    """ "Seite X von Y" (PAGE and NUMPAGES fields) centred in every section's footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for section in doc.sections:
        para = section.footer.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.add_run(f"{t('page', lang)} ")
        _field(para, "PAGE", ["1"])
        para.add_run(f" {t('of', lang)} ")
        _field(para, "NUMPAGES", ["1"])


@dataclass(frozen=True)
class DocumentationInput:
    """Everything the compiled documentation shows.

    ``reliability`` is :func:`analysis.protocols.coding.reliability` of the filled
    coding sheets (``None``: no human coding yet), with the ``coders``, the sheets'
    file names and the bootstrap ``seed``.

    ``evidence`` is the prepared table of which workshop statements feed which centre's
    impact map, already labelled in the report language (the notebook passes
    :func:`analysis.sroi.report.evidence_use_table` of
    :func:`analysis.pipeline.evidence.evidence_table`; this module imports neither).
    It becomes a chapter of its own, shown as given; ``None`` leaves the chapter out."""

    protocols: Sequence[Protocol]
    suggested: pd.DataFrame
    codings: pd.DataFrame
    codebook: Codebook
    coding_source: str = "Vorschläge der Schlagwortregeln des Codebuchs"
    reliability: pd.DataFrame | None = None
    coders: Sequence[str] = ()
    sheet_files: Sequence[str] = ()
    seed: int = 1
    evidence: pd.DataFrame | None = None


def build_docx(
    data: DocumentationInput,
    path: str | Path,
    lang: str = DEFAULT_LANGUAGE,
    date: dt.date | None = None,
    top_n: int = 5,
) -> Path:
    """Write the Gesamt-Dokumentation to ``path`` (.docx) and return the path."""
    from docx import Document

    check_language(lang)
    protocols = list(data.protocols)
    series = next((p.series for p in protocols if p.series), None) or SERIES_DEFAULT
    doc = Document()
    doc.core_properties.title = f"{t('doc_title', lang)} – {series}"
    doc.core_properties.author = "DORV-Werkbank"
    _set_language(doc, lang)
    _page_numbers(doc, lang)
    _title_page(doc, protocols, series, date or dt.date.today(), lang)
    _contents(doc, protocols, lang, evidence=data.evidence is not None)
    for i, p in enumerate(protocols, 1):
        _workshop_chapter(doc, i, p, lang)
    _cross_chapter(doc, data, protocols, top_n, lang)
    if data.evidence is not None:
        _evidence_chapter(doc, data.evidence, len(protocols) + 2, lang)
    path = Path(path)
    doc.save(str(path))
    return path


def _page_break(doc: Any) -> None:
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _title_page(
    doc: Any, protocols: Sequence[Protocol], series: str, date: dt.date, lang: str
) -> None:
    """Title, series, the workshops (fictional ones marked) and the date of creation."""
    doc.add_heading(t("doc_title", lang), level=0)
    doc.add_paragraph(f"{t('series', lang)} „{series}“")
    doc.add_paragraph(f"{t('workshops', lang)}:")
    for p in protocols:
        doc.add_paragraph(workshop_label(p, lang), style="List Bullet")
    if any(p.fictional for p in protocols):
        doc.add_paragraph(t("fictional_any", lang)).runs[0].italic = True
    doc.add_paragraph(f"{t('created', lang)} {fmt_date(date, lang)}")
    _page_break(doc)


def _contents(doc: Any, protocols: Sequence[Protocol], lang: str, evidence: bool = False) -> None:
    """The table of contents: a Word TOC field listing one chapter per workshop, the
    cross-workshop chapter and (``evidence``) the impact-map evidence chapter."""
    chapters = [
        f"{i}. {t('workshop', lang)}: {workshop_label(p, lang)}" for i, p in enumerate(protocols, 1)
    ]
    chapters.append(f"{len(protocols) + 1}. {t('cross', lang)}")
    if evidence:
        chapters.append(f"{len(protocols) + 2}. {t('evidence', lang)}")
    doc.add_heading(t("toc", lang), level=1)
    _add_toc(doc, chapters)
    doc.add_paragraph(t("toc_hint", lang)).runs[0].italic = True
    _page_break(doc)


def _workshop_chapter(doc: Any, number: int, p: Protocol, lang: str) -> None:
    """One workshop: its questions and points verbatim, bullets as bullets."""
    doc.add_heading(f"{number}. {t('workshop', lang)}: {workshop_label(p, lang)}", level=1)
    if p.fictional:
        doc.add_paragraph(t("fictional_note", lang)).runs[0].italic = True
    if p.organisations:
        doc.add_paragraph(f"{t('organisations', lang)}: {'; '.join(p.organisations)}")
    for key, value in p.metadata:
        doc.add_paragraph(f"{key}: {value}")
    for q in p.questions:
        doc.add_heading(f"{q.letter}. {q.text}", level=2)
        for s in q.statements:
            if s.kind == "bullet":
                doc.add_paragraph(s.text, style="List Bullet")
            else:
                doc.add_paragraph(s.text)


def _cross_chapter(
    doc: Any, data: DocumentationInput, protocols: Sequence[Protocol], top_n: int, lang: str
) -> None:
    """Themes by workshop, the most frequent recommendations with their statements, and
    needs (question c) against offers (question d)."""
    n = len(protocols) + 1
    doc.add_heading(f"{n}. {t('cross', lang)}", level=1)
    doc.add_paragraph(t("cross_intro", lang).format(source=data.coding_source))
    doc.add_heading(f"{n}.1 {t('themes', lang)}", level=2)
    _table(doc, themes_by_workshop(data.codings, data.codebook, protocols, lang), lang)

    doc.add_heading(f"{n}.2 {t('top', lang)}", level=2)
    doc.add_paragraph(t("top_intro", lang).format(question=TEMPLATE["d"].text))
    titles = {p.id: workshop_label(p, lang) for p in protocols}
    top = top_recommendations(data.suggested, data.codings, data.codebook, n=top_n)
    for row in top.itertuples(index=False):
        head = (
            f"{data.codebook.get(row.code).label(lang)}: {fmt_int(row.workshops, lang)} "
            f"{t('n_workshops', lang)}, {fmt_int(row.statements, lang)} {t('statements', lang)}"
        )
        doc.add_paragraph().add_run(head).bold = True
        for pid, text in row.texts:
            doc.add_paragraph(f"{text} ({titles.get(pid, pid)})", style="List Bullet")

    doc.add_heading(f"{n}.3 {t('offers_needs', lang)}", level=2)
    doc.add_paragraph(t("offers_needs_intro", lang))
    _table(doc, needs_and_offers_table(data.codings, data.codebook, lang), lang)

    if data.reliability is not None:
        doc.add_heading(f"{n}.4 {t('agreement', lang)}", level=2)
        texts = reliability_text(data.reliability, data.coders, data.sheet_files, data.seed, lang)
        for text in texts:
            doc.add_paragraph(text)
        shown = reliability_table(data.reliability, protocols, lang)
        _table(doc, shown.set_index(shown.columns[0]), lang)


def _evidence_chapter(doc: Any, frame: pd.DataFrame, number: int, lang: str) -> None:
    """Which workshop statements feed which centre's impact map: the prepared, labelled
    table as given (no index column), or a sentence when nothing is cited."""
    doc.add_heading(f"{number}. {t('evidence', lang)}", level=1)
    if frame.empty:
        doc.add_paragraph(t("evidence_none", lang))
        return
    doc.add_paragraph(t("evidence_intro", lang))
    table = doc.add_table(rows=1, cols=len(frame.columns))
    table.style = "Light Grid Accent 1"
    for cell, col in zip(table.rows[0].cells, frame.columns, strict=True):
        cell.text = str(col)
    for row in frame.itertuples(index=False):
        for cell, v in zip(table.add_row().cells, row, strict=True):
            cell.text = "" if pd.isna(v) else str(v)


def _table(doc: Any, frame: pd.DataFrame, lang: str) -> None:
    """A simple Word table: index as the first column, integers formatted for ``lang``."""
    table = doc.add_table(rows=1, cols=len(frame.columns) + 1)
    table.style = "Light Grid Accent 1"
    header = table.rows[0].cells
    header[0].text = str(frame.index.name or "")
    for j, col in enumerate(frame.columns, start=1):
        header[j].text = str(col)
    for idx, row in frame.iterrows():
        cells = table.add_row().cells
        cells[0].text = str(idx)
        for j, v in enumerate(row, start=1):
            cells[j].text = (
                fmt_int(v, lang) if isinstance(v, int) or hasattr(v, "dtype") else str(v)
            )


# --------------------------------------------------------------------------------------
# HTML (notebooks)
# --------------------------------------------------------------------------------------


def protocol_html(
    protocol: Protocol,
    codes: dict[str, list[str]] | None = None,
    codebook: Codebook | None = None,
    lang: str = DEFAULT_LANGUAGE,
    ids: bool = True,
) -> str:
    """One protocol as HTML: questions as headings, points as a list, themes as tags.

    ``codes`` maps statement ids to codes (shown with their labels from ``codebook``).
    Each statement shows its id (``<protocol>#<letter><position>``, as in the coding
    sheet) when ``ids`` is True; the title block's metadata (Datum, Ort, …) follow the
    organisations. Every free text is escaped with :func:`html.escape`.
    """
    from analysis.protocols.parse import statement_id

    esc = html.escape
    labels = codebook.labels(lang) if codebook is not None else {}
    out = [f"<h3>{esc(workshop_label(protocol, lang))}</h3>"]
    if protocol.fictional:
        out.append(f"<p><em>{esc(t('fictional_note', lang))}</em></p>")
    if protocol.organisations:
        out.append(
            f"<p>{esc(t('organisations', lang))}: {esc('; '.join(protocol.organisations))}</p>"
        )
    if protocol.metadata:
        out.append(
            "<p>" + "<br>".join(f"{esc(k)}: {esc(v)}" for k, v in protocol.metadata) + "</p>"
        )
    for q in protocol.questions:
        out.append(f"<h4>{esc(q.letter)}. {esc(q.text)}</h4>")
        items = []
        for s in q.statements:
            tags = ""
            sid = statement_id(protocol.id, q.letter, s.position)
            if ids:
                label = esc(t("statement_id", lang))
                tags += f' <code style="color:#667;font-size:75%" title="{label}">{esc(sid)}</code>'

            if codes is not None:
                found = codes.get(sid, [])
                if found:
                    tags += " " + " ".join(
                        f'<span style="background:#e8eef7;border-radius:3px;padding:0 4px;'
                        f'font-size:85%">{esc(labels.get(c, c))}</span>'
                        for c in found
                    )
            if s.kind == "bullet":
                items.append(f"<li>{esc(s.text)}{tags}</li>")
            else:
                if items:
                    out.append("<ul>" + "".join(items) + "</ul>")
                    items = []
                out.append(f"<p>{esc(s.text)}{tags}</p>")
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(out)
