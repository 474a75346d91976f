"""Tables of the store. The schema itself is owned by the Alembic migrations."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


def utcnow() -> datetime:
    """Timestamps are stored in UTC."""
    return datetime.now(timezone.utc)


class Product(Base):
    """A catalog item as the shop names it, e.g. B-21 "مانتو کتان"."""

    __tablename__ = "products"

    id = Column(Integer, primary_key=True)
    code = Column(String(16), nullable=False, unique=True)
    name_fa = Column(String(200), nullable=False)
    name_en = Column(String(200), nullable=False)
    category = Column(String(40), nullable=False)
    post = Column(String(64), nullable=True, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    variants = relationship("Variant", back_populates="product", cascade="all, delete-orphan", order_by="Variant.id")


class Variant(Base):
    """One sellable colour/size of a product, with its price (toman) and units on hand."""

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
    price = Column(Integer, nullable=False)
    on_hand = Column(Integer, nullable=False, default=0)

    product = relationship("Product", back_populates="variants")
