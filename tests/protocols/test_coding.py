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


def test_a_bad_codebook_reads_in_german(tmp_path: Path) -> None:
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    data["codes"].append(dict(data["codes"][0]))
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_codebook(path)
    assert f"Code doppelt aufgeführt: {data['codes'][0]['code']}" in info.value.text("de")
    data["codes"].pop()
    data["codes"][1]["patterns"] = [r"(?=\w)(\w+\s?)+$"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_codebook(path)
    german = info.value.text("de")
    assert "wiederholt eine Gruppe, die selbst Wiederholungen enthält" in german
    assert "repeats a group that itself repeats" in info.value.text("en")


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
        (p.row, p.column, str(p.rule).split(";")[0].split(" repeats")[0])
        for p in info.value.problems
    ]
    assert (3, "coder_1", "unknown code") in found
    assert (5, "statement_id", "statement_id") in found
    assert any("missing from the sheet" in str(p.rule) for p in info.value.problems)
    german = info.value.text("de")
    assert "unbekannter Code; wählen Sie einen aus der Auswahlliste" in german
    assert "Aussage(n) der Protokolle fehlen im Kodierbogen" in german
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


# --------------------------------------------------------------------------------------
# Bootstrap intervals (κ over units; α after Hayes & Krippendorff 2007)
# --------------------------------------------------------------------------------------

_coded = st.lists(
    st.tuples(st.sampled_from("abcd"), st.sampled_from("abcd")), min_size=2, max_size=40
).filter(lambda rows: len({r[0] for r in rows}) > 1 and len({r[1] for r in rows}) > 1)


@settings(max_examples=40, deadline=None)
@given(_coded)
def test_point_estimates_agree_with_sklearn_and_krippendorff(rows: list[tuple[str, str]]) -> None:
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    from analysis.protocols.coding import alpha_interval, coincidences, kappa_interval

    a, b = [r[0] for r in rows], [r[1] for r in rows]
    assert round(cohens_kappa(a, b), 10) == round(float(cohen_kappa_score(a, b)), 10)
    assert round(kappa_interval(a, b, n_boot=50).estimate, 10) == round(
        float(cohen_kappa_score(a, b)), 10
    )
    sheet = pd.DataFrame({"c1": a, "c2": b})
    codes = {c: i for i, c in enumerate("abcd")}
    data = np.array([[codes[x] for x in a], [codes[x] for x in b]], dtype=float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert round(krippendorff_alpha(sheet), 10) == round(float(expected), 10)
    assert round(coincidences(sheet).alpha, 10) == round(float(expected), 10)
    assert round(alpha_interval(sheet, n_boot=50).estimate, 10) == round(float(expected), 10)


def test_alpha_coincidences_with_missing_match_the_package() -> None:
    """Krippendorff (2011) example C again, through our own coincidence matrix."""
    from analysis.protocols.coding import coincidences

    nan = None
    sheet = pd.DataFrame(
        {
            "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            "C": [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
        }
    ).astype(object)
    sheet = sheet.where(sheet.notna(), None)
    co = coincidences(sheet)
    assert co.n == 40  # Krippendorff 2011: n.. = 40 pairable values
    assert round(co.alpha, 3) == 0.743
    assert co.alpha == pytest.approx(krippendorff_alpha(sheet), abs=1e-12)


def test_perfect_agreement_gives_degenerate_intervals() -> None:
    """20 units, two codes, both coders always agree: every κ replicate is 1; every α
    replicate draws only agreeing pairs (α* = 1) and the KALPHA correction sets
    round(2000 · 2 · 0.5^20) = 0 of them to 0, so both intervals are [1, 1]."""
    from analysis.protocols.coding import alpha_interval, kappa_interval

    codes = ["a", "b"] * 10
    sheet = pd.DataFrame({"c1": codes, "c2": codes})
    for ci in (kappa_interval(codes, codes), alpha_interval(sheet)):
        assert (ci.estimate, ci.low, ci.high) == (1.0, 1.0, 1.0)
        assert ci.replicates == 2000 and ci.units == 20


def test_alpha_small_sample_correction_by_hand() -> None:
    """Units (a,a), (a,a), (b,b): o_aa = 4, o_bb = 2, n.. = 6, P = 3 pairs. All 1,000
    replicates are 1; round(1000 · ((4/6)³ + (2/6)³)) = round(333.3) = 333 of them are
    set to 0 (Hayes' correction for samples without variation), so the sorted 25th
    replicate (lower bound) is 0 and the 976th (upper) is 1."""
    from analysis.protocols.coding import alpha_interval

    sheet = pd.DataFrame({"c1": ["a", "a", "b"], "c2": ["a", "a", "b"]})
    ci = alpha_interval(sheet, n_boot=1000)
    assert (ci.estimate, ci.low, ci.high) == (1.0, 0.0, 1.0)


def test_alpha_replicates_are_a_binomial_of_disagreements() -> None:
    """Nominal α*: 1 − X/(M·D_e), X ~ Binomial(M, D_o). Units (a,a), (b,b), (a,b): q = 4
    non-zero cells, M = min(25·4, 1·6/2) = 3 pairs, D_o = 2/6, D_e = 18/30 = 0.6, so
    α* ∈ {1, 1 − 1/1.8, 1 − 2/1.8, 1 − 3/1.8 = −0.667} (above −1: nothing clipped),
    and up to round(4000 · ((2/6)³ + (2/6)³)) = 296 of the ones are set to 0."""
    from analysis.protocols.coding import alpha_interval

    sheet = pd.DataFrame({"c1": ["a", "b", "a"], "c2": ["a", "b", "b"]})
    ci = alpha_interval(sheet, n_boot=4000, seed=7)
    possible = {1.0, 0.0, 1 - 1 / 1.8, 1 - 2 / 1.8, 1 - 3 / 1.8}
    assert any(ci.low == pytest.approx(v) for v in possible)
    assert any(ci.high == pytest.approx(v) for v in possible)
    assert ci.estimate == pytest.approx(4 / 9)
    assert alpha_interval(sheet, n_boot=4000, seed=7) == ci  # seeded


def test_kappa_interval_is_seeded_and_brackets_estimate() -> None:
    from analysis.protocols.coding import kappa_interval

    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    ci = kappa_interval(a, b, seed=3)
    assert ci == kappa_interval(a, b, seed=3)
    assert ci.low < 0.4 < ci.high
    assert ci.estimate == pytest.approx(0.4)
    assert kappa_interval(a, b, seed=4) != ci


def _two_coder_sheets(tmp_path: Path, codebook, suggested: pd.DataFrame) -> list[Path]:  # type: ignore[no-untyped-def]
    files = []
    for pid, part in suggested.groupby("protocol_id", sort=False):
        path = export_coding_sheet(part, codebook, tmp_path / f"kodierbogen_{pid}.xlsx")
        first = [s[0] if s else "other" for s in part["suggested"]]
        second = [c if i % 4 else "other" for i, c in enumerate(first)]
        _fill(path, {"coder_1": first, "coder_2": second})
        files.append(path)
    return files


def test_reliability_per_workshop_and_series(tmp_path: Path, codebook) -> None:  # type: ignore[no-untyped-def]
    from analysis.protocols.coding import (
        ALL,
        coding_sheet_files,
        read_coding_sheets,
        reliability,
    )

    suggested = suggest_codes(load_protocols(paths.RAW / "protocols"), codebook)
    files = _two_coder_sheets(tmp_path, codebook, suggested)
    assert coding_sheet_files(str(tmp_path), paths.RAW) == sorted(files)
    assert coding_sheet_files(str(tmp_path / "kodierbogen_fiktiv_*.xlsx"), paths.RAW) == sorted(
        f for f in files if "fiktiv_" in f.name
    )
    # only two of four workshops' sheets: partly coded, reported, not refused
    sheets = read_coding_sheets(files[:2], codebook, suggested)
    assert list(sheets.codes.index) == list(suggested["statement_id"])
    table = reliability(sheets.codes, suggested, sheets.in_sheet, n_boot=200)
    assert table["scope"].tolist() == [*suggested["protocol_id"].unique(), ALL]
    series = table.iloc[-1]
    coded = int(suggested["protocol_id"].isin(suggested["protocol_id"].unique()[:2]).sum())
    assert series["statements"] == len(suggested)
    assert series["coded_by_all"] == series["in_sheet"] == coded
    assert table.iloc[2]["coded_by_all"] == 0 and math.isnan(table.iloc[2]["kappa"])
    full = read_coding_sheets(files, codebook, suggested)
    table = reliability(full.codes, suggested, full.in_sheet, n_boot=200)
    for row in table.itertuples():
        assert row.kappa_low <= row.kappa <= row.kappa_high
        assert row.alpha_low <= row.alpha + 1e-12 and row.alpha <= row.alpha_high + 1e-12
    # a workshop's interval does not depend on the other workshops
    alone = read_coding_sheets(files[:1], codebook, suggested)
    first = reliability(alone.codes, suggested, alone.in_sheet, n_boot=200).iloc[0]
    assert (first["kappa_low"], first["alpha_high"]) == (
        table.iloc[0]["kappa_low"],
        table.iloc[0]["alpha_high"],
    )


def test_read_coding_sheets_refuses_stale_and_doubled_statements(tmp_path: Path, codebook) -> None:  # type: ignore[no-untyped-def]
    from analysis.protocols.coding import coding_sheet_files, read_coding_sheets

    suggested = suggest_codes(load_protocols(paths.RAW / "protocols"), codebook)
    (first, *_) = _two_coder_sheets(tmp_path, codebook, suggested)
    copy = tmp_path / "copy.xlsx"
    shutil.copy(first, copy)
    wb = load_workbook(copy)
    wb["Kodierung"]["E3"] = "Ein ganz anderer Text"
    wb.save(copy)
    with pytest.raises(InputError) as info:
        read_coding_sheets([first, copy], codebook, suggested)
    rules = {
        (p.row, p.column, str(p.rule).split(" (")[0].split(",")[0]) for p in info.value.problems
    }
    assert (3, "text", "text differs from the protocol's statement with this id") in rules
    assert (2, "statement_id", f"statement also in {first}") in rules
    with pytest.raises(InputError, match="no coding sheet found"):
        coding_sheet_files("nothing/*.xlsx", tmp_path)


def test_needs_and_offers_never_lists_the_catch_all_as_gap(codebook) -> None:  # type: ignore[no-untyped-def]
    from analysis.protocols.coding import needs_and_offers

    codings = pd.DataFrame(
        [("w#c1", "w", "c", "other"), ("w#c2", "w", "c", "premises")],
        columns=["statement_id", "protocol_id", "question", "code"],
    )
    table = needs_and_offers(codings, codebook)
    assert table.loc["other", "needs"] == 1 and not table.loc["other", "gap"]
    assert table.loc["premises", "gap"]


@pytest.mark.parametrize(("n_boot", "level"), [(0, 0.95), (100, 1.0), (100, 0.0), (2.5, 0.9)])
def test_intervals_refuse_bad_settings(n_boot, level) -> None:  # type: ignore[no-untyped-def]
    from analysis.protocols.coding import alpha_interval, kappa_interval

    sheet = pd.DataFrame({"c1": ["a", "b"], "c2": ["a", "a"]})
    with pytest.raises(ValueError):
        kappa_interval(sheet["c1"], sheet["c2"], n_boot=n_boot, level=level)
    with pytest.raises(ValueError):
        alpha_interval(sheet, n_boot=n_boot, level=level)


# -- Fleiss' κ for more than two coders ------------------------------------------------------

FLEISS_WIKIPEDIA = [  # 10 units × 5 codes, 14 coders per unit (Fleiss' kappa, Wikipedia)
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def _sheet_from_counts(counts: list[list[int]]) -> pd.DataFrame:
    """Units × coders: each unit's codes ``c0…`` as often as its counts say."""
    rows = [[f"c{j}" for j, n in enumerate(unit) for _ in range(n)] for unit in counts]
    return pd.DataFrame(rows, columns=[f"coder{i}" for i in range(len(rows[0]))])


def test_fleiss_kappa_published_example() -> None:
    """The worked example of the Wikipedia article "Fleiss' kappa" (after Fleiss 1971):
    P̄ = 0.378, P̄_e = 0.213, κ = 0.210; hand-checked: P̄_e = Σ p_j² with p_j =
    (20, 28, 39, 21, 32) / 140."""
    from analysis.protocols.coding import fleiss_kappa

    p_j = np.array([20, 28, 39, 21, 32]) / 140
    assert round(float((p_j**2).sum()), 3) == 0.213
    assert round(fleiss_kappa(_sheet_from_counts(FLEISS_WIKIPEDIA)), 3) == 0.210


def test_fleiss_kappa_leaves_out_units_not_coded_by_all_and_one_code_is_one() -> None:
    from analysis.protocols.coding import fleiss_kappa, fleiss_kappa_interval

    sheet = pd.DataFrame(
        {"a": ["x", "x", "y", None], "b": ["x", "x", "y", "y"], "c": ["x", "y", "y", "x"]}
    )
    # hand-computed over the first three units: P_i = 1, 1/3, 1 → P̄ = 7/9;
    # p = (4/9, 5/9) → P̄_e = 41/81; κ = (63/81 − 41/81) / (40/81) = 22/40
    assert fleiss_kappa(sheet) == pytest.approx(22 / 40)
    same = pd.DataFrame({"a": ["x", "x"], "b": ["x", "x"], "c": ["x", "x"]})
    assert fleiss_kappa(same) == 1.0
    iv = fleiss_kappa_interval(same, n_boot=50)
    assert (iv.estimate, iv.low, iv.high, iv.units) == (1.0, 1.0, 1.0, 2)


def test_fleiss_kappa_interval_is_seeded_and_brackets_estimate() -> None:
    from analysis.protocols.coding import fleiss_kappa_interval

    sheet = _sheet_from_counts(FLEISS_WIKIPEDIA)
    a = fleiss_kappa_interval(sheet, n_boot=300, seed=3)
    assert a == fleiss_kappa_interval(sheet, n_boot=300, seed=3)
    assert a.low <= a.estimate <= a.high and a.units == 10


@given(st.permutations(range(14)))
@settings(max_examples=25)
def test_fleiss_kappa_does_not_depend_on_the_order_of_coders(order: list[int]) -> None:
    from analysis.protocols.coding import fleiss_kappa

    sheet = _sheet_from_counts(FLEISS_WIKIPEDIA)
    assert fleiss_kappa(sheet.iloc[:, order]) == pytest.approx(fleiss_kappa(sheet))


def test_reliability_with_three_coders_gives_fleiss_kappa() -> None:
    from analysis.protocols.coding import ALL, fleiss_kappa, reliability
    from analysis.protocols.documentation import reliability_table, reliability_text

    codes = pd.DataFrame(
        {"a": ["x", "x", "y", "y"], "b": ["x", "x", "y", "x"], "c": ["x", "y", "y", "y"]},
        index=["p#a1", "p#a2", "p#b1", "p#b2"],
    )
    statements = pd.DataFrame({"statement_id": list(codes.index), "protocol_id": ["p"] * 4})
    table = reliability(codes, statements, n_boot=100)
    assert table["scope"].tolist() == ["p", ALL]
    assert set(table["kappa_kind"]) == {"fleiss"}
    assert table.iloc[0]["kappa"] == pytest.approx(fleiss_kappa(codes))
    shown = reliability_table(table, [], "de")
    assert any(c.startswith("Fleiss' κ") for c in shown.columns)
    assert "Fleiss 1971" in reliability_text(table, ["a", "b", "c"], ["s.xlsx"], 1, "de")[1]
