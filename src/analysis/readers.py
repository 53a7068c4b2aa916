"""Reading raw text, YAML, CSV and DOCX files with errors a user can act on.

Every loader reads its file through :func:`read_text`, :func:`read_yaml` or
:func:`read_csv_table`, so a missing file, a file not saved as UTF-8 (with the line of
the first bad byte), broken YAML (with its line) and an oversized file are reported the
same way everywhere, as the project's :class:`~analysis.errors.InputError` (or a
subclass such as ``ManifestError``).

Guards against inputs that would hang or exhaust a run:

* **size limits** per kind of input (:data:`DEFAULT_LIMITS_MB`), checked from the file
  system before a byte is read; each can be raised with an environment variable
  ``ANALYSIS_MAX_<KIND>_MB`` (e.g. ``ANALYSIS_MAX_YAML_MB=20``), see :func:`limit`;
* **DOCX/ZIP bombs**: :func:`check_zip` reads a workbook's or Word file's zip directory
  and refuses a total uncompressed size or compression ratio beyond the limits before
  anything is unpacked;
* **YAML alias bombs**: aliases (``&a``/``*a``, which ``yaml.dump`` writes for shared
  values) are fine, but not recursive ones, nor ones that expand a document by more than
  :data:`MAX_YAML_EXPANSION` values (nested aliases grow exponentially, "billion laughs");
* **duplicate YAML keys** are refused (YAML would keep the last one silently).

YAML is parsed by libyaml when PyYAML has it (about six times faster than the pure-Python
parser, and it refuses nesting deeper than 1000 levels instead of overflowing the
stack). The YAML reader remembers the line of every key and list entry per file, so a
validation error can say where in the file it is (:func:`yaml_line`).
"""

from __future__ import annotations

import csv
import os
import re
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.errors import InputError, Rule, shorten

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# --------------------------------------------------------------------------------------
# Size limits
# --------------------------------------------------------------------------------------

DEFAULT_LIMITS_MB: dict[str, float] = {
    "yaml": 5,  # centre files, codebooks, catalogue, manifest (largest shipped: 0.03 MB)
    "csv": 100,  # panels, units, survey answers (largest shipped: 0.14 MB)
    "text": 10,  # read_text's default (plain-text protocols once their reader uses it)
    "docx": 20,  # a Word file as stored (compressed)
    "docx_unzipped": 200,  # a Word/Excel file's total uncompressed size
    "xlsx": 50,  # a workbook as stored, for check_zip(path, "xlsx") before openpyxl
}
"""Largest accepted input per kind, in MB (10⁶ bytes). ``ANALYSIS_MAX_<KIND>_MB``
overrides one (``ANALYSIS_MAX_DOCX_UNZIPPED_MB=500``)."""

DEFAULT_MAX_ZIP_RATIO = 100.0
"""Largest accepted ratio of uncompressed to compressed size of a DOCX/XLSX member
(a Word document compresses about 3–10×; zip bombs 1000× and more).
``ANALYSIS_MAX_ZIP_RATIO`` overrides it."""

_ENV_HINT = "ANALYSIS_MAX_{}_MB"


def limit(kind: str) -> int:
    """The size limit of ``kind`` in bytes (from :data:`DEFAULT_LIMITS_MB` or the
    environment variable ``ANALYSIS_MAX_<KIND>_MB``)."""
    name = _ENV_HINT.format(kind.upper())
    text = os.environ.get(name, "").strip()
    if text:
        try:
            mb = float(text)
        except ValueError:
            raise InputError(
                Rule(
                    de=f"die Umgebungsvariable {name} muss eine Zahl von Megabytes sein",
                    en=f"environment variable {name} must be a number of megabytes",
                ),
                value=text,
            ) from None
        if not mb > 0:
            raise InputError(
                Rule(
                    de=f"die Umgebungsvariable {name} muss größer als 0 sein",
                    en=f"environment variable {name} must be above 0",
                ),
                value=text,
            )
    else:
        mb = DEFAULT_LIMITS_MB[kind]
    return int(mb * 1_000_000)


def max_zip_ratio() -> float:
    """The compression-ratio limit of zip containers (see :data:`DEFAULT_MAX_ZIP_RATIO`)."""
    text = os.environ.get("ANALYSIS_MAX_ZIP_RATIO", "").strip()
    try:
        return float(text) if text else DEFAULT_MAX_ZIP_RATIO
    except ValueError:
        raise InputError(
            Rule(
                de="die Umgebungsvariable ANALYSIS_MAX_ZIP_RATIO muss eine Zahl sein",
                en="environment variable ANALYSIS_MAX_ZIP_RATIO must be a number",
            ),
            value=text,
        ) from None


def _mb(n: float) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.1f} kB"


def _mb_de(n: float) -> str:
    """:func:`_mb` with a decimal comma (``1,5 MB``)."""
    return _mb(n).replace(".", ",")


FILE = Rule(de="Datei", en="file")
"""The default name of a file in messages ("file not found"); callers name theirs."""
SAVE_AS_UTF8 = Rule(de="speichern Sie die Datei als UTF-8", en="save the file as UTF-8")
SAVE_AS_CSV_UTF8 = Rule(de="speichern Sie die Datei als CSV UTF-8", en="save the file as CSV UTF-8")
"""Hints on how to fix a file whose bytes are not UTF-8."""


def check_size(
    path: str | Path,
    kind: str,
    *,
    file: str | Path | None = None,
    what: Rule = FILE,
    error: type[InputError] = InputError,
) -> None:
    """Refuse ``path`` if it is larger than the limit of ``kind`` (a missing file passes:
    the reader reports it)."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return
    cap = limit(kind)
    if size > cap:
        env, name = _ENV_HINT.format(kind.upper()), what
        raise error(
            Rule(
                de=f"{name.de} ist zu groß ({_mb_de(size)}; die Grenze für {kind}-Eingaben ist "
                f"{_mb_de(cap)}); ist die Datei richtig, heben Sie die Grenze mit der "
                f"Umgebungsvariable {env} an",
                en=f"{name.en} is too large ({_mb(size)}; the limit for {kind} inputs is "
                f"{_mb(cap)}); raise it with the environment variable {env} "
                "if the file is right",
            ),
            file=file if file is not None else path,
        )


def check_zip(
    path: str | Path,
    kind: str = "docx",
    *,
    file: str | Path | None = None,
    error: type[InputError] = InputError,
) -> None:
    """Refuse a DOCX/XLSX whose stored size, total uncompressed size or compression ratio
    (per member, from the zip directory; nothing is unpacked) is beyond the limits."""
    name = file if file is not None else path
    check_size(path, kind, file=name, error=error)
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except FileNotFoundError:
        raise error(Rule(de="Datei nicht gefunden", en="file not found"), file=name) from None
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        rule = Rule(
            de=f"keine lesbare .{kind}-Datei (kein ZIP-Container: {err})",
            en=f"not a readable .{kind} file (not a zip container: {err})",
        )
        raise error(rule, file=name) from None
    total = sum(m.file_size for m in members)
    cap = limit("docx_unzipped")
    if total > cap:
        raise error(
            Rule(
                de=f"entpackt {_mb_de(total)}, mehr als die Grenze von {_mb_de(cap)} "
                "(eine ZIP-Bombe?); ist die Datei richtig, heben Sie die Grenze mit "
                "ANALYSIS_MAX_DOCX_UNZIPPED_MB an",
                en=f"unpacks to {_mb(total)}, more than the limit of {_mb(cap)} (a zip bomb?); "
                "raise it with ANALYSIS_MAX_DOCX_UNZIPPED_MB if the file is right",
            ),
            file=name,
        )
    ratio_cap = max_zip_ratio()
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > 1_000_000 and ratio > ratio_cap:
            member = m.filename[:80]
            raise error(
                Rule(
                    de=f"der Bestandteil '{member}' ist im Verhältnis {ratio:.0f}:1 komprimiert, "
                    f"stärker als {ratio_cap:.0f}:1 (eine ZIP-Bombe?); ist die Datei richtig, "
                    "heben Sie ANALYSIS_MAX_ZIP_RATIO an",
                    en=f"member '{member}' is compressed {ratio:.0f}:1, "
                    f"more than {ratio_cap:.0f}:1 (a zip bomb?); raise ANALYSIS_MAX_ZIP_RATIO "
                    "if the file is right",
                ),
                file=name,
            )


# --------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------


def read_text(
    path: str | Path,
    *,
    encoding: str = "utf-8",
    file: str | Path | None = None,
    what: Rule = FILE,
    hint: Rule = SAVE_AS_UTF8,
    error: type[InputError] = InputError,
    kind: str = "text",
) -> str:
    """The text of ``path``; ``encoding="utf-8-sig"`` also accepts a byte-order mark.

    ``file`` is the name used in messages (default: ``path``), ``what`` names the file
    when it is missing ("codebook not found"), ``hint`` says how to fix bad bytes,
    ``kind`` selects the size limit (:func:`limit`). ``what`` and ``hint`` are
    :class:`~analysis.errors.Rule` texts, in both languages.
    """
    name = file if file is not None else path
    check_size(path, kind, file=name, what=what, error=error)
    try:
        return Path(path).read_text(encoding=encoding)
    except FileNotFoundError:
        raise error(_not_found(what), file=name) from None
    except UnicodeDecodeError as err:
        fix = hint
        raise error(
            Rule(
                de=f"kein UTF-8-Text ({err.reason}); {fix.de}",
                en=f"not UTF-8 text ({err.reason}); {fix.en}",
            ),
            file=name,
            line=err.object[: err.start].count(b"\n") + 1,
        ) from None


def _not_found(name: Rule) -> Rule:
    return Rule(de=f"{name.de} nicht gefunden", en=f"{name.en} not found")


# --------------------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------------------

_LINES: OrderedDict[str, dict[tuple[str | int, ...], int]] = OrderedDict()
_LINES_KEPT = 64


def yaml_line(file: str | Path | None, loc: Sequence[str | int]) -> int | None:
    """The line (from 1) of the key or list entry at ``loc`` (``("codes", 2, "patterns")``)
    in the YAML file last read as ``file``; the nearest enclosing entry's line if ``loc``
    goes deeper than the file (a missing field), None if the file was not read here."""
    lines = _LINES.get(str(file)) if file is not None else None
    if not lines:
        return None
    path = tuple(loc)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


class _YamlRefused(Exception):
    def __init__(self, rule: Rule, line: int, column: str | None = None) -> None:
        super().__init__(rule)
        self.rule, self.line, self.column = rule, line, column


def _loader_class() -> type:
    import yaml

    base = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

    class Loader(base):  # type: ignore[valid-type,misc]
        """Safe loader (libyaml's parser if installed: fast, with a nesting limit) that
        refuses duplicate keys."""

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: dict[Any, int] = {}
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue
                    key = self.construct_object(key_node, deep=True)
                    try:
                        first = seen.get(key)
                    except TypeError:  # unhashable key: SafeConstructor reports it
                        continue
                    line = key_node.start_mark.line + 1
                    if first is not None:
                        shown = str(key)[:80]
                        raise _YamlRefused(
                            Rule(
                                de=f"doppelter Schlüssel '{shown}' (zuerst in Zeile {first}); "
                                "YAML würde stillschweigend nur den letzten Wert behalten",
                                en=f"duplicate key '{shown}' (first at line {first}); YAML "
                                "would silently keep only the last value",
                            ),
                            line,
                            shown,
                        )
                    seen[key] = line
            return super().construct_mapping(node, deep=deep)

    return Loader


_LOADER: type | None = None

MAX_YAML_EXPANSION = 100_000
"""Values YAML aliases may add to a document when expanded (``*a`` repeats the whole
value anchored ``&a``; nine levels of nine aliases expand to 9⁹ values)."""


def _children(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [x for pair in node.value for x in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_aliases(node: Any) -> None:
    """Refuse recursive aliases and aliases that expand the document by more than
    :data:`MAX_YAML_EXPANSION` values, before anything walks the expanded data.

    An alias is a node reached twice in the composed graph; the expanded size is
    counted bottom-up, each distinct node once (iteratively: no recursion limit).
    """
    size: dict[int, int] = {}
    on_path: set[int] = set()
    shared: list[int] = []
    stack: list[tuple[Any, bool]] = [(node, False)]
    while stack:
        n, done = stack.pop()
        key = id(n)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in _children(n))
            continue
        if key in size:
            shared.append(n.start_mark.line + 1)
            continue
        if key in on_path:
            raise _YamlRefused(
                Rule(
                    de="rekursiver YAML-Alias: der hier verankerte Wert enthält sich selbst",
                    en="recursive YAML alias: the value anchored here contains itself",
                ),
                n.start_mark.line + 1,
            )
        on_path.add(key)
        stack.append((n, True))
        stack.extend((c, False) for c in reversed(_children(n)))
    total, distinct = size[id(node)], len(size)
    if total - distinct > MAX_YAML_EXPANSION:
        de_total, de_max, de_written = (
            f"{n:,}".replace(",", ".") for n in (total, MAX_YAML_EXPANSION, distinct)
        )
        raise _YamlRefused(
            Rule(
                de=f"YAML-Aliase ergeben {de_total} Werte, mehr als {de_max} über die "
                f"{de_written} geschriebenen hinaus (eine Alias-Bombe? der erste Wert, den ein "
                "Alias wiederholt, ist hier verankert); schreiben Sie die Werte aus",
                en=f"YAML aliases expand to {total:,} values, more than {MAX_YAML_EXPANSION:,} "
                f"beyond the {distinct:,} written (an alias bomb? the first value repeated by "
                "an alias is anchored here); write the values out",
            ),
            min(shared),
        )


def _dotted(path: tuple[str | int, ...]) -> str:
    """``("codes", 3, "keywords")`` as ``codes[4].keywords`` (list entries from 1)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _node_lines(node: Any) -> dict[tuple[str | int, ...], int]:
    """Line (from 1) of every mapping key and list entry below ``node``, by path.

    A key written twice in one mapping is refused here, named by its whole path
    (``codes[4].keywords``): YAML would silently keep the last value. (The loader's own
    check, which compares the constructed keys, still catches ``1`` and ``01``.)"""
    import yaml

    lines: dict[tuple[str | int, ...], int] = {}
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(node, ())]
    while stack:
        n, path = stack.pop()
        if isinstance(n, yaml.MappingNode):
            seen: dict[tuple[str, str], int] = {}  # (resolved tag, text): 1 is not "1"
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                    line = k.start_mark.line + 1
                    typed = (k.tag, k.value)
                    if typed in seen:
                        shown = shorten(k.value)
                        raise _YamlRefused(
                            Rule(
                                de=f"doppelter Schlüssel '{shown}' (zuerst in Zeile "
                                f"{seen[typed]}); YAML würde stillschweigend nur den "
                                "letzten Wert behalten",
                                en=f"duplicate key '{shown}' (first at line {seen[typed]}); "
                                "YAML would silently keep only the last value",
                            ),
                            line,
                            _dotted((*path, k.value)),
                        )
                    seen[typed] = line
                    p = (*path, k.value)
                    lines.setdefault(p, line)
                    stack.append((v, p))
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                p = (*path, i)
                lines[p] = v.start_mark.line + 1
                stack.append((v, p))
    return lines


def parse_yaml(text: str, file: str | Path, *, error: type[InputError] = InputError) -> Any:
    """Safe-load ``text``: a syntax error, an alias or a duplicate key names the file and
    its line. Remembers the line of every key and list entry (:func:`yaml_line`)."""
    import yaml

    global _LOADER
    if _LOADER is None:
        _LOADER = _loader_class()
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_aliases(node)
        lines = _node_lines(node) if node is not None else {}
        data = loader.construct_document(node) if node is not None else None
    except _YamlRefused as err:
        raise error(err.rule, file=file, row=err.line, column=err.column, line=err.line) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        problem = shorten(str(err), 500)
        rule = Rule(de=f"kein gültiges YAML: {problem}", en=f"not valid YAML: {problem}")
        raise error(rule, file=file, row=row, line=row) from None
    finally:
        loader.dispose()
    key = str(file)
    _LINES.pop(key, None)
    _LINES[key] = lines
    while len(_LINES) > _LINES_KEPT:
        _LINES.popitem(last=False)
    return data


def read_yaml(
    path: str | Path,
    *,
    file: str | Path | None = None,
    what: Rule = FILE,
    error: type[InputError] = InputError,
) -> Any:
    """The parsed content of the YAML file ``path`` (see :func:`read_text`)."""
    name = file if file is not None else path
    text = read_text(path, file=name, what=what, error=error, kind="yaml")
    return parse_yaml(text, name, error=error)


# --------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$")
_GERMAN_NUMBER = re.compile(r"^\s*[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?\s*$")


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read as text cells, with where each row stands in the file.

    ``frame``: one column per header name, every cell a string ("" if empty);
    ``lines``: the physical line (from 1) of each row's first line, so messages name the
    line an editor shows (blank and comment lines counted); ``header_line``: the
    header's line; ``comments``: the ``#`` lines before the header, without ``#``;
    ``dialect``: how the file was read — ``encoding`` (``utf-8``, ``utf-8-sig`` or
    ``cp1252``), ``separator`` and ``decimal`` (``,`` when a German Excel file's decimal
    commas were read as decimal points). Also in ``frame.attrs["csv_dialect"]``.
    """

    frame: pd.DataFrame
    lines: np.ndarray
    header_line: int
    comments: list[str]
    dialect: dict[str, str] = field(default_factory=dict)

    @property
    def german_excel(self) -> bool:
        """True if the file was written in the German Excel dialect (``;``, ``1,5``)."""
        return self.dialect.get("separator") == ";"


def _decode_csv(raw: bytes, name: str | Path, hint: Rule) -> tuple[str, str]:
    """Text and encoding: UTF-8 (with or without BOM), else Windows-1252 (German Excel's
    "CSV (Trennzeichen-getrennt)"); bytes that are neither are refused at their line."""
    fix = hint
    if b"\x00" in raw:
        raise InputError(
            Rule(
                de="enthält NUL-Bytes: eine Binärdatei oder UTF-16-Text (Excels "
                f'"Unicode-Text"), keine CSV-Datei; {fix.de}',
                en='contains NUL bytes: a binary file or UTF-16 text (Excel\'s "Unicode text"), '
                f"not a CSV file; {fix.en}",
            ),
            file=name,
            row=raw[: raw.index(b"\x00")].count(b"\n") + 1,
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw, bom = raw[3:], True
    else:
        bom = False
    try:
        return raw.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as err:
        first_bad = err.start
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise InputError(
            Rule(
                de=f"weder UTF-8- noch Windows-1252-Text; {fix.de}",
                en=f"neither UTF-8 nor Windows-1252 text; {fix.en}",
            ),
            file=name,
            row=raw[:first_bad].count(b"\n") + 1,
        ) from None


def read_csv_table(
    path: str | Path,
    *,
    file: str | Path | None = None,
    what: Rule = FILE,
    hint: Rule = SAVE_AS_CSV_UTF8,
    expected: Sequence[str] = (),
) -> CsvTable:
    """Read a CSV file with optional ``#`` comment lines before the header.

    The dialect is detected: comma-separated (the default) or semicolon-separated with
    decimal commas, as German Excel saves "CSV"; UTF-8 with or without BOM, or
    Windows-1252. ``expected``: header names that help decide the separator. Refused,
    naming file and line: a missing, empty or oversized file, no header, a header that
    names a column twice (pandas would rename the second ``x.1``), a row with more
    fields than the header. A row with fewer fields is padded with empty cells (the
    loader then reports the missing values at their line and column).
    """
    import numpy as np
    import pandas as pd

    name = file if file is not None else path
    check_size(path, "csv", file=name, what=what)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(_not_found(what), file=name) from None
    text, encoding = _decode_csv(raw, name, hint)
    physical = _LINE.findall(text)  # lines with their ends, split as editors split them
    comments: list[str] = []
    header_index = None
    separator = None
    for i, line in enumerate(physical):
        if line.startswith("#"):
            comments.append(line.strip().lstrip("#").strip())
        elif re.fullmatch(r"sep=[;,\t]", line.strip()) and separator is None:
            separator = line.strip()[4]  # Excel's separator hint
        elif line.strip():
            header_index = i
            break
    if header_index is None:
        raise InputError(
            Rule(
                de="die Datei ist leer: erwartet wird eine Kopfzeile",
                en="file is empty: expected a header row",
            ),
            file=name,
            row=len(comments) + 1,
        )
    header_text = physical[header_index].rstrip("\r\n")
    separator = separator or _separator(header_text, expected)
    reader = csv.reader(physical[header_index:], delimiter=separator)
    header = next(reader)
    header = [h.strip() for h in header]
    header_line = header_index + 1
    seen: dict[str, int] = {}
    for pos, h in enumerate(header, start=1):
        if h in seen:
            raise InputError(
                Rule(
                    de=f"die Spalte '{h}' steht zweimal in der Kopfzeile (Spalten {seen[h]} und "
                    f"{pos}); benennen Sie eine um oder entfernen Sie sie (sie würde als "
                    f"'{h}.1' gelesen)",
                    en=f"column '{h}' appears twice in the header (columns {seen[h]} and {pos}); "
                    f"rename or remove one (it would be read as '{h}.1')",
                ),
                file=name,
                row=header_line,
                column=h,
            )
        seen[h] = pos
    rows: list[list[str]] = []
    lines: list[int] = []
    last = reader.line_num  # physical lines consumed so far (relative to the header)
    for record in reader:
        start = last + 1
        last = reader.line_num
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # a blank line
        if len(record) > len(header):
            raise InputError(
                Rule(
                    de=f"die Zeile hat {len(record)} Felder, die Kopfzeile aber {len(header)} "
                    f"(Trennzeichen '{separator}'); setzen Sie Text, der '{separator}' "
                    "enthält, in Anführungszeichen",
                    en=f"row has {len(record)} fields but the header has {len(header)} "
                    f"(separator '{separator}'); quote text that contains '{separator}'",
                ),
                file=name,
                row=header_index + start,
            )
        rows.append(record + [""] * (len(header) - len(record)))
        lines.append(header_index + start)
    frame = (
        pd.DataFrame(rows, columns=header, dtype=str)
        if rows
        else pd.DataFrame({h: pd.Series(dtype=str) for h in header})
    )
    dialect = {"encoding": encoding, "separator": separator, "decimal": "."}
    if separator == ";":
        dialect["decimal"] = ","
        frame = frame.apply(lambda col: col.map(_german_number)) if rows else frame
    frame.attrs["csv_dialect"] = dict(dialect)
    return CsvTable(frame, np.asarray(lines, dtype=np.int64), header_line, comments, dialect)


def _separator(header: str, expected: Sequence[str]) -> str:
    """``;`` if the header splits into the expected columns on ``;`` (or has ``;`` and no
    ``,``), else ``,``."""
    if ";" not in header:
        return ","
    by_semicolon = {h.strip() for h in header.split(";")}
    by_comma = {h.strip() for h in header.split(",")}
    if expected:
        hits_semi = sum(e in by_semicolon for e in expected)
        hits_comma = sum(e in by_comma for e in expected)
        if hits_semi != hits_comma:
            return ";" if hits_semi > hits_comma else ","
    return ";" if header.count(";") > header.count(",") else ","


def _german_number(cell: str) -> str:
    """``1.234,5`` → ``1234.5``; anything that is not a German-formatted number stays."""
    if "," not in cell and "." not in cell:
        return cell
    if not _GERMAN_NUMBER.match(cell):
        return cell
    return cell.strip().replace(".", "").replace(",", ".")
