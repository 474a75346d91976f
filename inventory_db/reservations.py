"""Reservations: units held for a customer while they check out.

A hold counts against availability while it is active and ``expires_at`` is still
ahead, so an abandoned checkout frees its units by itself; ``sweep_expired`` only
marks lapsed holds (and records their movements and events) for the owner's reports.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from inventory_db import events, settings, stock
from inventory_db.errors import (
    CustomerLimitReached,
    InvalidQuantity,
    OutOfStock,
    ReservationNotActive,
    UnknownReservation,
)
from inventory_db.models import Reservation, Variant, check_length
from inventory_db.policy import CustomerLimits

ACTIVE = stock.ACTIVE
RELEASED = "released"
CONVERTED = "converted"  # turned into an order
EXPIRED = "expired"

MAX_QUANTITY = 20  # one customer's hold on one variant; more is a wholesale enquiry


@dataclass(frozen=True)
class ReservationInfo:
    """A hold as plain values, safe to use after the session ends."""

    id: int
    code: str
    name_fa: str
    name_en: str
    color: str
    size: str
    quantity: int
    unit_price: int
    customer_id: str
    status: str
    expires_at: datetime
    created_at: datetime

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price

    def is_holding(self, now: datetime) -> bool:
        """True while the hold still keeps its units from other customers."""
        return self.status == ACTIVE and self.expires_at > now


def info(reservation: Reservation) -> ReservationInfo:
    variant = reservation.variant
    return ReservationInfo(
        id=reservation.id,
        code=variant.product.code,
        name_fa=variant.product.name_fa,
        name_en=variant.product.name_en,
        color=variant.color,
        size=variant.size,
        quantity=reservation.quantity,
        unit_price=reservation.unit_price,
        customer_id=reservation.customer_id,
        status=reservation.status,
        expires_at=reservation.expires_at,
        created_at=reservation.created_at,
    )


def check_quantity(quantity: object) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidQuantity(quantity)
    if quantity > MAX_QUANTITY:
        raise InvalidQuantity(quantity, f"is more than {MAX_QUANTITY} for one customer")
    return quantity


def check_hold_limits(session: Session, customer_id: str, quantity: int, limits: CustomerLimits, now: datetime) -> None:
    """CustomerLimitReached when one more hold, or ``quantity`` more units, is past what one
    customer may keep at once; lapsed holds do not count."""
    holds, units = session.execute(
        select(func.count(), func.coalesce(func.sum(Reservation.quantity), 0)).where(
            Reservation.customer_id == customer_id, Reservation.status == ACTIVE, Reservation.expires_at > now
        )
    ).one()
    if holds >= limits.max_open_holds:
        raise CustomerLimitReached(customer_id, CustomerLimitReached.HOLDS, holds, limits.max_open_holds)
    if units + quantity > limits.max_units_held:
        raise CustomerLimitReached(customer_id, CustomerLimitReached.UNITS, int(units), limits.max_units_held)


def reserve(
    session: Session,
    code: str,
    color: str,
    size: str,
    quantity: int,
    customer_id: str,
    ttl: timedelta | None = None,
    actor: str | None = None,
    now: datetime | None = None,
    limits: CustomerLimits | None = None,
) -> ReservationInfo:
    """Hold ``quantity`` units of a variant for ``customer_id`` until the TTL runs out.

    OutOfStock (with ``available``) when fewer are free. The variant row is locked
    before availability is summed, so two customers can never both get the last unit.
    ``limits``: what one customer may hold (a customer's checkout passes the shop's);
    None for callers that hold on the shop's behalf, such as benchmarks.
    """
    check_quantity(quantity)
    if not customer_id:
        raise ValueError("a reservation needs the customer's id")
    check_length(Reservation.customer_id, customer_id)
    ttl = settings.reservation_ttl() if ttl is None else ttl
    if ttl <= timedelta(0):
        raise ValueError("a reservation's ttl must be positive")
    now = stock.now_or(now)
    variant = stock.find_variant(session, code, color, size, lock=True, sellable=True)
    if limits is not None:
        check_hold_limits(session, customer_id, quantity, limits, now)
    available = stock.available_units(session, variant, now)
    if available < quantity:
        raise OutOfStock(variant.product.code, variant.color, variant.size, quantity, available)
    reservation = Reservation(
        variant=variant,
        customer_id=customer_id,
        quantity=quantity,
        unit_price=variant.price,
        status=ACTIVE,
        expires_at=now + ttl,
        created_at=now,
    )
    session.add(reservation)
    session.flush()
    actor = actor or events.customer_actor(customer_id)
    stock.record(session, variant, stock.RESERVE, actor, reserved=quantity, reservation_id=reservation.id, now=now)
    _record_event(session, events.HOLD_PLACED, reservation, actor, now)
    return info(reservation)


def _record_event(session: Session, kind: str, reservation: Reservation, actor: str, now: datetime) -> None:
    """A hold placed, released or expired, as a business event in the same transaction."""
    variant = reservation.variant
    events.record(
        session,
        kind,
        reservation.customer_id,
        external=events.is_external(actor, reservation.customer_id),
        now=now,
        product_code=variant.product.code,
        color=variant.color,
        size=variant.size,
        quantity=reservation.quantity,
        amount=reservation.quantity * reservation.unit_price,
    )


def _close(session: Session, reservation_id: int, status: str, now: datetime, order_id: int | None = None) -> bool:
    """Move an active hold to ``status``; False when someone else closed it first.

    A conditional UPDATE (… WHERE status = 'active'): of two concurrent closers on
    any database exactly one sees a row changed, so a hold is never closed twice.
    """
    result = session.execute(
        update(Reservation)
        .where(Reservation.id == reservation_id, Reservation.status == ACTIVE)
        .values(status=status, closed_at=now, order_id=order_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _load(session: Session, reservation_id: int) -> Reservation:
    reservation = session.execute(
        select(Reservation)
        .options(joinedload(Reservation.variant).joinedload(Variant.product))
        .where(Reservation.id == reservation_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if reservation is None:
        raise UnknownReservation(reservation_id)
    return reservation


def lock_holds(session: Session, reservation_ids: Collection[int]) -> dict[int, Reservation]:
    """Lock these holds in id order, first in the store's lock order (see ``stock``), and
    return them fresh with their variants; ids with no hold are left out."""
    if not reservation_ids:
        return {}
    rows = session.execute(
        select(Reservation)
        .options(joinedload(Reservation.variant).joinedload(Variant.product))
        .where(Reservation.id.in_(sorted(set(reservation_ids))))
        .order_by(Reservation.id)
        .with_for_update(of=Reservation, key_share=True)
        .execution_options(populate_existing=True)
    ).scalars()
    return {reservation.id: reservation for reservation in rows}


def get_reservation(session: Session, reservation_id: int) -> ReservationInfo:
    return info(_load(session, reservation_id))


def release(session: Session, reservation_id: int, actor: str, now: datetime | None = None) -> ReservationInfo:
    """Give a hold's units back (the customer cancelled the checkout).

    Releasing a hold that was already released or has expired changes nothing and
    is not an error; releasing one that became an order is (cancel the order).
    """
    now = stock.now_or(now)
    reservation = _load(session, reservation_id)
    if _close(session, reservation_id, RELEASED, now):
        stock.record(
            session,
            reservation.variant,
            stock.RELEASE,
            actor,
            reserved=-reservation.quantity,
            reservation_id=reservation_id,
            now=now,
        )
        _record_event(session, events.HOLD_RELEASED, reservation, actor, now)
        session.flush()
    reservation = _load(session, reservation_id)
    if reservation.status == CONVERTED:
        raise ReservationNotActive(reservation_id, reservation.status)
    return info(reservation)


def convert(session: Session, reservation: Reservation, order_id: int, actor: str, now: datetime) -> None:
    """Turn a hold into an order's allocation (called by the orders service, variant locked)."""
    if not _close(session, reservation.id, CONVERTED, now, order_id=order_id):
        session.refresh(reservation)
        raise ReservationNotActive(reservation.id, reservation.status)
    stock.record(
        session,
        reservation.variant,
        stock.ORDER,
        actor,
        reserved=-reservation.quantity,
        allocated=reservation.quantity,
        reservation_id=reservation.id,
        order_id=order_id,
        now=now,
    )


def active_for(session: Session, customer_id: str, now: datetime | None = None) -> list[ReservationInfo]:
    """A customer's holds that still keep units, oldest first (their cart)."""
    now = stock.now_or(now)
    rows = session.execute(
        select(Reservation)
        .options(joinedload(Reservation.variant).joinedload(Variant.product))
        .where(Reservation.customer_id == customer_id, Reservation.status == ACTIVE, Reservation.expires_at > now)
        .order_by(Reservation.id)
    ).scalars()
    return [info(r) for r in rows]


def sweep_expired(session: Session, now: datetime | None = None, actor: str = "sweeper") -> int:
    """Mark lapsed holds expired and record their movements; returns how many.

    Only for reporting: availability already ignores lapsed holds.
    """
    now = stock.now_or(now)
    lapsed = (
        session.execute(
            select(Reservation)
            .options(joinedload(Reservation.variant).joinedload(Variant.product))
            .where(Reservation.status == ACTIVE, Reservation.expires_at <= now)
            .order_by(Reservation.id)
        )
        .scalars()
        .all()
    )
    count = 0
    for reservation in lapsed:
        if _close(session, reservation.id, EXPIRED, now):
            stock.record(
                session,
                reservation.variant,
                stock.EXPIRE,
                actor,
                reserved=-reservation.quantity,
                reservation_id=reservation.id,
                now=now,
            )
            _record_event(session, events.HOLD_EXPIRED, reservation, actor, now)
            count += 1
    session.flush()
    return count
