"""A fresh clone of this repository, set up as ``make setup`` leaves it, for the tests that
run the README's commands (tests/conftest.py, tests/test_readme_commands.py).

The clone's ``.venv`` reuses the packages of the environment running the tests instead
of installing them again: installing from requirements.lock is what ``make setup`` does
on CI's own fresh clone before the tests run, so it is not repeated here. The clone gets
what ``make setup`` leaves behind, pointing at the clone: its own venv whose Python finds
the clone's ``src/`` first and then the installed packages (and their Jupyter data files),
the ``analysis`` command, the project kernel registered in the venv, and the set-up stamp
(``make`` must not reinstall).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from analysis.paths import KERNEL_NAME

ROOT = Path(__file__).resolve().parents[1]


def sh(cmd: list[str], cwd: Path, timeout: int = 2400) -> subprocess.CompletedProcess[str]:
    """``cmd`` as a user's shell runs it: no venv activated, nothing of the test session
    (its ``MPLBACKEND=Agg`` would leave the reports without figures)."""
    drop = {"VIRTUAL_ENV", "ANALYSIS_ROOT", "MPLBACKEND"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTEST_")}
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if ".venv" not in p)
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def working_tree_is_clean() -> bool:
    """Whether this checkout equals its last commit (as CI's clean clone does): then a
    clone of it runs exactly the code and data the tests see."""
    return sh(["git", "status", "--porcelain"], cwd=ROOT).stdout.strip() == ""


def reuse_venv(clone: Path) -> None:
    """Give ``clone`` the ``.venv`` that ``make setup`` would build, from the packages
    installed in the environment running the tests."""
    venv = clone / ".venv"
    sh([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=clone)
    python = venv / "bin" / "python"
    site = sh([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], clone)
    installed = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    # The clone's own code first (what its editable install would give), then the packages.
    lines = [str(clone / "src"), *installed]
    Path(site.stdout.strip(), "_reused_packages.pth").write_text("\n".join(lines) + "\n")
    # Data files packages install beside site-packages (nbconvert's templates, Jupyter
    # configuration), except the kernel registration, which the clone makes itself.
    for sub in ("etc/jupyter", "share/jupyter"):
        (venv / sub).mkdir(parents=True)
        for item in (Path(sys.prefix) / sub).iterdir():
            if item.name != "kernels":
                (venv / sub / item.name).symlink_to(item)
    command = (Path(sys.executable).parent / "analysis").read_text().splitlines()
    (venv / "bin" / "analysis").write_text("\n".join([f"#!{python}", *command[1:]]) + "\n")
    (venv / "bin" / "analysis").chmod(0o755)
    # The same registration as the Makefile's set-up recipe.
    kernel = ["-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL_NAME]
    sh([str(python), *kernel, "--display-name", "DORV workbench (.venv)"], cwd=clone)
    (venv / ".installed").touch()


def clone_and_make_reports(clone: Path, timeout: int = 2400) -> str:
    """Clone this repository to ``clone`` (absent or empty), set it up and run the README's
    report command ``make reports`` there; its standard output."""
    sh(["git", "clone", "--quiet", str(ROOT), str(clone)], cwd=clone.parent)
    reuse_venv(clone)
    return sh(["make", "reports", "JOBS=2"], cwd=clone, timeout=timeout).stdout
