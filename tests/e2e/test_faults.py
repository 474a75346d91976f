"""Faults between Meta's webhook and the customer's reply, on the real servers.

The real Rasa server (Instagram channel from credentials, the trained model, the
turn-safe SQL tracker store), the real action server, a SQLite shop store holding
the durable inbox, and a fake Graph API recording what the customer would see.
Each test breaks something at the worst moment and checks that every message was
answered, and answered once: no reply sent twice, the message once in Rasa's
stored conversation. ``docs/reliability.md`` lists these faults and the results.

Needs ``make train`` first (models/). Slow: it starts Rasa several times.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from channels import instagram_texts as texts
from inventory_db import handoffs, inbox
from inventory_db.database import make_engine, make_session_factory, transaction
from tests.channels import payloads
from tests.channels.fake_graph import FakeGraphApi
from tests.e2e.servers import ROOT, demo_store_url
from tests.e2e.shop_processes import Shop

pytestmark = pytest.mark.e2e

REPLY_TIMEOUT_S = 120
QUESTION = "سلام، مانتو کد B-21 مشکی سایز L موجود دارید؟"  # answered by a custom action, with the price
PRICE = "۱٬۲۵۰٬۰۰۰"


@pytest.fixture
def shop(tmp_path: Path, graph: FakeGraphApi) -> Iterator[Shop]:
    if not (ROOT / "models" / "shop.tar.gz").is_file():
        pytest.fail("no trained model in models/: run `make train` first (make test does)")
    shop = Shop(tmp_path, demo_store_url(tmp_path), graph)
    shop.start_actions()
    try:
        yield shop
    finally:
        shop.stop_all()


async def _post(url: str, body: bytes, http: aiohttp.ClientSession) -> int:
    async with http.post(url, data=body, headers=payloads.signed_headers(body)) as reply:
        return reply.status


async def _deliver(url: str, body: bytes, http: aiohttp.ClientSession) -> int:
    """As Meta does: post until the webhook answers 200 (Meta retries any other answer)."""
    for _ in range(20):
        try:
            status = await _post(url, body, http)
        except aiohttp.ClientError:
            status = 0
        if status == 200:
            return status
        await asyncio.sleep(1)
    raise AssertionError(f"{url} never took the delivery")


async def _answered_once(shop: Shop, sender: str, mid: str, expected: str = PRICE) -> None:
    """The customer got the answer, no reply twice, and the message is once in the conversation."""
    try:
        await shop.graph.wait_for(lambda g: any(expected in t for t in g.texts(sender)), timeout=REPLY_TIMEOUT_S)
        await asyncio.sleep(2)  # room for a doubled reply to show up
    except AssertionError:
        raise AssertionError(f"{sender} got no «{expected}»: {shop.graph.texts(sender)}\n{shop.logs()}") from None
    doubled = [text for text, n in Counter(shop.graph.texts(sender)).items() if n > 1]
    assert doubled == [], f"sent twice to {sender}: {doubled}"
    assert shop.times_in_conversation(sender, mid) == 1


async def test_rasa_killed_between_the_200_and_the_reply_answers_once_after_a_restart(shop: Shop) -> None:
    url = shop.start_rasa("rasa-1")
    sender, mid = "fault-kill", "mid-fault-kill"
    body = payloads.encode(payloads.delivery(payloads.text_message(sender, QUESTION, mid=mid)))
    async with aiohttp.ClientSession() as http:
        assert await _post(url, body, http) == 200
    shop.kill_rasa("rasa-1")  # the event is stored, its turn had no time to finish
    assert not any(PRICE in text for text in shop.graph.texts(sender)), "answered before the kill: nothing tested"
    shop.start_rasa("rasa-2")  # the lease of the killed process runs out; the new one takes the event
    await _answered_once(shop, sender, mid)


async def test_the_action_server_down_for_a_turn_retries_it_and_answers_once(shop: Shop) -> None:
    url = shop.start_rasa("rasa")
    sender, mid = "fault-actions", "mid-fault-actions"
    shop.stop_actions()
    body = payloads.encode(payloads.delivery(payloads.text_message(sender, QUESTION, mid=mid)))
    async with aiohttp.ClientSession() as http:
        assert await _post(url, body, http) == 200
    await asyncio.sleep(4)  # a try or two fail while it is down
    assert shop.graph.texts(sender) == []
    shop.start_actions()
    await _answered_once(shop, sender, mid)


async def test_a_locked_database_delays_but_loses_and_doubles_nothing(shop: Shop) -> None:
    url = shop.start_rasa("rasa")
    path = shop.database_url.removeprefix("sqlite:///")
    released = threading.Event()

    def hold_the_lock(seconds: float) -> None:
        with sqlite3.connect(path, timeout=30) as db:
            db.execute("BEGIN EXCLUSIVE")
            released.wait(seconds)
            db.rollback()

    senders = [f"fault-lock-{n}" for n in range(3)]
    async with aiohttp.ClientSession() as http:
        locker = threading.Thread(target=hold_the_lock, args=(4.0,))
        locker.start()
        await asyncio.sleep(0.2)
        started = time.monotonic()
        for sender in senders:  # the webhook waits for the lock (or answers 503 and Meta delivers again)
            body = payloads.encode(payloads.delivery(payloads.text_message(sender, QUESTION, mid=f"mid-{sender}")))
            await _deliver(url, body, http)
        locker.join()
    assert time.monotonic() - started >= 3  # the lock really was in the way
    for sender in senders:
        await _answered_once(shop, sender, f"mid-{sender}")
    assert shop.inbox_counts() == inbox.InboxCounts(pending=0, leased=0, done=3, gave_up=0)


async def test_the_same_delivery_to_two_server_processes_gets_one_reply(shop: Shop) -> None:
    urls = [shop.start_rasa("rasa-a"), shop.start_rasa("rasa-b")]
    deliveries = []
    for n in range(4):
        sender = f"fault-twice-{n}"
        body = payloads.encode(payloads.delivery(payloads.text_message(sender, QUESTION, mid=f"mid-{sender}")))
        deliveries.append((sender, body))
    async with aiohttp.ClientSession() as http:
        statuses = await asyncio.gather(*(_post(url, body, http) for _, body in deliveries for url in urls))
    assert statuses == [200] * len(statuses)
    for sender, _ in deliveries:
        await _answered_once(shop, sender, f"mid-{sender}")
    assert shop.inbox_counts().done == len(deliveries)


async def test_edge_inputs_get_2xx_or_4xx_from_the_real_server(shop: Shop) -> None:
    url = shop.start_rasa("rasa")
    bodies = {
        b'{"object": "instagram", "entry": [{"id": "1", "messaging": 5}]}': 200,
        b'{"object": "instagram", "entry": [{"id": "1", "messaging": [{"sender": {"id": "x"}, "timestamp": Infinity,'
        b' "message": {"mid": "mid-inf", "text": "hi"}}]}]}': 200,
        b'{"object": "instagram", "entry": "nope"}': 400,
        b"{not json": 400,
        b'{"object": "instagram", "entry": [], "pad": "' + b"x" * (2 * 1024 * 1024) + b'"}': 413,
    }
    async with aiohttp.ClientSession() as http:
        for body, expected in bodies.items():
            assert await _post(url, body, http) == expected, body[:60]
        async with http.post(url, data=b"{}", headers={"X-Hub-Signature-256": "sha256=" + "0" * 64}) as reply:
            assert reply.status == 403
    assert "Traceback" not in (shop.workdir / "rasa.log").read_text(errors="replace")


async def test_a_message_no_try_could_answer_goes_to_the_owner_with_an_apology(shop: Shop) -> None:
    url = shop.start_rasa("rasa")
    shop.stop_actions()  # and it stays down
    sender = "fault-gave-up"
    body = payloads.encode(payloads.delivery(payloads.text_message(sender, QUESTION, mid="mid-gave-up")))
    async with aiohttp.ClientSession() as http:
        assert await _post(url, body, http) == 200
    await shop.graph.wait_for(lambda g: len(g.texts(sender)) > 0, timeout=REPLY_TIMEOUT_S)
    await asyncio.sleep(1)
    assert shop.graph.texts(sender) == [texts.WE_WILL_ANSWER["fa"]]  # no failed try's half answer
    engine = make_engine(shop.database_url)
    with transaction(make_session_factory(engine)) as session:
        assert handoffs.is_waiting(session, sender)
    engine.dispose()
    assert shop.times_in_conversation(sender, "mid-gave-up") == 0
