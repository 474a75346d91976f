"""The message log: which webhook events were handled, where conversations came from,
and when each customer last wrote (the start of Meta's 24-hour messaging window).

Plain functions taking a SQLAlchemy session, like the rest of the service layer; the
caller owns the transaction (``database.transaction``). No Rasa import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Optional

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_db.message_log_models import ConversationSource, CustomerContact, InboundEvent
from inventory_db.models import Product, utcnow

MESSAGE = "message"
COMMENT = "comment"


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def claim(session: Session, kind: str, external_id: str, sender_id: str, now: Optional[datetime] = None) -> bool:
    """Record that ``external_id`` is being handled; False when it already was.

    The INSERT races safely: the unique (kind, external_id) constraint lets exactly
    one of any number of concurrent claims succeed, in this process or another.
    """
    try:
        with session.begin_nested():
            event = InboundEvent(kind=kind, external_id=external_id, sender_id=sender_id, claimed_at=now or utcnow())
            session.add(event)
    except IntegrityError:
        return False
    return True


def finish(session: Session, kind: str, external_id: str, outcome: str, now: Optional[datetime] = None) -> None:
    """Mark a claimed event as handled: "done", "failed" or "skipped".

    One UPDATE, no read first: a writer that reads before writing can be refused by
    SQLite when another writer got there in between.
    """
    session.execute(
        update(InboundEvent)
        .where(InboundEvent.kind == kind, InboundEvent.external_id == external_id)
        .values(processed_at=now or utcnow(), outcome=outcome)
    )


def is_claimed(session: Session, kind: str, external_id: str) -> bool:
    return (
        session.execute(
            select(InboundEvent.id).where(InboundEvent.kind == kind, InboundEvent.external_id == external_id)
        ).first()
        is not None
    )


def touch_customer(session: Session, sender_id: str, at: datetime) -> None:
    """Remember that ``sender_id`` wrote at ``at`` (keeps the latest time)."""
    at = at.astimezone(timezone.utc)
    newer = (
        update(CustomerContact)
        .where(CustomerContact.sender_id == sender_id, CustomerContact.last_message_at < at)
        .values(last_message_at=at)
    )
    if session.execute(newer).rowcount:
        return
    try:
        with session.begin_nested():
            session.add(CustomerContact(sender_id=sender_id, last_message_at=at))
    except IntegrityError:  # known already: with this time or later, or another writer just added it
        session.execute(newer)


def last_customer_message_at(session: Session, sender_id: str) -> Optional[datetime]:
    """When ``sender_id`` last wrote to the shop, in UTC; None if never."""
    contact = session.get(CustomerContact, sender_id)
    return None if contact is None else _aware(contact.last_message_at)


@dataclass(frozen=True)
class Referral:
    """What brought a customer into the conversation, as Meta reports it."""

    source: Optional[str]
    referral_type: Optional[str]
    ref: Optional[str]
    ad_id: Optional[str]
    event_time_ms: int


def record_referral(session: Session, sender_id: str, referral: Referral) -> bool:
    """Store a referral as the conversation's source; False when already recorded."""
    try:
        with session.begin_nested():
            session.add(
                ConversationSource(
                    sender_id=sender_id,
                    source=referral.source,
                    referral_type=referral.referral_type,
                    ref=referral.ref,
                    ad_id=referral.ad_id,
                    event_time_ms=referral.event_time_ms,
                )
            )
    except IntegrityError:
        return False
    return True


def conversation_source(session: Session, sender_id: str) -> Optional[Referral]:
    """The latest referral of ``sender_id``: what brought the current conversation."""
    row = session.execute(
        select(ConversationSource)
        .where(ConversationSource.sender_id == sender_id)
        .order_by(ConversationSource.event_time_ms.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    return Referral(row.source, row.referral_type, row.ref, row.ad_id, row.event_time_ms)


def conversations_by_source(session: Session) -> list[tuple[Optional[str], Optional[str], Optional[str], int]]:
    """For the owner's report: (source, ad_id, ref, number of customers), biggest first."""
    customers = func.count(func.distinct(ConversationSource.sender_id))
    rows = session.execute(
        select(ConversationSource.source, ConversationSource.ad_id, ConversationSource.ref, customers)
        .group_by(ConversationSource.source, ConversationSource.ad_id, ConversationSource.ref)
        .order_by(customers.desc())
    ).all()
    return [(source, ad_id, ref, count) for source, ad_id, ref, count in rows]


def product_code_for_post(session: Session, keys: Iterable[str]) -> Optional[str]:
    """The product on sale whose catalog ``post`` is one of ``keys`` (shortcode or media id)."""
    wanted = [key for key in dict.fromkeys(keys) if key]
    if not wanted:
        return None
    found = select(Product.code).where(Product.post.in_(wanted), Product.active).limit(1)
    return session.execute(found).scalar_one_or_none()
