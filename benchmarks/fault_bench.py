"""Messages lost or doubled when the servers are killed under load (``make bench-faults``).

Customers write to the real Rasa server over the signed Instagram webhook, several
messages each, while the Rasa server is SIGKILLed and restarted several times and
the action server is killed once for a few seconds. A Meta stand-in delivers again
whatever was not answered 200, as Meta does. Then, per message: was it answered
(the outbound ledger holds a reply for its mid), how often is it in Rasa's stored
conversation (must be once); and per reply: did any reach the fake Graph API more
often than the ledger claimed it (doubled), did any the ledger claimed never reach it
(missing), and how many are still in doubt (their process was killed during the Send
API call and the retry could not tell). The same load without faults, in the same run,
is the baseline. Writes a table and ``results/bench-faults.json`` with the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from benchmarks.nlu_eval import describe_machine, machine_info
from benchmarks.reporting import write_report
from inventory_db.database import make_engine, make_session_factory, transaction
from inventory_db.message_log_models import OutboundMessage
from tests.channels import payloads
from tests.channels.fake_graph import FakeGraphApi
from tests.e2e.servers import demo_store_url
from tests.e2e.shop_processes import Shop

MESSAGES = [
    "سلام",
    "مانتو کد B-21 مشکی سایز L موجود دارید؟",
    "kotoni K-40 chande?",
    "is the R-7 headscarf available?",
    "ممنون",
]


async def _deliver(shop: Shop, body: bytes, http: aiohttp.ClientSession) -> None:
    """Post until a live Rasa server answers 200, as Meta retries a delivery."""
    while True:
        for name in list(shop.rasa):
            try:
                async with http.post(shop.url(name), data=body, headers=payloads.signed_headers(body)) as reply:
                    if reply.status == 200:
                        return
            except (aiohttp.ClientError, KeyError):
                pass
        await asyncio.sleep(1)


async def _customer(shop: Shop, sender: str, count: int, http: aiohttp.ClientSession, posted: dict) -> None:
    for n in range(count):
        mid = f"mid-{sender}-{n}"
        body = payloads.encode(payloads.delivery(payloads.text_message(sender, MESSAGES[n % len(MESSAGES)], mid=mid)))
        posted[mid] = (sender, time.time())
        await _deliver(shop, body, http)
        await asyncio.sleep(random.uniform(0.2, 1.5))


async def _faults(shop: Shop, kills: int) -> list[str]:
    """SIGKILL and restart Rasa ``kills`` times, and the action server once."""
    done: list[str] = []
    loop = asyncio.get_running_loop()
    for k in range(kills):
        await asyncio.sleep(random.uniform(1.0, 4.0))
        await loop.run_in_executor(None, shop.kill_rasa, f"rasa-{k}")
        done.append("rasa SIGKILL")
        if k == 0:
            await loop.run_in_executor(None, shop.stop_actions)
            await asyncio.sleep(3)
            await loop.run_in_executor(None, shop.start_actions)
            done.append("action server down 3 s")
        await loop.run_in_executor(None, shop.start_rasa, f"rasa-{k + 1}")
    return done


def _ledger(shop: Shop) -> tuple[dict[str, float], Counter, int]:
    """Per mid, when its first reply was claimed; replies claimed per customer; replies in doubt.

    A reply is claimed just before its Send API call and marked sent after Meta's
    answer. One still "sending" at the end is in doubt: its process was killed during
    the call and the retry could not tell from Meta's conversation whether it arrived.
    """
    engine = make_engine(shop.database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            first = dict(
                session.execute(
                    select(OutboundMessage.turn_key, func.min(OutboundMessage.created_at)).group_by(
                        OutboundMessage.turn_key
                    )
                ).all()
            )
            claimed = Counter(
                dict(
                    session.execute(
                        select(OutboundMessage.recipient_id, func.count()).group_by(OutboundMessage.recipient_id)
                    ).all()
                )
            )
            in_doubt = session.execute(
                select(func.count()).select_from(OutboundMessage).where(OutboundMessage.status == "sending")
            ).scalar_one()
    finally:
        engine.dispose()
    return {mid: moment.timestamp() for mid, moment in first.items()}, claimed, in_doubt


async def run_mode(workdir: Path, customers: int, messages: int, kills: int, timeout: float) -> dict[str, Any]:
    graph = await FakeGraphApi().start()
    shop = Shop(workdir, demo_store_url(workdir), graph)
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(None, shop.start_actions)
        await loop.run_in_executor(None, shop.start_rasa, "rasa-0")
        posted: dict[str, tuple[str, float]] = {}
        async with aiohttp.ClientSession() as http:
            faults = asyncio.ensure_future(_faults(shop, kills))
            await asyncio.gather(*(_customer(shop, f"c{n}", messages, http, posted) for n in range(customers)))
            tried = await faults
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answered, _, _ = _ledger(shop)
            if all(mid in answered for mid in posted):
                break
            await asyncio.sleep(1)
        await asyncio.sleep(3)  # room for a late doubled reply
        answered, claimed, in_doubt = _ledger(shop)
        sends = Counter(call.body["recipient"]["id"] for call in graph.sends)
        in_conversation = {mid: shop.times_in_conversation(sender, mid) for mid, (sender, _) in posted.items()}
        latencies = sorted(answered[mid] - at for mid, (_, at) in posted.items() if mid in answered)
        return {
            "faults": tried,
            "messages": len(posted),
            "lost": sum(mid not in answered for mid in posted),
            "turns_doubled": sum(n > 1 for n in in_conversation.values()),
            "turns_missing": sum(n == 0 for n in in_conversation.values()),
            "replies_doubled": sum(max(sends[c] - claimed[c], 0) for c in sends),
            "replies_in_doubt": in_doubt,
            "replies_missing": sum(max(claimed[c] - sends[c], 0) for c in claimed),
            "first_reply_p50_s": round(statistics.median(latencies), 2) if latencies else None,
            "first_reply_max_s": round(latencies[-1], 2) if latencies else None,
        }
    finally:
        await loop.run_in_executor(None, shop.stop_all)
        await graph.stop()


def print_table(rows: dict[str, dict[str, Any]]) -> None:
    columns = [
        "messages",
        "lost",
        "turns_doubled",
        "turns_missing",
        "replies_doubled",
        "replies_in_doubt",
        "replies_missing",
        "first_reply_p50_s",
        "first_reply_max_s",
    ]
    widths = [max(len(c), 6) + 2 for c in columns]
    print(f"{'run':<10}" + "".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for name, row in rows.items():
        print(f"{name:<10}" + "".join(f"{str(row[c]):>{w}}" for c, w in zip(columns, widths, strict=True)))
    for name, row in rows.items():
        if row["faults"]:
            print(f"{name}: {', '.join(row['faults'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10)
    parser.add_argument("--messages", type=int, default=5, help="messages per customer")
    parser.add_argument("--kills", type=int, default=3, help="Rasa SIGKILLs in the fault run")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for the last answers")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("results/bench-faults.json"))
    args = parser.parse_args(argv)
    random.seed(args.seed)
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # the fake Graph API sees killed clients
    machine = machine_info()
    rows: dict[str, dict[str, Any]] = {}
    for name, kills in (("baseline", 0), ("faults", args.kills)):
        with tempfile.TemporaryDirectory(prefix=f"bench-faults-{name}-") as folder:
            rows[name] = asyncio.run(run_mode(Path(folder), args.customers, args.messages, kills, args.timeout))
    print(f"Machine: {describe_machine(machine)}")
    print_table(rows)
    write_report(args.out, {"machine": machine, "settings": vars(args) | {"out": str(args.out)}, "runs": rows})
    bad = sum(rows["faults"][key] for key in ("lost", "turns_doubled", "replies_doubled", "replies_missing"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
