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
import json
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator, Iterator, Optional

import aiohttp
import pytest

from inventory_db import handoffs, inbox
from inventory_db.database import make_engine, make_session_factory, transaction
from tests.channels import payloads
from tests.channels.fake_graph import FakeGraphApi
from tests.e2e.servers import BIN, ROOT, demo_store_url, free_port, server_env, wait_http

pytestmark = pytest.mark.e2e

REPLY_TIMEOUT_S = 120
QUESTION = "سلام، مانتو کد B-21 مشکی سایز L موجود دارید؟"  # answered by a custom action, with the price
PRICE = "۱٬۲۵۰٬۰۰۰"

CREDENTIALS = """\
channels.instagram.InstagramInput:
  verify_token: {verify}
  app_secret: {secret}
  access_token: faults-access-token
  graph_base_url: {graph}
  inbox_lease_s: 4
  inbox_poll_s: 0.5
  inbox_retry_base_s: 1
  inbox_retry_max_s: 4
  inbox_max_attempts: 8
"""


@dataclass
class Shop:
    """Processes of one shop: an action server and any number of Rasa servers on one store."""

    workdir: Path
    database_url: str
    graph: FakeGraphApi
    actions_port: int = field(default_factory=free_port)
    actions: Optional[subprocess.Popen] = None
    rasa: dict[str, tuple[subprocess.Popen, int]] = field(default_factory=dict)

    def _env(self) -> dict[str, str]:
        return server_env(self.database_url)

    def start_actions(self) -> None:
        log = self.workdir / "actions.log"
        with log.open("a") as out:
            self.actions = subprocess.Popen(
                [str(BIN / "rasa"), "run", "actions", "--port", str(self.actions_port), "--actions", "actions"],
                cwd=ROOT, env=self._env(), stdout=out, stderr=subprocess.STDOUT,
            )
        wait_http(f"http://127.0.0.1:{self.actions_port}/health", self.actions, log)

    def stop_actions(self) -> None:
        assert self.actions is not None
        self.actions.kill()
        self.actions.wait(timeout=20)

    def start_rasa(self, name: str) -> str:
        """A Rasa server named ``name`` (its log is <name>.log); its base URL."""
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.actions_port}/webhook"\n'
            "tracker_store:\n  type: channels.turn_guard.TurnSafeSQLTrackerStore\n  dialect: sqlite\n"
            f"  db: {self.workdir / 'tracker.db'}\n",
            encoding="utf-8",
        )
        credentials = self.workdir / "credentials.yml"
        credentials.write_text(
            CREDENTIALS.format(verify=payloads.VERIFY_TOKEN, secret=payloads.APP_SECRET, graph=self.graph.base_url),
            encoding="utf-8",
        )
        port = free_port()
        log = self.workdir / f"{name}.log"
        with log.open("a") as out:
            process = subprocess.Popen(
                [
                    str(BIN / "rasa"), "run", "--model", str(ROOT / "models" / "shop.tar.gz"),
                    "--endpoints", str(endpoints), "--credentials", str(credentials),
                    "--port", str(port), "--interface", "127.0.0.1",
                ],
                cwd=ROOT, env=self._env(), stdout=out, stderr=subprocess.STDOUT,
            )
        self.rasa[name] = (process, port)
        wait_http(f"http://127.0.0.1:{port}/", process, log, timeout=300)
        return self.url(name)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.rasa[name][1]}/webhooks/instagram/webhook"

    def kill_rasa(self, name: str) -> None:
        process, _ = self.rasa.pop(name)
        process.kill()  # SIGKILL: no shutdown hook runs, as in a crash or an OOM kill
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for process in [p for p, _ in self.rasa.values()] + ([self.actions] if self.actions else []):
            process.terminate()
        for process in [p for p, _ in self.rasa.values()] + ([self.actions] if self.actions else []):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name} ---\n" + "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            for log in sorted(self.workdir.glob("*.log"))
        )

    def times_in_conversation(self, sender: str, mid: str) -> int:
        """How often Rasa's stored conversation holds the message ``mid``."""
        with sqlite3.connect(self.workdir / "tracker.db") as db:
            rows = db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)
            ).fetchall()
        return sum(json.loads(data).get("message_id") == mid for (data,) in rows)

    def inbox_counts(self) -> inbox.InboxCounts:
        engine = make_engine(self.database_url)
        try:
            with transaction(make_session_factory(engine)) as session:
                return inbox.counts(session)
        finally:
            engine.dispose()


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraphApi]:
    fake = await FakeGraphApi().start()
    yield fake
    await fake.stop()


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
    assert len(shop.graph.texts(sender)) == 1  # the apology, once
    engine = make_engine(shop.database_url)
    with transaction(make_session_factory(engine)) as session:
        assert handoffs.is_waiting(session, sender)
    engine.dispose()
    assert shop.times_in_conversation(sender, "mid-gave-up") == 0
