"""The action server's handle on the store, built on first use (never at import)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import sessionmaker

from inventory_db.database import database_url, make_engine, make_session_factory


def session_factory() -> sessionmaker:
    """Sessions for the configured DATABASE_URL; one engine per URL per process."""
    return _factory_for(database_url())


@lru_cache(maxsize=4)
def _factory_for(url: str) -> sessionmaker:
    return make_session_factory(make_engine(url))
