"""What the live-message vector cache saves (``make bench-parse``): the trained model parses
the messages the simulated customers of the last ``make test-conversations`` run actually
wrote, in their order, once with the cache off (the baseline) and once with it on, in the
same run. Button payloads are left out, as Rasa gives them no NLU. Prints a table and writes
``results/bench-parse.json`` with the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.load_bench import percentile
from benchmarks.nlu_eval import describe_machine, machine_info
from benchmarks.reporting import write_report

ROOT = Path(__file__).resolve().parents[1]


def customer_messages(conversations: Path) -> list[str]:
    """What the customers typed, in order (not the "[shared post …]" stand-ins or payloads)."""
    report = json.loads(conversations.read_text(encoding="utf-8"))
    texts = [turn.get("customer") for conversation in report["conversations"] for turn in conversation["transcript"]]
    return [t for t in texts if isinstance(t, str) and t and not t.startswith(("[", "/"))]


async def _timed_parses(model: Path, texts: list[str], cache: bool) -> list[float]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # not every customer's message in the output
    logging.getLogger("rasa").setLevel(logging.WARNING)

    from nlu_components import dense_features

    kept = dense_features.MESSAGE_CACHE_SIZE
    dense_features.MESSAGE_CACHE_SIZE = kept if cache else 0
    try:
        agent = Agent.load(str(model))  # a fresh agent: an empty cache
        await agent.parse_message("سلام")  # first-call set-up is not a customer's wait
        seconds = []
        for text in texts:
            started = time.perf_counter()
            await agent.parse_message(text)
            seconds.append(time.perf_counter() - started)
        return seconds
    finally:
        dense_features.MESSAGE_CACHE_SIZE = kept


def _row(name: str, seconds: list[float]) -> dict[str, Any]:
    ms = [s * 1000 for s in seconds]
    return {
        "run": name,
        "messages": len(ms),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "mean_ms": sum(ms) / len(ms),
        "total_s": sum(seconds),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.parse_bench", description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "shop.tar.gz")
    parser.add_argument("--conversations", type=Path, default=ROOT / "results" / "conversations.json")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench-parse.json")
    parser.add_argument("--limit", type=int, default=None, help="the first N messages only")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not args.conversations.is_file():
        print(f"no {args.conversations}: run `make test-conversations` first", file=sys.stderr)
        return 2
    texts = customer_messages(args.conversations)[: args.limit]
    rows = [
        _row("cache off (baseline)", asyncio.run(_timed_parses(args.model, texts, cache=False))),
        _row("cache on", asyncio.run(_timed_parses(args.model, texts, cache=True))),
    ]
    distinct = len(set(texts))
    machine = machine_info()
    write_report(
        args.out,
        {"machine": machine, "messages": len(texts), "distinct_texts": distinct, "runs": rows},
    )
    print(f"{len(texts)} customer messages, {distinct} distinct ({1 - distinct / len(texts):.0%} repeats)")
    print(f"{'run':<22}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}{'total s':>9}")
    for row in rows:
        print(f"{row['run']:<22}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['mean_ms']:>9.1f}{row['total_s']:>9.1f}")
    print(f"machine: {describe_machine(machine)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
