"""``shopctl owner``: the owner's dashboard login and the audit log of what the owner did there."""

from __future__ import annotations

import argparse
import getpass
import sys

from inventory_db import owner_accounts
from inventory_db.database import transaction
from owner import shapes
from owner.commands.common import CliError, session_factory, whole

PASSWORD_SET = "password.set"  # the audit log's name for a password set from the command line


def _new_password() -> str:
    """The first line of stdin when it is not a terminal (a script, a pipe), else typed twice unseen."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("New dashboard password: ")
    if getpass.getpass("The same again: ") != password:
        raise CliError("the two passwords differ; nothing changed")
    return password


def cmd_owner_set_password(args: argparse.Namespace) -> None:
    password = _new_password()
    with transaction(session_factory()) as session:
        owner_accounts.set_password(session, password, username=args.username)
        owner_accounts.record_action(session, PASSWORD_SET, args.username, actor=args.actor)
    print(f"password set for {args.username}; every dashboard login of {args.username} is signed out")


def cmd_owner_actions(args: argparse.Namespace) -> None:
    limit = whole(args.limit, "limit")
    if limit < 1:
        raise CliError("--limit must be 1 or more")
    with transaction(session_factory()) as session:
        found = owner_accounts.recent_actions(session, limit)
    if args.json:
        print(shapes.to_json([shapes.owner_action_dict(a) for a in found]))
        return
    if not found:
        print("no owner actions recorded yet")
    for a in found:
        detail = f"  {a.detail}" if a.detail else ""
        print(f"{a.at:%Y-%m-%d %H:%M} UTC  {a.actor}  {a.action}  {a.target}{detail}")


def add_commands(groups: argparse._SubParsersAction) -> None:
    own = groups.add_parser("owner", help="the dashboard's password and the log of what was done there")
    commands = own.add_subparsers(dest="command", required=True)
    password = commands.add_parser(
        "set-password",
        help="set the dashboard password (typed twice; read from stdin when piped) and sign out every login",
    )
    password.add_argument("--username", default=owner_accounts.DEFAULT_USERNAME, help="default: owner")
    password.set_defaults(handler=cmd_owner_set_password)
    actions = commands.add_parser("actions", help="what the owner did from the dashboard, newest first")
    actions.add_argument(
        "--limit", default=str(owner_accounts.DEFAULT_RECENT_ACTIONS), help="how many (default: %(default)s)"
    )
    actions.add_argument("--json", action="store_true")
    actions.set_defaults(handler=cmd_owner_actions)
