"""What-if for the room: move a centre's figures and see SROI, NPV and blended return.

A :class:`WhatIf` holds one centre file and the scenario it starts from. Its
:attr:`~WhatIf.controls` are every figure the file declares uncertain (a figure with a
distribution, impact map and business section alike) and every partner contribution
(the factors of every SROI input — volunteer hours, rent given up, staff days … — and
the business section's premises, start capital, subsidies, investment and loan, and the
catchment and capture rates), each with the value it has in the starting scenario and a
range for a slider. :meth:`WhatIf.evaluate` takes settings (override path → value) and
returns the results of the **same engines** the reports use: the settings become one
more scenario, applied by :func:`analysis.sroi.centre.apply_overrides` on top of the
starting scenario's overrides, then :func:`analysis.sroi.engine.evaluate`,
:func:`analysis.business.case.evaluate`, :func:`analysis.business.blended.blended_return`
and :func:`analysis.sroi.partners.value_exchange` run as in notebooks 20 and 22 — there
is no second implementation of the model. :meth:`WhatIf.save` writes the settings as a
named scenario file (:mod:`analysis.sroi.scenario_files`).

Numbers only; labels, widgets and sentences are :mod:`analysis.business.report.whatif`'s.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.business import blended
from analysis.business import case as biz
from analysis.business.centre import BusinessCase, from_impact_map
from analysis.errors import InputError, Rule
from analysis.sroi import engine as sroi
from analysis.sroi import partners, scenario_files
from analysis.sroi.centre import FigureChange, ImpactMap, centre_files, load_impact_map

WHAT_IF = "what_if"
"""Name of the transient scenario the settings become while they are evaluated."""

CONTRIBUTION_PREFIXES = (
    "business.premises.",
    "business.start_capital.",
    "business.subsidies.",
    "business.investment.",
    "business.loan.",
    "business.catchment.inhabitants",
)
"""Business figures that are partner contributions (space, rent, conversion, capital,
grants, loans) or the catchment, shown as controls even without a declared range."""


@dataclass(frozen=True)
class Control:
    """One figure the room can move: its override ``path``, whether it is ``uncertain``
    (declares a range) and/or a partner ``contribution``, its ``kind`` (fraction, change
    or amount), its ``value`` in the starting scenario, its declared range (if any) and
    the slider's ``low``/``high``/``step``; ``stakeholder`` is the partner who gives it."""

    path: str
    kind: str
    value: float
    low: float
    high: float
    step: float
    uncertain: bool
    contribution: bool
    declared: tuple[float, float] | None = None
    stakeholder: str | None = None
    unit: str | None = None


def _nice_step(width: float, kind: str) -> float:
    if kind in ("fraction", "change"):
        return 0.001 if width <= 0.2 else 0.005
    if width <= 0:
        return 1.0
    raw = width / 200.0
    exp = 10 ** math.floor(math.log10(raw))
    step = min((m * exp for m in (1, 2, 5, 10) if m * exp >= raw), default=exp)
    return float(f"{step:.6g}")


def _slider(
    value: float,
    declared: tuple[float, float] | None,
    kind: str,
    domain: tuple[float, float],
) -> tuple[float, float, float]:
    """Slider range: the declared range widened by half its width on each side, or, for a
    point figure, 0 … twice the value (fractions: 0 … 1), inside the figure's domain."""
    dlo, dhi = domain
    if declared is not None and declared[1] > declared[0]:
        lo, hi = declared
        pad = (hi - lo) / 2
        lo, hi = lo - pad, hi + pad
    elif kind == "fraction":
        lo, hi = 0.0, 1.0
    elif kind == "change":
        lo, hi = value - 0.02, value + 0.02
    else:
        lo, hi = 0.0, 2.0 * value if value > 0 else 10.0
    lo, hi = max(lo, dlo), min(hi, dhi)
    lo, hi = min(lo, value), max(hi, value)
    step = _nice_step(hi - lo, kind)
    lo = math.floor(round(lo / step, 9)) * step
    hi = math.ceil(round(hi / step, 9)) * step
    return float(f"{lo:.10g}"), float(f"{hi:.10g}"), step


def _sroi_path(name: str) -> str:
    """The override path of an SROI parameter name (inverse of
    :func:`analysis.sroi.engine.parameter_name`)."""
    if name == "discount_rate":
        return "impact_map.discount_rate"
    kind, rid, fld = name.split(".", 2)
    return (
        f"impact_map.outcomes.{rid}.{fld}"
        if kind == "outcomes"
        else f"impact_map.inputs.{rid}.factors.{fld}"
    )


def controls(case: BusinessCase) -> list[Control]:
    """The controls of a centre in a scenario (see the module docstring), SROI figures
    first in the order of :func:`analysis.sroi.engine.model_parameters`, then business
    figures in the order of :func:`analysis.business.case.model_parameters`."""
    smap = case.imap
    out: list[Control] = []
    input_owner = {i.id: i.stakeholder for i in smap.model.impact_map.inputs}
    units = {
        f"inputs.{i.id}.{f.name}": f.unit for i in smap.model.impact_map.inputs for f in i.factors
    }
    for p in sroi.model_parameters(smap):
        is_input = p.name.startswith("inputs.")
        if not (p.uncertain or is_input):
            continue
        kind = "fraction" if p.bounds == (0.0, 1.0) else "amount"
        declared = (float(p.low), float(p.high)) if p.uncertain else None
        domain = (0.0, 1.0) if kind == "fraction" else (0.0, math.inf)
        lo, hi, step = _slider(p.base, declared, kind, domain)
        out.append(
            Control(
                path=_sroi_path(p.name),
                kind=kind,
                value=p.base,
                low=lo,
                high=hi,
                step=step,
                uncertain=p.uncertain,
                contribution=is_input,
                declared=declared,
                stakeholder=input_owner.get(p.name.split(".")[1]) if is_input else None,
                unit=units.get(p.name),
            )
        )
    b = case.model
    landlord = b.premises.landlord if b.premises is not None else None
    for f, p in zip(biz.figures(case), biz.model_parameters(case), strict=True):
        contribution = f.name.startswith(CONTRIBUTION_PREFIXES) or f.name.endswith(".capture_rate")
        if f.fig is None or not (p.uncertain or contribution):
            continue
        declared = (float(p.low), float(p.high)) if p.uncertain else None
        domain = (0.0, 1.0) if f.kind == "fraction" else (-0.5, 0.5)
        if f.kind == "amount":
            domain = (0.0, math.inf)
        if f.name == "business.premises.rent_reduction":
            domain = (0.0, float(b.premises.market_rent.value))
        lo, hi, step = _slider(p.base, declared, f.kind, domain)
        if f.name == "business.premises.rent_reduction":  # up to rent-free
            lo, hi = 0.0, float(b.premises.market_rent.value)
            step = 0.1
        owner = None
        if f.name.startswith("business.premises."):
            owner = landlord
        elif f.item is not None:
            owner = getattr(f.item, "partner", None)
        out.append(
            Control(
                path=f.name,
                kind=f.kind,
                value=p.base,
                low=lo,
                high=hi,
                step=step,
                uncertain=p.uncertain,
                contribution=contribution,
                declared=declared,
                stakeholder=owner,
                unit=f.unit,
            )
        )
    return out


@dataclass(frozen=True)
class WhatIfResult:
    """The results of one setting: the engines' own results."""

    settings: Mapping[str, float]
    sroi: sroi.SroiResult
    business: biz.BusinessResult
    blended: blended.BlendedReturn
    exchange: pd.DataFrame = field(repr=False)
    case: BusinessCase = field(repr=False)

    def key_figures(self) -> dict[str, float | None]:
        """SROI ratio, SROI net present value, business NPV and the blended totals."""
        return {
            "sroi_ratio": self.sroi.ratio,
            "sroi_npv": self.sroi.npv,
            "business_npv": self.business.npv,
            **self.blended.key_figures(),
        }


def _override(change: FigureChange) -> dict[str, Any]:
    """A starting scenario's change as an override of the centre file's form."""
    ov: dict[str, Any] = {"path": change.path, "value": change.value}
    if change.rule == "new" and change.range is not None:
        ov["range"] = {
            "low": change.range[0],
            "high": change.range[1],
            "distribution": change.distribution,
        }
    elif change.rule in ("shift", "scale", "drop") and change.stated:
        ov["range"] = change.rule
    elif change.rule == "drop":
        ov["range"] = "drop"
    ov["assumption"] = change.assumption
    return ov


class WhatIf:
    """A centre file, a starting scenario and its controls (see the module docstring)."""

    def __init__(
        self, centre_id: str, scenario: str | None = "base", folder: str | Path | None = None
    ) -> None:
        files = centre_files(folder)
        if centre_id not in files:
            known = ", ".join(files)
            raise InputError(
                Rule(
                    de=f"unbekanntes Zentrum (bekannt: {known or 'keine'})",
                    en=f"unknown centre (known: {known or 'none'})",
                ),
                file=str(folder or "data/raw/sroi"),
                value=centre_id,
            )
        self.file = files[centre_id]
        self.imap: ImpactMap = load_impact_map(self.file)
        self.centre_id = centre_id
        self.scenario = scenario
        self.case = from_impact_map(self.imap, scenario)
        self.controls = controls(self.case)
        self._by_path = {c.path: c for c in self.controls}
        # the starting scenario's changes: impact-map ones, then business ones (which
        # include the top-level overrides of business paths)
        sroi_changes = [c for c in self.case.imap.changes if not c.path.startswith("business.")]
        self._start = [_override(c) for c in (*sroi_changes, *self.case.changes)]
        self._sroi_cache: dict[tuple, tuple[sroi.SroiResult, pd.DataFrame]] = {}

    @property
    def base_settings(self) -> dict[str, float]:
        """Every control at its value in the starting scenario."""
        return {c.path: c.value for c in self.controls}

    def changed(self, settings: Mapping[str, float]) -> dict[str, float]:
        """The settings that differ from the starting scenario (unknown paths refused)."""
        unknown = [p for p in settings if p not in self._by_path]
        if unknown:
            raise InputError(
                Rule(
                    de="kein Regler dieses Zentrums (verwenden Sie einen Pfad aus WhatIf.controls)",
                    en="not a control of this centre (use a path of WhatIf.controls)",
                ),
                file=str(self.file),
                column="settings",
                value=unknown[0],
            )
        return {
            p: float(v)
            for p, v in settings.items()
            if not math.isclose(float(v), self._by_path[p].value, rel_tol=1e-12, abs_tol=1e-12)
        }

    def overrides(
        self, settings: Mapping[str, float], notes: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """The starting scenario's overrides with the changed settings on top, as overrides
        of the centre file's form. A changed figure gets ``range: drop`` (it is a setting
        of the room, held fixed in a Monte Carlo) unless :meth:`save` finds a rule that
        keeps its range; ``notes`` gives an assumption per path."""
        changed = self.changed(settings)
        notes = notes or {}
        out = [ov for ov in self._start if ov["path"] not in changed]
        for path, value in changed.items():
            c = self._by_path[path]
            out.append(
                {
                    "path": path,
                    "value": value,
                    "range": "drop",
                    "assumption": notes.get(path)
                    or f"Set in the what-if (was {c.value:g} in scenario '{self.scenario}').",
                }
            )
        return out

    def _with(self, overrides: Sequence[Mapping[str, Any]], name: str = WHAT_IF) -> ImpactMap:
        raw = dict(self.imap.raw)
        raw["scenarios"] = {
            **(raw.get("scenarios") or {}),
            name: {"description": "what-if", "overrides": [dict(o) for o in overrides]},
        }
        return ImpactMap(model=self.imap.model, raw=raw, file=self.imap.file)

    def evaluate(self, settings: Mapping[str, float] | None = None) -> WhatIfResult:
        """The engines' results with ``settings`` (path → value) applied on top of the
        starting scenario. The SROI side depends on the impact-map settings only, so its
        result is reused while only business figures move (the last few are kept)."""
        settings = dict(settings or {})
        changed = self.changed(settings)
        case = (
            self.case
            if not changed
            else from_impact_map(self._with(self.overrides(settings)), WHAT_IF)
        )
        key = tuple(sorted((p, v) for p, v in changed.items() if p.startswith("impact_map.")))
        cached = self._sroi_cache.get(key)
        if cached is None:
            res = sroi.evaluate(case.imap)
            cached = (res, partners.value_exchange(res))
            if len(self._sroi_cache) >= 8:
                self._sroi_cache.pop(next(iter(self._sroi_cache)))
            self._sroi_cache[key] = cached
        res, exchange = cached
        return WhatIfResult(
            settings=settings,
            sroi=res,
            business=biz.evaluate(case),
            blended=blended.blended_return(case, res, exchange=exchange),
            exchange=exchange,
            case=case,
        )

    def _keep_range(self, ov: dict[str, Any]) -> dict[str, Any]:
        """A saved override keeps its figure's uncertainty where a rule allows it: shift,
        else scale, else drop (checked by applying it)."""
        c = self._by_path.get(ov["path"])
        if c is None or c.declared is None:
            return {k: v for k, v in ov.items() if k != "range"}
        for rule in ("shift", "scale"):
            trial = {**ov, "range": rule}
            try:
                from_impact_map(self._with([trial], "trial"), "trial")
            except InputError:
                continue
            return trial
        return ov

    def save(
        self,
        name: str,
        settings: Mapping[str, float],
        *,
        notes: Mapping[str, str] | None = None,
        description: str | None = None,
        saved: dt.date | None = None,
        catalog: str | Path | None = None,
    ) -> Path:
        """Save the settings as scenario ``name`` in ``scenarios/<centre>__<name>.yaml``
        beside the centre file (never the centre file; nothing overwritten; atomic),
        with an assumption note per changed figure (``notes`` or a default naming the
        old value and the date) and list it in ``catalog`` if given. The saved scenario is
        checked by applying it before anything is written."""
        scenario_files.check_new_name(self.file, name, self.imap.scenarios)
        saved = saved or dt.date.today()
        changed = self.changed(settings)
        notes = dict(notes or {})
        for path in changed:
            if not notes.get(path, "").strip():
                old = self._by_path[path].value
                notes[path] = (
                    f"What-if of {saved.isoformat()}: {old:g} → {changed[path]:g} "
                    f"(starting from scenario '{self.scenario}')."
                )
        ovs = [
            self._keep_range(ov) if ov["path"] in changed else ov
            for ov in self.overrides(settings, notes)
        ]
        from_impact_map(self._with(ovs, name), name)  # it applies: checked before writing
        return scenario_files.save_scenario(
            self.file,
            name,
            ovs,
            description=description
            or f"Was-wäre-wenn vom {saved.isoformat()} (ausgehend von '{self.scenario}')",
            based_on=self.scenario,
            declared=self.imap.scenarios,
            saved=saved,
            catalog=catalog,
        )


# --------------------------------------------------------------------------------------
# Prepared what-ifs for the static report
# --------------------------------------------------------------------------------------


def prepared_axes(w: WhatIf) -> dict[str, list[float]]:
    """The two axes of the report's grid of prepared what-ifs: the rent reduction
    0 / 1 / 2 € per m² and month (up to the market rent), and the first declared capture
    rate at its low / base / high value. An axis the centre lacks is left out."""
    axes: dict[str, list[float]] = {}
    by = {c.path: c for c in w.controls}
    rent = by.get("business.premises.rent_reduction")
    if rent is not None:
        axes[rent.path] = [x for x in (0.0, 1.0, 2.0) if x <= rent.high + 1e-9]
    capture = next(
        (c for c in w.controls if c.path.endswith(".capture_rate") and c.declared is not None),
        None,
    )
    if capture is not None and capture.declared is not None:
        axes[capture.path] = [capture.declared[0], capture.value, capture.declared[1]]
    return axes


def grid(w: WhatIf, axes: Mapping[str, Sequence[float]] | None = None) -> pd.DataFrame:
    """One row per combination of ``axes`` (default :func:`prepared_axes`): the settings
    and the key figures of :meth:`WhatIfResult.key_figures`."""
    axes = prepared_axes(w) if axes is None else axes
    rows = []
    keys = list(axes)
    for combo in itertools.product(*(axes[k] for k in keys)):
        settings = dict(zip(keys, combo, strict=True))
        r = w.evaluate(settings)
        rows.append({**settings, **r.key_figures()})
    return pd.DataFrame(rows)
