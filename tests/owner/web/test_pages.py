"""Today and Reports over the seeded fortnight (tests/inventory_db/report_history.py), on SQLite
and PostgreSQL: the numbers the owner sees are the report's, in Persian digits and toman."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timezone

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.orm import sessionmaker

from owner.web.pages import today as today_page
from tests.inventory_db import report_history
from tests.owner.web.conftest import dashboard, log_in


@pytest.fixture
async def seeded(store: sessionmaker, store_url: str) -> AsyncIterator[TestClient]:
    report_history.seed(store)
    async with dashboard(store_url, store) as client:
        assert await log_in(client) == 303
        yield client


def values(html: str, css_class: str) -> list[tuple[str, int]]:
    """(label, value) of each bar or column of the chart with that class."""
    chart = re.search(rf'<svg class="chart {css_class}".*?</svg>', html, re.S)
    assert chart, f"no {css_class} chart"
    return [
        (label, int(value)) for label, value in re.findall(r'data-label="([^"]*)" data-value="(\d+)"', chart.group())
    ]


async def test_reports_draw_the_weeks_funnel_and_days_with_the_week_before_beside(seeded: TestClient) -> None:
    first, last = report_history.WEEK_JALALI
    response = await seeded.get(f"/reports?from={first}&to={last}")
    html = await response.text()
    assert response.status == 200
    funnel = values(html, "funnel")
    assert [n for _, n in funnel] == [step["conversations"] for step in report_history.THIS_WEEK["funnel"]]
    assert funnel[0][0] == "پرسش از محصول"
    placed = values(html, "daily-orders")
    assert len(placed) == 7 and sum(n for _, n in placed) == report_history.THIS_WEEK["sales"]["orders_placed"]
    revenue = values(html, "daily-revenue")
    assert sum(n for _, n in revenue) == report_history.THIS_WEEK["sales"]["revenue_placed"]
    assert placed[0][0] == "۰۹/۱۰"  # 1 Dec 2026 is 10 Azar 1405
    assert "۱٬۹۳۰٬۰۰۰ تومان" in html  # revenue placed this week, 1,250,000 + 680,000
    assert "yalda" in html and "مانتو کتان" in html
    assert "<desc>" in html and 'role="img"' in html


async def test_reports_refuse_a_period_that_is_not_one(seeded: TestClient) -> None:
    response = await seeded.get("/reports?from=1405/09/16&to=1405/09/10")
    assert response.status == 400 and "before it starts" in await response.text()


async def test_today_lists_what_needs_the_owner_and_todays_figures_against_yesterdays(
    seeded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2 Dec 2026 at 15:30 in Tehran: Sara ordered this morning; yesterday Ali ordered, and Ali
    # and ig-old (from the week before) paid.
    monkeypatch.setattr(today_page, "utcnow", lambda: datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc))
    html = await (await seeded.get("/")).text()
    figure = dict(re.findall(r'data-figure="(\w+)" data-value="(\d+)"', html))
    assert figure == {
        "orders_placed": "1", "revenue_placed": "680000", "orders_paid": "0", "revenue_paid": "0", "conversations": "1"
    }  # fmt: skip
    assert "دیروز: ۲" in html  # orders paid yesterday
    assert "۱۴۰۵/۰۹/۱۱" in html  # today, in Jalali
    awaiting = html[html.index('id="awaiting-payment"') : html.index('id="to-ship"')]
    assert "Sara Ahmadi" in awaiting and "۶۸۰٬۰۰۰ تومان" in awaiting and "رسیدی نفرستاده" in awaiting
    to_ship = html[html.index('id="to-ship"') : html.index('id="waiting"')]
    assert "علی رضایی" in to_ship and to_ship.count("data-order=") == 2
    waiting = html[html.index('id="waiting"') : html.index('id="low-stock"')]
    assert "ig-mina" in waiting and "ig-reza" not in waiting  # reza was released
    assert [n for _, n in values(html, "funnel")][:2] == [1, 1]  # Sara asked and checked out today
