"""Kinds of raw file and the domain loader that validates each.

The catalogue (:mod:`analysis.catalog`) knows which kind every file under ``data/raw``
is, but no domain; this registry joins kinds to the loaders of the domains. It is
the pipeline's to hold, because the pipeline is the one layer allowed to import every
domain (see the import contracts in ``pyproject.toml``). Each loader raises
:class:`~analysis.errors.InputError` naming file, row, column/field and rule.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from analysis.catalog import Validator
from analysis.errors import InputError, Rule
from analysis.outcomes.panel import load_panel, load_units
from analysis.outcomes.survey import load_codebook as load_survey_codebook
from analysis.outcomes.survey import validate_file as validate_survey
from analysis.pipeline.evidence import validate_centre_file, validate_scenario_file
from analysis.protocols.coding import import_coding_sheet, load_codebook
from analysis.protocols.parse import parse_protocol, protocol_files
from analysis.regional.data import validate_file as validate_regional
from analysis.sroi.centre import centre_files, load_centre


def validate_coding_sheet(path: Path) -> Any:
    """A filled coding sheet (notebook 90's ``coding_sheet``), checked against the
    codebook ``codebook.yaml`` of the nearest folder above it (``data/raw``)."""
    for folder in path.parents:
        if (folder / "codebook.yaml").is_file():
            return import_coding_sheet(path, load_codebook(folder / "codebook.yaml"))
    raise InputError(
        Rule(
            de="kein codebook.yaml oberhalb des Kodierbogens, gegen das seine Codes geprüft "
            "werden könnten",
            en="no codebook.yaml above the coding sheet to check its codes",
        ),
        file=path,
    )


VALIDATORS: dict[str, Validator] = {
    "protocol": parse_protocol,
    "codebook": load_codebook,
    "coding_sheet": validate_coding_sheet,
    # a centre file: impact map, every scenario (saved scenario files too), its business
    # section, and its evidence against the workshop protocols
    "impact_map": validate_centre_file,
    "sroi_centre": validate_centre_file,
    # a scenario saved from the what-if notebook: data/raw/sroi/scenarios/<centre>__<name>.yaml
    "sroi_scenario": validate_scenario_file,
    "panel": load_panel,
    "outcome_panel": load_panel,
    "outcome_panel_units": load_units,
    "survey": validate_survey,
    "survey_answers": validate_survey,
    "survey_codebook": load_survey_codebook,
    "regional": validate_regional,
}
"""Kind → the loader that validates a file of that kind."""


# --------------------------------------------------------------------------------------
# Domains of parameters that depend on the data
# --------------------------------------------------------------------------------------

DomainCheck = Callable[[str, Mapping[str, Any], Path], Rule | None]
"""``(value, the run's parameters, data/raw) → why the value is outside, or None``."""


def _centre(value: str, parameters: Mapping[str, Any], raw: Path) -> Rule | None:
    known = centre_files(raw / "sroi")
    if value in known:
        return None
    return Rule(
        de=f"keine Zentrumsdatei data/raw/sroi/{value}.yaml "
        f"(Zentren: {', '.join(known) or 'keine'})",
        en=f"no centre file data/raw/sroi/{value}.yaml (centres: {', '.join(known) or 'none'})",
    )


def _versions(raw: Path, centre_id: str) -> tuple[tuple[str, int, int], ...]:
    """Name, mtime and size of a centre file and of its saved scenario files."""
    files = [raw / "sroi" / f"{centre_id}.yaml"]
    files += sorted((raw / "sroi" / "scenarios").glob(f"{centre_id}__*.yaml"))
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)


@functools.lru_cache(maxsize=64)
def _declared_scenarios(folder: str, centre_id: str, versions: tuple[Any, ...]) -> list[str]:
    """The scenarios a centre declares, in its file or saved beside it (loaded once per
    version of these files: a sweep over scenarios asks for every run)."""
    return load_centre(centre_id, folder).scenarios


def _scenario(value: str, parameters: Mapping[str, Any], raw: Path) -> Rule | None:
    centre_id = parameters.get("centre_id")
    if not isinstance(centre_id, str) or centre_id not in centre_files(raw / "sroi"):
        return None  # the centre's own domain check reports it
    declared = _declared_scenarios(str(raw / "sroi"), centre_id, _versions(raw, centre_id))
    if value in declared:
        return None
    return Rule(
        de=f"das Szenario '{value}' ist in data/raw/sroi/{centre_id}.yaml nicht angelegt "
        f"(Szenarien: {', '.join(declared) or 'keine'})",
        en=f"scenario '{value}' is not declared in data/raw/sroi/{centre_id}.yaml "
        f"(scenarios: {', '.join(declared) or 'none'})",
    )


def _protocol(value: str, parameters: Mapping[str, Any], raw: Path) -> Rule | None:
    folder = raw / "protocols"
    known = [p.stem for p in protocol_files(folder)] if folder.is_dir() else []
    if value in known:
        return None
    listed = ", ".join(known)
    return Rule(
        de=f"keine Protokolldatei data/raw/protocols/{value}.* (Protokolle: {listed or 'keine'})",
        en=f"no protocol file data/raw/protocols/{value}.* (protocols: {listed or 'none'})",
    )


DOMAINS: dict[str, DomainCheck] = {
    "centre": _centre,
    "scenario": _scenario,
    "protocol": _protocol,
}
"""Domain of a parameter annotation (``CentreId``, ``ScenarioName``, ``ProtocolId`` in
:mod:`analysis.pipeline.params`) → the check of a value against the data."""
