"""Tests of analysis.sroi.partners: value exchange table, Sankey flows, housing company's return."""

from __future__ import annotations

import re

import matplotlib
import pytest

from analysis.sroi import engine as sroi
from analysis.sroi import partners
from tests.sroi.fixtures import centre_data, input_row, make_map, outcome

matplotlib.use("Agg")


def _example():
    data = centre_data(
        outcomes=[
            outcome("shop", "res", quantity=10, proxy=100, duration=1),  # 1,000
            outcome("vacancy", "hc", quantity=2, proxy=250, duration=1),  # 500
        ],
        inputs=[
            input_row("rent", "hc", value=600),
            {**input_row("hours", "org", value=400), "in_kind": True},
        ],
    )
    imap = make_map(data)
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


def test_flows_balance_through_the_centre() -> None:
    _, r = _example()
    f = partners.flows(r, "en")
    into = f.loc[f["target"] == "Centre", "value"].sum()
    out = f.loc[f["source"] == "Centre", "value"].sum()
    assert into == pytest.approx(r.total_investment) and out == pytest.approx(r.total_present_value)
    assert "Wohnungsgesellschaft (input)" in set(f["source"])
    assert "Wohnungsgesellschaft (value)" in set(f["target"])


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
    assert len(h.table("de")) == 4 and h.table("en").columns[0] == "Item"


def test_no_housing_company_gives_none() -> None:
    data = centre_data()
    data["stakeholders"] = [s for s in data["stakeholders"] if s["id"] != "hc"]
    imap = make_map(data)
    assert partners.housing_company_return(sroi.evaluate(imap), imap) is None


def test_sankey_html_embeds_plotly_offline() -> None:
    _, r = _example()
    fig = partners.sankey_figure(r, "de")
    sank = fig.data[0]
    assert sum(sank.link.value) == pytest.approx(r.total_investment + r.total_present_value)
    html = partners.sankey_html(fig)
    assert "Plotly" in html and len(html) > 1_000_000  # plotly.js inlined
    assert not re.findall(r"<script[^>]*\bsrc=", html)  # no external script (CDN)


def test_static_fallback_figure() -> None:
    _, r = _example()
    fig = partners.flows_figure(r, "de")
    ax = fig.axes[0]
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths[0] == pytest.approx(-600) and widths[-1] == pytest.approx(1000)
    matplotlib.pyplot.close(fig)
