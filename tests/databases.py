"""Stores on both databases for every test layer: SQLite files and a real, throwaway PostgreSQL
server (a plugin of tests/conftest.py, so the store's and the owner's tests share one server).

``store_url`` runs a test once on SQLite and once on PostgreSQL (marked
``postgres``), each time on a fresh migrated copy holding the demo catalog. The
PostgreSQL server is started once per test session from the local server binaries;
when they are missing the tests FAIL, saying how to install them, unless
SHOP_SKIP_POSTGRES=1 asks to skip them: CI installs PostgreSQL, and a silent skip
there would hide the half of the concurrency tests that matters most.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import catalog_csv, schema
from inventory_db.database import make_engine, make_session_factory, transaction
from tests.conftest import DEMO_CATALOG
from tests.inventory_db import pg_server

_names = itertools.count(1)


def load_demo(url: str) -> None:
    engine = make_engine(url)
    try:
        with DEMO_CATALOG.open(encoding="utf-8") as stream, transaction(make_session_factory(engine)) as session:
            catalog_csv.import_catalog(session, catalog_csv.parse_catalog(stream))
    finally:
        engine.dispose()


def start_postgres_or_explain() -> pg_server.PostgresServer:
    """A running server; else the test fails saying why, or skips under SHOP_SKIP_POSTGRES=1."""
    try:
        return pg_server.start()
    except pg_server.PostgresUnavailable as error:
        if os.environ.get(pg_server.SKIP_VARIABLE) == "1":
            pytest.skip(f"{pg_server.SKIP_VARIABLE}=1: {error}")
        pytest.fail(f"PostgreSQL tests cannot run: {error}", pytrace=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pg_server.PostgresServer]:
    server = start_postgres_or_explain()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_demo_template(postgres_server: pg_server.PostgresServer) -> str:
    """A migrated database holding the demo catalog, copied for each test."""
    url = postgres_server.create_database("shop_demo_template")
    schema.upgrade(url)
    load_demo(url)
    return "shop_demo_template"


@pytest.fixture
def postgres_url(postgres_server: pg_server.PostgresServer, postgres_demo_template: str) -> Iterator[str]:
    name = f"shop_test_{next(_names)}"
    yield postgres_server.create_database(name, template=postgres_demo_template)
    postgres_server.drop_database(name)


@pytest.fixture
def empty_postgres_url(postgres_server: pg_server.PostgresServer) -> Iterator[str]:
    """A database with no tables at all, for the migration tests."""
    name = f"shop_empty_{next(_names)}"
    yield postgres_server.create_database(name)
    postgres_server.drop_database(name)


@pytest.fixture(scope="session")
def sqlite_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "shop.db"
    url = f"sqlite:///{path}"
    schema.upgrade(url)
    load_demo(url)
    return path


@pytest.fixture
def sqlite_url(sqlite_demo_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "store.db"
    shutil.copyfile(sqlite_demo_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated store with the demo catalog, on each database in turn; also DATABASE_URL."""
    url = request.getfixturevalue("postgres_url" if request.param == "postgres" else "sqlite_url")
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[sessionmaker]:
    engine = make_engine(store_url)
    yield make_session_factory(engine)
    engine.dispose()
