"""Protocol parser: the real seed with exact counts and texts, each variant format, bad files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analysis import paths
from analysis.errors import InputError
from analysis.protocols.parse import (
    COLUMNS,
    TEMPLATE,
    decode,
    load_protocols,
    parse_protocol,
    parse_text,
    read_protocols,
    similarity,
)

PROTOCOLS = paths.RAW / "protocols"
SEED = PROTOCOLS / "dorv_juelich_strukturschwache_gebiete.txt"

HEADER = (
    "Gesamt-Dokumentation zur Veranstaltungsreihe:\n"
    "„Soziale Organisationen als Partner der\nWohnungswirtschaft“\n\n"
    "Kurzprotokoll\n\n**Workshop: Testworkshop mit\numbrochenem Titel**\n\n"
)


def compose(statements: dict[str, list[str]], marker: str = "{letter}.", bullet: str = "-") -> str:
    """A protocol in the series template with the given bullets per question."""
    parts = [HEADER]
    for i, letter in enumerate(TEMPLATE, start=1):
        label = marker.format(letter=letter, number=i)
        parts.append(f"{label} {TEMPLATE[letter].text}\n\n")
        parts += [f"{bullet} {s}\n" for s in statements.get(letter, [])]
        parts.append("\n")
    return "".join(parts)


# --------------------------------------------------------------------------------------
# The real seed protocol
# --------------------------------------------------------------------------------------


def test_seed_structure() -> None:
    p = parse_protocol(SEED)
    assert p.id == "dorv_juelich_strukturschwache_gebiete"
    assert p.series == "Soziale Organisationen als Partner der Wohnungswirtschaft"
    assert p.kind == "Kurzprotokoll"
    assert p.title == "Sicherung von lebenswertem Wohnraum in strukturschwachen Gebieten"
    assert p.organisations == (
        "DORV-Zentrum (Dienstleistung und Ortsnahe Rundum Versorgung) in Jülich",
    )
    assert not p.fictional
    assert p.encoding == "utf-8"
    assert [q.letter for q in p.questions] == ["a", "b", "c", "d", "e"]
    assert [q.label for q in p.questions] == ["a.", "b.", "c.", "d.", "e."]
    bullets = [sum(s.kind == "bullet" for s in q.statements) for q in p.questions]
    assert bullets == [3, 7, 4, 6, 3]
    paragraphs = [[s.text for s in q.statements if s.kind == "paragraph"] for q in p.questions]
    assert paragraphs == [
        [
            "Das DORV-Zentrum (Dienstleistung und Ortsnahe Rundum Versorgung) in Jülich ist in "
            "folgenden Handlungsfeldern aktiv:"
        ],
        [],
        ["Das kann gar auch die Wohnungswirtschaft selbst sein."],
        [],
        [],
    ]
    assert p.n_statements == 25
    for q in p.questions:
        assert q.text == TEMPLATE[q.letter].text
        assert q.similarity == 1.0
        assert [s.position for s in q.statements] == list(range(1, len(q.statements) + 1))


def test_seed_texts_verbatim() -> None:
    p = parse_protocol(SEED)
    a, b, c, d, e = p.questions
    assert a.statements[0].kind == "paragraph" and a.statements[0].position == 1
    assert [s.text for s in a.statements[1:]] == [
        "Sicherung, bzw. Wiederherstellung von Grund- und Nahversorgung",
        "Sicherung, bzw. Verbesserung der Wohn- und Lebensqualität",
        "Und das alles mitten im Wohnquartier, in Stadt und Land",
    ]
    assert b.statements[0].text == (
        "Bereitschaft zur Kooperation auf Augenhöhe – Sozial muss Betriebswirtschaft verstehen "
        "– Wirtschaft muss soziale Wirkung verstehen"
    )
    assert b.statements[4].text == "Rendite muss aber nicht nur Geld sein"
    assert c.statements[4].kind == "paragraph" and c.statements[4].position == 5
    assert c.statements[2].text == (
        "Überlassung, Bereitstellung von Räumlichkeiten zu vertretbaren Konditionen"
    )
    assert d.statements[3].text == (
        "Kooperation, Hilfe/Unterstützung bei Projektideen, konkreten Projekten, hier sollten "
        "auch „Köpfe“ gefördert werden, nicht nur „Steine“"
    )
    assert [s.text for s in e.statements[:2]] == [
        "Politik muss mitspielen",
        "Partner aus der Region gewinnen – Regionalisierung",
    ]
    assert e.statements[2].text.startswith("Bürgerschaftliches Engagement fördern und einbinden")
    assert e.statements[2].text.endswith(
        "gerade auch in Konfliktfällen und Meinungsverschiedenheiten"
    )


def test_load_protocols_frame_of_seed(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / SEED.name)
    frame = load_protocols(tmp_path)
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == 25
    assert frame.groupby("question").size().to_dict() == {"a": 4, "b": 7, "c": 5, "d": 6, "e": 3}
    assert (frame["kind"] == "paragraph").sum() == 2
    assert set(frame["protocol_id"]) == {SEED.stem}
    assert frame.attrs["problems"] == []
    row = frame[(frame["question"] == "c") & (frame["position"] == 5)].iloc[0]
    assert row["text"] == "Das kann gar auch die Wohnungswirtschaft selbst sein."
    assert row["kind"] == "paragraph"


# --------------------------------------------------------------------------------------
# Example protocols in the repository (fictional, varied formats)
# --------------------------------------------------------------------------------------


def test_example_folder_reads_every_format() -> None:
    found = read_protocols(PROTOCOLS)
    by_id = {p.id: p for p in found.protocols}
    assert set(by_id) == {
        "dorv_juelich_strukturschwache_gebiete",
        "fiktiv_integration_wohnungslosigkeit",
        "fiktiv_pflege_wohnen_im_alter",
        "fiktiv_quartiersarbeit_nachbarschaft",
    }
    for pid, p in by_id.items():
        assert p.fictional == pid.startswith("fiktiv_")
        assert [q.letter for q in p.questions] == ["a", "b", "c", "d", "e"]
    cp = by_id["fiktiv_pflege_wohnen_im_alter"]
    assert cp.encoding == "cp1252"
    assert cp.title == "Wohnen im Alter – Pflege und Unterstützung im vertrauten Quartier"
    assert (
        cp.questions[2].statements[0].text
        == "Mietgünstige Räume für Quartiersbüro und Pflegestützpunkt"
    )
    # A bullet wrapped over two lines is one statement.
    assert cp.questions[1].statements[1].text == (
        "Die Genossenschaft muss verstehen, wie Pflegeleistungen finanziert werden; der "
        "Pflegedienst muss die Wirtschaftlichkeit der Vermietung verstehen"
    )
    docx = by_id["fiktiv_quartiersarbeit_nachbarschaft"]
    assert docx.encoding == "docx"
    assert [len(q.statements) for q in docx.questions] == [3, 4, 4, 4, 2]
    assert docx.questions[2].statements[3].kind == "paragraph"
    md = by_id["fiktiv_integration_wohnungslosigkeit"]
    assert [q.label for q in md.questions] == ["1)", "2)", "3)", "4)", "5)"]
    # The numbered list under question 3 holds bullets, not questions.
    assert [s.kind for s in md.questions[2].statements] == [
        "paragraph",
        "bullet",
        "bullet",
        "bullet",
    ]
    assert md.questions[2].statements[1].text.startswith("Frühzeitige Information bei Mietschulden")


# --------------------------------------------------------------------------------------
# Variant formats
# --------------------------------------------------------------------------------------

POINTS = {"a": ["Beratung im Quartier"], "c": ["Räume für Treffen", "Geld für Planung"]}


@pytest.mark.parametrize(
    "marker", ["{letter}.", "{letter})", "{number}.", "{number})", "**{letter}.**"]
)
@pytest.mark.parametrize("bullet", ["-", "•", "–", "*"])
def test_markers_and_bullets(tmp_path: Path, marker: str, bullet: str) -> None:
    path = tmp_path / "variant.md"
    path.write_text(compose(POINTS, marker, bullet), encoding="utf-8")
    p = parse_protocol(path)
    assert p.title == "Testworkshop mit umbrochenem Titel"
    assert [q.letter for q in p.questions] == list("abcde")
    assert [[s.text for s in q.statements] for q in p.questions] == [
        ["Beratung im Quartier"],
        [],
        ["Räume für Treffen", "Geld für Planung"],
        [],
        [],
    ]
    assert all(s.kind == "bullet" for q in p.questions for s in q.statements)


def test_numbered_list_items_are_bullets(tmp_path: Path) -> None:
    text = compose({}).replace(
        TEMPLATE["b"].text + "\n\n", TEMPLATE["b"].text + "\n1. Vertrauen\n2) Zeit\n3. Geld\n\n"
    )
    path = tmp_path / "numbered.txt"
    path.write_text(text, encoding="utf-8")
    b = parse_protocol(path).question("b")
    assert b is not None
    assert [(s.kind, s.text) for s in b.statements] == [
        ("bullet", "Vertrauen"),
        ("bullet", "Zeit"),
        ("bullet", "Geld"),
    ]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16")],
)
def test_encodings_keep_umlauts(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "enc.txt"
    path.write_bytes(
        compose({"d": ["Öffentlichkeitsarbeit für Bürgerinnen – „Straßenfest“"]}).encode(encoding)
    )
    p = parse_protocol(path)
    assert p.encoding == expected
    assert (
        p.question("d").statements[0].text
        == "Öffentlichkeitsarbeit für Bürgerinnen – „Straßenfest“"
    )
    assert p.series == "Soziale Organisationen als Partner der Wohnungswirtschaft"


def test_latin1_when_not_cp1252(tmp_path: Path) -> None:
    # 0x81 is undefined in cp1252, so this file can only be latin-1.
    text = compose({"a": ["Grüße aus Jülich"]}).replace("Grüße", "Grüße\x81")
    text = text.replace("„", '"').replace("“", '"')  # not in latin-1
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("latin-1"))
    p = parse_protocol(path)
    assert p.encoding == "latin-1"
    assert p.question("a").statements[0].text == "Grüße\x81 aus Jülich"


def test_abbreviations_are_not_questions(tmp_path: Path) -> None:
    text = compose({"c": ["Räume"]}).replace(
        "- Räume\n", "- Räume\n\nz. B. wer zahlt die Miete?\n\nd. h. wer entscheidet?\n"
    )
    path = tmp_path / "abbr.txt"
    path.write_text(text, encoding="utf-8")
    c = parse_protocol(path).question("c")
    assert [s.text for s in c.statements] == [
        "Räume",
        "z. B. wer zahlt die Miete?",
        "d. h. wer entscheidet?",
    ]


def test_paragraphs_wrap_and_attach_to_their_question(tmp_path: Path) -> None:
    text = compose({"c": ["Räume"]}).replace(
        "- Räume\n", "- Räume\n  zu fairen Konditionen\n\nEin Absatz über\nzwei Zeilen.\n\n\n\n"
    )
    path = tmp_path / "wrap.txt"
    path.write_text(text, encoding="utf-8")
    c = parse_protocol(path).question("c")
    assert [(s.position, s.kind, s.text) for s in c.statements] == [
        (1, "bullet", "Räume zu fairen Konditionen"),
        (2, "paragraph", "Ein Absatz über zwei Zeilen."),
    ]


def test_docx_lists_and_plain_paragraphs(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("Kurzprotokoll")
    doc.add_heading("Workshop: Wort-Test", level=2)
    for letter, q in TEMPLATE.items():
        doc.add_paragraph(f"{letter}) {q.text}")
        doc.add_paragraph(f"Punkt zu {letter}", style="List Bullet")
        doc.add_paragraph(f"Nummer zu {letter}", style="List Number")
    doc.add_paragraph("Schlussabsatz.")
    path = tmp_path / "w.docx"
    doc.save(str(path))
    p = parse_protocol(path)
    assert p.title == "Wort-Test"
    assert [len(q.statements) for q in p.questions] == [2, 2, 2, 2, 3]
    assert p.question("e").statements[-1].kind == "paragraph"
    assert p.question("b").statements[1].text == "Nummer zu b"


def test_reworded_and_reordered_questions_match_template(tmp_path: Path) -> None:
    text = (
        HEADER
        + "1) In welchem Handlungsfeld sind Sie tätig?\n\n- A\n\n"
        + "2) Wie kann die Kooperation verbessert werden (Empfehlungen, Maßnahmen)?\n\n- D\n\n"
        + "3) Welche Unterstützung benötigt die Organisation von anderen Akteuren?\n\n- C\n"
    )
    path = tmp_path / "reworded.txt"
    path.write_text(text, encoding="utf-8")
    p = parse_protocol(path)
    assert [(q.label, q.letter) for q in p.questions] == [("1)", "a"), ("2)", "d"), ("3)", "c")]
    assert [q.statements[0].text for q in p.questions] == ["A", "D", "C"]


def test_similarity_separates_template_questions() -> None:
    for x in TEMPLATE:
        assert similarity(TEMPLATE[x].text, x) == 1.0
        assert all(similarity(TEMPLATE[x].text, y) < 0.25 for y in TEMPLATE if y != x)


# --------------------------------------------------------------------------------------
# Bad files
# --------------------------------------------------------------------------------------


def _zip_without_document() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "no Word document inside")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.md", b"\n \n\t\n", "file is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("ctrl.txt", bytes(range(1, 31)) * 20, "binary file"),
        (
            "notes.txt",
            b"Kurzprotokoll\n\nWorkshop: X\n\n- nur Punkte\n",
            "no questions found",
        ),
        ("fake.docx", b"not a zip at all", "not a readable .docx"),
        ("other.docx", _zip_without_document(), "not a readable .docx"),
        ("table.csv", b"a;b\n1;2\n", "unsupported file type"),
        ("untitled.txt", f"a. {TEMPLATE['a'].text}\n- x\n".encode(), "no workshop title"),
    ],
)
def test_bad_files_name_file_and_what_is_missing(
    tmp_path: Path, name: str, content: bytes, rule: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        parse_protocol(path)
    assert rule in info.value.rule
    assert info.value.file == str(path)


def test_two_questions_on_one_template_question(tmp_path: Path) -> None:
    text = HEADER + f"a. {TEMPLATE['c'].text}\n- x\n\nb. {TEMPLATE['c'].text}\n- y\n"
    path = tmp_path / "twice.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_protocol(path)
    assert "both match template question c" in info.value.rule
    assert "passen beide zu Leitfrage c der Vorlage" in info.value.text("de")
    assert info.value.row == 13  # the second of the two (lines 10 and 13)


def test_load_protocols_raise_or_collect(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / SEED.name)
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "z_binary.md").write_bytes(b"\x00\x01\x02")
    (tmp_path / "README.md").write_text("Not a protocol", encoding="utf-8")
    (tmp_path / "~$lock.docx").write_bytes(b"x")
    with pytest.raises(InputError) as info:
        load_protocols(tmp_path)
    assert info.value.file == str(tmp_path / "a_empty.txt")
    frame = load_protocols(tmp_path, errors="collect")
    assert len(frame) == 25
    problems = frame.attrs["problems"]
    assert [Path(p.file).name for p in problems] == ["a_empty.txt", "z_binary.md"]
    with pytest.raises(ValueError):
        load_protocols(tmp_path, errors="ignore")  # type: ignore[arg-type]


def test_missing_folder() -> None:
    with pytest.raises(InputError, match="protocol folder not found"):
        load_protocols(paths.RAW / "no_such_folder")


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

_point = (
    st.text(
        alphabet=st.characters(
            whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" äöüÄÖÜß,;:()„“"
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(lambda s: s and not s.endswith("?") and not s[0].isdigit())
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    points=st.dictionaries(st.sampled_from(list(TEMPLATE)), st.lists(_point, max_size=5)),
    marker=st.sampled_from(["{letter}.", "{letter})", "{number})"]),
    bullet=st.sampled_from(["-", "•", "–", "*"]),
)
def test_statements_round_trip(points: dict[str, list[str]], marker: str, bullet: str) -> None:
    p = parse_text(compose(points, marker, bullet), "generated.txt")
    assert {q.letter: [s.text for s in q.statements] for q in p.questions} == {
        x: points.get(x, []) for x in TEMPLATE
    }


@given(st.text(alphabet="abcÄÖÜäöüß€„“– \n", min_size=1), st.sampled_from(["utf-8", "cp1252"]))
def test_decode_recovers_text(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    if encoding == "cp1252":
        # A few cp1252 byte pairs are also valid UTF-8 ("Ä–" = C4 96 = "Ė"); real German
        # minutes practically never are, and UTF-8 is rightly tried first.
        try:
            data.decode("utf-8")
            assume(text.isascii())
        except UnicodeDecodeError:
            pass
    decoded, used = decode(data, "x.txt")
    assert decoded == text
    assert used in ("utf-8", "cp1252")


# --------------------------------------------------------------------------------------
# Corpus: shapes of real minutes (tests/protocols/corpus, all fictional)
# --------------------------------------------------------------------------------------

CORPUS = Path(__file__).parent / "corpus"


def build_docx(spec: list[dict], path: Path) -> Path:  # type: ignore[type-arg]
    """A Word file from a corpus description: paragraphs (``p``, optional ``style`` and
    ``bold``; a new line is a line break), headings (``heading``, ``level``) and tables
    (``table``: rows of cells, a cell a text or a list of paragraphs)."""
    doc = Document()
    for item in spec:
        if "p" in item:
            para = doc.add_paragraph(style=item.get("style"))
            for k, line in enumerate(str(item["p"]).split("\n")):
                if k:
                    para.runs[-1].add_break()
                para.add_run(line).bold = bool(item.get("bold"))
        elif "heading" in item:
            doc.add_heading(str(item["heading"]), level=int(item.get("level", 2)))
        elif "table" in item:
            rows = item["table"]
            table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    texts = cell if isinstance(cell, list) else [cell]
                    target = table.cell(r, c)
                    target.text = str(texts[0])
                    for text in texts[1:]:
                        target.add_paragraph(str(text))
    doc.save(str(path))
    return path


def _corpus_cases() -> list[Path]:
    return sorted(CORPUS.glob("*.expected.yaml"))


@pytest.mark.parametrize("expected_file", _corpus_cases(), ids=lambda p: p.name.split(".")[0])
def test_corpus(expected_file: Path, tmp_path: Path) -> None:
    import yaml

    case = expected_file.name.removesuffix(".expected.yaml")
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    (source,) = [p for p in CORPUS.glob(f"{case}.*") if p != expected_file]
    if source.name.endswith(".docx.yaml"):
        spec = yaml.safe_load(source.read_text(encoding="utf-8"))
        source = build_docx(spec, tmp_path / f"{case}.docx")
    if "error" in expected:
        with pytest.raises(InputError) as info:
            parse_protocol(source)
        problem = info.value.problems[0]
        assert expected["error"]["rule"] in str(problem.rule)
        assert problem.file == str(source)
        assert str(problem.row) == str(expected["error"]["row"])
        return
    p = parse_protocol(source)
    assert p.title == expected["title"]
    meta = expected.get("metadata", {})
    pairs = list(meta.items()) if isinstance(meta, dict) else [tuple(m) for m in meta]
    assert list(p.metadata) == pairs
    if "labels" in expected:
        assert [q.label for q in p.questions] == expected["labels"]
    if "organisations" in expected:
        assert list(p.organisations) == expected["organisations"]
    assert {q.letter: [s.text for s in q.statements] for q in p.questions} == expected["questions"]
    assert all(s.text.strip("-*_= ") for q in p.questions for s in q.statements)


def test_corpus_covers_every_shape() -> None:
    names = {p.name.split(".")[0] for p in _corpus_cases()}
    assert len(names) >= 12
    assert {".txt", ".md", ".yaml"} <= {p.suffix for p in CORPUS.iterdir()}


# --------------------------------------------------------------------------------------
# Round trip in every marker style, as text and as Word file
# --------------------------------------------------------------------------------------

STYLES = {
    "a.": "{letter}. {text}",
    "a)": "{letter}) {text}",
    "A:": "{upper}: {text}",
    "1.": "{number}. {text}",
    "1)": "{number}) {text}",
    "Frage 1:": "Frage {number}: {text}",
    "## a)": "## {letter}) {text}",
    "**a.**": "**{letter}.** {text}",
    "I.": "{roman}. {text}",
    "unmarked": "{text}",
}
ROMAN = ["I", "II", "III", "IV", "V"]
BULLETS = ["- {}", "• {}", "* {}", "– {}"]


def render_text(
    points: dict[str, list[str]], style: str, bullet: str, metadata: bool, blank: bool
) -> str:
    """A protocol in the template: a title block (with or without blank lines between
    its lines, with or without metadata) and the questions in ``style``."""
    sep = "\n\n" if blank else "\n"
    head = ["FIKTIV: erzeugtes Testprotokoll", "Kurzprotokoll", "Workshop: Erzeugt"]
    if metadata:
        head += ["Datum: 1. Juni 2025", "Ort: Testhausen"]
    parts = [sep.join(head), "\n\n"]
    for i, letter in enumerate(TEMPLATE, start=1):
        line = STYLES[style].format(
            letter=letter,
            upper=letter.upper(),
            number=i,
            roman=ROMAN[i - 1],
            text=TEMPLATE[letter].text,
        )
        parts.append(line + "\n")
        parts += [bullet.format(s) + "\n" for s in points.get(letter, [])]
        parts.append("\n" if blank else "")
    return "".join(parts)


def render_docx(points: dict[str, list[str]], style: str, table: bool, path: Path) -> Path:
    """The same protocol as a Word file: numbered-list questions (``unmarked``: Word
    numbering, no marker in the text) or marked ones, statements as bullets or in a
    two-column table."""
    doc = Document()
    for line in ("FIKTIV: erzeugtes Testprotokoll", "Kurzprotokoll", "Workshop: Erzeugt"):
        doc.add_paragraph(line)
    for i, letter in enumerate(TEMPLATE, start=1):
        text = STYLES[style].format(
            letter=letter,
            upper=letter.upper(),
            number=i,
            roman=ROMAN[i - 1],
            text=TEMPLATE[letter].text,
        )
        text = text.removeprefix("## ").replace("**", "")
        statements = points.get(letter, [])
        if table:
            grid = doc.add_table(rows=1, cols=2)
            grid.cell(0, 0).text = text
            if statements:
                grid.cell(0, 1).text = statements[0]
                for s in statements[1:]:
                    grid.cell(0, 1).add_paragraph(s)
            continue
        doc.add_paragraph(text, style="List Number" if style == "unmarked" else None)
        for s in statements:
            doc.add_paragraph(s, style="List Bullet")
    doc.save(str(path))
    return path


_words = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll"), whitelist_characters="äöüß"),
    min_size=2,
    max_size=12,
)
_statement = st.lists(_words, min_size=1, max_size=6).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    points=st.dictionaries(st.sampled_from(list(TEMPLATE)), st.lists(_statement, max_size=4)),
    style=st.sampled_from(list(STYLES)),
    bullet=st.sampled_from(BULLETS),
    metadata=st.booleans(),
    blank=st.booleans(),
)
def test_generated_protocol_round_trips_in_every_style(
    points: dict[str, list[str]], style: str, bullet: str, metadata: bool, blank: bool
) -> None:
    p = parse_text(render_text(points, style, bullet, metadata, blank), "generated.md")
    assert p.title == "Erzeugt"
    assert [q.letter for q in p.questions] == list(TEMPLATE)
    assert {q.letter: [s.text for s in q.statements] for q in p.questions} == {
        x: points.get(x, []) for x in TEMPLATE
    }
    assert dict(p.metadata) == ({"Datum": "1. Juni 2025", "Ort": "Testhausen"} if metadata else {})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    points=st.dictionaries(st.sampled_from(list(TEMPLATE)), st.lists(_statement, max_size=3)),
    style=st.sampled_from(["a.", "a)", "A:", "1)", "Frage 1:", "I.", "unmarked"]),
    table=st.booleans(),
)
def test_generated_docx_round_trips(
    tmp_path_factory: pytest.TempPathFactory,
    points: dict[str, list[str]],
    style: str,
    table: bool,
) -> None:
    path = render_docx(points, style, table, tmp_path_factory.mktemp("docx") / "g.docx")
    p = parse_protocol(path)
    assert p.title == "Erzeugt"
    assert [q.letter for q in p.questions] == list(TEMPLATE)
    assert {q.letter: [s.text for s in q.statements] for q in p.questions} == {
        x: points.get(x, []) for x in TEMPLATE
    }


def test_docx_line_breaks_tabs_and_tracked_insertions(tmp_path: Path) -> None:
    """A manual line break splits a Word paragraph into lines (title and date apart), a
    tab reads as a space, and text in a tracked insertion (w:ins) is read."""
    from docx.enum.text import WD_BREAK
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = Document()
    title = doc.add_paragraph("Workshop: Umbruch")
    title.add_run().add_break()
    title.add_run("Datum: 2. Mai 2025")
    doc.add_paragraph(f"a) {TEMPLATE['a'].text}")
    page = doc.add_paragraph("Vor dem Seitenumbruch")
    page.add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("Mit\tTab", style="List Bullet")
    tracked = doc.add_paragraph("Eingefügt: ")
    tracked._p.append(
        parse_xml(
            f'<w:ins {nsdecls("w")} w:id="1" w:author="x"><w:r><w:t>neuer Text</w:t></w:r></w:ins>'
        )
    )
    path = tmp_path / "breaks.docx"
    doc.save(str(path))
    p = parse_protocol(path)
    assert (p.title, p.metadata) == ("Umbruch", (("Datum", "2. Mai 2025"),))
    assert [s.text for s in p.questions[0].statements] == [
        "Vor dem Seitenumbruch",
        "Mit Tab",
        "Eingefügt: neuer Text",
    ]


def test_text_protocol_beyond_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "gross.txt"
    path.write_text("Kurzprotokoll\n" + "x" * 20_000, encoding="utf-8")
    monkeypatch.setenv("ANALYSIS_MAX_TEXT_MB", "0.01")  # 10 kB
    with pytest.raises(InputError, match="ANALYSIS_MAX_TEXT_MB") as err:
        parse_protocol(path)
    assert "gross.txt" in str(err.value)
