"""Many customers racing for the last units, as threads and as separate processes,
on SQLite and on a real PostgreSQL server: units sold + held never exceed stock."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from inventory_db import orders, reservations, stock
from inventory_db.database import transaction
from inventory_db.models import Order, OrderItem, Reservation
from tests.inventory_db import race_workers
from tests.inventory_db.helpers import ALI, assert_ledger_matches, level, run
from tests.inventory_db.race_workers import CODE, COLOR, SIZE, Outcome

STOCK = 7


def _race_threads(url: str, customers: int, wants: int) -> list[Outcome]:
    barrier = threading.Barrier(customers)
    with ThreadPoolExecutor(max_workers=customers) as pool:
        futures = [pool.submit(race_workers.customer, url, i, wants, barrier) for i in range(customers)]
        return [f.result(timeout=180) for f in futures]


def _race_processes(url: str, customers: int, wants: int) -> list[Outcome]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(customers)
    queue = context.Queue()
    processes = [
        context.Process(target=race_workers.customer, args=(url, i, wants, barrier, queue)) for i in range(customers)
    ]
    for process in processes:
        process.start()
    try:
        outcomes = [queue.get(timeout=180) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=60)
    assert [p.exitcode for p in processes] == [0] * customers
    return outcomes


@pytest.mark.parametrize("mode, customers", [("threads", 16), ("processes", 6)])
def test_racing_customers_never_get_more_than_the_stock(
    store_url: str, store: sessionmaker, mode: str, customers: int
) -> None:
    run(store, stock.set_stock, CODE, COLOR, SIZE, STOCK, actor="owner")
    race = _race_threads if mode == "threads" else _race_processes
    outcomes = race(store_url, customers, wants=3)

    told_yes = sum(o.held + o.ordered for o in outcomes)
    variant = level(store, CODE, COLOR, SIZE)
    assert told_yes == STOCK  # demand (customers × 3) exceeds stock: all of it goes, never more
    assert (variant.on_hand, variant.reserved + variant.allocated, variant.available) == (STOCK, STOCK, 0)
    assert sum(o.refused for o in outcomes) >= 1
    with transaction(store) as session:
        held = session.execute(
            select(func.coalesce(func.sum(Reservation.quantity), 0)).where(Reservation.status == reservations.ACTIVE)
        ).scalar_one()
        ordered = session.execute(select(func.coalesce(func.sum(OrderItem.quantity), 0))).scalar_one()
        numbers = session.execute(select(Order.number).order_by(Order.number)).scalars().all()
    assert (held, ordered) == (sum(o.held for o in outcomes), sum(o.ordered for o in outcomes))
    assert numbers == list(range(1001, 1001 + len(numbers)))  # unique, no gaps
    assert_ledger_matches(store)


def test_the_same_order_placed_concurrently_is_placed_once(store_url: str, store: sessionmaker) -> None:
    """A double-tapped "confirm" from several devices: one order, stock taken once.

    Each attempt asks for a different variant, so they do not queue on one row lock
    and the unique idempotency key itself has to settle it (on PostgreSQL).
    """
    shawls = [("cream", "free"), ("gray", "free"), ("black", "free")]
    barrier = threading.Barrier(len(shawls))

    def attempt(color: str, size: str) -> int:
        with transaction(store) as session:
            barrier.wait(timeout=30)
            order = orders.place_order(
                session,
                "conv-1:cart-1",
                ALI,
                items=[orders.ItemRequest("SH-12", color, size, 1)],
                shipping_method="post",
                actor="bot",
            )
        return order.number

    with ThreadPoolExecutor(max_workers=len(shawls)) as pool:
        numbers = list(pool.map(lambda variant: attempt(*variant), shawls))
    assert numbers == [1001] * len(shawls)
    assert sum(level(store, "SH-12", color, size).allocated for color, size in shawls) == 1
    with transaction(store) as session:
        assert session.execute(select(func.count()).select_from(Order)).scalar_one() == 1
    assert_ledger_matches(store)
