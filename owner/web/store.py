"""The store for the dashboard's handlers: one unit of work per call, run off the event loop.

SQLAlchemy here is synchronous; a query run inside a handler would stall every other request
while it waits on the database, so each call runs in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from inventory_db.database import make_engine, make_session_factory, transaction

T = TypeVar("T")
FACTORY_KEY = web.AppKey("store", sessionmaker)


def store_context(url: str | None) -> Callable[[web.Application], AsyncIterator[None]]:
    """A ``cleanup_ctx`` entry: the engine made when the app starts and disposed when it stops."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        engine = make_engine(url)
        app[FACTORY_KEY] = make_session_factory(engine)
        yield
        engine.dispose()

    return context


async def run(request: web.Request, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``work(session, *args, **kwargs)`` in one transaction, in a worker thread."""

    def unit() -> T:
        with transaction(request.app[FACTORY_KEY]) as session:
            return work(session, *args, **kwargs)

    return await asyncio.to_thread(unit)
