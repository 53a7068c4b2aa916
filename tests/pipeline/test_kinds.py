"""Kinds of raw file and domains of parameters: which loader checks what."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import catalog
from analysis.errors import InputError
from analysis.pipeline.kinds import DOMAINS, VALIDATORS, validate_coding_sheet

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


def test_every_domain_of_the_parameter_types_has_a_check() -> None:
    from analysis.pipeline.params import Domain, _markers, _namespace

    names = {d.name for t in _namespace().values() for d in _markers(t, Domain)}
    assert names == set(DOMAINS) == {"centre", "scenario", "protocol"}


@pytest.mark.parametrize(
    ("domain", "value", "parameters", "rule"),
    [
        ("centre", "barmen", {}, None),
        ("centre", "nowhere", {}, "no centre file data/raw/sroi/nowhere.yaml (centres: barmen"),
        ("scenario", "conservative", {"centre_id": "fictional_village"}, None),
        (
            "scenario",
            "pessimistic",
            {"centre_id": "barmen"},
            "scenario 'pessimistic' is not declared in data/raw/sroi/barmen.yaml "
            "(scenarios: base, conservative, optimistic)",
        ),
        ("scenario", "base", {"centre_id": "nowhere"}, None),  # the centre's check reports it
        ("protocol", "dorv_juelich_strukturschwache_gebiete", {}, None),
        ("protocol", "x", {}, "no protocol file data/raw/protocols/x.* (protocols: dorv_juelich"),
    ],
)
def test_domain_checks_against_the_shipped_data(
    domain: str, value: str, parameters: dict, rule: str | None
) -> None:
    got = DOMAINS[domain](value, parameters, RAW)
    assert got == rule if rule is None else rule in str(got)


def test_a_domain_rule_reads_in_german() -> None:
    got = DOMAINS["scenario"]("pessimistic", {"centre_id": "barmen"}, RAW)
    assert got is not None
    assert "das Szenario 'pessimistic' ist in data/raw/sroi/barmen.yaml nicht angelegt" in got.de
    assert "(Szenarien: base, conservative, optimistic)" in got.de


def test_a_filled_coding_sheet_is_a_kind_checked_against_the_codebook(tmp_path: Path) -> None:
    from analysis.protocols import coding
    from analysis.protocols import parse as protocols

    raw = tmp_path / "raw"
    (raw / "sheets").mkdir(parents=True)
    shutil.copy(RAW / "codebook.yaml", raw / "codebook.yaml")
    book = coding.load_codebook(raw / "codebook.yaml")
    found = protocols.read_protocols(RAW / "protocols")
    statements = coding.suggest_codes(protocols.to_frame(found.protocols), book)
    sheet = coding.export_coding_sheet(statements, book, raw / "sheets" / "kodierbogen_a.xlsx")
    assert catalog.infer_kind("sheets/kodierbogen_a.xlsx") == "coding_sheet"
    assert VALIDATORS["coding_sheet"] is validate_coding_sheet
    assert catalog.validate_files(raw, [sheet], VALIDATORS) == []
    sheet.write_bytes(b"not a workbook")
    (problem,) = catalog.validate_files(raw, [sheet], VALIDATORS)
    assert problem.file.endswith("kodierbogen_a.xlsx") and "XLSX" in str(problem.rule)
    orphan = tmp_path / "kodierbogen_b.xlsx"
    orphan.write_bytes(b"x")
    with pytest.raises(InputError, match=r"no codebook\.yaml above the coding sheet") as err:
        validate_coding_sheet(orphan)
    assert "kein codebook.yaml oberhalb des Kodierbogens" in err.value.text("de")
