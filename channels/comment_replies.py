"""Comment-to-DM: is a comment asking the price or availability, and what to answer.

A customer who comments "قیمت؟" or "موجوده؟" under a product post gets one private
reply in Direct with the price and what is in stock, from the catalog, in the
comment's language. The channel decides when to send; this module only decides
whether and what.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from channels import instagram_texts as texts
from inventory_db import catalog
from shoplang import describe
from shoplang.formatting import join_list
from shoplang.language import detect_language
from shoplang.normalize import fold

# Stems matched inside words ("قیمتش", "موجوده", "موجودیش"), then whole words.
_QUESTION_STEMS = ("قیمت", "موجود", "ناموجود")
_QUESTION_WORDS = frozenset(
    {
        "چند",
        "چنده",
        "چقدر",
        "چقد",
        "چقدره",
        "دارید",
        "دارین",
        "داری",
        "سایز",
        "رنگ",
        "پیوی",
        "gheymat",
        "ghimat",
        "gheimat",
        "qeymat",
        "chand",
        "chande",
        "chanda",
        "mojood",
        "mojod",
        "mojode",
        "mojoode",
        "mojude",
        "darid",
        "darin",
        "dari",
        "sayz",
        "saiz",
        "rang",
        "pv",
        "price",
        "prices",
        "cost",
        "costs",
        "available",
        "availability",
        "stock",
        "size",
        "sizes",
        "color",
        "colors",
        "colour",
        "colours",
        "pm",
        "dm",
    }
)
_WORD = re.compile(r"[^\W\d_]+")


def asks_price_or_availability(comment: str) -> bool:
    """True for "قیمت؟", "موجوده؟", "سایز L دارید؟", "how much?", "gheymat?"."""
    folded = fold(comment)
    if any(stem in folded for stem in _QUESTION_STEMS) or "how much" in folded:
        return True
    return any(word in _QUESTION_WORDS for word in _WORD.findall(folded))


def answer(session: Session, product_code: str, comment: str) -> str:
    """The private reply for a price/availability comment on ``product_code``'s post."""
    language = detect_language(comment)
    product = catalog.get_product(session, product_code)
    name = describe.product_name(product.name_fa, product.name_en, product.code, language)
    price = describe.price_range(*product.price_range(), language)
    if catalog.availability(product).available <= 0:
        return texts.text(texts.COMMENT_SOLD_OUT, language, product=name, price=price)
    colors = join_list([describe.color_name(c, language) for c in product.colors_in_stock()], language)
    sizes = join_list([describe.size_name(s, language) for s in product.sizes_in_stock()], language)
    return texts.text(texts.COMMENT_IN_STOCK, language, product=name, price=price, colors=colors, sizes=sizes)
