"""Fingerprints of runs and why a run is stale.

A run's fingerprint is the SHA-256 of four parts: its notebook (cell types,
sources and tags only, so outputs or editor metadata saved by JupyterLab do not
count), its parameters (canonical JSON), the content of every file it reads — its
declared inputs and the files its file parameters name — and the helper package
``src/analysis``. A run is skipped when its fingerprint equals
the one recorded for its last successful execution and its outputs are in place.
Only the standard library is used here, so checking a tree with nothing to do
stays fast.
"""

from __future__ import annotations

import glob
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.errors import ManifestError, Rule
from analysis.paths import PACKAGE_DIR, ProjectPaths
from analysis.pipeline.manifest import Run

_CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def notebook_digest(path: Path) -> str:
    """SHA-256 of what a notebook executes: cell types, sources and tags, kernel name."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [
        [c.get("cell_type"), "".join(c.get("source", "")), c.get("metadata", {}).get("tags", [])]
        for c in nb.get("cells", [])
    ]
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    return hashlib.sha256(json.dumps([kernel, cells], ensure_ascii=False).encode()).hexdigest()


def parameters_digest(parameters: Mapping[str, Any]) -> str:
    """SHA-256 of parameters as canonical JSON (sorted keys)."""
    text = json.dumps(parameters, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def package_digest(package_dir: Path = PACKAGE_DIR) -> str:
    """SHA-256 over every file of the helper package: sources, templates and any data
    file it ships (compiled caches, hidden and editor files aside), so no file a
    notebook reads through the package escapes the fingerprint."""
    h = hashlib.sha256()
    for p in sorted(package_dir.rglob("*")):
        rel = p.relative_to(package_dir).parts
        if (
            p.is_file()
            and "__pycache__" not in rel
            and not any(part.startswith(".") for part in rel)
            and not p.name.endswith((".pyc", "~", ".swp", ".nbi", ".nbc"))
        ):
            h.update(p.relative_to(package_dir).as_posix().encode())
            h.update(file_digest(p).encode())
    return h.hexdigest()


def files_matching(project: ProjectPaths, pattern: str) -> list[Path]:
    """The files ``pattern`` (a path or glob relative to the root) names; a folder
    stands for every file below it."""
    files = []
    for m in glob.glob(pattern, root_dir=project.root, recursive=True):
        p = project.root / m
        if p.is_dir():
            files += [q for q in p.rglob("*") if q.is_file()]
        elif p.is_file():
            files.append(p)
    return files


def resolve_inputs(run: Run, project: ProjectPaths, manifest_file: str) -> list[str]:
    """The files a run reads, as sorted paths relative to the root.

    These are its declared inputs — each a path or glob; a folder stands for every file
    below it; an optional one may match nothing — and the files its file parameters
    name (``RawFile``/``ProjectFile`` annotations, :attr:`Run.file_inputs`; a file,
    folder or glob likewise). A required declaration that matches no file, or a file
    parameter naming no existing file, is a manifest error (a typo would otherwise
    silently drop an input from the fingerprint).
    """
    found: set[str] = set()
    for j, pattern in enumerate(run.inputs):
        files = files_matching(project, pattern)
        if not files:
            raise ManifestError(
                Rule(
                    de=f"Lauf '{run.name}': die deklarierte Eingabe trifft keine Datei",
                    en=f"run '{run.name}': declared input matches no file",
                ),
                file=manifest_file,
                column=f"runs[{run.entry}].inputs[{j}]",
                value=pattern,
            )
        found.update(f.relative_to(project.root).as_posix() for f in files)
    for pattern in run.optional_inputs:
        found.update(
            f.relative_to(project.root).as_posix() for f in files_matching(project, pattern)
        )
    for param, rel in run.file_inputs.items():
        files = files_matching(project, rel)
        if not files:
            raise ManifestError(
                Rule(
                    de=f"Lauf '{run.name}': der Parameter nennt keine vorhandene Datei ({rel})",
                    en=f"run '{run.name}': parameter names no existing file ({rel})",
                ),
                file=manifest_file,
                column=f"runs[{run.entry}].parameters.{param}",
                value=rel,
            )
        found.update(f.relative_to(project.root).as_posix() for f in files)
    return sorted(found)


@dataclass(frozen=True)
class Fingerprint:
    """The hashed parts of a run and their combination."""

    notebook: str
    parameters: str
    inputs: dict[str, str]
    package: str

    @property
    def combined(self) -> str:
        payload = json.dumps(
            [self.notebook, self.parameters, sorted(self.inputs.items()), self.package]
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        return {
            "combined": self.combined,
            "notebook": self.notebook,
            "parameters": self.parameters,
            "inputs": dict(self.inputs),
            "package": self.package,
        }


def fingerprint(
    run: Run,
    project: ProjectPaths,
    manifest_file: str,
    *,
    package: str,
    digests: dict[str, str] | None = None,
) -> Fingerprint:
    """Fingerprint ``run``; ``digests`` memoises file hashes shared between runs."""
    memo = digests if digests is not None else {}

    def digest(rel: str, fn: Any) -> str:
        if rel not in memo:
            memo[rel] = fn(project.root / rel)
        return memo[rel]

    inputs = {rel: digest(rel, file_digest) for rel in resolve_inputs(run, project, manifest_file)}
    return Fingerprint(
        notebook=digest(
            "nb:" + run.notebook, lambda _p: notebook_digest(project.root / run.notebook)
        ),
        parameters=parameters_digest(run.parameters),
        inputs=inputs,
        package=package,
    )


def stale_reasons(
    fp: Fingerprint, record: Mapping[str, Any] | None, outputs_present: bool
) -> list[str]:
    """Why a run must execute again (empty list: it is up to date).

    ``record`` is the provenance entry of the run's last execution.
    """
    if record is None:
        return ["never run"]
    reasons = []
    if record.get("status") != "ok":
        reasons.append("last attempt failed")
    good = record if record.get("status") == "ok" else record.get("previous_success")
    if good is None:
        return reasons or ["no successful run recorded"]
    old = good.get("fingerprint", {})
    if old.get("notebook") != fp.notebook:
        reasons.append("notebook changed")
    if old.get("parameters") != fp.parameters:
        reasons.append("parameters changed")
    old_inputs = old.get("inputs", {})
    changed = sorted(k for k in fp.inputs if k in old_inputs and old_inputs[k] != fp.inputs[k])
    added = sorted(k for k in fp.inputs if k not in old_inputs)
    removed = sorted(k for k in old_inputs if k not in fp.inputs)
    if changed:
        reasons.append("input changed: " + ", ".join(changed))
    if added:
        reasons.append("input added: " + ", ".join(added))
    if removed:
        reasons.append("input removed: " + ", ".join(removed))
    if old.get("package") != fp.package:
        reasons.append("helper package src/analysis changed")
    if not outputs_present:
        reasons.append("report files missing")
    return reasons
