"""The centre file of the SROI: loading, validation, scenarios and the XLSX round trip.

A centre file (``data/raw/sroi/<centre_id>.yaml``, or an impact-map workbook, see
:mod:`analysis.sroi.xlsx`) is validated against :mod:`analysis.sroi.schema`; every number
is a figure with a source or an assumption. Scenarios are declared overrides in the file.
The SROI itself is computed by :mod:`analysis.sroi.engine`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from analysis.errors import InputError, Problem
from analysis.readers import read_yaml
from analysis.sroi.schema import (
    CentreFileSchema,
    centre_file_problems,
    centre_file_reference_problems,
)

# --------------------------------------------------------------------------------------
# Loading and scenarios
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImpactMap:
    """A validated centre file, optionally with a scenario applied.

    ``raw`` keeps the file's data as read (before the scenario), so scenarios can be
    applied again; ``model`` is the validated data with the scenario applied.
    """

    model: CentreFileSchema
    raw: Mapping[str, Any]
    file: str
    scenario: str | None = None

    @property
    def centre_id(self) -> str:
        return self.model.centre.id

    @property
    def scenarios(self) -> list[str]:
        return list(self.model.scenarios)

    @property
    def discount_rate(self) -> float:
        return self.model.impact_map.discount_rate.value

    @property
    def period(self) -> int:
        return self.model.impact_map.analysis_period_years

    def stakeholder_names(self, lang: str = "de") -> dict[str, str]:
        """Stakeholder id → display name in ``lang`` (German name as fallback)."""
        return {
            s.id: (s.name_en if lang == "en" and s.name_en else s.name)
            for s in self.model.stakeholders
        }


def validate_centre_data(data: Any, file: str | Path) -> CentreFileSchema:
    """Validate a centre file's data; raise :class:`InputError` naming row and field."""
    if not isinstance(data, Mapping):
        raise InputError("a centre file must be a mapping (YAML keys at top level)", file=file)
    try:
        model = CentreFileSchema.model_validate(dict(data))
    except ValidationError as err:
        raise InputError(problems=centre_file_problems(err, file)) from None
    problems = centre_file_reference_problems(model, file)
    if problems:
        raise InputError(problems=problems)
    return model


def load_impact_map(path: str | Path, scenario: str | None = None) -> ImpactMap:
    """Read and validate a centre file (``.yaml``/``.yml`` or ``.xlsx``).

    With ``scenario``, its overrides are applied (see :func:`apply_scenario`).
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        data = read_yaml(path)
    elif suffix == ".xlsx":
        from analysis.sroi.xlsx import read_workbook

        data = read_workbook(path)
    else:
        raise InputError("unsupported file type; use .yaml or .xlsx", file=path)
    model = validate_centre_data(data, path)
    imap = ImpactMap(model=model, raw=data, file=str(path))
    return apply_scenario(imap, scenario) if scenario else imap


def validate_file(path: str | Path) -> ImpactMap:
    """Load a centre file's impact map and apply every declared scenario, so an override
    that addresses no figure or breaks a rule is found before a run. The business section
    is the business domain's to check (:func:`analysis.business.centre.validate_file`
    checks the whole file)."""
    imap = load_impact_map(path)
    problems: list[Problem] = []
    for name in imap.scenarios:
        try:
            apply_scenario(imap, name)
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems=problems)
    return imap


def _resolve(data: Any, parts: list[str]) -> dict[str, Any] | None:
    """Walk ``parts`` through nested dicts; list items are addressed by their ``id``/``name``."""
    node = data
    for part in parts:
        if isinstance(node, dict):
            if part not in node:
                return None
            node = node[part]
        elif isinstance(node, list):
            match = [
                x for x in node if isinstance(x, dict) and part in (x.get("id"), x.get("name"))
            ]
            if len(match) != 1:
                return None
            node = match[0]
        else:
            return None
    return node if isinstance(node, dict) and "value" in node else None


def apply_overrides(raw: Mapping[str, Any], scenario: str, file: str | Path) -> dict[str, Any]:
    """Return a copy of ``raw`` with the declared overrides of ``scenario`` applied.

    Each override sets the ``value`` of the addressed figure and replaces its basis by
    the override's ``assumption`` (its range, if any, is kept and widened to contain
    the new value so the figure stays valid).
    """
    scenarios = raw.get("scenarios") or {}
    if scenario not in scenarios:
        known = ", ".join(scenarios) or "none declared"
        raise InputError(
            f"unknown scenario (declared: {known})", file=file, column="scenarios", value=scenario
        )
    data = copy.deepcopy(dict(raw))
    problems = []
    for i, ov in enumerate(scenarios[scenario].get("overrides") or [], start=1):
        target = _resolve(data, str(ov["path"]).split("."))
        if target is None:
            problems.append(
                Problem(
                    "override path does not address a figure (use ids for list items, e.g. "
                    "impact_map.outcomes.<id>.deadweight)",
                    str(file),
                    i,
                    f"scenarios.{scenario}.overrides.path",
                    ov["path"],
                )
            )
            continue
        target["value"] = ov["value"]
        target.pop("source", None)
        target["assumption"] = f"Scenario '{scenario}': {ov['assumption']}"
        if target.get("low") is not None and ov["value"] < target["low"]:
            target["low"] = ov["value"]
        if target.get("high") is not None and ov["value"] > target["high"]:
            target["high"] = ov["value"]
    if problems:
        raise InputError(problems=problems)
    return data


def apply_scenario(imap: ImpactMap, scenario: str | None) -> ImpactMap:
    """The impact map with ``scenario``'s overrides applied (``None``: the base figures)."""
    if scenario is None:
        return ImpactMap(model=imap.model, raw=imap.raw, file=imap.file, scenario=None)
    from analysis.paths import check_file_id

    check_file_id(scenario, "scenario", file=imap.file)  # it names the report's files
    data = apply_overrides(imap.raw, scenario, imap.file)
    model = validate_centre_data(data, f"{imap.file} [scenario {scenario}]")
    return ImpactMap(model=model, raw=imap.raw, file=imap.file, scenario=scenario)


def centre_files(folder: str | Path | None = None) -> dict[str, Path]:
    """The centre files in ``folder`` (default ``data/raw/sroi``): centre id → path."""
    from analysis import paths

    base = Path(folder) if folder is not None else paths.RAW / "sroi"
    return {p.stem: p for p in sorted(base.glob("*.yaml"))}


def load_centre(centre_id: str, folder: str | Path | None = None) -> ImpactMap:
    """Load ``data/raw/sroi/<centre_id>.yaml``; a clear error names the known centres."""
    from analysis.paths import check_file_id

    check_file_id(centre_id, "centre_id", file=folder or "data/raw/sroi")  # names files
    files = centre_files(folder)
    if centre_id not in files:
        raise InputError(
            f"unknown centre (known: {', '.join(files) or 'none'})",
            file=str(Path(folder) if folder else "data/raw/sroi"),
            value=centre_id,
        )
    return load_impact_map(files[centre_id])


# --------------------------------------------------------------------------------------
# Excel round trip
# --------------------------------------------------------------------------------------


def export_impact_map_xlsx(imap: ImpactMap, path: str | Path) -> Path:
    """Write the map (base figures, scenarios as declared) as an XLSX impact map.

    Sheets and columns follow the SROI Network's impact-map spreadsheet; see
    :mod:`analysis.sroi.xlsx`. :func:`load_impact_map` reads the file back.
    """
    from analysis.sroi.xlsx import write_workbook

    return write_workbook(copy.deepcopy(dict(imap.raw)), path)


def export_template_xlsx(path: str | Path) -> Path:
    """Write an empty impact-map workbook for evaluators to fill in."""
    from analysis.sroi.xlsx import write_template

    return write_template(path)
