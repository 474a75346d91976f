"""How long holds and unpaid orders last, from the environment.

``SHOP_RESERVATION_TTL_MINUTES`` (default 30): how long a reservation holds units
while the customer checks out. ``SHOP_PAYMENT_WINDOW_HOURS`` (default 24): how long
an order waits for payment before its units go back on sale. Read at call time, so
tests and deployments change them without reloading anything.
"""

from __future__ import annotations

import os
from datetime import timedelta

DEFAULT_RESERVATION_TTL_MINUTES = 30.0
DEFAULT_PAYMENT_WINDOW_HOURS = 24.0


def _positive_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise ValueError(f"{name}={raw!r} must be more than 0")
    return value


def reservation_ttl() -> timedelta:
    """How long a new reservation holds its units unless the caller says otherwise."""
    return timedelta(minutes=_positive_number("SHOP_RESERVATION_TTL_MINUTES", DEFAULT_RESERVATION_TTL_MINUTES))


def payment_window() -> timedelta:
    """How long a placed order keeps its units while it waits for payment."""
    return timedelta(hours=_positive_number("SHOP_PAYMENT_WINDOW_HOURS", DEFAULT_PAYMENT_WINDOW_HOURS))
