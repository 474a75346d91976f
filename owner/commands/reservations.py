"""``shopctl reservations``: lapsed checkout holds and unpaid orders, recorded as expired (cron)."""

from __future__ import annotations

import argparse

from inventory_db import orders, reservations
from inventory_db.database import transaction
from owner.commands.common import session_factory


def cmd_reservations_sweep(args: argparse.Namespace) -> None:
    with transaction(session_factory()) as session:
        holds = reservations.sweep_expired(session, actor=args.actor)
        expired_orders = orders.expire_overdue(session, actor=args.actor)
    numbers = f" ({', '.join(map(str, expired_orders))})" if expired_orders else ""
    print(f"{holds} lapsed reservations and {len(expired_orders)} unpaid orders{numbers} marked expired")


def add_commands(groups: argparse._SubParsersAction) -> None:
    res = groups.add_parser("reservations", help="checkout holds").add_subparsers(dest="command", required=True)
    sweep = res.add_parser("sweep", help="mark lapsed holds and unpaid orders past their deadline as expired")
    sweep.set_defaults(handler=cmd_reservations_sweep)
