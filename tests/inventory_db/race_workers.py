"""Customers racing for the last units: run as threads or as separate processes.

Importable by name, so ``multiprocessing``'s spawn context can start it in a fresh
interpreter: each process then has its own engine and connections, exactly like
two action servers sharing one database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inventory_db import orders, reservations
from inventory_db.database import make_engine, make_session_factory, transaction
from inventory_db.errors import OutOfStock

CODE, COLOR, SIZE = "B-21", "black", "M"


@dataclass(frozen=True)
class Outcome:
    customer: str
    held: int  # units still held by this customer's reservations
    ordered: int  # units in this customer's orders
    refused: int  # attempts answered OutOfStock


def customer(url: str, index: int, wants: int, barrier: Any, queue: Any | None = None) -> Outcome:
    """Try to get ``wants`` units, one at a time, by three routes in turn, until refused.

    Even customers reserve and then order from the hold; customers divisible by
    three order directly without a hold; the rest only hold. Every success is
    counted here, so the test can compare what customers were told with the store.
    """
    name = f"ig-racer-{index}"
    engine = make_engine(url)
    factory = make_session_factory(engine)
    held = ordered = refused = 0
    try:
        barrier.wait(timeout=120)
        for attempt in range(wants):
            try:
                if index % 3 == 0:
                    with transaction(factory) as session:
                        orders.place_order(
                            session,
                            f"{name}:{attempt}",
                            _details(name),
                            items=[orders.ItemRequest(CODE, COLOR, SIZE, 1)],
                            shipping_method="post",
                            actor=name,
                        )
                    ordered += 1
                    continue
                with transaction(factory) as session:
                    hold = reservations.reserve(session, CODE, COLOR, SIZE, 1, name)
                if index % 2 == 0:
                    with transaction(factory) as session:
                        orders.place_order(
                            session,
                            f"{name}:{attempt}",
                            _details(name),
                            reservation_ids=[hold.id],
                            shipping_method="post",
                            actor=name,
                        )
                    ordered += 1
                else:
                    held += 1
            except OutOfStock:
                refused += 1
                break
    finally:
        engine.dispose()
    outcome = Outcome(name, held, ordered, refused)
    if queue is not None:
        queue.put(outcome)
    return outcome


def _details(name: str) -> orders.Customer:
    return orders.Customer(name, "Racer", "09120000000", "Tehran")
