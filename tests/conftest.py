"""Fixtures shared by every test layer: a real, migrated SQLite store per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

from inventory_db import catalog_csv, schema
from inventory_db.database import make_engine, make_session_factory, transaction
from tests.channels.fake_graph import FakeGraphApi

ROOT = Path(__file__).resolve().parent.parent
DEMO_CATALOG = ROOT / "catalogs" / "demo.csv"

# The demo store on SQLite and PostgreSQL (store_url, sqlite_url, postgres_url): one server a session.
pytest_plugins = ["tests.databases"]


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A freshly migrated SQLite file, also exported as DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    schema.upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture
def session_factory(database_url: str) -> Iterator[sessionmaker]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def demo_store(session_factory: sessionmaker) -> sessionmaker:
    """The store holding the demo catalog the README's examples talk about."""
    with DEMO_CATALOG.open(encoding="utf-8") as stream, transaction(session_factory) as session:
        catalog_csv.import_catalog(session, catalog_csv.parse_catalog(stream))
    return session_factory


@pytest.fixture
def session(demo_store: sessionmaker) -> Iterator[Session]:
    with transaction(demo_store) as session:
        yield session


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraphApi]:
    """A fake Graph API on 127.0.0.1 recording what Meta would be asked to send."""
    fake = await FakeGraphApi().start()
    yield fake
    await fake.stop()
