"""The message log: where conversations came from, what a customer's next messages are
about, and when each customer last wrote (the start of Meta's 24-hour messaging window). Which events were handled is the
durable inbox's business (``inventory_db.inbox``); what a customer last wrote is read back from
the events it keeps (``recent_messages``, for the owner's list of waiting customers).

Plain functions taking a SQLAlchemy session, like the rest of the service layer; the
caller owns the transaction (``database.transaction``). No Rasa import.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_db.message_log_models import ConversationSource, CustomerContact, CustomerOrigin, InboundEvent
from inventory_db.models import Product

# Meta's messaging window: a business may message a customer automatically only this long
# after the customer's last message, or a person may answer by hand (the HUMAN_AGENT tag)
# for longer. The Instagram channel refuses sends outside it; the worker checks it first.
STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)


def inside_window(last_message_at: datetime | None, now: datetime, human_agent: bool = False) -> bool:
    """Whether Meta still accepts a message to a customer who last wrote at ``last_message_at``."""
    if last_message_at is None:
        return False
    return now - last_message_at <= (HUMAN_AGENT_WINDOW if human_agent else STANDARD_WINDOW)


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


def last_customer_message_times(session: Session, customer_ids: Collection[str]) -> dict[str, datetime]:
    """When each of ``customer_ids`` last wrote, in UTC; customers who never wrote are left out.
    One query for a whole batch of follow-ups, each checked against Meta's 24-hour window."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(CustomerContact.sender_id, CustomerContact.last_message_at).where(CustomerContact.sender_id.in_(ids))
    )
    return {sender_id: at for sender_id, at in rows}


DIRECT_MESSAGE = "message"  # the inbox's kind for a customer's Direct message or button tap
MAX_SHOWN_TEXT = 1000


@dataclass(frozen=True)
class CustomerMessage:
    """One Direct message as the owner reads it before answering: when, and what was written."""

    at: datetime
    text: str | None  # the text, or the title of the button tapped; None for a photo alone
    attachments: tuple[str, ...]  # Meta's attachment types: "image", "share", "ig_reel"...


def _customer_message(payload: str | None, at: datetime) -> CustomerMessage:
    """The words of a stored event (``Received.stored``: Meta's item under "item"); an event
    the store cannot read still counts as a message, with nothing to show."""
    try:
        item = json.loads(payload or "null").get("item") or {}
    except (ValueError, AttributeError):
        item = {}
    message = item.get("message") if isinstance(item, dict) else None
    postback = item.get("postback") if isinstance(item, dict) else None
    text, kinds = None, []
    if isinstance(message, dict):
        text = message.get("text")
        found = message.get("attachments")
        for attachment in found if isinstance(found, list) else [found]:
            if isinstance(attachment, dict) and isinstance(attachment.get("type"), str):
                kinds.append(attachment["type"])
    elif isinstance(postback, dict):
        text = postback.get("title")
    text = text[:MAX_SHOWN_TEXT] if isinstance(text, str) and text.strip() else None
    return CustomerMessage(at, text, tuple(kinds))


def recent_messages(
    session: Session, customer_ids: Collection[str], limit: int = 3
) -> dict[str, list[CustomerMessage]]:
    """Each customer's last ``limit`` Direct messages from the inbox, oldest first (so they read
    like the chat); customers who never wrote on Instagram are left out. One query however many
    customers: the owner's list of waiting customers shows them all at once."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a whole number from 1, not {limit!r}")
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=InboundEvent.sender_id,
            order_by=(InboundEvent.event_time_ms.desc(), InboundEvent.id.desc()),
        )
        .label("rank")
    )
    latest = (
        select(InboundEvent.sender_id, InboundEvent.event_time_ms, InboundEvent.claimed_at, InboundEvent.payload, rank)
        .where(InboundEvent.kind == DIRECT_MESSAGE, InboundEvent.sender_id.in_(ids))
        .subquery()
    )
    rows = session.execute(
        select(latest.c.sender_id, latest.c.event_time_ms, latest.c.claimed_at, latest.c.payload)
        .where(latest.c.rank <= limit)
        .order_by(latest.c.sender_id, latest.c.rank.desc())
    ).all()
    found: dict[str, list[CustomerMessage]] = {}
    for sender_id, time_ms, claimed_at, payload in rows:
        at = datetime.fromtimestamp(time_ms / 1000, timezone.utc) if time_ms else claimed_at
        found.setdefault(sender_id, []).append(_customer_message(payload, at))
    return found


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
