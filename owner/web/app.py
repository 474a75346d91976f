"""The owner's dashboard: an aiohttp app on 127.0.0.1, server-rendered pages in Persian first.

``init_app`` reads the configuration once and ties the store's engine to the app's life
(aio-libs' ``aiohttp-demos`` shape); nothing connects at import. ``main`` is the
``shop-dashboard`` console script ``make run`` starts: it makes sure the owner has a password,
printing a generated one once, then serves.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aiohttp import web

from inventory_db import owner_accounts, settings
from inventory_db.database import make_engine, make_session_factory, transaction
from owner.web import report_cache, security, store
from owner.web.pages import PAGES
from owner.web.templating import ENVIRONMENT_KEY, ZONE_KEY, make_environment

STATIC = Path(__file__).parent / "static"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a catalog CSV of thousands of rows is well under this


def init_app(database_url: str | None = None) -> web.Application:
    """The dashboard for the store at ``database_url`` (default ``DATABASE_URL``)."""
    app = web.Application(middlewares=[security.require_login], client_max_size=MAX_UPLOAD_BYTES)
    app[ENVIRONMENT_KEY] = make_environment()
    app[ZONE_KEY] = settings.shop_timezone()
    app[report_cache.CACHE_KEY] = report_cache.FiguresCache()
    app.cleanup_ctx.append(store.store_context(database_url))
    security.add_routes(app)
    for page in PAGES:
        page.add_routes(app)
    app.router.add_static("/static/", STATIC)
    return app


def ensure_owner_password(database_url: str | None = None) -> str | None:
    """A first password for a store that has none (returned, to print once); None when one is set."""
    engine = make_engine(database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            return owner_accounts.ensure_password(session)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shop-dashboard", description="the shop owner's dashboard on 127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default: DASHBOARD_PORT, else 5080")
    parser.add_argument(
        "--first-password-only", action="store_true", help="set and print a first password if none is set, then exit"
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    port = args.port or settings.dashboard_port()
    first = ensure_owner_password()
    if first is not None:
        print(f"The dashboard's first password, shown only this once (change it: shopctl owner set-password): {first}")
    if args.first_password_only:
        return 0
    print(f"Owner's dashboard: http://127.0.0.1:{port}/", flush=True)
    web.run_app(init_app(), host="127.0.0.1", port=port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
