"""The simulator's closing check, on the seeded history: the installed ``shopctl report --json``
and ``shopctl orders list --json`` agree, and a list that lost an order or moved one to another
source is caught."""

from __future__ import annotations

import copy
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import reports
from tests.conversations import report_agreement
from tests.inventory_db import report_history

TEHRAN = ZoneInfo("Asia/Tehran")
WEEK = reports.Period(*(date.fromisoformat(day) for day in report_history.WEEK))


@pytest.fixture
def seeded(store: sessionmaker, store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("SHOP_TIMEZONE", raising=False)
    report_history.seed(store)
    return store_url


def test_the_report_agrees_with_the_order_list_through_the_installed_shopctl(seeded: str) -> None:
    found = report_agreement.check(seeded, WEEK, TEHRAN)
    assert found["problems"] == [] and found["agrees"]
    assert found["orders_listed"] == 3  # ig-old's order was placed the week before
    assert found["sales"]["orders_placed"] == report_history.THIS_WEEK["sales"]["orders_placed"] == 2


def test_a_lost_order_a_moved_source_and_a_missing_key_are_disagreements(seeded: str) -> None:
    report = report_agreement.shopctl_json(seeded, "report", "--from", "2026-12-01", "--to", "2026-12-07")
    order_list = report_agreement.shopctl_json(seeded, "orders", "list")
    bounds = WEEK.utc_bounds(TEHRAN)
    assert report_agreement.disagreements(report, order_list, bounds) == []

    ali = next(o for o in order_list if o["customer_id"] == "ig-ali")
    without_ali = [o for o in order_list if o is not ali]
    problems = report_agreement.disagreements(report, without_ali, bounds)
    assert any(p.startswith("sales.orders_placed 2 but 1") for p in problems)
    assert any(p.startswith("funnel order_placed 3 but 2") for p in problems)  # ig-old paid this week: counted

    moved = copy.deepcopy(order_list)
    next(o for o in moved if o["customer_id"] == "ig-ali")["source"] = "story"
    problems = report_agreement.disagreements(report, moved, bounds)
    assert [p.split(" {")[0] for p in problems] == ["by_source orders", "by_source revenue"]

    assert report_agreement.disagreements({k: v for k, v in report.items() if k != "funnel"}, order_list, bounds) == [
        "report has no 'funnel'"
    ]
