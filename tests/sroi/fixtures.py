"""Small impact maps for the SROI, sensitivity and partner tests (built in code, not files)."""

from __future__ import annotations

import copy
from typing import Any

from analysis.sroi.centre import ImpactMap, validate_centre_data


def fig(value: float, **kw: Any) -> dict[str, Any]:
    """A figure with an assumption note (tests need no real sources)."""
    return {"value": value, "assumption": "test value", **kw}


def outcome(
    oid: str = "o1",
    stakeholder: str = "res",
    quantity: float = 10,
    proxy: float = 100,
    deadweight: float = 0.0,
    displacement: float = 0.0,
    attribution: float = 0.0,
    drop_off: float = 0.0,
    duration: int = 1,
    start: int = 1,
) -> dict[str, Any]:
    return {
        "id": oid,
        "stakeholder": stakeholder,
        "outcome": f"outcome {oid}",
        "indicator": "count",
        "quantity": fig(quantity),
        "proxy": {**fig(proxy), "description": "proxy"},
        "duration_years": duration,
        "start_year": start,
        "deadweight": fig(deadweight),
        "displacement": fig(displacement),
        "attribution": fig(attribution),
        "drop_off": fig(drop_off),
    }


def input_row(
    iid: str = "i1", stakeholder: str = "org", value: float = 1000, year: int = 0, repeat: int = 1
) -> dict[str, Any]:
    return {
        "id": iid,
        "stakeholder": stakeholder,
        "description": f"input {iid}",
        "in_kind": False,
        "year": year,
        "repeat_years": repeat,
        "factors": [{"name": "value", **fig(value)}],
    }


def centre_data(
    outcomes: list[dict[str, Any]] | None = None,
    inputs: list[dict[str, Any]] | None = None,
    rate: float = 0.0,
    period: int = 5,
    scenarios: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "centre": {
            "id": "test_centre",
            "name": "Test centre (fictional)",
            "status": "fictional",
            "status_note": "built in tests",
            "housing_company_partner": True,
        },
        "stakeholders": [
            {"id": "res", "name": "Bewohner", "name_en": "Residents", "group": "residents"},
            {"id": "org", "name": "Träger", "group": "social_organisation"},
            {"id": "hc", "name": "Wohnungsgesellschaft", "group": "housing_company"},
        ],
        "impact_map": {
            "discount_rate": fig(rate),
            "analysis_period_years": period,
            "inputs": inputs if inputs is not None else [input_row()],
            "outcomes": outcomes if outcomes is not None else [outcome()],
        },
        "scenarios": scenarios or {},
    }


def make_map(data: dict[str, Any], file: str = "test.yaml") -> ImpactMap:
    model = validate_centre_data(data, file)
    return ImpactMap(model=model, raw=copy.deepcopy(data), file=file)


def exchange_data() -> dict[str, Any]:
    """A value exchange to check by hand (no discounting, one year): residents receive
    1,000; the housing company puts in 600 (rent) and receives 500 (vacancy); the
    organisation puts in 400 in kind (hours)."""
    return centre_data(
        outcomes=[
            outcome("shop", "res", quantity=10, proxy=100, duration=1),  # 1,000
            outcome("vacancy", "hc", quantity=2, proxy=250, duration=1),  # 500
        ],
        inputs=[
            input_row("rent", "hc", value=600),
            {**input_row("hours", "org", value=400), "in_kind": True},
        ],
    )
