"""Small business cases for the business and blended-return tests (built in code)."""

from __future__ import annotations

import copy
from typing import Any

from analysis.business import centre as business_centre
from tests.sroi.fixtures import centre_data, fig, make_map


def factor(name: str, value: float, **kw: Any) -> dict[str, Any]:
    return {"name": name, **fig(value, **kw)}


def business_data(**changes: Any) -> dict[str, Any]:
    """A three-year business section whose cash flow is easy to compute by hand.

    Operating result per year: range gross profit 100 inhabitants × 1,000 € × 0.5 × 0.2
    = 10,000; service 2,000; staff 5,000; energy 1,000; rent 10 m² × 10 € × 12 = 1,200:
    10,000 + 2,000 − 5,000 − 1,000 − 1,200 = 4,800. Investment 10,000 in cash.
    """
    data: dict[str, Any] = {
        "operator": "org",
        "horizon_years": 3,
        "discount_rate": fig(0.1),
        "catchment": {"inhabitants": fig(100)},
        "ranges": [
            {
                "id": "groceries",
                "name": "Lebensmittel",
                "spending_per_head": fig(1000),
                "capture_rate": fig(0.5),
                "gross_margin": fig(0.2),
            }
        ],
        "services": [{"id": "post", "name": "Post", "revenue": fig(2000)}],
        "costs": [
            {
                "id": "staff",
                "name": "Personal",
                "kind": "staff",
                "factors": [factor("fte", 1), factor("cost_per_fte", 5000)],
            },
            {"id": "energy", "name": "Strom", "kind": "energy", "factors": [factor("value", 1000)]},
        ],
        "premises": {"area": fig(10), "market_rent": fig(10), "rent_reduction": fig(0)},
        "start_capital": [
            {
                "id": "own",
                "partner": "org",
                "kind": "own_funds",
                "description": "Eigenmittel",
                "amount": fig(10000),
            },
        ],
        "investment": [{"id": "fittings", "description": "Einrichtung", "amount": fig(10000)}],
    }
    data.update(changes)
    return data


def file_data(business_section: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    """A centre file (impact map of sroi_fixtures) with a business section and more partners."""
    data = centre_data(**kw)
    data["stakeholders"] += [
        {"id": "shareholders", "name": "Anteilseigner", "group": "citizen_shareholders"},
        {"id": "city", "name": "Stadt", "group": "municipality"},
        {"id": "bank", "name": "Bürgerbank", "group": "funders"},
    ]
    data["scenarios"] = data.get("scenarios") or {"base": {"description": "base", "overrides": []}}
    data["business"] = business_data() if business_section is None else business_section
    return data


def make_case(data: dict[str, Any], scenario: str | None = None) -> business_centre.BusinessCase:
    return business_centre.from_impact_map(make_map(copy.deepcopy(data)), scenario)


def capital(
    id: str, partner: str, kind: str, amount: dict[str, Any], description: str = "E"
) -> dict[str, Any]:
    """One start-capital entry of a business section (description "E" unless given)."""
    return {
        "id": id,
        "partner": partner,
        "kind": kind,
        "description": description,
        "amount": amount,
    }
