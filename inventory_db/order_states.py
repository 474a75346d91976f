"""The order state machine: which status may follow which, and nothing else.

awaiting_payment → paid → shipped → delivered, with cancelled (before shipping),
expired (unpaid past the payment deadline) and returned (after shipping). Which
stock each step moves is the orders service's business; this module only says
what is legal.
"""

from __future__ import annotations

from inventory_db.errors import IllegalTransition

AWAITING_PAYMENT = "awaiting_payment"
PAID = "paid"
SHIPPED = "shipped"
DELIVERED = "delivered"
CANCELLED = "cancelled"
EXPIRED = "expired"
RETURNED = "returned"

STATUSES: tuple[str, ...] = (AWAITING_PAYMENT, PAID, SHIPPED, DELIVERED, CANCELLED, EXPIRED, RETURNED)

TRANSITIONS: dict[str, frozenset[str]] = {
    AWAITING_PAYMENT: frozenset({PAID, CANCELLED, EXPIRED}),
    PAID: frozenset({SHIPPED, CANCELLED}),
    SHIPPED: frozenset({DELIVERED, RETURNED}),
    DELIVERED: frozenset({RETURNED}),
    CANCELLED: frozenset(),
    EXPIRED: frozenset(),
    RETURNED: frozenset(),
}

# Orders whose units are set aside for them: counted against availability.
OPEN_STATUSES: frozenset[str] = frozenset({AWAITING_PAYMENT, PAID})
FINAL_STATUSES: frozenset[str] = frozenset(status for status, following in TRANSITIONS.items() if not following)


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def check_transition(number: int, from_status: str, to_status: str) -> None:
    """Raise IllegalTransition unless ``to_status`` may follow ``from_status``."""
    if not can_transition(from_status, to_status):
        raise IllegalTransition(number, from_status, to_status)
