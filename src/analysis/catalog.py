"""The raw-data catalogue: every input file, its origin, and whether it is real.

Status values: ``real`` (observed or published data, e.g. the seed protocol and the
official regional statistics), ``fictional`` (made-up examples), ``synthetic``
(simulated data) and ``authored`` (the project's own instruments, e.g. the codebook).

``data/raw/catalog.yaml`` lists each file under ``data/raw`` with its kind, status
(real, fictional or synthetic), source and licence, and pins its content with a
SHA-256. :func:`check` compares the folder with the catalogue — uncatalogued
files, missing files and changed content are reported, never silently accepted —
and validates each file against the schema of its kind where one exists.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analysis.errors import InputError, Problem, Rule, rule_text
from analysis.readers import read_yaml
from analysis.validation import problems_from_pydantic


class CatalogEntrySchema(BaseModel):
    """One raw input file: what it is, where it comes from, whether it is real."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1)
    status: Literal["real", "fictional", "synthetic", "authored"]
    title: str | None = None
    description: str | None = None
    source: str = Field(min_length=1)
    licence: str = Field(min_length=1)
    notes: str | None = None
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class CatalogSchema(BaseModel):
    """The catalogue: relative path under data/raw → entry."""

    model_config = ConfigDict(extra="forbid")

    files: dict[str, CatalogEntrySchema]


IGNORED = {"catalog.yaml", "README.md", "SOURCES.md", ".gitkeep"}

Validator = Callable[[Path], Any]
"""Loads a raw file and raises :class:`~analysis.errors.InputError` when it is bad."""

KIND_PATTERNS: tuple[tuple[str, str], ...] = (
    ("*kodierbogen_*.xlsx", "coding_sheet"),
    ("protocols/*.txt", "protocol"),
    ("protocols/*.md", "protocol"),
    ("protocols/*.docx", "protocol"),
    ("codebook.yaml", "codebook"),
    ("sroi/scenarios/*.yaml", "sroi_scenario"),
    ("sroi/*.yaml", "sroi_centre"),
    ("sroi/*.yml", "sroi_centre"),
    ("sroi/*.xlsx", "sroi_centre"),
    ("outcomes/*_units.csv", "outcome_panel_units"),
    ("outcomes/*_truth.csv", "outcome_panel_truth"),
    ("outcomes/*.csv", "outcome_panel"),
    ("survey/codebook.yaml", "survey_codebook"),
    ("survey/*.csv", "survey_answers"),
)
"""Kind of a file not (yet) in the catalogue, by its place under data/raw (first match)."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_catalog(path: Path) -> pd.DataFrame:
    """The catalogue as a DataFrame, one row per file (validated)."""
    data = read_yaml(path, what=Rule(de="Katalog", en="catalogue"))
    try:
        catalog = CatalogSchema.model_validate(data)
    except ValidationError as err:
        raise InputError(problems=problems_from_pydantic(err, path)) from None
    rows = [{"path": rel, **entry.model_dump()} for rel, entry in catalog.files.items()]
    columns = ["path", *CatalogSchema.model_fields["files"].annotation.__args__[1].model_fields]
    return pd.DataFrame(rows, columns=columns).sort_values("path", ignore_index=True)


@dataclass
class CatalogCheck:
    """Files on disk against the catalogue, with every problem found."""

    files: pd.DataFrame
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def check(
    raw: Path,
    catalog_path: Path | None = None,
    *,
    validators: Mapping[str, Validator] | None = None,
) -> CatalogCheck:
    """Compare ``raw`` with its catalogue and validate each file by its kind.

    ``validators`` maps a kind to the domain loader that checks a file of that kind
    (the pipeline's registry, :data:`analysis.pipeline.kinds.VALIDATORS`); without it
    only presence and checksums are compared. The catalogue knows no domain itself.
    """
    catalog_path = catalog_path or raw / "catalog.yaml"
    cat = load_catalog(catalog_path).set_index("path")
    on_disk = sorted(
        p.relative_to(raw).as_posix()
        for p in raw.rglob("*")
        if p.is_file() and p.name not in IGNORED and not p.name.startswith(".")
    )
    problems: list[Problem] = []
    rows = []
    for rel in sorted(set(on_disk) | set(cat.index)):
        path = raw / rel
        entry = cat.loc[rel] if rel in cat.index else None
        row: dict[str, Any] = {
            "path": rel,
            "exists": path.is_file(),
            "catalogued": entry is not None,
        }
        row["kind"] = entry["kind"] if entry is not None else None
        row["status"] = entry["status"] if entry is not None else None
        row["size_bytes"] = path.stat().st_size if path.is_file() else None
        row["hash_ok"] = None
        row["schema"] = "–"
        if entry is None:
            unlisted = Rule(
                de="die Datei ist nicht im Katalog verzeichnet",
                en="file is not listed in the catalogue",
            )
            problems.append(Problem(rule=unlisted, file=rel))
        elif not path.is_file():
            missing = Rule(
                de="die im Katalog verzeichnete Datei fehlt", en="catalogued file is missing"
            )
            problems.append(Problem(rule=missing, file=rel))
        else:
            if isinstance(entry["sha256"], str):
                row["hash_ok"] = sha256(path) == entry["sha256"]
                if not row["hash_ok"]:
                    changed = Rule(
                        de="der Inhalt weicht von seiner sha256 im Katalog ab",
                        en="content differs from its catalogued sha256",
                    )
                    problems.append(Problem(rule=changed, file=rel))
            if validators is not None:
                fn = validators.get(entry["kind"])
                if fn is not None:
                    try:
                        fn(path)
                        row["schema"] = "ok"
                    except InputError as err:
                        row["schema"] = "invalid"
                        problems += err.problems
                    except Exception as err:  # a loader bug: report it, go on
                        row["schema"] = "invalid"
                        problems.append(_crash_problem(entry["kind"], path, err))
        rows.append(row)
    return CatalogCheck(pd.DataFrame(rows), problems)


def _crash_problem(kind: str, path: Path, err: Exception) -> Problem:
    cause = f"{type(err).__name__}: {err}"
    return Problem(
        Rule(
            de=f"kann nicht als {kind} gelesen werden ({cause})",
            en=f"cannot be read as {kind} ({cause})",
        ),
        file=str(path),
    )


def infer_kind(rel: str) -> str | None:
    """The kind of an uncatalogued file from its path relative to data/raw (or None)."""
    return next((kind for pat, kind in KIND_PATTERNS if fnmatch.fnmatchcase(rel, pat)), None)


def validate_files(
    raw: Path,
    files: Iterable[Path],
    validators: Mapping[str, Validator],
    catalog_path: Path | None = None,
) -> list[Problem]:
    """Validate ``files`` (below ``raw``) by their kind; every problem found, each once.

    The kind comes from the catalogue or, for a file not yet catalogued, from its place
    (:data:`KIND_PATTERNS`). Hidden files, Office lock files (``~$…``) and the
    catalogue's companions (README, SOURCES) are skipped. The runner calls this for
    the declared inputs of every run it is about to execute, so bad data stops the
    regeneration before any notebook starts. A validator that crashes instead of
    raising :class:`InputError` is reported as a problem of that file, not as a
    traceback.
    """
    catalog_path = catalog_path or raw / "catalog.yaml"
    kinds: dict[str, str] = {}
    if catalog_path.is_file():
        cat = load_catalog(catalog_path)
        kinds = dict(zip(cat["path"], cat["kind"], strict=True))
    problems: list[Problem] = []
    seen: set[str] = set()
    for path in sorted(set(files)):
        if path.name in IGNORED or path.name.startswith((".", "~$")) or not path.is_file():
            continue
        rel = path.relative_to(raw).as_posix()
        kind = kinds.get(rel) or infer_kind(rel)
        fn = validators.get(kind) if kind else None
        if fn is None:
            continue
        try:
            fn(path)
            continue
        except InputError as err:
            found = err.problems
        except Exception as err:  # a loader bug must not hide which file is bad
            found = [_crash_problem(kind, path, err)]
        for p in found:
            if str(p) not in seen:
                seen.add(str(p))
                problems.append(p)
    return problems


def fill_hashes(catalog_path: Path) -> int:
    """Write the current SHA-256 of every catalogued file into the catalogue.

    A maintainer's tool for when a raw file is added on purpose; returns the number of
    entries changed. Comments and order of the YAML file are kept line by line.
    """
    raw = catalog_path.parent
    lines = catalog_path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    current: str | None = None
    changed = 0
    pending: dict[str, str] = {}
    for line in lines:
        stripped = line.strip()
        if line.startswith("  ") and not line.startswith("    ") and stripped.endswith(":"):
            current = stripped[:-1].strip("'\"")
            if (raw / current).is_file():
                pending[current] = sha256(raw / current)
        if current and stripped.startswith("sha256:") and current in pending:
            new = f"    sha256: {pending.pop(current)}"
            changed += new != line
            out.append(new)
            continue
        out.append(line)
    # Entries without a sha256 line: add one after the entry header.
    result: list[str] = []
    current = None
    for line in out:
        result.append(line)
        stripped = line.strip()
        if line.startswith("  ") and not line.startswith("    ") and stripped.endswith(":"):
            current = stripped[:-1].strip("'\"")
            if current in pending:
                result.append(f"    sha256: {pending.pop(current)}")
                changed += 1
    catalog_path.write_text("\n".join(result) + "\n", encoding="utf-8")
    return changed


_COLUMNS = {
    "path": {"de": "Datei", "en": "File"},
    "kind": {"de": "Art", "en": "Kind"},
    "status": {"de": "Status", "en": "Status"},
    "size_bytes": {"de": "Größe (Bytes)", "en": "Size (bytes)"},
    "hash_ok": {"de": "Prüfsumme", "en": "Checksum"},
    "schema": {"de": "Schema", "en": "Schema"},
    "files": {"de": "Dateien", "en": "Files"},
    "rule": {"de": "Regel", "en": "Rule"},
    "row": {"de": "Zeile", "en": "Row"},
    "column": {"de": "Spalte/Feld", "en": "Column/field"},
}
_STATUS = {
    "real": {"de": "echt", "en": "real"},
    "fictional": {"de": "fiktiv", "en": "fictional"},
    "synthetic": {"de": "synthetisch", "en": "synthetic"},
    "authored": {"de": "eigenes Instrument", "en": "authored instrument"},
}
_CHECK = {
    True: {"de": "unverändert", "en": "unchanged"},
    False: {"de": "GEÄNDERT", "en": "CHANGED"},
}


def _label(key: str, lang: str) -> str:
    return _COLUMNS[key][lang]


def summarise(files: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """Number of files per kind and status (real / fictional / synthetic)."""
    present = files[files["exists"] & files["catalogued"]]
    table = (
        present.assign(status=present["status"].map(lambda s: _STATUS[s][lang]))
        .groupby(["kind", "status"])
        .size()
        .rename(_label("files", lang))
        .reset_index()
        .rename(columns={"kind": _label("kind", lang), "status": _label("status", lang)})
    )
    return table


def file_table(files: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """The per-file check as a report table with localised labels and numbers."""
    from analysis.formatting import fmt_int

    out = files[["path", "kind", "status", "size_bytes", "hash_ok", "schema"]].copy()
    out["status"] = [(_STATUS[s][lang] if isinstance(s, str) else "–") for s in out["status"]]
    out["kind"] = out["kind"].fillna("–")
    out["size_bytes"] = [fmt_int(v, lang) for v in out["size_bytes"]]
    out["hash_ok"] = [_CHECK[bool(v)][lang] if v is not None else "–" for v in out["hash_ok"]]
    return out.rename(columns={c: _label(c, lang) for c in out.columns})


def problem_table(problems: list[Problem], lang: str = "de") -> pd.DataFrame:
    """Every problem found, one row each (an empty table means all is well)."""
    rows = [
        {
            _label("path", lang): p.file,
            _label("row", lang): p.row,
            _label("column", lang): p.column,
            _label("rule", lang): rule_text(p.rule, lang),
        }
        for p in problems
    ]
    columns = [_label(k, lang) for k in ("path", "row", "column", "rule")]
    return pd.DataFrame(rows, columns=columns)


def plot_status(files: pd.DataFrame, lang: str = "de") -> Any:
    """Bar chart: files per kind, coloured by real / fictional / synthetic."""
    import matplotlib.pyplot as plt

    present = files[files["exists"] & files["catalogued"]]
    counts = (
        present.assign(status=present["status"].map(lambda s: _STATUS[s][lang]))
        .pivot_table(index="kind", columns="status", values="path", aggfunc="count", fill_value=0)
        .sort_index()
    )
    fig, ax = plt.subplots()
    counts.plot.barh(stacked=True, ax=ax)
    ax.set_xlabel(_label("files", lang))
    ax.set_ylabel(_label("kind", lang))
    ax.set_title({"de": "Rohdaten nach Art und Status", "en": "Raw data by kind and status"}[lang])
    ax.legend(title=_label("status", lang))
    fig.tight_layout()
    return ax
