"""Bad inputs: `analysis run` refuses each case of tests/data/bad with exit code 2.

The corpus (``tests/data/bad/<case>/case.yaml``, see the README there) holds one case
per folder: which file of the project it replaces or adds (``target``), the bad content
(``source``: a file next to case.yaml; or ``from`` a project file with exact ``edits``
and an ``encoding``), the runs to execute and the words the message must contain
(file, row/column/field, rule).

One copy of the project is prepared for the whole module: the reports of the runs the
corpus names, executed once on the good data (by the session's shared pipeline run,
``pipeline_reports`` in tests/conftest.py), are copied and hashed. Each case then breaks
its input in that copy, runs ``analysis run --only <runs>`` and checks: exit code 2,
the message names file, place and rule, raw data and run manifest unchanged by the
run, the last good reports byte for byte intact, nothing staged or half-written. The
input is restored afterwards. Validation happens before anything executes (the runner
checks every raw file a stale run declares with the loader of its kind), so a case
costs a fraction of a second.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import signal
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from analysis import catalog
from analysis.errors import InputError
from analysis.paths import ProjectPaths
from analysis.pipeline.cli import main
from analysis.pipeline.kinds import VALIDATORS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "data" / "bad"
KINDS = (
    "manifest",
    "protocol",
    "codebook",
    "impact_map_yaml",
    "impact_map_xlsx",
    "panel",
    "survey",
)


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    spec: dict[str, Any]

    @property
    def runs(self) -> list[str]:
        return list(self.spec["runs"])

    @property
    def only(self) -> list[str]:
        """The runs to ask for (``only``, else ``runs``): a case may make a new run."""
        return list(self.spec.get("only", self.spec["runs"]))

    @property
    def env(self) -> dict[str, str]:
        """Environment variables the case sets for its run (e.g. a lowered size limit)."""
        return {k: str(v) for k, v in self.spec.get("env", {}).items()}

    @property
    def fast(self) -> bool:
        """Checked on a copy that never ran too: marked ``fast: true``, or a manifest case
        (refused while the manifest is read, it needs no earlier reports)."""
        return bool(self.spec.get("fast")) or self.spec["kind"] == "manifest"

    @property
    def words(self) -> list[str]:
        """What the English message (``--lang en``) must contain."""
        expect = self.spec["expect"]
        return [expect["file"], *expect["where"], expect["rule"]]

    @property
    def words_de(self) -> list[str]:
        """What the German message (the default) must contain: the file, and the place
        words and rule of ``expect_de`` (proposed by tests/data/bad/german.py)."""
        german = self.spec["expect_de"]
        return [self.spec["expect"]["file"], *german["where"], german["rule"]]

    def content(self, root: Path) -> bytes:
        """The bad bytes: the case's own file, or a project file with its edits applied."""
        if "source" in self.spec:
            return (self.folder / self.spec["source"]).read_bytes()
        text = (root / self.spec["from"]).read_text(encoding="utf-8")
        for edit in self.spec.get("edits", []):
            found = text.count(edit["old"])
            assert found == 1, f"{self.name}: edit text found {found} times: {edit['old']!r}"
            text = text.replace(edit["old"], edit["new"])
        # Characters the encoding lacks become "?", as a Windows editor saves them.
        return text.encode(self.spec.get("encoding", "utf-8"), errors="replace")


def load_cases() -> list[Case]:
    return [
        Case(d.name, d, yaml.safe_load((d / "case.yaml").read_text(encoding="utf-8")))
        for d in sorted(CORPUS.iterdir())
        if (d / "case.yaml").is_file()
    ]


CASES = load_cases()


def _snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` (the lock file aside)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def cli(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``analysis --root <root> <args>`` in this process: exit code, stdout, stderr.

    main() sets $ANALYSIS_ROOT and a SIGTERM handler; both are put back afterwards, and
    so is every variable of ``env`` set for the call.
    """
    saved = {k: os.environ.get(k) for k in ["ANALYSIS_ROOT", *(env or {})]}
    handler = signal.getsignal(signal.SIGTERM)
    out, err = io.StringIO(), io.StringIO()
    try:
        os.environ.update(env or {})
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--root", str(root), *args])
    finally:
        signal.signal(signal.SIGTERM, handler)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return code, out.getvalue(), err.getvalue()


def copy_project(root: Path) -> Path:
    """The notebooks, run manifest and raw data of this checkout, copied to ``root``."""
    for rel in ("notebooks", "data/raw"):
        shutil.copytree(ROOT / rel, root / rel)
    shutil.copy(ROOT / "pipeline.yaml", root / "pipeline.yaml")
    (root / "reports").mkdir()
    return root


@dataclass(frozen=True)
class Prepared:
    root: Path
    reports: dict[str, str]
    runs: list[str]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, pipeline_reports: ProjectPaths) -> Prepared:
    """A project copy whose corpus runs have executed once on the good data: the
    notebooks, raw data and run manifest of the session's shared pipeline run
    (tests/conftest.py), with the reports of the corpus runs and its provenance."""
    root = tmp_path_factory.mktemp("bad_inputs")
    shared = pipeline_reports.root
    for rel in ("notebooks", "data/raw"):
        shutil.copytree(shared / rel, root / rel)
    shutil.copy(shared / "pipeline.yaml", root / "pipeline.yaml")
    (root / "reports").mkdir()
    runs = sorted({r for c in CASES for r in c.runs})
    for name in ("manifest.json", "index.html"):
        shutil.copy(shared / "reports" / name, root / "reports" / name)
    for run in runs:
        for suffix in (".html", ".ipynb", ".results.json"):
            shutil.copy(shared / "reports" / f"{run}{suffix}", root / "reports" / f"{run}{suffix}")
        shutil.copytree(shared / "reports" / run, root / "reports" / run)
    from analysis.paths import project
    from analysis.pipeline import runner as runner

    reasons = {  # up to date: nothing would execute (see test_project_copy_is_good_again)
        r: [x for x in why if not x.startswith("helper package")]
        for r, why in runner.status(project(root), runs).reasons.items()
    }
    assert reasons == {r: [] for r in runs}, reasons
    return Prepared(root, _snapshot(root / "reports"), runs)


def test_corpus_covers_every_input_kind() -> None:
    counts = Counter(c.spec["kind"] for c in CASES)
    assert set(counts) == set(KINDS), counts
    assert all(n >= 5 for n in counts.values()), counts
    assert len(CASES) >= 30
    for c in CASES:
        assert {"kind", "about", "target", "runs", "expect"} <= set(c.spec), c.name
        assert ("source" in c.spec) != ("from" in c.spec), c.name
        if "source" in c.spec:
            assert (c.folder / c.spec["source"]).is_file(), c.name
            assert Path(c.spec["target"]).name == c.spec["source"], c.name
        expect = c.spec["expect"]
        assert expect["file"] and expect["rule"], c.name
        assert c.spec["expect_de"]["rule"] and c.spec["expect_de"]["rule"] != expect["rule"], (
            f"{c.name}: the German rule must be German (tests/data/bad/german.py proposes it)"
        )


@pytest.mark.slow  # the module's project copy executes notebooks once
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input_exits_2_and_changes_nothing(case: Case, prepared: Prepared) -> None:
    root = prepared.root
    target = root / case.spec["target"]
    original = target.read_bytes() if target.exists() else None
    bad = case.content(root)
    try:
        target.write_bytes(bad)
        raw = _snapshot(root / "data" / "raw")
        manifest = (root / "pipeline.yaml").read_bytes()

        code, out, err = cli(root, "run", "--no-progress", "--only", *case.only, env=case.env)

        assert code == 2, f"exit {code}\n{out}\n{err}"
        # The bad file no longer matches its catalogued sha256: that warning comes first.
        warnings = [x for x in err.splitlines() if x.startswith("analysis run: Warnung: ")]
        assert all("sha256" in x for x in warnings), err
        error = err.split("\n", len(warnings))[-1]
        assert error.startswith("analysis run: Eingabefehler: "), err
        assert "Traceback" not in out + err
        missing = [w for w in case.words_de if w not in err]
        assert not missing, f"message lacks {missing}:\n{err}"
        assert _snapshot(root / "data" / "raw") == raw, "raw data changed"
        assert (root / "pipeline.yaml").read_bytes() == manifest
        assert _snapshot(root / "reports") == prepared.reports, "the last good reports changed"
        reports = root / "reports"
        assert not (reports / ".staging").exists()
        assert not list(reports.glob(".*.tmp")) and not (reports / "failed").exists()
    finally:
        if original is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(original)


@pytest.fixture(scope="module")
def never_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project that has never run: every run is stale."""
    return copy_project(tmp_path_factory.mktemp("never_run"))


@pytest.mark.parametrize("case", [c for c in CASES if c.fast], ids=lambda c: c.name)
def test_bad_input_is_refused_before_anything_executes(case: Case, never_run: Path) -> None:
    """The fast check of the cases marked ``fast: true`` and of every manifest case: on a
    copy that never ran,
    ``analysis run`` stops with exit code 2 and the case's message while validating,
    before any notebook starts, in German (the default) and with ``--lang en`` in
    English; raw data and manifest unchanged, no report written.
    (The slow test above checks every case against the last good reports, in German.)"""
    root = never_run
    target = root / case.spec["target"]
    original = target.read_bytes() if target.exists() else None
    try:
        target.write_bytes(case.content(root))
        raw = _snapshot(root / "data" / "raw")
        manifest = (root / "pipeline.yaml").read_bytes()
        code, out, err = cli(root, "run", "--no-progress", "--only", *case.only, env=case.env)
        assert code == 2, f"exit {code}\n{out}\n{err}"
        missing = [w for w in case.words_de if w not in err]
        assert not missing, f"message lacks {missing}:\n{err}"
        assert "Traceback" not in out + err
        command = ["run", "--no-progress", "--lang", "en", "--only", *case.only]
        code, out, err = cli(root, *command, env=case.env)
        assert code == 2 and "\nanalysis run: input error: " in f"\n{err}", err
        missing = [w for w in case.words if w not in err]
        assert not missing, f"English message lacks {missing}:\n{err}"
        assert _snapshot(root / "data" / "raw") == raw, "raw data changed"
        assert (root / "pipeline.yaml").read_bytes() == manifest
        assert sorted(p.name for p in (root / "reports").iterdir()) in ([], [".lock"])
    finally:
        if original is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(original)


@pytest.mark.slow
def test_project_copy_is_good_again(prepared: Prepared) -> None:
    """After any cases, the restored copy is up to date: no input or parameter differs
    from the good run (an edit of src/analysis by someone else meanwhile may count)."""
    from analysis.paths import project
    from analysis.pipeline import runner

    plan = runner.status(project(prepared.root), prepared.runs)
    reasons = {
        r: [x for x in why if not x.startswith("helper package")] for r, why in plan.reasons.items()
    }
    assert reasons == {r: [] for r in prepared.runs}


@pytest.mark.slow
def test_verify_reproduces_the_estimates_bit_for_bit(prepared: Prepared) -> None:
    """`analysis verify` re-executes the estimation runs (DiD with bootstrap, ordinal
    regression) in a scratch folder: identical key figures, reports untouched. (The
    whole pipeline is verified by tests/test_readme_commands.py.)"""
    runs = ["30_outcomes_tenant_turnover", "31_cooperation_survey"]
    code, out, err = cli(prepared.root, "verify", "--no-progress", "--only", *runs)
    assert code == 0, out + err
    assert "2 identisch, 0 abweichend, 0 fehlgeschlagen" in out, out
    assert _snapshot(prepared.root / "reports") == prepared.reports


def test_the_installed_command_refuses_bad_data_before_executing(tmp_path: Path) -> None:
    """The same through `python -m analysis` in a subprocess, on a copy never run."""
    import subprocess
    import sys

    root = copy_project(tmp_path / "project")
    (case,) = [c for c in CASES if c.name == "panel_nan"]
    (root / case.spec["target"]).write_bytes(case.content(root))
    command = [sys.executable, "-m", "analysis", "--root", str(root), "run", "--no-progress"]
    done = subprocess.run(
        [*command, "--only", *case.runs],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert all(w in done.stderr for w in case.words_de), done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in (root / "reports").iterdir()) == [".lock"]


# -- loaders and checks the corpus relies on -----------------------------------------------


def test_shipped_raw_data_passes_every_validator() -> None:
    raw = ROOT / "data" / "raw"
    files = [p for p in raw.rglob("*") if p.is_file()]
    assert catalog.validate_files(raw, files, VALIDATORS) == []


def test_uncatalogued_files_get_their_kind_from_their_place() -> None:
    assert catalog.infer_kind("protocols/neu.docx") == "protocol"
    assert catalog.infer_kind("sroi/werkstatt.xlsx") == "sroi_centre"
    assert catalog.infer_kind("outcomes/x_units.csv") == "outcome_panel_units"
    assert catalog.infer_kind("outcomes/x.csv") == "outcome_panel"
    assert catalog.infer_kind("survey/antworten.csv") == "survey_answers"
    assert catalog.infer_kind("regional/notes.txt") is None


def test_a_crashing_validator_is_a_problem_of_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sroi").mkdir()
    (tmp_path / "sroi" / "x.yaml").write_text("a: 1\n")

    def crash(path: Path) -> None:
        raise ZeroDivisionError("boom")

    validators = {"sroi_centre": crash}
    (problem,) = catalog.validate_files(tmp_path, [tmp_path / "sroi" / "x.yaml"], validators)
    assert problem.file.endswith("x.yaml") and "ZeroDivisionError: boom" in str(problem.rule)


def test_files_with_a_byte_order_mark_are_read_like_utf8(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" writes a BOM: panel, units and survey files accept it."""
    from analysis.outcomes import panel, survey

    bom = b"\xef\xbb\xbf"
    units = "# synthetic\nunit,name,kind\ng1,Gebiet 1,quarter\ng2,Gebiet 2,estate\n"
    (tmp_path / "p_units.csv").write_bytes(bom + units.encode())
    rows = "# SYNTHETIC\nunit,period,first_treated,y\ng1,2020,,1.5\ng1,2021,,2\ng2,2020,2021,3\n"
    rows += "g2,2021,2021,4\n"
    (tmp_path / "p.csv").write_bytes(bom + rows.encode())
    loaded = panel.load_panel(tmp_path / "p.csv")
    assert loaded.synthetic and loaded.measures == ("y",) and len(loaded.data) == 4

    book = ROOT / "data" / "raw" / "survey" / "codebook.yaml"
    (tmp_path / "codebook.yaml").write_bytes(bom + book.read_bytes())
    answers = "# SYNTHETIC\nrespondent,side,cooperation,item,answer\n"
    answers += "r1,social_organisation,k1,overall,4\n"
    (tmp_path / "answers.csv").write_bytes(bom + answers.encode())
    got = survey.validate_file(tmp_path / "answers.csv")
    assert got.synthetic and got.answers["answer"].tolist() == [4.0]


def test_parameters_may_not_leave_the_project() -> None:
    from analysis.pipeline.params import ParameterSpec, validate

    specs = [
        ParameterSpec("codebook", "str", '"codebook.yaml"'),
        ParameterSpec("centre_id", "str", '"barmen"'),
        ParameterSpec("files", "list[str]", "[]"),
    ]

    def rules(**values: Any) -> list[str]:
        found = validate("r", values, specs, manifest_file="pipeline.yaml", entry=0, notebook="n")
        return [str(p.rule) for p in found]

    assert rules(codebook="sub/codebook.yaml", centre_id="barmen", files=["a/b.csv"]) == []
    for bad in ("../x.yaml", "/etc/passwd", "a/../../b", "C:\\x", "..\\x"):
        assert rules(codebook=bad) == [
            "run 'r': must stay inside the project: no '..' and no absolute path"
        ], bad
    assert rules(files=["ok.csv", "../no.csv"])
    assert rules(centre_id="a/b") == ["run 'r': an id is a file stem: no '/' or '\\'"]


def test_impact_map_workbook_layout_checks_accept_a_clean_export(tmp_path: Path) -> None:
    """A plain export reads back; a notes sheet is fine; a copied sheet is not."""
    from openpyxl import load_workbook

    from analysis.sroi import centre as sroi_centre

    path = sroi_centre.export_impact_map_xlsx(
        sroi_centre.load_impact_map(ROOT / "data" / "raw" / "sroi" / "fictional_village.yaml"),
        tmp_path / "w.xlsx",
    )
    wb = load_workbook(path)
    wb.create_sheet("Notizen")["A1"] = "Anmerkungen der Evaluatorin"
    wb.save(path)
    assert sroi_centre.validate_file(path).centre_id == "fictional_village"
    wb.copy_worksheet(wb["Inputs"]).title = "Inputs alt"
    wb.save(path)
    with pytest.raises(InputError, match="looks like a copy of sheet 'Inputs'"):
        sroi_centre.load_impact_map(path)


@pytest.mark.timeout(20)
def test_catastrophic_codebook_pattern_matches_in_linear_time(tmp_path: Path) -> None:
    """``(\\w+\\s?)+$`` hangs Python's re on a long statement ending in punctuation; the
    codebook runs it on RE2 and the suggestion comes at once."""
    from analysis.protocols import coding

    book = yaml.safe_load((ROOT / "data" / "raw" / "codebook.yaml").read_text(encoding="utf-8"))
    book["codes"][0]["patterns"] = [r"(\w+\s?)+$"]
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(book, allow_unicode=True), "utf-8")
    codebook = coding.load_codebook(tmp_path / "codebook.yaml")
    statement = "Mieter " * 2_000 + "!"
    assert book["codes"][0]["code"] not in coding.suggest(statement, codebook)
    assert book["codes"][0]["code"] in coding.suggest("Mieter und Vermieter", codebook)


@pytest.mark.parametrize(
    ("pattern", "engine", "rule"),
    [
        (r"(\w+\s?)+$", "re2", None),
        (r"\bfeste\b(?=\W*(?:$|[.,;]))", "re", None),  # the shipped lookahead
        (r"(?=\w)(\w+\s?)+$", None, "repeats a group that itself repeats"),
        (r"(?<!x)(a|ab)*c", None, "repeats an alternation"),
        (r"(a)(?:\1)+", None, "repeats a backreference"),
        (r"(unclosed", None, "not a valid regular expression"),
    ],
)
def test_codebook_patterns_run_on_re2_or_a_safe_re(
    pattern: str, engine: str | None, rule: str | None
) -> None:
    from analysis.protocols.coding import UnsafePattern, compile_pattern

    if rule is None:
        assert type(compile_pattern(pattern)).__module__.split(".")[0] == engine
    else:
        with pytest.raises(UnsafePattern, match=re.escape(rule)):
            compile_pattern(pattern)


@given(
    st.lists(
        st.sampled_from([r"a", r"\w", r"[.,]", r"(?:ab)", r"(?:x|y)", r"\s"]),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["*", "+", "{2,}"]),
)
def test_nested_repetition_is_always_flagged(atoms: list[str], outer: str) -> None:
    """A repeated group containing a repetition is flagged; the same group unrepeated
    is not."""
    from analysis.protocols.coding import backtracking_risk

    inner = "".join(atoms) + "+"
    assert backtracking_risk(f"x(?:{inner}){outer}y") is not None
    assert backtracking_risk(f"x(?:{''.join(atoms)}){{1,1}}y") is None  # not repeated


def test_shipped_codebook_suggests_the_same_codes_on_re2() -> None:
    """RE2 and Python's re agree on every shipped pattern and statement."""
    from analysis.protocols import coding, parse

    codebook = coding.load_codebook(ROOT / "data" / "raw" / "codebook.yaml")
    texts = [
        parse.fold(t) for t in parse.load_protocols(ROOT / "data" / "raw" / "protocols")["text"]
    ]
    for code in codebook.codes:
        for pattern in code.patterns:
            fast, slow = coding.compile_pattern(pattern), re.compile(pattern)
            assert [bool(fast.search(t)) for t in texts] == [bool(slow.search(t)) for t in texts]


def test_impact_map_whose_inputs_total_zero_is_refused() -> None:
    from analysis.sroi.centre import validate_centre_data

    path = ROOT / "data" / "raw" / "sroi" / "fictional_village.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in data["impact_map"]["inputs"]:
        factor = item["factors"][0]
        factor["value"] = 0
        if "low" in factor:
            factor["low"] = 0
    with pytest.raises(InputError, match=r"the inputs total 0: the SROI ratio") as info:
        validate_centre_data(data, path)
    assert info.value.column == "impact_map.inputs"
    data["impact_map"]["inputs"][0]["factors"][0]["value"] = 1
    validate_centre_data(data, path)
