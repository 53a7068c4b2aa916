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

from analysis.formatting import fmt_date, fmt_int
from analysis.i18n import DEFAULT_LANGUAGE, check_language
from analysis.protocols.coding import (
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


def _add_toc(doc: Any, entries: Sequence[str]) -> None:
    """A Word TOC field (headings 1–2) whose cached result lists the chapters."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    para = doc.add_paragraph()

    def fld(kind: str) -> None:
        run = para.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    fld("begin")
    instr = para.add_run()._r
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = 'TOC \\o "1-2" \\h \\z \\u'
    instr.append(text)
    fld("separate")
    for i, entry in enumerate(entries):
        run = para.add_run(entry)
        if i < len(entries) - 1:
            run.add_break()
    fld("end")
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


@dataclass(frozen=True)
class DocumentationInput:
    """Everything the compiled documentation shows."""

    protocols: Sequence[Protocol]
    suggested: pd.DataFrame
    codings: pd.DataFrame
    codebook: Codebook
    coding_source: str = "Vorschläge der Schlagwortregeln des Codebuchs"


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
    _title_page(doc, protocols, series, date or dt.date.today(), lang)
    _contents(doc, protocols, lang)
    for i, p in enumerate(protocols, 1):
        _workshop_chapter(doc, i, p, lang)
    _cross_chapter(doc, data, protocols, top_n, lang)
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


def _contents(doc: Any, protocols: Sequence[Protocol], lang: str) -> None:
    """The table of contents: a Word TOC field listing one chapter per workshop and the
    cross-workshop chapter."""
    chapters = [
        f"{i}. {t('workshop', lang)}: {workshop_label(p, lang)}" for i, p in enumerate(protocols, 1)
    ]
    chapters.append(f"{len(protocols) + 1}. {t('cross', lang)}")
    doc.add_heading(t("toc", lang), level=1)
    _add_toc(doc, chapters)
    doc.add_paragraph(t("toc_hint", lang)).runs[0].italic = True
    _page_break(doc)


def _workshop_chapter(doc: Any, number: int, p: Protocol, lang: str) -> None:
    """One workshop: its questions and points verbatim, bullets as bullets."""
    doc.add_heading(f"{number}. {t('workshop', lang)}: {p.title}", level=1)
    if p.fictional:
        doc.add_paragraph(t("fictional_note", lang)).runs[0].italic = True
    if p.organisations:
        doc.add_paragraph(f"{t('organisations', lang)}: {'; '.join(p.organisations)}")
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
) -> str:
    """One protocol as HTML: questions as headings, points as a list, themes as tags.

    ``codes`` maps statement ids to codes (shown with their labels from ``codebook``).
    Every free text is escaped with :func:`html.escape`.
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
    for q in protocol.questions:
        out.append(f"<h4>{esc(q.letter)}. {esc(q.text)}</h4>")
        items = []
        for s in q.statements:
            tags = ""
            if codes is not None:
                found = codes.get(statement_id(protocol.id, q.letter, s.position), [])
                if found:
                    tags = " " + " ".join(
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
