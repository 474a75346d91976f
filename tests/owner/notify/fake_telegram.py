"""A fake Telegram Bot API on 127.0.0.1: records each sendMessage and answers as told.

By default every call is accepted (``{"ok": true, "result": {...}}``); ``answer_next`` queues
replies (an HTTP status and a JSON body, as Telegram sends on errors), ``stall_s`` holds each
answer back to exercise the client's timeout.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests import aiohttp_server


@dataclass
class Call:
    path: str
    body: Any


class FakeTelegram:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.stall_s = 0.0
        self._answers: list[tuple[int, dict, dict[str, str]]] = []
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, self.base_url = await aiohttp_server.start(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def answer_next(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        self._answers.append((status, body, headers or {}))

    async def _handle(self, request: web.Request) -> web.Response:
        self.calls.append(Call(request.path, await request.json() if request.can_read_body else None))
        if self.stall_s:
            await asyncio.sleep(self.stall_s)
        if self._answers:
            status, body, headers = self._answers.pop(0)
            return web.json_response(body, status=status, headers=headers)
        return web.json_response({"ok": True, "result": {"message_id": len(self.calls), "date": 0}})
