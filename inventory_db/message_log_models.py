"""Tables of the message log: what the Instagram channel has seen, when and from where.

Kept apart from ``models.py`` (the catalog and orders) but on the same ``Base``, so
Alembic's metadata and ``Base.metadata.create_all`` see them once this module is
imported. The schema itself is owned by migrations 0003, 0006 and 0008.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Text, UniqueConstraint

from inventory_db.models import Base, UTCDateTime, utcnow


class InboundEvent(Base):
    """One webhook event, stored before Meta gets its 200: the channel's durable inbox.

    The unique (kind, external_id) pair is the seen-set: a second INSERT of the same
    mid fails, which is how a redelivered or duplicated webhook is recognised. ``status``
    moves pending → leased → done (or back to pending with a later ``next_attempt_at``
    after a failed turn, or to gave_up after the last retry); see ``inventory_db.inbox``.
    """

    __tablename__ = "inbound_events"
    __table_args__ = (
        UniqueConstraint("kind", "external_id", name="uq_inbound_event_kind_external_id"),
        Index("ix_inbound_events_status_sender", "status", "sender_id"),
    )

    id = Column(Integer, primary_key=True)
    kind = Column(String(16), nullable=False)  # "message", "comment" or "referral"
    external_id = Column(String(255), nullable=False)  # Meta's mid, or the comment id
    sender_id = Column(String(64), nullable=False, index=True)  # the customer: one ordered queue each
    claimed_at = Column(UTCDateTime, nullable=False, default=utcnow)  # when it was stored
    status = Column(String(16), nullable=False, default="pending")
    payload = Column(Text, nullable=True)  # the event as Meta sent it (JSON), parsed again by the worker
    event_time_ms = Column(BigInteger, nullable=False, default=0)  # Meta's timestamp: the customer's order
    attempts = Column(Integer, nullable=False, default=0)
    lease_owner = Column(String(80), nullable=True)
    lease_until = Column(UTCDateTime, nullable=True)
    next_attempt_at = Column(UTCDateTime, nullable=True)
    last_error = Column(String(255), nullable=True)
    processed_at = Column(UTCDateTime, nullable=True)
    outcome = Column(String(16), nullable=True)  # "done", "failed", "skipped", "handoff", "gave_up"


class OutboundMessage(Base):
    """One reply of a turn: (turn_key, seq) is the n-th message sent for one inbound message.

    A turn retried after a crash or failure sends the same replies in the same order;
    the ones already marked sent are skipped, so the customer never gets one twice.
    """

    __tablename__ = "outbound_messages"
    __table_args__ = (UniqueConstraint("turn_key", "seq", name="uq_outbound_message_turn_seq"),)

    id = Column(Integer, primary_key=True)
    turn_key = Column(String(255), nullable=False)
    seq = Column(Integer, nullable=False)
    recipient_id = Column(String(64), nullable=False, index=True)
    status = Column(String(16), nullable=False)  # "sending", "sent"
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = Column(UTCDateTime, nullable=True)
    meta_message_id = Column(String(255), nullable=True)  # Meta's id of the sent message


class OfferedPayload(Base):
    """A button payload the bot sent a customer: the only "/intent" text taken from them."""

    __tablename__ = "offered_payloads"
    __table_args__ = (UniqueConstraint("recipient_id", "payload", name="uq_offered_payload_recipient_payload"),)

    id = Column(Integer, primary_key=True)
    recipient_id = Column(String(64), nullable=False)
    payload = Column(String(1000), nullable=False)
    offered_at = Column(UTCDateTime, nullable=False, default=utcnow)


class ConversationSource(Base):
    """Where a conversation came from: an ad, an ig.me link, a story (Meta's referral)."""

    __tablename__ = "conversation_sources"
    __table_args__ = (UniqueConstraint("sender_id", "event_time_ms", name="uq_conversation_source_sender_time"),)

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(64), nullable=False, index=True)
    source = Column(String(40), nullable=True)  # ADS, SHORTLINK, IGME-SOURCE-LINK, ...
    referral_type = Column(String(40), nullable=True)  # OPEN_THREAD, ...
    ref = Column(String(255), nullable=True)
    ad_id = Column(String(64), nullable=True)
    event_time_ms = Column(BigInteger, nullable=False)  # Meta's timestamp, also the dedupe key
    recorded_at = Column(UTCDateTime, nullable=False, default=utcnow)


class CustomerContact(Base):
    """The last time a customer wrote to us: the start of the 24-hour messaging window."""

    __tablename__ = "customer_contacts"

    sender_id = Column(String(64), primary_key=True)
    last_message_at = Column(UTCDateTime, nullable=False)


class CustomerOrigin(Base):
    """What a customer's next few minutes of messages are about: a shared post's product,
    an ad or link, and the order source to credit. One row per customer, the latest."""

    __tablename__ = "customer_origins"

    sender_id = Column(String(64), primary_key=True)
    product_code = Column(String(16), nullable=True)
    source = Column(String(16), nullable=True)
    remembered_at = Column(UTCDateTime, nullable=False)
