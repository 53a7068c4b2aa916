"""Tests of analysis.readers: one way to report unreadable text and YAML files."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.errors import InputError, ManifestError
from analysis.readers import read_text, read_yaml


def test_missing_file_names_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="codebook not found") as err:
        read_yaml(tmp_path / "codebook.yaml", what="codebook")
    assert err.value.problems[0].file == str(tmp_path / "codebook.yaml")


def test_cp1252_names_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes("a: 1\nb: 2\nc: Straße\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"not UTF-8 text.*save the file as UTF-8") as err:
        read_yaml(path)
    assert err.value.problems[0].row == 3


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
