"""The centre file of the SROI: loading, validation, scenarios and the XLSX round trip.

A centre file (``data/raw/sroi/<centre_id>.yaml``, or an impact-map workbook, see
:mod:`analysis.sroi.xlsx`) is validated against :mod:`analysis.sroi.schema`; every number
is a figure with a source or an assumption. Scenarios are declared overrides in the file.
The SROI itself is computed by :mod:`analysis.sroi.engine`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from analysis.errors import InputError, Problem, Rule
from analysis.readers import read_yaml, yaml_line
from analysis.sroi.schema import (
    CentreFileSchema,
    centre_file_problems,
    centre_file_reference_problems,
    figure_at,
)

# --------------------------------------------------------------------------------------
# Loading and scenarios
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImpactMap:
    """A validated centre file, optionally with a scenario applied.

    ``raw`` keeps the file's data as read (before the scenario), so scenarios can be
    applied again; ``model`` is the validated data with the scenario applied; ``changes``
    what the scenario's overrides did to each figure they address (value and range).
    """

    model: CentreFileSchema
    raw: Mapping[str, Any]
    file: str
    scenario: str | None = None
    changes: tuple[FigureChange, ...] = ()

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
        raise InputError(
            Rule(
                de="eine Zentrumsdatei muss eine Zuordnung sein (YAML-Schlüssel auf oberster "
                "Ebene)",
                en="a centre file must be a mapping (YAML keys at top level)",
            ),
            file=file,
        )
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

    A YAML centre file's saved scenarios (``scenarios/<centre_id>__<name>.yaml`` beside
    it, :mod:`analysis.sroi.scenario_files`) join its declared scenarios. With
    ``scenario``, its overrides are applied (see :func:`apply_scenario`).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(Rule(de="Datei nicht gefunden", en="file not found"), file=path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        from analysis.sroi.scenario_files import merge_saved_scenarios

        data = read_yaml(path)
        if isinstance(data, Mapping):  # saved scenarios (scenarios/<centre>__<name>.yaml)
            data = merge_saved_scenarios(data, path)
    elif suffix == ".xlsx":
        from analysis.sroi.xlsx import read_workbook

        data = read_workbook(path)
    else:
        raise InputError(
            Rule(
                de="Dateityp nicht unterstützt; verwenden Sie .yaml oder .xlsx",
                en="unsupported file type; use .yaml or .xlsx",
            ),
            file=path,
        )
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


@dataclass(frozen=True)
class FigureChange:
    """What one scenario override did to one figure, as numbers (the report words it).

    ``rule`` is what happened to the figure's uncertainty range (see
    :class:`analysis.sroi.schema.OverrideSchema`): ``shift``, ``scale``, ``drop``, ``new``
    (a new range) or ``point`` (a figure without a range that stays without one);
    ``stated`` is False when the override left ``range`` out and the default applied.
    ``range``/``distribution`` are the figure's uncertainty in the scenario (None: held
    fixed at ``value`` in the Monte Carlo).
    """

    path: str
    rule: str
    stated: bool
    base: float
    value: float
    base_range: tuple[float, float] | None
    base_distribution: str | None
    range: tuple[float, float] | None
    distribution: str | None
    assumption: str

    @property
    def uncertain(self) -> bool:
        """True if the figure is drawn in the scenario's Monte Carlo."""
        return self.range is not None and self.range[1] > self.range[0]


Domain = Callable[[str], "tuple[float | None, float | None] | None"]
"""Allowed values (minimum, maximum) of the figure an override path addresses, if known."""


def _tidy(x: float) -> float:
    """A computed range end without floating-point dust (12 significant digits)."""
    return float(f"{x:.12g}")


def _new_range(
    ov: Mapping[str, Any], target: Mapping[str, Any]
) -> tuple[str, tuple[float, float] | None, str | None, Rule | None]:
    """The rule an override applies to ``target`` and the range it gives: (rule, range,
    distribution, problem); ``problem`` is the broken rule in words, else None."""
    base, value, rule = float(target["value"]), float(ov["value"]), ov.get("range")
    lo, hi, dist = target.get("low"), target.get("high"), target.get("distribution")
    has_range = lo is not None and hi is not None
    if isinstance(rule, Mapping):
        new_dist = rule.get("distribution") or dist
        if new_dist is None:
            return (
                "new",
                None,
                None,
                Rule(
                    de="ein neuer Bereich für eine Zahl ohne Verteilung braucht "
                    "'distribution' (triangular, pert oder uniform)",
                    en="a new range on a figure without a distribution needs 'distribution' "
                    "(triangular, pert or uniform)",
                ),
            )
        return "new", (float(rule["low"]), float(rule["high"])), new_dist, None
    if rule == "drop" or (rule is None and not has_range):
        return ("drop" if has_range else "point"), None, None, None
    rule = rule or "shift"
    if not has_range:
        return (
            rule,
            None,
            None,
            Rule(
                de=f"range: {rule} braucht einen Unsicherheitsbereich, und die Zahl hat keinen; "
                "lassen Sie 'range' weg (die Zahl bleibt ein Punktwert) oder geben Sie einen "
                "neuen Bereich {low, high, distribution} an",
                en=f"range: {rule} needs a range, and the figure declares none; leave 'range' "
                "out (the figure stays a point value) or give a new range "
                "{low, high, distribution}",
            ),
        )
    lo, hi = float(lo), float(hi)
    if rule == "shift":
        new = (lo + value - base, hi + value - base)
    else:  # scale
        if base == 0 or value / base < 0:
            return (
                rule,
                None,
                None,
                Rule(
                    de="range: scale braucht einen Basiswert ungleich 0 und einen neuen Wert "
                    f"mit demselben Vorzeichen (Basis {base:g}, neu {value:g}); verwenden Sie "
                    "shift oder einen neuen Bereich",
                    en="range: scale needs a base value other than 0 and a new value of the "
                    f"same sign (base {base:g}, new {value:g}); use shift or a new range",
                ),
            )
        new = (lo * value / base, hi * value / base)
    # the value keeps its place in the range: guard against rounding at the ends
    return rule, (min(_tidy(new[0]), value), max(_tidy(new[1]), value)), dist, None


def apply_overrides(
    raw: Mapping[str, Any],
    scenario: str,
    file: str | Path,
    *,
    domain: Domain | None = None,
    at: Sequence[str] = (),
) -> tuple[dict[str, Any], tuple[FigureChange, ...]]:
    """Return a copy of ``raw`` with the declared overrides of ``scenario`` applied, and
    what each override did (:class:`FigureChange`, in the order declared). ``at`` is
    where ``raw`` lies in ``file`` (``("business",)`` for the business section): a refused
    override is named as an entry of that list with its line in the file.

    Each override sets the ``value`` of the addressed figure, replaces its basis by the
    override's ``assumption`` and applies its ``range`` rule to the figure's uncertainty
    (:class:`analysis.sroi.schema.OverrideSchema`: shift — the default —, scale, drop or a
    new range), so the scenario's Monte Carlo draws around the scenario's value. The
    business section applies its own overrides with this same function
    (:mod:`analysis.business.centre`). Refused, naming the override: a path that
    addresses no figure, a figure overridden twice, shift/scale of a figure without a
    range, a new range without a distribution, and — when ``domain`` knows the figure's
    allowed values — a resulting range outside them.
    """
    scenarios = raw.get("scenarios") or {}
    if scenario not in scenarios:
        known = ", ".join(scenarios)
        raise InputError(
            Rule(
                de=f"unbekanntes Szenario (deklariert: {known or 'keine'})",
                en=f"unknown scenario (declared: {known or 'none declared'})",
            ),
            file=file,
            column="scenarios",
            value=scenario,
        )
    data = copy.deepcopy(dict(raw))
    problems: list[Problem] = []
    changes: list[FigureChange] = []
    seen: dict[str, int] = {}
    where = f"scenarios.{scenario}.overrides"
    listed = [*at, "scenarios", scenario, "overrides"]

    def place(i: int) -> dict[str, Any]:
        """Entry ``i`` of the override list and its line (none for a scenario that is
        not written in ``file``, e.g. a saved one: its entry is not there)."""
        line = yaml_line(file, [*listed, i - 1])
        line = line if line != yaml_line(file, listed) else None
        return {"entry_of": ".".join(listed), "line": line}

    for i, ov in enumerate(scenarios[scenario].get("overrides") or [], start=1):
        path = str(ov["path"])
        target = _resolve(data, path.split("."))
        if target is None:
            problems.append(
                Problem(
                    Rule(
                        de="der Pfad (path) der Änderung bezeichnet keine Zahl (Listeneinträge "
                        "über ihre id ansprechen, z. B. impact_map.outcomes.<id>.deadweight)",
                        en="override path does not address a figure (use ids for list items, "
                        "e.g. impact_map.outcomes.<id>.deadweight)",
                    ),
                    str(file),
                    i,
                    f"{where}.path",
                    ov["path"],
                    **place(i),
                )
            )
            continue
        if path in seen:
            problems.append(
                Problem(
                    Rule(
                        de=f"die Zahl wird in diesem Szenario zweimal geändert (overrides "
                        f"{seen[path]} und {i}); behalten Sie eine Änderung",
                        en=f"the figure is overridden twice in this scenario (overrides "
                        f"{seen[path]} and {i}); keep one",
                    ),
                    str(file),
                    i,
                    f"{where}.path",
                    path,
                    **place(i),
                )
            )
            continue
        seen[path] = i
        rule, new, dist, problem = _new_range(ov, target)
        value = float(ov["value"])
        allowed = domain(path) if domain is not None and problem is None else None
        if new is not None and allowed is not None:
            dlo, dhi = allowed
            value_ok = (dlo is None or value >= dlo) and (dhi is None or value <= dhi)
            if value_ok and (
                (dlo is not None and new[0] < dlo) or (dhi is not None and new[1] > dhi)
            ):
                show = [f"{x:g}" if x is not None else "∞" for x in (dlo, dhi)]
                how = rule if rule != "new" else "{low, high}"
                problem = Rule(
                    de=f"range: {how} ergibt den Bereich [{new[0]:g}, {new[1]:g}], außerhalb "
                    f"der zulässigen Werte der Zahl [{show[0]}, {show[1]}]; geben Sie einen "
                    "neuen Bereich {low, high} innerhalb dieser Werte an oder verwenden Sie "
                    "scale oder drop",
                    en=f"range: {how} gives the range [{new[0]:g}, {new[1]:g}], outside the "
                    f"figure's allowed values [{show[0]}, {show[1]}]; state a new range "
                    "{low, high} inside them, or use scale or drop",
                )
        if problem is not None:
            problems.append(
                Problem(problem, str(file), i, f"{where}.range", ov.get("range"), **place(i))
            )
            continue
        lo, hi = target.get("low"), target.get("high")
        changes.append(
            FigureChange(
                path=path,
                rule=rule,
                stated=ov.get("range") is not None,
                base=float(target["value"]),
                value=value,
                base_range=(float(lo), float(hi)) if lo is not None and hi is not None else None,
                base_distribution=target.get("distribution"),
                range=new,
                distribution=dist,
                assumption=str(ov["assumption"]),
            )
        )
        target["value"] = ov["value"]
        target.pop("source", None)
        target["assumption"] = f"Scenario '{scenario}': {ov['assumption']}"
        for key in ("low", "high", "distribution"):
            target.pop(key, None)
        if new is not None:
            target.update(low=new[0], high=new[1], distribution=dist)
    if problems:
        raise InputError(problems=problems)
    return data, tuple(changes)


def apply_scenario(imap: ImpactMap, scenario: str | None) -> ImpactMap:
    """The impact map with ``scenario``'s overrides applied (``None``: the base figures);
    its ``changes`` say what each override did to its figure."""
    if scenario is None:
        return ImpactMap(model=imap.model, raw=imap.raw, file=imap.file, scenario=None)
    from analysis.paths import check_file_id

    check_file_id(scenario, "scenario", file=imap.file)  # it names the report's files

    def domain(path: str) -> tuple[float | None, float | None] | None:
        fig = figure_at(imap.model, path.split("."))
        return fig.allowed() if fig is not None else None

    data, changes = apply_overrides(imap.raw, scenario, imap.file, domain=domain)
    model = validate_centre_data(data, f"{imap.file} [scenario {scenario}]")
    return ImpactMap(model=model, raw=imap.raw, file=imap.file, scenario=scenario, changes=changes)


@dataclass(frozen=True)
class Citation:
    """One workshop statement a centre file cites: where (the dotted path of the outcome,
    input or figure, list items by id, e.g. ``impact_map.outcomes.local_shopping`` or
    ``business.premises.rent_reduction``), what (``kind``: outcome, input, figure, or item
    — a part of the business section such as ``business.premises``) and the statement id
    as written."""

    field: str
    kind: str
    statement: str


def citations(raw: Mapping[str, Any]) -> list[Citation]:
    """Every ``evidence`` entry of a centre file's data (impact map and business section,
    scenarios left out), in file order. The statements themselves are the protocols'
    (:mod:`analysis.protocols`); the check that each exists is
    :mod:`analysis.pipeline.evidence`'s, the one layer that sees both domains."""
    out: list[Citation] = []

    def walk(node: Any, path: list[str], kind: str) -> None:
        if isinstance(node, Mapping):
            own = "figure" if "value" in node else kind
            for sid in node.get("evidence") or []:
                out.append(Citation(".".join(path), own, str(sid)))
            for key, child in node.items():
                if key in ("evidence", "scenarios"):
                    continue
                walk(child, [*path, str(key)], "item")
        elif isinstance(node, list):
            row_kind = {"outcomes": "outcome", "inputs": "input"}.get(path[-1], "item")
            for i, item in enumerate(node, start=1):
                ident = item.get("id", item.get("name")) if isinstance(item, Mapping) else None
                walk(item, [*path, str(ident if ident is not None else i)], row_kind)

    for top in ("impact_map", "business"):
        if isinstance(raw.get(top), Mapping):
            walk(raw[top], [top], "figure")
    return out


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
        known = ", ".join(files)
        raise InputError(
            Rule(
                de=f"unbekanntes Zentrum (bekannt: {known or 'keine'})",
                en=f"unknown centre (known: {known or 'none'})",
            ),
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
