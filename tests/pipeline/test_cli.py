"""The command line: help for every command, exit codes, messages naming file and key."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.paths import ProjectPaths
from analysis.pipeline.cli import main


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


@pytest.mark.parametrize("command", [[], ["run"], ["status"], ["verify"], ["clean"]])
def test_help_for_every_command(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([*command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: analysis" in out
    if command == ["run"]:
        for flag in ("--jobs", "--only", "--force", "--executor", "--scheduler"):
            assert flag in out


def test_malformed_manifest_exits_2_naming_file_and_key(
    tiny_project: Callable[..., ProjectPaths],
) -> None:
    p = tiny_project([{"name": "x", "notebook": "notebooks/nope.ipynb"}])
    result = _cli("--root", str(p.root), "run")
    assert result.returncode == 2
    assert "pipeline.yaml" in result.stderr and "runs[1].notebook" in result.stderr
    assert "unbekanntes Notebook" in result.stderr  # German by default
    assert sorted(x.name for x in p.reports.iterdir()) in ([], [".lock"])


def test_unknown_parameter_exits_2_and_executes_nothing(
    tiny_project: Callable[..., ProjectPaths],
) -> None:
    p = tiny_project(
        [{"name": "x", "notebook": "notebooks/ok.ipynb", "parameters": {"colour": "red"}}]
    )
    result = _cli("--root", str(p.root), "run")
    assert result.returncode == 2
    assert "runs[1].parameters.colour" in result.stderr and "Lauf 'x'" in result.stderr
    assert not list(p.reports.glob("*.html"))


def test_status_lists_every_run(tiny_project: Callable[..., ProjectPaths]) -> None:
    p = tiny_project()
    result = _cli("--root", str(p.root), "status")
    assert result.returncode == 0
    assert "ok_1_a  VERALTET: noch nie gelaufen" in result.stdout
    assert "2 von 2 Läufen veraltet." in result.stdout


@pytest.mark.parametrize("where", ["before", "after"])
def test_lang_en_before_or_after_the_command(
    tiny_project: Callable[..., ProjectPaths], where: str
) -> None:
    p = tiny_project()
    args = ["--lang", "en", "status"] if where == "before" else ["status", "--lang", "en"]
    result = _cli("--root", str(p.root), *args)
    assert result.returncode == 0
    assert "ok_1_a  STALE: never run" in result.stdout
    assert "2 of 2 runs stale." in result.stdout


@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_timeout_must_be_positive_seconds(
    tiny_project: Callable[..., ProjectPaths], value: str
) -> None:
    p = tiny_project()
    result = _cli("--root", str(p.root), "run", "--timeout", value)
    assert result.returncode == 2
    assert "--timeout" in result.stderr and "whole number of seconds" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(x.name for x in p.reports.iterdir()) == []


def test_run_help_documents_the_default_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    from analysis.pipeline.execute import DEFAULT_TIMEOUT

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert f"(default {DEFAULT_TIMEOUT})" in out and "--lang" in out


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["run", "--jobs", "x"], "analysis run: Fehler: Argument --jobs/-j: ungültiger Wert 'x'"),
        (["runn"], "analysis: Fehler: Argument COMMAND: ungültige Wahl 'runn'"),
        (["--lang", "en", "run", "--jobs", "x"], "analysis run: error: argument --jobs/-j"),
        (["run", "--jobs", "x", "--lang=en"], "analysis run: error: argument --jobs/-j"),
    ],
)
def test_a_mistyped_command_is_told_in_the_language_asked_for(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "usage: analysis" in err


@pytest.mark.slow
def test_failed_run_exits_1_with_summary(tiny_project: Callable[..., ProjectPaths]) -> None:
    from tests.conftest import FAIL_NOTEBOOK

    p = tiny_project([{"name": "bad", "notebook": "notebooks/bad.ipynb"}], bad=FAIL_NOTEBOOK)
    result = _cli("--root", str(p.root), "run", "--jobs", "2", "--no-progress")
    assert result.returncode == 1
    assert "3 ausgeführt (2 erfolgreich, 1 fehlgeschlagen), 0 aktuell." in result.stdout
    assert (
        'FEHLGESCHLAGEN bad: Zelle 2 (raise ValueError("broken on purpose")): '
        "ValueError: broken on purpose → reports/failed/bad.ipynb"
    ) in result.stdout
    result = _cli(  # the failed run again, in English
        "--root", str(p.root), "run", "--no-progress", "--lang", "en"
    )
    assert result.returncode == 1
    assert "1 executed (0 ok, 1 failed), 2 up to date." in result.stdout
    assert "FAILED bad: cell 2 (raise ValueError" in result.stdout


@pytest.mark.slow
def test_an_input_error_raised_in_a_notebook_speaks_the_language_of_the_command(
    tiny_project: Callable[..., ProjectPaths],
) -> None:
    """The kernel gets the command's message language: the run summary and the index show
    the rule in German by default, in English with --lang en."""
    from tests.conftest import make_notebook

    raising = make_notebook(
        "n: int = 1  # anything",
        "from analysis.errors import InputError, Rule\n"
        'raise InputError(Rule(de="muss positiv sein", en="must be positive"), file="x.csv")',
    )
    p = tiny_project([{"name": "bad", "notebook": "notebooks/bad.ipynb"}], bad=raising)
    result = _cli("--root", str(p.root), "run", "--no-progress", "--only", "bad")
    assert result.returncode == 1
    assert "FEHLGESCHLAGEN bad: Zelle 1 (from analysis.errors import InputError, Rule): " in (
        result.stdout
    )
    assert "Eingabefehler: x.csv: muss positiv sein → reports/failed/bad.ipynb" in result.stdout
    index = (p.reports / "index.html").read_text(encoding="utf-8")
    assert "Eingabefehler: x.csv: muss positiv sein" in index and "cell 1" not in index
    result = _cli("--root", str(p.root), "run", "--no-progress", "--only", "bad", "--lang", "en")
    assert "input error: x.csv: must be positive" in result.stdout
    index = (p.reports / "index.html").read_text(encoding="utf-8")
    assert "cell 1 (from analysis.errors import InputError, Rule): input error: x.csv" in index


# -- the shipped manifest on a copy of the project: refused before anything executes ---------


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """notebooks/, data/raw and pipeline.yaml of this checkout, never run."""
    from tests.test_bad_inputs import copy_project

    return copy_project(tmp_path / "project")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _refused(root: Path, *args: str) -> str:
    """Run the command in-process; assert exit 2, no traceback, raw data and reports
    unchanged; return stderr with every entry index written ``runs[#]``."""
    from tests.test_bad_inputs import _snapshot, cli

    raw = _snapshot(root / "data" / "raw")
    code, out, err = cli(root, "--lang", "en", *args)
    assert code == 2, f"exit {code}\n{out}\n{err}"
    assert "input error: " in err and "Traceback" not in out + err
    assert _snapshot(root / "data" / "raw") == raw
    assert sorted(p.name for p in (root / "reports").iterdir()) in ([], [".lock"])
    return re.sub(r"runs\[\d+\]", "runs[#]", err)  # entries others add shift the index


def test_a_wrong_list_element_exits_2_naming_run_parameter_index_and_type(
    shipped: Path,
) -> None:
    """Issue 18.4: `covariates: [65]` was a TypeError (unhashable list) with exit 1."""
    _edit(
        shipped / "pipeline.yaml",
        "control_group: notyet\n      covariates: [share_65plus]",
        "control_group: notyet\n      covariates: [65]",
    )
    _edit(
        shipped / "pipeline.yaml",
        "outcome: vacancy_rate\n      estimator: dr\n      control_group: notyet",
        "outcome: vacancy_rate\n      estimator: dr\n      control_group: notyet\n      leads: [4]",
    )
    err = _refused(shipped, "run", "--no-progress", "--only", "31_cooperation_survey")
    assert "runs[#].parameters.covariates[0]" in err
    assert "run '30_outcomes_vacancy_rate_covariates_notyet'" in err
    assert "element covariates[0] must fit the type list[str]" in err and "(got 65)" in err
    assert "runs[#].parameters.leads" in err and "must be of type NonNegativeInt" in err


def test_a_list_where_a_file_is_expected_exits_2(shipped: Path) -> None:
    _edit(
        shipped / "pipeline.yaml",
        '      codebook: codebook.yaml\n      coding_sheet: ""',
        '      codebook: [codebook.yaml]\n      coding_sheet: ""',
    )
    err = _refused(shipped, "status")
    assert "runs[#].parameters.codebook" in err and "must be of type RawFile" in err


OLD_20 = (  # the grid, parameters and inputs of the 20_sroi_… runs in pipeline.yaml
    "      scenario: [base, conservative, optimistic]\n    parameters:\n      mc_draws: 20000\n"
    '      seed: 1\n      language: de\n    inputs:\n      - "data/raw/sroi/{centre_id}.yaml"\n'
    '      - optional: "data/raw/sroi/scenarios/{centre_id}__*.yaml"\n      - data/raw/protocols\n'
)


@pytest.mark.parametrize(
    ("old", "new", "only", "words"),
    [
        (
            "codebook_file: data/raw/survey/codebook.yaml\n      language: de",
            "codebook_file: data/raw/survey/codebook.yaml\n      language: fr",
            "31_cooperation_survey",
            ["runs[#].parameters.language", "Input should be 'de' or 'en'", "(got 'fr')"],
        ),
        (
            OLD_20,
            OLD_20.replace("mc_draws: 20000", "mc_draws: -1"),
            "20_sroi_barmen_base",
            ["runs[#].parameters.mc_draws", "greater than or equal to 1", "(got -1)"],
        ),
        (
            "estimator: ipw",
            "estimator: ols",
            "31_cooperation_survey",
            ["runs[#].parameters.estimator", "Input should be 'dr', 'reg' or 'ipw'"],
        ),
        (
            OLD_20,
            OLD_20.replace("optimistic]", "optimistic, pessimistic]"),
            "20_sroi_barmen_pessimistic",
            [
                "runs[#].parameters.scenario",
                "run '20_sroi_barmen_pessimistic'",
                "scenario 'pessimistic' is not declared in data/raw/sroi/barmen.yaml",
                "(scenarios: base, conservative, optimistic)",
            ],
        ),
    ],
    ids=["language_fr", "mc_draws_negative", "estimator_unknown", "scenario_not_declared"],
)
def test_values_outside_their_domain_exit_2_before_execution(
    shipped: Path, old: str, new: str, only: str, words: list[str]
) -> None:
    """Issue 18.5: such values used to execute the notebook and fail inside it."""
    _edit(shipped / "pipeline.yaml", old, new)
    err = _refused(shipped, "run", "--no-progress", "--only", only)
    missing = [w for w in words if w not in err]
    assert not missing, err


def test_an_unknown_protocol_or_centre_exits_2(shipped: Path) -> None:
    _edit(
        shipped / "pipeline.yaml",
        "      language: de\n    inputs:\n      - data/raw/sroi\n\n",
        "      language: de\n    inputs:\n      - data/raw/sroi\n\n"
        '  - name: "10_extra"\n    notebook: notebooks/10_workshop_protocols.ipynb\n'
        "    parameters:\n      protocol_id: gibt_es_nicht\n\n"
        '  - name: "20_extra"\n    notebook: notebooks/20_sroi_centre.ipynb\n'
        "    parameters:\n      centre_id: nirgendwo\n\n",
    )
    err = _refused(shipped, "run", "--no-progress", "--only", "10_extra", "20_extra")
    assert "run '10_extra': no protocol file data/raw/protocols/gibt_es_nicht.*" in err
    assert "run '20_extra': no centre file data/raw/sroi/nirgendwo.yaml" in err


def test_a_file_parameter_outside_the_declared_inputs_is_validated_first(shipped: Path) -> None:
    """Issue 18.6: run and verify check the file a parameter names before executing."""
    survey = shipped / "data/raw/survey"
    text = (survey / "synthetic_cooperation_survey.csv").read_text(encoding="utf-8")
    row = "r001,social_organisation,kooperation_01,eye_level_3,5\n"
    (survey / "other_answers.csv").write_text(
        text.replace(row, row.replace(",5\n", ",NaN\n")), encoding="utf-8"
    )
    _edit(
        shipped / "pipeline.yaml",
        "answers_file: data/raw/survey/synthetic_cooperation_survey.csv",
        "answers_file: data/raw/survey/other_answers.csv",
    )
    err = _refused(shipped, "run", "--no-progress", "--only", "31_cooperation_survey")
    assert "other_answers.csv, row 5, column/field 'answer'" in err
    results = shipped / "reports" / "31_cooperation_survey.results.json"
    results.write_text('{"run": "31_cooperation_survey", "results": {}, "units": {}}\n')
    from tests.test_bad_inputs import cli

    code, out, err = cli(shipped, "verify", "--no-progress", "--only", "31_cooperation_survey")
    assert code == 2 and "other_answers.csv, Zeile 5, Spalte/Feld 'answer'" in err, out + err
    assert not (shipped / "reports" / ".staging").exists()


def test_reserved_run_name_exits_2(shipped: Path) -> None:
    """Issue 18.12: `failed` would delete the folder of failed notebooks."""
    _edit(shipped / "pipeline.yaml", 'name: "21_sroi_comparison"', 'name: "failed"')
    err = _refused(shipped, "run", "--no-progress")
    assert "runs[#].name" in err and "run name 'failed' is reserved" in err


def test_a_protocol_dropped_into_its_folder_is_a_new_run(shipped: Path) -> None:
    """Issue 14.1: no edit of pipeline.yaml; a clash of stems is an error naming both."""
    from tests.test_bad_inputs import cli

    protocols = shipped / "data/raw/protocols"
    code, out, _ = cli(shipped, "--lang", "en", "status", "--only", "10_workshop_*")
    assert code == 0 and "4 of 4 runs stale." in out
    (protocols / "neuer_workshop.txt").write_bytes(
        (protocols / "fiktiv_pflege_wohnen_im_alter.txt").read_bytes()
    )
    code, out, _ = cli(shipped, "--lang", "en", "status", "--only", "10_workshop_*")
    assert code == 0 and re.search(r"^10_workshop_neuer_workshop +STALE: never run$", out, re.M)
    assert "5 of 5 runs stale." in out
    (protocols / "neuer_workshop.md").write_text("# Doppelt\n", encoding="utf-8")
    err = _refused(shipped, "status")
    assert "runs[#].grid.protocol_id.files" in err
    assert "data/raw/protocols/neuer_workshop.md and data/raw/protocols/neuer_workshop.txt" in err


def test_a_centre_dropped_into_its_folder_gets_its_sroi_and_business_runs(shipped: Path) -> None:
    from tests.test_bad_inputs import cli

    sroi = shipped / "data/raw/sroi"
    (sroi / "neues_zentrum.yaml").write_bytes((sroi / "fictional_village.yaml").read_bytes())
    code, out, err = cli(shipped, "--lang", "en", "status", "--only", "2*_neues_zentrum_*")
    assert code == 0, err
    for name in ("20_sroi", "22_business"):
        for scenario in ("base", "conservative", "optimistic"):
            assert f"{name}_neues_zentrum_{scenario}" in out


def test_a_changed_raw_file_warns_and_strict_exits_2(shipped: Path) -> None:
    """Issue 18.14: a sha256 mismatch against data/raw/catalog.yaml is named."""
    from tests.test_bad_inputs import cli

    book = shipped / "data/raw/survey/codebook.yaml"
    book.write_bytes(book.read_bytes() + b"\n")
    code, out, err = cli(shipped, "--lang", "en", "status", "--only", "31_cooperation_survey")
    assert code == 0
    assert (
        "analysis status: warning: data/raw/survey/codebook.yaml: content differs from its "
        "sha256 in data/raw/catalog.yaml" in err
    )
    assert "1 of 1 runs stale." in out
    err = _refused(shipped, "status", "--strict", "--only", "31_cooperation_survey")
    assert "data/raw/survey/codebook.yaml: content differs from its sha256" in err
    err = _refused(shipped, "run", "--strict", "--no-progress", "--only", "31_cooperation_survey")
    assert "data/raw/survey/codebook.yaml: content differs from its sha256" in err
    code, out, err = cli(shipped, "status", "--only", "31_cooperation_survey")
    assert code == 0
    assert (
        "analysis status: Warnung: data/raw/survey/codebook.yaml: Inhalt weicht von seiner "
        "sha256 in data/raw/catalog.yaml ab" in err
    )
    code, out, err = cli(shipped, "--lang", "en", "status", "--only", "30_outcomes_tenant_turnover")
    assert code == 0 and "warning" not in err  # only files the runs read are checked


@pytest.mark.slow
def test_run_warns_about_a_changed_raw_file_and_still_executes(
    tiny_project: Callable[..., ProjectPaths],
) -> None:
    import hashlib

    from tests.test_bad_inputs import cli

    p = tiny_project()
    pinned = hashlib.sha256(b"the catalogued content").hexdigest()
    (p.raw / "catalog.yaml").write_text(
        "files:\n  input.txt:\n    kind: text\n    status: fictional\n"
        f"    source: test\n    licence: CC0\n    sha256: {pinned}\n"
    )
    code, out, err = cli(p.root, "--lang", "en", "run", "--no-progress", "--only", "ok_1_a")
    assert code == 0, out + err
    assert "analysis run: warning: data/raw/input.txt: content differs from its sha256" in err
    assert (p.reports / "ok_1_a.html").is_file()


def test_a_saved_scenario_is_a_new_run_and_an_input_of_its_centre(shipped: Path) -> None:
    """A scenario saved beside a centre (data/raw/sroi/scenarios/<centre>__<name>.yaml)
    gets its SROI and business runs, and every run of that centre reads it."""
    from analysis.paths import project
    from analysis.pipeline import runner

    saved = shipped / "data/raw/sroi/scenarios/barmen__vorsichtig.yaml"
    saved.parent.mkdir()
    saved.write_text(
        "scenario: vorsichtig\ndescription: Test\nsaved: 2026-01-01\nbased_on: base\n"
        "overrides:\n  - path: impact_map.outcomes.local_shopping.quantity\n    value: 300\n"
        "    range: scale\n    assumption: Half of the households shop regularly.\n",
        encoding="utf-8",
    )
    plan = runner.status(project(shipped), ["2*_barmen_*"])
    names = [r.name for r in plan.runs]
    assert "20_sroi_barmen_vorsichtig" in names and "22_business_barmen_vorsichtig" in names
    rel = "data/raw/sroi/scenarios/barmen__vorsichtig.yaml"
    for name in ("20_sroi_barmen_base", "22_business_barmen_conservative"):
        assert rel in plan.fingerprints[name].inputs
    assert (
        rel
        not in runner.status(project(shipped), ["20_sroi_fictional_village_base"])
        .fingerprints["20_sroi_fictional_village_base"]
        .inputs
    )
