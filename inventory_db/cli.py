"""``shopctl``: the shop owner's command line over the store's service layer.

Every failure is one clear line on stderr and a non-zero exit; every write runs in
one transaction, so a failed command leaves the store as it was.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Optional, Sequence

from inventory_db import catalog, catalog_csv, schema
from inventory_db.database import make_engine, make_session_factory, transaction
from inventory_db.errors import CatalogImportError, StoreError

EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A failure to report to the owner in one line."""


def _session_factory():  # type: ignore[no-untyped-def]
    return make_session_factory(make_engine())


def cmd_db_upgrade(args: argparse.Namespace) -> None:
    schema.upgrade(revision=args.revision)
    print(f"database is at migration {args.revision}")


def cmd_catalog_import(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        try:
            rows = catalog_csv.parse_catalog(stream)
        except UnicodeDecodeError:
            raise CliError(f"{path} is not UTF-8 text; save the spreadsheet as CSV UTF-8") from None
    with transaction(_session_factory()) as session:
        summary = catalog_csv.import_catalog(session, rows, replace=args.replace)
    print(
        f"imported {len(rows)} rows: {summary.products_created} products added, {summary.products_updated} updated, "
        f"{summary.products_removed} removed; {summary.variants_created} variants added, "
        f"{summary.variants_updated} updated, {summary.variants_removed} removed"
    )


def cmd_catalog_export(args: argparse.Namespace) -> None:
    with transaction(_session_factory()) as session:
        if args.file == "-":
            catalog_csv.export_catalog(session, sys.stdout)
            return
        with open(args.file, "w", encoding="utf-8", newline="") as stream:
            count = catalog_csv.export_catalog(session, stream)
    print(f"exported {count} rows to {args.file}")


def cmd_stock_show(args: argparse.Namespace) -> None:
    with transaction(_session_factory()) as session:
        product = catalog.get_product(session, args.code)
    if args.json:
        print(json.dumps(asdict(product), ensure_ascii=False, indent=2))
        return
    print(f"{product.code}  {product.name_fa} / {product.name_en}  ({product.category})")
    for v in product.variants:
        print(f"  {v.color:<8} {v.size:<5} {v.price:>12,} toman  {v.available:>4} available")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shopctl", description="Manage the shop's catalog, stock and orders.")
    groups = parser.add_subparsers(dest="group", required=True, metavar="{db,catalog,stock}")

    db = groups.add_parser("db", help="database schema").add_subparsers(dest="command", required=True)
    up = db.add_parser("upgrade", help="apply migrations")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(handler=cmd_db_upgrade)

    cat = groups.add_parser("catalog", help="import or export the catalog CSV").add_subparsers(dest="command", required=True)
    imp = cat.add_parser("import", help="import a catalog CSV (all rows or none)")
    imp.add_argument("file")
    imp.add_argument("--replace", action="store_true", help="remove products and variants not in the file")
    imp.set_defaults(handler=cmd_catalog_import)
    exp = cat.add_parser("export", help="export the catalog as CSV")
    exp.add_argument("file", nargs="?", default="-")
    exp.set_defaults(handler=cmd_catalog_export)

    stock = groups.add_parser("stock", help="stock levels").add_subparsers(dest="command", required=True)
    show = stock.add_parser("show", help="a product's variants, prices and stock")
    show.add_argument("code")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_stock_show)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one owner command; returns the process exit code."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], None] = args.handler
    try:
        handler(args)
    except CatalogImportError as error:
        print(f"shopctl: catalog not imported, nothing changed: {error}", file=sys.stderr)
        return EXIT_ERROR
    except (CliError, StoreError, OSError) as error:
        print(f"shopctl: {error}", file=sys.stderr)
        return EXIT_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
