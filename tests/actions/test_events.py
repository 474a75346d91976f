"""The conversation's business events, recorded once by the action where they happen:
a conversation started (and from where), an inquiry, a checkout step, a fallback; and the
store's own events when an action's one service call causes them."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from actions.catalog import ActionAnswerProductQuery, ActionRequestRestockNotice
from actions.checkout import ActionPlaceOrder
from actions.checkout_questions import ActionAskColor, ActionAskCustomerName, ActionAskOrderConfirmed, ActionAskQuantity
from actions.handoff import ActionHandoffToHuman
from actions.session_start import ActionSessionStart
from inventory_db import events, message_log
from inventory_db.database import transaction
from tests.actions.conftest import make_tracker
from tests.actions.test_checkout import CUSTOMER, DOMAIN, ITEM, ROOT, run, settle, tracker

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def store(demo_store: sessionmaker, monkeypatch: pytest.MonkeyPatch) -> sessionmaker:
    monkeypatch.setenv("SHOP_POLICY_FILE", str(ROOT / "shop_policy.yml"))
    return demo_store


def recorded(store: sessionmaker, *kinds: str) -> list[events.EventInfo]:
    with transaction(store) as session:
        return events.history(session, kinds=kinds)


# -- conversation started ---------------------------------------------------------------


def new_session(sender: str, metadata: Any = None, earlier: Any = None) -> Tracker:
    """The tracker action_session_start gets: Rasa set the first message's metadata last, if any."""
    old = [{"event": "slot", "name": "session_started_metadata", "value": earlier}] if earlier else []
    now = [{"event": "slot", "name": "session_started_metadata", "value": metadata}] if metadata else []
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {},
            "latest_message": {},
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
            "events": [*old, {"event": "action", "name": "action_listen"}, *now],
        }
    )


async def test_each_session_start_is_a_conversation_started_from_where_the_channel_says(store: sessionmaker) -> None:
    with transaction(store) as session:  # an ad's referral Meta sent before the first message
        message_log.record_referral(session, "ig-ad-2", message_log.Referral("ADS", "OPEN_THREAD", "winter", "ad-5", 7))
    starts = {
        "rest-1": None,  # REST: no metadata
        "ig-post": {"instagram": {"mid": "m1"}, "product_code": "B-21", "product_source": "post"},
        "ig-ad": {
            "product_source": "ad",
            "referral": {"source": "ADS", "type": "OPEN_THREAD", "ref": "spring", "ad_id": "ad-77"},
        },
        "ig-ad-2": {"product_source": "ad"},
        "ig-plain": {"instagram": {"mid": "m2"}},
    }
    for sender, metadata in starts.items():
        await ActionSessionStart().run(CollectingDispatcher(), new_session(sender, metadata), DOMAIN)
    # A later session with no metadata is direct, whatever the earlier session came from.
    later = new_session("ig-post", None, earlier=starts["ig-post"])
    await ActionSessionStart().run(CollectingDispatcher(), later, DOMAIN)
    started = [(e.customer_id, e.source, e.ref, e.ad_id, e.external) for e in recorded(store)]
    assert started == [
        ("rest-1", "direct", None, None, False),
        ("ig-post", "post", None, None, False),
        ("ig-ad", "ad", "spring", "ad-77", False),
        ("ig-ad-2", "ad", "winter", "ad-5", False),
        ("ig-plain", "direct", None, None, False),
        ("ig-post", "direct", None, None, False),
    ]


# -- inquiry and fallback -------------------------------------------------------------------


async def answer(text: str, **kwargs: Any) -> list[str]:
    dispatcher = CollectingDispatcher()
    await ActionAnswerProductQuery().run(dispatcher, make_tracker(text, **kwargs), {})
    return [m["response"] for m in dispatcher.messages]


async def test_a_product_answer_is_one_inquiry_saying_how_many_were_left(store: sessionmaker) -> None:
    await answer("B-21 مشکی L دارید؟", entities=[("product_code", "B-21"), ("color", "black"), ("size", "L")])
    await answer("B-21 سرمه‌ای لارج دارین؟", entities=[("product_code", "B-21"), ("color", "navy"), ("size", "L")])
    await answer("قیمت شال SH-12 چنده؟", entities=[("product_code", "SH-12")])
    await answer("کد Q-404 موجوده؟", entities=[("product_code", "Q-404")])  # no such product: no inquiry
    inquiries = [(e.customer_id, e.product_code, e.color, e.size, e.available) for e in recorded(store)]
    assert inquiries == [
        ("customer-1", "B-21", "black", "L", 3),
        ("customer-1", "B-21", "navy", "L", 0),  # asked while none was left
        ("customer-1", "SH-12", None, None, 24),  # 10 cream, 6 gray, 8 black
    ]


async def test_a_message_not_understood_is_one_fallback_with_its_normalised_text(store: sessionmaker) -> None:
    assert await answer("ASDF   qwer ۰۹۱۲۳۴۵۶۷۸۹", intent="nlu_fallback", entities=[]) == ["utter_default"]
    assert await answer("سلام. برای شلوار جین راسته پیام دادم", intent="nlu_fallback", entities=[]) != ["utter_default"]
    assert await answer("سلام", intent="greet", entities=[]) == ["utter_ask_product"]  # understood: no fallback
    assert [(e.kind, e.text) for e in recorded(store, events.FALLBACK)] == [("fallback", "asdf qwer #")]
    assert [e.product_code for e in recorded(store, events.INQUIRY)] != []  # the product it named was answered


async def test_the_answer_is_given_when_the_event_cannot_be_recorded(
    store: sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("INSERT INTO business_events", {}, Exception("disk full"))

    monkeypatch.setattr(events, "record", broken)
    dispatcher = CollectingDispatcher()
    asked = make_tracker("B-21 مشکی L؟", entities=[("product_code", "B-21"), ("color", "black"), ("size", "L")])
    result = await ActionAnswerProductQuery().run(dispatcher, asked, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_variant_available", "utter_offer_to_order"]
    assert {e["name"]: e["value"] for e in result}["product_code"] == "B-21"


# -- checkout steps -----------------------------------------------------------------------


async def test_a_question_asked_the_first_time_is_a_checkout_step(store: sessionmaker) -> None:
    item = {"product_code": "B-21", "color": None, "size": "L"}
    await run(ActionAskColor(), tracker(item))
    await run(ActionAskColor(), tracker({**item, "checkout_retries": 1}))  # asked again: not a new step
    await run(ActionAskQuantity(), tracker({**item, "color": "black"}))
    await run(ActionAskCustomerName(), tracker({}))
    await run(ActionAskColor(), tracker({"product_code": "Q-404"}))  # asks for the product instead
    steps = [(e.step, e.customer_id) for e in recorded(store)]
    assert steps == [("color", "ig-1"), ("quantity", "ig-1"), ("customer_name", "ig-1")]


async def test_showing_the_summary_is_the_summary_step(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    await run(ActionAskOrderConfirmed(), tracker({**ITEM, "reservation_id": None, **CUSTOMER}))  # nothing held
    messages, _, _ = await run(ActionAskOrderConfirmed(), tracker({**ITEM, "reservation_id": held, **CUSTOMER}))
    assert messages[0]["response"] == "utter_order_summary"
    assert [e.step for e in recorded(store, events.CHECKOUT_STEP)] == [events.SUMMARY_SHOWN]


# -- the store's events, caused by an action's one call --------------------------------------


async def test_a_confirmed_order_a_restock_request_and_a_handoff_are_one_event_each(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    confirmed = {**ITEM, "reservation_id": held, **CUSTOMER, "product_source": "reel", "order_confirmed": True}
    await run(ActionPlaceOrder(), tracker(confirmed))
    await run(ActionPlaceOrder(), tracker(confirmed))  # the confirmation arrived twice
    slots = {"product_code": "B-21", "color": "navy", "size": "L"}
    for _ in range(2):
        notice = make_tracker("خبرم کنید", "notify_when_back", slots=slots)
        await ActionRequestRestockNotice().run(CollectingDispatcher(), notice, {})
        person = tracker({}, text="آدم میخوام", intent="request_human")
        await ActionHandoffToHuman().run(CollectingDispatcher(), person, DOMAIN)
    summary = [(e.kind, e.customer_id, e.order_number, e.amount, e.source) for e in recorded(store)]
    assert summary == [
        ("hold_placed", "ig-1", None, 2_500_000, None),
        ("order_placed", "ig-1", 1001, 2_560_000, "reel"),
        ("restock_requested", "customer-1", None, None, None),
        ("handoff_requested", "ig-1", None, None, None),
    ]
