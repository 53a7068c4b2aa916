"""Atomic writes: a destination is always wholly old or wholly new."""

from __future__ import annotations

import os
import stat
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


@pytest.mark.parametrize("mask", [0o002, 0o022, 0o077])
def test_written_files_get_the_mode_of_the_umask(tmp_path: Path, mask: int) -> None:
    """Not mkstemp's private 0o600: 0o666 less the umask, as open() would give."""
    old = os.umask(mask)
    try:
        assert atomic.umask() == mask
        target = atomic.write_text(tmp_path / "index.html", "<html></html>")
        atomic.write_text(target, "again")  # replacing keeps the same rule
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_recover_puts_back_a_folder_left_aside(tmp_path: Path) -> None:
    """What a SIGKILL between replace_dir's two renames leaves: the old folder aside and
    none in its place. recover() renames it back; a folder aside whose name is in place
    again is left for sweep()."""
    aside = tmp_path / ".run.0123abcd.old.tmp"
    (aside / "figures").mkdir(parents=True)
    (aside / "figures" / "f.png").write_bytes(b"png")
    done = tmp_path / ".other.89abcdef.old.tmp"
    done.mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / ".note.html.abc.tmp").write_text("half")
    assert atomic.recover(tmp_path) == [tmp_path / "run"]
    assert (tmp_path / "run" / "figures" / "f.png").read_bytes() == b"png"
    assert done.is_dir()  # not restored: 'other' is in place
    atomic.sweep(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "run"]


def test_replace_dir_killed_between_renames_is_recoverable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "run"
    old.mkdir()
    (old / "sheet.xlsx").write_text("old")
    new = tmp_path / "staged"
    new.mkdir()
    (new / "sheet.xlsx").write_text("new")
    real = os.replace
    calls = []

    def die_on_second(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt  # stands for the SIGKILL: nothing after runs
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic.os, "replace", die_on_second)
    with pytest.raises(KeyboardInterrupt):
        atomic.replace_dir(new, old)
    monkeypatch.undo()
    assert not old.exists()
    atomic.recover(tmp_path)
    assert (old / "sheet.xlsx").read_text() == "old"
