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
its login cookie is sent over HTTPS only; ``DASHBOARD_SESSION_HOURS`` (default 12);
``DASHBOARD_PUBLIC_URL``: the dashboard's address in the owner's notifications.
``SHOP_AUTOMATIONS_FILE`` (default shop_automations.yml): the worker's rules; ``SHOP_DOMAIN_FILE``
(default domain.yml): where it reads the wording of customers' follow-ups it keeps for sending by hand.

The owner's notifications (``owner.notify``, docs/notifications.md), each transport off
until one of its variables is set and refused when half of it is: email over SMTP with
``SHOP_SMTP_HOST``, ``SHOP_SMTP_PORT`` (default 587, 465 for ssl), ``SHOP_SMTP_SECURITY``
(starttls, the default; ssl; none, only with ``SHOP_ENV=development``), ``SHOP_SMTP_USER``,
``SHOP_SMTP_PASSWORD``, ``SHOP_SMTP_FROM`` (default the user) and ``SHOP_NOTIFY_EMAIL_TO``
(comma-separated); a Telegram bot with ``SHOP_TELEGRAM_BOT_TOKEN``, ``SHOP_TELEGRAM_CHAT_ID``
and ``SHOP_TELEGRAM_API_BASE`` (default https://api.telegram.org; Bale's works too).

Read at call time, so tests and deployments change them without reloading anything. How a
server is deployed (``SHOP_ENV``, the Instagram credentials, the API token's strength) is
checked by ``channels.instagram_settings`` and ``serving`` as they start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit
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


# -- the owner's notifications (owner.notify) ----------------------------------------------

SMTP_SECURITY_MODES = ("starttls", "ssl", "none")
SMTP_VARIABLES = (
    "SHOP_SMTP_HOST",
    "SHOP_SMTP_PORT",
    "SHOP_SMTP_SECURITY",
    "SHOP_SMTP_USER",
    "SHOP_SMTP_PASSWORD",
    "SHOP_SMTP_FROM",
    "SHOP_NOTIFY_EMAIL_TO",
)
TELEGRAM_VARIABLES = ("SHOP_TELEGRAM_BOT_TOKEN", "SHOP_TELEGRAM_CHAT_ID", "SHOP_TELEGRAM_API_BASE")
DEFAULT_TELEGRAM_API_BASE = "https://api.telegram.org"
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and as whom the owner's email is sent; no repr shows the password."""

    host: str
    port: int
    security: str  # one of SMTP_SECURITY_MODES
    user: str  # empty: the server takes mail without logging in
    password: str = field(repr=False)
    sender: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class TelegramSettings:
    """The owner's bot and chat; no repr shows the token, which Bot API URLs carry."""

    token: str = field(repr=False)
    chat_id: str
    api_base: str


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def _development() -> bool:
    return _env("SHOP_ENV").lower() == "development"


def _required(variables: tuple[str, ...], missing: list[str], what: str) -> None:
    if missing:
        set_ones = ", ".join(name for name in variables if _env(name))
        raise ValueError(f"{what} is half-configured: {set_ones} set but not {', '.join(missing)}")


def smtp_settings() -> SmtpSettings | None:
    """The owner's email (``SHOP_SMTP_*``, ``SHOP_NOTIFY_EMAIL_TO``); None when none of them is set.

    Any one set means email is wanted, so a missing host, recipient or sender, a user
    without a password, is a ValueError naming the variable rather than mail never sent.
    ``SHOP_SMTP_SECURITY=none`` sends the password and the shop's figures in clear text:
    refused unless ``SHOP_ENV=development`` (a mail catcher on this machine, the tests).
    """
    if not any(_env(name) for name in SMTP_VARIABLES):
        return None
    security = _env("SHOP_SMTP_SECURITY").lower() or "starttls"
    if security not in SMTP_SECURITY_MODES:
        raise ValueError(f"SHOP_SMTP_SECURITY={security!r} is not one of {', '.join(SMTP_SECURITY_MODES)}")
    if security == "none" and not _development():
        raise ValueError("SHOP_SMTP_SECURITY=none sends mail unencrypted: only allowed with SHOP_ENV=development")
    raw_port = _env("SHOP_SMTP_PORT")
    if raw_port and (not raw_port.isdigit() or not 0 < int(raw_port) < 65536):
        raise ValueError(f"SHOP_SMTP_PORT={raw_port!r} is not a port number")
    port = int(raw_port) if raw_port else (465 if security == "ssl" else 587)
    user, password = _env("SHOP_SMTP_USER"), os.environ.get("SHOP_SMTP_PASSWORD", "")
    recipients = tuple(address.strip() for address in _env("SHOP_NOTIFY_EMAIL_TO").split(",") if address.strip())
    sender = _env("SHOP_SMTP_FROM") or (user if "@" in user else "")
    host = _env("SHOP_SMTP_HOST")
    missing = [name for name, value in (("SHOP_SMTP_HOST", host), ("SHOP_NOTIFY_EMAIL_TO", recipients)) if not value]
    if not sender:
        missing.append("SHOP_SMTP_FROM")
    if user and not password:
        missing.append("SHOP_SMTP_PASSWORD")
    if password and not user:
        missing.append("SHOP_SMTP_USER")
    _required(SMTP_VARIABLES, missing, "Email notification")
    for address in (sender, *recipients):
        bare = parseaddr(address)[1]  # "Shop <shop@example.com>" names a sender too
        if "@" not in bare or any(ch.isspace() for ch in bare):
            raise ValueError(f"{address!r} (SHOP_SMTP_FROM or SHOP_NOTIFY_EMAIL_TO) is not an email address")
    return SmtpSettings(host, port, security, user, password, sender, recipients)


def telegram_settings() -> TelegramSettings | None:
    """The owner's Telegram bot (``SHOP_TELEGRAM_*``); None when none of them is set.

    ``SHOP_TELEGRAM_API_BASE`` (default https://api.telegram.org) points at another server
    with the same Bot API (Bale's, a local one). The token travels in the URL's path, so the
    base must be https unless it is this machine (the tests) or ``SHOP_ENV=development``.
    """
    if not any(_env(name) for name in TELEGRAM_VARIABLES):
        return None
    token, chat_id = _env("SHOP_TELEGRAM_BOT_TOKEN"), _env("SHOP_TELEGRAM_CHAT_ID")
    missing = [
        name for name, value in (("SHOP_TELEGRAM_BOT_TOKEN", token), ("SHOP_TELEGRAM_CHAT_ID", chat_id)) if not value
    ]
    _required(TELEGRAM_VARIABLES, missing, "Telegram notification")
    if any(ch.isspace() or ch in "/?#%" for ch in token):
        raise ValueError("SHOP_TELEGRAM_BOT_TOKEN is not a bot token (it goes into the URL: no spaces, /, ?, # or %)")
    if not (chat_id.lstrip("-").isdigit() or (chat_id.startswith("@") and len(chat_id) > 1)):
        raise ValueError(f"SHOP_TELEGRAM_CHAT_ID={chat_id!r} is not a chat id (a number) or an @channel name")
    base = (_env("SHOP_TELEGRAM_API_BASE") or DEFAULT_TELEGRAM_API_BASE).rstrip("/")
    try:
        parts = urlsplit(base)
        scheme, host = parts.scheme, parts.hostname
    except ValueError:  # e.g. an unclosed [ in an IPv6 address
        scheme, host = "", None
    if scheme not in ("https", "http") or not host:
        raise ValueError(f"SHOP_TELEGRAM_API_BASE={base!r} is not an http(s) URL")
    if scheme == "http" and host not in _LOOPBACK_HOSTS and not _development():
        raise ValueError(f"SHOP_TELEGRAM_API_BASE={base!r}: the bot token would travel unencrypted; use https")
    return TelegramSettings(token, chat_id, base)


def dashboard_public_url() -> str:
    """The dashboard's address as the owner opens it, for links in their notifications:
    ``DASHBOARD_PUBLIC_URL`` (e.g. https://dashboard.example.ir/), else this machine's."""
    raw = os.environ.get("DASHBOARD_PUBLIC_URL", "").strip()
    return (raw.rstrip("/") + "/") if raw else f"http://127.0.0.1:{dashboard_port()}/"


def automations_file() -> Path:
    """The automations file: ``SHOP_AUTOMATIONS_FILE``, else shop_automations.yml in the working directory."""
    return Path(os.environ.get("SHOP_AUTOMATIONS_FILE") or "shop_automations.yml")


def domain_file() -> Path:
    """The assistant's domain, whose responses word the customers' follow-ups:
    ``SHOP_DOMAIN_FILE``, else domain.yml in the working directory."""
    return Path(os.environ.get("SHOP_DOMAIN_FILE") or "domain.yml")


def redis_url() -> str | None:
    """The Redis that replicas share (``REDIS_URL``, e.g. redis://127.0.0.1:6379/0); None when unset.

    Unset on one machine: Rasa's lock stays in memory and the channel paces its Send API calls
    in the process. Set, Rasa's lock (serving.redis_lock_store) and the pacing are shared."""
    return os.environ.get("REDIS_URL", "").strip() or None
