"""``shopctl handoff``: customers who asked for a person, and handing them back to the assistant
(``owner.handback``, as the dashboard's release button does)."""

from __future__ import annotations

import argparse

from inventory_db import handoffs, settings
from inventory_db.database import transaction
from owner import shapes
from owner.commands.common import CliError, session_factory
from owner.handback import hand_back, split_duration


def duration(seconds: int) -> str:
    """ "2 h 15 min", "1 d 3 h", "40 min", "<1 min"."""
    days, hours, minutes = split_duration(seconds)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else "<1 min"


def cmd_handoff_list(args: argparse.Namespace) -> None:
    """Longest-waiting first, with how long each has waited and when they last wrote."""
    with transaction(session_factory()) as session:
        found = handoffs.waiting_customers(session)
    if args.json:
        print(shapes.to_json([shapes.handoff_dict(h) for h in found]))
        return
    if not found:
        print("no customers waiting for you")
    for h in found:
        wrote = "" if h.last_message_seconds is None else f", last wrote {duration(h.last_message_seconds)} ago"
        since = f"since {h.requested_at:%Y-%m-%d %H:%M} UTC"
        print(f"{h.customer_id}  waiting {duration(h.waiting_seconds)} ({since}{wrote})  {h.message or ''}".rstrip())


def cmd_handoff_release(args: argparse.Namespace) -> None:
    from owner.rasa_api import RasaUnreachable

    try:
        hand_back(session_factory(), args.customer, actor=args.actor, rasa_url=args.rasa_url)
    except RasaUnreachable as error:
        raise CliError(f"{error}; {args.customer} is still handed over") from error
    print(f"{args.customer} is back with the assistant")


def add_commands(groups: argparse._SubParsersAction) -> None:
    hand = groups.add_parser("handoff", help="customers who asked for a person").add_subparsers(
        dest="command", required=True
    )
    wait_list = hand.add_parser("list", help="customers the assistant has stopped answering, longest-waiting first")
    wait_list.add_argument("--json", action="store_true")
    wait_list.set_defaults(handler=cmd_handoff_list)
    free = hand.add_parser("release", help="let the assistant answer this customer again")
    free.add_argument("customer", help="the customer's id, as `handoff list` shows it")
    free.add_argument("--rasa-url", help=f"the Rasa server (default: $RASA_URL or {settings.DEFAULT_RASA_URL})")
    free.set_defaults(handler=cmd_handoff_release)
