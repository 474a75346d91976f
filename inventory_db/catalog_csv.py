"""Catalog files: the CSV a shop owner keeps in a spreadsheet, in and out.

Columns: code,name_fa,name_en,category,color,size,price,stock,post — one row per
variant. Colours, sizes and categories may be written in Persian, Finglish or
English; they are stored as the vocabulary's canonical keys. ``post`` (a shortcode or
media id) is kept exactly as written, only trimmed. A file with any bad row is rejected
whole, with every bad line reported, so nothing is half-imported.

Export guards formulas (``inventory_db.formula_guard``): a text cell starting with = + - @,
a tab or a carriage return is written with a leading ' so a spreadsheet shows it instead of
running it, and the importer takes that quote off again, so every text reads back as it was
(edge spaces trimmed as ever).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from inventory_db import stock
from inventory_db.errors import CatalogImportError, RowError, TooLong
from inventory_db.formula_guard import guard, unguard
from inventory_db.models import OrderItem, Product, Reservation, Variant, check_length
from shoplang import vocabulary
from shoplang.normalize import (
    canonical_color,
    canonical_product_code,
    canonical_product_type,
    canonical_size,
    normalize_text,
    to_ascii_digits,
)

COLUMNS = ("code", "name_fa", "name_en", "category", "color", "size", "price", "stock", "post")
_REQUIRED = ("code", "name_fa", "name_en", "category", "color", "size", "price", "stock")
_NUMBERS = ("price", "stock")
_THOUSANDS = re.compile(r"[,\u066c\u060c_ ']")


@dataclass(frozen=True)
class CatalogRow:
    """One validated line of a catalog file."""

    line: int
    code: str
    name_fa: str
    name_en: str
    category: str
    color: str
    size: str
    price: int
    stock: int
    post: str | None


@dataclass(frozen=True)
class ImportSummary:
    products_created: int
    products_updated: int
    products_removed: int
    variants_created: int
    variants_updated: int
    variants_removed: int
    products_deactivated: int = 0  # left out of a --replace file but kept for their orders
    variants_deactivated: int = 0


def _whole_number(text: str) -> int | None:
    cleaned = _THOUSANDS.sub("", to_ascii_digits(text.strip()))
    # ASCII digits only: "²".isdigit() is True, and int("²") fails.
    return int(cleaned) if cleaned.isascii() and cleaned.isdigit() else None


def _parse_row(line: int, raw: dict[str, str | None]) -> tuple[CatalogRow | None, list[RowError]]:
    cells = {key: raw.get(key) or "" for key in COLUMNS}
    value = {key: cell if key in _NUMBERS else unguard(cell) for key, cell in cells.items()}
    value = {key: cell.strip() if key == "post" else normalize_text(cell) for key, cell in value.items()}
    errors = [RowError(line, f"'{key}' is empty") for key in _REQUIRED if not value[key]]
    for key, column in (("name_fa", Product.name_fa), ("name_en", Product.name_en), ("post", Product.post)):
        try:
            check_length(column, value[key])
        except TooLong as error:
            errors.append(RowError(line, str(error)))
    if errors:
        return None, errors
    code = canonical_product_code(value["code"])
    category = canonical_product_type(value["category"])
    color = canonical_color(value["color"])
    size = canonical_size(value["size"])
    price = _whole_number(value["price"])
    stock = _whole_number(value["stock"])
    if code is None:
        errors.append(RowError(line, f"code '{value['code']}' is not a product code like B-21"))
    if category is None:
        known = ", ".join(t.key for t in vocabulary.PRODUCT_TYPES)
        errors.append(RowError(line, f"unknown category '{value['category']}' (known: {known})"))
    if color is None:
        errors.append(RowError(line, f"unknown colour '{value['color']}'"))
    if size is None:
        errors.append(RowError(line, f"unknown size '{value['size']}'"))
    if price is None or price <= 0:
        errors.append(RowError(line, f"price '{value['price']}' is not a positive whole number of toman"))
    if stock is None:
        errors.append(RowError(line, f"stock '{value['stock']}' is not a whole number of units"))
    if errors:
        return None, errors
    assert code and category and color and size and price is not None and stock is not None
    return (
        CatalogRow(
            line, code, value["name_fa"], value["name_en"], category, color, size, price, stock, value["post"] or None
        ),
        [],
    )


def parse_catalog(stream: IO[str]) -> list[CatalogRow]:
    """Every row of a catalog file, validated; CatalogImportError lists all bad lines."""
    reader = csv.DictReader(stream)
    header = [name.strip().lstrip("\ufeff") for name in (reader.fieldnames or [])]
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise CatalogImportError([RowError(1, f"missing column(s): {', '.join(missing)}")])
    reader.fieldnames = header
    rows: list[CatalogRow] = []
    errors: list[RowError] = []
    try:
        for raw in reader:
            row, row_errors = _parse_row(reader.line_num, raw)
            errors.extend(row_errors)
            if row is not None:
                rows.append(row)
    except csv.Error as error:  # a cell over csv.field_size_limit(), a NUL byte...
        raise CatalogImportError([*errors, RowError(reader.line_num + 1, f"not readable as CSV: {error}")]) from None
    errors.extend(_consistency_errors(rows))
    if not rows and not errors:
        errors.append(RowError(1, "the file has no product rows"))
    if errors:
        raise CatalogImportError(sorted(errors, key=lambda e: e.line))
    return rows


def _consistency_errors(rows: list[CatalogRow]) -> list[RowError]:
    errors: list[RowError] = []
    first_of_code: dict[str, CatalogRow] = {}
    seen_variants: dict[tuple[str, str, str], int] = {}
    post_owner: dict[str, str] = {}
    for row in rows:
        first = first_of_code.setdefault(row.code, row)
        for name in ("name_fa", "name_en", "category", "post"):
            if getattr(row, name) != getattr(first, name) and not (name == "post" and row.post is None):
                errors.append(RowError(row.line, f"{name} differs from line {first.line} for {row.code}"))
        key = (row.code, row.color, row.size)
        if key in seen_variants:
            errors.append(RowError(row.line, f"{row.code} {row.color} {row.size} repeats line {seen_variants[key]}"))
        seen_variants.setdefault(key, row.line)
        if row.post:
            owner = post_owner.setdefault(row.post, row.code)
            if owner != row.code:
                errors.append(RowError(row.line, f"post {row.post} already belongs to {owner}"))
    return errors


def import_catalog(
    session: Session,
    rows: Iterable[CatalogRow],
    replace: bool = False,
    actor: str = "owner",
    now: datetime | None = None,
) -> ImportSummary:
    """Write validated rows into the store, inside the caller's transaction.

    Without ``replace`` products and variants are added or updated; with it the
    catalog becomes exactly the file. A product or variant left out that an order or
    reservation refers to is deactivated (hidden from customers, kept for its orders,
    returns and history) rather than deleted; the rest is deleted. Every change of
    units on hand is an "import" (or "remove") movement in the stock ledger. A stock
    count below what reservations and open orders already hold is a row error, and
    CatalogImportError then leaves the caller's transaction to roll everything back.
    """
    rows = list(rows)
    now = stock.now_or(now)
    # Lock every variant first: on PostgreSQL a checkout must not slip in between
    # reading the holds below and writing the new counts.
    session.execute(select(Variant.id).order_by(Variant.id).with_for_update(key_share=True)).all()
    existing = {
        p.code: p
        for p in session.execute(
            select(Product).options(selectinload(Product.variants)).execution_options(populate_existing=True)
        ).scalars()
    }
    committed = stock.committed_units(session, None, now)
    referenced = set(session.execute(select(OrderItem.variant_id).distinct()).scalars()) | set(
        session.execute(select(Reservation.variant_id).distinct()).scalars()
    )
    counts = dict.fromkeys(ImportSummary.__dataclass_fields__, 0)
    by_code: dict[str, list[CatalogRow]] = {}
    for row in rows:
        by_code.setdefault(row.code, []).append(row)

    def take_off(variant: Variant) -> str:
        """Deactivate a variant orders refer to, delete any other; returns which."""
        if variant.id in referenced:
            if variant.active:
                variant.active = False
                return "variants_deactivated"
            return ""
        if variant.on_hand:
            stock.record(session, variant, stock.REMOVE, actor, on_hand=-variant.on_hand, now=now)
        variant.product.variants.remove(variant)
        return "variants_removed"

    if replace:  # removals first, so a post or code they held is free for the file's rows
        for code, product in existing.items():
            if code in by_code:
                continue
            if any(v.id in referenced for v in product.variants):
                if product.active:
                    product.active, product.post = False, None
                    counts["products_deactivated"] += 1
                for variant in list(product.variants):
                    variant.active = False
            else:
                for variant in list(product.variants):
                    take_off(variant)
                session.delete(product)
                counts["products_removed"] += 1
        session.flush()

    errors: list[RowError] = []
    created: list[Variant] = []
    for code, product_rows in by_code.items():
        first = product_rows[0]
        post = next((r.post for r in product_rows if r.post), None)
        product = existing.get(code)
        if product is None:
            product = Product(code=code)
            session.add(product)
            counts["products_created"] += 1
        else:
            counts["products_updated"] += 1
        product.name_fa, product.name_en, product.category, product.post = (
            first.name_fa,
            first.name_en,
            first.category,
            post,
        )
        product.active = True
        variants = {(v.color, v.size): v for v in product.variants}
        for row in product_rows:
            variant = variants.pop((row.color, row.size), None)
            if variant is None:
                variant = Variant(color=row.color, size=row.size, price=row.price, on_hand=row.stock, active=True)
                product.variants.append(variant)
                created.append(variant)
                counts["variants_created"] += 1
                continue
            reserved, allocated = committed.get(variant.id, (0, 0))
            if row.stock < reserved + allocated:
                errors.append(
                    RowError(
                        row.line,
                        f"stock {row.stock} for {code} {row.color} {row.size} is below the "
                        f"{reserved + allocated} units reserved or in open orders",
                    )
                )
            delta = row.stock - variant.on_hand
            variant.price, variant.on_hand, variant.active = row.price, row.stock, True
            if delta:
                stock.record(session, variant, stock.IMPORT, actor, on_hand=delta, now=now)
            counts["variants_updated"] += 1
        if replace:
            for variant in variants.values():
                taken = take_off(variant)
                if taken:
                    counts[taken] += 1
    if errors:
        raise CatalogImportError(errors)
    session.flush()
    for variant in created:
        if variant.on_hand:
            stock.record(session, variant, stock.IMPORT, actor, on_hand=variant.on_hand, now=now)
    session.flush()
    return ImportSummary(**counts)


def export_catalog(session: Session, stream: IO[str]) -> int:
    """Write the catalog on sale as a CSV the importer reads back unchanged, formula-like text
    guarded (see the module's docstring); returns rows written."""
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    count = 0
    products = session.execute(
        select(Product).options(selectinload(Product.variants)).where(Product.active).order_by(Product.code)
    ).scalars()
    for product in products:
        for v in (v for v in product.variants if v.active):
            cells = (product.code, product.name_fa, product.name_en, product.category, v.color, v.size)
            writer.writerow([guard(cell) for cell in (*cells, v.price, v.on_hand, product.post or "")])
            count += 1
    return count
