"""Orders: placement (idempotent, never overselling), numbering, and status changes.

An order sets its units aside while it is open (awaiting payment within its
deadline, or paid); shipping takes them off the shelf; cancelling or expiring
puts them back on sale; a return puts them back on hand. Every step is recorded in
``order_status_changes`` and as a business event (``events``), and every unit moved
in the stock ledger.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from inventory_db import events, order_states, reservations, settings, stock
from inventory_db.errors import (
    CustomerLimitReached,
    IllegalTransition,
    InvalidOrder,
    OutOfStock,
    ReservationNotActive,
    UnknownOrder,
    UnknownReservation,
)
from inventory_db.models import Counter, Order, OrderItem, OrderStatusChange, check_length
from inventory_db.policy import CustomerLimits
from shoplang.normalize import canonical_order_number, to_ascii_digits

FIRST_ORDER_NUMBER = 1001
ORDER_NUMBER_COUNTER = "order_number"
# Where the customer found the product, when the channel knows it.
SOURCES: tuple[str, ...] = ("post", "story", "reel", "ad", "comment", "direct", "link")

_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_PHONE = re.compile(r"\+?\d{7,15}")
_POSTAL_CODE = re.compile(r"\d{5,10}")


@dataclass(frozen=True)
class Customer:
    """Who an order goes to: their Instagram id and delivery details."""

    instagram_id: str
    name: str
    phone: str
    address: str
    postal_code: str | None = None


@dataclass(frozen=True)
class ItemRequest:
    """A line to order without a prior reservation."""

    code: str
    color: str
    size: str
    quantity: int


@dataclass(frozen=True)
class OrderItemInfo:
    code: str
    name_fa: str
    name_en: str
    color: str
    size: str
    quantity: int
    unit_price: int

    @property
    def line_total(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class StatusChange:
    from_status: str | None
    to_status: str
    actor: str
    note: str | None
    at: datetime


@dataclass(frozen=True)
class OrderInfo:
    """An order as plain values, safe to use after the session ends."""

    number: int
    status: str
    customer_id: str
    customer_name: str
    phone: str
    address: str
    postal_code: str | None
    shipping_method: str
    source: str | None
    subtotal: int
    shipping_fee: int
    total: int
    tracking_code: str | None
    payment_due_at: datetime
    created_at: datetime
    items: tuple[OrderItemInfo, ...] = field(default_factory=tuple)
    history: tuple[StatusChange, ...] = field(default_factory=tuple)

    def awaits_payment(self, now: datetime) -> bool:
        """True while the customer can still pay and the units are still kept."""
        return self.status == order_states.AWAITING_PAYMENT and self.payment_due_at > now


def order_info(order: Order) -> OrderInfo:
    """The plain record services hand out for an ORM order (its items and history loaded)."""
    return OrderInfo(
        number=order.number,
        status=order.status,
        customer_id=order.customer_id,
        customer_name=order.customer_name,
        phone=order.phone,
        address=order.address,
        postal_code=order.postal_code,
        shipping_method=order.shipping_method,
        source=order.source,
        subtotal=order.subtotal,
        shipping_fee=order.shipping_fee,
        total=order.total,
        tracking_code=order.tracking_code,
        payment_due_at=order.payment_due_at,
        created_at=order.created_at,
        items=tuple(
            OrderItemInfo(i.product_code, i.name_fa, i.name_en, i.color, i.size, i.quantity, i.unit_price)
            for i in order.items
        ),
        history=tuple(StatusChange(c.from_status, c.to_status, c.actor, c.note, c.created_at) for c in order.changes),
    )


def parse_order_number(text: str) -> int:
    """ "1024", "۱۰۲۴", "#1024", "سفارش ۱۰۲۴" → 1024; UnknownOrder when there is no number."""
    number = canonical_order_number(text)
    if number is None:
        raise UnknownOrder(str(text).strip())
    return int(number)


def _clean_customer(customer: Customer) -> Customer:
    missing = [
        name for name in ("instagram_id", "name", "phone", "address") if not str(getattr(customer, name) or "").strip()
    ]
    if missing:
        raise InvalidOrder(f"the order needs the customer's {', '.join(missing)}")
    name, address = " ".join(customer.name.split()), " ".join(customer.address.split())
    check_length(Order.customer_id, customer.instagram_id.strip())
    check_length(Order.customer_name, name)
    check_length(Order.phone, customer.phone, "phone")
    check_length(Order.address, address)
    check_length(Order.postal_code, customer.postal_code, "postal_code")
    phone = _PHONE_SEPARATORS.sub("", to_ascii_digits(customer.phone))
    if not _PHONE.fullmatch(phone):
        raise InvalidOrder(f"'{customer.phone}' is not a phone number")
    postal_code = None
    if customer.postal_code and customer.postal_code.strip():
        postal_code = _PHONE_SEPARATORS.sub("", to_ascii_digits(customer.postal_code))
        if not _POSTAL_CODE.fullmatch(postal_code):
            raise InvalidOrder(f"'{customer.postal_code}' is not a postal code")
    return Customer(
        instagram_id=customer.instagram_id.strip(), name=name, phone=phone, address=address, postal_code=postal_code
    )


def _load(session: Session, number: int, lock: bool = False) -> Order:
    query = select(Order).options(selectinload(Order.items), selectinload(Order.changes)).where(Order.number == number)
    if lock:
        query = query.with_for_update(key_share=True).execution_options(populate_existing=True)
    order = session.execute(query).scalar_one_or_none()
    if order is None:
        raise UnknownOrder(number)
    return order


def _by_key(session: Session, idempotency_key: str) -> Order | None:
    return session.execute(
        select(Order)
        .options(selectinload(Order.items), selectinload(Order.changes))
        .where(Order.idempotency_key == idempotency_key)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _existing(order: Order, customer: Customer) -> OrderInfo:
    if order.customer_id != customer.instagram_id:
        raise InvalidOrder("this idempotency key belongs to another customer's order")
    return order_info(order)


def _next_number(session: Session) -> int:
    """The next order number, taken inside the placing transaction (a row lock on PostgreSQL)."""
    session.execute(
        update(Counter)
        .where(Counter.name == ORDER_NUMBER_COUNTER)
        .values(value=Counter.value + 1)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(select(Counter.value).where(Counter.name == ORDER_NUMBER_COUNTER)).scalar_one())


def place_order(
    session: Session,
    idempotency_key: str,
    customer: Customer,
    *,
    reservation_ids: Sequence[int] = (),
    items: Iterable[ItemRequest] = (),
    shipping_method: str,
    source: str | None = None,
    shipping_fee: int = 0,
    actor: str,
    now: datetime | None = None,
    payment_window: timedelta | None = None,
    limits: CustomerLimits | None = None,
) -> OrderInfo:
    """Place an order from the customer's holds and/or items; the same key gives the same order.

    Holds become the order's allocation at the price they were made at; items are
    taken from what is available now at today's price. The holds and then all variant
    rows involved are locked (in id order, the store's lock order) before anything is
    checked, so placing never oversells and a second call with the same
    ``idempotency_key``, even a concurrent one, returns the first order without
    touching stock again. ``limits``: refuse a new order to a customer with as many
    unpaid orders as allowed (a customer's checkout passes the shop's).
    """
    key = (idempotency_key or "").strip()
    if not key:
        raise InvalidOrder("an order needs an idempotency key")
    if len(key) > 200:
        raise InvalidOrder("the idempotency key is longer than 200 characters")
    customer = _clean_customer(customer)
    existing = _by_key(session, key)
    if existing is not None:
        return _existing(existing, customer)

    items = list(items)
    if not items and not reservation_ids:
        raise InvalidOrder("an order needs at least one item")
    if not shipping_method or not shipping_method.strip():
        raise InvalidOrder("an order needs a shipping method")
    check_length(Order.shipping_method, shipping_method.strip())
    if source is not None and source not in SOURCES:
        raise InvalidOrder(f"unknown order source '{source}' (known: {', '.join(SOURCES)})")
    if isinstance(shipping_fee, bool) or not isinstance(shipping_fee, int) or shipping_fee < 0:
        raise InvalidOrder(f"shipping fee {shipping_fee!r} is not a whole number of toman")
    if len(set(reservation_ids)) != len(reservation_ids):
        raise InvalidOrder("the same reservation is listed twice")
    now = stock.now_or(now)
    window = settings.payment_window() if payment_window is None else payment_window

    wanted = [
        (stock.find_variant(session, i.code, i.color, i.size, sellable=True), reservations.check_quantity(i.quantity))
        for i in items
    ]
    locked = reservations.lock_holds(session, reservation_ids)
    for reservation_id in reservation_ids:
        if reservation_id not in locked or locked[reservation_id].customer_id != customer.instagram_id:
            raise UnknownReservation(reservation_id)
    holds = list(locked.values())
    variants = stock.lock_variants(session, [v.id for v, _ in wanted] + [h.variant_id for h in holds])

    # A same-key twin may have committed while this one waited for the locks.
    existing = _by_key(session, key)
    if existing is not None:
        return _existing(existing, customer)
    if limits is not None:
        check_unpaid_limit(session, customer.instagram_id, limits, now)

    needed: dict[int, int] = defaultdict(int)  # units to take from what is available now
    for hold in holds:
        if hold.status != reservations.ACTIVE:
            raise ReservationNotActive(hold.id, hold.status)
        if hold.expires_at <= now:  # lapsed: its units no longer count, take them again
            needed[hold.variant_id] += hold.quantity
    for variant, quantity in wanted:
        needed[variant.id] += quantity
    committed = stock.committed_units(session, list(needed), now)
    for variant_id, quantity in needed.items():
        variant = variants[variant_id]
        available = stock.free_units(variant.on_hand, *committed.get(variant_id, (0, 0)))
        if available < quantity:
            raise OutOfStock(variant.product.code, variant.color, variant.size, quantity, available)

    lines = [(h.variant, h.quantity, h.unit_price) for h in holds] + [
        (variants[v.id], q, variants[v.id].price) for v, q in wanted
    ]
    subtotal = sum(q * price for _, q, price in lines)
    try:
        with session.begin_nested():
            order = Order(
                number=_next_number(session),
                idempotency_key=key,
                status=order_states.AWAITING_PAYMENT,
                customer_id=customer.instagram_id,
                customer_name=customer.name,
                phone=customer.phone,
                address=customer.address,
                postal_code=customer.postal_code,
                shipping_method=shipping_method.strip(),
                shipping_fee=shipping_fee,
                source=source,
                subtotal=subtotal,
                total=subtotal + shipping_fee,
                payment_due_at=now + window,
                created_at=now,
                updated_at=now,
            )
            order.items = [
                OrderItem(
                    variant_id=v.id,
                    product_code=v.product.code,
                    name_fa=v.product.name_fa,
                    name_en=v.product.name_en,
                    color=v.color,
                    size=v.size,
                    quantity=q,
                    unit_price=price,
                )
                for v, q, price in lines
            ]
            order.changes = [
                OrderStatusChange(
                    from_status=None, to_status=order_states.AWAITING_PAYMENT, actor=actor[:100], created_at=now
                )
            ]
            session.add(order)
            session.flush()
            for hold in holds:
                reservations.convert(session, hold, order.id, actor, now)
            for variant, quantity in wanted:
                stock.record(
                    session, variants[variant.id], stock.ORDER, actor, allocated=quantity, order_id=order.id, now=now
                )
            _record_event(session, order, actor, now)
            session.flush()
    except IntegrityError:
        existing = _by_key(session, key)  # a concurrent twin won the unique key
        if existing is None:
            raise
        return _existing(existing, customer)
    return order_info(order)


def check_unpaid_limit(session: Session, customer_id: str, limits: CustomerLimits, now: datetime | None = None) -> None:
    """CustomerLimitReached when the customer already has as many orders awaiting payment
    (within their deadline) as one customer may."""
    unpaid = session.execute(
        select(func.count()).where(
            Order.customer_id == customer_id,
            Order.status == order_states.AWAITING_PAYMENT,
            Order.payment_due_at > stock.now_or(now),
        )
    ).scalar_one()
    if unpaid >= limits.max_unpaid_orders:
        raise CustomerLimitReached(customer_id, CustomerLimitReached.UNPAID_ORDERS, unpaid, limits.max_unpaid_orders)


def get_order(session: Session, number: int) -> OrderInfo:
    return order_info(_load(session, number))


def list_orders(
    session: Session, status: str | None = None, customer_id: str | None = None, limit: int | None = None
) -> list[OrderInfo]:
    """Orders by number, optionally only one status or one customer's (the newest ``limit``)."""
    if status is not None and status not in order_states.STATUSES:
        raise InvalidOrder(f"unknown order status '{status}' (known: {', '.join(order_states.STATUSES)})")
    query = select(Order).options(selectinload(Order.items), selectinload(Order.changes))
    if status is not None:
        query = query.where(Order.status == status)
    if customer_id is not None:
        query = query.where(Order.customer_id == customer_id)
    if limit:
        query = query.order_by(Order.number.desc()).limit(limit)
        return [order_info(o) for o in reversed(session.execute(query).scalars().all())]
    return [order_info(o) for o in session.execute(query.order_by(Order.number)).scalars()]


def customer_order(session: Session, customer_id: str, number: int) -> OrderInfo | None:
    """Order ``number`` when it is ``customer_id``'s; None for a number that does not exist
    and for someone else's alike, so a customer learns nothing about other people's orders."""
    try:
        order = get_order(session, number)
    except UnknownOrder:
        return None
    return order if order.customer_id == customer_id else None


def latest_order_for(session: Session, customer_id: str) -> OrderInfo | None:
    """The customer's most recent order ("where is my order?"), or None."""
    order = session.execute(
        select(Order)
        .options(selectinload(Order.items), selectinload(Order.changes))
        .where(Order.customer_id == customer_id)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return order_info(order) if order is not None else None


def _transition(
    session: Session,
    number: int,
    to_status: str,
    actor: str,
    now: datetime | None,
    note: str | None = None,
    tracking_code: str | None = None,
    expect_status: str | None = None,
) -> OrderInfo:
    """Move an order to ``to_status`` and move its stock accordingly, or raise IllegalTransition.

    ``expect_status``: only from this status, checked under the row lock (a customer's
    cancel must not catch an order the owner marked paid a moment before).
    """
    check_length(OrderStatusChange.note, note)
    check_length(Order.tracking_code, tracking_code)
    now = stock.now_or(now)
    order = _load(session, number, lock=True)
    from_status = order.status
    if expect_status is not None and from_status != expect_status:
        raise IllegalTransition(order.number, from_status, to_status)
    order_states.check_transition(order.number, from_status, to_status)
    by_variant: dict[int, int] = defaultdict(int)
    for item in order.items:
        by_variant[item.variant_id] += item.quantity
    variants = stock.lock_variants(session, list(by_variant))

    if to_status == order_states.PAID and order.payment_due_at <= now:
        # Paid after the deadline: its units stopped counting, so take them again if still there.
        committed = stock.committed_units(session, list(by_variant), now)
        for variant_id, quantity in by_variant.items():
            variant = variants[variant_id]
            available = stock.free_units(variant.on_hand, *committed.get(variant_id, (0, 0)))
            if available < quantity:
                raise OutOfStock(variant.product.code, variant.color, variant.size, quantity, available)
        note = note or "paid after the payment deadline"

    reason, on_hand_sign, allocated_sign = {
        order_states.SHIPPED: (stock.SALE, -1, -1),
        order_states.CANCELLED: (stock.CANCEL, 0, -1),
        order_states.EXPIRED: (stock.ORDER_EXPIRED, 0, -1),
        order_states.RETURNED: (stock.RETURN, 1, 0),
    }.get(to_status, (None, 0, 0))
    if reason is not None:
        for variant_id, quantity in sorted(by_variant.items()):
            variant = variants[variant_id]
            variant.on_hand += on_hand_sign * quantity
            stock.record(
                session,
                variant,
                reason,
                actor,
                on_hand=on_hand_sign * quantity,
                allocated=allocated_sign * quantity,
                order_id=order.id,
                now=now,
            )
    if tracking_code is not None:
        order.tracking_code = tracking_code
    order.status = to_status
    order.updated_at = now
    order.changes.append(
        OrderStatusChange(
            from_status=from_status,
            to_status=to_status,
            actor=actor[:100],
            note=note or None,
            created_at=now,
        )
    )
    _record_event(session, order, actor, now)
    session.flush()
    return order_info(order)


def _record_event(session: Session, order: Order, actor: str, now: datetime) -> None:
    """The business event of the order reaching its status, in the transaction that moved it."""
    events.record(
        session,
        events.ORDER_KINDS[order.status],
        order.customer_id,
        external=events.is_external(actor, order.customer_id),
        now=now,
        order_number=order.number,
        amount=order.total,
        quantity=sum(item.quantity for item in order.items),
        source=order.source,
    )


def mark_paid(
    session: Session, number: int, actor: str, note: str | None = None, now: datetime | None = None
) -> OrderInfo:
    """The owner saw the payment. Late payment works while the units are still there."""
    return _transition(session, number, order_states.PAID, actor, now, note)


def ship(session: Session, number: int, tracking_code: str, actor: str, now: datetime | None = None) -> OrderInfo:
    """The parcel left with ``tracking_code``: its units leave the shelf (a sale). A code typed on a
    Persian keyboard is kept in ASCII digits, as the carrier prints and looks it up."""
    tracking_code = to_ascii_digits((tracking_code or "").strip())
    if not tracking_code:
        raise InvalidOrder("shipping needs a tracking code")
    return _transition(session, number, order_states.SHIPPED, actor, now, tracking_code=tracking_code)


def deliver(session: Session, number: int, actor: str, now: datetime | None = None) -> OrderInfo:
    return _transition(session, number, order_states.DELIVERED, actor, now)


def cancel_order(
    session: Session,
    number: int,
    actor: str,
    note: str | None = None,
    now: datetime | None = None,
    expect_status: str | None = None,
) -> OrderInfo:
    """Cancel an order before it ships; its units go back on sale.

    With ``expect_status``, only an order still in that status (else IllegalTransition).
    """
    return _transition(session, number, order_states.CANCELLED, actor, now, note, expect_status=expect_status)


def return_order(
    session: Session, number: int, actor: str, note: str | None = None, now: datetime | None = None
) -> OrderInfo:
    """A shipped or delivered order came back; its units are on hand again."""
    return _transition(session, number, order_states.RETURNED, actor, now, note)


def expire_overdue(session: Session, now: datetime | None = None, actor: str = "sweeper") -> list[int]:
    """Mark unpaid orders past their deadline expired; returns their numbers.

    Their units already stopped counting at the deadline; this records it. In the store's
    lock order: every overdue order, then all their variants, then the steps. Locking one
    order's variants before the next order would wait in a circle with a ``mark_paid`` of
    that next order, which holds it and waits for a variant the sweeper has.
    """
    now = stock.now_or(now)
    # FOR UPDATE re-checks the condition on a row changed meanwhile: a just-paid order drops out.
    numbers = (
        session.execute(
            select(Order.number)
            .where(Order.status == order_states.AWAITING_PAYMENT, Order.payment_due_at <= now)
            .order_by(Order.id)
            .with_for_update(key_share=True)
        )
        .scalars()
        .all()
    )
    if numbers:
        stock.lock_variants(
            session,
            session.execute(select(OrderItem.variant_id).join(Order).where(Order.number.in_(numbers))).scalars().all(),
        )
    for number in numbers:
        _transition(session, number, order_states.EXPIRED, actor, now, "not paid by the deadline")
    return list(numbers)
