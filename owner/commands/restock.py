"""``shopctl restock``: customers waiting for a sold-out item, and which of them to tell now."""

from __future__ import annotations

import argparse

from inventory_db import restock
from inventory_db.database import transaction
from owner import shapes
from owner.commands.common import session_factory


def cmd_restock_list(args: argparse.Namespace) -> None:
    with transaction(session_factory()) as session:
        found = restock.pending(session, ready_only=args.ready)
    if args.json:
        print(shapes.to_json([shapes.restock_dict(r) for r in found]))
        return
    if not found:
        print("no customers waiting" + (" for items back in stock" if args.ready else ""))
    for r in found:
        state = f"back: {r.available} available" if r.available > 0 else "still sold out"
        print(
            f"#{r.id}  {r.customer_id}  {r.code} {r.color} {r.size}  asked {r.created_at:%Y-%m-%d %H:%M} UTC  {state}"
        )


def cmd_restock_notified(args: argparse.Namespace) -> None:
    with transaction(session_factory()) as session:
        done = restock.mark_notified(session, args.id)
    print(f"restock request #{done.id} ({done.customer_id}, {done.code} {done.color} {done.size}) marked notified")


def add_commands(groups: argparse._SubParsersAction) -> None:
    back = groups.add_parser("restock", help="customers waiting for sold-out items").add_subparsers(
        dest="command", required=True
    )
    waiting = back.add_parser("list", help="open requests, oldest first")
    waiting.add_argument("--ready", action="store_true", help="only those whose item is available again")
    waiting.add_argument("--json", action="store_true")
    waiting.set_defaults(handler=cmd_restock_list)
    told = back.add_parser("notified", help="mark a request done once the customer has been told")
    told.add_argument("id", type=int)
    told.set_defaults(handler=cmd_restock_notified)
