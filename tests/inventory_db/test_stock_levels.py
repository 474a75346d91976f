"""The owner's stock list (``low_stock.all_levels``): every variant with its numbers and threshold,
the low ones marked, in two queries however big the catalog; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from inventory_db import catalog_csv, low_stock, reservations
from inventory_db.database import transaction
from inventory_db.errors import UnknownProduct, UnknownVariant
from inventory_db.models import Product, Variant
from tests.conftest import DEMO_CATALOG
from tests.inventory_db.helpers import counted_statements, item, place, run


def test_every_variant_is_listed_with_its_numbers_and_the_low_ones_marked(store: sessionmaker) -> None:
    run(store, reservations.reserve, "B-21", "black", "L", 1, "ig-1")
    place(store, "k1", items=[item("B-21", "black", "L", 1)])
    run(store, low_stock.set_low_stock_threshold, "SH-12", "cream", "free", 10)
    levels = run(store, low_stock.all_levels, default=2)
    assert len(levels) == 31  # every line of the demo catalog
    assert [(v.code, v.color, v.size) for v in levels[:3]] == [
        ("B-21", "black", "M"),
        ("B-21", "black", "L"),
        ("B-21", "black", "XL"),
    ]
    black_l = levels[1]
    assert (black_l.on_hand, black_l.reserved, black_l.allocated, black_l.available) == (3, 1, 1, 1)
    assert black_l.low and black_l.threshold == 2 and black_l.shop_default and black_l.name_en == "Linen manteau"
    cream = next(v for v in levels if (v.code, v.color) == ("SH-12", "cream"))
    assert cream.low and (cream.available, cream.threshold, cream.shop_default) == (10, 10, False)
    # The same variants low_stock() lists, no more, no fewer.
    low = {(r.code, r.color, r.size) for r in run(store, low_stock.low_stock, default=2)}
    assert {(v.code, v.color, v.size) for v in levels if v.low} == low


def test_a_variant_off_sale_is_listed_but_never_low(store: sessionmaker) -> None:
    with transaction(store) as session:
        b21 = session.execute(select(Product).where(Product.code == "B-21")).scalar_one()
        b21.variants[0].active = False  # B-21 black M, 4 on hand
        b21.variants[0].on_hand = 0
    levels = run(store, low_stock.all_levels, default=2)
    black_m = next(v for v in levels if (v.code, v.color, v.size) == ("B-21", "black", "M"))
    assert not black_m.on_sale and black_m.available == 0 and not black_m.low
    assert ("B-21", "black", "M") not in {(r.code, r.color, r.size) for r in run(store, low_stock.low_stock, default=2)}


def test_one_variant_by_any_spelling(store: sessionmaker) -> None:
    level = run(store, low_stock.variant_level, "b21", "مشکی", "لارج", default=2)
    assert (level.code, level.color, level.size, level.on_hand, level.threshold) == ("B-21", "black", "L", 3, 2)
    with pytest.raises(UnknownVariant):
        run(store, low_stock.variant_level, "B-21", "black", "S")
    with pytest.raises(UnknownProduct):
        run(store, low_stock.variant_level, "Z-9", "black", "L")


def test_two_queries_for_five_hundred_variants(store: sessionmaker) -> None:
    """The dashboard's stock page lists every variant on every visit: never a query per variant."""
    with transaction(store) as session:
        session.add_all(Product(code=f"Q-{n}", name_fa="تست", name_en="Test", category="shawl") for n in range(50))
    with transaction(store) as session:
        ids = session.execute(select(Product.id).where(Product.code.like("Q-%"))).scalars().all()
        session.add_all(
            Variant(product_id=pid, color=f"c{n}", size="free", price=1, on_hand=n % 5)
            for pid in ids
            for n in range(10)
        )
    run(store, reservations.reserve, "Q-7", "c4", "free", 3, "ig-1")
    with transaction(store) as session:
        with counted_statements(session) as statements:
            levels = low_stock.all_levels(session, default=2)
        assert len(statements) == 2, statements
    assert len(levels) == 531
    q7 = next(v for v in levels if (v.code, v.color) == ("Q-7", "c4"))
    assert (q7.on_hand, q7.reserved, q7.available, q7.low) == (4, 3, 1, True)


def test_the_demo_catalog_is_what_the_importer_read(store: sessionmaker) -> None:
    """all_levels agrees with the catalog file: its stock column is on hand for every variant."""
    with DEMO_CATALOG.open(encoding="utf-8") as stream:
        rows = catalog_csv.parse_catalog(stream)
    expected = {(r.code, r.color, r.size): r.stock for r in rows}
    assert {(v.code, v.color, v.size): v.on_hand for v in run(store, low_stock.all_levels, default=2)} == expected
