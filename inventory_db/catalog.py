"""Reading the catalog: products, their variants, what is in stock, and which product a
customer's words name.

``available`` is what a customer can still buy: units on hand less unexpired
reservations and open orders (see ``stock``). Products and variants a catalog
import took off sale are not shown. Names are matched against the store as it is
now, so a product imported after the model was trained is found by name too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
    post: str | None
    variants: tuple[VariantInfo, ...] = field(default_factory=tuple)

    def in_stock(self) -> list[VariantInfo]:
        return [v for v in self.variants if v.available > 0]

    def colors_in_stock(self, size: str | None = None) -> list[str]:
        return list(dict.fromkeys(v.color for v in self.in_stock() if size is None or v.size == size))

    def sizes_in_stock(self, color: str | None = None) -> list[str]:
        return list(dict.fromkeys(v.size for v in self.in_stock() if color is None or v.color == color))

    def price_range(self) -> tuple[int, int]:
        prices = [v.price for v in self.variants]
        return min(prices), max(prices)


@dataclass(frozen=True)
class Availability:
    """The answer to "do you have X in colour C, size S?"."""

    product: ProductInfo
    color: str | None
    size: str | None
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
                units = stock.free_units(v.on_hand, *committed.get(v.id, (0, 0)))
                available.append(VariantInfo(v.color, v.size, v.price, units))
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


@dataclass(frozen=True)
class NameMatch:
    """The product a customer's words name: a clear ``best`` to take (and say), or else
    up to ``limit`` ``candidates``, best first, to ask about (none when nothing matches)."""

    best: ProductInfo | None
    candidates: tuple[ProductInfo, ...] = ()


_WORD = re.compile(r"\w+(?:-\w+)*")


def _words(text: str) -> tuple[frozenset[str], list[str]]:
    """The product types ``text`` names and its other words, folded.

    "Open-front manteau" → ({"manteau"}, ["open", "front"]); two-word types
    ("head scarf", "هودی ها") are read as one.
    """
    found = _WORD.findall(fold(text))
    types: set[str] = set()
    words: list[str] = []
    i = 0
    while i < len(found):
        pair = canonical_product_type(" ".join(found[i : i + 2])) if i + 1 < len(found) else None
        single = pair or canonical_product_type(found[i])
        if single:
            types.add(single)
        else:
            words.extend(found[i].split("-"))
        i += 2 if pair else 1
    return frozenset(types), words


def _one_letter_off(word: str, name_word: str) -> bool:
    """A typo of a name word of 4+ letters: one letter missing, extra or wrong, or two
    letters swapped ("lenin" for "linen", «کتن» for «کتان»)."""
    if len(name_word) < 4 or word == name_word:
        return False
    if len(word) == len(name_word):
        diff = [i for i, (a, b) in enumerate(zip(word, name_word, strict=False)) if a != b]
        return len(diff) == 1 or (
            len(diff) == 2 and (word[diff[0]], word[diff[1]]) == (name_word[diff[1]], name_word[diff[0]])
        )
    short, long = sorted((word, name_word), key=len)
    if len(long) - len(short) != 1:
        return False
    i = next((i for i, (a, b) in enumerate(zip(short, long, strict=False)) if a != b), len(short))
    return short[i:] == long[i + 1 :]


@dataclass(frozen=True, order=True)
class _Fit:
    """How well a message names one product; a greater fit is a better match."""

    words: int  # distinctive words of one of its names found in the message
    full: bool  # all of that name's distinctive words
    exact: int  # of them spelt as in the name
    typed: bool  # the message names the product's type
    said: frozenset[str] = field(compare=False)  # the message's words that matched


def _fit(product: Product, asked_types: frozenset[str], said: frozenset[str]) -> _Fit:
    """The best fit over the product's Persian and English names.

    A name's distinctive words are those that are not a product type. A misspelt
    word counts only when the message also names the product's type or spells
    another of its words right, so "sort" alone is not read as "sport".
    """
    kinds = {product.category}
    names = []
    for name in (product.name_fa, product.name_en):
        types, words = _words(name)
        kinds |= types
        names.append(frozenset(words))
    typed = bool(kinds & asked_types)
    fits = []
    for words in names:
        exact = words & said
        near = {w: m for w in words - exact for m in said if _one_letter_off(m, w)} if exact or typed else {}
        found = len(exact) + len(near)
        fits.append(_Fit(found, bool(words) and found == len(words), len(exact), typed, exact | set(near.values())))
    return max(fits)


def _clear_best(ranked: list[_Fit], asked_types: frozenset[str]) -> bool:
    """The top fit names the product by its own words, of a type the message names if it
    names any, beats every other fit, and every word that matched another product
    matched it too ("linen manteau or open front?" names two products)."""
    top = ranked[0]
    return (
        top.words > 0
        and (top.typed or not asked_types)
        and all(other < top and other.said <= top.said for other in ranked[1:])
    )


def find_products_by_name(session: Session, text: str, limit: int | None = 5) -> NameMatch:
    """The product a customer's words name, in Persian or English, in any word order, with
    or without its type ("مانتو کتان", "the linen one", "lenin manteau", «کتن»).

    Scored by how many of a product's distinctive name words the message holds, so
    the rest of the sentence (question words, colours, sizes) does not get in the
    way. A type word alone ("مانتو") names every product of that type: no best, those
    are the candidates. ``limit=None`` gives every candidate.
    """
    asked_types, words = _words(text)
    said = frozenset(words)
    products = session.execute(
        select(Product).options(selectinload(Product.variants)).where(Product.active).order_by(Product.code)
    ).scalars()
    fits = [(fit, product) for product in products if (fit := _fit(product, asked_types, said)).words or fit.typed]
    fits.sort(key=lambda pair: pair[0], reverse=True)  # stable: equal fits stay in code order
    if fits and _clear_best([fit for fit, _ in fits], asked_types):
        return NameMatch(_infos(session, [fits[0][1]])[0])
    return NameMatch(None, tuple(_infos(session, [product for _, product in fits[:limit]])))


def search_products(session: Session, text: str) -> list[ProductInfo]:
    """Products a customer's words refer to: the one they name, else every candidate."""
    match = find_products_by_name(session, text, limit=None)
    return [match.best] if match.best else list(match.candidates)


def availability(product: ProductInfo, color: str | None = None, size: str | None = None) -> Availability:
    """Which variants of ``product`` fit the asked colour and size, and how many are left."""
    matches = tuple(
        v for v in product.variants if (color is None or v.color == color) and (size is None or v.size == size)
    )
    return Availability(product=product, color=color, size=size, matches=matches)
