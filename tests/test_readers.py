"""Tests of analysis.readers: one way to report unreadable text and YAML files."""

from __future__ import annotations

import random
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import InputError, ManifestError, Rule
from analysis.readers import (
    DEFAULT_LIMITS_MB,
    _german_number,
    check_zip,
    limit,
    read_csv_table,
    read_text,
    read_yaml,
    yaml_line,
)

ROOT = Path(__file__).resolve().parents[1]


def test_missing_file_names_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="codebook not found") as err:
        read_yaml(tmp_path / "codebook.yaml", what=Rule(de="Codebuch", en="codebook"))
    assert err.value.problems[0].file == str(tmp_path / "codebook.yaml")
    assert "Codebuch nicht gefunden" in err.value.text("de")


def test_cp1252_names_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes("a: 1\nb: 2\nc: Straße\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"not UTF-8 text.*save the file as UTF-8") as err:
        read_yaml(path)
    assert err.value.problems[0].line == 3
    assert "a.yaml, line 3: not UTF-8 text" in str(err.value)
    assert "kein UTF-8-Text" in err.value.text("de")
    assert "speichern Sie die Datei als UTF-8" in err.value.text("de")


def test_yaml_syntax_error_names_its_line_and_keeps_the_error_class(tmp_path: Path) -> None:
    path = tmp_path / "pipeline.yaml"
    path.write_text("version: 1\nruns:\n  - name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="not valid YAML") as err:
        read_yaml(path, file="pipeline.yaml", error=ManifestError)
    problem = err.value.problems[0]
    assert problem.file == "pipeline.yaml" and problem.row is not None and problem.row >= 3


def test_bom_accepted_with_utf8_sig(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\n1,2\n")
    assert read_text(path, encoding="utf-8-sig").startswith("a,b")
    assert read_text(path).startswith("\ufeff")


# -- YAML: alias bombs, duplicate keys, lines ------------------------------------------------

BOMB = "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
    for p, n in zip([None, *"abcdefgh"], "abcdefghi", strict=True)
)


@pytest.mark.timeout(20)
def test_alias_bomb_is_refused_at_once_naming_the_anchored_value(tmp_path: Path) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text("centre: x\n" + BOMB, encoding="utf-8")
    with pytest.raises(InputError, match=r"expand to 4\d\d,\d{3},\d{3} values.*alias bomb") as err:
        read_yaml(path)
    assert err.value.problems[0].line == 2  # a: &a [...], the first value repeated
    assert len(str(err.value)) < 400


def test_alias_expansion_up_to_the_bound_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(BOMB.split("e:")[0], encoding="utf-8")  # 4 levels: 9⁴ values
    assert len(read_yaml(path)["d"]) == 9


def test_aliases_yaml_dump_writes_for_shared_values_are_fine(tmp_path: Path) -> None:
    shared = {"low": 1, "high": 2}
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump({"a": shared, "b": shared}), encoding="utf-8")
    assert "*id001" in path.read_text(encoding="utf-8")
    assert read_yaml(path) == {"a": shared, "b": shared}


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb: &x [1, *x]\n", encoding="utf-8")
    with pytest.raises(InputError, match="recursive YAML alias") as err:
        read_yaml(path)
    assert err.value.problems[0].line == 2


@pytest.mark.parametrize(
    ("text", "key", "path", "line", "first"),
    [
        ("a: 1\nb: 2\na: 3\n", "a", "a", 3, 1),
        ("codes:\n  - code: x\n    label: A\n    label: B\n", "label", "codes[1].label", 4, 3),
        ("a: {x: 1, x: 2}\n", "x", "a.x", 1, 1),
        ("1: a\n2: b\n1: c\n", "1", "1", 3, 1),
        ("1: a\n01: c\n", "1", "1", 2, 1),  # the same key once constructed (the loader's check)
    ],
)
def test_duplicate_keys_are_refused_naming_line_and_whole_path(
    tmp_path: Path, text: str, key: str, path: str, line: int, first: int
) -> None:
    file = tmp_path / "x.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=f"duplicate key '{key}' \\(first at line {first}\\)") as e:
        read_yaml(file)
    problem = e.value.problems[0]
    assert (problem.line, problem.column) == (line, path)
    assert f"line {line}, column/field '{problem.column}'" in str(e.value)
    assert f"Zeile {line}, Spalte/Feld '{problem.column}'" in e.value.text("de")


def test_equal_looking_keys_of_different_types_are_not_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text('1: a\n"1": b\n', encoding="utf-8")
    assert read_yaml(path) == {1: "a", "1": "b"}


def test_yaml_line_of_entries_and_fields(tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(
        "# comment\nversion: 1\ncodes:\n  - code: a\n    patterns: [x, y]\n"
        "  - code: b\n    patterns:\n      - z\n",
        encoding="utf-8",
    )
    read_yaml(path)
    assert yaml_line(path, ("version",)) == 2
    assert yaml_line(path, ("codes", 0)) == 4
    assert yaml_line(path, ("codes", 1)) == 6
    assert yaml_line(path, ("codes", 1, "patterns", 0)) == 8
    assert yaml_line(path, ("codes", 1, "label_de")) == 6  # missing: its entry's line
    assert yaml_line(tmp_path / "other.yaml", ("codes", 0)) is None


def test_yaml_syntax_error_is_named_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb: [unclosed\nc: 2\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_yaml(path)
    assert str(err.value).startswith(f"{path}, line ")


# -- size limits and zip bombs --------------------------------------------------------------


def test_limits_have_defaults_and_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    assert limit("yaml") == DEFAULT_LIMITS_MB["yaml"] * 1_000_000
    monkeypatch.setenv("ANALYSIS_MAX_YAML_MB", "0.5")
    assert limit("yaml") == 500_000
    for bad in ("zwei", "0", "-1"):
        monkeypatch.setenv("ANALYSIS_MAX_YAML_MB", bad)
        with pytest.raises(InputError, match="ANALYSIS_MAX_YAML_MB"):
            limit("yaml")


def test_oversized_yaml_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: " + "x" * 2000 + "\n", encoding="utf-8")
    monkeypatch.setenv("ANALYSIS_MAX_YAML_MB", "0.001")
    with pytest.raises(InputError, match=r"too large \(2\.0 kB; the limit .* is 1\.0 kB\)") as e:
        read_yaml(path)
    assert "Datei ist zu groß (2,0 kB; die Grenze für yaml-Eingaben ist 1,0 kB)" in e.value.text(
        "de"
    )
    monkeypatch.delenv("ANALYSIS_MAX_YAML_MB")
    assert read_yaml(path)["a"].startswith("x")


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    path = _zip(tmp_path / "p.docx", {"word/document.xml": b" " * 5_000_000})
    with pytest.raises(InputError, match=r"'word/document.xml' is compressed \d+:1"):
        check_zip(path)


def test_unpacked_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(1)
    data = bytes(rng.getrandbits(8) for _ in range(300_000))  # incompressible
    path = _zip(tmp_path / "p.docx", {"a": data, "b": data})
    check_zip(path)
    monkeypatch.setenv("ANALYSIS_MAX_DOCX_UNZIPPED_MB", "0.5")
    with pytest.raises(InputError, match=r"unpacks to 0\.6 MB, more than the limit of 0\.5 MB"):
        check_zip(path)


def test_shipped_docx_passes_and_a_non_zip_is_named(tmp_path: Path) -> None:
    for docx in (ROOT / "data" / "raw" / "protocols").glob("*.docx"):
        check_zip(docx)
    (tmp_path / "x.docx").write_text("kein Word", encoding="utf-8")
    with pytest.raises(InputError, match=r"not a readable \.docx file"):
        check_zip(tmp_path / "x.docx")


# -- CSV: dialects and physical lines ---------------------------------------------------


def test_comma_csv_with_comments_blank_lines_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        '# note\n\na,b\n1,2\n\n3,"zwei\nZeilen"\n4,\n', encoding="utf-8"
    )  # lines: 1 comment, 2 blank, 3 header, 4, 5 blank, 6-7 one row, 8
    table = read_csv_table(path)
    assert table.comments == ["note"] and table.header_line == 3
    assert table.lines.tolist() == [4, 6, 8]
    assert table.frame["b"].tolist() == ["2", "zwei\nZeilen", ""]
    assert table.dialect == {"encoding": "utf-8", "separator": ",", "decimal": "."}
    assert table.frame.attrs["csv_dialect"] == table.dialect


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("cp1252", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-8", b"sep=;\r\n")],
)
def test_german_excel_csv_is_read_and_recorded(
    tmp_path: Path, encoding: str, prefix: bytes
) -> None:
    text = "# Gebiete für Tests\r\nunit;period;rate;name\r\ng1;2020;1,5;Müller, Jülich\r\n"
    text += "g2;2021;1.234,25;x\r\ng3;2022;7;1.2\r\n"
    path = tmp_path / "x.csv"
    path.write_bytes(prefix + text.encode(encoding))
    table = read_csv_table(path, expected=("unit", "period"))
    assert list(table.frame.columns) == ["unit", "period", "rate", "name"]
    assert table.frame["rate"].tolist() == ["1.5", "1234.25", "7"]
    assert table.frame["name"].tolist() == ["Müller, Jülich", "x", "1.2"]  # not numbers
    assert table.german_excel and table.dialect["decimal"] == ","
    expected = (
        "cp1252" if encoding == "cp1252" else ("utf-8-sig" if prefix[:1] == b"\xef" else "utf-8")
    )
    assert table.dialect["encoding"] == expected
    assert table.lines.tolist() == ([4, 5, 6] if prefix.startswith(b"sep") else [3, 4, 5])


def test_duplicate_header_names_both_columns(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("# c\nunit,rate,x,rate\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"'rate' appears twice .*columns 2 and 4.*'rate\.1'") as e:
        read_csv_table(path)
    assert (e.value.row, e.value.column) == (2, "rate")


def test_csv_refusals_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="row has 3 fields but the header has 2") as e:
        read_csv_table(path)
    assert e.value.row == 4
    assert "die Zeile hat 3 Felder, die Kopfzeile aber 2" in e.value.text("de")
    path.write_bytes("a,b\n1,2\n".encode("utf-16"))
    with pytest.raises(InputError, match="NUL bytes"):
        read_csv_table(path)
    path.write_bytes(b"a,b\n\x81,\x8d\n")  # undefined in Windows-1252 too
    with pytest.raises(InputError, match="neither UTF-8 nor Windows-1252") as e:
        read_csv_table(path)
    assert e.value.row == 2
    path.write_text("# only a comment\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="file is empty"):
        read_csv_table(path)


@given(
    rows=st.lists(st.tuples(st.integers(0, 99), st.integers(0, 2)), min_size=1, max_size=30),
    comments=st.integers(0, 3),
)
def test_rows_are_numbered_by_their_physical_line(
    rows: list[tuple[int, int]], comments: int
) -> None:
    """Whatever blank lines stand between rows, each row's line is where it stands."""
    lines = ["# c"] * comments + ["a,b"]
    expected = []
    for value, blanks in rows:
        lines += [""] * blanks
        lines.append(f"{value},x")
        expected.append(len(lines))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        table = read_csv_table(path)
    assert table.lines.tolist() == expected
    assert table.frame["a"].tolist() == [str(v) for v, _ in rows]


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False))
def test_german_numbers_read_back_exactly(x: Decimal) -> None:
    plain = f"{x:.3f}"
    german = f"{x:,.3f}".replace(",", "_").replace(".", ",").replace("_", ".")
    assert _german_number(german) == plain.lstrip("+")
    assert _german_number(plain.replace(".", ",")) == plain
