"""Tables of the message log: what the Instagram channel has seen, when and from where.

Kept apart from ``models.py`` (the catalog and orders) but on the same ``Base``, so
Alembic's metadata and ``Base.metadata.create_all`` see them once this module is
imported. The schema itself is owned by migration 0003.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Integer, String, UniqueConstraint

from inventory_db.models import Base, utcnow


class InboundEvent(Base):
    """One webhook event the channel has claimed: a message (by mid) or a comment.

    The unique (kind, external_id) pair is the seen-set: a second INSERT of the same
    mid fails, which is how a redelivered or duplicated webhook is recognised.
    """

    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("kind", "external_id", name="uq_inbound_event_kind_external_id"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(16), nullable=False)  # "message" or "comment"
    external_id = Column(String(255), nullable=False)  # Meta's mid, or the comment id
    sender_id = Column(String(64), nullable=False, index=True)
    claimed_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    processed_at = Column(DateTime(timezone=True), nullable=True)
    outcome = Column(String(16), nullable=True)  # "done", "failed", "skipped"


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
    recorded_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class CustomerContact(Base):
    """The last time a customer wrote to us: the start of the 24-hour messaging window."""

    __tablename__ = "customer_contacts"

    sender_id = Column(String(64), primary_key=True)
    last_message_at = Column(DateTime(timezone=True), nullable=False)
