"""The protocols' report: the DOCX opens and holds every statement; cross tables; HTML
escaping; the heatmap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from docx import Document

from analysis import paths
from analysis.protocols.coding import (
    code_frequencies,
    codings_from_suggestions,
    load_codebook,
    needs_and_offers,
    suggest_codes,
    top_recommendations,
)
from analysis.protocols.documentation import (
    DocumentationInput,
    build_docx,
    heatmap,
    protocol_html,
    themes_by_workshop,
)
from analysis.protocols.parse import (
    Protocol,
    Question,
    Statement,
    parse_text,
    read_protocols,
    to_frame,
)
from tests.protocols.test_coding import CODINGS


@pytest.fixture(scope="module")
def data() -> DocumentationInput:
    codebook = load_codebook(paths.RAW / "codebook.yaml")
    protocols = read_protocols(paths.RAW / "protocols").protocols
    suggested = suggest_codes(to_frame(protocols), codebook)
    return DocumentationInput(protocols, suggested, codings_from_suggestions(suggested), codebook)


def _all_text(doc) -> str:  # type: ignore[no-untyped-def]
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_docx_opens_and_contains_every_statement(tmp_path: Path, data: DocumentationInput) -> None:
    path = build_docx(data, tmp_path / "gesamt.docx", date=dt.date(2026, 11, 25))
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    for p in data.protocols:
        for q in p.questions:
            assert f"{q.letter}. {q.text}" in paragraphs
            for s in q.statements:
                assert s.text in paragraphs, s.text
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Inhaltsverzeichnis"
    assert headings[1] == (
        "1. Workshop: Sicherung von lebenswertem Wohnraum in strukturschwachen Gebieten"
    )
    assert "5. Workshop-übergreifende Auswertung" in headings
    text = _all_text(doc)
    assert "Erstellt am 25.11.2026" in text
    assert "(fiktives Beispiel)" in text
    assert 'TOC \\o "1-2"' in doc.element.xml
    settings = [c.tag.split("}")[1] for c in doc.settings.element]
    assert settings.index("updateFields") == settings.index("compat") - 1  # schema order
    assert len(doc.tables) == 2
    assert doc.tables[0].rows[0].cells[-1].text == "Summe"
    assert not any("Wirkungskarten" in h for h in headings)  # no evidence given: no chapter


@pytest.mark.parametrize(
    ("lang", "heading", "intro"),
    [
        ("de", "6. Workshop-Aussagen in den Wirkungskarten der Zentren", "als Beleg"),
        ("en", "6. Workshop statements in the centres' impact maps", "as evidence"),
    ],
)
def test_docx_lists_the_impact_map_evidence(
    tmp_path: Path, data: DocumentationInput, lang: str, heading: str, intro: str
) -> None:
    """The notebook's labelled evidence table (which statement feeds which centre's
    impact map) becomes the Word file's last chapter, in the TOC, cells as given."""
    import dataclasses

    from analysis.pipeline.evidence import evidence_table
    from analysis.sroi.report import evidence_use_table

    raw = evidence_table(paths.RAW / "protocols", paths.RAW / "sroi")
    assert len(raw) > 0
    shown = evidence_use_table(raw, lang)
    with_evidence = dataclasses.replace(data, evidence=shown)
    doc = Document(str(build_docx(with_evidence, tmp_path / "e.docx", lang=lang)))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[-1] == heading
    paragraphs = [p.text for p in doc.paragraphs]
    toc = paragraphs[paragraphs.index("Inhaltsverzeichnis" if lang == "de" else "Contents") + 1]
    assert toc.splitlines()[-1] == heading  # the TOC field's cached entries
    assert any(intro in p for p in paragraphs[paragraphs.index(heading) :])
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells] == list(shown.columns)
    assert len(table.rows) == len(shown) + 1
    first = shown.iloc[0]
    assert [c.text for c in table.rows[1].cells] == [str(v) for v in first]
    assert raw.loc[0, "statement_id"] in [c.text for c in table.rows[1].cells]
    # nothing cited: the chapter says so instead of an empty table
    empty = dataclasses.replace(data, evidence=shown.iloc[0:0])
    doc = Document(str(build_docx(empty, tmp_path / "leer.docx", lang=lang)))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"][-1] == heading
    assert len(doc.tables) == 2


def test_cross_tables(data: DocumentationInput) -> None:
    themes = themes_by_workshop(data.codings, data.codebook, data.protocols)
    assert themes.columns[-1] == "Summe"
    assert (themes.iloc[:, :-1].sum(axis=1) == themes["Summe"]).all()
    assert themes["Summe"].sum() == len(data.codings)
    table = needs_and_offers(data.codings, data.codebook)
    sub = data.codings[data.codings["question"] == "c"]
    assert table["needs"].sum() == len(sub)
    assert table.loc["early_funding", "needs"] > 0
    top = top_recommendations(data.suggested, data.codings, data.codebook, n=3)
    assert len(top) == 3
    assert top["workshops"].is_monotonic_decreasing
    d = data.codings[data.codings["question"] == "d"]
    first = top.iloc[0]
    assert first["statements"] == d[d["code"] == first["code"]]["statement_id"].nunique()


def test_top_recommendations_hand_made() -> None:
    codebook = load_codebook(paths.RAW / "codebook.yaml")
    suggested = pd.DataFrame(
        {"statement_id": ["w1#d1", "w2#d1", "w2#d2"], "text": ["R1", "R2", "R3"]}
    )
    codings = pd.DataFrame(
        [
            ("w1#d1", "w1", "d", "premises"),
            ("w2#d1", "w2", "d", "premises"),
            ("w2#d2", "w2", "d", "politics"),
            ("w2#d2", "w2", "d", "premises"),
        ],
        columns=["statement_id", "protocol_id", "question", "code"],
    )
    top = top_recommendations(suggested, codings, codebook)
    assert top["code"].tolist() == ["premises", "politics"]
    assert top["workshops"].tolist() == [2, 1]
    assert top["statements"].tolist() == [3, 1]
    assert top.loc[0, "texts"] == [("w1", "R1"), ("w2", "R2"), ("w2", "R3")]


def test_html_escapes_free_text() -> None:
    text = (
        "Kurzprotokoll\n\nWorkshop: <b>Fett</b> & Co\n\n"
        "a. In welchem Handlungsfeld ist die soziale Organisation tätig?\n\n"
        "- <script>alert(1)</script>\n\nAbsatz mit Bewohner*innen & <i>Tags</i>\n"
    )
    p = parse_text(text, "x.txt")
    out = protocol_html(p, codes={"x#a1": ["<evil>"]})
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "&lt;b&gt;Fett&lt;/b&gt; &amp; Co" in out
    assert "Bewohner*innen &amp; &lt;i&gt;Tags&lt;/i&gt;" in out
    assert "&lt;evil&gt;" in out
    assert out.count("<li>") == 1


def test_english_labels(tmp_path: Path) -> None:
    codebook = load_codebook(paths.RAW / "codebook.yaml")
    protocol = Protocol(
        id="w",
        path=Path("w.txt"),
        title="T",
        questions=(
            Question("d", "d.", "Q?", (Statement(1, "bullet", "Räume bereitstellen"),), 1.0, 1),
        ),
        fictional=True,
    )
    suggested = suggest_codes(to_frame([protocol]), codebook)
    data = DocumentationInput([protocol], suggested, codings_from_suggestions(suggested), codebook)
    doc = Document(str(build_docx(data, tmp_path / "en.docx", lang="en")))
    text = _all_text(doc)
    assert "Compiled documentation" in text
    assert "Premises, rent and conversion" in text
    assert "T (fictional example)" in text


def test_labelled_tables(data: DocumentationInput) -> None:
    from analysis.protocols.documentation import needs_and_offers_table, top_recommendations_table

    shown = needs_and_offers_table(data.codings, data.codebook, "de")
    raw = needs_and_offers(data.codings, data.codebook)
    assert list(shown.columns) == ["Bedarf (c)", "Angebot/Empfehlung (d)", "Bedarf ohne Angebot"]
    assert shown["Bedarf (c)"].tolist() == raw["needs"].tolist()
    label = data.codebook.get("early_funding").label("de")
    assert shown.loc[label, "Bedarf ohne Angebot"] == (
        "ja" if raw.loc["early_funding", "gap"] else "–"
    )
    top = top_recommendations(data.suggested, data.codings, data.codebook, n=2)
    table = top_recommendations_table(top, data.codebook, "en")
    assert list(table.columns) == ["Workshops", "Statements"]
    assert table.index[0] == data.codebook.get(top.loc[0, "code"]).label("en")


def test_heatmap_labels_codes(data) -> None:  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    table = code_frequencies(CODINGS, data.codebook)
    fig = heatmap(table, data.codebook, lang="en", column_labels={"w1": "Workshop 1"})
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Premises, rent and conversion" in labels
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Workshop 1", "w2"]
    assert ax.get_ylabel() == "Theme"


# --------------------------------------------------------------------------------------
# The Word file: language, fields, fictional marks, agreement with intervals
# --------------------------------------------------------------------------------------


def _coded(data: DocumentationInput) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two coders: the first suggestion (or "other"), the second disagrees on every
    fourth statement; the reliability table with intervals."""
    from analysis.protocols.coding import reliability

    first = [s[0] if s else "other" for s in data.suggested["suggested"]]
    second = [c if i % 4 else "other" for i, c in enumerate(first)]
    codes = pd.DataFrame(
        {"anna": first, "ben": second},
        index=pd.Index(data.suggested["statement_id"], name="statement_id"),
    ).astype("string")
    return codes, reliability(codes, data.suggested, n_boot=200, seed=5)


@pytest.mark.parametrize(("lang", "tag"), [("de", "de-DE"), ("en", "en-GB")])
def test_docx_language_fields_fiction_and_agreement(
    tmp_path: Path, data: DocumentationInput, lang: str, tag: str
) -> None:
    import dataclasses
    import re

    from docx.oxml.ns import qn

    from analysis.protocols.documentation import reliability_table

    _, table = _coded(data)
    with_agreement = dataclasses.replace(
        data, reliability=table, coders=["anna", "ben"], sheet_files=["kodierbogen.xlsx"], seed=5
    )
    doc = Document(str(build_docx(with_agreement, tmp_path / "g.docx", lang=lang)))
    # language: default run properties, every paragraph style, core properties
    styles = doc.styles.element
    default_lang = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert default_lang.find(qn("w:lang")).get(qn("w:val")) == tag
    for name in ("Normal", "Heading 1", "List Bullet"):
        r_pr = doc.styles[name].element.find(qn("w:rPr"))
        assert r_pr.find(qn("w:lang")).get(qn("w:val")) == tag, name
    assert doc.core_properties.language == tag
    # TOC field in the body, PAGE field in the footer
    instructions = [el.text.strip() for el in doc.element.body.iter(qn("w:instrText"))]
    assert 'TOC \\o "1-2" \\h \\z \\u' in instructions
    footer = [el.text.strip() for el in doc.sections[0].footer._element.iter(qn("w:instrText"))]
    assert footer == ["PAGE", "NUMPAGES"]
    # fictional workshops marked in their chapter headings
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    mark = "(fiktives Beispiel)" if lang == "de" else "(fictional example)"
    for p in data.protocols:
        assert any(h.endswith(p.title + (f" {mark}" if p.fictional else "")) for h in headings)
    # agreement: κ and α with intervals, per workshop and for all
    shown = reliability_table(table, data.protocols, lang)
    last = doc.tables[-1]
    assert [c.text for c in last.rows[0].cells] == list(shown.columns)
    assert len(last.rows) == len(data.protocols) + 2
    number = r"-?\d[.,]\d{3}"
    interval = re.compile(rf"^{number} \[{number}; {number}\]$")
    for row in last.rows[1:]:
        assert interval.match(row.cells[-2].text), row.cells[-2].text
        assert interval.match(row.cells[-1].text), row.cells[-1].text
    text = _all_text(doc)
    assert ("Hayes & Krippendorff (2007)" in text) and ("200" in text)
    if lang == "de":
        assert "95 %-KI" in last.rows[0].cells[-1].text
        assert "0," in last.rows[1].cells[-1].text


def test_docx_marks_a_partly_coded_sheet(tmp_path: Path, data: DocumentationInput) -> None:
    import dataclasses

    from analysis.protocols.coding import reliability

    codes, _ = _coded(data)
    codes.iloc[::2] = pd.NA
    table = reliability(codes, data.suggested, n_boot=100)
    partial = dataclasses.replace(data, reliability=table, coders=["anna", "ben"])
    doc = Document(str(build_docx(partial, tmp_path / "p.docx")))
    assert "erst teilweise kodiert" in _all_text(doc)


def test_other_is_never_a_need_without_offer(data: DocumentationInput) -> None:
    from analysis.protocols.documentation import needs_and_offers_table

    codings = pd.DataFrame(
        [("w#c1", "w", "c", "other"), ("w#c2", "w", "c", "early_funding")],
        columns=["statement_id", "protocol_id", "question", "code"],
    )
    shown = needs_and_offers_table(codings, data.codebook, "de")
    assert shown.loc["Sonstiges", "Bedarf ohne Angebot"] == "–"
    assert shown.loc[data.codebook.get("early_funding").label("de"), "Bedarf ohne Angebot"] == "ja"


def test_html_shows_statement_ids_and_metadata() -> None:
    text = (
        "Kurzprotokoll\nWorkshop: Kennungen\nDatum: 3. März 2025\nOrt: Jülich\n\n"
        "a. In welchem Handlungsfeld ist die soziale Organisation tätig?\n- Punkt\n"
    )
    out = protocol_html(parse_text(text, "kennung.txt"))
    assert "kennung#a1</code>" in out
    assert "Datum: 3. März 2025<br>Ort: Jülich" in out


def test_a_dropped_docx_joins_workbook_and_documentation(tmp_path: Path) -> None:
    """A Word protocol dropped next to the others (here: statements in a Word table,
    title block without empty paragraphs) gets its rows in the series coding workbook
    and its chapter in the Gesamt-Dokumentation, with nothing else changed."""
    import shutil

    import yaml
    from openpyxl import load_workbook

    from analysis.protocols.coding import export_coding_sheet
    from tests.protocols.test_parse import CORPUS
    from tests.protocols.test_parse import build_docx as build_corpus_docx

    folder = tmp_path / "protocols"
    shutil.copytree(paths.RAW / "protocols", folder)
    spec = yaml.safe_load((CORPUS / "word_table.docx.yaml").read_text(encoding="utf-8"))
    build_corpus_docx(spec, folder / "fiktiv_neu_eingeworfen.docx")
    codebook = load_codebook(paths.RAW / "codebook.yaml")
    protocols = read_protocols(folder).protocols
    suggested = suggest_codes(to_frame(protocols), codebook)
    book = export_coding_sheet(suggested, codebook, tmp_path / "kodierbogen_reihe.xlsx")
    ids = [r[0] for r in load_workbook(book)["Kodierung"].iter_rows(min_row=2, values_only=True)]
    assert [i for i in ids if i.startswith("fiktiv_neu_eingeworfen#")] == [
        "fiktiv_neu_eingeworfen#a1",
        "fiktiv_neu_eingeworfen#a2",
        "fiktiv_neu_eingeworfen#b1",
        "fiktiv_neu_eingeworfen#d1",
    ]
    data = DocumentationInput(protocols, suggested, codings_from_suggestions(suggested), codebook)
    doc = Document(str(build_docx(data, tmp_path / "g.docx")))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert "3. Workshop: Punkte in einer Word-Tabelle (fiktives Beispiel)" in headings
    assert "Datum: 1. April 2025" in [p.text for p in doc.paragraphs]


def test_nothing_coded_yet(tmp_path: Path, data: DocumentationInput) -> None:
    """An exported but empty workbook: agreement undefined (–), empty heatmap with a
    note, the Word file still written."""
    import dataclasses

    import matplotlib

    from analysis.protocols.coding import CODING_COLUMNS, reliability

    matplotlib.use("Agg")
    codes = pd.DataFrame(
        {"anna": pd.NA, "ben": pd.NA}, index=pd.Index(data.suggested["statement_id"])
    ).astype("string")
    table = reliability(codes, data.suggested, n_boot=50)
    assert (table["coded_by_all"] == 0).all() and table["alpha"].isna().all()
    empty = pd.DataFrame(columns=list(CODING_COLUMNS))
    fig = heatmap(code_frequencies(empty, data.codebook).iloc[0:0], data.codebook)
    assert fig.axes[0].texts[0].get_text() == "Noch keine kodierten Aussagen"
    nothing = dataclasses.replace(data, codings=empty, reliability=table, coders=["anna", "ben"])
    doc = Document(str(build_docx(nothing, tmp_path / "leer.docx")))
    assert [c.text for c in doc.tables[-1].rows[-1].cells][-2:] == ["–", "–"]
