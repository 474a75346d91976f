"""Does a reply get slower as the conversation gets longer? (``make bench-turns``)

One customer asks the real servers (Rasa with the trained model, the action server, a demo
store; REST, as ``make run`` serves it) the same kinds of question over and over, ``--turns``
of them in one session, a few customers one after the other. Turn k's reply time is compared
with the first turns' in the same run: the issue asks that turn 50 cost no more than 1.2 ×
turn 5. Prints a table and writes ``results/bench-turns.json`` with the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.load_bench import percentile
from benchmarks.nlu_eval import describe_machine, machine_info
from benchmarks.reporting import write_report
from tests.e2e.servers import demo_store_url, running_assistant, say

ROOT = Path(__file__).resolve().parents[1]
# Questions answered from the store without a checkout, so every turn is the same kind of work.
QUESTIONS = (
    "مانتو کد B-21 مشکی سایز L موجود دارید؟",
    "kotoni K-40 chande?",
    "is the R-7 headscarf available?",
    "شال SH-12 طوسی هست؟",
    "هزینه ارسال چقدره؟",
)
WINDOW = 5  # turns averaged at each point: turn 5 is turns 1–5, turn 50 is turns 46–50


def growth(seconds_by_turn: list[list[float]], turn: int) -> float:
    """Median reply time (s) over the ``WINDOW`` turns ending at ``turn`` (1-based), all customers."""
    window = [s for per_turn in seconds_by_turn[max(0, turn - WINDOW) : turn] for s in per_turn]
    return statistics.median(window)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.turn_growth_bench", description=__doc__)
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--customers", type=int, default=3, help="one after the other")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench-turns.json")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    seconds_by_turn: list[list[float]] = [[] for _ in range(args.turns)]
    with tempfile.TemporaryDirectory(prefix="bench-turns-") as tmp:
        workdir = Path(tmp)
        with running_assistant(workdir, demo_store_url(workdir), tracker_db=workdir / "tracker.db") as url:
            say(url, "warm-up", "سلام")
            for customer in range(args.customers):
                for turn in range(args.turns):
                    started = time.perf_counter()
                    replies = say(url, f"bench-turns-{customer}", QUESTIONS[turn % len(QUESTIONS)])
                    seconds_by_turn[turn].append(time.perf_counter() - started)
                    if not replies:
                        print(f"customer {customer} turn {turn + 1}: no reply", file=sys.stderr)
                        return 1
    points = sorted({WINDOW, 10, 20, 30, 40, args.turns} & set(range(WINDOW, args.turns + 1)))
    rows: list[dict[str, Any]] = [
        {
            "turn": t,
            "median_ms": growth(seconds_by_turn, t) * 1000,
            "vs_turn_5": growth(seconds_by_turn, t) / growth(seconds_by_turn, WINDOW),
        }
        for t in points
    ]
    every = [s * 1000 for per_turn in seconds_by_turn for s in per_turn]
    machine = machine_info()
    write_report(
        args.out,
        {
            "machine": machine,
            "turns": args.turns,
            "customers": args.customers,
            "window": WINDOW,
            "points": rows,
            "all_turns_ms": {"p50": percentile(every, 50), "p95": percentile(every, 95)},
        },
    )
    print(f"{args.customers} customers × {args.turns} turns, REST, one at a time (median of {WINDOW} turns)")
    print(f"{'turn':>6}{'median ms':>11}{'× turn 5':>10}")
    for row in rows:
        print(f"{row['turn']:>6}{row['median_ms']:>11.1f}{row['vs_turn_5']:>10.2f}")
    print(f"machine: {describe_machine(machine)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
