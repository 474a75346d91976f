"""The issue's done-when, end to end: the servers as ``make run`` starts them (Rasa with the
Instagram channel and the trained model, the action server, the store), the real
``shop-worker`` process run pass by pass at pinned times, a fake Graph API standing for Meta,
a real SMTP server (aiosmtpd) and a fake Telegram Bot API for the owner.

It sees: an abandoned checkout reminded once (and its button carrying the checkout on), a
restock notice sent once per request, a shipped notice with its tracking code, an email and a
Telegram low-stock alert once per crossing, a daily summary once, and nothing sent to a
customer outside Instagram's 24-hour window (a hand-send item instead).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import due_work, message_log, orders, restock, stock
from tests.channels import payloads
from tests.channels.fake_graph import FakeGraphApi
from tests.e2e.servers import ROOT, instagram_assistant, server_env
from tests.inventory_db.helpers import item, place, run
from tests.owner.notify.fake_telegram import FakeTelegram
from tests.owner.notify.local_servers import PASSWORD, TOKEN, USER, SmtpServer

pytestmark = pytest.mark.e2e

REPLY_TIMEOUT_S = 120
AUTOMATIONS = """\
owner:
  low_stock_alert: {on: true}
  daily_summary: {on: true, at: "00:00"}
customers:
  abandoned_checkout: {on: true, after_minutes: 60}
  shipped: {on: true}
  back_in_stock: {on: true}
  payment_reminder: {on: false}
  rating: {on: false}
"""


@pytest.fixture
def assistant(tmp_path: Path, database_url: str, demo_store: sessionmaker, graph: FakeGraphApi) -> Iterator[str]:
    with instagram_assistant(tmp_path, database_url, graph) as base_url:
        yield base_url


class Customer:
    """One Instagram customer writing through the signed webhook, waiting for the shop's answer."""

    def __init__(self, http: aiohttp.ClientSession, assistant: str, graph: FakeGraphApi, sender: str) -> None:
        self.http, self.url, self.graph, self.sender = http, f"{assistant}/webhooks/instagram/webhook", graph, sender

    async def says(self, text: str, expected: str, quick_reply: str | None = None) -> None:
        seen = len(self.graph.texts(self.sender))
        extra = {"quick_reply": {"payload": quick_reply}} if quick_reply else {}
        body = payloads.encode(payloads.delivery(payloads.text_message(self.sender, text, **extra)))
        async with self.http.post(self.url, data=body, headers=payloads.signed_headers(body)) as reply:
            assert reply.status == 200

        def answered(fake: FakeGraphApi) -> bool:
            return any(expected in text for text in fake.texts(self.sender)[seen:])

        try:
            await self.graph.wait_for(answered, timeout=REPLY_TIMEOUT_S)
        except AssertionError:
            raise AssertionError(f"no «{expected}» in {self.graph.texts(self.sender)[seen:]}") from None


async def worker_pass(env: dict[str, str], at: datetime) -> str:
    """One pass of the real worker process at the pinned time ``at``; its summary line. The
    fake servers live on this test's event loop, so the process is waited for off it."""
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "owner.automation.worker", "--once", "--now", at.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def shipped_to(store: sessionmaker, sender: str, tracking: str) -> int:
    who = orders.Customer(sender, "مریم احمدی", "09121234567", "تهران، خیابان ولیعصر، پلاک ۱۲", "1234567890")
    placed = place(store, f"e2e-{sender}", who, items=[item("SH-12", "gray", "free")])
    run(store, orders.mark_paid, placed.number, "owner")
    return run(store, orders.ship, placed.number, tracking, "owner").number


@pytest.mark.asyncio
async def test_the_shop_follows_up_and_alerts_once_each_and_never_outside_the_window(
    assistant: str,
    graph: FakeGraphApi,
    demo_store: sessionmaker,
    database_url: str,
    tmp_path: Path,
    smtp_server: Callable[..., SmtpServer],
    telegram: FakeTelegram,
) -> None:
    mail = smtp_server()
    rules = tmp_path / "shop_automations.yml"
    rules.write_text(AUTOMATIONS, encoding="utf-8")
    env = {
        **server_env(database_url), "RASA_URL": assistant, "SHOP_AUTOMATIONS_FILE": str(rules),
        "SHOP_ENV": "development", "SHOP_SMTP_HOST": "127.0.0.1", "SHOP_SMTP_PORT": str(mail.port),
        "SHOP_SMTP_SECURITY": "none", "SHOP_SMTP_USER": USER, "SHOP_SMTP_PASSWORD": PASSWORD,
        "SHOP_NOTIFY_EMAIL_TO": "owner@example.ir", "SHOP_TELEGRAM_BOT_TOKEN": TOKEN,
        "SHOP_TELEGRAM_CHAT_ID": "4242", "SHOP_TELEGRAM_API_BASE": telegram.base_url,
    }  # fmt: skip
    start = datetime.now(timezone.utc)
    # Past the 30-minute hold and the rule's 60 minutes: the abandoned checkout is due.
    later = start + timedelta(minutes=95)

    async with aiohttp.ClientSession() as http:
        # Leila starts buying the black linen manteau, then goes quiet with units held.
        leila = Customer(http, assistant, graph, "e2e-leila")
        await leila.says("سلام، مانتو کد B-21 مشکی سایز L دارید؟", "موجود")
        await leila.says("میخوامش", "چند")
        await leila.says("یکی", "نام و نام خانوادگی")
        # Reza asked to hear when the pink shawl is back (it is sold out); Sina's parcel leaves today.
        reza = Customer(http, assistant, graph, "e2e-reza")
        await reza.says("سلام", "سلام")
        sina = Customer(http, assistant, graph, "e2e-sina")
        await sina.says("سلام", "سلام")
    request = run(demo_store, restock.request_notice, "e2e-reza", "SH-12", "pink", "free")
    tracking = "RR123456789IR"
    sina_order = shipped_to(demo_store, "e2e-sina", tracking)
    # Dara last wrote two days ago: his parcel's notice may only be sent by the owner, by hand.
    run(demo_store, message_log.touch_customer, "e2e-dara", start - timedelta(days=2))
    dara_order = shipped_to(demo_store, "e2e-dara", "RR987654321IR")
    sends_before = {sender: len(graph.texts(sender)) for sender in ("e2e-leila", "e2e-reza", "e2e-sina")}

    first = await worker_pass(env, later)
    assert first.startswith("queued 2 alerts, 2 summaries; sent 4;"), first  # one of each on both channels
    # Three pink shawls arrive: back above the low-stock threshold (2), and back in stock for Reza.
    run(demo_store, stock.adjust_stock, "SH-12", "pink", "free", 3, "restock from the supplier", "owner")
    second = await worker_pass(env, later + timedelta(minutes=1))
    third = await worker_pass(env, later + timedelta(minutes=2))

    new = {sender: graph.texts(sender)[count:] for sender, count in sends_before.items()}
    reminders = [text for text in new["e2e-leila"] if "نیمه‌کاره" in text]
    assert len(reminders) == 1 and "B-21" in reminders[0], new["e2e-leila"]
    notices = [text for text in new["e2e-reza"] if "دوباره موجود شد" in text]
    assert len(notices) == 1 and "SH-12" in notices[0], new["e2e-reza"]
    shipped = [text for text in new["e2e-sina"] if tracking in text]
    assert len(shipped) == 1 and str(sina_order) in payloads_digits(shipped[0]), new["e2e-sina"]
    assert graph.texts("e2e-dara") == []  # outside the window: nothing sent
    by_customer = {i.customer_id: i for i in run(demo_store, due_work.recent)}
    assert run(demo_store, restock.pending) == []  # Reza's request is marked told
    assert by_customer["e2e-dara"].status == due_work.HAND_SEND
    assert by_customer["e2e-dara"].order_number == dara_order and "RR987654321IR" in by_customer["e2e-dara"].hand_text
    assert request.customer_id == "e2e-reza"
    assert "follow-ups: 0 scheduled, 0 sent" in third, third

    # The owner: one low-stock alert per crossing and one summary, on both channels.
    assert [len(mail.mailbox.envelopes), len(telegram.calls)] == [2, 2], (first, second, third)
    # One is damaged: the pink shawl falls back to its threshold, a new crossing, one more alert on each.
    run(demo_store, stock.adjust_stock, "SH-12", "pink", "free", -1, "damaged", "owner")
    await worker_pass(env, later + timedelta(minutes=3))
    await worker_pass(env, later + timedelta(minutes=4))
    assert [len(mail.mailbox.envelopes), len(telegram.calls)] == [3, 3]

    # Leila's reminder carries its button: tapping it starts the checkout again, stock checked.
    buttons = [c.body for c in graph.sends if (c.body.get("recipient") or {}).get("id") == "e2e-leila"]
    carry_on = [
        reply["payload"]
        for body in buttons
        for reply in (body.get("message") or {}).get("quick_replies") or []
        if "order_product" in reply.get("payload", "")
    ]
    assert carry_on and json.loads(carry_on[-1].removeprefix("/order_product"))["product_code"] == "B-21"
    async with aiohttp.ClientSession() as http:
        leila = Customer(http, assistant, graph, "e2e-leila")
        await leila.says("ادامهٔ خرید", "نام و نام خانوادگی", quick_reply=carry_on[-1])


def payloads_digits(text: str) -> str:
    """The text with Persian digits read as ASCII, to find an order number in it."""
    return text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
