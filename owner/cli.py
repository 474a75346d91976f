"""``shopctl``: the shop owner's command line over the store's service layer.

Every failure is one clear line on stderr and a non-zero exit; every write runs in
one transaction, so a failed command leaves the store as it was. Colours and sizes
may be typed in Persian, Finglish or English ("مشکی", "meshki", "black"; "لارج", "L").
The commands live in ``owner.commands``, one module per group; this module puts
them together and turns every failure into that one line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError

from inventory_db.errors import CatalogImportError, StoreError
from owner.commands import catalog, db, handoff, messaging, nlu, orders, owner, report, reservations, restock, stock
from owner.commands.common import CliError

EXIT_ERROR = 1
EXIT_USAGE = 2

# In the order `shopctl --help` lists them.
GROUPS = (db, catalog, stock, orders, reservations, restock, handoff, messaging, report, owner, nlu)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line like every other failure."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"shopctl: {message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="shopctl", description="Manage the shop's catalog, stock and orders.")
    parser.add_argument("--actor", default="owner", help="who is making the change, for the history (default: owner)")
    groups = parser.add_subparsers(dest="group", required=True)
    for group in GROUPS:
        group.add_commands(groups)
    groups.metavar = "{" + ",".join(groups.choices) + "}"  # a missing group is named by its choices, not "group"
    return parser


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run one owner command; returns the process exit code.

    Every failure is one line on stderr and exit 1, never a traceback: whatever the
    owner's files, database or arguments hold, the command says what went wrong.
    """
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], None] = args.handler
    try:
        handler(args)
    except CatalogImportError as error:
        message = f"catalog not imported, nothing changed: {_one_line(error)}"
    except (CliError, StoreError, OSError, ValueError) as error:
        message = _one_line(error)
    except SQLAlchemyError as error:
        reason = (str(getattr(error, "orig", None) or error).strip().splitlines() or [type(error).__name__])[0]
        unmigrated = "no such table" in reason or ("relation" in reason and "does not exist" in reason)
        hint = " (is it migrated? shopctl db upgrade)" if unmigrated else ""
        message = f"database error, nothing changed: {reason}{hint}"
    except Exception as error:  # a missing driver, a migration tool's complaint, a bug
        message = f"failed, nothing changed: {type(error).__name__}: {_one_line(error)}"
    else:
        return 0
    print(f"shopctl: {message}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
