"""Every path of the project, in one place.

The project root is the checkout that holds ``pyproject.toml``; set the
environment variable ``ANALYSIS_ROOT`` to point the workbench at another tree
(the tests do this to run the pipeline on fixture projects). Follows the
cookiecutter-data-science layout: ``data/raw`` is immutable input,
``data/processed`` is derived, ``reports`` is generated.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
"""The helper package itself (hashed as an implicit input of every run)."""

KERNEL_NAME = "dorv-workbench"
"""Name of the Jupyter kernel that ``make`` registers for the project's venv."""


def _default_root() -> Path:
    env = os.environ.get("ANALYSIS_ROOT")
    if env:
        return Path(env).resolve()
    return PACKAGE_DIR.parents[1]


@dataclass(frozen=True)
class ProjectPaths:
    """The folders and files of one project tree."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def processed(self) -> Path:
        return self.data / "processed"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def failed(self) -> Path:
        """Executed notebooks of failed runs, kept for diagnosis."""
        return self.reports / "failed"

    @property
    def staging(self) -> Path:
        """Scratch space for outputs before they are moved atomically into place."""
        return self.reports / ".staging"

    @property
    def run_manifest(self) -> Path:
        """The run manifest: which notebooks run with which parameters."""
        return self.root / "pipeline.yaml"

    @property
    def provenance(self) -> Path:
        """Per-run provenance of the last regeneration."""
        return self.reports / "manifest.json"

    @property
    def index(self) -> Path:
        return self.reports / "index.html"

    @property
    def lock(self) -> Path:
        return self.reports / ".lock"

    @property
    def cache(self) -> Path:
        """Derived, disposable look-up caches (parameter specs of notebooks, file hashes)."""
        return self.root / ".cache"

    @property
    def catalog(self) -> Path:
        """The catalogue of raw data files: source, licence, synthetic or real, hash."""
        return self.raw / "catalog.yaml"


FILE_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}"
"""Ids that become parts of file names (run, centre, protocol, scenario): letters,
digits, ``_`` and ``-``; no ``/``, ``\\``, ``.`` or space, so never a path."""


def check_file_id(value: object, field: str, *, file: str | os.PathLike[str] | None = None) -> str:
    """``value`` if it is a safe id for file names, else an :class:`InputError`."""
    from analysis.errors import InputError, Rule

    if not isinstance(value, str) or not re.fullmatch(FILE_ID_PATTERN, value):
        raise InputError(
            Rule(
                de=f"{field} muss eine einfache Kennung sein ({FILE_ID_PATTERN}: Buchstaben, "
                "Ziffern, '_' oder '-'; kein '/', '..' und keine Leerzeichen), weil damit "
                "Dateien benannt werden",
                en=f"{field} must be a plain id ({FILE_ID_PATTERN}: letters, digits, '_' or "
                "'-'; no '/', '..' or spaces), because it names files",
            ),
            file=file,
            column=field,
            value=value,
        )
    return value


def project(root: str | os.PathLike[str] | None = None) -> ProjectPaths:
    """Paths of the project at ``root`` (default: this checkout or ``$ANALYSIS_ROOT``)."""
    return ProjectPaths(Path(root).resolve() if root is not None else _default_root())


ROOT = _default_root()
DATA = ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
REPORTS = ROOT / "reports"
NOTEBOOKS = ROOT / "notebooks"
SHARED = ROOT.parent / "shared"
"""The steering repo's shared folder beside the checkout (seed protocol, regional data)."""
