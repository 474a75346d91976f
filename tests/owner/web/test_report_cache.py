"""Finished periods' figures are worked out once; a period that includes today never comes from memory."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import reports
from inventory_db.database import transaction
from owner.web.report_cache import FiguresCache
from tests.inventory_db import report_history

TEHRAN = ZoneInfo("Asia/Tehran")
WEEK = reports.Period(date(2026, 12, 1), date(2026, 12, 7))


def test_a_finished_period_is_counted_once_and_today_always(
    store: sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    report_history.seed(store)
    counted: list[reports.Period] = []
    real = reports.figures

    def counting(session, period, zone):  # type: ignore[no-untyped-def]
        counted.append(period)
        return real(session, period, zone)

    monkeypatch.setattr(reports, "figures", counting)
    cache = FiguresCache(kept=2)
    with transaction(store) as session:
        first = cache.report(session, WEEK, TEHRAN, today=date(2026, 12, 20))
        again = cache.report(session, WEEK, TEHRAN, today=date(2026, 12, 20))
    assert first == again and counted == [WEEK, WEEK.previous()]
    assert first.current.sales.orders_placed == report_history.THIS_WEEK["sales"]["orders_placed"]

    with transaction(store) as session:  # the week is today's: counted afresh each time, its week before kept
        cache.report(session, WEEK, TEHRAN, today=date(2026, 12, 7))
        cache.report(session, WEEK, TEHRAN, today=date(2026, 12, 7))
    assert counted[2:] == [WEEK, WEEK]

    with transaction(store) as session:  # two periods kept at most: the oldest goes first
        cache.figures(session, reports.Period(date(2026, 10, 1), date(2026, 10, 1)), TEHRAN, date(2026, 12, 20))
        cache.figures(session, WEEK, TEHRAN, date(2026, 12, 20))
    assert counted[4:] == [reports.Period(date(2026, 10, 1), date(2026, 10, 1)), WEEK]
