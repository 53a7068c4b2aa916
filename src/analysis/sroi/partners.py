"""Partner value exchange: who invests what in a centre, and who receives what value.

Built on an evaluated impact map (:func:`analysis.sroi.engine.evaluate`): inputs are what each
stakeholder puts in (money, rent reductions, premises, conversion, PR, volunteer hours;
present value at the map's discount rate), outcomes are what each stakeholder gets back
(present value of its outcomes). The housing company's *own* return (less vacancy,
tenants staying, image — the outcomes whose stakeholder belongs to the group
``housing_company``) is set beside the social return to everyone else.

Numbers only: the Sankey diagram, its static fallback and the sentences on the housing
company are :mod:`analysis.sroi.report`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.sroi.centre import ImpactMap
from analysis.sroi.engine import SroiResult


def value_exchange(result: SroiResult) -> pd.DataFrame:
    """One row per stakeholder: present value invested and received.

    Columns: ``stakeholder_id``, ``stakeholder``, ``group``, ``invested`` (PV of its
    inputs), ``in_kind`` (PV of in-kind inputs), ``received`` (PV of its outcomes),
    ``net`` (received − invested), ``share_invested``, ``share_received``.
    """
    inputs = result.by_input.assign(
        in_kind_pv=lambda d: d["present_value"].where(d["in_kind"], 0.0)
    )
    inv = inputs.groupby(["stakeholder_id", "stakeholder", "group"], sort=False).agg(
        invested=("present_value", "sum"), in_kind=("in_kind_pv", "sum")
    )
    rec = result.by_stakeholder.set_index(["stakeholder_id", "stakeholder", "group"])[
        ["present_value"]
    ]
    rec = rec.rename(columns={"present_value": "received"})
    out = inv.join(rec, how="outer").fillna(0.0).reset_index()
    out["net"] = out["received"] - out["invested"]
    total_inv, total_rec = out["invested"].sum(), out["received"].sum()
    out["share_invested"] = out["invested"] / total_inv if total_inv else 0.0
    out["share_received"] = out["received"] / total_rec if total_rec else 0.0
    return out.sort_values(["invested", "received"], ascending=False, kind="stable").reset_index(
        drop=True
    )


@dataclass(frozen=True)
class HousingCompanyReturn:
    """The housing company's own return beside the social return it co-finances.

    ``social_value_pro_rata`` attributes the value received by *other* stakeholders to
    the housing company in proportion to its share of the total investment: a simple,
    transparent convention for presentation, not an SROI Guide rule.
    """

    invested: float
    own_return: float
    own_ratio: float | None
    social_value_others: float
    investment_share: float
    social_value_pro_rata: float
    own_outcomes: pd.DataFrame = field(repr=False)


def housing_company_return(result: SroiResult, imap: ImpactMap) -> HousingCompanyReturn | None:
    """The housing company's own return and the social return beside it; None without one."""
    hc_ids = {s.id for s in imap.model.stakeholders if s.group == "housing_company"}
    if not hc_ids:
        return None
    invested = float(
        result.by_input.loc[result.by_input["stakeholder_id"].isin(hc_ids), "present_value"].sum()
    )
    own = result.by_outcome[result.by_outcome["stakeholder_id"].isin(hc_ids)]
    own_return = float(own["present_value"].sum())
    others = result.total_present_value - own_return
    share = invested / result.total_investment if result.total_investment else 0.0
    return HousingCompanyReturn(
        invested=invested,
        own_return=own_return,
        own_ratio=own_return / invested if invested else None,
        social_value_others=others,
        investment_share=share,
        social_value_pro_rata=share * others,
        own_outcomes=own[["outcome_id", "outcome", "impact", "present_value"]].reset_index(
            drop=True
        ),
    )
