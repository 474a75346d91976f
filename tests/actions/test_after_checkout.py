"""After the order is placed: receipts tied to the unpaid order, and handing the chat to the owner."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import sessionmaker

from actions.checkout import ActionPlaceOrder
from actions.handoff import ActionHandoffToHuman
from actions.receipts import ActionRecordPaymentReceipt
from inventory_db import handoffs, payment_receipts
from inventory_db.database import transaction
from tests.actions.test_checkout import CUSTOMER, DOMAIN, ROOT, run, settle, tracker

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def store(demo_store: sessionmaker, monkeypatch: pytest.MonkeyPatch) -> sessionmaker:
    monkeypatch.setenv("SHOP_POLICY_FILE", str(ROOT / "shop_policy.yml"))
    return demo_store


async def place(store: sessionmaker, sender: str = "ig-1") -> None:
    held = (await settle(store, sender))["reservation_id"]
    slots = {
        "product_code": "B-21",
        "color": "black",
        "size": "L",
        "quantity": "2",
        "reservation_id": held,
        **CUSTOMER,
        "order_confirmed": True,
    }
    messages, _, _ = await run(ActionPlaceOrder(), tracker(slots, sender=sender))
    assert messages[0]["response"] == "utter_order_placed"


async def test_a_receipt_text_is_kept_with_the_unpaid_order(store: sessionmaker) -> None:
    messages, _, _ = await run(ActionRecordPaymentReceipt(), tracker({}, text="واریز کردم", intent="payment_sent"))
    assert messages[0]["response"] == "utter_receipt_no_order"
    await place(store)
    text = "واریز شد، کد پیگیری ۱۲۳۴۵۶"
    for _ in range(2):  # a retried message is one receipt
        messages, _, _ = await run(ActionRecordPaymentReceipt(), tracker({}, text=text, intent="payment_sent"))
    assert messages[0]["response"] == "utter_receipt_received"
    assert messages[0]["order_number"] == "۱۰۰۱" and messages[0]["total"].endswith("تومان")
    with transaction(store) as session:
        receipts = payment_receipts.receipts_for(session, 1001)
    assert [(r.kind, r.content) for r in receipts] == [("text", text)]


async def test_an_image_is_a_receipt_only_when_an_order_awaits_payment(store: sessionmaker) -> None:
    def image_tracker(sender: str):  # type: ignore[no-untyped-def]
        t = tracker({}, sender=sender, text="/send_image", intent="send_image")
        t.latest_message["metadata"] = {"image_url": "https://cdn.example/receipt.jpg"}
        return t

    messages, _, _ = await run(ActionRecordPaymentReceipt(), image_tracker("ig-2"))
    assert messages[0]["response"] == "utter_image_received"
    await place(store, "ig-2")
    messages, _, _ = await run(ActionRecordPaymentReceipt(), image_tracker("ig-2"))
    assert messages[0]["response"] == "utter_receipt_received"
    with transaction(store) as session:
        assert [(r.kind, r.content) for r in payment_receipts.receipts_for(session, 1001)] == [
            ("image", "https://cdn.example/receipt.jpg")
        ]


async def test_asking_for_a_person_pauses_and_puts_the_customer_on_the_owners_list(store: sessionmaker) -> None:
    for text in ("میخوام با خود فروشنده صحبت کنم", "agent please"):  # asking twice is one hand-off
        dispatcher = CollectingDispatcher()
        events = await ActionHandoffToHuman().run(dispatcher, tracker({}, text=text, intent="request_human"), DOMAIN)
        assert [m["response"] for m in dispatcher.messages] == ["utter_human_handoff"]
        assert [e["event"] for e in events] == ["active_loop", "pause"]
    with transaction(store) as session:
        assert [(h.customer_id, h.message) for h in handoffs.waiting(session)] == [
            ("ig-1", "میخوام با خود فروشنده صحبت کنم")
        ]
