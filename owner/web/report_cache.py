"""The report figures of days that are over, kept by the running dashboard.

Days that ended before today (the shop's local today) count events that have all happened:
recorded when they happen, they never land in the past. So the figures of such days are
worked out once, in parts that join (``reports.Parts``), and kept; a period that runs into
today takes its finished days from memory and counts only today's events, and the period
before comes from memory whole. With months of events this is what keeps a 30-day report
fast. What kept days do not see: a product renamed since (its old name stays in the most
asked list) and a rating a customer changed later (it moves to the day it was changed). Kept
per app, in memory, at most ``KEPT`` periods; a restart starts afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.orm import Session

from inventory_db import reports

KEPT = 64


class FiguresCache:
    """Parts of finished periods by (first day, last day, time zone), least recently used out first."""

    def __init__(self, kept: int = KEPT) -> None:
        self._kept = kept
        self._parts: OrderedDict[tuple[date, date, str], reports.Parts] = OrderedDict()
        self._lock = threading.Lock()  # pages read the store in worker threads

    def _finished(self, session: Session, period: reports.Period, zone: ZoneInfo) -> reports.Parts:
        key = (period.first_day, period.last_day, zone.key)
        with self._lock:
            found = self._parts.get(key)
            if found is not None:
                self._parts.move_to_end(key)
                return found
        found = reports.parts(session, period, zone)
        with self._lock:
            self._parts[key] = found
            while len(self._parts) > self._kept:
                self._parts.popitem(last=False)
        return found

    def figures(self, session: Session, period: reports.Period, zone: ZoneInfo, today: date) -> reports.Figures:
        """``reports.figures``: the days before ``today`` from memory, today and later counted now."""
        if period.first_day >= today:
            return reports.figures(session, period, zone)
        if period.last_day < today:
            return reports.finish(period, zone, self._finished(session, period, zone))
        done = self._finished(session, reports.Period(period.first_day, today - timedelta(days=1)), zone)
        rest = reports.parts(session, reports.Period(today, period.last_day), zone)
        return reports.finish(period, zone, reports.join(done, rest))

    def report(self, session: Session, period: reports.Period, zone: ZoneInfo, today: date) -> reports.Report:
        """``reports.report``: the period and the one before, from memory for the days that are over."""
        return reports.Report(
            self.figures(session, period, zone, today), self.figures(session, period.previous(), zone, today)
        )


CACHE_KEY = web.AppKey("report_cache", FiguresCache)
