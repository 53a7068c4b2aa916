"""Atomic writes: a destination is always wholly old or wholly new."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.pipeline import atomic


def test_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "report.html"
    atomic.write_text(target, "old")
    atomic.write_text(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_failed_write_keeps_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.html"
    target.write_text("last good")

    def boom(*_a: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic.write_text(target, "half")
    assert target.read_text() == "last good"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_replace_dir_swaps_whole_folder(tmp_path: Path) -> None:
    old = tmp_path / "run"
    old.mkdir()
    (old / "fig-01.png").write_text("old")
    (old / "stale.png").write_text("old")
    new = tmp_path / "staged"
    new.mkdir()
    (new / "fig-01.png").write_text("new")
    atomic.replace_dir(new, old)
    assert sorted(p.name for p in old.iterdir()) == ["fig-01.png"]
    assert (old / "fig-01.png").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_sweep_removes_leftover_temporaries_only(tmp_path: Path) -> None:
    (tmp_path / ".report.html.abc.tmp").write_text("half")
    (tmp_path / ".run.1234.old.tmp").mkdir()
    (tmp_path / "report.html").write_text("good")
    removed = atomic.sweep(tmp_path)
    assert len(removed) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@settings(max_examples=25, deadline=None)
@given(data=st.binary(max_size=4096))
def test_round_trip_any_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    target = tmp_path_factory.mktemp("rt") / "f.bin"
    atomic.write_bytes(target, data)
    assert target.read_bytes() == data
