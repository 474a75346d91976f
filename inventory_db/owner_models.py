"""Tables of the owner's dashboard: the owner's login, login sessions, failed logins and
the audit log of what the owner did.

Kept apart from ``models.py`` but on the same ``Base`` (Alembic's env loads every
``*models`` module). The schema is owned by migration 0010; ``inventory_db.owner_accounts``
reads and writes the rows and says why they hold what they hold.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Text, UniqueConstraint

from inventory_db.models import Base, UTCDateTime, utcnow


class OwnerCredential(Base):
    """One login name and its password as an scrypt hash ("scrypt$n$r$p$salt$hash")."""

    __tablename__ = "owner_credentials"
    __table_args__ = (UniqueConstraint("username", name="uq_owner_credentials_username"),)

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False)
    password_hash = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)


class OwnerSession(Base):
    """A dashboard login: only the SHA-256 of the cookie's token is kept, so a copy of the
    database logs nobody in; the CSRF token every form must send back comes with it."""

    __tablename__ = "owner_sessions"

    token_hash = Column(String(64), primary_key=True)
    username = Column(String(64), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False, index=True)
    last_seen_at = Column(UTCDateTime, nullable=False, default=utcnow)


class OwnerLoginFailure(Base):
    """A wrong password from one client (its address): counted to slow down guessing."""

    __tablename__ = "owner_login_failures"
    __table_args__ = (Index("ix_owner_login_failures_client_at", "client", "at"),)

    id = Column(Integer, primary_key=True)
    client = Column(String(100), nullable=False)
    at = Column(UTCDateTime, nullable=False)


class OwnerActionEntry(Base):
    """One line of the audit log: who did what ("order.mark_paid") to what ("1042"), and when."""

    __tablename__ = "owner_actions"

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime, nullable=False, index=True)
    actor = Column(String(100), nullable=False)
    action = Column(String(64), nullable=False)
    target = Column(String(200), nullable=False)
    detail = Column(Text, nullable=True)
