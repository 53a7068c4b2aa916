"""Tests of analysis.pipeline.evidence: cited workshop statements checked and listed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from analysis.catalog import validate_files
from analysis.errors import InputError
from analysis.pipeline import evidence
from analysis.pipeline.kinds import VALIDATORS
from analysis.sroi import centre as sroi_centre

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
SEED = "dorv_juelich_strukturschwache_gebiete"


def _centre_with(tmp_path: Path, evidence_ids: list[str]) -> Path:
    """barmen.yaml in a scratch data/raw, its first outcome citing ``evidence_ids``."""
    raw = tmp_path / "raw"
    (raw / "sroi").mkdir(parents=True)
    shutil.copytree(RAW / "protocols", raw / "protocols")
    data = yaml.safe_load((RAW / "sroi" / "barmen.yaml").read_text())
    data["impact_map"]["outcomes"][0]["evidence"] = evidence_ids
    path = raw / "sroi" / "barmen.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def test_barmen_cites_only_existing_statements() -> None:
    imap = sroi_centre.load_centre("barmen")
    cited = sroi_centre.citations(imap.raw)
    assert len({c.statement for c in cited}) >= 10
    assert {c.kind for c in cited} == {"outcome", "input", "figure"}
    evidence.check_evidence(imap)  # no error
    assert evidence.validate_centre_file(RAW / "sroi" / "barmen.yaml") is not None


def test_unknown_statement_names_file_field_id_and_nearest(tmp_path: Path) -> None:
    path = _centre_with(tmp_path, [f"{SEED}#a2", f"{SEED}#c9"])
    with pytest.raises(InputError) as err:
        evidence.validate_centre_file(path)
    (p,) = err.value.problems
    assert p.file == str(path)
    assert p.column == "impact_map.outcomes.local_shopping.evidence"
    assert p.value == f"{SEED}#c9"
    assert "does not exist" in str(p.rule) and f"{SEED}#c" in str(p.rule)  # nearest ids named
    assert "die zitierte Workshop-Aussage gibt es in den Protokollen nicht" in p.text("de")
    assert f"nächste vorhandene: {SEED}#c" in p.text("de")


def test_malformed_statement_id_is_a_schema_error(tmp_path: Path) -> None:
    path = _centre_with(tmp_path, ["not an id"])
    with pytest.raises(InputError) as err:
        evidence.validate_centre_file(path)
    assert "evidence" in str(err.value)
    path = _centre_with(tmp_path / "b", f"{SEED}#a2")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="must be a list"):
        evidence.validate_centre_file(path)


def test_the_runner_sees_the_bad_citation_before_any_notebook(tmp_path: Path) -> None:
    path = _centre_with(tmp_path, [f"{SEED}#z1"])
    problems = validate_files(path.parents[1], [path], VALIDATORS)
    assert problems and problems[0].column == "impact_map.outcomes.local_shopping.evidence"


def test_evidence_table_lists_which_statements_feed_which_centre() -> None:
    table = evidence.evidence_table()
    assert list(table.columns) == list(evidence.EVIDENCE_COLUMNS)
    assert set(table["protocol_id"]) == {SEED}
    row = table[table["statement_id"] == f"{SEED}#b5"]
    assert set(row["centre_id"]) == {"barmen"}
    assert "Rendite muss aber nicht nur Geld sein" in set(row["text"])
    assert table["statement_id"].is_unique is False  # one row per citation


def test_saved_scenario_kind_validates_its_centre(tmp_path: Path) -> None:
    path = _centre_with(tmp_path, [f"{SEED}#a2"])
    folder = path.parent / "scenarios"
    folder.mkdir()
    scen = folder / "barmen__x.yaml"
    doc = {
        "centre": "barmen",
        "name": "x",
        "description": "d",
        "saved": "2026-11-30",
        "overrides": [{"path": "impact_map.outcomes.nope.quantity", "value": 1, "assumption": "a"}],
    }
    scen.write_text(yaml.safe_dump(doc))
    problems = validate_files(path.parents[1], [scen], VALIDATORS)
    assert problems and "override path does not address a figure" in str(problems[0].rule)
    (folder / "barmen__y.yaml").write_text(yaml.safe_dump({**doc, "name": "x"}))
    with pytest.raises(InputError, match="file name must be"):
        VALIDATORS["sroi_scenario"](folder / "barmen__y.yaml")


def test_unknown_protocol_is_named(tmp_path: Path) -> None:
    path = _centre_with(tmp_path, ["dorv_juelich_strukturschwache_gebite#a2"])
    with pytest.raises(InputError) as err:
        evidence.validate_centre_file(path)
    rule = str(err.value.problems[0].rule)
    assert "no readable protocol 'dorv_juelich_strukturschwache_gebite'" in rule
    assert f"nearest existing: {SEED}#a2" in rule


def test_business_items_may_cite_statements(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "sroi").mkdir(parents=True)
    data = yaml.safe_load((RAW / "sroi" / "barmen.yaml").read_text())
    data["business"]["premises"]["evidence"] = [f"{SEED}#c3", f"{SEED}#c7"]
    path = raw / "sroi" / "barmen.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    cited = [c for c in sroi_centre.citations(data) if c.field == "business.premises"]
    assert [c.kind for c in cited] == ["item", "item"]
    with pytest.raises(InputError) as err:
        evidence.validate_centre_file(path)
    (p,) = err.value.problems
    assert p.column == "business.premises.evidence" and p.value == f"{SEED}#c7"
