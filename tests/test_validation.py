"""Tests of analysis.validation: pydantic errors as problems with row, field and file line."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analysis.errors import InputError
from analysis.readers import read_yaml
from analysis.validation import (
    BilingualText,
    LocalText,
    bilingual_field,
    problems_from_pydantic,
    raise_for_pydantic,
)


class _Code(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z_]+$")
    label: str


class _Book(BaseModel):
    version: int
    codes: list[_Code]


BOOK = """\
# a comment
version: 1
codes:
  - code: eye_level
    label: Augenhöhe
  - code: premises
    label: Räume
  - code: Bad Code
    label: Schlecht
  - code: partners
"""


def _problems(path: Path, data: object) -> list:  # type: ignore[type-arg]
    with pytest.raises(ValidationError) as info:
        _Book.model_validate(data)
    return problems_from_pydantic(info.value, path, row_key="codes")


def test_rows_of_a_yaml_list_name_entry_and_line(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text(BOOK, encoding="utf-8")
    bad, missing = _problems(path, read_yaml(path))
    assert (bad.row, bad.column, bad.line, bad.entry_of) == (3, "codes.2.code", 8, "codes")
    assert str(bad).startswith(
        f"{path}, row 3 (entry 3 of the list 'codes', line 8), column/field 'codes.2.code'"
    )
    assert (missing.row, missing.column, missing.line) == (4, "codes.3.label", 10)


def test_data_not_read_from_yaml_has_no_line(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path / "sheet.xlsx", {"version": 1, "codes": [{"code": "x"}]})
    assert problem.row == 1 and problem.line is None
    assert "row 1 (entry 1 of the list 'codes')" in str(problem)


def test_top_level_fields_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text(BOOK.replace("version: 1", "version: eins"), encoding="utf-8")
    problems = _problems(path, read_yaml(path))
    version = next(p for p in problems if p.column == "version")
    assert version.row is None and version.line == 2
    assert str(version).startswith(f"{path}, line 2, column/field 'version'")


def test_raise_for_pydantic_and_bilingual_text() -> None:
    with pytest.raises(ValidationError) as info:
        BilingualText.model_validate({"de": "Text"})
    with pytest.raises(InputError, match="column/field 'en': Field required"):
        raise_for_pydantic(info.value, "x.yaml")


# -- free text in both languages ------------------------------------------------------


class _Note(BaseModel):
    note: bilingual_field("en")  # type: ignore[valid-type]


def test_plain_string_is_the_files_language() -> None:
    note = _Note(note="Assumed.").note
    assert isinstance(note, LocalText) and note == "Assumed."
    assert note.in_language("en") == "Assumed." and note.in_language("de") is None


def test_both_languages() -> None:
    note = _Note(note={"de": "Angenommen.", "en": "Assumed."}).note
    assert note == "Assumed." and note.in_language("de") == "Angenommen."
    assert pickle.loads(pickle.dumps(note)).in_language("de") == "Angenommen."
    assert copy.deepcopy(note).texts == note.texts


@pytest.mark.parametrize("bad", ["", "  ", {"de": "x"}, {"de": "x", "en": "y", "fr": "z"}, 3])
def test_refused(bad: object) -> None:
    with pytest.raises(ValidationError):
        _Note(note=bad)


def test_an_empty_text_is_refused_in_german_too(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        _Note(note="  ")
    (problem,) = problems_from_pydantic(info.value, tmp_path / "n.yaml")
    assert problem.text("de").endswith("der Text darf nicht leer sein (gefunden: '  ')")
    assert "text must not be empty" in problem.text("en")


def test_a_text_in_both_languages_is_found_again_from_its_plain_string() -> None:
    from analysis.formatting import fmt_text
    from analysis.validation import translated

    note = _Note(note={"de": "Haushalte, die einkaufen", "en": "Households that shop"}).note
    plain = str(note)  # what a pandas table keeps
    assert translated(plain) is note
    assert fmt_text(plain, "de") == "Haushalte, die einkaufen"


def test_a_plain_name_is_the_same_in_both_languages() -> None:
    from analysis.formatting import fmt_text
    from analysis.validation import name_text

    plain = name_text("DORV-Zentrum Barmen")
    assert fmt_text(plain, "en") == fmt_text(plain, "de") == "DORV-Zentrum Barmen"
    both = name_text({"de": "Dorfzentrum Lindenau (fiktiv)", "en": "Lindenau (fictional)"})
    assert str(both) == "Dorfzentrum Lindenau (fiktiv)"
    assert fmt_text(both, "en") == "Lindenau (fictional)"
    with pytest.raises(ValueError):
        name_text("  ")


def test_every_german_pydantic_text_is_a_pydantic_error_type_with_its_fields() -> None:
    """Each German text names a real pydantic error type and uses only the context fields
    pydantic gives that type (read from pydantic's own English template)."""
    import string
    import typing

    import pydantic_core
    from pydantic_core.core_schema import ErrorType

    from analysis.validation import PYDANTIC_DE

    known = set(typing.get_args(ErrorType))
    for kind, german in PYDANTIC_DE.items():
        assert kind in known, kind
        fields = {f for _, f, _, _ in string.Formatter().parse(german) if f}
        numbers = {"gt", "ge", "lt", "le", "multiple_of", "min_length", "max_length"}
        context: dict[str, object] = {
            f: 1 if f in numbers | {"actual_length"} else "x" for f in fields
        }
        for _ in range(5):  # add what pydantic requires beyond the German text's fields
            try:
                english = pydantic_core.PydanticKnownError(kind, context or None).message_template
                break
            except TypeError as err:  # "ModelType: 'class_name' required in context"
                context[str(err).split("'")[1]] = "x"
        else:
            raise AssertionError(f"{kind}: no context pydantic accepts: {context}")
        given = {f for _, f, _, _ in string.Formatter().parse(english) if f}
        assert fields <= given, (kind, fields, given)


def test_pydantic_errors_read_in_german() -> None:
    from pydantic import BaseModel, Field, ValidationError

    from analysis.validation import pydantic_rule

    class M(BaseModel):
        share: float = Field(le=1)
        n: int

    try:
        M.model_validate({"share": 1.4})
    except ValidationError as err:
        rules = [pydantic_rule(e) for e in err.errors()]
    assert [r.de for r in rules] == ["darf höchstens 1 sein", "Pflichtfeld fehlt"]
    assert [r.en for r in rules] == ["Input should be less than or equal to 1", "Field required"]
