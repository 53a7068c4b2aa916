"""Loading the official regional data: schemas, documented pitfalls, joins, bad files.

Figures checked against the source CSVs themselves (read here with the csv module,
independently of the loader) and against the data README of shared/data/regional
("Quick orientation", computed from the same files).
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.errors import InputError
from analysis.regional import data as regional
from analysis.regional.data import parse_class
from tests.regional.fixtures import loaded

FOLDER = paths.RAW / "regional"
NEEDED = [
    *regional.DISTRICT_FILES,
    *regional.MUNICIPAL_FILES,
    regional.TYPOLOGY_FILE,
    regional.INDICATOR_FILE,
]


@pytest.fixture(scope="module")
def data() -> regional.RegionalData:
    return loaded()


def raw_row(file: str, key: str) -> dict[str, str]:
    """One row of a source CSV, read with the csv module (not with the loader)."""
    with open(FOLDER / file, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if next(iter(row.values())) == key:
                return row
    raise KeyError(key)


def raw_column(file: str, column: str) -> list[str]:
    with open(FOLDER / file, encoding="utf-8", newline="") as fh:
        return [row[column] for row in csv.DictReader(fh, delimiter=";")]


def copy_folder(tmp_path: Path) -> Path:
    for name in NEEDED:
        shutil.copyfile(FOLDER / name, tmp_path / name)
    return tmp_path


def edit_line(path: Path, line_no: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` once in line ``line_no`` (1-based) of ``path``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line_no - 1]
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def line_of(path: Path, key: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line.startswith(key) or line.startswith(f'"{key}"'):
            return i
    raise KeyError(key)


# --- documented pitfalls -------------------------------------------------------------


def test_keys_are_eight_character_strings_with_leading_zero(data):
    assert "01001000" in data.districts.index  # Flensburg
    assert data.districts.loc["01001000", "name"] == "Flensburg, Stadt"
    assert "01001000" in data.municipalities.index
    for frame in (data.districts, data.municipalities):
        assert all(isinstance(k, str) and len(k) == 8 for k in frame.index)
    assert data.municipalities.loc["01001000", "district"] == "01001000"
    assert data.municipalities.loc["05358024", "district"] == "05358000"


def test_row_counts_match_the_readme(data):
    assert len(data.districts) == 400
    assert len(data.municipalities) == 10_990


def test_minus_9999_is_missing_and_listed(data):
    # Hemme (01051047): p_freibad is -9999.0 in the source file.
    assert raw_row("deutschlandatlas_gem1222.csv", "01051047")["p_freibad"] == "-9999.0"
    assert math.isnan(data.municipalities.loc["01051047", "p_freibad"])
    hit = data.sentinels.query("key == '01051047' and column == 'p_freibad'")
    assert hit["code"].tolist() == ["-9999"]
    # Every -9999 cell of p_markt is missing after loading, none is kept as a number.
    coded = [v for v in raw_column("deutschlandatlas_gem1222.csv", "p_markt") if v == "-9999.0"]
    assert len(coded) == 81
    assert data.municipalities["p_markt"].isna().sum() == 81
    assert data.municipalities.select_dtypes("number").min().min() > -9999
    assert data.districts.select_dtypes("number").min().min() > -9999


def test_minus_99999_is_missing(tmp_path):
    folder = copy_folder(tmp_path)
    path = folder / "deutschlandatlas_gem1222.csv"
    line = line_of(path, "05358024")
    edit_line(path, line, ";1394.0;", ";-99999;")
    table = regional.read_table(path)
    assert math.isnan(table.frame.loc["05358024", "st_einnkr"])
    assert table.sentinels.query("key == '05358024'")["code"].tolist() == ["-99999"]


def test_empty_cells_are_missing_and_listed(data):
    empty = data.sentinels[data.sentinels["code"] == "empty"]
    assert set(empty["column"]) == {"v_lte", "v_5g"}
    assert len(empty) == 4


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("7,00 bis unter 8,50", (7.0, 8.5)),
        ("bis unter 5,50", (0.0, 5.5)),
        ("11,50 und mehr", (11.5, math.inf)),
        ("100 bis unter 200", (100.0, 200.0)),
        ("bis unter 50", (0.0, 50.0)),
        ("500 und mehr", (500.0, math.inf)),
        ("1.000 bis unter 2.000", (1000.0, 2000.0)),
    ],
)
def test_parse_class(label, expected):
    assert parse_class(label) == expected


@pytest.mark.parametrize("label", ["7 bis 8", "8,50 bis unter 7,00", "", "ca. 7 €"])
def test_parse_class_refuses(label):
    with pytest.raises(ValueError):
        parse_class(label)


def test_classed_rents_are_parsed_to_bounds(data):
    dueren = data.districts.loc["05358000"]
    assert raw_row("deutschlandatlas_krs1222.csv", "05358000")["preis_miet"] == (
        "7,00 bis unter 8,50"
    )
    assert dueren["preis_miet"] == "7,00 bis unter 8,50"
    assert (dueren["preis_miet_low"], dueren["preis_miet_high"]) == (7.0, 8.5)
    # Every class label of the file parses; the open classes get 0 and inf.
    labels = data.districts["preis_miet"]
    assert data.districts["preis_miet_low"].notna().all()
    assert (data.districts.loc[labels == "11,50 und mehr", "preis_miet_high"] == math.inf).all()
    assert (labels == "11,50 und mehr").sum() == 46
    assert data.districts.loc["05358000", "preis_baul"] == "100 bis unter 200"
    assert data.districts.loc["05358000", "preis_baul_low"] == 100.0


def test_merged_district_eisenach(data):
    assert "16056000" not in data.districts.index
    assert data.districts.loc["16063000", "settlement_type"] == 4
    assert data.districts["settlement_type"].notna().all()
    # README: n = 67 / 133 / 98 / 102 districts of type 1–4 after joining KRS1222.
    counts = data.districts["settlement_type"].value_counts().sort_index().tolist()
    assert counts == [67, 133, 98, 102]
    # Eisenach, Stadt is a municipality of the Wartburgkreis in 2022.
    assert data.municipalities.loc["16063105", "district"] == "16063000"


def test_merged_district_with_a_different_type_is_refused(tmp_path):
    folder = copy_folder(tmp_path)
    path = folder / regional.TYPOLOGY_FILE
    line = line_of(path, "16056000")
    edit_line(path, line, '"4";"Dünn', '"3";"Dünn')
    with pytest.raises(InputError) as err:
        regional.settlement_types(regional.read_table(path), loaded().districts.index)
    assert "different settlement type" in err.value.rule
    assert err.value.row == line
    assert err.value.file == str(path)


def test_district_without_successor_is_refused(tmp_path):
    folder = copy_folder(tmp_path)
    path = folder / regional.TYPOLOGY_FILE
    line = line_of(path, "16056000")
    edit_line(path, line, '"16056000"', '"16099000"')
    with pytest.raises(InputError) as err:
        regional.settlement_types(regional.read_table(path), loaded().districts.index)
    assert "no 2022 counterpart" in err.value.rule
    assert err.value.column == "Kreise (2020) Kennziffer"


def test_municipality_joins_district_and_settlement_type(data):
    m = data.municipalities
    assert (m["district"] == m.index.str[:5] + "000").all()
    assert m["district"].isin(data.districts.index).all()
    juelich = m.loc["05358024"]
    assert juelich["district_name"] == "Düren"
    assert juelich["state_name"] == "Nordrhein-Westfalen"
    assert juelich["settlement_type"] == data.districts.loc["05358000", "settlement_type"] == 2


def test_older_territorial_status_is_joined_by_key_and_reported(data):
    # 2020 Eisenach (16056000) is not a 2022 municipality: listed, not used.
    gone = data.unmatched[data.unmatched["file"] == "deutschlandatlas_gem1220.csv"]
    assert "16056000" in set(gone["key"])
    assert len(gone[gone["rule"].str.startswith("key not in")]) == 15
    assert len(gone[gone["rule"].str.startswith("GEM1222")]) == 4
    assert data.municipalities.loc["05358024", "p_apo"] == float(
        raw_row("deutschlandatlas_gem1220.csv", "05358024")["p_apo"]
    )


def test_juelich_values_equal_the_source_files(data):
    gem = raw_row("deutschlandatlas_gem1222.csv", "05358024")
    krs = raw_row("deutschlandatlas_krs1222.csv", "05358000")
    m = data.municipalities.loc["05358024"]
    for col in ("p_markt", "bev_entw", "st_einnkr", "beschq_insg"):
        assert m[col] == float(gem[col])
    d = data.districts.loc["05358000"]
    for col in ("wohn_leer", "bev_ue65", "alq", "sozsich"):
        assert d[col] == float(krs[col])
    # README "Quick orientation": p_markt 3.79 min, bev_entw +0.4 %/yr; Kreis Düren
    # wohn_leer 2.97 %, bev_ue65 22.0 %, alq 7.1 %, sozsich 10.1 %.
    assert (m["p_markt"], m["bev_entw"]) == (3.79, 0.4)
    assert d["wohn_leer"] == 2.97
    assert (round(d["bev_ue65"], 1), round(d["alq"], 1), round(d["sozsich"], 1)) == (
        22.0,
        7.1,
        10.1,
    )


def test_readme_orientation_figures(data):
    # README: "620 Gemeinden need more than 10 minutes" to the next supermarket.
    assert (data.municipalities["p_markt"] > 10).sum() == 620
    # README: median vacancy by Kreistyp 3.6 / 4.2 / 5.1 / 5.9 %.
    med = data.districts.groupby("settlement_type")["wohn_leer"].median().round(1).tolist()
    assert med == [3.6, 4.2, 5.1, 5.9]


# --- indicator codebook ---------------------------------------------------------------


def test_indicator_definitions_in_german_and_english(data):
    ind = data.indicators
    assert {"p_markt", "wohn_leer", "bev_ue65", "bev_entw", "alq", "sozsich", "st_einnkr"} <= set(
        ind.index
    )
    assert ind.loc["p_markt", "definition_de"].startswith("Mittlere Pkw-Fahrzeit")
    assert ind.loc["p_markt", "source_page"] == 22
    assert ind.loc["wohn_leer", "level"] == "kreis"
    assert ind.loc["bev_entw", "direction"] == "higher_is_stronger"
    assert ind["definition_en"].str.len().gt(10).all()


def test_indicator_file_with_unknown_column_is_refused(tmp_path):
    path = tmp_path / "indicators.yaml"
    text = (FOLDER / "indicators.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("code: p_apo", "code: p_apotheke"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        regional.load_indicators(path)
    assert "not a numeric column" in str(err.value)
    assert err.value.file == str(path)
    assert "der Indikator 'p_apotheke' ist keine Zahlenspalte" in err.value.text("de")


# --- bad files ------------------------------------------------------------------------


def test_wrong_column_is_refused(tmp_path):
    folder = copy_folder(tmp_path)
    path = folder / "deutschlandatlas_gem1222.csv"
    edit_line(path, 1, ";p_markt;", ";p_supermarkt;")
    with pytest.raises(InputError) as err:
        regional.read_table(path)
    problems = {(p.column, p.row) for p in err.value.problems}
    assert ("p_markt", 1) in problems
    assert ("p_supermarkt", 1) in problems
    assert all(p.file == str(path) for p in err.value.problems)
    assert "required column is missing" in err.value.rule


def test_key_without_leading_zero_is_refused(tmp_path):
    folder = copy_folder(tmp_path)
    path = folder / "deutschlandatlas_gem1222.csv"
    edit_line(path, 2, "01001000;", "1001000;")
    with pytest.raises(InputError) as err:
        regional.read_table(path)
    assert err.value.row == 2
    assert err.value.column == "GKZ1222"
    assert "leading zero is missing" in err.value.rule
    assert "die führende Null fehlt" in err.value.text("de")


def test_duplicate_and_non_district_keys_are_refused(tmp_path):
    folder = copy_folder(tmp_path)
    path = folder / "deutschlandatlas_krs1222.csv"
    edit_line(path, 3, "01002000;", "01001000;")
    edit_line(path, 4, "01003000;", "01003001;")
    with pytest.raises(InputError) as err:
        regional.read_table(path)
    rules = {(p.row, str(p.rule)) for p in err.value.problems}
    assert (3, "key occurs more than once") in rules
    assert (4, "a district key ends in 000") in rules


def test_text_in_a_number_column_is_refused(tmp_path):
    folder = copy_folder(tmp_path)
    path = folder / "deutschlandatlas_krs1222.csv"
    line = line_of(path, "05358000")
    edit_line(path, line, ";2.97;", ";2,97;")
    with pytest.raises(InputError) as err:
        regional.read_table(path)
    assert (err.value.row, err.value.column) == (line, "wohn_leer")
    assert "decimal separator" in err.value.rule


def test_implausible_value_is_refused(tmp_path):
    folder = copy_folder(tmp_path)
    path = folder / "deutschlandatlas_gem1222.csv"
    line = line_of(path, "05358024")
    edit_line(path, line, ";3.79;", ";-3.79;")
    with pytest.raises(InputError) as err:
        regional.read_table(path)
    assert (err.value.row, err.value.column) == (line, "p_markt")
    assert "plausible range" in err.value.rule


def test_bad_class_is_refused(tmp_path):
    folder = copy_folder(tmp_path)
    path = folder / "deutschlandatlas_krs1222.csv"
    line = line_of(path, "05358000")
    edit_line(path, line, "7,00 bis unter 8,50", "7 bis 8,5")
    with pytest.raises(InputError) as err:
        regional.read_table(path)
    assert (err.value.row, err.value.column) == (line, "preis_miet")
    assert "die Klasse '7 bis 8,5' hat nicht die Form 'a bis unter b'" in err.value.text("de")


def test_municipality_of_unknown_district_is_refused(tmp_path):
    folder = copy_folder(tmp_path)
    path = folder / "deutschlandatlas_gem1222.csv"
    line = line_of(path, "05358024")
    edit_line(path, line, "05358024;", "05399024;")
    with pytest.raises(InputError) as err:
        regional.load(folder)
    assert "05399000" in err.value.rule
    assert (err.value.row, err.value.column) == (line, "GKZ1222")


def test_unknown_file_and_wrong_separator_are_refused(tmp_path):
    other = tmp_path / "deutschlandatlas_vbgem1222.csv"
    other.write_text("VBG1222;x\n010010000;1\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown regional file"):
        regional.read_table(other)
    comma = tmp_path / "deutschlandatlas_gem1220.csv"
    comma.write_text("GKZ1220,Gemeindename,p_apo\n01001000,Flensburg,2.69\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        regional.read_table(comma)
    assert err.value.row == 1


def test_latin1_file_is_refused(tmp_path):
    path = tmp_path / regional.TYPOLOGY_FILE
    path.write_bytes((FOLDER / regional.TYPOLOGY_FILE).read_text("utf-8").encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        regional.read_table(path)


def test_validate_file_for_the_catalogue():
    for name in (regional.TYPOLOGY_FILE, regional.INDICATOR_FILE, "deutschlandatlas_krs1221.csv"):
        regional.validate_file(FOLDER / name)
    regional.validate_file(FOLDER / "Deutschlandatlas_Indikatorenuebersicht_2024-12-12.pdf")


# --- values and missing values per place ---------------------------------------------


def test_district_values_for_municipalities_and_medians_for_districts(data):
    v = regional.values(data, ["wohn_leer", "p_markt"], "gemeinde")
    assert v.loc["05358024", "wohn_leer"] == 2.97
    k = regional.values(data, ["wohn_leer", "p_markt"], "kreis")
    dueren = data.municipalities.loc[data.municipalities["district"] == "05358000", "p_markt"]
    assert k.loc["05358000", "p_markt"] == dueren.median()
    assert len(dueren) == 15  # Kreis Düren has 15 municipalities


def test_missing_table_names_each_value_and_its_cause(data):
    table = regional.missing_table(data, ["p_markt", "p_apo"])
    coded = table[table["indicator"] == "p_markt"]
    assert len(coded) == 81
    assert set(coded["cause"]) == {"coded"}
    assert set(coded["source_code"]) == {"-9999"}
    assert not coded["via_district"].any()
    apo = table[table["indicator"] == "p_apo"]
    assert (apo["cause"] == "older_status").sum() == 4


def test_place_level_refuses_bad_keys(data):
    assert regional.place_level(data, "05358024") == "gemeinde"
    assert regional.place_level(data, "05358000") == "kreis"
    with pytest.raises(InputError, match="8 digits"):
        regional.place_level(data, "5358024")
    with pytest.raises(InputError, match="neither"):
        regional.place_level(data, "99999999")


# --------------------------------------------------------------------------------------
# Exclusions and flags (issue 16): uninhabited areas, placeholder zeros, car-free islands
# --------------------------------------------------------------------------------------


def test_zero_placeholders_on_a_small_frame():
    frame = pd.DataFrame(
        {"st_einnkr": [0.0, 812.5, np.nan], "other": [0.0, 1.0, 2.0]}, index=["A", "B", "C"]
    )
    out, where = regional.zero_placeholders(frame, ["st_einnkr", "absent"])
    assert math.isnan(out.loc["A", "st_einnkr"]) and out.loc["B", "st_einnkr"] == 812.5
    assert out.loc["A", "other"] == 0.0  # a column not named keeps its zeros
    assert where[["key", "column", "code"]].values.tolist() == [["A", "st_einnkr", "0"]]


def test_uninhabited_rule_on_a_small_frame():
    frame = pd.DataFrame(
        {
            "bev_dicht": [np.nan, np.nan, 12.0, 0.5],
            "bev_entw": [np.nan, -1.0, np.nan, 0.0],
        },
        index=["forest", "density_gap", "change_gap", "village"],
    )
    # Only where both population-based values are missing.
    assert regional.uninhabited(frame).tolist() == [True, False, False, False]


def test_uninhabited_areas_in_the_shipped_data(data):
    m = data.municipalities
    mask = regional.uninhabited(m)
    assert mask.sum() == 204
    gone = m[mask]
    # Each one is -9999 in the source for density, change and GP access: no population.
    coded = data.sentinels[data.sentinels["code"] == "-9999"]
    for col in ("bev_dicht", "bev_entw", "p_harzt"):
        assert set(gone.index) <= set(coded.loc[coded["column"] == col, "key"])
    assert gone["st_einnkr"].isna().all()  # -9999, or 0 read as a placeholder
    assert {"03151501", "09376455", "09175452"} <= set(
        gone.index
    )  # Giebel, Wolferlohe, Ebersberger Forst
    # Inhabited unincorporated areas (military training grounds) are kept.
    assert not mask["03351501"] and not mask["03358501"]  # Lohheide, Osterheide
    table = regional.exclusions(data)
    assert len(table) == 204 and set(table["rule"]) == {"uninhabited"}


def test_placeholder_zeros_in_the_shipped_data(data):
    zeros = data.sentinels[data.sentinels["code"] == "0"]
    tax = zeros.loc[zeros["column"] == "st_einnkr", "key"]
    # Tax capacity 0 only in the two uninhabited areas Giebel and Wolferlohe.
    assert sorted(tax) == ["03151501", "09376455"]
    assert regional.uninhabited(data.municipalities)[list(tax)].all()
    jobs = zeros.loc[zeros["column"] == "beschq_insg", "key"]
    assert len(jobs) == 16 and "06635005" in set(jobs)  # Bromskirchen, 54.8 inh./km²
    assert math.isnan(data.municipalities.loc["06635005", "beschq_insg"])
    missing = regional.missing_table(data, ["beschq_insg"])
    assert set(missing.loc[missing["key"] == "06635005", "cause"]) == {"placeholder"}


def test_car_free_islands_are_listed_with_their_basis(data):
    keys = list(regional.CAR_FREE_ISLANDS)
    assert len(keys) == 10
    names = data.municipalities.loc[keys, "name"]
    for key, meta in regional.CAR_FREE_ISLANDS.items():
        assert names[key].startswith(meta["name"])
        assert meta["basis"] in {"law", "press", "assumption"}
    assert regional.CAR_FREE_ISLANDS["01056025"]["source"] == "§ 50 StVO"
    flag = regional.car_free_island(data.municipalities.index)
    assert flag.sum() == 10 and not flag["05358024"]


def test_values_leave_excluded_places_out(data):
    gone = regional.exclusions(data)["key"]
    v = regional.values(data, ["p_markt", "wohn_leer"], exclude=gone)
    assert v.loc[gone, "p_markt"].isna().all() and v.loc[gone, "wohn_leer"].isna().all()
    k = regional.values(data, ["p_markt"], "kreis", exclude=gone)
    inhabited = data.municipalities.drop(index=gone)
    assert k["p_markt"].equals(inhabited.groupby("district")["p_markt"].median().reindex(k.index))


def test_regional_csv_beyond_the_size_limit_is_refused(tmp_path, monkeypatch):
    folder = copy_folder(tmp_path)
    monkeypatch.setenv("ANALYSIS_MAX_CSV_MB", "0.01")  # 10 kB: every shipped table is larger
    with pytest.raises(InputError, match="ANALYSIS_MAX_CSV_MB") as err:
        regional.read_table(folder / "deutschlandatlas_krs1222.csv")
    assert "deutschlandatlas_krs1222.csv" in str(err.value)
