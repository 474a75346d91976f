"""``shopctl db``: the database schema."""

from __future__ import annotations

import argparse


def cmd_db_upgrade(args: argparse.Namespace) -> None:
    from inventory_db import schema  # Alembic is a tenth of a second to import; only this command needs it

    schema.upgrade(revision=args.revision)
    print(f"database is at migration {args.revision}")


def add_commands(groups: argparse._SubParsersAction) -> None:
    db = groups.add_parser("db", help="database schema").add_subparsers(dest="command", required=True)
    up = db.add_parser("upgrade", help="apply migrations")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(handler=cmd_db_upgrade)
