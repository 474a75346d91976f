"""Catalog import/export against a real migrated SQLite store."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from inventory_db import catalog, catalog_csv
from inventory_db.database import transaction
from inventory_db.errors import CatalogImportError, UnknownProduct
from inventory_db.models import Product, Variant

HEADER = "code,name_fa,name_en,category,color,size,price,stock,post\n"


def _import(factory: sessionmaker, text: str, replace: bool = False) -> catalog_csv.ImportSummary:
    rows = catalog_csv.parse_catalog(io.StringIO(text))
    with transaction(factory) as session:
        return catalog_csv.import_catalog(session, rows, replace=replace)


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
        + "ma110,مانتو بلند,Long manteau,مانتو,مشكي,لارج,\"۱٬۲۵۰٬۰۰۰\",۳,Cabc\n"
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
