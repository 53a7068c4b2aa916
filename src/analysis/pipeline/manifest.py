"""The run manifest (``pipeline.yaml``): which notebooks run with which parameters.

Each entry names a notebook, its parameters, the inputs it declares and,
optionally, a ``grid`` that expands to one run per combination of values (a sweep,
e.g. centre_id × scenario). Every run gets a unique, file-safe name formatted from
its parameters (``sroi_{centre_id}_{scenario}`` → ``sroi_barmen_base``); names that
would collide with what the pipeline itself writes under ``reports/`` (``index``,
``failed``, ``manifest`` …) are refused. Errors name the manifest file and the key
(``runs[2].grid.centre_id``).

A grid key's values are either a list or the files of a folder,
``{files: "data/raw/protocols/*"}``: one value per file, what the single ``*`` matched
in the file name — without the extension unless the pattern names one after the ``*``
(``*`` and ``*.yaml`` give the stem; ``{centre_id}__*.yaml`` the part after ``__``).
A pattern may use earlier grid keys and parameters (``{centre_id}``); files are taken
in sorted order, hidden files, Office lock files (``~$``), README.md, SOURCES.md and
catalog.yaml are skipped. A pattern without placeholders of earlier grid keys must
match a file; a dependent one may match none (then that combination has no run). Two
files giving the same value (``x.txt`` and ``x.docx``) are an error naming both.
"""

from __future__ import annotations

import fnmatch
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from analysis.errors import ManifestError, Problem, Rule
from analysis.paths import ProjectPaths
from analysis.readers import read_yaml

if TYPE_CHECKING:
    from analysis.pipeline.schema import RunEntrySchema


@dataclass(frozen=True)
class Run:
    """One notebook execution: a notebook, its parameters and its declared inputs."""

    name: str
    notebook: str
    parameters: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    entry: int = 0
    timeout: int | None = None
    description: str | None = None
    optional_inputs: tuple[str, ...] = ()
    """Declared inputs that may match no file (``{optional: pattern}``)."""
    file_inputs: dict[str, str] = field(default_factory=dict)
    """Files named by file parameters (``RawFile``/``ProjectFile``), parameter → path
    relative to the root; filled in by the runner from the notebook's annotations."""

    def key(self, manifest_file: str) -> str:
        """Where this run comes from, for error messages."""
        return f"{manifest_file}: runs[{self.entry}] ({self.name})"


def _placeholders(template: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(template) if f]


def _check_relative(path: str, where: str, file: str) -> None:
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or "\\" in path:
        raise ManifestError(
            Rule(
                de="muss ein Pfad relativ zum Projektordner sein, ohne '..'",
                en="must be a path relative to the project root without '..'",
            ),
            file=file,
            column=where,
            value=path,
        )


RESERVED_NAMES = frozenset({"index", "failed", "manifest", "artifacts", "readme"})
"""Run names the pipeline's own files under reports/ use (compared case-insensitively,
as on a case-insensitive file system): ``index.html``, ``manifest.json``, the folder
``failed/`` of failed notebooks, ``artifacts/`` of direct notebook runs, ``README.md``."""

OUTPUT_SUFFIXES = (".html", ".ipynb", ".results.json", ".json")
"""What a run writes beside its folder ``reports/<run>/``: a run name ending in one of
these would collide with another run's file (run ``a`` writes ``a.html``, the folder of
a run ``a.html``)."""

_SKIPPED_FILES = {"readme.md", "sources.md", "catalog.yaml"}


def reserved_name_rule(name: str) -> Rule | None:
    """Why ``name`` may not be a run name (it collides with pipeline files), or None."""
    low = name.lower()
    if low in RESERVED_NAMES:
        listed = ", ".join(sorted(RESERVED_NAMES))
        return Rule(
            de=f"der Laufname '{name}' ist reserviert: reports/ enthält die eigenen "
            f"'{low}'-Dateien der Pipeline (reserviert sind {listed})",
            en=f"run name '{name}' is reserved: reports/ holds the pipeline's own "
            f"'{low}' files ({listed} are reserved)",
        )
    for suffix in OUTPUT_SUFFIXES:
        if low.endswith(suffix):
            other = name[: -len(suffix)]
            return Rule(
                de=f"der Laufname '{name}' endet auf '{suffix}' und kollidiert so mit den "
                f"Berichtsdateien des Laufs '{other}' (<run>.html, .ipynb, .results.json)",
                en=f"run name '{name}' ends in '{suffix}', which collides with the report "
                f"files of run '{other}' (<run>.html, .ipynb, .results.json)",
            )
    return None


def _split_files_pattern(pattern: str, where: str, file: str) -> tuple[str, str, str]:
    """``folder/prefix*suffix`` → (folder, prefix, suffix); a clear error otherwise."""
    folder, _, name = pattern.rpartition("/")
    if any(c in folder for c in "*?[]") or name.count("*") != 1 or any(c in name for c in "?[]"):
        raise ManifestError(
            Rule(
                de="ein files-Muster braucht genau ein '*' im Dateinamen und keinen anderen "
                "Platzhalter (z. B. data/raw/protocols/*)",
                en="a files pattern needs exactly one '*' in the file name and no other "
                "wildcard (e.g. data/raw/protocols/*)",
            ),
            file=file,
            column=where,
            value=pattern,
        )
    prefix, suffix = name.split("*")
    return folder, prefix, suffix


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name


def match_files(root: Path, pattern: str) -> dict[str, str]:
    """File name → grid value for every file ``pattern`` (``folder/prefix*suffix``)
    matches, in sorted order. No checks: see :func:`files_grid_values`."""
    folder, _, name = pattern.rpartition("/")
    prefix, suffix = name.split("*")
    base = root / folder
    if not base.is_dir():
        return {}
    found: dict[str, str] = {}
    for p in sorted(base.iterdir()):
        if not p.is_file() or p.name.startswith((".", "~$")) or p.name.lower() in _SKIPPED_FILES:
            continue
        target = p.name if "." in suffix else _stem(p.name)
        if (
            len(target) > len(prefix) + len(suffix)
            and target.startswith(prefix)
            and target.endswith(suffix)
        ):
            found[p.name] = target[len(prefix) : len(target) - len(suffix)]
    return found


def files_grid_values(
    root: Path, pattern: str, *, where: str, file: str, dependent: bool
) -> list[str]:
    """The values of a ``{files: pattern}`` grid key (``pattern`` already formatted)."""
    from analysis.paths import FILE_ID_PATTERN

    _check_relative(pattern, where, file)
    _split_files_pattern(pattern, where, file)
    found = match_files(root, pattern)
    if not found and not dependent:
        raise ManifestError(
            Rule(
                de="das files-Muster trifft keine Datei (ein grid braucht mindestens einen Wert)",
                en="files pattern matches no file (a grid needs at least one value)",
            ),
            file=file,
            column=where,
            value=pattern,
        )
    folder = pattern.rpartition("/")[0]
    by_value: dict[str, str] = {}
    for name, value in found.items():
        if not re.fullmatch(FILE_ID_PATTERN, value):
            raise ManifestError(
                Rule(
                    de=f"die Datei {folder}/{name} ergibt den grid-Wert '{value}', der keine "
                    f"einfache Kennung ist ({FILE_ID_PATTERN}); benennen Sie die Datei um",
                    en=f"file {folder}/{name} gives the grid value '{value}', which is not a "
                    f"plain id ({FILE_ID_PATTERN}); rename the file",
                ),
                file=file,
                column=where,
                value=pattern,
            )
        if value in by_value:
            first = by_value[value]
            raise ManifestError(
                Rule(
                    de=f"die Dateien {folder}/{first} und {folder}/{name} ergeben denselben "
                    f"grid-Wert '{value}'; entfernen Sie eine oder benennen Sie sie um",
                    en=f"files {folder}/{first} and {folder}/{name} give the same grid "
                    f"value '{value}'; remove or rename one",
                ),
                file=file,
                column=where,
                value=pattern,
            )
        by_value[value] = name
    return list(by_value)


def _expand_entry(
    entry: RunEntrySchema,
    index: int,
    file: str,
    root: Path,
    globs: list[str] | None = None,
) -> list[Run]:
    from analysis.pipeline.schema import RUN_NAME_PATTERN, FilesGridSchema

    key = f"runs[{index}]"
    _check_relative(entry.notebook, f"{key}.notebook", file)
    if not entry.notebook.endswith(".ipynb"):
        raise ManifestError(
            Rule(de="notebook muss eine .ipynb-Datei sein", en="notebook must be an .ipynb file"),
            file=file,
            column=f"{key}.notebook",
        )
    if not (root / entry.notebook).is_file():
        raise ManifestError(
            Rule(
                de="unbekanntes Notebook: die Datei gibt es nicht",
                en="unknown notebook: no such file",
            ),
            file=file,
            column=f"{key}.notebook",
            value=entry.notebook,
        )
    patterns = [i if isinstance(i, str) else i.optional for i in entry.inputs]
    fields = _placeholders(entry.name) + [f for i in patterns for f in _placeholders(i)]
    overlap = sorted(set(entry.grid) & set(entry.parameters))
    if overlap:
        raise ManifestError(
            Rule(
                de="ein Parameter ist sowohl in 'parameters' als auch in 'grid' gesetzt",
                en="a parameter is set both in 'parameters' and in 'grid'",
            ),
            file=file,
            column=f"{key}.grid.{overlap[0]}",
        )
    missing = [k for k in entry.grid if k not in _placeholders(entry.name)]
    if missing:
        raise ManifestError(
            Rule(
                de=f"name muss für jeden grid-Schlüssel einen Platzhalter {{{missing[0]}}} "
                "enthalten, damit jeder Lauf der Variation seinen eigenen Ausgabenamen erhält",
                en=f"name must contain a placeholder {{{missing[0]}}} for each grid key, "
                "so that every run of the sweep gets its own output name",
            ),
            file=file,
            column=f"{key}.name",
            value=entry.name,
        )
    known = set(entry.grid) | set(entry.parameters)
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise ManifestError(
            Rule(
                de=f"der Platzhalter {{{unknown[0]}}} ist weder ein grid-Schlüssel noch ein "
                "Parameter",
                en=f"placeholder {{{unknown[0]}}} is neither a grid key nor a parameter",
            ),
            file=file,
            column=f"{key}.name" if unknown[0] in _placeholders(entry.name) else f"{key}.inputs",
        )
    # Expand key by key (first key outermost, as a Cartesian product): a files pattern
    # may use the values of earlier keys.
    combos: list[dict[str, Any]] = [{}]
    for position, (gkey, spec) in enumerate(entry.grid.items()):
        if not isinstance(spec, FilesGridSchema):
            combos = [{**c, gkey: v} for c in combos for v in spec]
            continue
        where = f"{key}.grid.{gkey}.files"
        earlier = list(entry.grid)[:position]
        used = _placeholders(spec.files)
        bad = [f for f in used if f not in earlier and f not in entry.parameters]
        if bad:
            raise ManifestError(
                Rule(
                    de=f"der Platzhalter {{{bad[0]}}} eines files-Musters muss ein früherer "
                    "grid-Schlüssel oder ein Parameter sein",
                    en=f"placeholder {{{bad[0]}}} of a files pattern must be an earlier grid "
                    "key or a parameter",
                ),
                file=file,
                column=where,
                value=spec.files,
            )
        dependent = any(f in earlier for f in used)
        expanded = []
        for c in combos:
            pattern = spec.files.format(**{**entry.parameters, **c})
            if globs is not None:
                globs.append(pattern)
            values = files_grid_values(root, pattern, where=where, file=file, dependent=dependent)
            expanded += [{**c, gkey: v} for v in values]
        combos = expanded
    runs = []
    for combo in combos:
        params = dict(entry.parameters)
        params.update(combo)
        fmt = {k: v for k, v in params.items()}
        name = entry.name.format(**fmt)
        if not re.fullmatch(RUN_NAME_PATTERN, name):  # `$` alone lets a final newline in
            raise ManifestError(
                Rule(
                    de=f"der Laufname muss zu {RUN_NAME_PATTERN} passen (er wird zum Dateinamen)",
                    en=f"run name must match {RUN_NAME_PATTERN} (it becomes a file name)",
                ),
                file=file,
                column=f"{key}.name",
                value=name,
            )
        reserved = reserved_name_rule(name)
        if reserved:
            raise ManifestError(reserved, file=file, column=f"{key}.name", value=name)
        inputs, optional = [], []
        for j, item in enumerate(entry.inputs):
            concrete = (item if isinstance(item, str) else item.optional).format(**fmt)
            _check_relative(concrete, f"{key}.inputs[{j}]", file)
            (inputs if isinstance(item, str) else optional).append(concrete)
        runs.append(
            Run(
                name=name,
                notebook=entry.notebook,
                parameters=params,
                inputs=tuple(inputs),
                optional_inputs=tuple(optional),
                entry=index,
                timeout=entry.timeout,
                description=entry.description,
            )
        )
    return runs


def load_manifest(
    project: ProjectPaths, path: Path | None = None, *, globs: list[str] | None = None
) -> list[Run]:
    """Read, validate and expand the run manifest into a list of :class:`Run`.

    Raises :class:`ManifestError` (exit code 2) naming the file and key on any
    problem: YAML syntax, unknown or mistyped keys, an unknown notebook, a bad
    grid or files pattern, a name that is not file-safe or is reserved, duplicate
    run names. ``globs``, if given, receives every files pattern the expansion listed
    (the runner keys its cache of the expansion on what they match).
    """
    path = path or project.run_manifest
    file = str(path.relative_to(project.root)) if path.is_relative_to(project.root) else str(path)
    what = Rule(de="Laufmanifest", en="run manifest")
    data = read_yaml(path, file=file, what=what, error=ManifestError)
    if not isinstance(data, dict):
        raise ManifestError(
            Rule(
                de="muss eine Zuordnung mit einer Liste 'runs' sein",
                en="must be a mapping with a 'runs' list",
            ),
            file=file,
            column="runs",
        )
    from pydantic import ValidationError

    from analysis.pipeline.schema import GRID_TAGS, INPUT_TAGS, ManifestSchema
    from analysis.validation import pydantic_rule

    tags = {"grid": GRID_TAGS, "inputs": INPUT_TAGS}

    try:
        manifest = ManifestSchema.model_validate(data)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            loc = e["loc"]
            if len(loc) > 4 and loc[0] == "runs" and loc[4] in tags.get(loc[2], ()):
                loc = loc[:4] + loc[5:]  # the form of the value, not a key of the file
            dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
            problems.append(Problem(rule=pydantic_rule(e), file=file, column=dotted or None))
        raise ManifestError(problems=problems) from None
    runs: list[Run] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(manifest.runs):
        for run in _expand_entry(entry, index, file, project.root, globs):
            if run.name.lower() in seen:
                other = seen[run.name.lower()]
                raise ManifestError(
                    Rule(
                        de=f"doppelter Laufname '{run.name}' (auch von runs[{other}] erzeugt; "
                        "Namen, die sich nur in Groß- und Kleinschreibung unterscheiden, "
                        "kollidieren auf Dateisystemen, die diese nicht unterscheiden)",
                        en=f"duplicate run name '{run.name}' (also produced by runs[{other}]; "
                        "names differing only in case collide on case-insensitive file systems)",
                    ),
                    file=file,
                    column=f"runs[{index}].name",
                )
            seen[run.name.lower()] = index
            runs.append(run)
    return runs


def select(runs: Sequence[Run], only: Sequence[str] | None, file: str = "--only") -> list[Run]:
    """The runs whose names match any of ``only`` (exact names or glob patterns)."""
    if not only:
        return list(runs)
    chosen = [r for r in runs if any(fnmatch.fnmatchcase(r.name, pat) for pat in only)]
    for pat in only:
        if not any(fnmatch.fnmatchcase(r.name, pat) for r in runs):
            raise ManifestError(
                Rule(de="trifft keinen Lauf des Manifests", en="matches no run of the manifest"),
                file=file,
                value=pat,
            )
    return chosen
