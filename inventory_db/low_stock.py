"""Low stock: the variants the owner should restock soon.

A variant is low when its available units (``stock.free_units``: on hand less unexpired
holds and open orders, what customers are offered) are at or below its threshold: its
own, set by the owner, or else the shop's default (``low_stock_threshold`` in
``shop_policy.yml``). Only what is on sale counts: a variant or product a catalog import
took off sale is nobody's to restock.

Two queries whatever the size of the catalog: the variants with their thresholds, and
``stock.committed_units`` for all of them at once. ``all_levels`` (the dashboard's stock list)
reads every variant the same way, on sale or not, and marks the low ones.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_db import stock
from inventory_db.errors import InvalidQuantity
from inventory_db.models import Product, Variant
from inventory_db.policy import load_policy


@dataclass(frozen=True)
class VariantThreshold:
    """The threshold a variant is held to, and whether it is the shop's default."""

    code: str
    color: str
    size: str
    threshold: int
    shop_default: bool


def _default(default: int | None) -> int:
    return load_policy().low_stock_threshold if default is None else default


def set_low_stock_threshold(
    session: Session, code: str, color: str, size: str, threshold: int | None, *, default: int | None = None
) -> VariantThreshold:
    """Give one variant its own threshold, or with None hand it back to the shop's default
    (``default``, else the policy file's). A threshold below 0 is refused (InvalidQuantity)."""
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0):
        raise InvalidQuantity(threshold, "must be a whole number from 0")
    variant = stock.find_variant(session, code, color, size)
    variant.low_stock_threshold = threshold
    session.flush()
    shop_default = threshold is None
    return VariantThreshold(
        variant.product.code,
        variant.color,
        variant.size,
        _default(default) if shop_default else threshold,
        shop_default,
    )


@dataclass(frozen=True)
class VariantLevel:
    """One variant on the owner's stock list: its numbers, the threshold it is held to, and
    whether customers can buy it (a catalog import may have taken it or its product off sale)."""

    code: str
    name_fa: str
    name_en: str
    color: str
    size: str
    on_hand: int
    reserved: int
    allocated: int
    available: int
    threshold: int
    shop_default: bool  # the threshold is the shop's, not one the owner set for this variant
    on_sale: bool

    @property
    def low(self) -> bool:
        """At or below its threshold; what is off sale is nobody's to restock."""
        return self.on_sale and self.available <= self.threshold


def _levels(
    session: Session, now: datetime, default: int | None, variant_ids: Collection[int] | None = None
) -> list[tuple[int, VariantLevel]]:
    """(variant id, level) by product code then the catalog's order of variants: two queries,
    the variants (``variant_ids``, or all) and their holds and open orders."""
    shop_threshold = _default(default)
    query = (
        select(
            Variant.id,
            Product.code,
            Product.name_fa,
            Product.name_en,
            Variant.color,
            Variant.size,
            Variant.on_hand,
            Variant.low_stock_threshold,
            Variant.active,
            Product.active,
        )
        .join(Product, Product.id == Variant.product_id)
        .order_by(Product.code, Variant.id)
    )
    if variant_ids is not None:
        query = query.where(Variant.id.in_(sorted(set(variant_ids))))
    variants = session.execute(query).all()
    committed = stock.committed_units(session, variant_ids, now)
    found = []
    for variant_id, code, name_fa, name_en, color, size, on_hand, own, active, product_active in variants:
        reserved, allocated = committed.get(variant_id, (0, 0))
        available = stock.free_units(on_hand, reserved, allocated)
        threshold = shop_threshold if own is None else own
        numbers = (on_hand, reserved, allocated, available, threshold, own is None, bool(active and product_active))
        found.append((variant_id, VariantLevel(code, name_fa, name_en, color, size, *numbers)))
    return found


def all_levels(session: Session, now: datetime | None = None, *, default: int | None = None) -> list[VariantLevel]:
    """Every variant, on sale or not, by product code then the catalog's order of variants,
    each with its threshold (``default``, else the policy file's, where it has none of its own)."""
    return [level for _, level in _levels(session, stock.now_or(now), default)]


def variant_level(
    session: Session, code: str, color: str, size: str, now: datetime | None = None, *, default: int | None = None
) -> VariantLevel:
    """One variant's line of ``all_levels``, named in any spelling (UnknownProduct, UnknownVariant)."""
    variant = stock.find_variant(session, code, color, size)
    [(_, level)] = _levels(session, stock.now_or(now), default, [variant.id])
    return level


def low_stock(session: Session, now: datetime | None = None, *, default: int | None = None) -> list[VariantLevel]:
    """Variants on sale whose available units are at or below their threshold at ``now``,
    fewest available first (then by product code and the catalog's order of variants).

    ``default`` is the shop's threshold (else the policy file's) for variants without their own.
    """
    found = []
    for variant_id, v in _levels(session, stock.now_or(now), default):
        if v.low:
            found.append((v.available, v.code, variant_id, v))
    return [row for *_, row in sorted(found)]
