"""Every rule an evaluator can read is written in German and English.

A rule handed to :class:`~analysis.errors.InputError`, :class:`~analysis.errors.Problem`
(or their subclasses) must be a :class:`~analysis.errors.Rule`, never a bare text; the
same holds for a ``ValueError`` raised by a pydantic validator of a schema module, whose
text pydantic passes on as the rule. This test reads the source: a bare string, f-string,
string sum or ``str.format`` in those places is a message the German CLI would print in
English (issue 18, case 16).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis.errors import InputError, Problem, Rule

SRC = Path(__file__).resolve().parents[1] / "src" / "analysis"
ERRORS = {"InputError", "ManifestError", "ParameterError", "Problem"}
"""Calls whose rule (first positional argument or ``rule=``) must be a Rule."""


def _is_text(node: ast.expr | None) -> bool:
    """Whether ``node`` builds a plain string (literal, f-string, sum, join or format)."""
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in {"format", "join"} and _is_text(node.func.value)
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    return False


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _rule_argument(call: ast.Call) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == "rule":
            return kw.value
    return call.args[0] if call.args else None


def _in_validator(path: Path, tree: ast.Module) -> set[int]:
    """Line numbers of ``raise ValueError(...)`` inside pydantic validators of ``path``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        decorators = {_name(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
        validating = path.name in {"schema.py", "validation.py"}
        if not decorators & {"field_validator", "model_validator"} and not validating:
            continue
        for inner in ast.walk(node):
            call = inner.exc if isinstance(inner, ast.Raise) else None
            if isinstance(call, ast.Call) and _name(call.func) == "ValueError":
                lines.add(inner.lineno)
    return lines


def _text_names(tree: ast.Module) -> dict[ast.AST, set[str]]:
    """Per function, the names it assigns a bare text to (``rule = f"…"``)."""
    names: dict[ast.AST, set[str]] = {}
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            names[func] = {
                target.id
                for node in ast.walk(func)
                if isinstance(node, ast.Assign) and _is_text(node.value)
                for target in node.targets
                if isinstance(target, ast.Name)
            }
    return names


def english_only_rules() -> list[str]:
    """``file:line`` of every rule written as a bare text, directly or through a name
    its function assigned a bare text to."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(SRC.parent).as_posix()
        for func, texts in [(tree, set()), *_text_names(tree).items()]:
            for node in ast.walk(func):
                if not (isinstance(node, ast.Call) and _name(node.func) in ERRORS):
                    continue
                rule = _rule_argument(node)
                if _is_text(rule) or (isinstance(rule, ast.Name) and rule.id in texts):
                    found.append(f"{rel}:{node.lineno}")
        validators = _in_validator(path, tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and node.lineno in validators:
                call = node.exc
                assert isinstance(call, ast.Call)
                if call.args and _is_text(call.args[0]):
                    found.append(f"{rel}:{node.lineno}")
    return sorted(set(found))


def test_every_rule_is_written_in_german_and_english() -> None:
    found = english_only_rules()
    assert not found, "rules without a German version (use errors.Rule):\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'InputError("must be positive", file="x")',
        'Problem(rule=f"row {n} is bad")',
        'ManifestError("a " + b)',
        'ParameterError("{} bad".format(x))',
    ],
)
def test_the_check_finds_a_bare_text(source: str) -> None:
    call = ast.parse(source).body[0].value  # type: ignore[attr-defined]
    assert _is_text(_rule_argument(call))


def test_the_check_accepts_a_rule() -> None:
    call = ast.parse('InputError(Rule(de="muss positiv sein", en="must be positive"))').body[0]
    assert not _is_text(_rule_argument(call.value))  # type: ignore[attr-defined]


def test_a_rule_reads_in_the_language_asked_for() -> None:
    err = InputError(
        Rule(de="muss positiv sein", en="must be positive"),
        file="a.csv",
        row=3,
        column="n",
        value=-1,
    )
    assert err.text("de") == "a.csv, Zeile 3, Spalte/Feld 'n': muss positiv sein (gefunden: -1)"
    assert err.text("en") == "a.csv, row 3, column/field 'n': must be positive (got -1)"
    assert str(err) == err.text("en")


def test_a_yaml_list_entry_says_entry_and_line_in_both_languages() -> None:
    p = Problem(Rule(de="fehlt", en="missing"), file="c.yaml", row=3, entry_of="codes", line=40)
    assert p.text("de") == "c.yaml, Eintrag 3 der Liste 'codes' (Zeile 40): fehlt"
    assert p.text("en") == "c.yaml, row 3 (entry 3 of the list 'codes', line 40): missing"


def test_several_problems_are_counted_in_the_language_asked_for() -> None:
    a = Problem(Rule(de="a fehlt", en="a missing"), file="f")
    b = Problem(Rule(de="b fehlt", en="b missing"), file="f")
    err = InputError(problems=[a, b])
    assert err.text("de").splitlines() == ["2 Probleme:", "  - f: a fehlt", "  - f: b fehlt"]
    assert err.text("en").splitlines()[0] == "2 problems:"


def test_str_follows_the_message_language_of_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    err = InputError(Rule(de="muss positiv sein", en="must be positive"), file="a.csv")
    monkeypatch.setenv("ANALYSIS_MESSAGE_LANGUAGE", "de")
    assert str(err) == "a.csv: muss positiv sein"
    monkeypatch.setenv("ANALYSIS_MESSAGE_LANGUAGE", "en")
    assert str(err) == "a.csv: must be positive"


def test_a_place_that_is_not_a_row_is_named_in_the_language_asked_for() -> None:
    p = Problem(
        Rule(de="unklar", en="unclear"), file="p.docx", row=Rule(de="Absatz 5", en="paragraph 5")
    )
    assert p.text("de") == "p.docx, Absatz 5: unklar"
    assert p.text("en") == "p.docx, paragraph 5: unclear"
