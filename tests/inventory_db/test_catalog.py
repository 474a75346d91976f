"""Availability answers from the catalog service, and products found by name."""

import io

import pytest
from sqlalchemy.orm import Session, sessionmaker

from inventory_db import catalog, catalog_csv, reservations
from inventory_db.database import transaction
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


def _found(session: Session, text: str) -> tuple[str | None, list[str]]:
    match = catalog.find_products_by_name(session, text)
    return (match.best.code if match.best else None), [p.code for p in match.candidates]


@pytest.mark.parametrize(
    "text, code",
    [
        ("مانتو کتان", "B-21"),
        ("کتان", "B-21"),
        ("کتان مانتو", "B-21"),
        ("linen manteau", "B-21"),
        ("manteau linen", "B-21"),
        ("the linen one", "B-21"),
        ("Do you have the linen manteau in black, size L?", "B-21"),
        ("سلام، مانتو کتان مشکی سایز L دارید؟", "B-21"),
        ("lenin manteau", "B-21"),  # two letters swapped
        ("مانتو کتن", "B-21"),  # a letter missing
        ("مانتو جلوباز بژ", "B-34"),
        ("is the open-front manteau available?", "B-34"),
        ("front", "B-34"),  # part of the name, and no other product has it
        ("شال نخی کرم موجوده؟", "SH-12"),
        ("cotton shawl", "SH-12"),
        ("روسری ابریشمی قرمز", "R-7"),  # an extra letter, with the type named
        ("silk", "R-7"),
        ("کتونی اسپرت سفید ۳۸", "K-40"),
        ("sport sneakers in 39?", "K-40"),
        ("شلوار جین دارید؟", "P-5"),
        ("straight jeans", "P-5"),
        ("هودی دورس طوسی", "H-3"),
        ("fleece hoodie", "H-3"),
    ],
)
def test_a_product_named_in_a_sentence_is_the_best_match(session: Session, text: str, code: str) -> None:
    assert _found(session, text) == (code, [])


@pytest.mark.parametrize(
    "text, candidates",
    [
        ("مانتو", ["B-21", "B-34"]),  # a type alone names every product of it
        ("manto meshki darid?", ["B-21", "B-34"]),
        ("manto katan", ["B-21", "B-34"]),  # a name in Finglish cannot be matched by its letters
        ("هودی‌ها", ["H-3"]),
        ("jeans", ["P-5"]),
        ("مانتو کتان یا جلوباز؟", ["B-21", "B-34"]),  # two products named
        ("cotton manteau", ["SH-12", "B-21", "B-34"]),  # a cotton product, but not of the type asked
        ("راستش یه مانتو میخواستم", ["B-21", "B-34"]),  # «راستش» is not a typo of «راسته» without «شلوار»
        ("what sort of things do you sell?", []),  # nor "sort" of "sport" without "sneakers"
        ("یخچال", []),
        ("", []),
    ],
)
def test_without_a_clear_best_the_candidates_come_best_first(
    session: Session, text: str, candidates: list[str]
) -> None:
    assert _found(session, text) == (None, candidates)


def test_candidates_are_limited(session: Session) -> None:
    assert [p.code for p in catalog.find_products_by_name(session, "manteau", limit=1).candidates] == ["B-21"]


def test_a_product_imported_after_training_is_found_by_name(demo_store: sessionmaker) -> None:
    csv = (
        "code,name_fa,name_en,category,color,size,price,stock,post\n"
        "ST-9,شال کتان,Linen shawl,shal,kerem,free,390000,4,\n"
    )
    run(demo_store, catalog_csv.import_catalog, catalog_csv.parse_catalog(io.StringIO(csv)))
    with transaction(demo_store) as session:
        assert _found(session, "شال کتان") == ("ST-9", [])
        assert _found(session, "linen shawl") == ("ST-9", [])
        assert _found(session, "مانتو کتان") == ("B-21", [])
        assert _found(session, "کتان دارید؟") == (None, ["B-21", "ST-9"])
        best = catalog.find_products_by_name(session, "شال کتان کرم").best
        [shawl] = best.variants if best else []
        assert (shawl.color, shawl.size, shawl.available) == ("cream", "free", 4)
