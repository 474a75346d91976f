"""The migrations own the schema: they build exactly what the models describe, on
both databases, and 0002 reverses cleanly and gives stock on hand its opening movement."""

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
from inventory_db import schema, stock
from inventory_db.database import make_engine, make_session_factory, transaction
from inventory_db.models import Base

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
            totals = [stock.ledger_totals(session, variant_id) for (variant_id,) in session.execute(text(
                "SELECT id FROM variants WHERE on_hand > 0"
            ))]
            on_hand = [n for (n,) in session.execute(text("SELECT on_hand FROM variants WHERE on_hand > 0"))]
            assert [t[0] for t in totals] == on_hand and len(on_hand) == 2  # opening movements
            assert session.execute(text("SELECT value FROM counters")).scalar_one() == 1000
        schema.downgrade(url, "0001")
        with engine.connect() as connection:
            tables = {name for (name,) in connection.execute(text(
                "SELECT name FROM sqlite_master WHERE type='table'" if url.startswith("sqlite")
                else "SELECT tablename FROM pg_tables WHERE schemaname='public'"
            ))}
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
            connection.execute(text(
                "INSERT INTO products (id, code, name_fa, name_en, category, post, created_at) "
                "VALUES (1, 'B-21', 'مانتو', 'Manteau', 'manteau', NULL, CURRENT_TIMESTAMP)"
            ))
            connection.execute(text(
                "INSERT INTO variants (product_id, color, size, price, on_hand) VALUES "
                "(1, 'black', 'L', 100, 3), (1, 'black', 'M', 100, 0), (1, 'cream', 'M', 100, 2)"
            ))
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

