"""The worker's passes with a pinned clock, against a real SMTP server and a fake Telegram Bot API
on 127.0.0.1, on SQLite and PostgreSQL: one low-stock alert per crossing on each channel, one
daily summary per local day whatever the restarts, two workers racing send each message once,
and a failed delivery retried, then kept as failed."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import Callable
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import low_stock, owner_notifications, stock
from owner.automation import worker
from owner.automation.config import Automations
from owner.notify import Notifier, notifiers_from_settings
from tests.inventory_db.helpers import item, place, run
from tests.owner.notify.fake_telegram import FakeTelegram
from tests.owner.notify.local_servers import PASSWORD, TOKEN, USER, SmtpServer

# 2 Dec 2026, 08:00 in Tehran (04:30 UTC): before the 09:00 summary.
MORNING = datetime(2026, 12, 2, 4, 30, tzinfo=timezone.utc)
AUTOMATIONS = Automations(daily_summary_at=time(9, 0))


@pytest.fixture
def channels(
    monkeypatch: pytest.MonkeyPatch, smtp_server: Callable[..., SmtpServer], telegram: FakeTelegram
) -> tuple[SmtpServer, FakeTelegram, list[Notifier]]:
    """Both transports configured, as .env would, towards the local servers."""
    mail = smtp_server()
    for name, value in {
        "SHOP_ENV": "development",
        "SHOP_SMTP_HOST": "127.0.0.1",
        "SHOP_SMTP_PORT": str(mail.port),
        "SHOP_SMTP_SECURITY": "none",
        "SHOP_SMTP_USER": USER,
        "SHOP_SMTP_PASSWORD": PASSWORD,
        "SHOP_NOTIFY_EMAIL_TO": "owner@example.ir",
        "SHOP_TELEGRAM_BOT_TOKEN": TOKEN,
        "SHOP_TELEGRAM_CHAT_ID": "4242",
        "SHOP_TELEGRAM_API_BASE": telegram.base_url,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SHOP_TIMEZONE", raising=False)
    return mail, telegram, notifiers_from_settings()


def subjects(mail: SmtpServer) -> list[str]:
    return [
        email.message_from_bytes(envelope.content, policy=email.policy.default)["Subject"]
        for envelope in mail.mailbox.envelopes
    ]


def low_now(store: sessionmaker) -> set[tuple[str, str, str]]:
    return {(v.code, v.color, v.size) for v in run(store, low_stock.low_stock, MORNING)}


async def test_one_alert_per_crossing_on_each_channel(
    store: sessionmaker, channels: tuple[SmtpServer, FakeTelegram, list[Notifier]]
) -> None:
    mail, telegram, notifiers = channels
    summary_off = Automations(daily_summary=False)
    first = await worker.run_once(store, summary_off, notifiers, "w1", MORNING)
    # The demo shop starts with some variants already low: one message naming them all.
    assert low_now(store) and (first.alerts_queued, first.sent) == (2, 2)
    assert len(mail.mailbox.envelopes) == len(telegram.calls) == 1

    # B-21 black L has 3 on hand (threshold 2): two sold brings it to 1, a crossing.
    assert ("B-21", "black", "L") not in low_now(store)
    place(store, "k1", items=[item("B-21", "black", "L", 2)], now=MORNING)
    later = MORNING + timedelta(minutes=1)
    crossed = await worker.run_once(store, summary_off, notifiers, "w1", later)
    assert (crossed.alerts_queued, crossed.sent) == (2, 2)
    assert "مانتو کتان" in subjects(mail)[-1] and "مانتو کتان" in telegram.calls[-1].body["text"]

    again = await worker.run_once(store, summary_off, notifiers, "w1", later + timedelta(minutes=1))
    assert (again.alerts_queued, again.sent) == (0, 0)  # still low: no new crossing
    run(store, stock.set_stock, "B-21", "black", "L", 10, "count", now=later)
    above = await worker.run_once(store, summary_off, notifiers, "w1", later + timedelta(minutes=2))
    assert above.alerts_queued == 0  # back above: recorded, not announced
    run(store, stock.set_stock, "B-21", "black", "L", 4, "count", now=later)  # 4 - 2 in the order = 2 left
    fell = await worker.run_once(store, summary_off, notifiers, "w1", later + timedelta(minutes=3))
    assert (fell.alerts_queued, fell.sent) == (2, 2)
    assert len(mail.mailbox.envelopes) == len(telegram.calls) == 3


async def test_one_summary_per_local_day_whatever_the_restarts(
    store: sessionmaker, channels: tuple[SmtpServer, FakeTelegram, list[Notifier]]
) -> None:
    mail, telegram, notifiers = channels
    alerts_off = Automations(low_stock_alert=False, daily_summary_at=time(9, 0))
    early = await worker.run_once(store, alerts_off, notifiers, "w1", MORNING)
    assert early.summaries_queued == 0 and not mail.mailbox.envelopes  # 08:00 in Tehran
    nine = MORNING + timedelta(hours=1)  # 09:00 in Tehran
    sent = await worker.run_once(store, alerts_off, notifiers, "w1", nine)
    assert (sent.summaries_queued, sent.sent) == (2, 2)
    assert "۱۴۰۵/۰۹/۱۰" in subjects(mail)[0]  # yesterday, 1 Dec, in Jalali
    for restart, hours in (("w2", 2), ("w3", 12)):  # a new worker later the same day
        again = await worker.run_once(store, alerts_off, notifiers, restart, nine + timedelta(hours=hours))
        assert (again.summaries_queued, again.sent) == (0, 0)
    tomorrow = await worker.run_once(store, alerts_off, notifiers, "w1", nine + timedelta(days=1))
    assert tomorrow.summaries_queued == 2
    assert len(mail.mailbox.envelopes) == len(telegram.calls) == 2


async def test_two_workers_racing_send_each_message_once(
    store: sessionmaker, channels: tuple[SmtpServer, FakeTelegram, list[Notifier]]
) -> None:
    mail, telegram, notifiers = channels
    nine = MORNING + timedelta(hours=1)
    passes = await asyncio.gather(*(worker.run_once(store, AUTOMATIONS, notifiers, f"w{n}", nine) for n in range(2)))
    assert sum(p.sent for p in passes) == 4  # an alert and a summary, on two channels
    assert len(mail.mailbox.envelopes) == len(telegram.calls) == 2


async def test_a_failed_delivery_is_retried_then_kept_as_failed(
    store: sessionmaker, channels: tuple[SmtpServer, FakeTelegram, list[Notifier]]
) -> None:
    _, telegram, notifiers = channels
    for _ in range(owner_notifications.MAX_ATTEMPTS + 1):
        telegram.answer_next(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    now = MORNING
    first = await worker.run_once(store, Automations(daily_summary=False), notifiers, "w1", now)
    assert first.sent == 1  # the email went; Telegram did not
    pending = run(store, owner_notifications.recent, [owner_notifications.PENDING])
    assert [(n.channel, n.attempts) for n in pending] == [("telegram", 1)]
    for _ in range(owner_notifications.MAX_ATTEMPTS):
        now += timedelta(hours=2)  # past every backoff
        await worker.run_once(store, Automations(daily_summary=False), notifiers, "w1", now)
    [failed] = run(store, owner_notifications.recent, [owner_notifications.FAILED])
    assert failed.channel == "telegram" and "Bad Gateway" in (failed.last_error or "")
    assert failed.attempts == owner_notifications.MAX_ATTEMPTS
