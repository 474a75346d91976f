"""Tables of the store. The schema itself is owned by the Alembic migrations.

Stock is never kept as a running "available" counter: availability is computed from
units on hand, unexpired reservations and open orders (see ``stock``), and every
change of those is written to ``stock_movements``, an append-only ledger.

Money (toman) and unit counts are BIGINT: a 2.2 billion toman order is past
INTEGER's 2,147,483,647 (prices in toman grow fast). Primary and foreign keys stay
INTEGER (on SQLite only "INTEGER PRIMARY KEY" is the auto-numbered row id).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

from inventory_db.errors import TooLong

Base = declarative_base()


def utcnow() -> datetime:
    """Timestamps are stored in UTC."""
    return datetime.now(timezone.utc)


def check_length(column: Any, value: str | None, field: str | None = None) -> None:
    """TooLong when ``value`` is longer than the String ``column`` (e.g. ``Order.address``) takes.

    PostgreSQL refuses such a value with a DataError and SQLite keeps it whole, so the
    store checks first and says which value and how long it may be.
    """
    limit = column.property.columns[0].type.length
    if value is not None and len(value) > limit:
        raise TooLong(field or column.key, len(value), limit)


class UTCDateTime(TypeDecorator):
    """A timestamp that goes in as UTC and comes out timezone-aware in UTC.

    PostgreSQL keeps the zone (timestamptz); SQLite stores a naive text such as
    "2026-11-24 10:00:00.000000". Converting to UTC before binding makes both
    compare the same way in SQL, and attaching UTC on the way out means callers
    never see a naive datetime, whichever database they ran on.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store only takes timezone-aware times")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Product(Base):
    """A catalog item as the shop names it, e.g. B-21 "مانتو کتان".

    ``active`` is False once a catalog import with --replace left it out while orders
    or reservations still refer to it: it is hidden from customers but kept for them.
    """

    __tablename__ = "products"

    id = Column(Integer, primary_key=True)
    code = Column(String(16), nullable=False, unique=True)
    name_fa = Column(String(200), nullable=False)
    name_en = Column(String(200), nullable=False)
    category = Column(String(40), nullable=False)
    post = Column(String(64), nullable=True, unique=True)
    active = Column(Boolean, nullable=False, default=True, server_default="1")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    variants = relationship("Variant", back_populates="product", cascade="all, delete-orphan", order_by="Variant.id")


class Variant(Base):
    """One sellable colour/size of a product, with its price (toman), units on hand, and the
    number of available units at or below which the owner is told it is running low."""

    __tablename__ = "variants"
    __table_args__ = (
        UniqueConstraint("product_id", "color", "size", name="uq_variant_product_color_size"),
        CheckConstraint("price > 0", name="ck_variant_price_positive"),
        CheckConstraint("on_hand >= 0", name="ck_variant_on_hand_non_negative"),
    )

    id = Column(Integer, primary_key=True)
    product_id = Column(Integer, ForeignKey("products.id", ondelete="CASCADE"), nullable=False, index=True)
    color = Column(String(20), nullable=False)
    size = Column(String(10), nullable=False)
    price = Column(BigInteger, nullable=False)
    on_hand = Column(BigInteger, nullable=False, default=0)
    active = Column(Boolean, nullable=False, default=True, server_default="1")
    low_stock_threshold = Column(Integer, nullable=True)  # None: the shop's default (inventory_db.low_stock)

    product = relationship("Product", back_populates="variants")


class StockMovement(Base):
    """One change of a variant's stock: the append-only ledger the owner audits.

    Each row says how it moved units on hand, units held by reservations and units
    allocated to open orders. Summing a variant's deltas gives its on-hand count,
    its active holds and its open-order units. The product code, colour and size are
    copied so the history outlives a variant removed by a catalog import.
    """

    __tablename__ = "stock_movements"

    id = Column(Integer, primary_key=True)
    variant_id = Column(Integer, ForeignKey("variants.id", ondelete="SET NULL"), nullable=True, index=True)
    product_code = Column(String(16), nullable=False, index=True)
    color = Column(String(20), nullable=False)
    size = Column(String(10), nullable=False)
    reason = Column(String(20), nullable=False)
    on_hand_delta = Column(BigInteger, nullable=False, default=0)
    reserved_delta = Column(BigInteger, nullable=False, default=0)
    allocated_delta = Column(BigInteger, nullable=False, default=0)
    actor = Column(String(100), nullable=False)
    note = Column(String(300), nullable=True)
    reservation_id = Column(Integer, ForeignKey("reservations.id", ondelete="SET NULL"), nullable=True)
    order_id = Column(Integer, ForeignKey("orders.id", ondelete="SET NULL"), nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Reservation(Base):
    """Units held for one customer while they check out, until ``expires_at``.

    A hold counts against availability only while it is active and unexpired, so a
    lapsed hold frees its units without any job running; the sweeper only marks it.
    """

    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_reservation_quantity_positive"),
        Index("ix_reservations_variant_id_status_expires_at", "variant_id", "status", "expires_at"),
    )

    id = Column(Integer, primary_key=True)
    variant_id = Column(Integer, ForeignKey("variants.id"), nullable=False)
    customer_id = Column(String(64), nullable=False, index=True)
    quantity = Column(BigInteger, nullable=False)
    unit_price = Column(BigInteger, nullable=False)
    status = Column(String(16), nullable=False)  # active, released, converted, expired
    expires_at = Column(UTCDateTime, nullable=False)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    closed_at = Column(UTCDateTime, nullable=True)

    variant = relationship("Variant")


class Order(Base):
    """A customer's order, numbered for chatting ("سفارش ۱۰۲۴"), moving through ``order_states``."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total >= 0", name="ck_order_total_non_negative"),
        CheckConstraint("shipping_fee >= 0", name="ck_order_shipping_fee_non_negative"),
    )

    id = Column(Integer, primary_key=True)
    number = Column(Integer, nullable=False, unique=True)
    idempotency_key = Column(String(200), nullable=False, unique=True)
    status = Column(String(20), nullable=False, index=True)
    customer_id = Column(String(64), nullable=False, index=True)
    customer_name = Column(String(200), nullable=False)
    phone = Column(String(32), nullable=False)
    address = Column(String(500), nullable=False)
    postal_code = Column(String(20), nullable=True)
    shipping_method = Column(String(40), nullable=False)
    shipping_fee = Column(BigInteger, nullable=False, default=0)
    source = Column(String(20), nullable=True)
    subtotal = Column(BigInteger, nullable=False)
    total = Column(BigInteger, nullable=False)
    tracking_code = Column(String(64), nullable=True)
    payment_due_at = Column(UTCDateTime, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)

    items = relationship("OrderItem", back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.id")
    changes = relationship(
        "OrderStatusChange", back_populates="order", cascade="all, delete-orphan", order_by="OrderStatusChange.id"
    )


class OrderItem(Base):
    """One line of an order, with the product's name and price as they were when ordered."""

    __tablename__ = "order_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_order_item_quantity_positive"),
        CheckConstraint("unit_price > 0", name="ck_order_item_unit_price_positive"),
    )

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    variant_id = Column(Integer, ForeignKey("variants.id"), nullable=False, index=True)
    product_code = Column(String(16), nullable=False)
    name_fa = Column(String(200), nullable=False)
    name_en = Column(String(200), nullable=False)
    color = Column(String(20), nullable=False)
    size = Column(String(10), nullable=False)
    quantity = Column(BigInteger, nullable=False)
    unit_price = Column(BigInteger, nullable=False)

    order = relationship("Order", back_populates="items")
    variant = relationship("Variant")


class OrderStatusChange(Base):
    """One step of an order's life: from which status to which, when and by whom."""

    __tablename__ = "order_status_changes"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    from_status = Column(String(20), nullable=True)  # None for the placement itself
    to_status = Column(String(20), nullable=False)
    actor = Column(String(100), nullable=False)
    note = Column(String(300), nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    order = relationship("Order", back_populates="changes")


class Counter(Base):
    """A named number handed out in sequence; "order_number" gives 1001, 1002, …

    Incremented with an UPDATE inside the placing transaction, so two orders never
    share a number and a rolled-back placement leaves no gap.
    """

    __tablename__ = "counters"

    name = Column(String(40), primary_key=True)
    value = Column(Integer, nullable=False)


class RestockRequest(Base):
    """A customer asked to hear when a sold-out variant is back ("وقتی موجود شد خبرم کنید")."""

    __tablename__ = "restock_requests"
    __table_args__ = (Index("ix_restock_requests_variant_id_notified_at", "variant_id", "notified_at"),)

    id = Column(Integer, primary_key=True)
    variant_id = Column(Integer, ForeignKey("variants.id", ondelete="CASCADE"), nullable=False)
    customer_id = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    notified_at = Column(UTCDateTime, nullable=True)

    variant = relationship("Variant")


class PaymentReceipt(Base):
    """What a customer sent as proof of a card-to-card payment: a text (tracking number) or an image.

    For an image ``content`` is the address it came from (Meta's, which expires) and the
    file kept in the store's media folder is ``file_path`` with its ``file_sha256``; when
    it could not be fetched ``file_error`` says why and only the address is left.
    """

    __tablename__ = "payment_receipts"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    customer_id = Column(String(64), nullable=False)
    kind = Column(String(10), nullable=False)  # text, image
    content = Column(String(2000), nullable=False)
    file_path = Column(String(500), nullable=True)
    file_sha256 = Column(String(64), nullable=True)
    file_error = Column(String(200), nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    order = relationship("Order")


class Handoff(Base):
    """A customer asked for a person: the bot stays quiet with them until the owner releases it."""

    __tablename__ = "handoffs"
    __table_args__ = (Index("ix_handoffs_customer_id_released_at", "customer_id", "released_at"),)

    id = Column(Integer, primary_key=True)
    customer_id = Column(String(64), nullable=False)
    message = Column(String(1000), nullable=True)
    requested_at = Column(UTCDateTime, nullable=False, default=utcnow)
    released_at = Column(UTCDateTime, nullable=True)
    released_by = Column(String(100), nullable=True)
