"""Command line: ``analysis run | status | verify | clean`` (also ``python -m analysis``).

Exit codes: 0 success; 1 a run failed (the others completed), verification
found differences, or a file could not be written or removed (disk full, no
permission); 2 bad input (manifest, parameters, data, a file that cannot be read,
an unreachable ``--scheduler``; with ``--strict`` also a raw file that differs from its
catalogued sha256, otherwise a warning) — nothing executed; 3 another run holds the
lock; 130 interrupted.

Messages follow ``--lang`` (German by default, ``en``); their catalogue is
:mod:`analysis.pipeline.messages`. No user error ends in a traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from analysis.errors import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_RUN_FAILED,
    AnalysisError,
    FileAccessError,
    InputError,
    LockedError,
    SchedulerUnreachable,
)
from analysis.i18n import DEFAULT_LANGUAGE, LANGUAGES, report_language
from analysis.paths import ProjectPaths, project
from analysis.pipeline.execute import DEFAULT_TIMEOUT
from analysis.pipeline.messages import failure_detail, msg, os_hint, stale_reason, usage_error


def _argv_language(argv: Sequence[str]) -> str:
    """The message language asked for on the command line, before it is parsed (a usage
    error must speak it too): ``--lang en`` or ``--lang=en`` anywhere, else German."""
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return report_language(args[i + 1])
        if arg.startswith("--lang="):
            return report_language(arg.split("=", 1)[1])
    return DEFAULT_LANGUAGE


def _parser(lang: str = DEFAULT_LANGUAGE) -> argparse.ArgumentParser:
    class Parser(argparse.ArgumentParser):
        """argparse's parser whose usage errors speak ``lang`` (its subcommands too)."""

        def error(self, message: str) -> NoReturn:
            self.print_usage(sys.stderr)
            label = msg("error", lang)
            self.exit(EXIT_INPUT, f"{self.prog}: {label}: {usage_error(message, lang)}\n")

    parser = Parser(
        prog="analysis",
        description="Regenerate the workbench's reports from data/raw, reproducibly.",
    )
    parser.add_argument(
        "--root", help="project folder (default: this checkout or $ANALYSIS_ROOT)", default=None
    )
    lang_help = "language of messages (and of reports/index.html): de (default) or en"
    parser.add_argument("--lang", choices=LANGUAGES, default=None, dest="main_lang", help=lang_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def language(p: argparse.ArgumentParser) -> None:
        p.add_argument("--lang", choices=LANGUAGES, default=None, help=lang_help)

    def common(p: argparse.ArgumentParser, executing: bool = True) -> None:
        language(p)
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
            p.add_argument(
                "--timeout",
                type=_seconds,
                default=None,
                metavar="SECONDS",
                help="seconds any one cell may run, for runs without their own 'timeout:' "
                f"in pipeline.yaml (default {DEFAULT_TIMEOUT})",
            )

    p_run = sub.add_parser(
        "run",
        help="execute stale runs and regenerate their reports",
        description="Execute every run of pipeline.yaml whose notebook, parameters, declared "
        "inputs or helper package changed since its last success; write reports atomically.",
    )
    common(p_run)
    p_run.add_argument("--force", action="store_true", help="rerun every selected run")
    p_run.add_argument("--strict", action="store_true", help=_STRICT_HELP)

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
    language(p_clean)
    p_clean.add_argument(
        "--processed", action="store_true", help="also empty data/processed/ (derived data)"
    )
    return parser


_STRICT_HELP = (
    "exit with code 2 (executing nothing) when a raw file differs from its sha256 in "
    "data/raw/catalog.yaml, instead of warning"
)


def _warn(command: str, lang: str) -> Callable[[str], None]:
    def warn(message: str) -> None:
        print(f"analysis {command}: {msg('warning', lang)}: {message}", file=sys.stderr)

    return warn


def _seconds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a whole number of seconds > 0, not {text!r}")
    return value


def _lang(args: argparse.Namespace) -> str:
    return getattr(args, "lang", None) or args.main_lang or DEFAULT_LANGUAGE


def _failure(o: Any, lang: str) -> str:
    """One line naming a failed run, where and why it failed."""
    detail = failure_detail(o.name, o.error or {}, lang)
    kept = msg("kept", lang, path=f"reports/failed/{o.name}.ipynb") if o.files.get("ipynb") else ""
    return msg("failed_run", lang, name=o.name, detail=detail, kept=kept)


def _cmd_run(args: argparse.Namespace) -> int:
    from analysis.pipeline.runner import run

    summary = run(
        project(args.root),
        jobs=args.jobs,
        only=args.only,
        force=args.force,
        executor=args.executor,
        scheduler=args.scheduler,
        lang=_lang(args),
        progress=not args.no_progress,
        timeout=args.timeout,
        strict=args.strict,
        warn=_warn("run", _lang(args)),
    )
    lang = _lang(args)
    ok = [o for o in summary.executed if o.status == "ok"]
    print(
        msg(
            "run_summary",
            lang,
            executed=len(summary.executed),
            ok=len(ok),
            failed=len(summary.failed),
            skipped=len(summary.skipped),
        )
    )
    for o in summary.failed:
        print(_failure(o, lang))
    return EXIT_OK if summary.ok else EXIT_RUN_FAILED


def _cmd_status(args: argparse.Namespace) -> int:
    from analysis.pipeline.runner import status

    lang = _lang(args)
    plan = status(project(args.root), args.only, strict=args.strict, lang=lang)
    for message in plan.warnings:
        _warn("status", lang)(message)
    width = max((len(r.name) for r in plan.runs), default=0)
    for r in plan.runs:
        why = plan.reasons[r.name]
        reasons = "; ".join(stale_reason(x, lang) for x in why)
        state = msg("stale", lang, reasons=reasons) if why else msg("up_to_date", lang)
        print(f"{r.name:<{width}}  {state}")
    print(msg("status_summary", lang, stale=len(plan.stale), total=len(plan.runs)))
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
        timeout=args.timeout,
    )
    lang = _lang(args)
    for name in v.identical:
        print(msg("identical", lang, name=name))
    for name, diff in v.different.items():
        print(msg("different", lang, name=name, diff=diff))
    for name, err in v.failed.items():
        print(msg("verify_failed", lang, name=name, error=err))
    for name in v.not_recorded:
        print(msg("not_recorded", lang, name=name))
    print(
        msg(
            "verify_summary",
            lang,
            identical=len(v.identical),
            different=len(v.different),
            failed=len(v.failed),
            not_recorded=len(v.not_recorded),
        )
    )
    return EXIT_OK if v.ok else EXIT_RUN_FAILED


def _cmd_clean(args: argparse.Namespace) -> int:
    from analysis.pipeline.runner import clean

    removed = clean(project(args.root), processed=args.processed)
    print(msg("clean_summary", _lang(args), removed=len(removed)))
    return EXIT_OK


def _terminate(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``analysis`` and ``python -m analysis``; returns the exit code."""
    given = sys.argv[1:] if argv is None else list(argv)
    args = _parser(_argv_language(given)).parse_args(given)
    if args.root is not None:
        os.environ["ANALYSIS_ROOT"] = os.path.abspath(args.root)
    signal.signal(signal.SIGTERM, _terminate)
    commands = {
        "run": _cmd_run,
        "status": _cmd_status,
        "verify": _cmd_verify,
        "clean": _cmd_clean,
    }
    lang = _lang(args)
    try:
        return commands[args.command](args)
    except AnalysisError as err:
        label = msg("input_error" if err.exit_code == EXIT_INPUT else "error", lang)
        text = _describe(err, lang, project(args.root).root)
        print(f"analysis {args.command}: {label}: {text}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print(f"analysis {args.command}: {msg('interrupted', lang)}", file=sys.stderr)
        return 130
    except OSError as err:  # disk full, read-only or foreign-owned reports/, unreadable data
        access = _file_access(err, project(args.root))
        label = msg("input_error" if access.exit_code == EXIT_INPUT else "error", lang)
        print(f"analysis {args.command}: {label}: {_describe(access, lang)}", file=sys.stderr)
        return access.exit_code


def _file_access(err: OSError, p: ProjectPaths) -> FileAccessError:
    """Whether ``err`` concerns a read or a write, from where its file lies: the
    workbench writes only under reports/, .cache/ and data/processed/; everything else
    (data/raw, notebooks, pipeline.yaml, src) it only reads."""
    if not err.filename:
        return FileAccessError("write", None, err)
    path = Path(os.path.abspath(os.fsdecode(err.filename)))
    written = (p.reports, p.cache, p.processed)
    action = (
        "write"
        if any(path.is_relative_to(w.resolve()) or path.is_relative_to(w) for w in written)
        else "read"
    )
    return FileAccessError(action, err.filename, err)


def _describe(err: AnalysisError, lang: str, root: Path | None = None) -> str:
    """An error as the message of the catalogue in ``lang`` (its own text otherwise); an
    input error in ``lang`` with its files named relative to the project ``root``."""
    if isinstance(err, FileAccessError):
        hint = os_hint(err.errno, err.action, lang)
        if err.path is None:
            return msg("os_error", lang, reason=err.reason, hint=hint)
        return msg(f"cannot_{err.action}", lang, path=err.path, reason=err.reason, hint=hint)
    if isinstance(err, SchedulerUnreachable):
        return msg("scheduler_unreachable", lang, address=err.address, reason=err.reason)
    if isinstance(err, LockedError) and err.lock:
        return msg("locked", lang, lock=err.lock)
    if isinstance(err, InputError):
        if root is None:
            return err.text(lang)
        return InputError(problems=[p.relative_to(root) for p in err.problems]).text(lang)
    return str(err)
