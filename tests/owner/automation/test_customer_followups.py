"""Customers' follow-ups in the worker's passes, with a pinned clock, on SQLite and PostgreSQL:
sent through the assistant once inside Instagram's 24-hour window, kept for the owner to send
by hand (in the customer's language, worded as domain.yml words it) outside it, skipped for a
customer who said stop, retried when Rasa is down, sent once by two workers racing, and not
sent again by a worker taking over from one killed after the turn ran."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import due_work, message_log, messaging_optouts, orders, restock, stock
from owner import rasa_api
from owner.automation import customer_followups, worker
from owner.automation.config import Automations
from owner.automation.customer_followups import FOLLOW_UP_ENTITY, HandTexts
from shoplang import followups as wording
from tests.inventory_db.helpers import item, place, run

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
TEHRAN = ZoneInfo("Asia/Tehran")
TEXTS = HandTexts(ROOT / "domain.yml")
SHAWL = ("SH-12", "gray", "free")


class FakeAssistant:
    """The Rasa server as the worker sees it: each triggered turn lands in the tracker."""

    def __init__(self, language: str = "fa") -> None:
        self.turns: list[tuple[str, str, dict[str, str]]] = []
        self.language = language
        self.down = False

    async def trigger(self, customer_id: str, intent: str, entities: dict[str, str]) -> None:
        if self.down:
            raise rasa_api.RasaUnreachable("cannot reach Rasa at http://127.0.0.1:5005: connection refused")
        await asyncio.sleep(0)  # another worker may run meanwhile, as over HTTP
        self.turns.append((customer_id, intent, entities))

    async def tracker(self, customer_id: str) -> dict[str, Any]:
        if self.down:
            raise rasa_api.RasaUnreachable("down")
        events = [
            {
                "event": "user",
                "parse_data": {
                    "intent": {"name": intent},
                    "entities": [{"entity": name, "value": value} for name, value in entities.items()],
                },
            }
            for sender, intent, entities in self.turns
            if sender == customer_id
        ]
        return {"slots": {"language": self.language}, "events": events}


def shipped_order(store: sessionmaker, customer: str, wrote_at: datetime | None) -> orders.OrderInfo:
    """A paid order of ``customer``'s marked shipped an hour ago; they last wrote at ``wrote_at``."""
    who = orders.Customer(customer, "علی رضایی", "09121234567", "تهران، خیابان آزادی، پلاک ۱", "1234567890")
    placed = place(store, f"order-{customer}", who, items=[item(*SHAWL)], now=NOW - timedelta(days=1))
    run(store, orders.mark_paid, placed.number, "owner", now=NOW - timedelta(hours=20))
    shipped = run(store, orders.ship, placed.number, "RR123456789IR", "owner", now=NOW - timedelta(hours=1))
    if wrote_at is not None:
        run(store, message_log.touch_customer, customer, wrote_at)
    return shipped


async def one_pass(store: sessionmaker, assistant: FakeAssistant, now: datetime = NOW, worker_id: str = "w1"):
    customers = worker.Customers(assistant, TEXTS)
    return await worker.run_once(store, Automations(), [], worker_id, now, customers)


def items(store: sessionmaker) -> list[due_work.DueItem]:
    return sorted(run(store, due_work.recent), key=lambda i: i.id)


@pytest.mark.asyncio
async def test_inside_the_window_a_follow_up_is_sent_once_through_the_assistant(store: sessionmaker) -> None:
    order = shipped_order(store, "ig-ali", wrote_at=NOW - timedelta(hours=3))
    assistant = FakeAssistant()
    done = await one_pass(store, assistant)
    assert (done.follow_ups_scheduled, done.follow_ups.sent) == (1, 1)
    (notice,) = items(store)
    assert (notice.kind, notice.status, notice.order_number) == (due_work.SHIPPED, due_work.SENT, order.number)
    assert assistant.turns == [("ig-ali", "EXTERNAL_followup", {FOLLOW_UP_ENTITY: str(notice.id)})]
    again = await one_pass(store, assistant, NOW + timedelta(minutes=1))
    assert (again.follow_ups_scheduled, again.follow_ups.sent, len(assistant.turns)) == (0, 0, 1)


@pytest.mark.asyncio
async def test_outside_the_window_it_waits_for_the_owner_in_the_customers_language(store: sessionmaker) -> None:
    shipped_order(store, "ig-ali", wrote_at=NOW - timedelta(hours=25))
    shipped_order(store, "ig-sara", wrote_at=None)  # never wrote on Instagram: no window at all
    assistant = FakeAssistant(language="en")
    done = await one_pass(store, assistant)
    assert (done.follow_ups.sent, done.follow_ups.hand_send, assistant.turns) == (0, 2, [])
    ali, sara = items(store)
    assert (ali.status, ali.reason) == (due_work.HAND_SEND, "outside the 24-hour window")
    assert ali.hand_text == f"Order {ali.order_number} is on its way 📦 Tracking code: RR123456789IR"
    assert ali.hand_send_until == NOW + due_work.HAND_SEND_WINDOW
    # A week later the owner can no longer send it either: it lapses.
    await one_pass(store, assistant, NOW + due_work.HAND_SEND_WINDOW)
    assert {i.status for i in items(store)} == {due_work.LAPSED}
    assert sara.customer_id == "ig-sara"


@pytest.mark.asyncio
async def test_a_customer_who_said_stop_gets_nothing(store: sessionmaker) -> None:
    shipped_order(store, "ig-ali", wrote_at=NOW - timedelta(hours=1))
    run(store, messaging_optouts.opt_out, "ig-ali", "دیگه پیام نده", NOW - timedelta(minutes=30))
    assistant = FakeAssistant()
    await one_pass(store, assistant)
    run(store, due_work.schedule, due_work.SHIPPED, "order:by-hand", "ig-ali", NOW, payload={})
    await one_pass(store, assistant)
    assert assistant.turns == []
    assert [(i.status, i.reason) for i in items(store)] == [(due_work.SKIPPED, "opted out")]


@pytest.mark.asyncio
async def test_with_rasa_down_it_is_tried_again_later(store: sessionmaker) -> None:
    shipped_order(store, "ig-ali", wrote_at=NOW - timedelta(hours=1))
    assistant = FakeAssistant()
    assistant.down = True
    done = await one_pass(store, assistant)
    (notice,) = items(store)
    assert (done.follow_ups.failed, notice.status, notice.attempts) == (1, due_work.PENDING, 1)
    assert "cannot reach Rasa" in (notice.reason or "")
    assistant.down = False
    await one_pass(store, assistant, NOW + timedelta(seconds=30))  # before the backoff: not yet
    assert assistant.turns == []
    await one_pass(store, assistant, notice.due_at + timedelta(minutes=2))
    assert len(assistant.turns) == 1 and items(store)[0].status == due_work.SENT


@pytest.mark.asyncio
async def test_two_workers_racing_send_each_follow_up_once(store: sessionmaker) -> None:
    for customer in ("ig-1", "ig-2", "ig-3"):
        shipped_order(store, customer, wrote_at=NOW - timedelta(hours=1))
    assistant = FakeAssistant()
    await asyncio.gather(one_pass(store, assistant, worker_id="a"), one_pass(store, assistant, worker_id="b"))
    assert sorted(turn[0] for turn in assistant.turns) == ["ig-1", "ig-2", "ig-3"]
    assert {i.status for i in items(store)} == {due_work.SENT}


@pytest.mark.asyncio
async def test_a_worker_taking_over_from_one_killed_mid_send_does_not_send_again(store: sessionmaker) -> None:
    shipped_order(store, "ig-ali", wrote_at=NOW - timedelta(hours=1))
    assistant = FakeAssistant()
    with_store = worker.Customers(assistant, TEXTS)
    run(store, customer_followups.schedule, Automations().follow_ups, NOW)
    # The first worker claims it and the assistant runs the turn; the worker dies before recording it.
    (claimed,) = run(store, due_work.claim_due, "killed", NOW, 10, customer_followups.SEND_LEASE)
    await assistant.trigger("ig-ali", "EXTERNAL_followup", {FOLLOW_UP_ENTITY: str(claimed.id)})
    later = NOW + customer_followups.SEND_LEASE + timedelta(seconds=1)
    done = await worker.run_once(store, Automations(), [], "heir", later, with_store)
    assert done.follow_ups.sent == 1 and len(assistant.turns) == 1
    (notice,) = items(store)
    assert (notice.status, notice.sent_by, notice.attempts) == (due_work.SENT, "heir", 2)


@pytest.mark.asyncio
async def test_a_restock_notice_goes_out_once_and_marks_the_request_told(store: sessionmaker) -> None:
    sold_out = ("SH-12", "pink", "free")
    request = run(store, restock.request_notice, "ig-ali", *sold_out, now=NOW - timedelta(hours=5))
    run(store, message_log.touch_customer, "ig-ali", NOW - timedelta(hours=5))
    assistant = FakeAssistant()
    await one_pass(store, assistant)
    assert assistant.turns == []  # nothing back yet
    run(store, stock.adjust_stock, *sold_out, 3, "restock", "owner", now=NOW)
    await one_pass(store, assistant, NOW + timedelta(minutes=1))
    await one_pass(store, assistant, NOW + timedelta(minutes=2))
    assert [turn[0] for turn in assistant.turns] == ["ig-ali"]
    assert run(store, restock.pending) == [] and request.id


def due(kind: str, payload: dict[str, Any]) -> due_work.DueItem:
    return due_work.DueItem(
        1, kind, "k", "ig", None, None, payload, NOW, due_work.PENDING, 1, None, None, None, None, None, NOW, None, None
    )


def test_every_follow_up_reads_naturally_in_both_languages() -> None:
    payloads = {
        "abandoned_checkout": {"code": "B-21", "name_fa": "مانتو کتان", "name_en": "Linen manteau",
                               "color": "black", "size": "L", "quantity": 1, "unit_price": 1250000},
        "payment_reminder": {"order_number": 1042, "total": 1330000, "payment_due_at": "2026-12-02T14:30:00+00:00"},
        "shipped": {"order_number": 1042, "tracking_code": "RR123456789IR"},
        "rating": {"order_number": 1042},
        "back_in_stock": {"code": "B-21", "name_fa": "مانتو کتان", "name_en": "Linen manteau",
                          "color": "black", "size": "L", "unit_price": 1250000},
    }  # fmt: skip
    for kind, payload in payloads.items():
        found = due(kind, payload)
        persian, english = TEXTS.text(found, "fa", TEHRAN), TEXTS.text(found, "en", TEHRAN)
        for text in (persian, english):
            assert "{" not in text and "}" not in text, text
        assert not any(ch.isascii() and ch.isdigit() for ch in persian.replace("B-21", "").replace("RR123456789IR", ""))
    reminder = due(due_work.PAYMENT_REMINDER, payloads["payment_reminder"])
    assert "۱٬۳۳۰٬۰۰۰ تومان" in TEXTS.text(reminder, "fa", TEHRAN)
    assert "۱۴۰۵/۰۹/۱۱ ساعت ۱۸:۰۰" in TEXTS.text(reminder, "fa", TEHRAN)  # 14:30 UTC is 18:00 in Tehran
    assert "2026-12-02 18:00" in TEXTS.text(reminder, "en", TEHRAN)
    assert set(wording.RESPONSES) == {
        due_work.ABANDONED_CHECKOUT, due_work.PAYMENT_REMINDER, due_work.SHIPPED, due_work.RATING, due_work.BACK_IN_STOCK
    }  # fmt: skip


def test_a_domain_without_the_wording_stops_the_worker(tmp_path: Path) -> None:
    domain = tmp_path / "domain.yml"
    domain.write_text("responses:\n  utter_greet:\n    - text: hi\n", encoding="utf-8")
    with pytest.raises(ValueError, match="utter_followup_"):
        HandTexts(domain)
