"""Reading raw text and YAML files with errors a user can act on.

Every loader reads its file through :func:`read_text` or :func:`read_yaml`, so a missing
file, a file not saved as UTF-8 (with the line of the first bad byte) and broken YAML
(with its line) are reported the same way everywhere, as the project's
:class:`~analysis.errors.InputError` (or a subclass such as ``ManifestError``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.errors import InputError


def read_text(
    path: str | Path,
    *,
    encoding: str = "utf-8",
    file: str | Path | None = None,
    what: str = "file",
    hint: str = "save the file as UTF-8",
    error: type[InputError] = InputError,
) -> str:
    """The text of ``path``; ``encoding="utf-8-sig"`` also accepts a byte-order mark.

    ``file`` is the name used in messages (default: ``path``), ``what`` names the file
    when it is missing ("codebook not found"), ``hint`` says how to fix bad bytes.
    """
    name = file if file is not None else path
    try:
        return Path(path).read_text(encoding=encoding)
    except FileNotFoundError:
        raise error(f"{what} not found", file=name) from None
    except UnicodeDecodeError as err:
        raise error(
            f"not UTF-8 text ({err.reason}); {hint}",
            file=name,
            row=err.object[: err.start].count(b"\n") + 1,
        ) from None


def parse_yaml(text: str, file: str | Path, *, error: type[InputError] = InputError) -> Any:
    """``yaml.safe_load`` of ``text``; a syntax error names the file and its line."""
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise error(f"not valid YAML: {err}", file=file, row=row) from None


def read_yaml(
    path: str | Path,
    *,
    file: str | Path | None = None,
    what: str = "file",
    error: type[InputError] = InputError,
) -> Any:
    """The parsed content of the YAML file ``path`` (see :func:`read_text`)."""
    name = file if file is not None else path
    return parse_yaml(read_text(path, file=name, what=what, error=error), name, error=error)
