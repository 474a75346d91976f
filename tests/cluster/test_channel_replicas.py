"""Two Instagram channels on one store, as two Rasa replicas behind a balancer run them.

Why the channel's per-process state is safe with several replicas: what must be shared
lives in the store. The inbox (``inventory_db.inbox``) is the per-customer queue: an event
is leased by one process at a time and a customer's next message only once the earlier one
is finished, whichever replica received either; a delivery is stored once by its mid,
whichever replica Meta sent it to. ``InboxWorkers._running`` only lists the turns this
process has in hand. ``SharedPosts`` keeps what a customer just shared in the store
(``message_log.remember_origin``); its media-id → shortcode dictionary is a cache of
Meta's answers, the same on every replica. Pacing is shared through Redis
(``channels.send_pacing``, tests/cluster/test_shared_pacing.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter

import aiohttp
from rasa.core.channels.channel import UserMessage
from sqlalchemy.orm import sessionmaker

from tests.channels import payloads
from tests.channels.conftest import FakeBot, jitter, make_channel, serve
from tests.channels.fake_graph import FakeGraphApi


class CountingBot(FakeBot):
    """Also records the most turns of one customer that ever ran at once, across replicas."""

    def __init__(self) -> None:
        super().__init__(delay=jitter(0.0, 0.03))
        self.running: Counter[str] = Counter()
        self.most_at_once = 0

    async def __call__(self, message: UserMessage) -> None:
        self.running[message.sender_id] += 1
        self.most_at_once = max(self.most_at_once, self.running[message.sender_id])
        try:
            await super().__call__(message)
        finally:
            self.running[message.sender_id] -= 1


@contextlib.asynccontextmanager
async def two_replicas(graph: FakeGraphApi, store: sessionmaker, bot: CountingBot):  # type: ignore[no-untyped-def]
    channels = [make_channel(graph, store), make_channel(graph, store)]
    async with serve(channels[0], bot) as first, serve(channels[1], bot) as second:
        yield channels, [f"{base}/webhooks/instagram/webhook" for base in (first, second)]


async def _post(http: aiohttp.ClientSession, url: str, document: dict | bytes) -> int:
    body = document if isinstance(document, bytes) else payloads.encode(document)
    async with http.post(url, data=body, headers=payloads.signed_headers(body)) as reply:
        return reply.status


async def test_a_burst_sent_to_alternating_replicas_is_answered_once_each_in_order(
    graph: FakeGraphApi, demo_store: sessionmaker
) -> None:
    bot = CountingBot()
    words = [f"پیام {n}" for n in range(12)]
    async with two_replicas(graph, demo_store, bot) as (channels, urls), aiohttp.ClientSession() as http:
        for n, word in enumerate(words):
            assert await _post(http, urls[n % 2], payloads.delivery(payloads.text_message("7001", word))) == 200
        await asyncio.gather(*(channel.workers.join(15) for channel in channels))
    assert bot.texts == words
    assert bot.most_at_once == 1
    assert graph.texts("7001") == [f"got: {word}" for word in words]


async def test_the_same_delivery_sent_to_both_replicas_gets_one_reply(
    graph: FakeGraphApi, demo_store: sessionmaker
) -> None:
    bot = CountingBot()
    body = payloads.encode(payloads.delivery(payloads.text_message("7002", "B-21 موجوده؟", mid="mid-both")))
    async with two_replicas(graph, demo_store, bot) as (channels, urls), aiohttp.ClientSession() as http:
        statuses = await asyncio.gather(*(_post(http, urls[n % 2], body) for n in range(6)))
        assert statuses == [200] * 6
        await asyncio.gather(*(channel.workers.join(15) for channel in channels))
    assert bot.texts == ["B-21 موجوده؟"]
    assert graph.texts("7002") == ["got: B-21 موجوده؟"]
