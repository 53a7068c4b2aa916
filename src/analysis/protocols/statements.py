"""Every workshop statement under its stable id, for citing protocols elsewhere.

A centre file cites statements as evidence (``evidence: [<protocol>#c3]``); this module
gives the statements of a protocol folder keyed by
:func:`analysis.protocols.parse.statement_id`, built only on the parser's public API
(:func:`~analysis.protocols.parse.load_protocols`, :func:`~analysis.protocols.parse.statement_id`).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from analysis.protocols.parse import load_protocols, protocol_files, statement_id

COLUMNS = ("statement_id", "protocol_id", "workshop", "fictional", "question", "position", "text")


def _fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for p in protocol_files(folder):
        st = p.stat()
        out.append((p.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _index(folder: str, fingerprint: tuple[tuple[str, int, int], ...]) -> pd.DataFrame:
    frame = load_protocols(folder, errors="collect")
    ids = [
        statement_id(p, q, int(n))
        for p, q, n in zip(frame["protocol_id"], frame["question"], frame["position"], strict=True)
    ]
    out = frame.assign(statement_id=ids)[list(COLUMNS)]
    out.attrs["problems"] = frame.attrs.get("problems", [])
    return out


def statement_index(folder: str | Path) -> pd.DataFrame:
    """One row per statement of every readable protocol in ``folder`` (see
    :data:`COLUMNS`); unreadable files are left out (their problems in
    ``frame.attrs["problems"]``). Cached while the folder's files are unchanged."""
    folder = Path(folder)
    return _index(str(folder.resolve()), _fingerprint(folder)).copy()


def statement_texts(folder: str | Path) -> dict[str, str]:
    """Statement id → the statement's text as written."""
    frame = statement_index(folder)
    return dict(zip(frame["statement_id"], frame["text"], strict=True))
