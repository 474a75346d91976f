"""The owner's days: typed in Jalali (1405/09/11, Persian digits too) or Gregorian (2026-12-02),
read as whole local days in the shop's time zone. ``shopctl`` and the dashboard's filters share it."""

from __future__ import annotations

import re
from datetime import date

from persiantools.jdatetime import JalaliDate

from inventory_db import reports
from shoplang.normalize import to_ascii_digits


class BadPeriod(ValueError):
    """A date or period the owner typed that is not one; the message says how to write it."""


DEFAULT_DAYS = 7
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_LAST_JALALI_YEAR = 1700  # a year before it is Jalali (1405), from 1900 on Gregorian (2026)


def parse_date(text: str) -> date:
    """A day typed as 1405/09/11 (Jalali) or 2026-12-02 (Gregorian), in any digits."""
    found = _DATE.fullmatch(to_ascii_digits(text.strip()))
    if found is None:
        raise BadPeriod(f"'{text}' is not a date: write it as 1405/09/11 (Jalali) or 2026-12-02")
    year, month, day = (int(part) for part in found.groups())
    try:
        if year < _LAST_JALALI_YEAR:
            return JalaliDate(year, month, day).to_gregorian()
        return date(year, month, day)
    except ValueError:
        raise BadPeriod(f"'{text}' is not a day of the calendar") from None


def period_of(first: str | None, last: str | None, today: date) -> reports.Period:
    """The period the owner asked for; a missing end is today, a missing start 7 days before the end."""
    last_day = parse_date(last) if last else today
    first_day = parse_date(first) if first else reports.Period.last_days(DEFAULT_DAYS, last_day).first_day
    if last_day < first_day:
        raise BadPeriod(f"the period ends ({last_day}) before it starts ({first_day})")
    return reports.Period(first_day, last_day)
