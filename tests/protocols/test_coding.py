"""Codebook rules, XLSX coding sheet round trip, κ and α against published examples."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from analysis import paths
from analysis.errors import InputError
from analysis.protocols.coding import (
    co_occurrence,
    code_frequencies,
    codings_from_sheet,
    codings_from_suggestions,
    cohens_kappa,
    export_coding_sheet,
    import_coding_sheet,
    keyword_pattern,
    krippendorff_alpha,
    load_codebook,
    suggest,
    suggest_codes,
)
from analysis.protocols.parse import load_protocols

CODEBOOK = paths.RAW / "codebook.yaml"
SEED = paths.RAW / "protocols" / "dorv_juelich_strukturschwache_gebiete.txt"
SEED_THEMES = [
    "eye_level",
    "mutual_understanding",
    "non_monetary_return",
    "premises",
    "communication",
    "partner_networks",
    "early_funding",
    "politics",
    "regionalisation",
    "civic_engagement",
    "heads_not_stones",
]


@pytest.fixture(scope="module")
def codebook():  # type: ignore[no-untyped-def]
    return load_codebook(CODEBOOK)


@pytest.fixture(scope="module")
def seed_suggested(tmp_path_factory, codebook):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("seed")
    shutil.copy(SEED, folder / SEED.name)
    return suggest_codes(load_protocols(folder), codebook)


# --------------------------------------------------------------------------------------
# Codebook and rules
# --------------------------------------------------------------------------------------


def test_codebook_holds_the_seed_themes(codebook) -> None:  # type: ignore[no-untyped-def]
    assert codebook.names[: len(SEED_THEMES)] == SEED_THEMES
    assert codebook.names[-1] == "other"
    assert codebook.get("eye_level").label("de") == "Kooperation auf Augenhöhe"
    assert codebook.get("eye_level").label("en") == "Cooperation at eye level"


@pytest.mark.parametrize(
    ("keyword", "hits", "misses"),
    [
        ("Räumlichkeit", ["Räumlichkeiten", "räumlichkeit"], ["Raum"]),
        ("Räume", ["Raum", "Räumen", "Räume"], ["Raumteiler"]),
        ("Miete", ["Miete", "Mieten"], ["Mieter", "Mieterinnen"]),
        ("*versorgung", ["Nahversorgungszentrum", "Versorgung"], ["Versorger"]),
        ("beteilig*", ["beteiligt", "Beteiligung"], ["Mieterbeteiligung"]),
        ("soziales Gefüge", ["soziales  Gefüge", "sozialen Gefüges"], ["Gefüge"]),
    ],
)
def test_keywords_tolerate_inflection(keyword: str, hits: list[str], misses: list[str]) -> None:
    import re

    from analysis.protocols.parse import fold

    rx = re.compile(keyword_pattern(keyword))
    for word in hits:
        assert rx.search(fold(word)), (keyword, word)
    for word in misses:
        assert not rx.search(fold(word)), (keyword, word)


def test_suggestions_on_seed_statements(seed_suggested) -> None:  # type: ignore[no-untyped-def]
    by_id = dict(zip(seed_suggested["statement_id"], seed_suggested["suggested"], strict=True))
    sid = "dorv_juelich_strukturschwache_gebiete#{}".format
    assert by_id[sid("e1")] == ["politics"]
    assert by_id[sid("e2")] == ["partner_networks", "regionalisation"]
    assert by_id[sid("b5")] == ["non_monetary_return"]
    assert by_id[sid("c1")] == ["early_funding"]
    assert by_id[sid("c3")] == ["premises"]
    assert by_id[sid("d4")] == ["heads_not_stones"]
    assert by_id[sid("d5")] == ["eye_level"]
    assert "civic_engagement" in by_id[sid("e3")]
    assert set(by_id[sid("b1")]) >= {"eye_level", "mutual_understanding"}
    # Every theme of the seed is suggested for at least one seed statement.
    found = {c for codes in seed_suggested["suggested"] for c in codes}
    assert set(SEED_THEMES) <= found


def test_code_matches_names_the_rule(codebook) -> None:  # type: ignore[no-untyped-def]
    assert codebook.get("premises").matches("Mietgünstige Räume bereitstellen") == [
        "Raum",
        "Räume",
        "mietgünstig*",
    ]
    assert suggest("Ganz ohne Bezug.", codebook) == []


@pytest.mark.parametrize(
    ("mutate", "column"),
    [
        (lambda d: d["codes"].append(dict(d["codes"][0])), "codes"),
        (lambda d: d["codes"][1].update(patterns=["(unclosed"]), "codes.1.patterns"),
        (lambda d: d["codes"][2].pop("label_en"), "codes.2.label_en"),
        (lambda d: d["codes"][0].update(code="Eye Level"), "codes.0.code"),
    ],
)
def test_bad_codebook(tmp_path: Path, mutate, column: str) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_codebook(path)
    assert info.value.file == str(path)
    assert info.value.column == column


# --------------------------------------------------------------------------------------
# Coding sheet round trip
# --------------------------------------------------------------------------------------


def _fill(path: Path, values: dict[str, list[str | None]]) -> None:
    wb = load_workbook(path)
    ws = wb["Kodierung"]
    header = [c.value for c in ws[1]]
    for coder, codes in values.items():
        col = header.index(coder) + 1
        for r, code in enumerate(codes, start=2):
            ws.cell(row=r, column=col, value=code)
    wb.save(path)


def test_sheet_has_dropdowns_and_round_trips(tmp_path: Path, seed_suggested, codebook) -> None:  # type: ignore[no-untyped-def]
    path = export_coding_sheet(
        seed_suggested, codebook, tmp_path / "sheet.xlsx", coders=["anna", "ben"]
    )
    wb = load_workbook(path)
    ws = wb["Kodierung"]
    assert [c.value for c in ws[1]] == [
        "statement_id",
        "protocol_id",
        "question",
        "position",
        "text",
        "suggested",
        "anna",
        "ben",
    ]
    assert ws.max_row == 26
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list"
    assert dv.formula1 == f"=Codebuch!$A$2:$A${len(codebook.names) + 1}"
    assert str(dv.sqref) == "G2:G26 H2:H26"
    assert [r[0].value for r in wb["Codebuch"].iter_rows(min_row=2)] == codebook.names

    anna = [s[0] if s else "other" for s in seed_suggested["suggested"]]
    ben = list(anna)
    ben[0], ben[3] = None, "politics"
    _fill(path, {"anna": anna, "ben": ben})
    sheet = import_coding_sheet(path, codebook, statements=seed_suggested)
    assert list(sheet.columns) == ["anna", "ben"]
    assert list(sheet.index) == list(seed_suggested["statement_id"])
    assert sheet["anna"].tolist() == anna
    assert sheet["ben"].isna().tolist() == [True] + [False] * 24
    consensus = codings_from_sheet(sheet, seed_suggested)
    assert len(consensus) == 24  # unit 4 disagrees, unit 1 has one coder (kept)
    assert list(consensus.columns) == ["statement_id", "protocol_id", "question", "code"]


def test_sheet_import_names_every_problem(tmp_path: Path, seed_suggested, codebook) -> None:  # type: ignore[no-untyped-def]
    path = export_coding_sheet(seed_suggested, codebook, tmp_path / "sheet.xlsx")
    wb = load_workbook(path)
    ws = wb["Kodierung"]
    ws["G3"] = "augenhoehe"
    ws["A5"] = ws["A4"].value
    wb.save(path)
    with pytest.raises(InputError) as info:
        import_coding_sheet(path, codebook, statements=seed_suggested)
    found = [
        (p.row, p.column, p.rule.split(";")[0].split(" repeats")[0]) for p in info.value.problems
    ]
    assert (3, "coder_1", "unknown code") in found
    assert (5, "statement_id", "statement_id") in found
    assert any("missing from the sheet" in p.rule for p in info.value.problems)
    assert all(p.file == str(path) for p in info.value.problems)


def test_sheet_import_refuses_wrong_layout(tmp_path: Path, codebook) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Kodierung"
    wb.active.append(["id", "text", "coder"])
    wb.save(tmp_path / "wrong.xlsx")
    with pytest.raises(InputError, match="the first columns must be"):
        import_coding_sheet(tmp_path / "wrong.xlsx", codebook)
    (tmp_path / "text.xlsx").write_text("no spreadsheet")
    with pytest.raises(InputError, match="not a readable XLSX"):
        import_coding_sheet(tmp_path / "text.xlsx", codebook)


# --------------------------------------------------------------------------------------
# Agreement: published and hand-computed examples
# --------------------------------------------------------------------------------------


def test_kappa_wikipedia_example() -> None:
    """Wikipedia, "Cohen's kappa", section "Simple example" (50 grant proposals, two
    readers: yes/yes 20, yes/no 5, no/yes 10, no/no 15): p_o = 0.7, p_e = 0.5, κ = 0.4.
    By hand: p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5)/(1 − 0.5) = 0.4."""
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohens_kappa(a, b) == pytest.approx(0.4, abs=1e-12)


def test_kappa_three_codes_with_missing_hand_computed() -> None:
    """Ten units, two coders, unit 10 coded by one coder only (left out).

    Table over the 9 pairable units (rows coder A, columns coder B; codes x, y, z):
    x: [3, 1, 0]; y: [0, 2, 1]; z: [0, 0, 2]. p_o = 7/9; A marginals 4, 3, 2;
    B marginals 3, 3, 3; p_e = (4·3 + 3·3 + 2·3)/81 = 27/81 = 1/3;
    κ = (7/9 − 1/3)/(1 − 1/3) = (4/9)/(2/3) = 2/3.
    """
    a = ["x", "x", "x", "x", "y", "y", "y", "z", "z", "x"]
    b = ["x", "x", "x", "y", "y", "y", "z", "z", "z", None]
    assert cohens_kappa(a, b) == pytest.approx(2 / 3, abs=1e-12)


def test_alpha_krippendorff_2011_example() -> None:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C:
    4 observers, 12 units, missing values; nominal α = 0.743."""
    nan = None
    data = {
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        "C": [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    }
    codes = {1: "eye_level", 2: "premises", 3: "politics", 4: "other", 5: "communication"}
    sheet = pd.DataFrame({k: [codes.get(v) for v in vals] for k, vals in data.items()})
    assert round(krippendorff_alpha(sheet), 3) == 0.743


def test_alpha_hand_computed() -> None:
    """Units (a,a), (b,b), (a,b): n = 6, n_a = n_b = 3, Σ o_cc = 4;
    α = [(n−1)·Σo_cc − Σ n_c(n_c−1)] / [n(n−1) − Σ n_c(n_c−1)] = (20 − 12)/(30 − 12) = 4/9."""
    sheet = pd.DataFrame({"c1": ["a", "b", "a"], "c2": ["a", "b", "b"]})
    assert krippendorff_alpha(sheet) == pytest.approx(4 / 9, abs=1e-12)
    assert math.isnan(krippendorff_alpha(pd.DataFrame({"c1": ["a", "a"], "c2": ["a", None]})))


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from("abc")), min_size=3, max_size=30
    ).filter(lambda rows: len({v for r in rows for v in r}) > 1)
)
def test_agreement_invariants(rows: list[tuple[str, str]]) -> None:
    a, b = [r[0] for r in rows], [r[1] for r in rows]
    assert cohens_kappa(a, b) == pytest.approx(cohens_kappa(b, a))
    renamed = {"a": "z1", "b": "z2", "c": "z3"}
    sheet = pd.DataFrame({"c1": a, "c2": b})
    alpha = krippendorff_alpha(sheet)
    assert alpha == pytest.approx(krippendorff_alpha(sheet.replace(renamed)))
    assert alpha <= 1.0 + 1e-12
    assert cohens_kappa(a, a) == pytest.approx(1.0)


# --------------------------------------------------------------------------------------
# Frequencies and co-occurrence
# --------------------------------------------------------------------------------------

CODINGS = pd.DataFrame(
    [
        ("w1#a1", "w1", "a", "premises"),
        ("w1#a1", "w1", "a", "politics"),
        ("w1#c1", "w1", "c", "premises"),
        ("w2#c1", "w2", "c", "politics"),
        ("w2#d1", "w2", "d", "premises"),
        ("w2#d1", "w2", "d", "politics"),
        ("w2#d2", "w2", "d", "eye_level"),
    ],
    columns=["statement_id", "protocol_id", "question", "code"],
)


def test_frequencies_and_co_occurrence(codebook) -> None:  # type: ignore[no-untyped-def]
    by_workshop = code_frequencies(CODINGS, codebook)
    assert list(by_workshop.index) == codebook.names
    assert by_workshop.loc["premises"].tolist() == [2, 1]
    assert by_workshop.loc["politics"].tolist() == [1, 2]
    assert by_workshop.loc["eye_level"].tolist() == [0, 1]
    assert by_workshop.loc["regionalisation"].tolist() == [0, 0]
    by_question = code_frequencies(CODINGS, codebook, by="question")
    assert by_question.loc["premises"].to_dict() == {"a": 1, "c": 1, "d": 1}
    co = co_occurrence(CODINGS, codebook)
    assert co.loc["premises", "politics"] == co.loc["politics", "premises"] == 2
    assert co.loc["premises", "premises"] == 3
    assert co.loc["eye_level", "premises"] == 0
    assert np.array_equal(co.to_numpy(), co.to_numpy().T)


def test_codings_from_suggestions(seed_suggested) -> None:  # type: ignore[no-untyped-def]
    codings = codings_from_suggestions(seed_suggested)
    assert len(codings) == sum(len(s) for s in seed_suggested["suggested"])
    assert set(codings["protocol_id"]) == {SEED.stem}
