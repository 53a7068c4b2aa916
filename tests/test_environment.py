"""pyproject.toml is the single source of dependencies; the other files agree with it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", req)
    assert m, req
    return _norm(m.group(1)), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["dev"]
    return dict(_split(r) for r in reqs)


def test_environment_yml_lists_exactly_the_pyproject_dependencies() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = dict(_split(d) for d in conda if not d.startswith(("python=", "pip")))
    listed |= dict(_split(d) for d in pip if not d.startswith(("-", ".")))
    assert listed == _pyproject()
    assert "python=3.11" in conda


def test_lock_pins_every_dependency_within_its_bounds() -> None:
    from packaging.specifiers import SpecifierSet

    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[_norm(name)] = version.strip()
    for name, spec in _pyproject().items():
        assert name in pins, f"{name} is not pinned in requirements.lock"
        assert pins[name] in SpecifierSet(spec), f"{name}=={pins[name]} violates {spec}"
