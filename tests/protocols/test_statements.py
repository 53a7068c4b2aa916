"""Tests of analysis.protocols.statements: statements under their stable ids."""

from __future__ import annotations

from pathlib import Path

from analysis.protocols import statements

PROTOCOLS = Path(__file__).resolve().parents[2] / "data" / "raw" / "protocols"


def test_seed_statements_by_id() -> None:
    texts = statements.statement_texts(PROTOCOLS)
    seed = "dorv_juelich_strukturschwache_gebiete"
    assert texts[f"{seed}#b5"] == "Rendite muss aber nicht nur Geld sein"
    assert texts[f"{seed}#c3"].startswith("Überlassung, Bereitstellung von Räumlichkeiten")
    index = statements.statement_index(PROTOCOLS)
    assert index["statement_id"].is_unique
    assert list(index.columns) == list(statements.COLUMNS)


def test_index_follows_changed_files(tmp_path: Path) -> None:
    p = tmp_path / "w.txt"
    body = (
        "Kurzprotokoll\n\nWorkshop: Test\n\n"
        "a. In welchem Handlungsfeld ist die soziale Organisation tätig?\n\n- eins\n"
    )
    p.write_text(body, encoding="utf-8")
    first = statements.statement_texts(tmp_path)
    p.write_text(body + "- zwei\n", encoding="utf-8")
    second = statements.statement_texts(tmp_path)
    assert "w#a2" not in first and second.get("w#a2") == "zwei"
