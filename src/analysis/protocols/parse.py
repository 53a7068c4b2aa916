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

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

import pandas as pd

from analysis.errors import InputError, Problem

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
        raise InputError("binary file, not a text protocol (contains NUL bytes)", file=file)
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
        control = len(_CONTROL.findall(text))
        if control > max(2, len(text) // 100):
            raise InputError("binary file, not a text protocol (control characters)", file=file)
        return text, encoding
    raise InputError("cannot decode file as text", file=file)  # pragma: no cover


def _docx_text(path: Path) -> str:
    """The paragraphs of a .docx as text lines; list paragraphs become ``- `` bullets."""
    from docx import Document

    from analysis.readers import check_zip

    check_zip(path)  # size, unpacked size and compression ratio before unpacking
    try:
        document = Document(str(path))
    except Exception as err:  # python-docx, zipfile and lxml raise many types
        raise InputError(
            f"not a readable .docx file ({type(err).__name__}: {err})", file=path
        ) from None
    # Style names looked up once per document (python-docx's per-paragraph lookup is
    # slow); Word stores built-in names in English even when the ids are localised.
    list_ids = {s.style_id for s in document.styles if s.name and s.name.startswith("List")}
    lines: list[str] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        p_pr = para._p.pPr
        numbered = p_pr is not None and p_pr.numPr is not None
        if para._p.style in list_ids or numbered:
            text = f"- {text}"
        lines.append(text)
        lines.append("")
    return "\n".join(lines)


def read_text(path: Path) -> tuple[str, str]:
    """The text of a protocol file and the encoding it was read with."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"unsupported file type '{suffix}'; protocols are .txt, .md or .docx", file=path
        )
    if suffix == ".docx":
        return _docx_text(path), "docx"
    return decode(path.read_bytes(), path)


# --------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------

_BOLD = re.compile(r"\*\*|__")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_BULLET = re.compile(r"^\s*(?:[-•–—*·▪◦]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
_MARKER = re.compile(r"^\s*(?P<label>(?P<key>[a-zA-Z]|\d{1,2})[.)])\s+(?P<text>\S.*)$")
_ABBREVIATION = re.compile(r"^[A-Za-z]\.(?:\s|$)")
"""The rest of an abbreviation such as "z. B.", "d. h.", "u. a.": not a question marker."""
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


def _marker_index(key: str) -> tuple[str, int]:
    if key.isdigit():
        return "number", int(key)
    return "letter", ord(key.lower()) - ord("a") + 1


class _Line:
    """A cleaned line with its bullet and question-marker matches (computed once)."""

    __slots__ = ("bullet", "marker", "number", "text")

    def __init__(self, number: int, text: str) -> None:
        self.number = number
        self.text = text
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


def _title_fields(blocks: list[str], file: Path) -> dict[str, object]:
    series = kind = title = note = None
    organisations: list[str] = []
    rest: list[str] = []
    for text in blocks:
        folded = fold(text)
        if note is None and "fiktiv" in folded:
            note = text
        elif series is None and "veranstaltungsreihe" in folded:
            quoted = re.search(r"[„\"“](.+?)[“”\"]", text)
            series = (quoted.group(1) if quoted else text.split(":", 1)[-1]).strip()
        elif kind is None and "protokoll" in folded and len(text) < 60:
            kind = text.strip().rstrip(":")
        elif re.match(r"^(?:beteiligte |teilnehmende )?organisation(?:en)?\s*:", folded):
            names = text.split(":", 1)[1]
            organisations += [n.strip() for n in names.split(";") if n.strip()]
        elif title is None and folded.startswith("workshop"):
            title = re.sub(r"^workshop\s*[:–-]?\s*", "", text, flags=re.IGNORECASE).strip()
        else:
            rest.append(text)
    if title is None and rest:
        title = rest[0]
    if not title:
        raise InputError(
            "no workshop title: expected a line 'Workshop: …' before the first question",
            file=file,
            column="title",
        )
    return {
        "series": series,
        "kind": kind,
        "title": title,
        "note": note,
        "organisations": organisations,
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
            "file is empty: a protocol needs a title block and the questions a.–e.", file=path
        )
    header, drafts = _scan(_blocks(text))
    if not drafts:
        raise InputError(
            "no questions found: expected the template questions as lines such as "
            "'a. In welchem Handlungsfeld …?' (markers a./a)/1./1))",
            file=path,
            column="questions",
        )
    fields = _title_fields([" ".join(b) for b in header], path)
    questions = _match_template(drafts, path)
    organisations = list(fields["organisations"])  # type: ignore[arg-type]
    if not organisations:
        organisations = _organisation_from_answer(
            next((q for q in questions if q.letter == "a"), None)
        )
    return Protocol(
        id=pid,
        path=path,
        title=str(fields["title"]),
        questions=questions,
        series=fields["series"],  # type: ignore[arg-type]
        kind=fields["kind"],  # type: ignore[arg-type]
        organisations=tuple(organisations),
        fictional=fields["note"] is not None,
        note=fields["note"],  # type: ignore[arg-type]
        encoding=encoding,
    )


def _blocks(text: str) -> list[list[_Line]]:
    """The cleaned lines with their numbers, in blocks separated by blank lines."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    for number, raw in enumerate(raw_lines, start=1):
        cleaned = _clean(raw)
        if cleaned.strip():
            current.append(_Line(number, cleaned))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _scan(blocks: list[list[_Line]]) -> tuple[list[list[str]], list[_Draft]]:
    """The title block (lines before the first question, by block) and the questions, each
    with its statements."""
    header: list[list[str]] = []
    drafts: list[_Draft] = []
    style: str | None = None
    for block in blocks:
        i = 0
        header_block: list[str] = []
        while i < len(block):
            found = _question_at(block, i, drafts[-1].index if drafts else 0, style)
            if found is not None:
                draft, i, style = found
                drafts.append(draft)
                continue
            if not drafts:
                if not header_block:
                    header.append(header_block)
                header_block.append(block[i].text.strip())
                i += 1
                continue
            kind, statement, i = _statement_at(block, i)
            drafts[-1].items.append((kind, statement))
    return header, drafts


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
    mstyle, index = _marker_index(marker["key"])
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
        return _Draft(marker["label"], index, qtext, line.number), j, mstyle
    return None


def _statement_at(block: list[_Line], i: int) -> tuple[StatementKind, str, int]:
    """The statement starting at line ``i``: a bullet or a paragraph with its continuation
    lines up to the next bullet or question; its kind, text and the line after it."""
    bullet = block[i].bullet
    kind: StatementKind = "bullet" if bullet else "paragraph"
    parts = [bullet["text"].strip() if bullet else block[i].text.strip()]
    i += 1
    while i < len(block) and not block[i].bullet:
        m = block[i].marker
        if m and _looks_like_question(m["text"]):
            break
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
                f"question {d.label} matches no template question a–e by marker or wording",
                file=file,
                row=d.line,
                column="question",
                value=d.text,
            )
        if letter in taken:
            raise InputError(
                f"questions in lines {taken[letter]} and {d.line} both match template "
                f"question {letter}; each template question may appear once",
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

    Raises :class:`InputError` naming the file and what is missing for empty,
    binary or unreadable files and for files without questions.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("protocol file not found", file=path)
    text, encoding = read_text(path)
    return parse_text(text, path, encoding=encoding)


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
        raise InputError("protocol folder not found", file=folder)
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
        known = ", ".join(p.stem for p in protocol_files(folder)) or "none"
        raise InputError(
            f"no protocol with this id (file stem); known: {known}",
            file=folder,
            column="protocol_id",
            value=protocol_id,
        )
    if len(files) > 1:
        raise InputError(
            "two protocol files share this id; rename one",
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
    question c. The key depends only on the file's stem, the question's letter
    and the statement's place within that question, so statements added under
    other questions or at the end of a question leave every existing key as it was.
    """
    return f"{protocol_id}#{question}{position}"
