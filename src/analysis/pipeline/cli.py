"""Command line: ``analysis run | status | verify | clean`` (also ``python -m analysis``).

Exit codes: 0 success; 1 a run failed (the others completed), verification
found differences, or a file could not be written (disk full, no permission);
2 bad input (manifest, parameters, data; with ``--strict`` also a raw file that differs
from its catalogued sha256, otherwise a warning) — nothing executed; 3 another run
holds the lock; 130 interrupted.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
from collections.abc import Callable, Sequence

from analysis.errors import EXIT_INPUT, EXIT_OK, EXIT_RUN_FAILED, AnalysisError
from analysis.i18n import DEFAULT_LANGUAGE, LANGUAGES
from analysis.paths import project


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="Regenerate the workbench's reports from data/raw, reproducibly.",
    )
    parser.add_argument(
        "--root", help="project folder (default: this checkout or $ANALYSIS_ROOT)", default=None
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser, executing: bool = True) -> None:
        p.add_argument(
            "--only",
            nargs="+",
            metavar="NAME",
            help="only these runs (exact names or glob patterns such as 'sroi_*')",
        )
        if executing:
            p.add_argument(
                "--jobs",
                "-j",
                type=int,
                default=None,
                help="runs executed at once (default: number of cores)",
            )
            p.add_argument(
                "--executor",
                choices=["local", "dask"],
                default="local",
                help="local worker processes (default) or a Dask distributed cluster",
            )
            p.add_argument(
                "--scheduler",
                metavar="ADDRESS",
                default=None,
                help="address of an existing Dask scheduler (with --executor dask); "
                "default: start a LocalCluster",
            )
            p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p_run = sub.add_parser(
        "run",
        help="execute stale runs and regenerate their reports",
        description="Execute every run of pipeline.yaml whose notebook, parameters, declared "
        "inputs or helper package changed since its last success; write reports atomically.",
    )
    common(p_run)
    p_run.add_argument("--force", action="store_true", help="rerun every selected run")
    p_run.add_argument("--strict", action="store_true", help=_STRICT_HELP)
    p_run.add_argument(
        "--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="language of reports/index.html"
    )

    p_status = sub.add_parser(
        "status",
        help="show which runs are stale, and why",
        description="List every run with 'up to date' or the reasons it would execute.",
    )
    common(p_status, executing=False)
    p_status.add_argument("--strict", action="store_true", help=_STRICT_HELP)

    p_verify = sub.add_parser(
        "verify",
        help="re-execute and check every recorded result is identical",
        description="Re-execute runs in a scratch folder and compare their key figures byte for "
        "byte with reports/<run>.results.json. Nothing in reports/ changes.",
    )
    common(p_verify)

    p_clean = sub.add_parser(
        "clean",
        help="remove generated reports and caches",
        description="Delete everything under reports/ except its README, and .cache/.",
    )
    p_clean.add_argument(
        "--processed", action="store_true", help="also empty data/processed/ (derived data)"
    )
    return parser


_STRICT_HELP = (
    "exit with code 2 (executing nothing) when a raw file differs from its sha256 in "
    "data/raw/catalog.yaml, instead of warning"
)


def _warn(command: str) -> Callable[[str], None]:
    def warn(message: str) -> None:
        print(f"analysis {command}: warning: {message}", file=sys.stderr)

    return warn


def _cmd_run(args: argparse.Namespace) -> int:
    from analysis.pipeline.runner import run

    summary = run(
        project(args.root),
        jobs=args.jobs,
        only=args.only,
        force=args.force,
        executor=args.executor,
        scheduler=args.scheduler,
        lang=args.lang,
        progress=not args.no_progress,
        strict=args.strict,
        warn=_warn("run"),
    )
    ok = [o for o in summary.executed if o.status == "ok"]
    print(
        f"{len(summary.executed)} executed ({len(ok)} ok, {len(summary.failed)} failed), "
        f"{len(summary.skipped)} up to date."
    )
    for o in summary.failed:
        e = o.error or {}
        cell = f"cell {e['cell']}" if e.get("cell") is not None else "before any cell"
        kept = f" → reports/failed/{o.name}.ipynb" if o.files.get("ipynb") else ""
        print(f"FAILED {o.name}: {cell}: {e.get('ename')}: {e.get('evalue')}{kept}")
    return EXIT_OK if summary.ok else EXIT_RUN_FAILED


def _cmd_status(args: argparse.Namespace) -> int:
    from analysis.pipeline.runner import status

    plan = status(project(args.root), args.only, strict=args.strict)
    for message in plan.warnings:
        _warn("status")(message)
    width = max((len(r.name) for r in plan.runs), default=0)
    for r in plan.runs:
        why = plan.reasons[r.name]
        print(f"{r.name:<{width}}  {'STALE: ' + '; '.join(why) if why else 'up to date'}")
    print(f"{len(plan.stale)} of {len(plan.runs)} runs stale.")
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    from analysis.pipeline.runner import verify

    v = verify(
        project(args.root),
        jobs=args.jobs,
        only=args.only,
        executor=args.executor,
        scheduler=args.scheduler,
        progress=not args.no_progress,
    )
    for name in v.identical:
        print(f"identical  {name}")
    for name, diff in v.different.items():
        print(f"DIFFERENT  {name}: {diff}")
    for name, err in v.failed.items():
        print(f"FAILED     {name}: {err}")
    for name in v.not_recorded:
        print(f"NO RESULTS {name}: run 'analysis run' first")
    print(
        f"{len(v.identical)} identical, {len(v.different)} different, {len(v.failed)} failed, "
        f"{len(v.not_recorded)} without recorded results."
    )
    return EXIT_OK if v.ok else EXIT_RUN_FAILED


def _cmd_clean(args: argparse.Namespace) -> int:
    from analysis.pipeline.runner import clean

    removed = clean(project(args.root), processed=args.processed)
    print(f"removed {len(removed)} generated files and folders.")
    return EXIT_OK


def _terminate(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``analysis`` and ``python -m analysis``; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.root is not None:
        os.environ["ANALYSIS_ROOT"] = os.path.abspath(args.root)
    signal.signal(signal.SIGTERM, _terminate)
    commands = {
        "run": _cmd_run,
        "status": _cmd_status,
        "verify": _cmd_verify,
        "clean": _cmd_clean,
    }
    try:
        return commands[args.command](args)
    except AnalysisError as err:
        label = "input error" if err.exit_code == EXIT_INPUT else "error"
        print(f"analysis {args.command}: {label}: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print(f"analysis {args.command}: interrupted; no partial report was left.", file=sys.stderr)
        return 130
    except OSError as err:  # disk full, read-only or foreign-owned reports/, ...
        hint = _OS_HINTS.get(err.errno, "")
        where = f" {err.filename}" if err.filename else ""
        print(
            f"analysis {args.command}: error: cannot write{where}: {err.strerror or err}{hint}. "
            "Reports keep their last complete version; fix this and run again.",
            file=sys.stderr,
        )
        return EXIT_RUN_FAILED


_OS_HINTS = {
    errno.ENOSPC: " (the disk is full)",
    errno.EDQUOT: " (the disk quota is used up)",
    errno.EACCES: " (no permission to write there)",
    errno.EPERM: " (no permission to write there)",
    errno.EROFS: " (the file system is read-only)",
}
