"""A Sanic app on a free port of 127.0.0.1 for one test, its listeners run by hand."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sanic import Sanic


@asynccontextmanager
async def serve_app(app: Sanic) -> AsyncIterator[str]:
    """``app`` listening until the block ends; yields its base URL.

    Sanic 21.12: ``create_server`` already listens, so the start and stop listeners
    (where the Instagram channel starts and stops its inbox workers) are triggered here.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
        sock.close()
