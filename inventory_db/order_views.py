"""Read-only order lists for the owner's screens: one page at a time, newest first.

``orders.list_orders`` loads every order, which ``shopctl orders list`` wants and a phone
does not: with ten thousand orders a page must stay a bounded read. Pages are keyed by order
number (``before``), so a page does not shift when new orders arrive while the owner reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from inventory_db import order_states, orders
from inventory_db.errors import InvalidOrder
from inventory_db.models import Order, PaymentReceipt
from inventory_db.payment_receipts import ReceiptInfo, receipt_info

DEFAULT_PAGE_SIZE = 25


@dataclass(frozen=True)
class OrderFilter:
    """What the owner narrowed the list to; None means any."""

    status: str | None = None
    source: str | None = None  # "direct" also matches orders without a source
    placed_from: datetime | None = None  # UTC, inclusive
    placed_before: datetime | None = None  # UTC, exclusive


@dataclass(frozen=True)
class OrderPage:
    orders: list[orders.OrderInfo]
    older_than: int | None  # the ``before`` of the next page; None on the last one
    total: int  # orders matching the filter, over all pages


def _conditions(where: OrderFilter) -> list[Any]:
    if where.status is not None and where.status not in order_states.STATUSES:
        raise InvalidOrder(f"unknown order status '{where.status}'")
    conditions: list[Any] = []
    if where.status is not None:
        conditions.append(Order.status == where.status)
    if where.source == "direct":
        conditions.append((Order.source == "direct") | Order.source.is_(None))
    elif where.source is not None:
        conditions.append(Order.source == where.source)
    if where.placed_from is not None:
        conditions.append(Order.created_at >= where.placed_from)
    if where.placed_before is not None:
        conditions.append(Order.created_at < where.placed_before)
    return conditions


def count(session: Session, where: OrderFilter) -> int:
    """How many orders match ``where``: one count, no rows loaded."""
    return session.execute(select(func.count(Order.id)).where(*_conditions(where))).scalar_one()


def page(session: Session, where: OrderFilter, before: int | None = None, size: int = DEFAULT_PAGE_SIZE) -> OrderPage:
    """The ``size`` newest orders matching ``where`` with a number below ``before``."""
    conditions = _conditions(where)
    query = select(Order).where(*conditions).options(selectinload(Order.items), selectinload(Order.changes))
    if before is not None:
        query = query.where(Order.number < before)
    found = session.execute(query.order_by(Order.number.desc()).limit(size + 1)).scalars().all()
    shown = [orders.order_info(order) for order in found[:size]]
    return OrderPage(shown, shown[-1].number if len(found) > size else None, count(session, where))


def latest_receipts(session: Session, numbers: Iterable[int]) -> dict[int, ReceiptInfo]:
    """Each order's most recent payment receipt, for the orders that have one: one query."""
    wanted = list(numbers)
    if not wanted:
        return {}
    rows = session.execute(
        select(PaymentReceipt, Order.number)
        .join(Order)
        .where(Order.number.in_(wanted))
        .order_by(PaymentReceipt.created_at, PaymentReceipt.id)
    ).all()
    return {number: receipt_info(receipt) for receipt, number in rows}  # later ones overwrite earlier
