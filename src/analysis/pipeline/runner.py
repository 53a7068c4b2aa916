"""Regenerate the reports: plan, validate, execute, promote, record.

``run`` is the pipeline in one function. Under a lock (a second ``analysis run``
in the same checkout is refused), it expands the run manifest, fingerprints every
run and keeps only the stale ones (or all with ``force``), validates every run's
parameters and the raw data files the stale runs declare (each by the loader of its
kind) before anything executes, executes the stale runs in worker processes,
and for each finished run moves its staged files atomically into ``reports/``
and records its provenance in ``reports/manifest.json``. A failing run keeps its
executed notebook under ``reports/failed/`` and leaves its previous good report in
place; the other runs go on. Finally ``reports/index.html`` is rewritten.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.errors import FileAccessError, InputError, LockedError
from analysis.i18n import DEFAULT_LANGUAGE, report_language, t
from analysis.paths import KERNEL_NAME, ProjectPaths
from analysis.pipeline import atomic
from analysis.pipeline.cache import Fingerprint, fingerprint, package_digest, stale_reasons
from analysis.pipeline.execute import DEFAULT_TIMEOUT, RunOutcome, RunTask
from analysis.pipeline.manifest import Run, load_manifest, select
from analysis.pipeline.params import ParameterSpec, inspect_parameters
from analysis.pipeline.provenance import git_info, now, package_versions, workbench_version

STATE_VERSION = 1


@dataclass
class Plan:
    """Every selected run with its fingerprint and the reasons it is stale."""

    runs: list[Run]
    fingerprints: dict[str, Fingerprint]
    reasons: dict[str, list[str]]
    warnings: list[str] = field(default_factory=list)

    @property
    def stale(self) -> list[Run]:
        return [r for r in self.runs if self.reasons[r.name]]


@dataclass
class Summary:
    """What a call of :func:`run` did."""

    executed: list[RunOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[RunOutcome]:
        return [o for o in self.executed if o.status != "ok"]

    @property
    def ok(self) -> bool:
        return not self.failed


# -- state ---------------------------------------------------------------------------------


def load_state(project: ProjectPaths) -> dict[str, Any]:
    """The provenance file ``reports/manifest.json`` (empty state if absent)."""
    try:
        state = json.loads(project.provenance.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"version": STATE_VERSION, "runs": {}}
    state.setdefault("runs", {})
    return state


def save_state(project: ProjectPaths, state: dict[str, Any]) -> None:
    atomic.write_text(
        project.provenance, json.dumps(state, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    )


def report_files(project: ProjectPaths, name: str) -> dict[str, Path]:
    r = project.reports
    return {
        "ipynb": r / f"{name}.ipynb",
        "html": r / f"{name}.html",
        "results": r / f"{name}.results.json",
    }


def outputs_present(project: ProjectPaths, name: str, record: dict[str, Any] | None = None) -> bool:
    """Whether every output of run ``name`` is in reports/.

    The outputs are those its last success recorded in ``record`` (the run's entry in
    reports/manifest.json): the notebook, HTML and key figures, and its folder
    ``reports/<run>/`` (figures, DOCX, XLSX) if it had one. Without a record: the
    three files.
    """
    good = record if record is None or record.get("status") == "ok" else None
    if good is None and record is not None:
        good = record.get("previous_success")
    recorded = (good or {}).get("outputs")
    if not recorded:
        return all(p.is_file() for p in report_files(project, name).values())
    for kind, rel in recorded.items():
        path = project.reports / rel
        if not (path.is_dir() if kind == "dir" else path.is_file()):
            return False
    return True


# -- planning ------------------------------------------------------------------------------


def _manifest_file(project: ProjectPaths) -> str:
    return project.run_manifest.name


def plan(
    project: ProjectPaths,
    runs: Sequence[Run],
    *,
    force: bool = False,
    state: dict[str, Any] | None = None,
    package: str | None = None,
) -> Plan:
    """Fingerprint ``runs`` and find why each is stale."""
    state = state if state is not None else load_state(project)
    package = package or package_digest()
    memo: dict[str, str] = {}
    fps: dict[str, Fingerprint] = {}
    reasons: dict[str, list[str]] = {}
    for run in runs:
        fp = fingerprint(run, project, _manifest_file(project), package=package, digests=memo)
        fps[run.name] = fp
        record = state["runs"].get(run.name)
        why = stale_reasons(fp, record, outputs_present(project, run.name, record))
        if force and not why:
            why = ["--force"]
        reasons[run.name] = why
    return Plan(list(runs), fps, reasons)


def parameter_specs(project: ProjectPaths, runs: Sequence[Run]) -> dict[str, list[ParameterSpec]]:
    """The declared parameters of every notebook the runs use (cached by content)."""
    specs: dict[str, list[ParameterSpec]] = {}
    for run in runs:
        if run.notebook not in specs:
            specs[run.notebook] = inspect_parameters(project.root / run.notebook, project.cache)
    return specs


def validate_runs(project: ProjectPaths, runs: Sequence[Run]) -> dict[str, list[ParameterSpec]]:
    """Check every run's parameters against its notebook; raise ParameterError listing all.

    Types and value ranges come from the annotations of the notebook's parameters cell;
    a file parameter (``RawFile``/``ProjectFile``) must name an existing file (or a
    folder or glob that holds one).
    """
    from analysis.errors import Problem, Rule
    from analysis.pipeline.cache import files_matching
    from analysis.pipeline.params import file_inputs, raise_if_invalid, validate

    specs = parameter_specs(project, runs)
    problems = []
    for run in runs:
        found = validate(
            run.name,
            run.parameters,
            specs[run.notebook],
            manifest_file=_manifest_file(project),
            entry=run.entry,
            notebook=run.notebook,
        )
        if not found:
            for param, rel in file_inputs(run.parameters, specs[run.notebook]).items():
                if not files_matching(project, rel):
                    given = param.split("[")[0] in run.parameters
                    found.append(
                        Problem(
                            rule=Rule(
                                de=f"Lauf '{run.name}': der Parameter nennt keine vorhandene "
                                f"Datei{'' if given else ' (sein Standardwert)'}: {rel}",
                                en=f"run '{run.name}': parameter names no existing "
                                f"file{'' if given else ' (its default)'}: {rel}",
                            ),
                            file=_manifest_file(project),
                            column=f"runs[{run.entry}].parameters.{param}",
                        )
                    )
        problems += found
    # Each notebook-level problem once, not once per run (values may be unhashable lists).
    unique = list({str(p): p for p in problems}.values())
    raise_if_invalid(unique)
    return specs


def with_file_inputs(runs: Sequence[Run], specs: dict[str, list[ParameterSpec]]) -> list[Run]:
    """``runs`` with the files their file parameters name (:attr:`Run.file_inputs`)."""
    import dataclasses

    from analysis.pipeline.params import file_inputs

    return [
        dataclasses.replace(r, file_inputs=file_inputs(r.parameters, specs[r.notebook]))
        for r in runs
    ]


def _validation_key(
    project: ProjectPaths, notebooks: Sequence[str], package: str, globs: Sequence[str] = ()
) -> str:
    import hashlib

    from analysis.pipeline.manifest import match_files

    h = hashlib.sha256(package.encode())
    h.update(project.run_manifest.read_bytes())
    for nb in sorted(set(notebooks)):
        path = project.root / nb
        h.update(nb.encode())
        h.update(path.read_bytes() if path.is_file() else b"<missing>")
    for pattern in globs:  # a file dropped into a grid's folder is a new run
        h.update(json.dumps([pattern, list(match_files(project.root, pattern).items())]).encode())
    return h.hexdigest()


def validated_runs(project: ProjectPaths, package: str | None = None) -> list[Run]:
    """The manifest's runs, expanded and with every run's parameters validated.

    The expansion is cached under ``.cache/`` keyed by the bytes of pipeline.yaml,
    of every notebook it names and of the helper package, and by the files each files
    pattern of a grid matches: when none changed, the cached runs are returned without
    parsing YAML or importing pydantic, which keeps a regeneration with nothing to do
    well under half a second.
    """
    package = package or package_digest()
    cache_file = project.cache / "validated-manifest.json"
    try:
        cached = json.loads(cache_file.read_text(encoding="utf-8"))
        key = _validation_key(project, cached["notebooks"], package, cached["globs"])
        if cached["key"] == key:
            return [
                Run(
                    **{
                        **r,
                        "inputs": tuple(r["inputs"]),
                        "optional_inputs": tuple(r["optional_inputs"]),
                    }
                )
                for r in cached["runs"]
            ]
    except (FileNotFoundError, KeyError, TypeError, ValueError):
        pass
    globs: list[str] = []
    runs = load_manifest(project, globs=globs)
    runs = with_file_inputs(runs, validate_runs(project, runs))
    globs = list(dict.fromkeys(globs))
    notebooks = sorted({r.notebook for r in runs})
    payload = {
        "key": _validation_key(project, notebooks, package, globs),
        "notebooks": notebooks,
        "globs": globs,
        "runs": [
            r.__dict__ | {"inputs": list(r.inputs), "optional_inputs": list(r.optional_inputs)}
            for r in runs
        ],
    }
    atomic.write_text(cache_file, json.dumps(payload, ensure_ascii=False))
    return runs


def validate_inputs(project: ProjectPaths, runs: Sequence[Run], p: Plan) -> None:
    """Validate what ``runs`` read and their parameters' domains, before anything executes.

    Each raw file a run reads — declared as an input or named by a file parameter —
    is checked by the loader of its catalogued (or inferred) kind
    (:func:`analysis.catalog.validate_files` with the loaders of
    :mod:`analysis.pipeline.kinds`); then every parameter with a data-dependent domain
    (``CentreId``, ``ScenarioName``, ``ProtocolId``) is checked by its hook in
    :data:`analysis.pipeline.kinds.DOMAINS`. Any problem stops the regeneration with an
    :class:`InputError` (exit code 2) naming file, row, column/field and rule.
    """
    files = {project.root / rel for r in runs for rel in p.fingerprints[r.name].inputs}
    files = {f for f in files if f.is_relative_to(project.raw)}
    if files:
        from analysis.catalog import validate_files
        from analysis.pipeline.kinds import VALIDATORS

        problems = validate_files(project.raw, files, VALIDATORS)
        if problems:
            raise InputError(problems=problems)
    problems = domain_problems(project, runs)
    if problems:
        raise InputError(problems=problems)


def domain_problems(project: ProjectPaths, runs: Sequence[Run]) -> list[Any]:
    """Every parameter value outside its data-dependent domain (kinds.DOMAINS)."""
    from analysis.errors import Problem, Rule
    from analysis.pipeline.params import effective_values

    specs = parameter_specs(project, runs)
    checked = [r for r in runs if any(s.domains for s in specs[r.notebook])]
    if not checked:
        return []
    from analysis.pipeline.kinds import DOMAINS

    problems: list[Problem] = []
    for run in checked:
        values = effective_values(run.parameters, specs[run.notebook])
        for spec in specs[run.notebook]:
            value = values.get(spec.name)
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                if not isinstance(item, str):
                    continue
                for domain in spec.domains:
                    try:
                        rule = DOMAINS[domain](item, values, project.raw)
                    except InputError as err:  # the file the domain lives in is bad
                        problems += err.problems
                        continue
                    if rule:
                        where = f"[{i}]" if isinstance(value, list) else ""
                        problems.append(
                            Problem(
                                rule=Rule(
                                    de=f"Lauf '{run.name}': {rule.de}",
                                    en=f"run '{run.name}': {rule.en}",
                                ),
                                file=_manifest_file(project),
                                column=f"runs[{run.entry}].parameters.{spec.name}{where}",
                                value=item,
                            )
                        )
    return list({str(p): p for p in problems}.values())


def catalog_mismatches(project: ProjectPaths, p: Plan, lang: str = DEFAULT_LANGUAGE) -> list[Any]:
    """The raw files the planned runs read whose content differs from the sha256 that
    ``data/raw/catalog.yaml`` pins, one :class:`~analysis.errors.Problem` each.

    Uses the digests the fingerprints already hold; the catalogue's hashes are cached
    under ``.cache/`` keyed by the catalogue's bytes, so this costs no YAML parsing when
    nothing changed.
    """
    from analysis.errors import Problem
    from analysis.pipeline.messages import msg

    pinned = _catalog_hashes(project)
    raw = project.raw.relative_to(project.root).as_posix() + "/"
    catalog = project.catalog.relative_to(project.root).as_posix()
    seen: dict[str, Problem] = {}
    for r in p.runs:
        for rel, digest in p.fingerprints[r.name].inputs.items():
            want = pinned.get(rel[len(raw) :]) if rel.startswith(raw) else None
            if want and want != digest and rel not in seen:
                seen[rel] = Problem(rule=msg("catalog_mismatch", lang, catalog=catalog), file=rel)
    return [seen[k] for k in sorted(seen)]


def _catalog_hashes(project: ProjectPaths) -> dict[str, str]:
    """Path under data/raw → sha256 the catalogue pins (cached by the catalogue's bytes)."""
    import hashlib

    try:
        data = project.catalog.read_bytes()
    except FileNotFoundError:
        return {}
    key = hashlib.sha256(data).hexdigest()
    cache_file = project.cache / "catalog-hashes.json"
    try:
        cached = json.loads(cache_file.read_text(encoding="utf-8"))
        if cached["key"] == key:
            return dict(cached["hashes"])
    except (FileNotFoundError, KeyError, TypeError, ValueError):
        pass
    import yaml

    try:
        parsed = yaml.safe_load(data)
    except yaml.YAMLError:
        return {}  # a broken catalogue is reported by the data overview and validation
    files = parsed.get("files") if isinstance(parsed, dict) else None
    hashes = {
        str(rel): entry["sha256"]
        for rel, entry in (files or {}).items()
        if isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
    }
    atomic.write_text(cache_file, json.dumps({"key": key, "hashes": hashes}))
    return hashes


# -- executing -----------------------------------------------------------------------------


@contextlib.contextmanager
def locked(project: ProjectPaths) -> Iterator[None]:
    """Hold the checkout's run lock; refuse at once if another run holds it."""
    from filelock import FileLock, Timeout

    project.reports.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(project.lock), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise LockedError(
            f"another 'analysis run' is working in this checkout (lock {project.lock}); "
            "wait for it to finish",
            lock=project.lock,
        ) from None
    try:
        yield
    finally:
        lock.release()


def effective_parameters(run: Run, specs: Sequence[ParameterSpec]) -> dict[str, Any]:
    """The notebook's defaults overridden by the run's parameters, in cell order."""
    values: dict[str, Any] = {}
    for s in specs:
        default = s.default_value
        values[s.name] = s.default if default is ... else default
    values.update(run.parameters)
    return values


def make_task(
    project: ProjectPaths,
    run: Run,
    specs: Sequence[ParameterSpec],
    *,
    staging_root: Path,
    kernel_name: str = KERNEL_NAME,
    html: bool = True,
    timeout: int | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> RunTask:
    """The worker's task for ``run``; its cell time limit is the run's own ``timeout:``,
    else ``timeout``, else :data:`~analysis.pipeline.execute.DEFAULT_TIMEOUT`. An input
    error raised in its kernel speaks ``lang``, the language of the CLI's messages."""
    git = git_info(project.root)
    params = effective_parameters(run, specs)
    header = {
        "title": run.name,
        "parameters": params,
        "created": now(),
        "version": workbench_version(),
        "commit": git["commit"],
        "dirty": git["dirty"],
        "language": params.get("language", DEFAULT_LANGUAGE)
        if params.get("language") in ("de", "en")
        else DEFAULT_LANGUAGE,
    }
    return RunTask(
        name=run.name,
        notebook=str(project.root / run.notebook),
        parameters=dict(run.parameters),
        root=str(project.root),
        staging=str(staging_root / f"{run.name}.{uuid.uuid4().hex[:8]}"),
        kernel_name=kernel_name,
        header=header,
        timeout=run.timeout or timeout or DEFAULT_TIMEOUT,
        html=html,
        message_language=report_language(lang),
    )


def _promote(project: ProjectPaths, outcome: RunOutcome) -> None:
    """Move a finished run's staged files into reports/ (each move atomic)."""
    staging = Path(outcome.staging)
    reports = project.reports
    if outcome.status == "ok":
        for kind in ("results", "html", "pdf", "ipynb"):
            if kind in outcome.files:
                atomic.replace_file(staging / outcome.files[kind], reports / outcome.files[kind])
        if "dir" in outcome.files:
            atomic.replace_dir(staging / outcome.files["dir"], reports / outcome.files["dir"])
        with contextlib.suppress(FileNotFoundError):
            (project.failed / f"{outcome.name}.ipynb").unlink()
    elif "ipynb" in outcome.files:
        project.failed.mkdir(parents=True, exist_ok=True)
        atomic.replace_file(
            staging / outcome.files["ipynb"], project.failed / f"{outcome.name}.ipynb"
        )
    shutil.rmtree(staging, ignore_errors=True)


def _record(
    project: ProjectPaths, run: Run, fp: Fingerprint, outcome: RunOutcome, old: dict | None
) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "name": run.name,
        "notebook": run.notebook,
        "description": run.description,
        "parameters": run.parameters,
        "status": outcome.status,
        "fingerprint": fp.as_dict(),
        "git": git_info(project.root),
        "versions": package_versions(),
        "kernel": KERNEL_NAME,
        "started": outcome.started,
        "finished": outcome.finished,
        "duration_s": outcome.duration_s,
        "peak_memory_mb": outcome.peak_memory_mb,
        "error": outcome.error,
    }
    if outcome.status == "ok":
        files = report_files(project, run.name)
        rec["outputs"] = {k: p.name for k, p in files.items() if k in outcome.files}
        if "dir" in outcome.files and (project.reports / outcome.files["dir"]).is_dir():
            rec["outputs"]["dir"] = outcome.files["dir"]
        from analysis.pipeline.cache import file_digest

        rec["results_sha256"] = file_digest(files["results"])
    elif old is not None:
        rec["previous_success"] = old if old.get("status") == "ok" else old.get("previous_success")
    return rec


def _input_statuses(project: ProjectPaths, run: Run) -> list[str]:
    """Catalogue status (real, fictional, synthetic) of each raw file ``run`` reads."""
    from analysis.catalog import load_catalog
    from analysis.pipeline.cache import resolve_inputs

    try:
        catalog = load_catalog(project.catalog)
        files = resolve_inputs(run, project, _manifest_file(project))
    except Exception:
        return []
    status = dict(zip(catalog["path"], catalog["status"], strict=True))
    raw = project.raw.relative_to(project.root).as_posix() + "/"
    return [status[f.removeprefix(raw)] for f in files if f.removeprefix(raw) in status]


def index_entries(
    project: ProjectPaths, runs: Sequence[Run], state: dict[str, Any], lang: str
) -> list[dict[str, Any]]:
    from analysis.formatting import fmt_datetime
    from analysis.pipeline.export import data_status, headlines, run_title
    from analysis.pipeline.messages import failure_detail

    entries = []
    for run in runs:
        rec = state["runs"].get(run.name)
        files = report_files(project, run.name)
        status = rec["status"] if rec else "never"
        error = None
        if rec and rec.get("error"):
            error = failure_detail(run.name, rec["error"], lang)[:300]
        failed_nb = project.failed / f"{run.name}.ipynb"
        results: dict[str, Any] = {}
        if files["results"].is_file():
            with contextlib.suppress(ValueError, OSError):
                results = json.loads(files["results"].read_text(encoding="utf-8"))["results"]
        commit = ((rec or {}).get("git") or {}).get("commit")
        entries.append(
            {
                "name": run.name,
                "title": run_title(run.name, run.description, run.parameters, results),
                "description": run.description,
                "notebook": run.notebook,
                "status_class": status,
                "status_label": t(f"status_{status}", lang),
                "error": error,
                "finished": fmt_datetime(rec["finished"], lang) if rec else None,
                "duration": rec.get("duration_s") if rec else None,
                "commit": commit[:12] if commit else None,
                "headline": headlines(run.notebook, results, lang),
                "data_status": data_status(_input_statuses(project, run), lang),
                "html": files["html"].name if files["html"].is_file() else None,
                "pdf": pdf.name if (pdf := project.reports / f"{run.name}.pdf").is_file() else None,
                "ipynb": files["ipynb"].name if files["ipynb"].is_file() else None,
                "json": files["results"].name if files["results"].is_file() else None,
                "failed_ipynb": f"failed/{failed_nb.name}" if failed_nb.is_file() else None,
            }
        )
    return entries


def write_index(
    project: ProjectPaths, runs: Sequence[Run], state: dict[str, Any], lang: str
) -> Path:
    from analysis.pipeline.export import render_index

    page = render_index(index_entries(project, runs, state, lang), created=now(), lang=lang)
    return atomic.write_text(project.index, page)


def run(
    project: ProjectPaths,
    *,
    jobs: int | None = None,
    only: Sequence[str] | None = None,
    force: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    lang: str = DEFAULT_LANGUAGE,
    progress: bool = True,
    kernel_name: str = KERNEL_NAME,
    on_outcome: Callable[[RunOutcome], None] | None = None,
    timeout: int | None = None,
    strict: bool = False,
    warn: Callable[[str], None] | None = None,
) -> Summary:
    """Regenerate the stale reports of ``project`` (all of them with ``force``).

    ``timeout``: seconds any one cell may run, for runs without their own ``timeout:``
    (default :data:`~analysis.pipeline.execute.DEFAULT_TIMEOUT`).

    A raw file whose content differs from its sha256 in the catalogue is a warning
    (passed to ``warn`` before anything executes and kept in ``Summary.warnings``); with
    ``strict`` it is an :class:`InputError` and nothing executes.
    """
    from analysis.pipeline.executors import make_executor

    with locked(project):
        # A run killed between the two renames of a folder's swap left the old folder
        # aside: put it back before deciding what is up to date.
        atomic.recover(project.reports)
        package = package_digest()
        all_runs = validated_runs(project, package)
        chosen = select(all_runs, only)
        state = load_state(project)
        p = plan(project, chosen, force=force, state=state, package=package)
        mismatched = catalog_mismatches(project, p, lang)
        if mismatched and strict:
            raise InputError(problems=mismatched)
        summary = Summary(
            skipped=[r.name for r in p.runs if not p.reasons[r.name]],
            warnings=[str(m) for m in mismatched],
        )
        for message in summary.warnings:
            if warn is not None:
                warn(message)
        stale = p.stale
        if not stale and project.index.is_file():
            return summary
        validate_inputs(project, stale, p)
        if stale:
            atomic.sweep(project.reports)
            shutil.rmtree(project.staging, ignore_errors=True)
        project.staging.mkdir(parents=True, exist_ok=True)
        specs = parameter_specs(project, stale)
        tasks = [
            make_task(
                project,
                r,
                specs[r.notebook],
                staging_root=project.staging,
                kernel_name=kernel_name,
                timeout=timeout,
                lang=lang,
            )
            for r in stale
        ]
        by_name = {r.name: r for r in stale}
        jobs = jobs or os.cpu_count() or 1
        from tqdm.auto import tqdm

        interactive = progress and bool(tasks) and sys.stderr.isatty()
        bar = tqdm(total=len(tasks), desc="analysis run", unit="run", disable=not interactive)
        try:
            for outcome in make_executor(executor, jobs, scheduler).run(tasks):
                r = by_name[outcome.name]
                _promote(project, outcome)
                old = state["runs"].get(r.name)
                state["runs"][r.name] = _record(project, r, p.fingerprints[r.name], outcome, old)
                known = {x.name for x in all_runs}
                state["runs"] = {k: v for k, v in state["runs"].items() if k in known}
                save_state(project, state)
                summary.executed.append(outcome)
                mark = "✓" if outcome.status == "ok" else "✗"
                bar.set_postfix_str(outcome.name)
                done = len(summary.executed)
                bar.write(
                    f"[{done}/{len(tasks)}] {mark} {outcome.name} ({outcome.duration_s:.1f} s)"
                )
                bar.update(1)
                if on_outcome is not None:
                    on_outcome(outcome)
        except BaseException:
            # Interrupted, or a write failed (disk full, no permission): promoted reports
            # are whole, and nothing half-staged stays behind.
            shutil.rmtree(project.staging, ignore_errors=True)
            raise
        finally:
            bar.close()
        try:
            write_index(project, all_runs, state, lang)
        finally:
            with contextlib.suppress(OSError):
                project.staging.rmdir()
        return summary


# -- status, verify, clean -----------------------------------------------------------------


def status(
    project: ProjectPaths,
    only: Sequence[str] | None = None,
    *,
    strict: bool = False,
    lang: str = DEFAULT_LANGUAGE,
) -> Plan:
    """Which runs are stale and why (nothing executes).

    ``Plan.warnings`` names every raw file the runs read whose content differs from its
    sha256 in the catalogue; with ``strict`` that is an :class:`InputError` instead.
    """
    package = package_digest()
    runs = select(validated_runs(project, package), only)
    p = plan(project, runs, package=package)
    mismatched = catalog_mismatches(project, p, lang)
    if mismatched and strict:
        raise InputError(problems=mismatched)
    p.warnings = [str(m) for m in mismatched]
    return p


@dataclass
class Verification:
    """Result of re-executing runs and comparing their recorded key figures."""

    identical: list[str] = field(default_factory=list)
    different: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    not_recorded: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.different and not self.failed and not self.not_recorded


def _diff(old: bytes, new: bytes) -> str:
    try:
        a, b = json.loads(old)["results"], json.loads(new)["results"]
    except (ValueError, KeyError):
        return "results file is not comparable JSON"
    keys = sorted(k for k in set(a) | set(b) if a.get(k, ...) != b.get(k, ...))
    if not keys:
        return "same values, different bytes"
    shown = [f"{k}: {a.get(k, '—')!r} → {b.get(k, '—')!r}" for k in keys[:5]]
    return "; ".join(shown) + (f" (+{len(keys) - 5} more)" if len(keys) > 5 else "")


def verify(
    project: ProjectPaths,
    *,
    jobs: int | None = None,
    only: Sequence[str] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    progress: bool = True,
    kernel_name: str = KERNEL_NAME,
    timeout: int | None = None,
) -> Verification:
    """Re-execute every run with recorded results and check the figures are identical.

    Nothing in reports/ changes: re-executions are staged and thrown away.
    """
    from analysis.pipeline.executors import make_executor

    result = Verification()
    with locked(project):
        all_runs = validated_runs(project)
        runs = select(all_runs, only)
        specs = parameter_specs(project, all_runs)
        recorded = [r for r in runs if report_files(project, r.name)["results"].is_file()]
        # What the re-executions read is validated first, as before a regeneration.
        validate_inputs(project, recorded, plan(project, recorded, force=True))
        tasks = []
        root = project.staging / f"verify-{uuid.uuid4().hex[:8]}"
        for r in runs:
            if not report_files(project, r.name)["results"].is_file():
                result.not_recorded.append(r.name)
                continue
            tasks.append(
                make_task(
                    project,
                    r,
                    specs[r.notebook],
                    staging_root=root,
                    kernel_name=kernel_name,
                    html=False,
                    timeout=timeout,
                )
            )
        from tqdm.auto import tqdm

        bar = tqdm(total=len(tasks), desc="analysis verify", unit="run", disable=not progress)
        try:
            for outcome in make_executor(executor, jobs or os.cpu_count() or 1, scheduler).run(
                tasks
            ):
                bar.update(1)
                if outcome.status != "ok":
                    e = outcome.error or {}
                    result.failed[outcome.name] = f"{e.get('ename')}: {e.get('evalue')}"
                    continue
                new = (Path(outcome.staging) / outcome.files["results"]).read_bytes()
                old = report_files(project, outcome.name)["results"].read_bytes()
                if new == old:
                    result.identical.append(outcome.name)
                else:
                    result.different[outcome.name] = _diff(old, new)
        finally:
            bar.close()
            shutil.rmtree(root, ignore_errors=True)
            with contextlib.suppress(OSError):
                project.staging.rmdir()
    return result


def _remove(path: Path) -> None:
    """Remove a file or folder; a symbolic link is removed itself, never what it points
    to (a link in reports/ may point into data/raw). Raises FileAccessError naming it."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        pass
    except OSError as err:
        raise FileAccessError("remove", err.filename or path, err) from None


def clean(project: ProjectPaths, *, processed: bool = False) -> list[Path]:
    """Remove generated reports (keeping reports/README.md) and caches."""
    removed = []
    with locked(project):
        for p in sorted(project.reports.iterdir()):
            if p.name in {"README.md", ".lock"}:
                continue
            _remove(p)
            removed.append(p)
        if project.cache.exists() or project.cache.is_symlink():
            _remove(project.cache)
            removed.append(project.cache)
        if processed and project.processed.exists():
            for p in sorted(project.processed.iterdir()):
                if p.name in {"README.md", ".gitkeep"}:
                    continue
                _remove(p)
                removed.append(p)
    return removed
