"""The channel behind a real Sanic server on 127.0.0.1, a fake bot and a fake Graph API.

No trained model: ``FakeBot`` stands in for Rasa's ``on_new_message`` and answers
every message through the channel's output, so what reaches the fake Graph API is
what a customer would see.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from sqlalchemy.orm import sessionmaker

from channels.instagram import InstagramInput
from channels.instagram_send import GraphConfig
from channels.instagram_settings import InstagramSettings
from channels.instagram_worker import InboxSettings
from tests.channels import payloads
from tests.channels.fake_graph import FakeGraphApi
from tests.sanic_server import serve_app


@dataclass
class FakeBot:
    """Records each message and answers "got: <text>" through the output channel."""

    received: list[UserMessage] = field(default_factory=list)
    delay: Callable[[], float] = lambda: 0.0
    fail_on: str | None = None
    failures: int | None = None  # how many times ``fail_on`` fails; None: always

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        await asyncio.sleep(self.delay())
        if self.fail_on is not None and message.text == self.fail_on and self.failures != 0:
            if self.failures is not None:
                self.failures -= 1
            raise RuntimeError("the bot broke")
        await message.output_channel.send_text_message(message.sender_id, f"got: {message.text}")

    @property
    def texts(self) -> list[str | None]:
        return [m.text for m in self.received]


@dataclass
class Harness:
    channel: InstagramInput
    bot: FakeBot
    graph: FakeGraphApi
    base_url: str
    http: aiohttp.ClientSession

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}/webhooks/instagram/webhook"

    async def post(
        self, document: dict | bytes, *, headers: dict | None = None, signed: bool = True
    ) -> tuple[int, str]:
        body = document if isinstance(document, bytes) else payloads.encode(document)
        if headers is None:
            headers = payloads.signed_headers(body) if signed else {"Content-Type": "application/json"}
        async with self.http.post(self.webhook_url, data=body, headers=headers) as reply:
            return reply.status, await reply.text()

    async def graph_client_send(self, recipient_id: str, text: str) -> None:
        """A message the shop's account sent before this test's turn, straight through the Send API."""
        await self.channel.client.send_message({"id": recipient_id}, {"text": text})

    async def settle(self) -> None:
        """Wait until the inbox has handled everything posted so far."""
        await self.channel.workers.join(10)


def make_channel(graph: FakeGraphApi, sessions: sessionmaker, **graph_options: Any) -> InstagramInput:
    options = {"backoff_base_s": 0.01, "backoff_max_s": 0.05, "calls_per_second": 1000.0, **graph_options}
    settings = InstagramSettings(
        verify_token=payloads.VERIFY_TOKEN,
        app_secret=payloads.APP_SECRET,
        graph=GraphConfig(access_token="test-access-token", base_url=graph.base_url, **options),
    )
    inbox_settings = InboxSettings(poll_s=0.05, retry_base_s=0.05, retry_max_s=0.2, lease_s=5.0)
    return InstagramInput(settings, session_factory=sessions, inbox_settings=inbox_settings)


@asynccontextmanager
async def serve(channel: InstagramInput, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> AsyncIterator[str]:
    """The channel's blueprint on a Sanic server at a free port of 127.0.0.1."""
    Sanic.test_mode = True  # what sanic_testing does: lets several apps start in one process
    app = Sanic(f"instagram_test_{uuid.uuid4().hex[:12]}")
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/instagram")
    async with serve_app(app) as base_url:
        yield base_url


@pytest.fixture
def bot() -> FakeBot:
    return FakeBot()


@pytest.fixture
async def harness(graph: FakeGraphApi, demo_store: sessionmaker, bot: FakeBot) -> AsyncIterator[Harness]:
    channel = make_channel(graph, demo_store)
    async with serve(channel, bot) as base_url, aiohttp.ClientSession() as http:
        yield Harness(channel, bot, graph, base_url, http)


def jitter(low: float = 0.0, high: float = 0.02) -> Callable[[], float]:
    """A random processing time, so out-of-order handling would show."""
    return lambda: random.uniform(low, high)
