"""``shopctl report``: what the assistant did in a period, with the period before to compare.

Dates are the shop's local days (``SHOP_TIMEZONE``, default Asia/Tehran), typed in Jalali
or Gregorian (``owner.periods``); by default the last 7 days ending today. ``--json`` prints the report's contract (``docs/reports.md``); ``--csv FILE`` writes
its tables to one CSV file, ``--xlsx FILE`` to an Excel workbook: a summary sheet beside the
period before, then a sheet per table.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from inventory_db import reports, settings
from inventory_db.database import transaction
from owner import report_text, shapes
from owner.commands.common import session_factory
from owner.exports import Table, write_csv, write_xlsx
from owner.periods import period_of


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
