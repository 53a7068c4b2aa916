"""Small business cases for the business and blended-return tests (built in code)."""

from __future__ import annotations

import copy
from typing import Any

from analysis.business import centre as business_centre
from tests.sroi.fixtures import centre_data, fig, input_row, make_map, outcome


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


def partnership_data() -> dict[str, Any]:
    """Every kind of partner flow over three years at 10 %.

    Housing company: landlord (area 10 m², market rent 10 €, reduction 4 €, vacancy without
    the centre 50 %) and conversion in kind 3,000. Shareholders: 20 × 250 € at 2 %.
    City: grant 1,000 and a subsidy of 500 a year. Bank (a partner): loan 6,000 at 10 %,
    three years, one year interest only. Operator: own funds 10,000.
    """
    section = business_data(
        premises={
            "area": fig(10),
            "market_rent": fig(10),
            "rent_reduction": fig(4),
            "landlord": "hc",
            "vacancy_without_centre": fig(0.5),
        },
        start_capital=[
            capital("own", "org", "own_funds", fig(10000)),
            capital("conv", "hc", "in_kind", fig(3000), "Umbau"),
            {
                "id": "shares",
                "partner": "shareholders",
                "kind": "shares",
                "description": "A",
                "shares": fig(20),
                "share_price": fig(250),
                "dividend_rate": fig(0.02),
            },
            capital("grant", "city", "grant", fig(1000), "Z"),
        ],
        subsidies=[{"id": "sub", "partner": "city", "description": "S", "amount": fig(500)}],
        loan={
            "amount": fig(6000),
            "interest_rate": fig(0.1),
            "term_years": 3,
            "grace_years": 1,
            "lender": "bank",
        },
    )
    return file_data(
        section,
        outcomes=[
            outcome("shop", "res", quantity=10, proxy=100, duration=3),  # 1,000 a year
            outcome("flats", "hc", quantity=1, proxy=500, duration=3),  # 500 a year
        ],
        inputs=[input_row("rent", "hc", value=600), input_row("hours", "org", value=400)],
        period=3,
    )
