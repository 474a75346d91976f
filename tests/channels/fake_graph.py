"""A fake Graph API on 127.0.0.1 that records every call the channel makes.

Answers the Send API like Meta does ({"recipient_id", "message_id"}), serves media
objects for the shortcode lookup, and can be told to fail the next calls (500, 429,
a 4xx with Meta's error body) to exercise the retries.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from tests import aiohttp_server


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    at: float = field(default_factory=time.monotonic)
    wall: float = field(default_factory=time.time)

    @property
    def message(self) -> dict | None:
        return self.body.get("message") if isinstance(self.body, dict) else None

    @property
    def text(self) -> str | None:
        return (self.message or {}).get("text")


def _iso(epoch: float) -> str:
    """Graph's time format: 2026-12-02T01:50:00+0000."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


class FakeGraphApi:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.media: dict[str, dict] = {}
        self._failures: list[tuple[int, dict, dict]] = []
        self._stalls: list[float] = []
        self._sent: dict[str, Call] = {}  # message id → the call that sent it
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self._changed = asyncio.Event()

    async def start(self) -> FakeGraphApi:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, self.base_url = await aiohttp_server.start(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def fail_next(self, status: int, times: int = 1, error: dict | None = None, headers: dict | None = None) -> None:
        body = {"error": error or {"message": "fake failure", "type": "OAuthException", "code": 2, "fbtrace_id": "x"}}
        self._failures.extend([(status, body, headers or {})] * times)

    def _conversations_api(self, request: web.Request) -> dict | None:
        """Meta's Conversations API over the messages this fake accepted: a conversation per
        recipient, its 20 newest messages, and each message's text."""
        last = request.path.rstrip("/").rsplit("/", 1)[-1]
        if last == "conversations":
            user = request.query.get("user_id", "")
            return {"data": [{"id": f"conv-{user}", "updated_time": "0"}]}
        if last.startswith("conv-"):
            user = last[len("conv-") :]
            mine = [(mid, c) for mid, c in self._sent.items() if (c.body.get("recipient") or {}).get("id") == user]
            return {"messages": {"data": [{"id": mid, "created_time": _iso(c.wall)} for mid, c in reversed(mine)][:20]}}
        if last in self._sent:
            call = self._sent[last]
            recipient = (call.body.get("recipient") or {}).get("id")
            return {
                "id": last,
                "created_time": _iso(call.wall),
                "from": {"id": "shop"},
                "to": {"data": [{"id": recipient}]},
                "message": call.text or "",
            }
        return None

    def stall_next(self, seconds: float, times: int = 1) -> None:
        """Take the next calls (they count as received) but answer only after ``seconds``."""
        self._stalls.extend([seconds] * times)

    async def _handle(self, request: web.Request) -> web.Response:
        body: Any = None
        if request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                body = await request.text()
        call = Call(request.method, request.path, dict(request.query), dict(request.headers), body)
        self.calls.append(call)
        self._changed.set()
        if self._stalls:
            await asyncio.sleep(self._stalls.pop(0))
        if self._failures:
            status, error, headers = self._failures.pop(0)
            return web.json_response(error, status=status, headers=headers)
        if request.method == "POST" and request.path.endswith("/messages"):
            recipient = (body or {}).get("recipient", {})
            message_id = f"m_sent_{len(self.calls)}"
            self._sent[message_id] = call
            return web.json_response({"recipient_id": recipient.get("id") or "from-comment", "message_id": message_id})
        if request.method == "GET":
            found = self._conversations_api(request)
            if found is not None:
                return web.json_response(found)
            media_id = request.path.rstrip("/").rsplit("/", 1)[-1]
            if media_id in self.media:
                return web.json_response({"id": media_id, **self.media[media_id]})
        return web.json_response(
            {"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}}, status=400
        )

    # --- what the tests look at -------------------------------------------------

    @property
    def sends(self) -> list[Call]:
        """Send API calls that carry a message (not typing indicators, not lookups)."""
        return [c for c in self.calls if c.method == "POST" and c.message is not None]

    def texts(self, recipient_id: str | None = None) -> list[str]:
        return [
            c.text or "" for c in self.sends if recipient_id is None or c.body["recipient"].get("id") == recipient_id
        ]

    async def wait_for(self, condition: Callable[[FakeGraphApi], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition(self):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out; calls so far: {[(c.method, c.path, c.body) for c in self.calls]}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.2))
            except asyncio.TimeoutError:
                pass
