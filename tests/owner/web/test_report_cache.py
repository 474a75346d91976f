"""Finished days are counted once; today always afresh; and the figures are the report's own."""

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


@pytest.fixture
def counted(store: sessionmaker, monkeypatch: pytest.MonkeyPatch) -> list[reports.Period]:
    """The seeded fortnight; the periods whose parts were counted from the store, in order."""
    report_history.seed(store)
    seen: list[reports.Period] = []
    real = reports.parts

    def counting(session, period, zone):  # type: ignore[no-untyped-def]
        seen.append(period)
        return real(session, period, zone)

    monkeypatch.setattr(reports, "parts", counting)
    return seen


def test_a_finished_period_is_counted_once(store: sessionmaker, counted: list[reports.Period]) -> None:
    cache = FiguresCache()
    with transaction(store) as session:
        first = cache.report(session, WEEK, TEHRAN, today=date(2026, 12, 20))
        again = cache.report(session, WEEK, TEHRAN, today=date(2026, 12, 20))
        fresh = reports.report(session, WEEK, TEHRAN)
    assert first == again == fresh
    assert counted[:2] == [WEEK, WEEK.previous()] and counted[2:] == [WEEK, WEEK.previous()]  # the last two: fresh


def test_a_period_into_today_counts_only_today_again(store: sessionmaker, counted: list[reports.Period]) -> None:
    cache = FiguresCache()
    today = date(2026, 12, 4)
    with transaction(store) as session:
        first = cache.figures(session, WEEK, TEHRAN, today)
        again = cache.figures(session, WEEK, TEHRAN, today)
        fresh = reports.figures(session, WEEK, TEHRAN)
    done, rest = reports.Period(WEEK.first_day, date(2026, 12, 3)), reports.Period(today, WEEK.last_day)
    assert first == again == fresh
    assert counted == [done, rest, rest, WEEK]


def test_the_least_recently_used_period_goes_first(store: sessionmaker, counted: list[reports.Period]) -> None:
    cache = FiguresCache(kept=1)
    october = reports.Period(date(2026, 10, 1), date(2026, 10, 1))
    with transaction(store) as session:
        for period in (WEEK, october, WEEK):
            cache.figures(session, period, TEHRAN, date(2026, 12, 20))
    assert counted == [WEEK, october, WEEK]
