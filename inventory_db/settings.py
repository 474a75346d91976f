"""The store's and the owner's settings, from the environment: the one module that reads it.

The store: ``DATABASE_URL`` (default sqlite:///var/shop.db): which database holds the shop.
``SHOP_POLICY_FILE`` (default shop_policy.yml): shipping, returns and payment, for the owner
to edit. ``SHOP_RESERVATION_TTL_MINUTES`` (default 30): how long a reservation holds units
while the customer checks out. ``SHOP_PAYMENT_WINDOW_HOURS`` (default 24): how long an order
waits for payment before its units go back on sale. ``SHOP_MEDIA_DIR`` (default var/media):
where the store keeps files, receipt images under receipts/. ``SHOP_RECEIPT_HOSTS``: the
hosts receipt images are fetched from. ``SHOP_TIMEZONE`` (default Asia/Tehran): the shop's
time zone, where the reports' days begin and end.

The owner's side (``owner``): ``RASA_URL`` (default http://localhost:5005): the Rasa server
``shopctl handoff release`` resumes conversations on; ``RASA_API_TOKEN``: the secret its
HTTP API was started with. ``DASHBOARD_PORT`` (default 5080): where the owner's dashboard
listens, on 127.0.0.1; ``DASHBOARD_SECURE_COOKIES`` (1 behind TLS, the production default):
its login cookie is sent over HTTPS only; ``DASHBOARD_SESSION_HOURS`` (default 12).

Read at call time, so tests and deployments change them without reloading anything. How a
server is deployed (``SHOP_ENV``, the Instagram credentials, the API token's strength) is
checked by ``channels.instagram_settings`` and ``serving`` as they start.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATABASE_URL = "sqlite:///var/shop.db"
DEFAULT_POLICY_FILE = "shop_policy.yml"
DEFAULT_RESERVATION_TTL_MINUTES = 30.0
DEFAULT_PAYMENT_WINDOW_HOURS = 24.0
DEFAULT_MEDIA_DIR = "var/media"
# Meta's CDNs, where Instagram puts the images customers send.
DEFAULT_RECEIPT_HOSTS = ("fbcdn.net", "fbsbx.com", "cdninstagram.com")
DEFAULT_TIMEZONE = "Asia/Tehran"
DEFAULT_RASA_URL = "http://localhost:5005"
RASA_API_TOKEN_VARIABLE = "RASA_API_TOKEN"
DEFAULT_DASHBOARD_PORT = 5080
DEFAULT_DASHBOARD_SESSION_HOURS = 12.0


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


def database_url() -> str:
    """The configured store: ``DATABASE_URL``, else the embedded SQLite file."""
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def policy_file() -> Path:
    """The shop policy file: ``SHOP_POLICY_FILE``, else shop_policy.yml in the working directory."""
    return Path(os.environ.get("SHOP_POLICY_FILE") or DEFAULT_POLICY_FILE)


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


def shop_timezone() -> ZoneInfo:
    """The shop's time zone (``SHOP_TIMEZONE``, an IANA name): a report's day is the shop's day."""
    name = os.environ.get("SHOP_TIMEZONE", "").strip() or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"SHOP_TIMEZONE={name!r} is not a time zone (e.g. Asia/Tehran)") from None


def rasa_url() -> str:
    """The Rasa server whose HTTP API the owner's commands call: ``RASA_URL``, no trailing slash."""
    return os.environ.get("RASA_URL", DEFAULT_RASA_URL).rstrip("/")


def rasa_api_token() -> str:
    """The secret Rasa's HTTP API was started with (``RASA_API_TOKEN``); empty when it runs without one."""
    return os.environ.get(RASA_API_TOKEN_VARIABLE, "")


def dashboard_port() -> int:
    """The owner's dashboard's port on 127.0.0.1: ``DASHBOARD_PORT``, else 5080."""
    raw = os.environ.get("DASHBOARD_PORT", "").strip()
    if not raw:
        return DEFAULT_DASHBOARD_PORT
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ValueError(f"DASHBOARD_PORT={raw!r} is not a port number")
    return int(raw)


def dashboard_secure_cookies() -> bool:
    """Whether the dashboard's login cookie is HTTPS-only: ``DASHBOARD_SECURE_COOKIES``, else
    on in production (``SHOP_ENV=production``, behind TLS) and off on a development machine."""
    raw = os.environ.get("DASHBOARD_SECURE_COOKIES", "").strip().lower()
    if raw:
        return raw in ("1", "true", "yes", "on")
    return os.environ.get("SHOP_ENV", "").strip() == "production"


def dashboard_session_length() -> timedelta:
    """How long a dashboard login lasts: ``DASHBOARD_SESSION_HOURS``, else 12 hours."""
    return timedelta(hours=_positive_number("DASHBOARD_SESSION_HOURS", DEFAULT_DASHBOARD_SESSION_HOURS))
