"""Atomic file replacement: a report is either the old one or the new one, never half.

Every output is written to a temporary file in the destination's own folder and
renamed over the destination with :func:`os.replace`, which POSIX makes atomic
within one file system. A killed process leaves at most a stray temporary file
(``.*.tmp``), which the runner sweeps away on its next start.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path

TMP_SUFFIX = ".tmp"


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (fsync'd temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    try:
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
    ``dst`` is either wholly old, absent for a moment, or wholly new.
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
