"""Reading the catalog: products, their variants, and what is in stock.

``available`` is what a customer can still buy: units on hand less unexpired
reservations and open orders (see ``stock``). Products and variants a catalog
import took off sale are not shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from inventory_db import stock
from inventory_db.errors import UnknownProduct
from inventory_db.models import Product
from shoplang.normalize import canonical_product_code, canonical_product_type, fold


@dataclass(frozen=True)
class VariantInfo:
    color: str
    size: str
    price: int
    available: int


@dataclass(frozen=True)
class ProductInfo:
    """A product and its variants as plain values, safe to use after the session ends."""

    code: str
    name_fa: str
    name_en: str
    category: str
    post: Optional[str]
    variants: tuple[VariantInfo, ...] = field(default_factory=tuple)

    def in_stock(self) -> list[VariantInfo]:
        return [v for v in self.variants if v.available > 0]

    def colors_in_stock(self, size: Optional[str] = None) -> list[str]:
        return list(dict.fromkeys(v.color for v in self.in_stock() if size is None or v.size == size))

    def sizes_in_stock(self, color: Optional[str] = None) -> list[str]:
        return list(dict.fromkeys(v.size for v in self.in_stock() if color is None or v.color == color))

    def price_range(self) -> tuple[int, int]:
        prices = [v.price for v in self.variants]
        return min(prices), max(prices)


@dataclass(frozen=True)
class Availability:
    """The answer to "do you have X in colour C, size S?"."""

    product: ProductInfo
    color: Optional[str]
    size: Optional[str]
    matches: tuple[VariantInfo, ...]  # variants fitting the asked colour/size

    @property
    def available(self) -> int:
        return sum(v.available for v in self.matches)

    @property
    def exists(self) -> bool:
        """False when the shop never makes this colour/size of the product."""
        return bool(self.matches)


def _infos(session: Session, products: list[Product]) -> list[ProductInfo]:
    variants = [v for p in products for v in p.variants if v.active]
    committed = stock.committed_units(session, [v.id for v in variants])
    infos = []
    for product in products:
        available = []
        for v in product.variants:
            if v.active:
                reserved, allocated = committed.get(v.id, (0, 0))
                available.append(VariantInfo(v.color, v.size, v.price, max(v.on_hand - reserved - allocated, 0)))
        infos.append(
            ProductInfo(
                code=product.code,
                name_fa=product.name_fa,
                name_en=product.name_en,
                category=product.category,
                post=product.post,
                variants=tuple(available),
            )
        )
    return infos


def get_product(session: Session, code: str) -> ProductInfo:
    """The product with ``code`` in any spelling ("b21", "B-۲۱"); UnknownProduct otherwise."""
    canonical = canonical_product_code(code) or code.strip().upper()
    product = session.execute(
        select(Product).options(selectinload(Product.variants)).where(Product.code == canonical, Product.active)
    ).scalar_one_or_none()
    if product is None:
        raise UnknownProduct(canonical)
    return _infos(session, [product])[0]


def search_products(session: Session, text: str) -> list[ProductInfo]:
    """Products a customer's words refer to: by type ("مانتو") or by words of the name."""
    query = fold(text)
    if not query:
        return []
    category = canonical_product_type(query)
    products = session.execute(
        select(Product).options(selectinload(Product.variants)).where(Product.active).order_by(Product.code)
    ).scalars()
    found = [
        p
        for p in products
        if p.category == category or query in fold(p.name_fa) or query in fold(p.name_en)
    ]
    return _infos(session, found)


def availability(product: ProductInfo, color: Optional[str] = None, size: Optional[str] = None) -> Availability:
    """Which variants of ``product`` fit the asked colour and size, and how many are left."""
    matches = tuple(
        v for v in product.variants if (color is None or v.color == color) and (size is None or v.size == size)
    )
    return Availability(product=product, color=color, size=size, matches=matches)
