"""Availability answers from the catalog service."""

from sqlalchemy.orm import Session, sessionmaker

from inventory_db import catalog, reservations
from tests.inventory_db.helpers import item, place, run


def test_availability_of_an_exact_variant(session: Session) -> None:
    product = catalog.get_product(session, "b21")
    asked = catalog.availability(product, "black", "L")
    assert asked.exists and asked.available == 3
    assert [v.price for v in asked.matches] == [1250000]


def test_sold_out_variant_lists_what_is_in_stock(session: Session) -> None:
    product = catalog.get_product(session, "B-21")
    asked = catalog.availability(product, "navy", "L")
    assert asked.exists and asked.available == 0
    assert product.colors_in_stock(size="L") == ["black"]
    assert product.sizes_in_stock(color="navy") == ["XL"]


def test_variant_the_shop_does_not_make(session: Session) -> None:
    asked = catalog.availability(catalog.get_product(session, "B-21"), "red", None)
    assert not asked.exists and asked.available == 0


def test_search_by_type_and_by_name(session: Session) -> None:
    assert [p.code for p in catalog.search_products(session, "مانتو")] == ["B-21", "B-34"]
    assert [p.code for p in catalog.search_products(session, "manto")] == ["B-21", "B-34"]
    assert [p.code for p in catalog.search_products(session, "کتونی")] == ["K-40"]
    assert [p.code for p in catalog.search_products(session, "hoodie")] == ["H-3"]
    assert catalog.search_products(session, "یخچال") == []


def test_available_counts_holds_and_open_orders(store: sessionmaker) -> None:
    """The answer to "موجوده؟" leaves out units someone is checking out or has ordered."""
    run(store, reservations.reserve, "B-21", "black", "L", 2, "ig-1")
    place(store, "k", items=[item("B-21", "black", "L", 1)])
    product = run(store, catalog.get_product, "B-21")
    assert catalog.availability(product, "black", "L").available == 0
    assert "L" not in product.sizes_in_stock(color="black")
    searched = {p.code: p for p in run(store, catalog.search_products, "manto")}
    assert catalog.availability(searched["B-21"], "black", "L").available == 0
    assert catalog.availability(searched["B-21"], "black", "M").available == 4
