"""The house's layering and style, checked on every test run.

The import contracts live in ``pyproject.toml`` (``[tool.importlinter]``): the shared
root imports no domain, no domain imports the pipeline, business may use sroi and
regional (never the other way round), the other domains are independent, and a
domain's report sits on its engine. ``ruff check`` and ``ruff format --check`` keep the
code clean. The last test shows that a contract fails on a deliberate back-import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]], cwd=ROOT, capture_output=True, text=True, env=env
    )


def test_import_contracts_are_kept() -> None:
    out = _run("lint-imports", "--no-cache")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


def test_ruff_lint_and_format_are_clean() -> None:
    lint = _run("ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout[-4000:]
    fmt = _run("ruff", "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout[-4000:]


DOMAINS = ("protocols", "sroi", "business", "outcomes", "regional")
REPORTS = {"report", "documentation"}  # a domain's report layer (protocols: documentation)


def test_every_engine_module_is_held_to_return_numbers() -> None:
    """A new module in a domain is either part of its report layer or listed in the
    ``engines-return-numbers`` contract: no module escapes the rule by being new."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["id"] == "engines-return-numbers"]
    engines = set()
    for domain in DOMAINS:
        for path in (ROOT / "src" / "analysis" / domain).glob("*.py"):
            if path.stem != "__init__" and path.stem not in REPORTS:
                engines.add(f"analysis.{domain}.{path.stem}")
    assert engines == set(contract["source_modules"]) - {"analysis.sensitivity"}


@pytest.mark.parametrize(
    ("module", "back_import", "contract"),
    [
        ("sroi/engine.py", "from analysis.sroi import report", "report may import its engine"),
        ("sroi/engine.py", "from analysis.business import case", "pipeline > business"),
        ("errors.py", "from analysis.pipeline import runner", "pipeline > business"),
        ("regional/index.py", "from analysis.pipeline import cli", "pipeline > business"),
        ("outcomes/did.py", "import matplotlib.pyplot", "engines return numbers"),
        ("sroi/engine.py", "from analysis import plots", "engines return numbers"),
    ],
)
def test_a_back_import_breaks_a_contract(
    tmp_path: Path, module: str, back_import: str, contract: str
) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "analysis", src / "analysis")
    with (src / "analysis" / module).open("a", encoding="utf-8") as f:
        f.write(f"\n{back_import}  # deliberate back-import\n")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 1, out.stdout[-3000:]
    assert "BROKEN" in out.stdout and contract in out.stdout
