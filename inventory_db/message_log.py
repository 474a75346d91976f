"""The message log: where conversations came from, what a customer's next messages are
about, and when each customer last wrote (the start of Meta's 24-hour messaging window). Which events were handled is the
durable inbox's business (``inventory_db.inbox``).

Plain functions taking a SQLAlchemy session, like the rest of the service layer; the
caller owns the transaction (``database.transaction``). No Rasa import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_db.message_log_models import ConversationSource, CustomerContact, CustomerOrigin
from inventory_db.models import Product


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


def last_customer_message_at(session: Session, sender_id: str) -> datetime | None:
    """When ``sender_id`` last wrote to the shop, in UTC; None if never."""
    contact = session.get(CustomerContact, sender_id)
    return None if contact is None else contact.last_message_at


@dataclass(frozen=True)
class Referral:
    """What brought a customer into the conversation, as Meta reports it."""

    source: str | None
    referral_type: str | None
    ref: str | None
    ad_id: str | None
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


def conversation_source(session: Session, sender_id: str) -> Referral | None:
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


def conversations_by_source(session: Session) -> list[tuple[str | None, str | None, str | None, int]]:
    """For the owner's report: (source, ad_id, ref, number of customers), biggest first."""
    customers = func.count(func.distinct(ConversationSource.sender_id))
    rows = session.execute(
        select(ConversationSource.source, ConversationSource.ad_id, ConversationSource.ref, customers)
        .group_by(ConversationSource.source, ConversationSource.ad_id, ConversationSource.ref)
        .order_by(customers.desc())
    ).all()
    return [(source, ad_id, ref, count) for source, ad_id, ref, count in rows]


def product_code_for_post(session: Session, keys: Iterable[str]) -> str | None:
    """The product on sale whose catalog ``post`` is one of ``keys`` (shortcode or media id)."""
    wanted = [key for key in dict.fromkeys(keys) if key]
    if not wanted:
        return None
    found = select(Product.code).where(Product.post.in_(wanted), Product.active).limit(1)
    return session.execute(found).scalar_one_or_none()


def remember_origin(
    session: Session, sender_id: str, product_code: str | None, source: str | None, at: datetime
) -> None:
    """Keep what ``sender_id`` just shared or came from, replacing what they had before."""
    origin = session.get(CustomerOrigin, sender_id)
    if origin is None:
        try:
            with session.begin_nested():
                session.add(
                    CustomerOrigin(sender_id=sender_id, product_code=product_code, source=source, remembered_at=at)
                )
            return
        except IntegrityError:  # another writer just added it: overwrite theirs
            origin = session.get(CustomerOrigin, sender_id)
    origin.product_code, origin.source, origin.remembered_at = product_code, source, at


def recent_origin(session: Session, sender_id: str, since: datetime) -> tuple[str | None, str | None] | None:
    """(product code, order source) ``sender_id`` shared or came from after ``since``; None if nothing."""
    origin = session.get(CustomerOrigin, sender_id)
    if origin is None or origin.remembered_at < since:
        return None
    return origin.product_code, origin.source
