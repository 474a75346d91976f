"""Which customers are due which follow-up, and whether one is still wanted when it goes out.

The worker runs every ``schedule_*`` on each pass (every 30 s, forever). A rule looks back
only ``LOOKBACK`` (a first run on an old shop must not message last month's customers),
leaves out in SQL what it scheduled before (``due_work.schedule``'s dedupe key stays the
last word when two workers race), and schedules nothing to a customer who opted out or is
outside the rule's ``Audience``. Between scheduling and sending the world moves on (the
customer paid, ordered, opted out; the variant sold out again): ``why_not_now`` asks again
just before sending, and ``sent`` does what a sent message means for the store.

One query per rule and a few batch lookups (opt-outs, customers' past orders), never one per
customer. Plain functions taking a session; the caller owns the transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, cast, func, literal, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload
from sqlalchemy.sql.elements import ColumnElement

from inventory_db import (
    due_work,
    messaging_optouts,
    order_states,
    orders,
    payment_receipts,
    ratings,
    reservations,
    restock,
    stock,
)
from inventory_db.automation_models import DueWork
from inventory_db.models import Order, OrderStatusChange, Product, Reservation, RestockRequest, Variant

NEW = "new"
RETURNING = "returning"
SEGMENTS = (NEW, RETURNING)

LOOKBACK = timedelta(days=2)  # occasions older than this are never scheduled
RESTOCK_LOOKBACK = timedelta(days=30)  # a promise to tell a customer goes stale after a month
REMINDER_GAP = timedelta(days=1)  # one abandoned-checkout reminder a day, whatever the number of holds

# Why a follow-up is no longer wanted (``why_not_now``), kept in due_work.reason for the dashboard.
OPTED_OUT = "opted out"
ORDERED_SINCE = "ordered since"
BACK_IN_CHECKOUT = "back in checkout"
REMINDED_TODAY = "reminded already today"
RECEIPT_RECEIVED = "receipt received"
DEADLINE_PASSED = "deadline passed"
RATED_ALREADY = "rated already"
TOLD_ALREADY = "told already"
SOLD_OUT_AGAIN = "sold out again"
NO_LONGER_SOLD = "no longer sold"
ORDER_NOT_FOUND = "order not found"
HOLD_NOT_FOUND = "hold not found"

_HOLD = "hold:"
_ORDER = "order:"
_RESTOCK = "restock:"
# Statuses of an order the customer paid for; one paid and later cancelled or returned also counts.
_PAID_STATUSES = (order_states.PAID, order_states.SHIPPED, order_states.DELIVERED)


@dataclass(frozen=True)
class Audience:
    """Who a rule applies to; None = no condition. ``sources`` are ``orders.SOURCES``; an
    occasion with no known source (a hold, a restock request) passes only when it is None.
    Spending (toman, paid orders before the occasion) is a band: ``min_spent`` inclusive,
    ``max_spent`` exclusive."""

    segments: frozenset[str] | None = None
    sources: frozenset[str] | None = None
    min_spent: int | None = None
    max_spent: int | None = None

    def __post_init__(self) -> None:
        if self.segments is not None and not set(self.segments) <= set(SEGMENTS):
            raise ValueError(f"segments must be some of {', '.join(SEGMENTS)}, not {sorted(self.segments)}")
        if self.sources is not None and not set(self.sources) <= set(orders.SOURCES):
            raise ValueError(f"sources must be some of {', '.join(orders.SOURCES)}, not {sorted(self.sources)}")
        for name in ("min_spent", "max_spent"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(f"{name} must be a whole number of toman from 0, not {value!r}")
        if self.min_spent is not None and self.max_spent is not None and self.min_spent >= self.max_spent:
            raise ValueError(f"min_spent {self.min_spent} leaves nobody below max_spent {self.max_spent}")

    @property
    def judges_customer(self) -> bool:
        """True when the customer's past orders matter (else they need not be looked up)."""
        return self.segments is not None or self.min_spent is not None or self.max_spent is not None


@dataclass(frozen=True)
class Customer:
    """A customer as an ``Audience`` sees them: their paid orders before the occasion."""

    orders_before: int
    spent: int

    @property
    def segment(self) -> str:
        return NEW if self.orders_before == 0 else RETURNING


_ANYONE = Customer(0, 0)  # for an audience that does not judge the customer


def _paid() -> ColumnElement[bool]:
    reached_paid = (
        select(OrderStatusChange.id)
        .where(OrderStatusChange.order_id == Order.id, OrderStatusChange.to_status == order_states.PAID)
        .exists()
    )
    return or_(Order.status.in_(_PAID_STATUSES), reached_paid)


def _customers_before(
    session: Session, wanted: Collection[tuple[str, datetime]]
) -> dict[tuple[str, datetime], Customer]:
    """Each (customer, time) as the customer was then: one query for a whole batch."""
    if not wanted:
        return {}
    paid: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    rows = session.execute(
        select(Order.customer_id, Order.created_at, Order.total).where(
            Order.customer_id.in_(sorted({customer_id for customer_id, _ in wanted})),
            Order.created_at < max(before for _, before in wanted),
            _paid(),
        )
    )
    for customer_id, created_at, total in rows:
        paid[customer_id].append((created_at, int(total)))
    found = {}
    for customer_id, before in wanted:
        earlier = [total for created_at, total in paid[customer_id] if created_at < before]
        found[(customer_id, before)] = Customer(len(earlier), sum(earlier))
    return found


def customer_before(session: Session, customer_id: str, before: datetime) -> Customer:
    """The customer's paid orders (and their totals) placed before ``before``: a first-time
    buyer is "new" even after their own order, since that order is the occasion."""
    return _customers_before(session, [(customer_id, before)])[(customer_id, before)]


def applies(audience: Audience, customer: Customer, source: str | None) -> bool:
    if audience.segments is not None and customer.segment not in audience.segments:
        return False
    if audience.sources is not None and source not in audience.sources:
        return False
    if audience.min_spent is not None and customer.spent < audience.min_spent:
        return False
    return audience.max_spent is None or customer.spent < audience.max_spent


@dataclass(frozen=True)
class _Occasion:
    """Something that may call for a follow-up, before the customer is checked."""

    key: str
    customer_id: str
    due_at: datetime
    judged_at: datetime  # the customer is judged by their orders placed before this
    source: str | None
    payload: dict[str, Any]
    order_number: int | None = None
    variant_id: int | None = None


def _not_scheduled(kind: str, prefix: str, id_column: Any) -> ColumnElement[bool]:
    """SQL: no follow-up of ``kind`` keyed "<prefix><id>" yet, so a rule run every 30 s reads
    only what is new (an index lookup on the dedupe key's unique constraint)."""
    key = literal(prefix) + cast(id_column, String)
    return ~select(DueWork.id).where(DueWork.kind == kind, DueWork.dedupe_key == key).exists()


def _wanted(session: Session, occasions: list[_Occasion], audience: Audience) -> list[_Occasion]:
    """The occasions (in order) whose customer has not opted out and is in the audience."""
    opted_out = messaging_optouts.opted_out(session, {o.customer_id for o in occasions})
    kept = [o for o in occasions if o.customer_id not in opted_out]
    customers = (
        _customers_before(session, {(o.customer_id, o.judged_at) for o in kept}) if audience.judges_customer else {}
    )
    return [o for o in kept if applies(audience, customers.get((o.customer_id, o.judged_at), _ANYONE), o.source)]


def _schedule(session: Session, kind: str, occasions: Iterable[_Occasion], now: datetime) -> int:
    scheduled = 0
    for o in occasions:
        item = due_work.schedule(
            session,
            kind,
            o.key,
            o.customer_id,
            o.due_at,
            order_number=o.order_number,
            variant_id=o.variant_id,
            payload=o.payload,
            now=now,
        )
        scheduled += item is not None
    return scheduled


def _check_delay(delay: timedelta) -> None:
    if delay < timedelta(0):
        raise ValueError(f"a follow-up's delay cannot be negative ({delay})")


def _variant_payload(variant: Variant) -> dict[str, Any]:
    product = variant.product
    return {
        "code": product.code,
        "name_fa": product.name_fa,
        "name_en": product.name_en,
        "color": variant.color,
        "size": variant.size,
    }


def schedule_abandoned_checkouts(session: Session, now: datetime, delay: timedelta, audience: Audience) -> int:
    """A hold that lapsed unordered (expired, or active past ``expires_at`` and not swept yet)
    within ``LOOKBACK``, from a customer who has not ordered since it began: a reminder
    ``delay`` after it lapsed. A released hold was the customer's own "no": never."""
    _check_delay(delay)
    now = stock.now_or(now)
    ordered_since = (
        select(Order.id)
        .where(Order.customer_id == Reservation.customer_id, Order.created_at >= Reservation.created_at)
        .exists()
    )
    holds = session.execute(
        select(Reservation)
        .options(joinedload(Reservation.variant).joinedload(Variant.product))
        .where(
            or_(
                Reservation.status == reservations.EXPIRED,
                and_(Reservation.status == reservations.ACTIVE, Reservation.expires_at <= now),
            ),
            Reservation.expires_at >= now - LOOKBACK,
            _not_scheduled(due_work.ABANDONED_CHECKOUT, _HOLD, Reservation.id),
            ~ordered_since,
        )
        .order_by(Reservation.id)
    ).scalars()
    occasions = [
        _Occasion(
            key=f"{_HOLD}{hold.id}",
            customer_id=hold.customer_id,
            due_at=hold.expires_at + delay,
            judged_at=hold.created_at,
            source=None,
            payload={**_variant_payload(hold.variant), "quantity": hold.quantity, "unit_price": hold.unit_price},
            variant_id=hold.variant_id,
        )
        for hold in holds
    ]
    return _schedule(session, due_work.ABANDONED_CHECKOUT, _wanted(session, occasions, audience), now)


def schedule_payment_reminders(session: Session, now: datetime, before_deadline: timedelta, audience: Audience) -> int:
    """An order awaiting payment whose deadline is still ahead: a reminder ``before_deadline``
    before it (not before the order was placed). Past the deadline there is nothing to remind
    of, so the awaiting orders read are the last payment window's, bounded by time."""
    _check_delay(before_deadline)
    now = stock.now_or(now)
    awaiting = session.execute(
        select(Order)
        .where(
            Order.status == order_states.AWAITING_PAYMENT,
            Order.payment_due_at > now,
            _not_scheduled(due_work.PAYMENT_REMINDER, _ORDER, Order.number),
        )
        .order_by(Order.number)
    ).scalars()
    occasions = [
        _Occasion(
            key=f"{_ORDER}{order.number}",
            customer_id=order.customer_id,
            due_at=max(order.payment_due_at - before_deadline, order.created_at),
            judged_at=order.created_at,
            source=order.source,
            payload={
                "order_number": order.number,
                "total": order.total,
                "payment_due_at": order.payment_due_at.isoformat(),
            },
            order_number=order.number,
        )
        for order in awaiting
    ]
    return _schedule(session, due_work.PAYMENT_REMINDER, _wanted(session, occasions, audience), now)


def _reached(session: Session, kind: str, status: str, since: datetime) -> list[tuple[Order, datetime]]:
    """Orders whose history reached ``status`` at or after ``since`` and have no ``kind`` follow-up
    yet, each with when it got there."""
    reached = (
        select(OrderStatusChange.order_id, func.min(OrderStatusChange.created_at).label("at"))
        .where(OrderStatusChange.to_status == status, OrderStatusChange.created_at >= since)
        .group_by(OrderStatusChange.order_id)
        .subquery()
    )
    rows = session.execute(
        select(Order, reached.c.at)
        .join(reached, reached.c.order_id == Order.id)
        .where(_not_scheduled(kind, _ORDER, Order.number))
        .order_by(Order.number)
    )
    return [(order, at) for order, at in rows]


def schedule_shipped_notices(session: Session, now: datetime, audience: Audience) -> int:
    """An order shipped within ``LOOKBACK``: "it is on its way", with the tracking code, at once."""
    now = stock.now_or(now)
    occasions = [
        _Occasion(
            key=f"{_ORDER}{order.number}",
            customer_id=order.customer_id,
            due_at=at,
            judged_at=order.created_at,
            source=order.source,
            payload={
                "order_number": order.number,
                "tracking_code": order.tracking_code,
                "shipping_method": order.shipping_method,
            },
            order_number=order.number,
        )
        for order, at in _reached(session, due_work.SHIPPED, order_states.SHIPPED, now - LOOKBACK)
    ]
    return _schedule(session, due_work.SHIPPED, _wanted(session, occasions, audience), now)


def schedule_rating_requests(session: Session, now: datetime, delay: timedelta, audience: Audience) -> int:
    """An order delivered: ask for a rating ``delay`` later. Deliveries are read back
    ``LOOKBACK`` before the request falls due, so a long delay still finds its order."""
    _check_delay(delay)
    now = stock.now_or(now)
    occasions = [
        _Occasion(
            key=f"{_ORDER}{order.number}",
            customer_id=order.customer_id,
            due_at=at + delay,
            judged_at=order.created_at,
            source=order.source,
            payload={"order_number": order.number},
            order_number=order.number,
        )
        for order, at in _reached(session, due_work.RATING, order_states.DELIVERED, now - LOOKBACK - delay)
    ]
    return _schedule(session, due_work.RATING, _wanted(session, occasions, audience), now)


def _restock_key(request_id: int, round_: int) -> str:
    """ "restock:12" for the first telling; "restock:12#2" when the first was skipped because the
    variant sold out again before it went out, and the customer is still owed the news."""
    return f"{_RESTOCK}{request_id}" if round_ == 1 else f"{_RESTOCK}{request_id}#{round_}"


def _restock_id(key: str) -> int | None:
    if not key.startswith(_RESTOCK):
        return None
    number = key[len(_RESTOCK) :].split("#", 1)[0]
    return int(number) if number.isdigit() else None


def schedule_back_in_stock(session: Session, now: datetime, audience: Audience) -> int:
    """Customers waiting (within ``RESTOCK_LOOKBACK``) for a variant on sale with units
    available again: the oldest requests first, no more at once than the units not already
    promised to a follow-up still pending, so ten waiting customers are not all told about the
    last unit. When one is told and the units are still there, the next is told on a later run."""
    now = stock.now_or(now)
    requests = (
        session.execute(
            select(RestockRequest)
            .join(Variant, Variant.id == RestockRequest.variant_id)
            .join(Product, Product.id == Variant.product_id)
            .options(contains_eager(RestockRequest.variant).contains_eager(Variant.product))
            .where(
                RestockRequest.notified_at.is_(None),
                RestockRequest.created_at >= now - RESTOCK_LOOKBACK,
                Variant.active.is_(True),
                Product.active.is_(True),
            )
            .order_by(RestockRequest.created_at, RestockRequest.id)
        )
        .scalars()
        .all()
    )
    if not requests:
        return 0
    variants = {request.variant_id: request.variant for request in requests}
    committed = stock.committed_units(session, list(variants), now)
    available = {
        variant_id: stock.free_units(variant.on_hand, *committed.get(variant_id, (0, 0)))
        for variant_id, variant in variants.items()
    }
    back = [variant_id for variant_id, units in available.items() if units > 0]
    if not back:
        return 0
    pending: dict[int, int] = defaultdict(int)  # follow-ups not sent yet, per variant
    earlier: dict[int, list[tuple[str, str | None]]] = defaultdict(list)  # (status, reason) per request
    items = session.execute(
        select(DueWork.variant_id, DueWork.dedupe_key, DueWork.status, DueWork.reason).where(
            DueWork.kind == due_work.BACK_IN_STOCK,
            DueWork.variant_id.in_(back),
            or_(DueWork.status.in_(due_work.UNSENT), DueWork.created_at >= now - RESTOCK_LOOKBACK),
        )
    )
    for variant_id, key, status, reason in items:
        pending[variant_id] += status in due_work.UNSENT
        request_id = _restock_id(key)
        if request_id is not None:
            earlier[request_id].append((status, reason))
    occasions = [
        _Occasion(
            key=_restock_key(request.id, len(earlier[request.id]) + 1),
            customer_id=request.customer_id,
            due_at=now,
            judged_at=request.created_at,
            source=None,
            payload={
                "request_id": request.id,
                **_variant_payload(request.variant),
                "unit_price": request.variant.price,
            },
            variant_id=request.variant_id,
        )
        for request in requests
        if available[request.variant_id] > 0
        and all(status == due_work.SKIPPED and reason == SOLD_OUT_AGAIN for status, reason in earlier[request.id])
    ]
    room = {variant_id: available[variant_id] - pending[variant_id] for variant_id in back}
    chosen = []
    for occasion in _wanted(session, occasions, audience):
        assert occasion.variant_id is not None
        if room[occasion.variant_id] > 0:
            room[occasion.variant_id] -= 1
            chosen.append(occasion)
    return _schedule(session, due_work.BACK_IN_STOCK, chosen, now)


def _key_number(item: due_work.DueItem, prefix: str) -> int | None:
    rest = item.dedupe_key[len(prefix) :] if item.dedupe_key.startswith(prefix) else ""
    return int(rest) if rest.isdigit() else None


def _order(session: Session, item: due_work.DueItem) -> tuple[int, str, datetime] | None:
    """(number, status, payment deadline) of the item's order, read fresh."""
    if item.order_number is None:
        return None
    query = select(Order.number, Order.status, Order.payment_due_at).where(Order.number == item.order_number)
    row = session.execute(query).first()
    return None if row is None else (row[0], row[1], row[2])


def _abandoned_checkout(session: Session, item: due_work.DueItem, now: datetime) -> str | None:
    hold_id = _key_number(item, _HOLD)
    began = session.execute(select(Reservation.created_at).where(Reservation.id == hold_id)).scalar_one_or_none()
    if began is None:
        return HOLD_NOT_FOUND
    ordered = select(Order.id).where(Order.customer_id == item.customer_id, Order.created_at >= began)
    if session.execute(ordered.limit(1)).first() is not None:
        return ORDERED_SINCE
    holding = select(Reservation.id).where(
        Reservation.customer_id == item.customer_id,
        Reservation.status == reservations.ACTIVE,
        Reservation.expires_at > now,
    )
    if session.execute(holding.limit(1)).first() is not None:
        return BACK_IN_CHECKOUT
    reminded = select(DueWork.id).where(
        DueWork.kind == due_work.ABANDONED_CHECKOUT,
        DueWork.customer_id == item.customer_id,
        DueWork.status == due_work.SENT,
        DueWork.finished_at > now - REMINDER_GAP,
        DueWork.id != item.id,
    )
    if session.execute(reminded.limit(1)).first() is not None:
        return REMINDED_TODAY
    return None


def _payment_reminder(session: Session, item: due_work.DueItem, now: datetime) -> str | None:
    found = _order(session, item)
    if found is None:
        return ORDER_NOT_FOUND
    number, status, payment_due_at = found
    if status != order_states.AWAITING_PAYMENT:
        return f"order is {status}"
    if payment_receipts.receipts_for(session, number):
        return RECEIPT_RECEIVED
    if payment_due_at <= now:
        return DEADLINE_PASSED
    return None


def _shipped(session: Session, item: due_work.DueItem, now: datetime) -> str | None:
    """Only while the parcel is on its way: cancelled or returned, and also delivered already
    (a worker that was down for days), "it has shipped" is no news."""
    found = _order(session, item)
    if found is None:
        return ORDER_NOT_FOUND
    status = found[1]
    return None if status == order_states.SHIPPED else f"order is {status}"


def _rating(session: Session, item: due_work.DueItem, now: datetime) -> str | None:
    found = _order(session, item)
    if found is None:
        return ORDER_NOT_FOUND
    number, status, _ = found
    if ratings.get_rating(session, number) is not None:
        return RATED_ALREADY
    return None if status == order_states.DELIVERED else f"order is {status}"


def _back_in_stock(session: Session, item: due_work.DueItem, now: datetime) -> str | None:
    request_id = item.payload.get("request_id")
    request = None if request_id is None else session.get(RestockRequest, request_id, populate_existing=True)
    if request is None or request.notified_at is not None:
        return TOLD_ALREADY
    variant = request.variant
    if not (variant.active and variant.product.active):
        return NO_LONGER_SOLD
    if stock.available_units(session, variant, now) == 0:
        return SOLD_OUT_AGAIN
    return None


_WHY_NOT: dict[str, Callable[[Session, due_work.DueItem, datetime], str | None]] = {
    due_work.ABANDONED_CHECKOUT: _abandoned_checkout,
    due_work.PAYMENT_REMINDER: _payment_reminder,
    due_work.SHIPPED: _shipped,
    due_work.RATING: _rating,
    due_work.BACK_IN_STOCK: _back_in_stock,
}


def why_not_now(session: Session, item: due_work.DueItem, now: datetime) -> str | None:
    """A short reason to skip ``item`` (kept in due_work.reason, shown on the dashboard), or None
    when it is still wanted: asked just before sending, since things change after scheduling."""
    check = _WHY_NOT.get(item.kind)
    if check is None:
        raise ValueError(f"unknown follow-up kind {item.kind!r}")
    now = stock.now_or(now)
    if messaging_optouts.is_opted_out(session, item.customer_id):
        return OPTED_OUT
    return check(session, item, now)


def sent(session: Session, item: due_work.DueItem, now: datetime) -> None:
    """What a sent follow-up means for the store: a customer told their variant is back has
    had their request answered (a request gone with its variant has nothing left to mark)."""
    if item.kind != due_work.BACK_IN_STOCK:
        return
    try:
        restock.mark_notified(session, int(item.payload["request_id"]), stock.now_or(now))
    except restock.UnknownRestockRequest:
        pass
