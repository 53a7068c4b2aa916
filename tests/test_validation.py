"""Free text in data files: a plain string in the file's language, or both languages."""

from __future__ import annotations

import copy
import pickle

import pytest
from pydantic import BaseModel, ValidationError

from analysis.validation import LocalText, bilingual_field


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


def test_a_text_in_both_languages_is_found_again_from_its_plain_string() -> None:
    from analysis.formatting import fmt_text
    from analysis.validation import translated

    note = _Note(note={"de": "Haushalte, die einkaufen", "en": "Households that shop"}).note
    plain = str(note)  # what a pandas table keeps
    assert translated(plain) is note
    assert fmt_text(plain, "de") == "Haushalte, die einkaufen"
