"""One customer's checkout: the hold on exactly the variant and quantity they settled on,
its price with shipping, and the order placed from it.

The conversation may change its mind any number of times before confirming; each
change swaps the hold in one transaction, so the shop never keeps units for a
variant the customer has moved on from, and never has two holds for one checkout.
The summary the customer confirms (``quote``) and the order placed (``place``) are
priced by the same function, so the total confirmed is the total ordered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from inventory_db import orders, reservations, stock
from inventory_db.errors import InvalidOrder, OutOfStock, UnknownReservation
from inventory_db.policy import CustomerLimits, ShippingMethod, ShopPolicy, load_policy
from inventory_db.reservations import ReservationInfo


@dataclass(frozen=True)
class HoldOutcome:
    """The hold now kept, or, when too few units are free, how many are."""

    hold: ReservationInfo | None
    available: int | None = None


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
    replaces: int | None = None,
    ttl: timedelta | None = None,
    now: datetime | None = None,
    limits: CustomerLimits | None = None,
) -> HoldOutcome:
    """Keep ``quantity`` units of the variant for this checkout, replacing its old hold.

    The old hold is released even when the new one cannot be had: the customer has
    moved on from it. A hold that already matches (and has not lapsed) is kept as is;
    so is a matching hold of this customer the checkout lost track of (a turn that
    failed after holding and was run again), rather than holding the units twice.
    A new hold is within the shop's ``limits`` (default: the policy file's) or raises
    CustomerLimitReached; this checkout's old hold does not count against them, and a
    customer who may not place another unpaid order is told now, not at the summary.
    """
    now = stock.now_or(now)
    limits = load_policy().limits if limits is None else limits
    if replaces is not None:
        current = _find(session, replaces)
        if (
            current is not None
            and current.customer_id == customer_id
            and _matches(current, code, color, size, quantity, now)
        ):
            return HoldOutcome(current)
        release_hold(session, replaces, customer_id, now)
    else:
        for orphan in reservations.active_for(session, customer_id, now):
            if _matches(orphan, code, color, size, quantity, now):
                return HoldOutcome(orphan)
    orders.check_unpaid_limit(session, customer_id, limits, now)
    try:
        with session.begin_nested():
            return HoldOutcome(
                reservations.reserve(session, code, color, size, quantity, customer_id, ttl=ttl, now=now, limits=limits)
            )
    except OutOfStock as short:
        return HoldOutcome(None, available=short.available)


def _find(session: Session, reservation_id: int) -> ReservationInfo | None:
    try:
        return reservations.get_reservation(session, reservation_id)
    except UnknownReservation:
        return None


def release_hold(session: Session, reservation_id: int, customer_id: str, now: datetime | None = None) -> None:
    """Give the checkout's units back; a hold that lapsed, was released or is not
    this customer's is left alone."""
    current = _find(session, reservation_id)
    if current is not None and current.customer_id == customer_id and current.status == reservations.ACTIVE:
        reservations.release(session, reservation_id, actor=f"customer:{customer_id}", now=now)


@dataclass(frozen=True)
class Quote:
    """What the customer is asked to confirm: the held units, priced, with shipping."""

    code: str
    color: str
    size: str
    quantity: int
    unit_price: int
    subtotal: int
    shipping_method: ShippingMethod
    shipping_fee: int
    total: int


def quote(session: Session, reservation_id: int, shipping_method: str, policy: ShopPolicy) -> Quote:
    """Price the hold at the price it was made at, with the fee of ``shipping_method`` (a key
    or any spelling the policy knows); InvalidOrder for a method the shop does not offer.

    The hold's state is not checked here: ``place`` does that when it matters, and a
    quote of an already placed hold is what makes a repeated ``place`` idempotent.
    """
    method = policy.shipping_method(shipping_method)
    if method is None:
        known = ", ".join(m.key for m in policy.shipping_methods)
        raise InvalidOrder(f"unknown shipping method '{shipping_method}' (known: {known})")
    held = reservations.get_reservation(session, reservation_id)
    fee = policy.shipping_fee(method, held.total)
    return Quote(
        code=held.code,
        color=held.color,
        size=held.size,
        quantity=held.quantity,
        unit_price=held.unit_price,
        subtotal=held.total,
        shipping_method=method,
        shipping_fee=fee,
        total=held.total + fee,
    )


def place(
    session: Session,
    customer_id: str,
    reservation_id: int,
    customer: orders.Customer,
    shipping_method: str,
    policy: ShopPolicy,
    source: str | None = None,
) -> orders.OrderInfo:
    """Place the order for exactly this checkout's hold, priced by ``quote``.

    Idempotent per hold: a confirmation that arrives twice returns the first order.
    The store's errors (OutOfStock, ReservationNotActive, UnknownReservation,
    InvalidOrder, TooLong, CustomerLimitReached) are raised unchanged for the caller to answer.
    """
    if customer.instagram_id.strip() != customer_id:
        raise InvalidOrder("the order's customer is not the checkout's customer")
    priced = quote(session, reservation_id, shipping_method, policy)
    return orders.place_order(
        session,
        f"chat:{customer_id}:hold:{reservation_id}",
        customer,
        reservation_ids=[reservation_id],
        shipping_method=priced.shipping_method.key,
        source=source,
        shipping_fee=priced.shipping_fee,
        actor=f"customer:{customer_id}",
        limits=policy.limits,
    )
