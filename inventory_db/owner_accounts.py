"""The owner's login to the dashboard: the password, login sessions, throttled guessing,
and the audit log of what the owner did.

The password is kept as an scrypt hash with a random salt ("scrypt$n$r$p$salt$hash", hex),
never as itself, and checked in constant time. A login session is a random token in the
owner's cookie; the store keeps only its SHA-256, so a copy of the database (a backup, a
leaked file) logs nobody in. Failed logins are rows, not a counter in one process's memory,
so every server process sees the same count and a restart forgives nothing. Changing the
password ends every session of that login: whoever knew the old one is out.

Plain service functions, the caller owns the transaction; the dashboard turns the results
into pages (``owner.web.security``) and ``shopctl owner`` sets the password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from inventory_db import settings
from inventory_db.errors import WeakPassword
from inventory_db.models import check_length
from inventory_db.owner_models import OwnerActionEntry, OwnerCredential, OwnerLoginFailure, OwnerSession
from inventory_db.stock import now_or

DEFAULT_USERNAME = "owner"
MIN_PASSWORD_LENGTH = 10

# scrypt's cost: 2**14 × 8 × 128 bytes = 16 MiB and about 50 ms a check, as Python's docs
# and OWASP suggest for interactive logins. Stored with each hash, so raising it later
# keeps old hashes checkable.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 64
_SCHEME = "scrypt"
_MAX_SCRYPT_N = 2**20  # a stored hash asking for more is refused, not computed
# Checked against when the login does not exist, so that costs the same time as a wrong password.
_UNKNOWN_LOGIN = f"{_SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${'00' * SALT_BYTES}${'00' * HASH_BYTES}"

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 256 random bits in the cookie
FIRST_PASSWORD_BYTES = 12  # the generated first password: 16 characters

# Throttling: this many wrong passwords from one client within the window lock it out until
# the oldest of them leaves the window.
MAX_LOGIN_FAILURES = 5
LOGIN_FAILURE_WINDOW = timedelta(minutes=15)

DEFAULT_RECENT_ACTIONS = 50


@dataclass(frozen=True)
class LoginSession:
    """A dashboard login: ``token`` goes in the cookie, ``csrf_token`` in every form."""

    token: str
    csrf_token: str
    expires_at: datetime
    username: str = DEFAULT_USERNAME


@dataclass(frozen=True)
class OwnerAction:
    """One line of the audit log."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: str | None


# -- the password --------------------------------------------------------------------


def hash_password(password: str) -> str:
    """The stored form of ``password``: "scrypt$n$r$p$salt_hex$hash_hex" with a fresh salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"{_SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    """Whether ``password`` hashes to ``stored``, compared in constant time; False for a malformed hash."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(digest_hex)
    except ValueError:
        return False
    if scheme != _SCHEME or not 1 < n_ <= _MAX_SCRYPT_N or not 0 < r_ <= 32 or not 0 < p_ <= 16 or not expected:
        return False
    try:
        digest = _scrypt(password, salt, n_, r_, p_, len(expected))
    except ValueError:  # parameters OpenSSL refuses (n not a power of two)
        return False
    return hmac.compare_digest(digest, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int = HASH_BYTES) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r * p, dklen=length)


def _credential(session: Session, username: str) -> OwnerCredential | None:
    return session.execute(select(OwnerCredential).where(OwnerCredential.username == username)).scalar_one_or_none()


def set_password(
    session: Session, password: str, *, username: str = DEFAULT_USERNAME, now: datetime | None = None
) -> None:
    """Set (or change) the login's password and end every session it has open.

    WeakPassword for fewer than MIN_PASSWORD_LENGTH characters; nothing changes then.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(len(password), MIN_PASSWORD_LENGTH)
    check_length(OwnerCredential.username, username, "username")
    now = now_or(now)
    credential = _credential(session, username)
    if credential is None:
        credential = OwnerCredential(username=username, created_at=now)
        session.add(credential)
    credential.password_hash = hash_password(password)
    credential.updated_at = now
    session.execute(delete(OwnerSession).where(OwnerSession.username == username))
    session.flush()


def has_password(session: Session, username: str = DEFAULT_USERNAME) -> bool:
    return _credential(session, username) is not None


def verify_password(session: Session, password: str, username: str = DEFAULT_USERNAME) -> bool:
    """Whether ``password`` is the login's; False, after the same work, for a login with none."""
    credential = _credential(session, username)
    if credential is None:
        password_matches(password, _UNKNOWN_LOGIN)  # the same time spent: no hint that it does not exist
        return False
    return password_matches(password, credential.password_hash)


def ensure_password(session: Session, now: datetime | None = None) -> str | None:
    """A first password for a store whose owner has none: stored hashed, returned in plain
    for the caller to show once. None when the owner already has a password."""
    if has_password(session, DEFAULT_USERNAME):
        return None
    first = secrets.token_urlsafe(FIRST_PASSWORD_BYTES)
    set_password(session, first, username=DEFAULT_USERNAME, now=now)
    return first


# -- login sessions ------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(
    session: Session,
    username: str = DEFAULT_USERNAME,
    now: datetime | None = None,
    ttl: timedelta | None = None,
) -> LoginSession:
    """A new login session for ``username`` lasting ``ttl`` (default ``DASHBOARD_SESSION_HOURS``).

    Call it only after ``verify_password``. Sessions that have lapsed are deleted on the way.
    """
    now = now_or(now)
    ttl = settings.dashboard_session_length() if ttl is None else ttl
    if ttl <= timedelta(0):
        raise ValueError(f"a login session must last a while, not {ttl}")
    session.execute(delete(OwnerSession).where(OwnerSession.expires_at <= now))
    token, csrf_token = secrets.token_urlsafe(TOKEN_BYTES), secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = now + ttl
    session.add(
        OwnerSession(
            token_hash=_token_hash(token),
            username=username,
            csrf_token=csrf_token,
            created_at=now,
            expires_at=expires_at,
            last_seen_at=now,
        )
    )
    session.flush()
    return LoginSession(token, csrf_token, expires_at, username)


def find_session(session: Session, token: str, now: datetime | None = None) -> LoginSession | None:
    """The login session of a cookie's token, noting that it was seen; None when unknown or lapsed."""
    if not token:
        return None
    now = now_or(now)
    row = session.get(OwnerSession, _token_hash(token))
    if row is None or row.expires_at <= now:
        return None
    row.last_seen_at = now
    session.flush()
    return LoginSession(token, row.csrf_token, row.expires_at, row.username)


def csrf_matches(login: LoginSession, presented: str) -> bool:
    """Whether a form's CSRF token is the session's, compared in constant time."""
    return hmac.compare_digest(presented.encode("utf-8"), login.csrf_token.encode("utf-8"))


def close_session(session: Session, token: str) -> None:
    """Log out: the token no longer opens anything (an unknown token is no error)."""
    if token:
        session.execute(delete(OwnerSession).where(OwnerSession.token_hash == _token_hash(token)))


# -- throttling failed logins ---------------------------------------------------------


def _client(client: str) -> str:
    return client[: OwnerLoginFailure.client.property.columns[0].type.length]


def login_allowed(session: Session, client: str, now: datetime | None = None) -> bool:
    """False once ``client`` has MAX_LOGIN_FAILURES wrong passwords within LOGIN_FAILURE_WINDOW."""
    now = now_or(now)
    failures = session.execute(
        select(func.count()).where(
            OwnerLoginFailure.client == _client(client), OwnerLoginFailure.at > now - LOGIN_FAILURE_WINDOW
        )
    ).scalar_one()
    return failures < MAX_LOGIN_FAILURES


def record_login_failure(session: Session, client: str, now: datetime | None = None) -> None:
    """Count a wrong password against ``client``; failures older than the window are forgotten."""
    now = now_or(now)
    session.execute(delete(OwnerLoginFailure).where(OwnerLoginFailure.at <= now - LOGIN_FAILURE_WINDOW))
    session.add(OwnerLoginFailure(client=_client(client), at=now))
    session.flush()


def clear_login_failures(session: Session, client: str) -> None:
    """After a right password: the client's earlier mistakes no longer count."""
    session.execute(delete(OwnerLoginFailure).where(OwnerLoginFailure.client == _client(client)))


# -- the audit log --------------------------------------------------------------------


def _action(entry: OwnerActionEntry) -> OwnerAction:
    return OwnerAction(entry.id, entry.at, entry.actor, entry.action, entry.target, entry.detail)


def record_action(
    session: Session,
    action: str,
    target: str,
    *,
    actor: str = DEFAULT_USERNAME,
    detail: str | None = None,
    now: datetime | None = None,
) -> OwnerAction:
    """Add a line to the audit log: ``action`` such as "order.mark_paid" done to ``target``
    (an order number, a variant "B-21/black/L"), with an optional ``detail``."""
    check_length(OwnerActionEntry.action, action, "action")
    check_length(OwnerActionEntry.target, target, "target")
    check_length(OwnerActionEntry.actor, actor, "actor")
    entry = OwnerActionEntry(at=now_or(now), actor=actor, action=action, target=target, detail=detail or None)
    session.add(entry)
    session.flush()
    return _action(entry)


def recent_actions(session: Session, limit: int = DEFAULT_RECENT_ACTIONS) -> list[OwnerAction]:
    """The last ``limit`` lines of the audit log, newest first."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a whole number from 1, not {limit!r}")
    entries = session.execute(
        select(OwnerActionEntry).order_by(OwnerActionEntry.at.desc(), OwnerActionEntry.id.desc()).limit(limit)
    ).scalars()
    return [_action(entry) for entry in entries]
