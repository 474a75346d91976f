"""The store's settings, from the environment.

``SHOP_RESERVATION_TTL_MINUTES`` (default 30): how long a reservation holds units
while the customer checks out. ``SHOP_PAYMENT_WINDOW_HOURS`` (default 24): how long
an order waits for payment before its units go back on sale. ``SHOP_MEDIA_DIR``
(default var/media): where the store keeps files, receipt images under receipts/.
``SHOP_RECEIPT_HOSTS``: the hosts receipt images are fetched from. Read at call time,
so tests and deployments change them without reloading anything.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

DEFAULT_RESERVATION_TTL_MINUTES = 30.0
DEFAULT_PAYMENT_WINDOW_HOURS = 24.0
DEFAULT_MEDIA_DIR = "var/media"
# Meta's CDNs, where Instagram puts the images customers send.
DEFAULT_RECEIPT_HOSTS = ("fbcdn.net", "fbsbx.com", "cdninstagram.com")


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


def receipts_dir() -> Path:
    """Where receipt images are kept, each named by its sha256."""
    return Path(os.environ.get("SHOP_MEDIA_DIR", "").strip() or DEFAULT_MEDIA_DIR) / "receipts"


def receipt_hosts() -> tuple[str, ...]:
    """Hosts (with their subdomains) a receipt image may be fetched from, comma-separated in
    SHOP_RECEIPT_HOSTS. Any address a message carries would let whoever sends one make the
    action server fetch internal addresses; Meta's CDNs are where Instagram images live."""
    raw = os.environ.get("SHOP_RECEIPT_HOSTS", "")
    hosts = tuple(host.strip().lower().strip(".") for host in raw.split(",") if host.strip())
    return hosts or DEFAULT_RECEIPT_HOSTS
