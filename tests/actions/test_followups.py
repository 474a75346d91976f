"""The assistant's side of a follow-up: the worker's turn words the follow-up it names, in the
customer's language, with buttons that carry the order on; a stray or foreign id says nothing;
a tapped score and a comment land in the store for the owner's report."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest
from rasa_sdk import Tracker
from sqlalchemy.orm import sessionmaker

from actions.followups import ActionRecordRating, ActionSaveRatingComment, ActionSendFollowup
from inventory_db import due_work, orders, ratings
from inventory_db.database import transaction
from tests.actions.test_checkout import responses, run
from tests.inventory_db.helpers import item, place

pytestmark = pytest.mark.asyncio

NOW = datetime.now(timezone.utc)
MANTEAU = {"code": "B-21", "name_fa": "مانتو کتان", "name_en": "Linen manteau", "color": "black", "size": "L"}


def turn(
    sender: str,
    intent: str,
    entities: dict[str, str],
    language: str = "fa",
    active_loop: str | None = None,
    slots: dict[str, Any] | None = None,
) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {"language": language, **(slots or {})},
            "latest_message": {
                "text": f"/{intent}",
                "intent": {"name": intent, "confidence": 1.0},
                "entities": [{"entity": name, "value": value} for name, value in entities.items()],
            },
            "events": [],
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
            "paused": False,
            "followup_action": None,
        }
    )


def scheduled(store: sessionmaker, kind: str, customer: str, payload: dict[str, Any]) -> int:
    with transaction(store) as session:
        found = due_work.schedule(session, kind, f"test:{customer}:{kind}", customer, NOW, payload=payload)
        assert found is not None
        return found.id


async def test_a_checkout_reminder_names_the_item_and_closes_the_checkout_left_open(demo_store: sessionmaker) -> None:
    item_id = scheduled(demo_store, due_work.ABANDONED_CHECKOUT, "ig-1", {**MANTEAU, "quantity": 2, "unit_price": 1})
    tracker = turn("ig-1", "EXTERNAL_checkout_reminder", {"followup_id": str(item_id)}, active_loop="checkout_form")
    messages, slots, events = await run(ActionSendFollowup(), tracker)
    assert responses(messages) == ["utter_followup_abandoned_checkout"]
    assert messages[0]["item"] == "مانتو کتان (کد B-21) رنگ مشکی سایز L"
    (button,) = messages[0]["buttons"]
    assert button["title"] == "ادامهٔ خرید"
    assert json.loads(button["payload"].removeprefix("/order_product")) == {
        "product_code": "B-21", "color": "black", "size": "L", "quantity": "2"
    }  # fmt: skip
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)
    assert slots["requested_slot"] is None and slots["product_code"] is None


async def test_a_back_in_stock_notice_in_english_offers_to_order(demo_store: sessionmaker) -> None:
    item_id = scheduled(demo_store, due_work.BACK_IN_STOCK, "ig-2", {**MANTEAU, "unit_price": 1250000})
    messages, _, events = await run(
        ActionSendFollowup(), turn("ig-2", "EXTERNAL_followup", {"followup_id": str(item_id)}, language="en")
    )
    assert responses(messages) == ["utter_followup_back_in_stock"]
    assert (messages[0]["item"], messages[0]["price"]) == ("Linen manteau (B-21) in black, size L", "1,250,000 toman")
    assert [b["title"] for b in messages[0]["buttons"]] == ["I'll order it"]
    assert events == []  # a checkout in progress goes on


async def test_a_rating_question_offers_five_scores(demo_store: sessionmaker) -> None:
    item_id = scheduled(demo_store, due_work.RATING, "ig-3", {"order_number": 1042})
    messages, _, _ = await run(ActionSendFollowup(), turn("ig-3", "EXTERNAL_followup", {"followup_id": str(item_id)}))
    assert messages[0]["order_number"] == "۱۰۴۲"
    payloads = [json.loads(b["payload"].removeprefix("/rate_order")) for b in messages[0]["buttons"]]
    assert payloads == [{"rating": str(n), "order_number": "1042"} for n in range(1, 6)]
    assert [b["title"] for b in messages[0]["buttons"]][-1] == "⭐ ۵"


async def test_someone_elses_or_an_unknown_follow_up_says_nothing(demo_store: sessionmaker) -> None:
    item_id = scheduled(demo_store, due_work.SHIPPED, "ig-4", {"order_number": 7, "tracking_code": "X1"})
    for tracker in (
        turn("ig-5", "EXTERNAL_followup", {"followup_id": str(item_id)}),  # not ig-5's
        turn("ig-4", "EXTERNAL_followup", {"followup_id": "999999"}),
        turn("ig-4", "EXTERNAL_followup", {}),
    ):
        assert await run(ActionSendFollowup(), tracker) == ([], {}, [])


def delivered_order(store: sessionmaker, customer: str) -> int:
    who = orders.Customer(customer, "علی رضایی", "09121234567", "تهران، خیابان آزادی، پلاک ۱", None)
    placed = place(store, f"rate-{customer}", who, items=[item("SH-12", "gray", "free")])
    with transaction(store) as session:
        orders.mark_paid(session, placed.number, "owner")
        orders.ship(session, placed.number, "RR1", "owner")
        orders.deliver(session, placed.number, "owner")
    return placed.number


async def test_a_tapped_score_and_a_comment_are_kept_for_the_report(demo_store: sessionmaker) -> None:
    number = delivered_order(demo_store, "ig-6")
    tapped = turn("ig-6", "rate_order", {"rating": "4", "order_number": str(number)})
    messages, slots, _ = await run(ActionRecordRating(), tapped)
    assert responses(messages) == ["utter_rating_thanks"] and slots == {"order_number": str(number)}
    assert json.loads(messages[0]["buttons"][0]["payload"].removeprefix("/add_rating_comment")) == {
        "order_number": str(number)
    }
    written = turn("ig-6", "inform", {}, slots={"order_number": str(number), "rating_comment": "جنسش عالی بود"})
    messages, slots, _ = await run(ActionSaveRatingComment(), written)
    assert responses(messages) == ["utter_rating_comment_saved"] and slots == {"rating_comment": None}
    with transaction(demo_store) as session:
        kept = ratings.get_rating(session, number)
    assert kept is not None and (kept.score, kept.comment) == (4, "جنسش عالی بود")


async def test_a_score_for_someone_elses_order_is_refused(demo_store: sessionmaker) -> None:
    number = delivered_order(demo_store, "ig-7")
    messages, _, _ = await run(
        ActionRecordRating(), turn("ig-8", "rate_order", {"rating": "5", "order_number": str(number)})
    )
    assert responses(messages) == ["utter_rating_unknown_order"]
    with transaction(demo_store) as session:
        assert ratings.get_rating(session, number) is None
