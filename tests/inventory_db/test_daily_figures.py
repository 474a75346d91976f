"""``reports.daily``: orders placed and paid per shop day, with the days cut at the shop's
midnight (Tehran's, 20:30 UTC), every day of the period present, and the same counts as the
period's figures; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import events, reports
from tests.inventory_db import report_history
from tests.inventory_db.helpers import run

TEHRAN = ZoneInfo("Asia/Tehran")
UTC = ZoneInfo("UTC")


def utc(day: int, hour: int, minute: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=timezone.utc)


def placed(store: sessionmaker, when: datetime, number: int, amount: int) -> None:
    run(store, events.record, events.ORDER_PLACED, f"ig-{number}", now=when, order_number=number, amount=amount,
        quantity=1)  # fmt: skip


def paid(store: sessionmaker, when: datetime, number: int, amount: int) -> None:
    run(store, events.record, events.ORDER_PAID, f"ig-{number}", now=when, order_number=number, amount=amount,
        external=True)  # fmt: skip


def rows(found: list[reports.DayFigures]) -> list[tuple]:
    return [(d.day, d.orders_placed, d.revenue_placed, d.orders_paid, d.revenue_paid) for d in found]


def test_a_shop_day_ends_at_tehran_midnight(store: sessionmaker) -> None:
    """20:29 UTC on 1 Dec is 23:59 in Tehran; 20:30 UTC is midnight, the start of 2 Dec."""
    placed(store, utc(30, 20, 29, month=11), 1000, 1)  # 30 Nov in Tehran: before the period
    placed(store, utc(1, 20, 29), 1001, 100)
    placed(store, utc(1, 20, 30), 1002, 200)
    paid(store, utc(1, 20, 30), 1001, 100)
    placed(store, utc(3, 20, 29), 1003, 300)
    placed(store, utc(3, 20, 30), 1004, 5)  # 4 Dec in Tehran: after the period
    found = run(store, reports.daily, reports.Period(date(2026, 12, 1), date(2026, 12, 3)), TEHRAN)
    assert rows(found) == [
        (date(2026, 12, 1), 1, 100, 0, 0),
        (date(2026, 12, 2), 1, 200, 1, 100),
        (date(2026, 12, 3), 1, 300, 0, 0),
    ]
    in_utc = run(store, reports.daily, reports.Period(date(2026, 12, 1), date(2026, 12, 3)), UTC)
    assert rows(in_utc) == [
        (date(2026, 12, 1), 2, 300, 1, 100),
        (date(2026, 12, 2), 0, 0, 0, 0),
        (date(2026, 12, 3), 2, 305, 0, 0),
    ]


def test_days_with_nothing_are_zeros_in_order(store: sessionmaker) -> None:
    placed(store, utc(5, 8, 0), 1001, 700)
    run(store, events.record, events.ORDER_CANCELLED, "ig-1001", now=utc(6, 8, 0), order_number=1001, amount=700)
    run(store, events.record, events.HOLD_PLACED, "ig-9", now=utc(6, 8, 0), product_code="B-21", quantity=1, amount=9)
    found = run(store, reports.daily, reports.Period(date(2026, 12, 1), date(2026, 12, 7)), TEHRAN)
    assert [d.day for d in found] == [date(2026, 12, 1) + timedelta(days=n) for n in range(7)]
    assert rows(found)[4] == (date(2026, 12, 5), 1, 700, 0, 0)
    assert all(row[1:] == (0, 0, 0, 0) for n, row in enumerate(rows(found)) if n != 4)  # a cancellation is no sale
    one_day = run(store, reports.daily, reports.Period(date(2025, 1, 1), date(2025, 1, 1)), TEHRAN)
    assert rows(one_day) == [(date(2025, 1, 1), 0, 0, 0, 0)]


def test_the_days_add_up_to_the_periods_sales(store: sessionmaker) -> None:
    report_history.seed(store)
    fortnight = reports.Period(date(2026, 11, 24), date(2026, 12, 7))
    found = run(store, reports.daily, fortnight, TEHRAN)
    assert len(found) == fortnight.days == 14
    assert len({d.day for d in found if d.orders_placed or d.orders_paid}) >= 3  # spread over several days
    for day in found:
        sales = run(store, reports.figures, reports.Period(day.day, day.day), TEHRAN).sales
        assert (day.orders_placed, day.revenue_placed, day.orders_paid, day.revenue_paid) == (
            sales.orders_placed, sales.revenue_placed, sales.orders_paid, sales.revenue_paid,
        ), day.day  # fmt: skip
    week = run(store, reports.figures, reports.Period(date(2026, 12, 1), date(2026, 12, 7)), TEHRAN).sales
    this_week = found[7:]
    assert sum(d.orders_placed for d in this_week) == week.orders_placed == 2
    assert sum(d.revenue_paid for d in this_week) == week.revenue_paid > 0


def test_a_day_made_short_by_a_clock_change_is_still_one_day(store: sessionmaker) -> None:
    """Berlin moves to summer time on 29 Mar 2026: that day is 23 hours, [28 Mar 23:00, 29 Mar 22:00) UTC."""
    berlin = ZoneInfo("Europe/Berlin")
    placed(store, datetime(2026, 3, 29, 21, 59, tzinfo=timezone.utc), 1001, 1)  # 23:59 summer time, 29 Mar
    placed(store, datetime(2026, 3, 29, 22, 0, tzinfo=timezone.utc), 1002, 2)  # midnight, 30 Mar
    found = run(store, reports.daily, reports.Period(date(2026, 3, 29), date(2026, 3, 30)), berlin)
    assert rows(found) == [(date(2026, 3, 29), 1, 1, 0, 0), (date(2026, 3, 30), 1, 2, 0, 0)]


def test_a_long_period_is_read_in_pieces_with_the_same_result(
    store: sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n, day in enumerate(range(1, 8)):
        placed(store, utc(day, 12, 0), 1001 + n, 10 * day)
        if day % 2:
            paid(store, utc(day, 13, 0), 1001 + n, 10 * day)
    period = reports.Period(date(2026, 12, 1), date(2026, 12, 7))
    whole = run(store, reports.daily, period, TEHRAN)
    monkeypatch.setattr(reports, "DAYS_PER_QUERY", 3)
    pieces = run(store, reports.daily, period, TEHRAN)
    assert pieces == whole
    assert rows(whole) == [(date(2026, 12, d), 1, 10 * d, d % 2, 10 * d * (d % 2)) for d in range(1, 8)]
