"""The migrations own the schema: they build exactly what the models describe, on
both databases, 0002 reverses cleanly and gives stock on hand its opening movement, and
0007 (BIGINT money, rebuilt tables on SQLite) keeps every row both ways."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

import inventory_db
from inventory_db import orders, reservations, schema, stock
from inventory_db.database import make_engine, make_session_factory, transaction
from inventory_db.models import Base
from tests.databases import load_demo
from tests.inventory_db.helpers import ALI, SARA, item

ROOT = Path(__file__).resolve().parents[2]


def _differences(url: str) -> list:
    # Every models module registers its tables on Base; load them all, like `alembic check` would.
    for module in pkgutil.iter_modules(inventory_db.__path__):
        if module.name.endswith("models"):
            importlib.import_module(f"inventory_db.{module.name}")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def test_models_match_the_migrated_sqlite_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    schema.upgrade(url)
    assert _differences(url) == []


@pytest.mark.postgres
def test_models_match_the_migrated_postgres_schema(empty_postgres_url: str) -> None:
    schema.upgrade(empty_postgres_url)
    assert _differences(empty_postgres_url) == []


def test_0002_follows_0001() -> None:
    scripts = ScriptDirectory.from_config(schema.alembic_config("sqlite://"))
    assert scripts.get_revision("0002").down_revision == "0001"


def _round_trip(url: str) -> None:
    schema.upgrade(url, "0001")
    load_demo_0001(url)
    schema.upgrade(url, "0002")
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            totals = [
                stock.ledger_totals(session, variant_id)
                for (variant_id,) in session.execute(text("SELECT id FROM variants WHERE on_hand > 0"))
            ]
            on_hand = [n for (n,) in session.execute(text("SELECT on_hand FROM variants WHERE on_hand > 0"))]
            assert [t[0] for t in totals] == on_hand and len(on_hand) == 2  # opening movements
            assert session.execute(text("SELECT value FROM counters")).scalar_one() == 1000
        schema.downgrade(url, "0001")
        with engine.connect() as connection:
            tables = {
                name
                for (name,) in connection.execute(
                    text(
                        "SELECT name FROM sqlite_master WHERE type='table'"
                        if url.startswith("sqlite")
                        else "SELECT tablename FROM pg_tables WHERE schemaname='public'"
                    )
                )
            }
            assert "orders" not in tables and "stock_movements" not in tables
            assert connection.execute(text("SELECT count(*) FROM variants")).scalar_one() == 3  # nothing lost
    finally:
        engine.dispose()
    schema.upgrade(url, "0002")


def load_demo_0001(url: str) -> None:
    """A catalog written by the 0001 code (no ledger yet), straight in SQL."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO products (id, code, name_fa, name_en, category, post, created_at) "
                    "VALUES (1, 'B-21', 'مانتو', 'Manteau', 'manteau', NULL, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO variants (product_id, color, size, price, on_hand) VALUES "
                    "(1, 'black', 'L', 100, 3), (1, 'black', 'M', 100, 0), (1, 'cream', 'M', 100, 2)"
                )
            )
    finally:
        engine.dispose()


def test_0002_upgrades_a_stocked_sqlite_store_and_reverses(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'r.db'}")


@pytest.mark.postgres
def test_0002_upgrades_a_stocked_postgres_store_and_reverses(empty_postgres_url: str) -> None:
    _round_trip(empty_postgres_url)


def test_production_code_never_creates_tables_itself() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "inventory_db").rglob("*.py")
        if "create_all(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


_KEPT = ("orders", "order_items", "reservations", "stock_movements", "payment_receipts", "restock_requests")


def _rows(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            counts = {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in _KEPT}
            counts["movements of orders"] = connection.execute(
                text("SELECT count(*) FROM stock_movements WHERE order_id IS NOT NULL")
            ).scalar_one()
            return counts
    finally:
        engine.dispose()


def _0007_keeps_every_row_and_takes_big_money(url: str) -> None:
    """A store with orders, receipts and restock requests at 0006 keeps all of them through
    0007 (SQLite rebuilds every table it changes), and then holds a 2.2 billion toman order.
    The rows are written by today's services (which also write tables 0006 did not have),
    then the store is taken down to 0006."""
    schema.upgrade(url)
    load_demo(url)
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            reservations.reserve(session, "B-21", "black", "L", 1, "ig-1")
            orders.place_order(
                session, "k1", ALI, items=[item("SH-12", "gray", "free")], shipping_method="post", actor="t"
            )
            session.execute(
                text(
                    "INSERT INTO payment_receipts (order_id, customer_id, kind, content, created_at) "
                    "SELECT id, customer_id, 'text', 'paid', CURRENT_TIMESTAMP FROM orders"
                )
            )
            session.execute(
                text(
                    "INSERT INTO restock_requests (variant_id, customer_id, created_at) "
                    "SELECT variant_id, 'ig-2', CURRENT_TIMESTAMP FROM reservations"
                )
            )
    finally:
        engine.dispose()
    schema.downgrade(url, "0006")
    before = _rows(url)
    assert all(before.values()), before
    schema.upgrade(url)
    assert _rows(url) == before
    assert _differences(url) == []

    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            stock.find_variant(session, "B-21", "black", "M").price = 1_100_000_000
        with transaction(factory) as session:
            placed = orders.place_order(
                session, "big", SARA, items=[item("B-21", "black", "M", 2)], shipping_method="post", actor="t"
            )
        with transaction(factory) as session:
            read = orders.get_order(session, placed.number)
        assert (read.subtotal, read.total, read.items[0].unit_price) == (2_200_000_000, 2_200_000_000, 1_100_000_000)
    finally:
        engine.dispose()


def test_0007_keeps_every_sqlite_row_and_takes_big_money(tmp_path: Path) -> None:
    _0007_keeps_every_row_and_takes_big_money(f"sqlite:///{tmp_path / 'big.db'}")


@pytest.mark.postgres
def test_0007_keeps_every_postgres_row_and_takes_big_money(empty_postgres_url: str) -> None:
    _0007_keeps_every_row_and_takes_big_money(empty_postgres_url)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_0007_reverses_keeping_every_row(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}" if backend == "sqlite" else request.getfixturevalue("empty_postgres_url")
    schema.upgrade(url)
    load_demo(url)
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            orders.place_order(session, "k", ALI, items=[item("B-21", "black", "L")], shipping_method="post", actor="t")
    finally:
        engine.dispose()
    before = _rows(url)
    schema.downgrade(url, "0006")
    assert _rows(url) == before
    schema.upgrade(url)
    assert _rows(url) == before and _differences(url) == []
