"""One customer's checkout hold: exactly the variant and quantity they settled on.

The conversation may change its mind any number of times before confirming; each
change swaps the hold in one transaction, so the shop never keeps units for a
variant the customer has moved on from, and never has two holds for one checkout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy.orm import Session

from inventory_db import reservations, stock
from inventory_db.errors import OutOfStock, UnknownReservation
from inventory_db.reservations import ReservationInfo


@dataclass(frozen=True)
class HoldOutcome:
    """The hold now kept, or, when too few units are free, how many are."""

    hold: Optional[ReservationInfo]
    available: Optional[int] = None


def _matches(current: ReservationInfo, code: str, color: str, size: str, quantity: int, now: datetime) -> bool:
    return (current.code, current.color, current.size, current.quantity) == (code, color, size, quantity) and (
        current.is_holding(now)
    )


def hold(
    session: Session,
    customer_id: str,
    code: str,
    color: str,
    size: str,
    quantity: int,
    replaces: Optional[int] = None,
    ttl: Optional[timedelta] = None,
    now: Optional[datetime] = None,
) -> HoldOutcome:
    """Keep ``quantity`` units of the variant for this checkout, replacing its old hold.

    The old hold is released even when the new one cannot be had: the customer has
    moved on from it. A hold that already matches (and has not lapsed) is kept as is.
    """
    now = stock.now_or(now)
    if replaces is not None:
        current = _find(session, replaces)
        if current is not None and current.customer_id == customer_id and _matches(current, code, color, size, quantity, now):
            return HoldOutcome(current)
        release_hold(session, replaces, customer_id, now)
    try:
        with session.begin_nested():
            return HoldOutcome(reservations.reserve(session, code, color, size, quantity, customer_id, ttl=ttl, now=now))
    except OutOfStock as short:
        return HoldOutcome(None, available=short.available)


def _find(session: Session, reservation_id: int) -> Optional[ReservationInfo]:
    try:
        return reservations.get_reservation(session, reservation_id)
    except UnknownReservation:
        return None


def release_hold(session: Session, reservation_id: int, customer_id: str, now: Optional[datetime] = None) -> None:
    """Give the checkout's units back; a hold that lapsed, was released or is not
    this customer's is left alone."""
    current = _find(session, reservation_id)
    if current is not None and current.customer_id == customer_id and current.status == reservations.ACTIVE:
        reservations.release(session, reservation_id, actor=f"customer:{customer_id}", now=now)
