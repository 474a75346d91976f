"""Tables of the shop's scheduled automations: follow-ups due to customers, customers who
asked not to get them, notifications to the owner, the low-stock state each alert is
compared with, and customers' ratings of their orders.

Kept apart from ``models.py`` but on the same ``Base`` (Alembic's env loads every
``*models`` module). The schema is owned by migration 0011; ``inventory_db.due_work``,
``messaging_optouts``, ``owner_notifications``, ``low_stock_alerts`` and ``ratings`` read
and write the rows and say why they hold what they hold.

No foreign keys, as in the business events: a follow-up, an alert or a rating names the
order or variant it is about and outlives it (a catalog import may remove a variant), and
writing one never locks a row the checkout locks.
"""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, Index, Integer, String, Text, UniqueConstraint

from inventory_db.models import Base, UTCDateTime, utcnow


class DueWork(Base):
    """A message due to a customer at ``due_at``: scheduled once per (kind, dedupe_key), claimed
    by one worker at a time under a lease, then sent, skipped, left to the owner to send by hand,
    or failed (``inventory_db.due_work``)."""

    __tablename__ = "due_work"
    __table_args__ = (
        UniqueConstraint("kind", "dedupe_key", name="uq_due_work_kind_dedupe_key"),
        Index("ix_due_work_status_due_at", "status", "due_at"),
        Index("ix_due_work_customer_id", "customer_id"),
        Index("ix_due_work_order_number", "order_number"),
    )

    id = Column(Integer, primary_key=True)
    kind = Column(String(32), nullable=False)  # abandoned_checkout, payment_reminder, shipped, rating, ...
    dedupe_key = Column(String(200), nullable=False)  # the occasion: "order:1042", "hold:77"
    customer_id = Column(String(64), nullable=False)
    order_number = Column(Integer, nullable=True)
    variant_id = Column(Integer, nullable=True)
    payload = Column(Text, nullable=False)  # JSON: what the message needs (product, colour, tracking code)
    due_at = Column(UTCDateTime, nullable=False)
    status = Column(String(16), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)  # claims so far
    claimed_by = Column(String(80), nullable=True)  # the last worker to claim it
    lease_until = Column(UTCDateTime, nullable=True)  # set only while claimed
    reason = Column(String(255), nullable=True)  # why skipped, failed or left to send by hand
    hand_text = Column(Text, nullable=True)  # the ready message the owner may send by hand
    sent_by = Column(String(100), nullable=True)  # the worker, or the owner who sent it by hand
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    finished_at = Column(UTCDateTime, nullable=True)
    hand_send_until = Column(UTCDateTime, nullable=True)  # a hand-send item lapses then


class MessagingOptOut(Base):
    """A customer who asked the shop not to message them first: no follow-ups, ever, until
    they ask again."""

    __tablename__ = "messaging_optouts"

    customer_id = Column(String(64), primary_key=True)
    at = Column(UTCDateTime, nullable=False)
    text = Column(String(1000), nullable=True)  # what they wrote, for the owner to read


class OwnerNotification(Base):
    """A message to the owner (email, Telegram): enqueued once per (kind, dedupe_key, channel),
    claimed and sent like due work (``inventory_db.owner_notifications``)."""

    __tablename__ = "owner_notifications"
    __table_args__ = (
        UniqueConstraint("kind", "dedupe_key", "channel", name="uq_owner_notifications_kind_key_channel"),
        Index("ix_owner_notifications_status_due_at", "status", "due_at"),
    )

    id = Column(Integer, primary_key=True)
    kind = Column(String(32), nullable=False)  # low_stock, daily_summary, ...
    dedupe_key = Column(String(200), nullable=False)  # "B-21/black/L#3", "2026-12-02"
    channel = Column(String(16), nullable=False)  # email, telegram
    subject = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)
    status = Column(String(16), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    claimed_by = Column(String(80), nullable=True)
    lease_until = Column(UTCDateTime, nullable=True)
    last_error = Column(String(255), nullable=True)
    due_at = Column(UTCDateTime, nullable=False)  # not before: later after each failed try
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = Column(UTCDateTime, nullable=True)


class LowStockAlert(Base):
    """Whether a variant was low when last looked at, and how many times it has fallen low:
    the owner is told once per fall, not once per look."""

    __tablename__ = "low_stock_alerts"

    variant_id = Column(Integer, primary_key=True, autoincrement=False)
    below = Column(Boolean, nullable=False)  # at or below its threshold
    crossings = Column(Integer, nullable=False)
    changed_at = Column(UTCDateTime, nullable=False)


class Rating(Base):
    """A customer's score (1 to 5) for one of their orders, and what they added in words."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("order_number", name="uq_ratings_order_number"),
        CheckConstraint("score >= 1 AND score <= 5", name="ck_ratings_score_1_to_5"),
        Index("ix_ratings_at", "at"),
    )

    id = Column(Integer, primary_key=True)
    order_number = Column(Integer, nullable=False)
    customer_id = Column(String(64), nullable=False)
    score = Column(Integer, nullable=False)
    comment = Column(String(1000), nullable=True)
    at = Column(UTCDateTime, nullable=False)
