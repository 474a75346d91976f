"""``shopctl report``: what the assistant did in a period, with the period before to compare.

Dates are the shop's local days (``SHOP_TIMEZONE``, default Asia/Tehran), typed in Jalali
(1405/09/11, Persian digits too) or Gregorian (2026-12-02); by default the last 7 days
ending today. ``--json`` prints the report's contract (``docs/reports.md``); ``--csv FILE`` writes
its tables to one CSV file, ``--xlsx FILE`` to an Excel workbook: a summary sheet beside the
period before, then a sheet per table.
"""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime

from persiantools.jdatetime import JalaliDate

from inventory_db import reports, settings
from inventory_db.database import transaction
from owner import report_text, shapes
from owner.commands.common import CliError, session_factory
from owner.exports import Table, write_csv, write_xlsx
from shoplang.normalize import to_ascii_digits

DEFAULT_DAYS = 7
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_LAST_JALALI_YEAR = 1700  # a year before it is Jalali (1405), from 1900 on Gregorian (2026)


def parse_date(text: str) -> date:
    """A day typed as 1405/09/11 (Jalali) or 2026-12-02 (Gregorian), in any digits."""
    found = _DATE.fullmatch(to_ascii_digits(text.strip()))
    if found is None:
        raise CliError(f"'{text}' is not a date: write it as 1405/09/11 (Jalali) or 2026-12-02")
    year, month, day = (int(part) for part in found.groups())
    try:
        if year < _LAST_JALALI_YEAR:
            return JalaliDate(year, month, day).to_gregorian()
        return date(year, month, day)
    except ValueError:
        raise CliError(f"'{text}' is not a day of the calendar") from None


def period_of(first: str | None, last: str | None, today: date) -> reports.Period:
    """The period the owner asked for; a missing end is today, a missing start 7 days before the end."""
    last_day = parse_date(last) if last else today
    first_day = parse_date(first) if first else reports.Period.last_days(DEFAULT_DAYS, last_day).first_day
    if last_day < first_day:
        raise CliError(f"the period ends ({last_day}) before it starts ({first_day})")
    return reports.Period(first_day, last_day)


def cmd_report(args: argparse.Namespace) -> None:
    zone = settings.shop_timezone()
    period = period_of(args.from_, args.to, datetime.now(zone).date())
    with transaction(session_factory()) as session:
        found = reports.report(session, period, zone)
    if args.csv:
        count = write_csv(args.csv, shapes.REPORT_EXPORT_COLUMNS, shapes.report_table_rows(found.current))
        print(f"exported {count} rows of {len(shapes.REPORT_TABLES)} tables to {args.csv}")
        return
    if args.xlsx:
        sheets: dict[str, Table] = {"summary": (shapes.REPORT_SUMMARY_COLUMNS, shapes.report_summary_rows(found))}
        for table, rows in shapes.report_tables(found.current).items():
            sheets[table] = (shapes.report_table_columns(table), rows)
        count = write_xlsx(args.xlsx, sheets)
        print(f"exported {count} rows in {len(sheets)} sheets to {args.xlsx}")
        return
    print(shapes.to_json(shapes.report_dict(found)) if args.json else report_text.render(found, args.lang))


def add_commands(groups: argparse._SubParsersAction) -> None:
    command = groups.add_parser("report", help="what the assistant did: demand, sales, funnel, sources")
    command.add_argument(
        "--from", dest="from_", metavar="DATE", help="first day, Jalali or Gregorian (default: 6 days before --to)"
    )
    command.add_argument("--to", metavar="DATE", help="last day (default: today in SHOP_TIMEZONE)")
    output = command.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="the report's JSON contract, for scripts")
    output.add_argument(
        "--csv", metavar="FILE", help="the report's tables in one CSV for Excel, named in its 'table' column"
    )
    output.add_argument("--xlsx", metavar="FILE", help="an Excel workbook: a summary sheet, then a sheet per table")
    command.add_argument("--lang", choices=("fa", "en"), default="fa", help="language of the text report (default: fa)")
    command.set_defaults(handler=cmd_report)
