"""Write the German expectations (``expect_de``) of the bad-input corpus.

``analysis run`` speaks German by default, so each case says which words its German
message must contain, next to the English ones of ``expect``. This script proposes them
for the cases that have none yet: it puts the case's bad file into a copy of the project,
validates the case's runs as ``analysis run`` does before anything executes, finds the
problem whose English text holds the words of ``expect``, and writes that problem's
German place words and rule. Read what it wrote before committing it: the corpus test
then holds the messages to these words::

    .venv/bin/python tests/data/bad/german.py            # cases without expect_de
    .venv/bin/python tests/data/bad/german.py --all      # every case again
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from analysis.errors import InputError, Problem, _place, rule_text  # noqa: E402
from analysis.paths import project  # noqa: E402
from analysis.pipeline import runner  # noqa: E402
from tests.test_bad_inputs import CASES, Case, copy_project  # noqa: E402


def problems_of(case: Case, root: Path) -> list[Problem]:
    """The problems validation finds with the case's bad file in place (none: [])."""
    target = root / case.spec["target"]
    original = target.read_bytes() if target.exists() else None
    saved = {k: os.environ.get(k) for k in case.env}
    try:
        target.write_bytes(case.content(root))
        os.environ.update(case.env)
        p = project(root)
        runs = runner.select(runner.validated_runs(p, runner.package_digest()), case.only)
        runner.validate_inputs(p, runs, runner.plan(p, runs, force=True))
    except InputError as err:
        return err.problems
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if original is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(original)
    return []


def german_words(problem: Problem) -> dict[str, object]:
    """The German place words and rule of ``problem``, as ``expect_de`` holds them."""
    where = []
    if problem.row is not None and (problem.line != problem.row or problem.entry_of):
        where.append(problem._row("de"))
    elif problem.line is not None:
        where.append(_place("line", "de", line=problem.line))
    if problem.column is not None:
        where.append(_place("column", "de", column=problem.column))
    rule = rule_text(problem.rule, "de").splitlines()[0]
    if len(rule) > 80:  # enough to tell the rule, cut at a word
        rule = rule[:80].rsplit(" ", 1)[0]
    return {"where": where, "rule": rule}


def main(every: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "project")
        for case in CASES:
            if "expect_de" in case.spec and not every:
                continue
            words = [w for w in case.words if w != case.spec["expect"]["file"]]
            found = [
                p
                for p in problems_of(case, root)
                if all(w in p.text("en") or w in str(p.file) for w in words)
            ]
            if not found:
                print(f"{case.name}: no problem with the words {words}: write expect_de by hand")
                continue
            path = case.folder / "case.yaml"
            text = path.read_text(encoding="utf-8")
            if "expect_de:" in text:
                text = text[: text.index("expect_de:")]
            block = yaml.safe_dump(
                {"expect_de": german_words(found[0])}, allow_unicode=True, sort_keys=False
            )
            path.write_text(text.rstrip("\n") + "\n" + block, encoding="utf-8")
            print(f"{case.name}: {german_words(found[0])}")


if __name__ == "__main__":
    main(every="--all" in sys.argv)
