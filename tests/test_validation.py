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
