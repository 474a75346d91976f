"""Business events, recorded when they happen: what the owner's reports count.

Chatwoot's reporting-events pattern rather than mining Rasa's trackers afterwards. The
store services record their own events (an order placed or paid, a hold placed or
expired, a restock request, a hand-off) in the transaction that makes the change, so a
rolled-back order leaves no event and a committed one always has its event. The
actions record the conversation's own (a conversation started, an inquiry, a checkout
step reached, a fallback) with one call each. The table is append-only: nothing here
changes or deletes a row, and migration 0009 back-filled the events of the store's past.

Why plain typed columns rather than a JSON document: every figure of the reports
filters or groups by one of a few facts (the product and variant, the order number
and amount, the source and ref, the form's step, the fallback text). As columns they
read the same in SQL on SQLite and PostgreSQL (``GROUP BY product_code``,
``SUM(amount)``), need no cast before summing, can be indexed, and have lengths like
every other column; a JSON column would need ``json_extract`` on one database and
``->>`` on the other. Each kind fills the columns it has and leaves the rest NULL:

- conversation_started: source (direct, post, reel, story, ad, link, comment), ref, ad_id
- inquiry: product_code, color and size as asked (None when not said), available
  (units free when asked: 0 means the customer asked for something none was left of)
- checkout_step: step (the form slot asked for the first time, or ``summary_shown``)
- hold_placed / hold_released / hold_expired: product_code, color, size, quantity, amount
  (a hold that becomes an order has no event of its own: the order_placed is it)
- order_placed / _paid / _shipped / _delivered / _cancelled / _expired / _returned:
  order_number, amount (the order's total), quantity (its units), source
- restock_requested: product_code, color, size
- handoff_requested / handoff_released: nothing more
- fallback: text (normalised, long numbers masked, at most 200 characters)

``external`` marks an event no customer message caused (the owner marked an order
paid, the sweeper expired a hold, a follow-up sent later): reports never count those
as the customer's doing. ``conversation_id`` is the sender id on Instagram and REST,
where a customer has one conversation; a channel with threads may pass its own.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_db import message_log, order_states
from inventory_db.events_models import BusinessEvent
from inventory_db.models import utcnow
from shoplang.normalize import fold

CONVERSATION_STARTED = "conversation_started"
INQUIRY = "inquiry"
CHECKOUT_STEP = "checkout_step"
HOLD_PLACED = "hold_placed"
HOLD_RELEASED = "hold_released"
HOLD_EXPIRED = "hold_expired"
ORDER_PLACED = "order_placed"
ORDER_PAID = "order_paid"
ORDER_SHIPPED = "order_shipped"
ORDER_DELIVERED = "order_delivered"
ORDER_CANCELLED = "order_cancelled"
ORDER_EXPIRED = "order_expired"
ORDER_RETURNED = "order_returned"
RESTOCK_REQUESTED = "restock_requested"
HANDOFF_REQUESTED = "handoff_requested"
HANDOFF_RELEASED = "handoff_released"
FALLBACK = "fallback"

KINDS: tuple[str, ...] = (
    CONVERSATION_STARTED, INQUIRY, CHECKOUT_STEP,
    HOLD_PLACED, HOLD_RELEASED, HOLD_EXPIRED,
    ORDER_PLACED, ORDER_PAID, ORDER_SHIPPED, ORDER_DELIVERED, ORDER_CANCELLED, ORDER_EXPIRED, ORDER_RETURNED,
    RESTOCK_REQUESTED, HANDOFF_REQUESTED, HANDOFF_RELEASED, FALLBACK,
)  # fmt: skip

# The event of an order reaching each status (placing it is reaching awaiting_payment).
ORDER_KINDS: dict[str, str] = {
    order_states.AWAITING_PAYMENT: ORDER_PLACED,
    order_states.PAID: ORDER_PAID,
    order_states.SHIPPED: ORDER_SHIPPED,
    order_states.DELIVERED: ORDER_DELIVERED,
    order_states.CANCELLED: ORDER_CANCELLED,
    order_states.EXPIRED: ORDER_EXPIRED,
    order_states.RETURNED: ORDER_RETURNED,
}

DIRECT = "direct"  # a conversation the customer began by writing, with nothing shared or clicked
SUMMARY_SHOWN = "summary_shown"  # the checkout step of showing the order to confirm
MAX_TEXT = 200
_LONG_NUMBER = re.compile(r"\d{5,}")  # a phone, card or tracking number: never kept in a report


@dataclass(frozen=True)
class EventInfo:
    """An event as plain values, safe to use after the session ends."""

    id: int
    kind: str
    occurred_at: datetime
    customer_id: str
    conversation_id: str
    external: bool
    product_code: str | None = None
    color: str | None = None
    size: str | None = None
    quantity: int | None = None
    available: int | None = None
    order_number: int | None = None
    amount: int | None = None
    source: str | None = None
    ref: str | None = None
    ad_id: str | None = None
    step: str | None = None
    text: str | None = None


# The facts after who and when, as columns of the table and fields of EventInfo.
_FACTS = (
    "product_code", "color", "size", "quantity", "available",
    "order_number", "amount", "source", "ref", "ad_id", "step", "text",
)  # fmt: skip


def customer_actor(customer_id: str) -> str:
    """The store's actor for what a customer does in the chat (holds, orders, cancels)."""
    return f"customer:{customer_id}"


def is_external(actor: str, customer_id: str) -> bool:
    """True unless ``actor`` is the customer themselves: the owner, the sweeper, a job."""
    return actor != customer_actor(customer_id)


def fallback_text(text: str) -> str:
    """A message the assistant did not understand, as reports group it: one spelling and
    case (``shoplang.normalize.fold``), runs of five or more digits as "#" (a phone or
    card number has no place in a report), at most ``MAX_TEXT`` characters."""
    return _LONG_NUMBER.sub("#", fold(text))[:MAX_TEXT]


def _fit(value: str | None, column: Any) -> str | None:
    """Cut a fact to its column: a long ad ref must never fail the sale it is recorded with."""
    if value is None:
        return None
    return str(value)[: column.property.columns[0].type.length]


def record(
    session: Session,
    kind: str,
    customer_id: str,
    *,
    conversation_id: str | None = None,
    external: bool = False,
    now: datetime | None = None,
    product_code: str | None = None,
    color: str | None = None,
    size: str | None = None,
    quantity: int | None = None,
    available: int | None = None,
    order_number: int | None = None,
    amount: int | None = None,
    source: str | None = None,
    ref: str | None = None,
    ad_id: str | None = None,
    step: str | None = None,
    text: str | None = None,
) -> None:
    """Add one event to the caller's transaction; it is written when the caller commits.

    ValueError for a kind not in ``KINDS`` or no customer: a mistake in the code, not
    in what a customer said.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown business event kind {kind!r}")
    if not customer_id:
        raise ValueError("a business event needs the customer's id")
    session.add(
        BusinessEvent(
            kind=kind,
            occurred_at=now or utcnow(),
            customer_id=_fit(customer_id, BusinessEvent.customer_id),
            conversation_id=_fit(conversation_id or customer_id, BusinessEvent.conversation_id),
            external=external,
            product_code=_fit(product_code, BusinessEvent.product_code),
            color=_fit(color, BusinessEvent.color),
            size=_fit(size, BusinessEvent.size),
            quantity=quantity,
            available=available,
            order_number=order_number,
            amount=amount,
            source=_fit(source, BusinessEvent.source),
            ref=_fit(ref, BusinessEvent.ref),
            ad_id=_fit(ad_id, BusinessEvent.ad_id),
            step=_fit(step, BusinessEvent.step),
            text=None if text is None else fallback_text(text),
        )
    )


def start_conversation(
    session: Session,
    customer_id: str,
    source: str | None = None,
    ref: str | None = None,
    ad_id: str | None = None,
    *,
    conversation_id: str | None = None,
    now: datetime | None = None,
) -> None:
    """A conversation started (a new session), with where the customer came from.

    ``source`` is the channel's order source for the first message (None: direct). An
    ad or link named without its ad id or ref (Meta sent the referral as its own
    webhook event, before the first message) takes them from the customer's latest
    referral in the message log.
    """
    source = source or DIRECT
    if source in ("ad", "link") and not (ref or ad_id):
        latest = message_log.conversation_source(session, customer_id)
        if latest is not None:
            ref, ad_id = latest.ref, latest.ad_id
    record(
        session,
        CONVERSATION_STARTED,
        customer_id,
        conversation_id=conversation_id,
        now=now,
        source=source,
        ref=ref,
        ad_id=ad_id,
    )


def _info(event: BusinessEvent) -> EventInfo:
    return EventInfo(
        event.id,
        event.kind,
        event.occurred_at,
        event.customer_id,
        event.conversation_id,
        bool(event.external),
        **{name: getattr(event, name) for name in _FACTS},
    )


def history(session: Session, customer_id: str | None = None, kinds: Collection[str] = ()) -> list[EventInfo]:
    """Events in the order they happened, optionally one customer's or only some kinds."""
    query = select(BusinessEvent).order_by(BusinessEvent.occurred_at, BusinessEvent.id)
    if customer_id is not None:
        query = query.where(BusinessEvent.customer_id == customer_id)
    if kinds:
        query = query.where(BusinessEvent.kind.in_(list(kinds)))
    return [_info(event) for event in session.execute(query).scalars()]
