"""Workshop protocols (Kurzprotokolle) of the event series, turned into data.

A protocol of the series "Soziale Organisationen als Partner der Wohnungswirtschaft"
has a title block (series, "Kurzprotokoll", workshop title, optionally a fictional
marker and the organisations) followed by the series' template questions a.–e., each
with the participants' points as bullets and sometimes plain paragraphs.

:func:`parse_protocol` reads one file (.txt/.md in UTF-8, UTF-16 with BOM, cp1252 or
latin-1; .docx via python-docx) into a :class:`Protocol`; :func:`load_protocols`
reads a folder into one row per statement. Questions are matched to
:data:`TEMPLATE` by their marker (``a.``, ``a)``, ``1.``, ``1)``) and by wording, so
statements of different workshops compare question by question.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

import pandas as pd

from analysis.errors import InputError, Problem, Rule
from analysis.readers import check_size, check_zip

# --------------------------------------------------------------------------------------
# The series' template questions (the one place they are kept)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateQuestion:
    """One question of the series' template: full German wording and short labels."""

    letter: str
    text: str
    short_de: str
    short_en: str


TEMPLATE: dict[str, TemplateQuestion] = {
    q.letter: q
    for q in (
        TemplateQuestion(
            "a",
            "In welchem Handlungsfeld ist die soziale Organisation tätig und worin besteht "
            "die Kooperation mit der Wohnungswirtschaft?",
            "Handlungsfeld und Kooperation",
            "Field of action and cooperation",
        ),
        TemplateQuestion(
            "b",
            "Welcher Voraussetzungen bedarf es bei den sozialen Organisationen und der "
            "Wohnungswirtschaft, um eine Kooperation zur Sicherung von lebenswertem Wohnraum "
            "in strukturschwachen Gebieten zu realisieren?",
            "Voraussetzungen der Kooperation",
            "Preconditions of cooperation",
        ),
        TemplateQuestion(
            "c",
            "Welche Unterstützung benötigt die soziale Organisation in der Kooperation mit "
            "wohnungswirtschaftlichen Akteuren oder ggf. auch anderen Akteuren?",
            "Unterstützungsbedarf der Organisation",
            "Support the organisation needs",
        ),
        TemplateQuestion(
            "d",
            "Wie kann die Kooperation verbessert werden (generelle Empfehlungen, Maßnahmen, "
            "Instrumente etc.)?",
            "Empfehlungen zur Verbesserung",
            "Recommendations for improvement",
        ),
        TemplateQuestion(
            "e",
            "Gibt es weitere Themen und Vorschläge, die bei der Förderung der Kooperation "
            "vor Ort zwischen sozialer Organisation und der Wohnungswirtschaft beachtet "
            "werden sollten?",
            "Weitere Themen und Vorschläge",
            "Further topics and suggestions",
        ),
    )
}
"""Template questions a–e, worded as in the seed protocol (DORV-Zentrum Jülich)."""

SUFFIXES = (".txt", ".md", ".docx")
"""File types :func:`load_protocols` reads."""

MIN_SIMILARITY = 0.25
"""Dice similarity of distinctive word stems at or above which a question's wording
matches a template question. An assumption, set from the seed and the example
protocols: each template question scores 0 or at most 0.12 against the others and
1.0 against itself, close rewordings score 0.5–0.75; a question that rewords more
freely falls back to its marker (``b)`` → b).
"""

StatementKind = Literal["bullet", "paragraph"]


class Statement(NamedTuple):
    """One point under a question: its 1-based position and kind (bullet or paragraph)."""

    position: int
    kind: StatementKind
    text: str


@dataclass(frozen=True)
class Question:
    """A question as written in the protocol, matched to a template question.

    ``letter`` is the template letter (a–e), ``label`` the marker as written (``1)``),
    ``similarity`` the wording similarity to the matched template question.
    """

    letter: str
    label: str
    text: str
    statements: tuple[Statement, ...]
    similarity: float
    line: int


@dataclass(frozen=True)
class Protocol:
    """One workshop protocol: title block and questions in order."""

    id: str
    path: Path
    title: str
    questions: tuple[Question, ...]
    series: str | None = None
    kind: str | None = None
    organisations: tuple[str, ...] = ()
    fictional: bool = False
    note: str | None = None
    encoding: str = "utf-8"
    metadata: tuple[tuple[str, str], ...] = ()
    """Metadata lines of the title block as written (``("Datum", "3. März 2025")``,
    ``("Ort", …)``, ``("Moderation", …)``), in their order."""

    def question(self, letter: str) -> Question | None:
        """The question matched to template ``letter``, or None."""
        return next((q for q in self.questions if q.letter == letter), None)

    @property
    def n_statements(self) -> int:
        return sum(len(q.statements) for q in self.questions)


# --------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def decode(data: bytes, file: str | Path) -> tuple[str, str]:
    """Decode a text protocol; returns ``(text, encoding)``.

    UTF-8 (with or without BOM) and UTF-16 with BOM are tried strictly first, then
    cp1252 (Windows "ANSI", the usual alternative for German minutes), then latin-1.
    A file with NUL bytes or many control characters is refused as binary.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise InputError(
            Rule(
                de="Binärdatei, kein Textprotokoll (enthält NUL-Bytes)",
                en="binary file, not a text protocol (contains NUL bytes)",
            ),
            file=file,
        )
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
        control = len(_CONTROL.findall(text))
        if control > max(2, len(text) // 100):
            raise InputError(
                Rule(
                    de="Binärdatei, kein Textprotokoll (Steuerzeichen)",
                    en="binary file, not a text protocol (control characters)",
                ),
                file=file,
            )
        return text, encoding
    raise InputError(  # pragma: no cover
        Rule(de="die Datei lässt sich nicht als Text lesen", en="cannot decode file as text"),
        file=file,
    )


def _docx_text(path: Path) -> str:
    """The paragraphs of a .docx as text lines; list paragraphs become ``- `` bullets."""
    from docx import Document

    check_zip(path)  # size, unpacked size and compression ratio before unpacking
    try:
        document = Document(str(path))
    except Exception as err:  # python-docx, zipfile and lxml raise many types
        cause = f"{type(err).__name__}: {err}"
        raise InputError(
            Rule(
                de=f"keine lesbare .docx-Datei ({cause})", en=f"not a readable .docx file ({cause})"
            ),
            file=path,
        ) from None
    return "\n".join(_docx_lines(document))


_TABLE_HEADER_WORDS = frozenset(
    # folded (see :func:`fold`): column names of a table of points, not points
    [
        "frage",
        "fragen",
        "aussage",
        "aussagen",
        "antwort",
        "antworten",
        "ergebnis",
        "ergebnisse",
        "stichpunkt",
        "stichpunkte",
        "punkt",
        "punkte",
        "thema",
        "themen",
        "nr",
        "anmerkung",
        "anmerkungen",
        "kommentar",
        "kommentare",
        "beitrag",
        "beitrage",
        "diskussion",
        "question",
        "questions",
        "statement",
        "statements",
        "answer",
        "answers",
    ]
)


def _is_table_header(cells: list[str]) -> bool:
    """A row of column names ("Frage | Aussagen"), skipped when reading a table."""
    return any(cells) and all(not c or fold(c).strip(" :.") in _TABLE_HEADER_WORDS for c in cells)


def _docx_paragraph_text(p: Any) -> str:
    """The text of a Word paragraph (``w:p``): its text runs, also inside hyperlinks and
    tracked insertions; a line break as a new line, a tab as a space; deleted text and
    tab-stop definitions left out."""
    from docx.oxml.ns import qn

    t_tag, br_tag, cr_tag, tab_tag = qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab")
    tabs_tag = qn("w:tabs")
    parts: list[str] = []
    for el in p.iter(t_tag, br_tag, cr_tag, tab_tag):
        if el.tag == t_tag:
            parts.append(el.text or "")
        elif el.tag == tab_tag:
            if el.getparent().tag != tabs_tag:
                parts.append(" ")
        elif el.get(qn("w:type")) in (None, "textWrapping"):
            parts.append("\n")
    return "".join(parts)


def _docx_lines(document: object) -> list[str]:
    """The body of a .docx in reading order as text lines, each paragraph followed by a
    blank line: paragraphs, and the paragraphs of every table cell (row by row, a merged
    cell once, nested tables included; a first row of column names such as "Frage |
    Aussagen" is skipped). List or numbered paragraphs become ``- `` bullets, except a
    numbered paragraph that reads like a template question (Word numbering "a." is not
    part of the text): it stays a line of its own and is matched as a question without
    marker."""
    from docx.oxml.ns import qn

    doc: Any = document
    # Style names looked up once per document (python-docx's per-paragraph lookup is
    # slow); Word stores built-in names in English even when the ids are localised.
    list_ids = {s.style_id for s in doc.styles if s.name and s.name.startswith("List")}
    lines: list[str] = []
    p_tag, tbl_tag = qn("w:p"), qn("w:tbl")

    def paragraph(p: Any) -> None:
        # line breaks make lines, never an empty one: blank lines separate paragraphs
        text = re.sub(r"\s*\n\s*", "\n", _docx_paragraph_text(p).strip())
        if not text:
            return
        p_pr = p.pPr
        numbered = p_pr is not None and p_pr.numPr is not None
        if (p.style in list_ids or numbered) and _unmarked_question(text) is None:
            text = f"- {text}"
        lines.append(text)
        lines.append("")

    def table(tbl: Any) -> None:
        seen: set[int] = set()
        for r, tr in enumerate(tbl.iter(qn("w:tr"))):
            if tr.getparent() is not tbl:
                continue  # a nested table's rows: read with its cell
            cells = [tc for tc in tr.iterchildren(qn("w:tc"))]
            texts = [
                " ".join(_docx_paragraph_text(p) for p in tc.iter(p_tag)).strip() for tc in cells
            ]
            if r == 0 and _is_table_header(texts):
                continue
            for tc in cells:
                if id(tc) in seen:
                    continue
                seen.add(id(tc))
                body(tc)

    def body(parent: Any) -> None:
        for child in parent.iterchildren():
            if child.tag == p_tag:
                paragraph(child)
            elif child.tag == tbl_tag:
                table(child)

    body(doc.element.body)
    return lines


def read_text(path: Path) -> tuple[str, str]:
    """The text of a protocol file and the encoding it was read with."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            Rule(
                de=f"Dateityp '{suffix}' wird nicht unterstützt; Protokolle sind .txt-, .md- "
                "oder .docx-Dateien",
                en=f"unsupported file type '{suffix}'; protocols are .txt, .md or .docx",
            ),
            file=path,
        )
    if suffix == ".docx":
        return _docx_text(path), "docx"
    check_size(path, "text")
    return decode(path.read_bytes(), path)


# --------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------

_BOLD = re.compile(r"\*\*|__")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_RULE = re.compile(r"^\s{0,3}([-*_=~])(?:\s*\1){2,}\s*$")
"""A Markdown rule (``---``, ``***``, ``___``, ``* * *``) or a Setext underline (``===``):
a separator, never a statement."""
_TABLE_ROW = re.compile(r"^\s*\|(?P<cells>.*)\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^[\s|:\-]+$")
_BULLET = re.compile(r"^\s*(?:[-•–—*·▪◦]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
_MARKER = re.compile(
    r"^\s*(?P<label>(?i:frage)\s*(?P<fkey>[a-zA-Z]|\d{1,2})\s*[.):]?"
    r"|(?P<key>II|III|IV|VI{1,3}|[a-zA-Z]|\d{1,2})(?:\.\)|[.):]))\s+(?P<text>\S.*)$"
)
"""Question markers: ``a.``, ``a)``, ``a.)``, ``A:``, ``1.``, ``1)``, ``1:``, ``Frage 1:``,
``Frage a)``, Roman ``I.``–``VIII.`` (after Markdown heading and bold marks are removed)."""
_ABBREVIATION = re.compile(r"^[A-Za-z]\.(?:\s|$)")
"""The rest of an abbreviation such as "z. B.", "d. h.", "u. a.": not a question marker."""
UNMARKED_SIMILARITY = 0.5
"""Wording similarity at or above which a line ending with "?" that has no marker is read
as a template question (a Word-numbered question, a heading, a forgotten "d."). An
assumption like :data:`MIN_SIMILARITY`: the template's own wording scores 1.0, close
rewordings 0.5–0.75. Between :data:`MIN_SIMILARITY` and this value the line is refused
with its line number rather than guessed."""
MAX_QUESTIONS = 10
"""Highest question marker read as a question (j. or 10.); the template has five."""
_WORD = re.compile(r"\w+")
_STOPWORDS = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "eines",
        "einem",
        "einen",
        "und",
        "oder",
        "in",
        "im",
        "an",
        "am",
        "auf",
        "zu",
        "zur",
        "zum",
        "mit",
        "von",
        "vom",
        "bei",
        "fur",
        "für",
        "um",
        "es",
        "ist",
        "sind",
        "sich",
        "wie",
        "was",
        "welche",
        "welcher",
        "welchen",
        "welches",
        "worin",
        "gibt",
        "auch",
        "ggf",
        "etc",
        "bzw",
        "dass",
        "da",
        "so",
        "nicht",
        "noch",
    ]
)
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case with umlauts and ß folded (``Räume`` → ``raume``), for matching."""
    return unicodedata.normalize("NFC", text).casefold().translate(_FOLD)


@functools.lru_cache(maxsize=4096)
def _stems(text: str) -> frozenset[str]:
    words = (w for w in _WORD.findall(fold(text)) if w not in _STOPWORDS and len(w) > 2)
    return frozenset(w[:5] for w in words)


_ALL_STEMS = [_stems(q.text) for q in TEMPLATE.values()]
SERIES_STEMS = frozenset(
    s for s in frozenset().union(*_ALL_STEMS) if sum(s in x for x in _ALL_STEMS) >= 3
)
"""Stems in three or more template questions (``sozia``, ``organ``, ``koope``, ``wohnu``):
shared by the whole series, so they say nothing about which question is meant."""
_TEMPLATE_STEMS = {letter: _stems(q.text) - SERIES_STEMS for letter, q in TEMPLATE.items()}


@functools.lru_cache(maxsize=8192)
def similarity(text: str, letter: str) -> float:
    """Dice coefficient of the word stems of ``text`` and template question ``letter``.

    Stems are the first five letters of each folded non-stop word, which absorbs
    German inflection (``Voraussetzung``/``Voraussetzungen``, ``verbessert``/
    ``verbessern``); stems common to the series (:data:`SERIES_STEMS`) are ignored.
    """
    a, b = _stems(text) - SERIES_STEMS, _TEMPLATE_STEMS[letter]
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8}


def _marker_index(key: str) -> tuple[str, int]:
    """Style and number of a marker: ``("number", 3)`` for ``3.``, ``("roman", 3)`` for
    ``III.``, ``("letter", 3)`` for ``c)``. Upper-case I and V count as Roman once a
    protocol's style is Roman (see :func:`_question_at`)."""
    if key.isdigit():
        return "number", int(key)
    if key in _ROMAN and len(key) > 1:
        return "roman", _ROMAN[key]
    return "letter", ord(key.lower()) - ord("a") + 1


class _Line:
    """A cleaned line with its bullet and question-marker matches (computed once);
    ``first`` is True for the first line of a block (after a blank line)."""

    __slots__ = ("bullet", "first", "marker", "number", "text")

    def __init__(self, number: int, text: str, first: bool = False) -> None:
        self.number = number
        self.text = text
        self.first = first
        self.bullet = _BULLET.match(text)
        self.marker = _MARKER.match(text)


@dataclass
class _Draft:
    label: str
    index: int
    text: str
    line: int
    items: list[tuple[StatementKind, str]] = field(default_factory=list)


def _clean(line: str) -> str:
    line = line.replace("\xa0", " ").replace("\t", " ")
    if "#" in line:
        line = _HEADING.sub("", line)
    if "**" in line or "__" in line:
        line = _BOLD.sub("", line)
    return line.rstrip()


def _looks_like_question(text: str) -> bool:
    text = text.strip()
    return text.endswith("?") or max(similarity(text, x) for x in TEMPLATE) >= MIN_SIMILARITY


def _unmarked_question(text: str, floor: float = MIN_SIMILARITY) -> tuple[str, float] | None:
    """The template letter and similarity of ``text`` if it reads like a template
    question without a marker: it ends with "?" and its wording scores at least
    ``floor`` (above 0 when ``floor`` is 0) against that question; else None."""
    text = text.strip()
    if not text.endswith("?"):
        return None
    sims = {x: similarity(text, x) for x in TEMPLATE}
    best = max(sims, key=lambda x: sims[x])
    return (best, sims[best]) if sims[best] >= floor and sims[best] > 0 else None


def _marker_key(marker: re.Match[str]) -> str:
    return marker["key"] or marker["fkey"]


# --------------------------------------------------------------------------------------
# The title block
# --------------------------------------------------------------------------------------

METADATA_KEYS = (
    "Datum",
    "Termin",
    "Zeit",
    "Uhrzeit",
    "Ort",
    "Moderation",
    "Moderator",
    "Moderatorin",
    "Leitung",
    "Protokoll",
    "Protokollführung",
    "Protokollant",
    "Protokollantin",
    "Teilnehmende",
    "Teilnehmer",
    "Teilnehmerinnen",
    "Referent",
    "Referentin",
    "Referierende",
    "Input",
    "Veranstalter",
    "Gäste",
)
"""Keys of metadata lines in the title block (``Datum: 3. März 2025``), kept as the
workshop's metadata, never glued into the title."""
_METADATA = re.compile(
    r"^(?P<key>"
    + "|".join(sorted(map(re.escape, METADATA_KEYS), key=len, reverse=True))
    + r")(?:\s*\([^)]*\))?\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_METADATA_SPLIT = re.compile(
    r"[,;|]\s*(?=(?:" + "|".join(map(re.escape, METADATA_KEYS)) + r")\s*:)", re.IGNORECASE
)
_ORGANISATIONS = re.compile(
    r"^(?:beteiligte |teilnehmende )?organisation(?:en)?\s*:", re.IGNORECASE
)
_MONTHS = "januar|februar|marz|märz|april|mai|juni|juli|august|september|oktober|november|dezember"
_DATE_LINE = re.compile(
    r"^(?:\w+,\s*)?(?:\w+,\s*)?\d{1,2}\.\s*(?:\d{1,2}\.|(?:" + _MONTHS + r"))\s*\d{2,4}\b",
    re.IGNORECASE,
)
"""A line that starts with a date (``3. März 2025``, ``Jülich, 03.03.2025``): metadata."""


def _field_of(text: str) -> tuple[str, str | None]:
    """What a title-block line is: ``note``, ``series``, ``meta`` (with its key),
    ``organisations``, ``kind``, ``title`` or ``other``."""
    folded = fold(text)
    if re.match(r"workshop(?![^\W\d_])", folded) or (
        re.search(r"\bworkshop\s*:", folded) and "veranstaltungsreihe" not in folded
    ):
        return "title", None  # "Workshop: …", also "Kurzprotokoll zum Workshop: …"
    m = _METADATA.match(text)
    if m:
        return "meta", m["key"]
    if _ORGANISATIONS.match(text):
        return "organisations", None
    if "fiktiv" in folded:
        return "note", None
    if "veranstaltungsreihe" in folded:
        return "series", None
    if "protokoll" in folded and len(text) < 60:
        return "kind", None
    if _DATE_LINE.match(text):
        return "meta", "Datum"
    return "other", None


def _open_quote(text: str) -> bool:
    return text.count("„") + text.count("“") + text.count('"') + text.count("”") == 1


def _title_fields(lines: list[_Line], file: Path, first_question: int) -> dict[str, Any]:
    """Series, kind, title, fictional note, organisations and metadata of the title block.

    Lines are read one by one, so a title block without blank lines between its lines
    works; a line continues the previous one (a wrapped title, series name or note)
    only within the same block and when it is of no field of its own."""
    parts: list[tuple[str, str | None, list[str]]] = []  # (field, key, texts)
    for line in lines:
        text = line.text.strip()
        kind, key = _field_of(text)
        if parts and not line.first and kind in ("other", "note"):
            prev_kind, _prev_key, texts = parts[-1]
            joined = " ".join(texts)
            listing = prev_kind in ("meta", "organisations") and joined.endswith((",", ";"))
            if listing or (
                kind == "other"
                and (
                    prev_kind in ("title", "note", "other")
                    or (prev_kind == "series" and (_open_quote(joined) or joined.endswith(":")))
                )
            ):
                texts.append(text)
                continue
        parts.append((kind, key, [text]))
    series = kind_text = title = note = None
    organisations: list[str] = []
    metadata: list[tuple[str, str]] = []
    rest: list[str] = []
    for field_kind, key, texts in parts:
        text = " ".join(texts)
        if field_kind == "note" and note is None:
            note = text
        elif field_kind == "series" and series is None:
            quoted = re.search(r"[„\"“](.+?)[“”\"]", text)
            series = (quoted.group(1) if quoted else text.split(":", 1)[-1]).strip()
        elif field_kind == "meta":
            # "Datum: 7. Juli 2025, Ort: Testhausen" holds two fields
            for piece in _METADATA_SPLIT.split(text):
                m = _METADATA.match(piece)
                value = m["value"].strip() if m else piece.strip()
                metadata.append((m["key"].strip() if m else str(key), value))
        elif field_kind == "organisations":
            names = text.split(":", 1)[1]
            organisations += [n.strip() for n in names.split(";") if n.strip()]
        elif field_kind == "kind" and kind_text is None:
            kind_text = text.rstrip(":")
        elif field_kind == "title" and title is None:
            title = re.sub(
                r"^(?:.*?\bworkshop\s*:|workshop\s*[:–-]?)\s*", "", text, flags=re.IGNORECASE
            ).strip()
        elif field_kind == "other":
            rest.append(text)
    if not title and rest:
        title = rest[0]
    if not title:
        raise InputError(
            Rule(
                de="kein Workshop-Titel: erwartet wird eine Zeile 'Workshop: …' vor der ersten "
                "Leitfrage",
                en="no workshop title: expected a line 'Workshop: …' before the first question",
            ),
            file=file,
            row=first_question,
            column="title",
        )
    return {
        "series": series,
        "kind": kind_text,
        "title": title,
        "note": note,
        "organisations": organisations,
        "metadata": tuple(metadata),
    }


_ORGANISATION_SUBJECT = re.compile(
    r"^(?:Das|Die|Der)\s+(?P<name>.{3,140}?)\s+(?:ist|sind|arbeitet|arbeiten|bietet|betreibt)\s"
)


def _organisation_from_answer(question: Question | None) -> list[str]:
    """Heuristic: the subject of the first paragraph answering question a (who acts)."""
    if question is None:
        return []
    for st in question.statements:
        if st.kind == "paragraph":
            m = _ORGANISATION_SUBJECT.match(st.text)
            return [m.group("name")] if m else []
    return []


def parse_text(
    text: str, file: str | Path, protocol_id: str | None = None, encoding: str = "utf-8"
) -> Protocol:
    """Parse the text of a protocol (see :func:`parse_protocol`)."""
    path = Path(file)
    pid = protocol_id or path.stem
    if not text.strip():
        raise InputError(
            Rule(
                de="die Datei ist leer: ein Protokoll braucht einen Titelblock und die "
                "Leitfragen a.–e.",
                en="file is empty: a protocol needs a title block and the questions a.–e.",
            ),
            file=path,
        )
    header, drafts = _scan(_blocks(text), path)
    if not drafts:
        raise InputError(
            Rule(
                de="keine Leitfragen gefunden: erwartet werden die Leitfragen der Vorlage als "
                "Zeilen wie 'a. In welchem Handlungsfeld …?' (Marker a./a)/A:/1./1)/Frage 1:)",
                en="no questions found: expected the template questions as lines such as "
                "'a. In welchem Handlungsfeld …?' (markers a./a)/A:/1./1)/Frage 1:)",
            ),
            file=path,
            column="questions",
        )
    fields = _title_fields(header, path, drafts[0].line)
    questions = _match_template(drafts, path)
    organisations = list(fields["organisations"])
    if not organisations:
        organisations = _organisation_from_answer(
            next((q for q in questions if q.letter == "a"), None)
        )
    return Protocol(
        id=pid,
        path=path,
        title=str(fields["title"]),
        questions=questions,
        series=fields["series"],
        kind=fields["kind"],
        organisations=tuple(organisations),
        fictional=fields["note"] is not None,
        note=fields["note"],
        encoding=encoding,
        metadata=fields["metadata"],
    )


def _table_cells(line: str) -> list[str] | None:
    """The cells of a Markdown table row (``| a | b |``), [] for its separator row
    (``|---|---|``), None if ``line`` is no table row."""
    m = _TABLE_ROW.match(line)
    if not m:
        return None
    if _TABLE_SEPARATOR.match(line):
        return []
    return [c.strip() for c in m["cells"].split("|")]


def _blocks(text: str) -> list[list[_Line]]:
    """The cleaned lines with their numbers, in blocks separated by blank lines.

    Markdown rules (``---``) separate blocks like a blank line; each cell of a
    Markdown table row is a block of its own (a first row of column names and the
    separator row are skipped)."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    table_row = 0
    for number, raw in enumerate(raw_lines, start=1):
        if "|" in raw and (cells := _table_cells(raw)) is not None:
            if current:
                blocks.append(current)
                current = []
            table_row += 1
            if table_row == 1 and _is_table_header([_clean(c).strip() for c in cells]):
                continue
            for cell in cells:
                cleaned = _clean(cell)
                if cleaned.strip():
                    blocks.append([_Line(number, cleaned.strip(), first=True)])
            continue
        table_row = 0
        cleaned = "" if _RULE.match(raw) else _clean(raw)
        if cleaned.strip():
            current.append(_Line(number, cleaned, first=not current))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _scan(blocks: list[list[_Line]], file: Path) -> tuple[list[_Line], list[_Draft]]:
    """The title block (lines before the first question) and the questions, each
    with its statements."""
    header: list[_Line] = []
    drafts: list[_Draft] = []
    style: str | None = None
    # Questions written with a marker: a line without marker that echoes one of them
    # is a statement, not the question itself.
    keys = [
        _marker_key(line.marker)
        for block in blocks
        for line in block
        if line.marker and _looks_like_question(line.marker["text"])
    ]
    roman = bool(keys) and (keys[0] == "I" or any(k in _ROMAN and len(k) > 1 for k in keys))
    marked = {_ROMAN[k] if roman and k in ("I", "V") else _marker_index(k)[1] for k in keys}
    for block in blocks:
        i = 0
        while i < len(block):
            previous = drafts[-1].index if drafts else 0
            found = _question_at(block, i, previous, style)
            if found is not None:
                draft, i, style = found
                drafts.append(draft)
                continue
            if block[i].bullet is None and block[i].marker is None:
                unmarked = _unmarked_at(block, i, previous, marked, file)
                if unmarked is not None:
                    draft, i = unmarked
                    drafts.append(draft)
                    continue
            if not drafts:
                header.append(block[i])
                i += 1
                continue
            kind, statement, i = _statement_at(block, i)
            drafts[-1].items.append((kind, statement))
    return header, drafts


def _unmarked_at(
    block: list[_Line], i: int, previous: int, marked: set[int], file: Path
) -> tuple[_Draft, int] | None:
    """A template question without marker starting at line ``i`` (a Word-numbered
    question, a heading, a forgotten "d."): the lines up to the one ending with "?"
    read like a template question not yet seen and after the ``previous`` one. Close
    wording (:data:`UNMARKED_SIMILARITY`) makes it a question; vaguer wording is refused
    naming the line, so a question is never silently read as a statement."""
    parts: list[str] = []
    j = i
    while j < len(block) and (j == i or (block[j].bullet is None and block[j].marker is None)):
        parts.append(block[j].text.strip())
        j += 1
        if parts[-1].endswith("?"):
            break
    text = " ".join(parts)
    found = _unmarked_question(text, floor=0.0)
    if found is None:
        return None
    letter, sim = found
    index = list(TEMPLATE).index(letter) + 1
    if index <= previous or index in marked:
        return None  # a statement that echoes a question asked (or to be asked) with marker
    if sim < MIN_SIMILARITY and not (marked and j < len(block) and block[j].bullet):
        # Faint likeness: a question only where the protocol marks its other questions,
        # this one is missing among them and bullets follow it (refused below).
        return None
    if sim < UNMARKED_SIMILARITY:
        short, start = TEMPLATE[letter].short_de, TEMPLATE[letter].text[:40]
        raise InputError(
            Rule(
                de=f"diese Zeile liest sich wie Leitfrage {letter} der Vorlage ('{short}'), hat "
                f"aber keinen Fragemarker; erwartet wird '{letter}. {start}…' (oder eine "
                "Aussage, die nicht mit '?' endet)",
                en=f"this line reads like template question {letter} ('{short}') but has no "
                f"question marker; expected '{letter}. {start}…' "
                "(or a statement not ending with '?')",
            ),
            file=file,
            row=block[i].number,
            column="question",
            value=text,
        )
    return _Draft("", index, text, block[i].number), j


def _question_at(
    block: list[_Line], i: int, previous: int, style: str | None
) -> tuple[_Draft, int, str] | None:
    """The question starting at line ``i`` of ``block``, the line after it and its marker
    style, or None. A question has a marker of the protocol's style (letters or numbers)
    numbered after the ``previous`` question, is no abbreviation ("z. B.") and reads like
    a question; its text runs on over the next lines until it ends with "?"."""
    line = block[i]
    marker = line.marker
    if not marker:
        return None
    mstyle, index = _marker_index(_marker_key(marker))
    key = _marker_key(marker)
    if key in ("I", "V") and (style == "roman" or (style is None and key == "I")):
        mstyle, index = "roman", _ROMAN[key]  # "I." opens, "V." continues Roman numbering
    qtext = marker["text"].strip()
    j = i + 1
    # A question wrapped over several lines: join until it ends with "?".
    while (
        not qtext.endswith("?") and j < len(block) and not block[j].bullet and not block[j].marker
    ):
        qtext = f"{qtext} {block[j].text.strip()}"
        j += 1
    if (
        (style is None or mstyle == style)
        and previous < index <= MAX_QUESTIONS
        and not _ABBREVIATION.match(qtext)
        and _looks_like_question(qtext)
    ):
        return _Draft(marker["label"].strip(), index, qtext, line.number), j, mstyle
    return None


def _statement_at(block: list[_Line], i: int) -> tuple[StatementKind, str, int]:
    """The statement starting at line ``i``: a bullet or a paragraph with its continuation
    lines up to the next bullet or question (marked, or a line reading like a template
    question); its kind, text and the line after it."""
    bullet = block[i].bullet
    kind: StatementKind = "bullet" if bullet else "paragraph"
    parts = [bullet["text"].strip() if bullet else block[i].text.strip()]
    i += 1
    while i < len(block) and not block[i].bullet:
        m = block[i].marker
        if m and _looks_like_question(m["text"]):
            break
        if m is None and _unmarked_question(block[i].text) is not None:
            break
        if (
            m is None
            and i + 1 < len(block)
            and block[i + 1].bullet
            and _unmarked_question(block[i].text, floor=0.0) is not None
        ):
            break  # a line like a question, bullets below it: checked as a question
        parts.append(block[i].text.strip())
        i += 1
    return kind, " ".join(parts), i


def _match_template(drafts: list[_Draft], file: Path) -> tuple[Question, ...]:
    """Match each drafted question to a template letter by marker and wording."""
    letters = list(TEMPLATE)
    out: list[Question] = []
    taken: dict[str, int] = {}
    for d in drafts:
        sims = {x: similarity(d.text, x) for x in letters}
        by_marker = letters[d.index - 1] if d.index <= len(letters) else None
        best = max(sims, key=lambda x: sims[x])
        if by_marker is not None and sims[by_marker] >= MIN_SIMILARITY:
            letter = by_marker
        elif sims[best] >= MIN_SIMILARITY:
            letter = best
        elif by_marker is not None:
            letter = by_marker
        else:
            raise InputError(
                Rule(
                    de=f"Leitfrage {d.label} passt weder nach Marker noch nach Wortlaut zu einer "
                    "Leitfrage a–e der Vorlage",
                    en=f"question {d.label} matches no template question a–e by marker or wording",
                ),
                file=file,
                row=d.line,
                column="question",
                value=d.text,
            )
        if letter in taken:
            raise InputError(
                Rule(
                    de=f"die Leitfragen in Zeile {taken[letter]} und {d.line} passen beide zu "
                    f"Leitfrage {letter} der Vorlage; jede Leitfrage der Vorlage darf nur einmal "
                    "vorkommen",
                    en=f"questions in lines {taken[letter]} and {d.line} both match template "
                    f"question {letter}; each template question may appear once",
                ),
                file=file,
                row=d.line,
                column="question",
                value=d.text,
            )
        taken[letter] = d.line
        statements = tuple(
            Statement(position=k, kind=kind, text=t) for k, (kind, t) in enumerate(d.items, start=1)
        )
        out.append(Question(letter, d.label, d.text, statements, round(sims[letter], 3), d.line))
    return tuple(out)


def parse_protocol(path: str | Path) -> Protocol:
    """Read and parse one protocol file; the protocol id is the file stem.

    Raises :class:`InputError` naming the file, the line (in a .docx: the paragraph,
    counting the non-empty paragraphs of the body and of table cells in reading
    order) and what was expected, for empty, binary or unreadable files, files without
    title or questions, and questions that cannot be placed in the template.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            Rule(de="Protokolldatei nicht gefunden", en="protocol file not found"), file=path
        )
    text, encoding = read_text(path)
    if encoding != "docx":
        return parse_text(text, path, encoding=encoding)
    try:
        return parse_text(text, path, encoding=encoding)
    except InputError as err:
        # In the text of a .docx a blank line ends each paragraph: name the paragraph.
        lines = text.split("\n")

        def paragraph(row: int) -> Rule:
            n = 1 + sum(not x.strip() for x in lines[: row - 1])
            return Rule(de=f"Absatz {n}", en=f"paragraph {n}")

        raise InputError(
            problems=[
                dataclasses.replace(p, row=paragraph(p.row)) if isinstance(p.row, int) else p
                for p in err.problems
            ]
        ) from None


# --------------------------------------------------------------------------------------
# Folders
# --------------------------------------------------------------------------------------

COLUMNS = (
    "protocol_id",
    "workshop",
    "fictional",
    "question",
    "question_label",
    "question_text",
    "position",
    "kind",
    "text",
)
"""Columns of :func:`load_protocols`: one row per statement."""


@dataclass
class ProtocolSet:
    """The protocols read from a folder, and the problems of the files that failed."""

    protocols: list[Protocol]
    problems: list[Problem]


def protocol_files(folder: str | Path) -> list[Path]:
    """Protocol files in ``folder`` (.txt, .md, .docx), sorted; skips hidden, README, ~$."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            Rule(de="Protokollordner nicht gefunden", en="protocol folder not found"), file=folder
        )
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not p.name.startswith((".", "~$"))
        and p.name.lower() != "readme.md"
    )


def find_protocol(folder: str | Path, protocol_id: str) -> Path:
    """The file of protocol ``protocol_id`` (its file stem) in ``folder``."""
    from analysis.paths import check_file_id

    check_file_id(protocol_id, "protocol_id", file=folder)  # it names the report's files
    files = [p for p in protocol_files(folder) if p.stem == protocol_id]
    if not files:
        known = ", ".join(p.stem for p in protocol_files(folder))
        raise InputError(
            Rule(
                de=f"kein Protokoll mit dieser ID (Dateiname ohne Endung); vorhanden: "
                f"{known or 'keine'}",
                en=f"no protocol with this id (file stem); known: {known or 'none'}",
            ),
            file=folder,
            column="protocol_id",
            value=protocol_id,
        )
    if len(files) > 1:
        raise InputError(
            Rule(
                de="zwei Protokolldateien haben diese ID; benennen Sie eine davon um",
                en="two protocol files share this id; rename one",
            ),
            file=folder,
            column="protocol_id",
            value=[p.name for p in files],
        )
    return files[0]


def read_protocols(
    folder: str | Path, errors: Literal["raise", "collect"] = "raise"
) -> ProtocolSet:
    """Parse every protocol file of ``folder``.

    ``errors="raise"`` stops at the first bad file; ``"collect"`` parses the good ones
    and returns the problems of every bad one.
    """
    if errors not in ("raise", "collect"):
        raise ValueError("errors must be 'raise' or 'collect'")
    protocols: list[Protocol] = []
    problems: list[Problem] = []
    for path in protocol_files(folder):
        try:
            protocols.append(parse_protocol(path))
        except InputError as err:
            if errors == "raise":
                raise
            problems += err.problems
    return ProtocolSet(protocols, problems)


def to_frame(protocols: Iterable[Protocol]) -> pd.DataFrame:
    """One row per statement (see :data:`COLUMNS`)."""
    rows = [
        (p.id, p.title, p.fictional, q.letter, q.label, q.text, s.position, s.kind, s.text)
        for p in protocols
        for q in p.questions
        for s in q.statements
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype({"position": "int64", "fictional": "bool"})


def load_protocols(
    folder: str | Path, errors: Literal["raise", "collect"] = "raise"
) -> pd.DataFrame:
    """Every statement of every protocol in ``folder``, one row each.

    With ``errors="collect"`` the problems of bad files are in
    ``frame.attrs["problems"]`` (a list of :class:`~analysis.errors.Problem`).
    """
    found = read_protocols(folder, errors)
    frame = to_frame(found.protocols)
    frame.attrs["problems"] = found.problems
    return frame


def statement_id(protocol_id: str, question: str, position: int) -> str:
    """Stable key of a statement: ``<protocol id>#<question letter><position>``.

    E.g. ``dorv_juelich_strukturschwache_gebiete#c2``: the second statement under
    question c. The key depends only on the file's stem, the question's template
    letter (not its marker as written: ``3)``, ``c.``, ``Frage 3:`` and an unmarked
    question all give ``c``) and the statement's place within that question. So it
    stays the same when the file is re-saved in another format (.txt → .docx, same
    stem), re-encoded, re-wrapped, re-marked or given a title block with metadata, and
    when statements are added under other questions or at the end of a question. It
    changes when a statement is inserted or removed before it in the same question, or
    the file is renamed: :func:`analysis.protocols.coding.read_coding_sheets` therefore
    compares each sheet row's text with the protocol's and refuses a sheet whose ids
    now name other statements, rather than moving codes to the wrong statement.
    """
    return f"{protocol_id}#{question}{position}"
