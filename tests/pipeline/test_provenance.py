"""Provenance: git state and package versions."""

from __future__ import annotations

import subprocess
from pathlib import Path

from analysis.pipeline import provenance


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_git_info_commit_and_dirty_ignoring_generated_folders(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "t@example.invalid")
    _git(tmp_path, "config", "user.name", "t")
    (tmp_path / "a.txt").write_text("a")
    _git(tmp_path, "add", "a.txt")
    _git(tmp_path, "commit", "-qm", "a")
    provenance.git_info.cache_clear()
    info = provenance.git_info(tmp_path)
    assert len(info["commit"]) == 40 and info["dirty"] is False
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "x.html").write_text("generated")
    provenance.git_info.cache_clear()
    assert provenance.git_info(tmp_path)["dirty"] is False
    (tmp_path / "a.txt").write_text("changed")
    provenance.git_info.cache_clear()
    assert provenance.git_info(tmp_path)["dirty"] is True


def test_git_info_outside_git(tmp_path: Path) -> None:
    provenance.git_info.cache_clear()
    assert provenance.git_info(tmp_path) == {"commit": None, "dirty": None}


def test_package_versions_cover_direct_dependencies() -> None:
    versions = provenance.package_versions()
    for name in ("python", "pandas", "papermill", "statsmodels", "dorv-workbench"):
        assert name in versions and versions[name] != "not installed"
