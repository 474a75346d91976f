"""Small shared helpers for the store's tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from inventory_db import order_states, orders, reservations, stock
from inventory_db.database import transaction
from inventory_db.models import Order, OrderItem, Reservation, Variant

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]

MINUTE = timedelta(minutes=1)

ALI = orders.Customer("ig-ali", "علی رضایی", "۰۹۱۲ ۳۴۵ ۶۷۸۹", "تهران، خیابان ولیعصر، پلاک ۱۲", "1234567890")
SARA = orders.Customer("ig-sara", "Sara Ahmadi", "+98 912 000 1111", "Shiraz, Zand St. 4")


def shop_policy() -> dict:
    """The shipped shop_policy.yml as parsed YAML, for a test to change before parsing."""
    return yaml.safe_load((ROOT / "shop_policy.yml").read_text(encoding="utf-8"))


def run(factory: sessionmaker, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a service function in its own committed transaction."""
    with transaction(factory) as session:
        return fn(session, *args, **kwargs)


def level(factory: sessionmaker, code: str, color: str, size: str, now: datetime | None = None) -> stock.StockLevel:
    with transaction(factory) as session:
        code, color, size = stock.canonical_variant_key(code, color, size)
        found = [v for v in stock.product_stock(session, code, now).variants if (v.color, v.size) == (color, size)]
        return found[0]


def place(factory: sessionmaker, key: str, customer: orders.Customer = ALI, **kwargs: Any) -> orders.OrderInfo:
    kwargs.setdefault("shipping_method", "post")
    kwargs.setdefault("actor", "bot")
    return run(factory, orders.place_order, key, customer, **kwargs)


def item(code: str, color: str, size: str, quantity: int = 1) -> orders.ItemRequest:
    return orders.ItemRequest(code, color, size, quantity)


def assert_ledger_matches(factory: sessionmaker) -> None:
    """Every variant's movements add up to its live numbers: nothing moved unrecorded."""
    with transaction(factory) as session:
        for variant in session.execute(select(Variant)).scalars():
            held = sum(
                r.quantity
                for r in session.execute(
                    select(Reservation).where(
                        Reservation.variant_id == variant.id, Reservation.status == reservations.ACTIVE
                    )
                ).scalars()
            )
            allocated = sum(
                i.quantity
                for i in session.execute(
                    select(OrderItem)
                    .join(Order)
                    .where(OrderItem.variant_id == variant.id, Order.status.in_(order_states.OPEN_STATUSES))
                ).scalars()
            )
            assert stock.ledger_totals(session, variant.id) == (variant.on_hand, held, allocated), (
                variant.product.code,
                variant.color,
                variant.size,
            )


@contextmanager
def counted_statements(session: Session) -> Iterator[list[str]]:
    """The SQL statements run on ``session``'s connection inside the block: a bounded-queries check."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE goes out with the first query
            statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
