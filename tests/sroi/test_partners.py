"""Tests of analysis.sroi.partners: the value exchange and the housing company's return."""

from __future__ import annotations

import pytest

from analysis.sroi import engine as sroi
from analysis.sroi import partners
from tests.sroi.fixtures import centre_data, exchange_data, make_map


def _example():
    imap = make_map(exchange_data())
    return imap, sroi.evaluate(imap)


def test_value_exchange_by_hand() -> None:
    _, r = _example()
    ex = partners.value_exchange(r).set_index("stakeholder_id")
    assert ex.loc["hc", "invested"] == pytest.approx(600)
    assert ex.loc["hc", "received"] == pytest.approx(500)
    assert ex.loc["hc", "net"] == pytest.approx(-100)
    assert ex.loc["org", "in_kind"] == pytest.approx(400)
    assert ex.loc["res", "invested"] == 0 and ex.loc["res", "received"] == pytest.approx(1000)
    assert ex["invested"].sum() == pytest.approx(r.total_investment)
    assert ex["received"].sum() == pytest.approx(r.total_present_value)
    assert ex["share_invested"].sum() == pytest.approx(1.0)


def test_housing_company_return_by_hand() -> None:
    imap, r = _example()
    h = partners.housing_company_return(r, imap)
    assert h is not None
    assert h.invested == pytest.approx(600) and h.own_return == pytest.approx(500)
    assert h.own_ratio == pytest.approx(500 / 600)
    assert h.social_value_others == pytest.approx(1000)
    assert h.investment_share == pytest.approx(0.6)
    assert h.social_value_pro_rata == pytest.approx(600)
    assert list(h.own_outcomes["outcome_id"]) == ["vacancy"]


def test_no_housing_company_gives_none() -> None:
    data = centre_data()
    data["stakeholders"] = [s for s in data["stakeholders"] if s["id"] != "hc"]
    imap = make_map(data)
    assert partners.housing_company_return(sroi.evaluate(imap), imap) is None
