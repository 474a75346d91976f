"""The report figures of days that are over, kept by the running dashboard.

A period that ended before today (the shop's local today) counts events that have all
happened: recorded when they happen, they never land in the past. So its figures are worked
out once and kept, and a page that compares with the period before (Reports, Today's
yesterday) only works out the current one. With months of events this halves a report page.
What a kept period does not see: a product renamed since (its old name stays in the most
asked list) and a rating a customer changed later (it moves to the day it was changed). Kept
per app, in memory, at most ``KEPT`` periods; a restart starts afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.orm import Session

from inventory_db import reports

KEPT = 64


class FiguresCache:
    """Figures of finished periods by (first day, last day, time zone), least recently used out first."""

    def __init__(self, kept: int = KEPT) -> None:
        self._kept = kept
        self._figures: OrderedDict[tuple[date, date, str], reports.Figures] = OrderedDict()
        self._lock = threading.Lock()  # pages read the store in worker threads

    def figures(self, session: Session, period: reports.Period, zone: ZoneInfo, today: date) -> reports.Figures:
        """``reports.figures``, from memory when the period ended before ``today``."""
        if period.last_day >= today:
            return reports.figures(session, period, zone)
        key = (period.first_day, period.last_day, zone.key)
        with self._lock:
            found = self._figures.get(key)
            if found is not None:
                self._figures.move_to_end(key)
                return found
        found = reports.figures(session, period, zone)
        with self._lock:
            self._figures[key] = found
            while len(self._figures) > self._kept:
                self._figures.popitem(last=False)
        return found

    def report(self, session: Session, period: reports.Period, zone: ZoneInfo, today: date) -> reports.Report:
        """``reports.report``: the period and the one before, each from memory when it is over."""
        return reports.Report(
            self.figures(session, period, zone, today), self.figures(session, period.previous(), zone, today)
        )


CACHE_KEY = web.AppKey("report_cache", FiguresCache)
