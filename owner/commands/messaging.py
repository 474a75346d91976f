"""``shopctl messages``: customers who said stop («دیگه پیام نده», "stop") and get no automated
follow-ups, and letting one hear from the shop again when they ask the owner to."""

from __future__ import annotations

import argparse

from inventory_db import messaging_optouts
from inventory_db.database import transaction
from owner import shapes
from owner.commands.common import CliError, session_factory


def cmd_messages_stopped(args: argparse.Namespace) -> None:
    """Latest first, with what each customer wrote."""
    with transaction(session_factory()) as session:
        found = messaging_optouts.listed(session)
    if args.json:
        rows = [{"customer_id": o.customer_id, "at": o.at.isoformat(), "text": o.text} for o in found]
        print(shapes.to_json(rows))
        return
    if not found:
        print("no customer has asked to stop automated messages")
    for o in found:
        print(f"{o.customer_id}  since {o.at:%Y-%m-%d %H:%M} UTC  {o.text or ''}".rstrip())


def cmd_messages_resume(args: argparse.Namespace) -> None:
    with transaction(session_factory()) as session:
        if not messaging_optouts.opt_in(session, args.customer):
            raise CliError(f"{args.customer} had not asked to stop automated messages")
    print(f"{args.customer} gets automated follow-ups again")


def add_commands(groups: argparse._SubParsersAction) -> None:
    messages = groups.add_parser("messages", help="customers who asked for no automated messages").add_subparsers(
        dest="command", required=True
    )
    stopped = messages.add_parser("stopped", help="customers who said stop, latest first")
    stopped.add_argument("--json", action="store_true")
    stopped.set_defaults(handler=cmd_messages_stopped)
    resume = messages.add_parser("resume", help="send this customer automated follow-ups again (they asked you to)")
    resume.add_argument("customer", help="the customer's id, as `messages stopped` shows it")
    resume.set_defaults(handler=cmd_messages_resume)
