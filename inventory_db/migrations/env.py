"""Alembic environment: migrates the database named by DATABASE_URL (or -x url=...)."""

from __future__ import annotations

import importlib
import pkgutil

from alembic import context
from sqlalchemy.engine import Connection

import inventory_db
from inventory_db.database import database_url, make_engine
from inventory_db.models import Base

# Every feature's tables are on Base, in a module named *models; load them all so
# autogenerate and `alembic check` compare the whole schema, not just models.py.
for _module in pkgutil.iter_modules(inventory_db.__path__):
    if _module.name.endswith("models"):
        importlib.import_module(f"inventory_db.{_module.name}")

config = context.config
url = (
    context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url") or database_url()
)


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    """Switch SQLite's foreign keys; the pragma is ignored inside a transaction, so it goes
    to the driver's connection before SQLAlchemy begins one."""
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def run_migrations_online() -> None:
    """On SQLite with foreign keys off: a batch migration rebuilds a table by copy, drop and
    rename, and dropping it with them on would delete or refuse every row that refers to it
    (order items, receipts, movements). The keys are checked before the migration commits."""
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() if sqlite else []
                if broken:
                    raise RuntimeError(f"migration broke foreign keys (table, row, parent): {broken[:3]}")
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
