"""The business events table: what happened in the shop, one row per happening, never changed.

Kept apart from ``models.py`` but on the same ``Base`` (Alembic's env loads every
``*models`` module). The schema is owned by migration 0009; ``inventory_db.events``
writes the rows and says why the columns are what they are.

No foreign keys: an event outlives the hold, order or variant it was about (the facts
it needs are copied, as the stock ledger copies them), and inserting one never locks a
parent row, so recording adds nothing to the store's lock order.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String

from inventory_db.models import Base, UTCDateTime


class BusinessEvent(Base):
    """One business event: its kind, when (UTC), whose, and the few facts reports group by."""

    __tablename__ = "business_events"
    __table_args__ = (
        Index("ix_business_events_kind_occurred_at", "kind", "occurred_at"),
        # The reports' lookups (migration 0012).
        Index("ix_business_events_conversation_kind_time", "conversation_id", "kind", "occurred_at"),
        Index("ix_business_events_kind_order_time", "kind", "order_number", "occurred_at"),
        Index("ix_business_events_occurred_at", "occurred_at"),
        Index("ix_business_events_customer_external_time", "customer_id", "external", "occurred_at"),
    )

    id = Column(Integer, primary_key=True)
    kind = Column(String(32), nullable=False)
    occurred_at = Column(UTCDateTime, nullable=False)
    customer_id = Column(String(64), nullable=False)
    conversation_id = Column(String(64), nullable=False)  # the sender id on Instagram and REST
    external = Column(Boolean, nullable=False)  # not caused by a customer's message
    product_code = Column(String(16), nullable=True)
    color = Column(String(20), nullable=True)
    size = Column(String(10), nullable=True)
    quantity = Column(BigInteger, nullable=True)  # units held, ordered or asked for
    available = Column(BigInteger, nullable=True)  # inquiry: units free when asked (0: none)
    order_number = Column(Integer, nullable=True)
    amount = Column(BigInteger, nullable=True)  # toman
    source = Column(String(20), nullable=True)  # direct, post, reel, story, ad, link, comment
    ref = Column(String(255), nullable=True)  # an ad's or ig.me link's ref
    ad_id = Column(String(64), nullable=True)
    step = Column(String(32), nullable=True)  # checkout_step: the form slot asked, or summary_shown
    text = Column(String(200), nullable=True)  # fallback: the normalised message
