"""An aiohttp app on a free port of 127.0.0.1 for one test: the fakes of Meta's and Telegram's
servers, and the dashboard the browser tests drive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web


async def start(app: web.Application) -> tuple[web.AppRunner, str]:
    """``app`` listening on a port the system chose (no probe-then-bind race); its runner
    (``cleanup()`` stops it) and base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """``app`` listening until the block ends; yields its base URL."""
    runner, base_url = await start(app)
    try:
        yield base_url
    finally:
        await runner.cleanup()
