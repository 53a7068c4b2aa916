"""Provenance of a run: code version, environment and timing.

Recorded per run in ``reports/manifest.json`` (git commit and dirty flag,
parameters, content hashes, package versions, start, end, duration, status), so
that every number in a report can be traced to the code and data that made it.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata as md
import platform
import re
import subprocess
from pathlib import Path
from typing import Any

DISTRIBUTION = "dorv-workbench"


def now() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@functools.cache
def git_info(root: Path) -> dict[str, Any]:
    """Commit and dirty flag of the checkout at ``root`` (``None`` outside git).

    Generated folders (reports/, data/processed/, .cache/) do not count as dirty.
    """
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            [
                "git",
                "status",
                "--porcelain",
                "--",
                ".",
                ":!reports",
                ":!data/processed",
                ":!.cache",
            ],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


@functools.cache
def package_versions() -> dict[str, str]:
    """Versions of Python, the workbench and each of its direct dependencies."""
    versions = {"python": platform.python_version()}
    try:
        versions[DISTRIBUTION] = md.version(DISTRIBUTION)
        requirements = md.requires(DISTRIBUTION) or []
    except md.PackageNotFoundError:
        requirements = []
    for req in requirements:
        if "extra ==" in req:
            continue
        name = re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0]
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = "not installed"
    return dict(sorted(versions.items()))


def workbench_version() -> str:
    try:
        return md.version(DISTRIBUTION)
    except md.PackageNotFoundError:
        from analysis import __version__

        return __version__
