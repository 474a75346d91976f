"""A customer cancelling one of their own orders in the chat: which order they mean,
whether they may, and cancelling exactly that one once they have said yes.

The owner may cancel any order before it ships (``orders.cancel_order``). A customer
may cancel only their own, and only while it awaits payment: once paid it is the
owner's call. An order number that is not theirs is answered as such, never swapped
for another of their orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from inventory_db import order_states, orders
from inventory_db.errors import IllegalTransition
from inventory_db.orders import OrderInfo

# What to ask or say before cancelling.
CONFIRM = "confirm"  # one order is meant and may be cancelled: "cancel order 1042 (...)?"
CHOOSE = "choose"  # no number, several orders awaiting payment: "which one?"
NOT_THEIRS = "not_theirs"  # the number given is not among the customer's orders
NOT_CANCELLABLE = "not_cancellable"  # theirs, but past awaiting payment
NO_ORDER = "no_order"  # no number, and nothing of theirs is open
# After the yes.
CANCELLED = "cancelled"

# The newest orders offered when the customer has to choose (one button and one line each).
MAX_CHOICES = 5


@dataclass(frozen=True)
class CancelRequest:
    """What a request to cancel comes to: ``outcome`` and the order(s) it is about."""

    outcome: str
    order: OrderInfo | None = None
    choices: tuple[OrderInfo, ...] = ()
    number: int | None = None  # the number the customer gave, for NOT_THEIRS


def customer_may_cancel(order: OrderInfo) -> bool:
    return order.status == order_states.AWAITING_PAYMENT


def _about(order: OrderInfo) -> CancelRequest:
    return CancelRequest(CONFIRM if customer_may_cancel(order) else NOT_CANCELLABLE, order)


def find_order_to_cancel(
    session: Session, customer_id: str, number: int | None = None, context: int | None = None
) -> CancelRequest:
    """The order the customer means to cancel, and whether to ask "this one?" or "which one?".

    ``number`` is the order the message names, held to strictly: if it is not theirs,
    that is the answer. ``context`` is the order the conversation was last about
    ("where is order 1042?" ... "cancel it"), used only when it is theirs and awaits
    payment. Otherwise it is their order awaiting payment, or a choice among several,
    or their latest order still open (paid or on its way), which they are told they
    cannot cancel.
    """
    if number is not None:
        order = orders.customer_order(session, customer_id, number)
        return _about(order) if order is not None else CancelRequest(NOT_THEIRS, number=number)
    if context is not None:
        order = orders.customer_order(session, customer_id, context)
        if order is not None and customer_may_cancel(order):
            return CancelRequest(CONFIRM, order)
    unpaid = orders.list_orders(session, status=order_states.AWAITING_PAYMENT, customer_id=customer_id)
    if len(unpaid) == 1:
        return CancelRequest(CONFIRM, unpaid[0])
    if unpaid:
        return CancelRequest(CHOOSE, choices=tuple(reversed(unpaid))[:MAX_CHOICES])
    latest = orders.latest_order_for(session, customer_id)
    if latest is not None and latest.status not in order_states.FINAL_STATUSES:
        return CancelRequest(NOT_CANCELLABLE, latest)
    return CancelRequest(NO_ORDER)


def cancel_for_customer(session: Session, customer_id: str, number: int, now: datetime | None = None) -> CancelRequest:
    """Cancel exactly order ``number``, the customer having said yes to it.

    Checked again here, under the order's row lock: it must still be theirs and still
    await payment (the owner may have marked it paid since the question).
    """
    order = orders.customer_order(session, customer_id, number)
    if order is None:
        return CancelRequest(NOT_THEIRS, number=number)
    if not customer_may_cancel(order):
        return CancelRequest(NOT_CANCELLABLE, order)
    try:
        with session.begin_nested():
            cancelled = orders.cancel_order(
                session, number, actor=f"customer:{customer_id}", now=now, expect_status=order_states.AWAITING_PAYMENT
            )
    except IllegalTransition:
        return CancelRequest(NOT_CANCELLABLE, orders.get_order(session, number))
    return CancelRequest(CANCELLED, cancelled)
