"""``python -m tests.conversations``: simulated customers buy (or cancel) through the real servers.

Exits 1 when a variety completes less than 0.97 of its conversations, a question is
asked three bot turns running, or the owner's ``shopctl report`` disagrees with
``shopctl orders list`` about the orders the run placed (``report_agreement``). docs/conversations.md explains the table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from inventory_db import reports
from inventory_db.settings import shop_timezone
from tests.conversations import report, report_agreement
from tests.conversations.customer import PHRASING_SETS
from tests.conversations.runner import Settings, run
from tests.conversations.scenarios import generate
from tests.e2e.servers import ROOT

DEFAULT_COUNT = 300
SHOWN_FAILURES = 3


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.conversations", description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "shop.tar.gz", help="trained Rasa model")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "conversations.json", help="JSON report")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help="conversations to generate")
    parser.add_argument("--limit", type=int, default=None, help="play only the first N (quick runs)")
    parser.add_argument("--seed", type=int, default=7, help="scenario seed: the same seed, the same customers")
    parser.add_argument("--concurrency", type=int, default=8, help="conversations at once, over all servers")
    parser.add_argument("--servers", type=int, default=2, help="Rasa + action server pairs (one core each)")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the store and server logs here")
    parser.add_argument(
        "--phrasings",
        choices=sorted(PHRASING_SETS),
        default="main",
        help="what customers write: main (phrasings.py) or heldout (phrasings_heldout.py, never tuned on)",
    )
    parser.add_argument("--verbose", action="store_true", help="print every failed transcript, not the first few")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not args.model.is_file():
        print(f"no trained model at {args.model}: run `make train` first, or pass --model", file=sys.stderr)
        return 2
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    scenarios = generate(args.count, args.seed)[: args.limit]
    started = time.monotonic()
    zone = shop_timezone()
    first_day = datetime.now(zone).date()
    run_settings = Settings(args.model, args.concurrency, args.servers, args.workdir, args.phrasings)
    outcome = asyncio.run(run(scenarios, run_settings))
    timing = {
        "wall_s": time.monotonic() - started,
        "server_start_s": outcome.server_start_s,
        "conversations_s": outcome.conversations_s,
    }
    settings = {
        "model": str(args.model),
        "seed": args.seed,
        "phrasings": args.phrasings,
        "concurrency": args.concurrency,
        "servers": args.servers,
        "workdir": str(outcome.workdir),
    }
    period = reports.Period(first_day, datetime.now(zone).date())
    agreement = report_agreement.check(f"sqlite:///{outcome.workdir / 'shop.db'}", period, zone)
    document = report.build(outcome.results, timing, settings, agreement)
    failed = [r for r in outcome.results if not r.completed]
    for result in failed if args.verbose else failed[:SHOWN_FAILURES]:
        print(report.show_transcript(result), end="\n\n")
    print(report.table(document))
    report.save(args.out, document)
    print(f"report: {args.out}  (store and server logs: {outcome.workdir})")
    return 0 if document["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
