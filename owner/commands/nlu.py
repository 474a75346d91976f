"""``shopctl nlu``: the trainers' workflow (docs/trainers.md)."""

from __future__ import annotations

import argparse


def cmd_nlu_inbox(args: argparse.Namespace) -> None:
    from nlu_inbox import cli as inbox_cli  # reads the tracker store; only this command needs it

    inbox_cli.run(args.since, args.threshold, args.tracker_db, args.export)


def add_commands(groups: argparse._SubParsersAction) -> None:
    nlu = groups.add_parser("nlu", help="the trainers' workflow").add_subparsers(dest="command", required=True)
    inbox = nlu.add_parser("inbox", help="customer messages that fell back or scored low, grouped, to annotate")
    inbox.add_argument("--since", help="7d, 24h, or an ISO date/time in UTC (default: everything)")
    inbox.add_argument(
        "--threshold", type=float, help="also list messages whose intent scored below this (default: 0.6)"
    )
    inbox.add_argument("--tracker-db", help="the tracker store's URL (default: from endpoints.yml)")
    inbox.add_argument("--export", metavar="FILE.yml", help="also write them as NLU YAML under the model's guesses")
    inbox.set_defaults(handler=cmd_nlu_inbox)
