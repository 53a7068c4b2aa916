"""The pipeline end to end on fixture notebooks: incremental, isolated, atomic."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from analysis.errors import LockedError, ParameterError
from analysis.paths import ProjectPaths
from analysis.pipeline import runner
from tests.conftest import FAIL_NOTEBOOK, OK_NOTEBOOK, REQUIRED_NOTEBOOK

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _fixed_package_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the helper-package hash: these tests are about notebooks and inputs."""
    monkeypatch.setattr(runner, "package_digest", lambda: "pinned")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def test_run_writes_reports_provenance_and_index(tiny_project: Callable[..., ProjectPaths]) -> None:
    p = tiny_project()
    summary = runner.run(p, jobs=2, progress=False)
    assert summary.ok and sorted(o.name for o in summary.executed) == ["ok_1_a", "ok_2_a"]
    got = json.loads((p.reports / "ok_2_a.results.json").read_text())
    assert got == {"run": "ok_2_a", "results": {"y": 4.0, "label": "a"}, "units": {}}
    html = (p.reports / "ok_2_a.html").read_text()
    assert "Fixture report" in html and "results.record" not in html and "hello" in html
    state = json.loads(p.provenance.read_text())["runs"]["ok_2_a"]
    for key in (
        "git",
        "parameters",
        "fingerprint",
        "versions",
        "started",
        "finished",
        "duration_s",
        "status",
        "peak_memory_mb",
    ):
        assert key in state
    assert state["parameters"] == {"x": 2, "label": "a"}
    assert state["fingerprint"]["inputs"].keys() == {"data/raw/input.txt"}
    assert 0 < state["peak_memory_mb"] < 1024
    index = p.index.read_text()
    assert 'href="ok_1_a.html"' in index and "erfolgreich" in index
    assert not list(p.reports.glob(".*.tmp")) and not p.staging.exists()

    # Nothing changed: nothing executes, nothing is rewritten.
    before = _snapshot(p.reports)
    again = runner.run(p, jobs=2, progress=False)
    assert again.executed == [] and sorted(again.skipped) == ["ok_1_a", "ok_2_a"]
    assert _snapshot(p.reports) == before

    # Verification re-executes and finds identical figures; tampering is detected.
    v = runner.verify(p, jobs=2, progress=False)
    assert v.ok and sorted(v.identical) == ["ok_1_a", "ok_2_a"]
    path = p.reports / "ok_1_a.results.json"
    path.write_text(path.read_text().replace("2.0", "2.5"))
    v = runner.verify(p, jobs=1, only=["ok_1_a"], progress=False)
    assert not v.ok and "y: 2.5 → 2.0" in v.different["ok_1_a"]


def test_changed_input_reruns_only_runs_declaring_it(
    tiny_project: Callable[..., ProjectPaths],
) -> None:
    p = tiny_project(
        [
            {
                "name": "other",
                "notebook": "notebooks/ok.ipynb",
                "parameters": {"x": 5},
                "inputs": ["data/raw/other.txt"],
            }
        ]
    )
    (p.raw / "other.txt").write_text("other")
    runner.run(p, jobs=2, progress=False)
    (p.raw / "other.txt").write_text("changed")
    plan = runner.status(p)
    assert plan.reasons == {
        "ok_1_a": [],
        "ok_2_a": [],
        "other": ["input changed: data/raw/other.txt"],
    }
    summary = runner.run(p, jobs=2, progress=False)
    assert [o.name for o in summary.executed] == ["other"]
    forced = runner.run(p, jobs=2, force=True, only=["ok_*"], progress=False)
    assert sorted(o.name for o in forced.executed) == ["ok_1_a", "ok_2_a"]


def test_failing_run_is_isolated_and_keeps_last_good_report(
    tiny_project: Callable[..., ProjectPaths],
) -> None:
    p = tiny_project(
        [{"name": "fragile", "notebook": "notebooks/fragile.ipynb"}], fragile=OK_NOTEBOOK
    )
    assert runner.run(p, jobs=2, progress=False).ok
    good_html = (p.reports / "fragile.html").read_bytes()
    nbformat.write(FAIL_NOTEBOOK, p.notebooks / "fragile.ipynb")
    (p.raw / "input.txt").write_text("new input")  # the ok runs rerun too
    summary = runner.run(p, jobs=2, progress=False)
    assert [o.name for o in summary.failed] == ["fragile"]
    assert sorted(o.name for o in summary.executed if o.status == "ok") == ["ok_1_a", "ok_2_a"]
    err = summary.failed[0].error
    assert err["ename"] == "ValueError" and err["evalue"] == "broken on purpose"
    assert err["cell"] == 2
    assert (p.failed / "fragile.ipynb").is_file()
    assert (p.reports / "fragile.html").read_bytes() == good_html
    state = json.loads(p.provenance.read_text())["runs"]["fragile"]
    assert state["status"] == "failed" and state["previous_success"]["status"] == "ok"
    assert "fehlgeschlagen" in p.index.read_text()
    assert runner.status(p).reasons["fragile"][0] == "last attempt failed"


def test_dead_kernel_is_a_failed_run(tiny_project: Callable[..., ProjectPaths]) -> None:
    from tests.conftest import make_notebook

    dying = make_notebook("n: int = 1  # x", "import os\nos._exit(1)")
    p = tiny_project([{"name": "dies", "notebook": "notebooks/dies.ipynb"}], dies=dying)
    summary = runner.run(p, jobs=2, progress=False)
    assert [o.name for o in summary.failed] == ["dies"]
    assert len([o for o in summary.executed if o.status == "ok"]) == 2


def test_bad_parameters_stop_everything_before_execution(
    tiny_project: Callable[..., ProjectPaths],
) -> None:
    p = tiny_project(
        [
            {"name": "req", "notebook": "notebooks/req.ipynb"},
            {"name": "typed", "notebook": "notebooks/ok.ipynb", "parameters": {"x": "three"}},
        ],
        req=REQUIRED_NOTEBOOK,
    )
    before = _snapshot(p.reports)
    with pytest.raises(ParameterError) as info:
        runner.run(p, jobs=2, progress=False)
    text = str(info.value)
    assert "run 'req': required parameter is missing" in text
    assert "runs[2].parameters.x" in text and "run 'typed': must be of type int" in text
    assert _snapshot(p.reports) == before


def test_second_run_is_refused_by_the_lock(tiny_project: Callable[..., ProjectPaths]) -> None:
    p = tiny_project()
    entered = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with runner.locked(p):
            entered.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    entered.wait(10)
    try:
        with pytest.raises(LockedError, match="another 'analysis run'"):
            runner.run(p, jobs=1, progress=False)
    finally:
        release.set()
        t.join()


def test_clean_keeps_readme(tiny_project: Callable[..., ProjectPaths]) -> None:
    p = tiny_project()
    (p.reports / "README.md").write_text("keep")
    runner.run(p, jobs=2, progress=False)
    runner.clean(p)
    assert sorted(x.name for x in p.reports.iterdir() if x.name != ".lock") == ["README.md"]


def test_validated_manifest_is_cached_until_manifest_or_notebook_changes(
    tiny_project: Callable[..., ProjectPaths],
) -> None:
    import subprocess
    import sys

    p = tiny_project()
    assert len(runner.validated_runs(p)) == 2
    probe = (
        "import sys\nfrom analysis.pipeline import runner\nfrom analysis.paths import project\n"
        f"runner.status(project({str(p.root)!r}))\nprint('pydantic' in sys.modules)"
    )
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert first.stdout.strip() == "True", first.stderr  # validated (the real package hash)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr  # nothing changed: no validation stack
    text = p.run_manifest.read_text().replace("label:\n    - a", "label:\n    - a\n    - 7")
    p.run_manifest.write_text(text)
    with pytest.raises(ParameterError, match="must be of type str"):
        runner.validated_runs(p)
    p.run_manifest.write_text(text.replace("- 7", "- b"))
    assert [r.name for r in runner.validated_runs(p)][-1] == "ok_2_b"
    nb = nbformat.read(p.notebooks / "ok.ipynb", as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace('label: str = "a"', "label: int = 1")
    nbformat.write(nb, p.notebooks / "ok.ipynb")
    with pytest.raises(ParameterError, match="must be of type int"):
        runner.validated_runs(p)


def test_outputs_present_follows_the_recorded_outputs(tmp_path: Path) -> None:
    """A run is complete only with every output its last success recorded, its folder
    reports/<run>/ included; a record without outputs falls back to the three files."""
    from analysis.paths import project

    p = project(tmp_path)
    p.reports.mkdir()
    for name in ("r.ipynb", "r.html", "r.results.json"):
        (p.reports / name).write_text("{}")
    outputs = {"ipynb": "r.ipynb", "html": "r.html", "results": "r.results.json", "dir": "r"}
    ok = {"status": "ok", "outputs": outputs}
    assert runner.outputs_present(p, "r", None)
    assert runner.outputs_present(p, "r", {"status": "ok"})
    assert not runner.outputs_present(p, "r", ok)
    assert not runner.outputs_present(p, "r", {"status": "failed", "previous_success": ok})
    (p.reports / "r").mkdir()
    assert runner.outputs_present(p, "r", ok)
    (p.reports / "r.html").unlink()
    assert not runner.outputs_present(p, "r", ok)


def test_cell_time_limit_of_a_task(tiny_project: Callable[..., ProjectPaths]) -> None:
    """The run's own `timeout:` wins over --timeout, which wins over the default."""
    from analysis.pipeline.execute import DEFAULT_TIMEOUT
    from analysis.pipeline.manifest import Run

    p = tiny_project()
    own = Run(name="a", notebook="notebooks/ok.ipynb", timeout=7)
    plain = Run(name="b", notebook="notebooks/ok.ipynb")
    stage = p.staging
    assert runner.make_task(p, own, [], staging_root=stage, timeout=60).timeout == 7
    assert runner.make_task(p, plain, [], staging_root=stage, timeout=60).timeout == 60
    assert runner.make_task(p, plain, [], staging_root=stage).timeout == DEFAULT_TIMEOUT
