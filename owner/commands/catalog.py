"""``shopctl catalog``: the catalog CSV in and out (all rows or none)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inventory_db import catalog_csv
from inventory_db.database import transaction
from owner.commands.common import CliError, session_factory


def cmd_catalog_import(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        try:
            rows = catalog_csv.parse_catalog(stream)
        except UnicodeDecodeError:
            raise CliError(f"{path} is not UTF-8 text; save the spreadsheet as CSV UTF-8") from None
    with transaction(session_factory()) as session:
        summary = catalog_csv.import_catalog(session, rows, replace=args.replace, actor=args.actor)
    kept = ""
    if summary.products_deactivated or summary.variants_deactivated:
        kept = (
            f"; {summary.products_deactivated} products and {summary.variants_deactivated} variants taken off sale "
            "but kept for their orders"
        )
    print(
        f"imported {len(rows)} rows: {summary.products_created} products added, {summary.products_updated} updated, "
        f"{summary.products_removed} removed; {summary.variants_created} variants added, "
        f"{summary.variants_updated} updated, {summary.variants_removed} removed{kept}"
    )


def cmd_catalog_export(args: argparse.Namespace) -> None:
    with transaction(session_factory()) as session:
        if args.file == "-":
            catalog_csv.export_catalog(session, sys.stdout)
            return
        with open(args.file, "w", encoding="utf-8", newline="") as stream:
            count = catalog_csv.export_catalog(session, stream)
    print(f"exported {count} rows to {args.file}")


def add_commands(groups: argparse._SubParsersAction) -> None:
    cat = groups.add_parser("catalog", help="import or export the catalog CSV").add_subparsers(
        dest="command", required=True
    )
    imp = cat.add_parser("import", help="import a catalog CSV (all rows or none)")
    imp.add_argument("file")
    imp.add_argument(
        "--replace",
        action="store_true",
        help="remove products and variants not in the file (those with orders are taken off sale instead)",
    )
    imp.set_defaults(handler=cmd_catalog_import)
    exp = cat.add_parser("export", help="export the catalog on sale as CSV")
    exp.add_argument("file", nargs="?", default="-")
    exp.set_defaults(handler=cmd_catalog_export)
