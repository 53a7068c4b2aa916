"""Raw-data catalogue: every file listed, unchanged, and valid for its kind."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from analysis import catalog
from analysis.errors import InputError

ENTRY = """  {path}:
    kind: {kind}
    status: {status}
    source: "test"
    licence: "CC0"
"""


def _raw(tmp_path: Path, files: dict[str, str], entries: dict[str, tuple[str, str]]) -> Path:
    raw = tmp_path / "raw"
    for rel, text in files.items():
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_text(text, encoding="utf-8")
    raw.mkdir(exist_ok=True)
    body = "".join(ENTRY.format(path=k, kind=v[0], status=v[1]) for k, v in entries.items())
    (raw / "catalog.yaml").write_text("files:\n" + body, encoding="utf-8")
    return raw


def test_check_reports_uncatalogued_missing_and_changed_files(tmp_path: Path) -> None:
    raw = _raw(
        tmp_path,
        {"a.csv": "x", "b.csv": "y"},
        {"a.csv": ("table", "synthetic"), "gone.csv": ("table", "real")},
    )
    result = catalog.check(raw)
    rules = {(p.file, str(p.rule)) for p in result.problems}
    assert rules == {
        ("b.csv", "file is not listed in the catalogue"),
        ("gone.csv", "catalogued file is missing"),
    }
    assert not result.ok
    assert catalog.fill_hashes(raw / "catalog.yaml") == 1
    text = (raw / "catalog.yaml").read_text()
    assert f"sha256: {hashlib.sha256(b'x').hexdigest()}" in text
    assert catalog.check(raw).files.set_index("path").loc["a.csv", "hash_ok"]
    (raw / "a.csv").write_text("tampered")
    problems = [str(p.rule) for p in catalog.check(raw).problems]
    assert "content differs from its catalogued sha256" in problems
    german = [p.text("de") for p in catalog.check(raw).problems]
    assert "a.csv: der Inhalt weicht von seiner sha256 im Katalog ab" in german


@pytest.mark.parametrize(
    ("yaml_text", "field"),
    [
        (
            "files:\n  a.csv:\n    kind: t\n    status: invented\n    source: s\n    licence: l\n",
            "files.a.csv.status",
        ),
        ("files:\n  a.csv:\n    kind: t\n    status: real\n    licence: l\n", "files.a.csv.source"),
        (
            "files:\n  a.csv:\n    kind: t\n    status: real\n    source: s\n    licence: l\n"
            "    sha256: abc\n",
            "files.a.csv.sha256",
        ),
    ],
)
def test_bad_catalogue_names_field(tmp_path: Path, yaml_text: str, field: str) -> None:
    (tmp_path / "catalog.yaml").write_text(yaml_text)
    with pytest.raises(InputError) as info:
        catalog.load_catalog(tmp_path / "catalog.yaml")
    assert info.value.column == field and info.value.file.endswith("catalog.yaml")


def test_tables_are_localised(tmp_path: Path) -> None:
    raw = _raw(tmp_path, {"a.csv": "x"}, {"a.csv": ("table", "synthetic")})
    files = catalog.check(raw).files
    de = catalog.file_table(files, "de")
    assert list(de.columns) == ["Datei", "Art", "Status", "Größe (Bytes)", "Prüfsumme", "Schema"]
    assert de.iloc[0]["Status"] == "synthetisch"
    en = catalog.summarise(files, "en")
    assert en.to_dict("records") == [{"Kind": "table", "Status": "synthetic", "Files": 1}]


def test_shipped_catalogue_is_complete_and_unchanged() -> None:
    from analysis import paths

    result = catalog.check(paths.RAW)
    assert result.ok, [str(p) for p in result.problems]
    assert result.files["hash_ok"].eq(True).all(), "every shipped raw file has a pinned sha256"
