"""Store benchmark: reservations per second with 1, 8 and 32 concurrent customers on
SQLite and PostgreSQL, and how many units were oversold (must be 0).

    make bench-store                     # or: python -m benchmarks.store_bench --help

Each cell gets a fresh migrated database with one product of 8 variants. Phase 1
(timed): every customer reserves one unit of a random variant again and again; a
quarter of the holds become orders and a quarter are released, like real checkouts.
Phase 2 (last units): stock is cut so only a few units are left, and all customers
race for them until refused; oversold = units granted beyond what was left, plus
any variant whose holds and open orders exceed its units on hand. Customers are
threads by default (the action server runs store calls on threads), or separate
processes with --processes. PostgreSQL is a throwaway local server (Debian's
postgresql package); without one its rows are reported as skipped.

Writes a table to stdout and JSON (with the machine it ran on) to --out.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy

from benchmarks.reporting import host_info, write_report
from inventory_db import catalog_csv, orders, reservations, schema, stock
from inventory_db.database import make_engine, make_session_factory, transaction
from inventory_db.errors import OutOfStock

CODE = "BN-1"
VARIANTS = [(color, size) for color in ("black", "white", "cream", "navy") for size in ("M", "L")]
PLENTY = 1_000_000


@dataclass
class Tally:
    reservations: int = 0
    refused: int = 0
    orders: int = 0
    releases: int = 0
    granted: int = 0  # phase 2: units this customer got
    latencies: list[float] | None = None


def _catalog_rows() -> list[catalog_csv.CatalogRow]:
    return [
        catalog_csv.CatalogRow(
            i + 2, CODE, "مانتو بنچمارک", "Bench manteau", "manteau", color, size, 1_000_000, PLENTY, None
        )
        for i, (color, size) in enumerate(VARIANTS)
    ]


def prepare(url: str) -> None:
    schema.upgrade(url)
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            catalog_csv.import_catalog(session, _catalog_rows(), actor="bench")
    finally:
        engine.dispose()


def customer(url: str, index: int, seconds: float, barrier: Any, phase2_start: Any, queue: Any = None) -> Tally:
    """One customer: phase 1 until the clock runs out, then phase 2 until refused."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    rng = random.Random(index)
    name = f"ig-bench-{index}"
    details = orders.Customer(name, "Bench", "09120000000", "Tehran")
    tally = Tally(latencies=[])
    try:
        barrier.wait(timeout=300)
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            color, size = rng.choice(VARIANTS)
            started = time.perf_counter()
            try:
                with transaction(factory) as session:
                    hold = reservations.reserve(session, CODE, color, size, 1, name)
            except OutOfStock:
                tally.refused += 1
                continue
            tally.latencies.append(time.perf_counter() - started)
            tally.reservations += 1
            roll = rng.random()
            if roll < 0.25:
                with transaction(factory) as session:
                    orders.place_order(
                        session,
                        f"{name}:{hold.id}",
                        details,
                        reservation_ids=[hold.id],
                        shipping_method="post",
                        actor=name,
                    )
                tally.orders += 1
            elif roll < 0.5:
                with transaction(factory) as session:
                    reservations.release(session, hold.id, actor=name)
                tally.releases += 1
        phase2_start.wait(timeout=300)  # the coordinator cuts the stock in between
        phase2_start.wait(timeout=300)
        color, size = VARIANTS[0]
        while True:
            try:
                with transaction(factory) as session:
                    reservations.reserve(session, CODE, color, size, 1, name)
                tally.granted += 1
            except OutOfStock:
                break
    finally:
        engine.dispose()
    if queue is not None:
        queue.put(tally)
    return tally


def _cut_stock(url: str, left: int) -> None:
    """Leave exactly ``left`` units available of the first variant."""
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            color, size = VARIANTS[0]
            level = next(v for v in stock.product_stock(session, CODE).variants if (v.color, v.size) == (color, size))
            stock.set_stock(session, CODE, color, size, level.reserved + level.allocated + left, actor="bench")
    finally:
        engine.dispose()


def _oversold_variants(url: str) -> int:
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            levels = stock.product_stock(session, CODE).variants
            return sum(1 for v in levels if v.reserved + v.allocated > v.on_hand)
    finally:
        engine.dispose()


def run_cell(url: str, customers: int, seconds: float, processes: bool) -> dict[str, Any]:
    left = 2 * customers + 5
    if processes:
        context = multiprocessing.get_context("spawn")
        barrier, phase2 = context.Barrier(customers + 1), context.Barrier(customers + 1)
        queue = context.Queue()
        workers = [
            context.Process(target=customer, args=(url, i, seconds, barrier, phase2, queue)) for i in range(customers)
        ]
        for worker in workers:
            worker.start()
        barrier.wait(timeout=300)
        started = time.perf_counter()
        phase2.wait(timeout=300)
        elapsed = time.perf_counter() - started
        _cut_stock(url, left)
        phase2.wait(timeout=300)
        tallies = [queue.get(timeout=300) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
    else:
        barrier, phase2 = threading.Barrier(customers + 1), threading.Barrier(customers + 1)
        with ThreadPoolExecutor(max_workers=customers) as pool:
            futures = [pool.submit(customer, url, i, seconds, barrier, phase2) for i in range(customers)]
            barrier.wait(timeout=300)
            started = time.perf_counter()
            phase2.wait(timeout=300)
            elapsed = time.perf_counter() - started
            _cut_stock(url, left)
            phase2.wait(timeout=300)
            tallies = [f.result() for f in futures]
    latencies = sorted(x for t in tallies for x in (t.latencies or []))
    granted = sum(t.granted for t in tallies)
    reserved = sum(t.reservations for t in tallies)
    return {
        "customers": customers,
        "seconds": round(elapsed, 2),
        "reservations": reserved,
        "reservations_per_s": round(reserved / elapsed, 1),
        "orders": sum(t.orders for t in tallies),
        "releases": sum(t.releases for t in tallies),
        "refused": sum(t.refused for t in tallies),
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 2) if latencies else None,
        "last_units": left,
        "last_units_granted": granted,
        "oversold": max(granted - left, 0) + _oversold_variants(url),
    }


def machine(postgres_version: str | None) -> dict[str, Any]:
    return {
        **host_info(),
        "sqlalchemy": sqlalchemy.__version__,
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="store_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", default="1,8,32", help="concurrency levels, comma-separated (default 1,8,32)")
    parser.add_argument("--seconds", type=float, default=5.0, help="timed phase per cell (default 5)")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite, postgres or both (default)")
    parser.add_argument("--processes", action="store_true", help="customers as separate processes, not threads")
    parser.add_argument("--out", default="results/bench-store.json")
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.customers.split(",")]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]

    results: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    postgres_version = None
    workdir = Path(tempfile.mkdtemp(prefix="store-bench-"))
    server = None
    try:
        for backend in backends:
            if backend == "postgres":
                sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
                from tests.inventory_db import pg_server

                try:
                    server = pg_server.start()
                    postgres_version = server.version()
                except pg_server.PostgresUnavailable as error:
                    skipped["postgres"] = str(error).splitlines()[0]
                    print(f"postgres skipped: {skipped['postgres']}", file=sys.stderr)
                    continue
            for customers in levels:
                if backend == "sqlite":
                    url = f"sqlite:///{workdir / f'bench-{customers}.db'}"
                else:
                    assert server is not None
                    url = server.create_database(f"bench_{customers}")
                prepare(url)
                cell = {"backend": backend, **run_cell(url, customers, args.seconds, args.processes)}
                results.append(cell)
                print(
                    f"  {backend:<9} {customers:>3} customers: {cell['reservations_per_s']:>8.1f} reservations/s, "
                    f"oversold {cell['oversold']}",
                    file=sys.stderr,
                )
    finally:
        if server is not None:
            server.stop()

    report = {
        "benchmark": "store reservations",
        "machine": machine(postgres_version),
        "settings": {
            "seconds": args.seconds,
            "customers": levels,
            "mode": "processes" if args.processes else "threads",
        },
        "results": results,
        "skipped": skipped,
    }
    out = Path(args.out)
    write_report(out, report)

    header = f"{'backend':<9} {'customers':>9} {'reserv/s':>9} {'p50 ms':>7} {'p95 ms':>7} {'orders':>7} {'refused':>7} {'last units':>10} {'granted':>7} {'oversold':>8}"
    print(
        f"{report['machine']['cpu']}, {report['machine']['cores']} cores, {report['machine']['ram_gib']} GiB; "
        f"Python {report['machine']['python']}, SQLite {report['machine']['sqlite']}, PostgreSQL {postgres_version or '-'}; "
        f"customers as {report['settings']['mode']}"
    )
    print(header)
    for r in results:
        print(
            f"{r['backend']:<9} {r['customers']:>9} {r['reservations_per_s']:>9.1f} {r['p50_ms'] or 0:>7.2f} "
            f"{r['p95_ms'] or 0:>7.2f} {r['orders']:>7} {r['refused']:>7} {r['last_units']:>10} "
            f"{r['last_units_granted']:>7} {r['oversold']:>8}"
        )
    for backend, reason in skipped.items():
        print(f"{backend:<9} skipped: {reason}")
    print(f"written to {out}")
    return 1 if any(r["oversold"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
