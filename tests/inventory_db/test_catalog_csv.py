"""Catalog import/export against a real migrated SQLite store."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from inventory_db import catalog, catalog_csv, orders, reservations, stock
from inventory_db.database import transaction
from inventory_db.errors import CatalogImportError, UnknownProduct, UnknownVariant
from inventory_db.models import Product, Variant
from tests.inventory_db.helpers import assert_ledger_matches, item, level, place

HEADER = "code,name_fa,name_en,category,color,size,price,stock,post\n"


def _import(factory: sessionmaker, text: str, replace: bool = False, actor: str = "owner") -> catalog_csv.ImportSummary:
    rows = catalog_csv.parse_catalog(io.StringIO(text))
    with transaction(factory) as session:
        return catalog_csv.import_catalog(session, rows, replace=replace, actor=actor)


def _counts(factory: sessionmaker) -> tuple[int, int]:
    with transaction(factory) as session:
        return (
            session.execute(select(func.count()).select_from(Product)).scalar_one(),
            session.execute(select(func.count()).select_from(Variant)).scalar_one(),
        )


def test_persian_and_finglish_values_become_canonical(session_factory: sessionmaker) -> None:
    _import(
        session_factory,
        HEADER
        + 'ma110,مانتو بلند,Long manteau,مانتو,مشكي,لارج,"۱٬۲۵۰٬۰۰۰",۳,Cabc\n'
        + "MA 110,مانتو بلند,Long manteau,manto,sormei,XL,1250000,0,\n",
    )
    with transaction(session_factory) as session:
        product = catalog.get_product(session, "MA-۱۱۰")
    assert product.code == "MA-110"
    assert product.category == "manteau"
    assert product.post == "Cabc"
    assert [(v.color, v.size, v.price, v.available) for v in product.variants] == [
        ("black", "L", 1250000, 3),
        ("navy", "XL", 1250000, 0),
    ]


def test_bad_rows_are_all_reported_and_nothing_is_imported(session_factory: sessionmaker) -> None:
    text = (
        HEADER
        + "B-1,شال,Shawl,shawl,black,free,320000,2,\n"
        + "B-2,شال,Shawl,shawl,rainbow,free,320000,2,\n"
        + "B-3,شال,Shawl,shawl,black,free,-5,2,\n"
        + "B-4,,Shawl,shawl,black,free,100,2,\n"
        + "B-1,شال,Shawl,shawl,مشکی,فری,320000,1,\n"
    )
    with pytest.raises(CatalogImportError) as raised:
        _import(session_factory, text)
    lines = {error.line: error.reason for error in raised.value.errors}
    assert set(lines) == {3, 4, 5, 6}
    assert "rainbow" in lines[3]
    assert "price" in lines[4]
    assert "name_fa" in lines[5]
    assert "repeats line 2" in lines[6]
    assert _counts(session_factory) == (0, 0)


def test_missing_columns_are_reported(session_factory: sessionmaker) -> None:
    with pytest.raises(CatalogImportError, match="missing column"):
        catalog_csv.parse_catalog(io.StringIO("code,name_fa\nB-1,x\n"))


def test_reimport_updates_and_replace_removes(demo_store: sessionmaker) -> None:
    products_before, variants_before = _counts(demo_store)
    summary = _import(demo_store, HEADER + "B-21,مانتو کتان,Linen manteau,manteau,black,L,1300000,9,\n")
    assert summary.products_updated == 1 and summary.variants_updated == 1
    assert _counts(demo_store) == (products_before, variants_before)
    with transaction(demo_store) as session:
        black_l = catalog.availability(catalog.get_product(session, "B-21"), "black", "L")
    assert [(v.price, v.available) for v in black_l.matches] == [(1300000, 9)]

    summary = _import(demo_store, HEADER + "N-1,شال نو,New shawl,shawl,white,free,100000,1,\n", replace=True)
    assert summary.products_created == 1 and summary.products_removed == products_before
    assert _counts(demo_store) == (1, 1)
    with transaction(demo_store) as session, pytest.raises(UnknownProduct):
        catalog.get_product(session, "B-21")


def test_export_reads_back_unchanged(demo_store: sessionmaker) -> None:
    out = io.StringIO()
    with transaction(demo_store) as session:
        written = catalog_csv.export_catalog(session, out)
    rows = catalog_csv.parse_catalog(io.StringIO(out.getvalue()))
    assert len(rows) == written == _counts(demo_store)[1]
    assert {(r.code, r.color, r.size, r.stock) for r in rows} >= {("B-21", "black", "L", 3), ("K-40", "white", "38", 3)}


def _history(factory: sessionmaker, code: str) -> list[tuple[str, str, str, int]]:
    with transaction(factory) as session:
        return [(m.reason, m.color, m.size, m.on_hand_delta) for m in stock.history(session, code)]


def test_imports_are_stock_movements(store: sessionmaker) -> None:
    assert _history(store, "K-40")[:2] == [("import", "white", "37", 2), ("import", "white", "38", 3)]
    _import(store, HEADER + "K-40,کتونی اسپرت,Sport sneakers,shoes,white,38,2100000,5,\n", actor="maryam")
    assert _history(store, "K-40")[-1] == ("import", "white", "38", 2)
    with transaction(store) as session:
        assert stock.history(session, "K-40")[-1].actor == "maryam"
    _import(store, HEADER + "K-40,کتونی اسپرت,Sport sneakers,shoes,white,38,2100000,5,\n")
    assert len(_history(store, "K-40")) == 5  # an unchanged count is not a movement
    assert_ledger_matches(store)


def test_a_count_below_what_is_held_or_ordered_is_a_row_error(store: sessionmaker) -> None:
    with transaction(store) as session:
        reservations.reserve(session, "K-40", "white", "38", 2, "ig-1")
    text = (
        HEADER
        + "K-40,کتونی اسپرت,Sport sneakers,shoes,white,37,2100000,9,\n"
        + "K-40,کتونی اسپرت,Sport sneakers,shoes,white,38,2100000,1,\n"
    )
    with pytest.raises(CatalogImportError) as raised:
        _import(store, text)
    assert [(e.line, "below the 2 units" in e.reason) for e in raised.value.errors] == [(3, True)]
    assert "below the 2 units reserved or in open orders" in str(raised.value)
    assert (level(store, "K-40", "white", "37").on_hand, level(store, "K-40", "white", "38").on_hand) == (2, 3)


def test_replace_keeps_products_with_orders_off_sale_and_deletes_the_rest(store: sessionmaker) -> None:
    number = place(store, "k", items=[item("B-21", "black", "L", 1)]).number
    with transaction(store) as session:
        reservations.reserve(session, "H-3", "gray", "M", 1, "ig-2")
    new_file = (
        HEADER
        + "H-3,هودی دورس,Fleece hoodie,hoodie,gray,L,870000,2,C8dmoB21\n"  # takes B-21's post
        + "N-1,شال نو,New shawl,shawl,white,free,100000,1,\n"
    )
    summary = _import(store, new_file, replace=True)
    assert (summary.products_deactivated, summary.products_removed, summary.products_created) == (1, 5, 1)
    assert (summary.variants_deactivated, summary.variants_removed) == (
        1,
        2,
    )  # H-3 gray M kept, M pink and XL black gone
    with transaction(store) as session:
        with pytest.raises(UnknownProduct):
            catalog.get_product(session, "B-21")  # hidden from customers
        assert [(v.color, v.size) for v in catalog.get_product(session, "H-3").variants] == [("gray", "L")]
        owner_view = stock.product_stock(session, "B-21")
        assert not owner_view.active and all(not v.active for v in owner_view.variants)
        with pytest.raises(UnknownProduct):
            reservations.reserve(session, "B-21", "black", "M", 1, "ig-3")
        assert stock.history(session, "SH-12")[-1].reason == "remove"  # deleted, its history kept
    with pytest.raises(UnknownVariant):
        place(store, "k2", items=[item("H-3", "gray", "M", 1)])
    with transaction(store) as session:  # the order still ships, cancels or returns
        orders.mark_paid(session, number, actor="owner")
        orders.ship(session, number, "T1", actor="owner")
        orders.return_order(session, number, actor="owner")
    out = io.StringIO()
    with transaction(store) as session:
        catalog_csv.export_catalog(session, out)
    assert {r.code for r in catalog_csv.parse_catalog(io.StringIO(out.getvalue()))} == {"H-3", "N-1"}
    _import(store, HEADER + "B-21,مانتو کتان,Linen manteau,manteau,black,L,1250000,3,\n")
    with transaction(store) as session:
        back = catalog.get_product(session, "B-21")
    assert [(v.color, v.size, v.available) for v in back.variants] == [("black", "L", 3)]
    assert_ledger_matches(store)


def test_post_shortcodes_are_kept_as_written(session_factory: sessionmaker) -> None:
    """Shortcodes are case-sensitive base64: no letter-run collapsing, only the edges trimmed."""
    _import(
        session_factory,
        HEADER
        + "B-1,شال,Shawl,shawl,black,free,320000,2, DBkkkq2 \n"
        + "B-2,شال دو,Shawl two,shawl,black,free,320000,2,-Aaaa_Zz9\n",
    )
    with transaction(session_factory) as session:
        assert [catalog.get_product(session, code).post for code in ("B-1", "B-2")] == ["DBkkkq2", "-Aaaa_Zz9"]


def test_export_guards_formulas_and_reads_them_back(session_factory: sessionmaker) -> None:
    names = ['=HYPERLINK("http://evil.example","x")', "+98 shawl", "@home", "'=quoted by hand", "-50% off"]
    _import(
        session_factory,
        HEADER
        + "".join(f"B-{n},شال {n},Shawl,shawl,black,free,320000,{n},-Post{n}\n" for n in range(1, len(names) + 1)),
    )
    with transaction(session_factory) as session:
        for n, name in enumerate(names, start=1):
            session.execute(select(Product).where(Product.code == f"B-{n}")).scalar_one().name_en = name
    out = io.StringIO()
    with transaction(session_factory) as session:
        catalog_csv.export_catalog(session, out)
    exported = list(csv.reader(io.StringIO(out.getvalue())))[1:]
    assert [cell for row in exported for cell in row if cell.startswith(("=", "+", "-", "@", "\t", "\r"))] == []
    assert [row[2] for row in exported] == ["'" + name for name in names]
    assert [row[6:8] for row in exported] == [["320000", str(n)] for n in range(1, 6)]  # numbers stay numbers
    read = catalog_csv.parse_catalog(io.StringIO(out.getvalue()))
    assert [(row.name_en, row.post) for row in read] == [(name, f"-Post{n}") for n, name in enumerate(names, start=1)]


@pytest.mark.parametrize(
    "row, reason",
    [
        ("B-1,شال,Shawl,shawl,black,free,²,2,", "price '²' is not a positive whole number"),
        ("B-1,شال,Shawl,shawl,black,free,100,³,", "stock '³' is not a whole number"),
        ("B-1," + "شال " * 50 + "نخی,Shawl,shawl,black,free,100,2,", "name_fa is 203 characters long; at most 200"),
        ("B-1,شال,Shawl,shawl,black,free,100,2," + "C" * 65, "post is 65 characters long; at most 64"),
        (
            'B-1,شال,"' + "x" * 200_000 + '",shawl,black,free,100,2,',
            "not readable as CSV: field larger than field limit",
        ),
    ],
    ids=["superscript price", "superscript stock", "long name", "long post", "cell over 128 KB"],
)
def test_cells_the_store_cannot_take_are_row_errors(session_factory: sessionmaker, row: str, reason: str) -> None:
    with pytest.raises(CatalogImportError) as raised:
        _import(session_factory, HEADER + "B-9,شال,Shawl,shawl,black,free,100,2,\n" + row + "\n")
    assert [(error.line, reason in error.reason) for error in raised.value.errors] == [(3, True)]
    assert _counts(session_factory) == (0, 0)
