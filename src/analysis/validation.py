"""Pydantic validation errors as :class:`analysis.errors.Problem` entries.

Shared by every schema: a failure names file, row, column/field and rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analysis.errors import InputError, Problem, Rule
from analysis.readers import yaml_line

PYDANTIC_DE: dict[str, str] = {
    "missing": "Pflichtfeld fehlt",
    "extra_forbidden": "unbekanntes Feld (nicht vorgesehen; Tippfehler?)",
    "invalid_key": "Schlüssel müssen Texte sein",
    "recursion_loop": "zyklischer Verweis",
    "model_type": "erwartet eine Zuordnung (Schlüssel: Wert)",
    "model_attributes_type": "erwartet eine Zuordnung (Schlüssel: Wert)",
    "dataclass_type": "erwartet eine Zuordnung (Schlüssel: Wert)",
    "none_required": "muss leer bleiben",
    "greater_than": "muss größer als {gt} sein",
    "greater_than_equal": "muss mindestens {ge} sein",
    "less_than": "muss kleiner als {lt} sein",
    "less_than_equal": "darf höchstens {le} sein",
    "multiple_of": "muss ein Vielfaches von {multiple_of} sein",
    "finite_number": "erwartet eine endliche Zahl",
    "too_short": "zu wenige Einträge: erwartet mindestens {min_length}, gefunden {actual_length}",
    "too_long": "zu viele Einträge: erwartet höchstens {max_length}, gefunden {actual_length}",
    "iterable_type": "erwartet eine Liste",
    "string_type": "erwartet einen Text",
    "string_unicode": "erwartet einen gültigen Unicode-Text",
    "string_too_short": "Text zu kurz: mindestens {min_length} Zeichen",
    "string_too_long": "Text zu lang: höchstens {max_length} Zeichen",
    "string_pattern_mismatch": "Text passt nicht zum Muster {pattern!r}",
    "enum": "erwartet einen von {expected}",
    "literal_error": "erwartet einen von {expected}",
    "dict_type": "erwartet eine Zuordnung (Schlüssel: Wert)",
    "mapping_type": "erwartet eine Zuordnung (Schlüssel: Wert)",
    "list_type": "erwartet eine Liste",
    "tuple_type": "erwartet eine Liste",
    "set_type": "erwartet eine Liste ohne Wiederholungen",
    "frozen_set_type": "erwartet eine Liste ohne Wiederholungen",
    "set_item_not_hashable": "Listeneinträge müssen einfache Werte sein",
    "bool_type": "erwartet true oder false",
    "bool_parsing": "erwartet true oder false",
    "int_type": "erwartet eine ganze Zahl",
    "int_parsing": "erwartet eine ganze Zahl",
    "int_parsing_size": "Zahl zu groß",
    "int_from_float": "erwartet eine ganze Zahl, nicht eine mit Nachkommastellen",
    "float_type": "erwartet eine Zahl",
    "float_parsing": "erwartet eine Zahl (mit Dezimalpunkt, z. B. 0.25)",
    "bytes_type": "erwartet einen Text",
    "date_type": "erwartet ein Datum (JJJJ-MM-TT)",
    "date_parsing": "erwartet ein Datum (JJJJ-MM-TT)",
    "date_from_datetime_parsing": "erwartet ein Datum (JJJJ-MM-TT)",
    "date_from_datetime_inexact": "erwartet ein Datum ohne Uhrzeit",
    "date_past": "Datum muss in der Vergangenheit liegen",
    "date_future": "Datum muss in der Zukunft liegen",
    "time_type": "erwartet eine Uhrzeit",
    "time_parsing": "erwartet eine Uhrzeit",
    "datetime_type": "erwartet Datum und Uhrzeit",
    "datetime_parsing": "erwartet Datum und Uhrzeit",
    "datetime_from_date_parsing": "erwartet Datum und Uhrzeit",
    "union_tag_invalid": "unbekannte Art {tag!r} im Feld '{discriminator}'; "
    "erwartet: {expected_tags}",
    "union_tag_not_found": "das Feld {discriminator} fehlt",
    "decimal_type": "erwartet eine Zahl",
    "decimal_parsing": "erwartet eine Zahl",
}
"""German texts of pydantic's error types, formatted with the error's ``ctx`` (the
catalogue pydantic's documentation recommends for custom messages: one text per error
``type``, https://docs.pydantic.dev/latest/errors/errors/#customize-error-messages).
A type missing here (or a validator's ValueError without a Rule) keeps its English
text, marked as such."""


def _shown_context(key: str, value: Any) -> Any:
    """A context value of a pydantic error as pydantic shows it (``1.0`` as ``1``), the
    choices of ``expected`` joined with "oder"."""
    if key == "expected":
        return str(value).replace(" or ", " oder ")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def pydantic_rule(error: Mapping[str, Any]) -> Rule:
    """One pydantic error (an entry of ``ValidationError.errors()``) as a :class:`Rule`.

    Our own validators raise ``ValueError(Rule(...))``: that rule is used as it is. For
    pydantic's own types the German text comes from :data:`PYDANTIC_DE`.
    """
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, BaseException) and cause.args and isinstance(cause.args[0], Rule):
        return cause.args[0]
    en = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    template = PYDANTIC_DE.get(str(error["type"]))
    if template is None:
        return Rule(de=f"{en} (Meldung nur auf Englisch)", en=en)
    fields = {k: _shown_context(k, v) for k, v in ctx.items()}
    try:
        return Rule(de=template.format(**fields), en=en)
    except (KeyError, IndexError, ValueError):
        return Rule(de=f"{en} (Meldung nur auf Englisch)", en=en)


def problems_from_pydantic(
    err: ValidationError, file: str | Path, *, row_key: str | None = None
) -> list[Problem]:
    """Translate a pydantic ``ValidationError`` into :class:`Problem` entries.

    The location tuple becomes the field path (``outcomes.3.deadweight``); when
    ``row_key`` names a list field (e.g. ``"outcomes"``) its index is reported as
    the row, counted from 1 as evaluators count rows. When the data came from a YAML file
    read by :func:`analysis.readers.read_yaml`, each problem also carries the line of its
    entry or field in that file (``row 3 (entry 3 of the list 'codes', line 57)``).
    """
    problems = []
    for e in err.errors():
        loc = list(e["loc"])
        row = None
        entry_of = None
        if row_key is not None and len(loc) >= 2 and loc[0] == row_key and isinstance(loc[1], int):
            row = loc[1] + 1
            entry_of = row_key
        field = ".".join(str(p) for p in loc) or None
        problems.append(
            Problem(
                rule=pydantic_rule(e),
                file=str(file),
                row=row,
                column=field,
                value=shown_input(e),
                line=yaml_line(file, loc),
                entry_of=entry_of,
            )
        )
    return problems


def shown_input(error: Mapping[str, Any]) -> Any:
    """The value to show with a problem: the input of a field; nothing for a mapping (a
    check over several fields, or a missing field, whose input is the whole entry: its
    rule quotes the values that matter)."""
    value = error.get("input")
    return None if isinstance(value, Mapping) else value


def raise_for_pydantic(err: ValidationError, file: str | Path, **kw: Any) -> None:
    """Raise an :class:`InputError` listing every problem of ``err``."""
    raise InputError(problems=problems_from_pydantic(err, file, **kw)) from None


class BilingualText(BaseModel):
    """A text in German (as published) and English (the workbench's translation)."""

    model_config = ConfigDict(extra="forbid")

    de: str = Field(min_length=1)
    en: str = Field(min_length=1)


class LocalText(str):
    """Free text from a data file (an assumption, a source, a note) with its languages.

    Reads everywhere as the plain string in the file's own language, so code that only
    passes the text on needs no change; a report asks :meth:`in_language` for the
    version in its language (``None`` when the file gives none) — see
    :func:`analysis.formatting.fmt_text`, which says when a text is shown untranslated.
    """

    language: str
    texts: dict[str, str]

    def __new__(cls, text: str, language: str, texts: dict[str, str] | None = None) -> LocalText:
        obj = super().__new__(cls, text)
        obj.language = language
        obj.texts = dict(texts or {language: text})
        return obj

    def in_language(self, lang: str) -> str | None:
        """The text in ``lang``, or None when the file gives no version in it."""
        return self.texts.get(lang)

    def __reduce__(self) -> tuple[Any, ...]:  # pickles (process pools) keep the languages
        return (LocalText, (str(self), self.language, self.texts))

    def __deepcopy__(self, memo: dict[int, Any]) -> LocalText:
        return self


_READ: dict[str, LocalText] = {}
"""Every text read from a data file, by its plain string: a text that went through a
table (pandas keeps plain strings) is found again by :func:`translated`."""


def translated(text: str) -> LocalText | None:
    """The :class:`LocalText` read from a data file whose plain string is ``text``."""
    return _READ.get(str(text))


def local_text(value: Any, language: str) -> LocalText:
    """``value`` as :class:`LocalText`: a plain string is taken as written in ``language``
    (the file's own language); ``{de: …, en: …}`` gives both versions."""
    if isinstance(value, LocalText):
        return value
    if isinstance(value, str):
        if not value.strip():
            raise ValueError(Rule(de="der Text darf nicht leer sein", en="text must not be empty"))
        text = LocalText(value, language)
        _READ.setdefault(value, text)
        return text
    if isinstance(value, dict):
        both = BilingualText.model_validate(value)
        texts = {"de": both.de, "en": both.en}
        text = LocalText(texts[language], language, texts)
        _READ[str(text)] = text
        return text
    raise ValueError(
        Rule(
            de="erwartet einen Text oder den Text in beiden Sprachen als {de: …, en: …}",
            en="expected a text, or the text in both languages as {de: …, en: …}",
        )
    )


def name_text(value: Any) -> str:
    """A name from a data file: a plain string is a proper name, the same in every
    language (shown as written, never marked as untranslated); ``{de: …, en: …}`` gives
    both versions as a :class:`LocalText` that reads as the German one."""
    if isinstance(value, str) and not isinstance(value, LocalText):
        if not value.strip():
            raise ValueError(Rule(de="der Text darf nicht leer sein", en="text must not be empty"))
        return value
    return local_text(value, "de")


def name_field() -> Any:
    """A pydantic field type for a name (see :func:`name_text`)."""
    from pydantic import PlainValidator, WithJsonSchema

    return Annotated[
        str,
        PlainValidator(name_text),
        WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "object"}]}),
    ]


def bilingual_field(language: str) -> Any:
    """A pydantic field type for free text in a data file written in ``language``: a plain
    string (in ``language``) or ``{de: …, en: …}``; the value is a :class:`LocalText`."""
    from pydantic import PlainValidator, WithJsonSchema

    return Annotated[
        str,
        PlainValidator(lambda v: local_text(v, language)),
        WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "object"}]}),
    ]
