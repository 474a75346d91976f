"""The sweeper, the owner's mark-paid and a customer ordering from a lapsed hold, all at once
on the same rows: the paths whose lock orders once crossed (see ``stock``, LOCK ORDER).

Importable by name so a measurement can run the same rounds against another version of
the orders service; ``rounds`` returns how many rounds hit a database error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from types import ModuleType

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from inventory_db import orders, reservations, stock
from inventory_db.database import transaction
from inventory_db.errors import IllegalTransition, ReservationNotActive
from inventory_db.models import utcnow

ORDERS_PER_ROUND = 4
SHARED = ("SH-12", "cream", "free")  # in every order and the hold: the variant all paths lock
OTHER = ("R-7", "navy", "free")
BUYER = orders.Customer("ig-buyer", "Sara Ahmadi", "09120001111", "Shiraz, Zand St. 4")
LATE = orders.Customer("ig-late", "Ali Rezaei", "09120002222", "Tehran, Valiasr St. 12")


def _setup(factory: sessionmaker, service: ModuleType, n: int) -> tuple[list[int], int]:
    """Overdue unpaid orders sharing a variant, and a lapsed hold on it."""
    past = utcnow() - timedelta(days=2)
    with transaction(factory) as session:
        numbers = [
            service.place_order(
                session,
                f"round{n}:{i}",
                BUYER,
                items=[orders.ItemRequest(*SHARED, 1), orders.ItemRequest(*OTHER, 1)],
                shipping_method="post",
                actor="test",
                now=past,
            ).number
            for i in range(ORDERS_PER_ROUND)
        ]
        hold = reservations.reserve(session, *SHARED, 1, LATE.instagram_id, now=past)
    return numbers, hold.id


def one_round(factory: sessionmaker, service: ModuleType, n: int) -> list[BaseException]:
    """Sweeper, owner and customer start together; the errors that were not expected outcomes."""
    numbers, hold_id = _setup(factory, service, n)
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def sweeper() -> None:
        with transaction(factory) as session:
            reservations.sweep_expired(session)
            service.expire_overdue(session)

    def owner() -> None:  # newest first: the sweeper gets to those last
        for number in reversed(numbers[1:]):
            try:
                with transaction(factory) as session:
                    service.mark_paid(session, number, actor="owner")
            except IllegalTransition:
                pass  # the sweeper expired it first

    def customer() -> None:
        try:
            with transaction(factory) as session:
                service.place_order(
                    session, f"late{n}", LATE, reservation_ids=[hold_id], shipping_method="post", actor="late"
                )
        except ReservationNotActive:
            pass  # the sweeper marked the hold first

    def run(step: Callable[[], None]) -> None:
        barrier.wait(timeout=30)
        try:
            step()
        except OperationalError as error:  # a deadlock, aborted by PostgreSQL
            errors.append(error)

    threads = [threading.Thread(target=run, args=(step,)) for step in (sweeper, owner, customer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def rounds(factory: sessionmaker, service: ModuleType, count: int) -> list[BaseException]:
    """``count`` rounds on a store holding enough of the shared variants; every error seen."""
    with transaction(factory) as session:
        for code, color, size in (SHARED, OTHER):
            stock.set_stock(session, code, color, size, 10 * ORDERS_PER_ROUND * count, actor="test")
    return [error for n in range(count) for error in one_round(factory, service, n)]
