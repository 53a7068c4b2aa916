"""Atomic file replacement: a report is either the old one or the new one, never half.

Every output is written to a temporary file in the destination's own folder and
renamed over the destination with :func:`os.replace`, which POSIX makes atomic
within one file system. A killed process leaves at most a stray temporary file
(``.*.tmp``), which the runner sweeps away on its next start, or a folder renamed
aside while its replacement was moved in (``.<name>.<hex>.old.tmp``), which
:func:`recover` puts back if the replacement never arrived.

Files get the mode an ordinary ``open()`` would give them (``0o666`` less the
umask), not the private ``0o600`` of :func:`tempfile.mkstemp`: colleagues on a
shared machine can read the reports.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

TMP_SUFFIX = ".tmp"
_ASIDE = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{8}\.old" + re.escape(TMP_SUFFIX) + "$")


def umask() -> int:
    """The process's umask, read without changing it where the OS allows."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        with open("/proc/self/status", encoding="ascii") as fh:
            line = next(x for x in fh if x.startswith("Umask:"))
        return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """Mode of a new file: ``0o666`` less the umask, as ``open()`` would create it."""
    return 0o666 & ~umask()


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (fsync'd temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    try:
        os.fchmod(fd, file_mode())  # mkstemp makes 0o600 whatever the umask
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(err, OSError) and err.errno and err.filename is None:
            # write() and fsync() name no file: say which one could not be written
            raise OSError(err.errno, err.strerror, str(path)) from err
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return write_bytes(path, text.encode("utf-8"))


def replace_file(src: Path, dst: Path) -> Path:
    """Move ``src`` over ``dst`` atomically (both on the same file system)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, dst)
    return dst


def replace_dir(src: Path, dst: Path) -> Path:
    """Swap the folder ``src`` in for ``dst``.

    A folder cannot be renamed over a non-empty one, so the old folder is first
    renamed aside and removed after the new one is in place: at every instant
    ``dst`` is either wholly old, absent for a moment, or wholly new. If the process
    is killed in that moment, :func:`recover` renames the old folder back.
    """
    dst.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if dst.exists():
        old = dst.with_name(f".{dst.name}.{uuid.uuid4().hex[:8]}.old{TMP_SUFFIX}")
        os.replace(dst, old)
    os.replace(src, dst)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return dst


def recover(folder: Path) -> list[Path]:
    """Put back folders that :func:`replace_dir` renamed aside and never replaced.

    A folder ``.<name>.<hex>.old.tmp`` whose ``<name>`` is missing goes back to
    ``<name>`` (the newest, if several); the others are left for :func:`sweep`.
    Returns the folders restored.
    """
    if not folder.is_dir():
        return []
    aside: dict[str, list[Path]] = {}
    for p in folder.glob(f".*.old{TMP_SUFFIX}"):
        m = _ASIDE.match(p.name)
        if m and p.is_dir() and not p.is_symlink():
            aside.setdefault(m["name"], []).append(p)
    restored = []
    for name, found in sorted(aside.items()):
        dst = folder / name
        if dst.exists() or dst.is_symlink():
            continue
        newest = max(found, key=lambda p: p.stat().st_mtime)
        os.replace(newest, dst)
        restored.append(dst)
    return restored


def sweep(folder: Path) -> list[Path]:
    """Remove leftover temporary files and folders (``.*.tmp``) directly under ``folder``."""
    removed = []
    if not folder.is_dir():
        return removed
    for p in folder.glob(f".*{TMP_SUFFIX}"):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
        removed.append(p)
    return removed
