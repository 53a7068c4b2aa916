"""The business section of a centre file: loading, validation and scenarios, and the
regional context of the catchment.

The ``business:`` section of a centre file (``data/raw/sroi/<centre_id>.yaml``, schema
:class:`analysis.business.schema.BusinessSchema`) sits next to the impact map
(:mod:`analysis.sroi.centre`) and shares its scenarios: a scenario applies the file's
top-level overrides, then those under ``business.scenarios.<name>``. A catchment with a
``municipality_key`` is linked to the Deutschlandatlas (its population change is taken from
there when the file gives none). The model itself is :mod:`analysis.business.case`.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from analysis.business.schema import (
    BusinessSchema,
    ChangeFigureSchema,
    business_problems,
    business_reference_problems,
)
from analysis.errors import InputError, Problem, Rule
from analysis.sroi.centre import (
    FigureChange,
    ImpactMap,
    apply_overrides,
    apply_scenario,
    load_centre,
    load_impact_map,
)
from analysis.sroi.centre import validate_file as sroi_validate_file
from analysis.sroi.schema import figure_at

MUNICIPAL_FILE = "deutschlandatlas_gem1222.csv"
"""Deutschlandatlas municipality sheet (Stand 31.12.2022) a catchment's key refers to."""


# --------------------------------------------------------------------------------------
# Loading, validation and scenarios
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessCase:
    """A validated business section together with its centre file (same scenario).

    ``imap`` is the centre file with the scenario applied (its SROI side); ``region`` the
    Deutschlandatlas figures of ``catchment.municipality_key``, if one is given;
    ``changes`` what the scenario did to each business figure (value and range).
    """

    model: BusinessSchema
    imap: ImpactMap
    file: str
    scenario: str | None = None
    region: Mapping[str, Any] | None = None
    changes: tuple[FigureChange, ...] = ()

    @property
    def centre_id(self) -> str:
        return self.imap.centre_id

    @property
    def horizon(self) -> int:
        return self.model.horizon_years

    @property
    def discount_rate(self) -> float:
        return float(self.model.discount_rate.value)

    @property
    def scenarios(self) -> list[str]:
        return self.imap.scenarios

    def stakeholder_names(self, lang: str = "de") -> dict[str, str]:
        return self.imap.stakeholder_names(lang)

    def stakeholder_groups(self) -> dict[str, str]:
        return {s.id: s.group for s in self.imap.model.stakeholders}


def _file_label(file: str, scenario: str | None) -> str:
    return f"{file} [scenario {scenario}]" if scenario else file


def validate_business(data: Any, imap: ImpactMap, file: str | Path) -> BusinessSchema:
    """Validate a business section against :class:`~analysis.business.schema.BusinessSchema` and
    the centre file ``imap``; raise :class:`InputError` naming file, row and field."""
    if data is None:
        raise InputError(
            Rule(
                de="kein Geschäftsmodell: ergänzen Sie die Zentrumsdatei um einen Abschnitt "
                "'business:' (eine Arbeitsmappe der Wirkungskarte enthält nur die "
                "Wirkungskarte; das Geschäftsmodell steht in der YAML-Datei)",
                en="no business model: add a 'business:' section to the centre file (an "
                "impact-map workbook holds the impact map only; the business model lives in "
                "the YAML file)",
            ),
            file=file,
            column="business",
        )
    if not isinstance(data, Mapping):
        raise InputError(
            Rule(
                de="der Abschnitt business muss eine Zuordnung sein (Schlüssel: Wert)",
                en="the business section must be a mapping",
            ),
            file=file,
            column="business",
        )
    try:
        model = BusinessSchema.model_validate(dict(data))
    except ValidationError as err:
        raise InputError(problems=business_problems(err, file)) from None
    problems = business_reference_problems(model, imap.model, file)
    if problems:
        raise InputError(problems=problems)
    return model


def _apply_business_overrides(
    data: Mapping[str, Any], scenario: str, file: str, model: BusinessSchema
) -> tuple[dict, tuple[FigureChange, ...]]:
    """``data`` with the overrides of ``business.scenarios.<scenario>`` applied, and what
    each did, by the impact map's override rules (:func:`analysis.sroi.centre.apply_overrides`:
    one implementation of the range rules for both Monte Carlos); ``model`` is the
    validated base section, which knows each figure's allowed values."""
    overrides = (data.get("scenarios") or {}).get(scenario) or {}
    wrapped = {"scenarios": {scenario: overrides}, "business": copy.deepcopy(dict(data))}

    def domain(path: str) -> tuple[float | None, float | None] | None:
        fig = figure_at(model, path.split(".")[1:])  # path starts with "business."
        return fig.allowed() if fig is not None else None

    try:
        applied, changes = apply_overrides(wrapped, scenario, file, domain=domain, at=("business",))
    except InputError as err:
        problems = [
            dataclasses.replace(p, column=f"business.{p.column}" if p.column else "business")
            for p in err.problems
        ]
        raise InputError(problems=problems) from None
    return applied["business"], changes


def _business_changes(
    smap: ImpactMap, own: tuple[FigureChange, ...], scenario: str, file: str
) -> tuple[FigureChange, ...]:
    """The scenario's changes of business figures: top-level overrides that address
    ``business.…`` paths, then those of ``business.scenarios.<scenario>``; a figure
    changed in both places is refused (which one would hold?)."""
    top = tuple(c for c in smap.changes if c.path.startswith("business."))
    twice = sorted({c.path for c in top} & {c.path for c in own})
    if twice:
        raise InputError(
            problems=[
                Problem(
                    Rule(
                        de="die Zahl wird in diesem Szenario sowohl unter 'scenarios' als auch "
                        "unter 'business.scenarios' geändert; behalten Sie eine Änderung",
                        en="the figure is overridden both under 'scenarios' and under "
                        "'business.scenarios' of this scenario; keep one",
                    ),
                    file,
                    None,
                    f"business.scenarios.{scenario}.overrides.path",
                    path,
                )
                for path in twice
            ]
        )
    return top + own


def from_impact_map(imap: ImpactMap, scenario: str | None = None) -> BusinessCase:
    """The business case of a loaded centre file (its base figures), with ``scenario``.

    A scenario applies the file's top-level overrides (which may address business
    figures, e.g. ``business.ranges.groceries.capture_rate``) and then those declared
    under ``business.scenarios.<scenario>``, with the same range rules as the impact map
    (the case's ``changes`` say what each did).
    """
    model = validate_business(imap.model.business, imap, imap.file)  # the base section
    smap, label, changes = imap, imap.file, ()
    if scenario is not None:
        smap, label = apply_scenario(imap, scenario), _file_label(imap.file, scenario)
        data, own = copy.deepcopy(smap.model.business), ()
        if scenario in model.scenarios:
            data, own = _apply_business_overrides(data, scenario, imap.file, model)
        changes = _business_changes(smap, own, scenario, imap.file)
        model = validate_business(data, smap, label)
    region = None
    key = model.catchment.municipality_key
    if key is not None:
        region = regional_context(key, file=label)
        if model.catchment.population_change is None:
            model = _population_change_from_region(model, region, label)
    return BusinessCase(
        model=model,
        imap=smap,
        file=imap.file,
        scenario=scenario,
        region=region,
        changes=changes,
    )


def load_case(path: str | Path, scenario: str | None = None) -> BusinessCase:
    """Read a centre file and return its business case (with ``scenario`` applied)."""
    return from_impact_map(load_impact_map(path), scenario)


def load_centre_case(
    centre_id: str, scenario: str | None = None, folder: str | Path | None = None
) -> BusinessCase:
    """The business case of ``data/raw/sroi/<centre_id>.yaml`` (or of ``folder``)."""
    return from_impact_map(load_centre(centre_id, folder), scenario)


def business_file_problems(imap: ImpactMap) -> list[Problem]:
    """Every problem of a loaded centre file's business section, base and each declared
    scenario (empty when there is no business section or nothing is wrong)."""
    if imap.model.business is None:
        return []
    problems: list[Problem] = []
    for name in [None, *imap.scenarios]:
        try:
            from_impact_map(imap, name)
        except InputError as err:
            problems += [p for p in err.problems if p not in problems]
            if name is None:
                break  # a broken base section breaks every scenario the same way
    return problems


def validate_file(path: str | Path) -> BusinessCase | None:
    """Validate a whole centre file: its impact map and scenarios
    (:func:`analysis.sroi.centre.validate_file`), then its business section under every
    declared scenario; ``None`` when the file has no business section. The validator of
    the ``sroi_centre`` kind (:mod:`analysis.pipeline.kinds`)."""
    imap = sroi_validate_file(path)
    problems = business_file_problems(imap)
    if problems:
        raise InputError(problems=problems)
    return from_impact_map(imap) if imap.model.business is not None else None


# --------------------------------------------------------------------------------------
# Regional context: the catchment's municipality in the Deutschlandatlas
# --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _municipalities(path: str) -> pd.DataFrame:
    from analysis.regional.data import read_table

    return read_table(Path(path)).frame


def regional_context(
    key: str, folder: str | Path | None = None, *, file: str | Path | None = None
) -> dict[str, Any]:
    """Deutschlandatlas figures of municipality ``key`` (Gemeinden, Stand 31.12.2022):
    name, ``bev_entw`` (average population change 2017–2022, % per year), ``p_markt``
    (car minutes to the nearest supermarket or discounter, 2021), ``bev_dicht``
    (inhabitants per km²). An unknown key is an :class:`InputError` naming ``file``."""
    from analysis.regional.data import FOLDER

    path = Path(folder or FOLDER) / MUNICIPAL_FILE
    frame = _municipalities(str(path))
    if key not in frame.index:
        raise InputError(
            Rule(
                de=f"unbekannter Gemeindeschlüssel: nicht in {MUNICIPAL_FILE} "
                "(Deutschlandatlas, Gemeinden, Stand 31.12.2022); verwenden Sie die "
                "8-stellige Gemeindekennziffer",
                en=f"unknown municipality key: not in {MUNICIPAL_FILE} (Deutschlandatlas, "
                "Gemeinden, Stand 31.12.2022); use the 8-digit Gemeindekennziffer",
            ),
            file=file,
            column="business.catchment.municipality_key",
            value=key,
        )
    row = frame.loc[key]

    def num(col: str) -> float | None:
        v = row.get(col)
        return None if v is None or pd.isna(v) else float(v)

    return {
        "key": key,
        "name": str(row["name"]),
        "bev_entw": num("bev_entw"),
        "p_markt": num("p_markt"),
        "bev_dicht": num("bev_dicht"),
        "source": (
            f"Deutschlandatlas (Destatis im Auftrag des BMWSB), Stand 12.12.2024, Gemeinden "
            f"({MUNICIPAL_FILE})"
        ),
    }


def _population_change_from_region(
    model: BusinessSchema, region: Mapping[str, Any], file: str
) -> BusinessSchema:
    if region["bev_entw"] is None:
        raise InputError(
            Rule(
                de="die Regionaldaten enthalten für diese Gemeinde keine "
                "Bevölkerungsveränderung (bev_entw); geben Sie catchment.population_change an",
                en="the regional data has no population change (bev_entw) for this "
                "municipality; give catchment.population_change",
            ),
            file=file,
            column="business.catchment.population_change",
        )
    fig = ChangeFigureSchema(
        value=region["bev_entw"] / 100.0,
        source=(
            f"{region['source']}: bev_entw of {region['name']} (GKZ {region['key']}), "
            "average population change 2017–2022 in % per year"
        ),
        assumption="The municipality's past yearly change is assumed to continue in the catchment.",
    )
    catchment = model.catchment.model_copy(update={"population_change": fig})
    return model.model_copy(update={"catchment": catchment})


# --------------------------------------------------------------------------------------
