"""Customers who asked the shop not to message them first ("دیگه پیام نده"): the worker sends
them no follow-up until they ask to hear from the shop again. Answers to their own messages
are not follow-ups and are unaffected.

One row per customer, with when they asked and what they wrote, so the owner can see why a
customer gets nothing. Plain functions taking a session; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_db.automation_models import MessagingOptOut
from inventory_db.stock import now_or

MAX_TEXT = 1000


def opt_out(session: Session, customer_id: str, text: str | None, now: datetime | None = None) -> None:
    """Stop follow-ups to ``customer_id``; asking again keeps the latest time and words."""
    if not customer_id:
        raise ValueError("an opt-out needs the customer's id")
    now = now_or(now)
    kept = text[:MAX_TEXT] if text else None
    row = session.get(MessagingOptOut, customer_id)
    if row is None:
        try:
            with session.begin_nested():
                session.add(MessagingOptOut(customer_id=customer_id, at=now, text=kept))
            return
        except IntegrityError:  # another writer just added it: overwrite theirs
            row = session.get(MessagingOptOut, customer_id, populate_existing=True)
    row.at, row.text = now, kept
    session.flush()


def opt_in(session: Session, customer_id: str) -> bool:
    """The customer wants follow-ups again; False when they had not opted out."""
    return bool(session.execute(delete(MessagingOptOut).where(MessagingOptOut.customer_id == customer_id)).rowcount)


def is_opted_out(session: Session, customer_id: str) -> bool:
    found = select(MessagingOptOut.customer_id).where(MessagingOptOut.customer_id == customer_id)
    return session.execute(found).first() is not None


def opted_out(session: Session, customer_ids: Collection[str]) -> set[str]:
    """Which of ``customer_ids`` opted out: one query for a whole batch of due work."""
    ids = sorted(set(customer_ids))
    if not ids:
        return set()
    found = select(MessagingOptOut.customer_id).where(MessagingOptOut.customer_id.in_(ids))
    return set(session.execute(found).scalars())


@dataclass(frozen=True)
class OptOut:
    customer_id: str
    at: datetime
    text: str | None


def listed(session: Session) -> list[OptOut]:
    """Every customer who said stop, latest first, with what they wrote: the owner's list."""
    rows = session.execute(select(MessagingOptOut).order_by(MessagingOptOut.at.desc())).scalars()
    return [OptOut(row.customer_id, row.at, row.text) for row in rows]
