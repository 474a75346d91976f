"""Cancelling after checkout asks first, names the order, and cancels exactly that one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rasa_sdk import Tracker
from sqlalchemy.orm import Session, sessionmaker

from actions.cancel_order import ActionAskCancelOrder, ActionCancelOrder, ActionKeepOrder
from inventory_db import order_states, orders
from inventory_db.database import transaction
from inventory_db.orders import Customer, ItemRequest
from tests.actions.test_checkout import available, responses, run

pytestmark = pytest.mark.asyncio


@pytest.fixture
def store(demo_store: sessionmaker) -> sessionmaker:
    return demo_store


def place(store: sessionmaker, customer_id: str, size: str = "L", quantity: int = 1) -> int:
    with transaction(store) as session:
        return _place(session, customer_id, size, quantity)


def _place(session: Session, customer_id: str, size: str, quantity: int) -> int:
    customer = Customer(customer_id, "مریم احمدی", "+989121234567", "تهران، ولیعصر ۱۲")
    key = f"{customer_id}-{size}-{quantity}"
    item = ItemRequest("B-21", "black", size, quantity)
    return orders.place_order(session, key, customer, items=[item], shipping_method="post", actor="test").number


def status(store: sessionmaker, number: int) -> str:
    with transaction(store) as session:
        return orders.get_order(session, number).status


def chat(
    text: str = "سفارشمو کنسل کن",
    intent: str = "cancel",
    order_number: str | None = None,
    slots: dict[str, Any] | None = None,
    sender: str = "ig-1",
    language: str = "fa",
) -> Tracker:
    """The customer's latest message outside the checkout."""
    entities = [{"entity": "order_number", "value": order_number}] if order_number else []
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {
                "language": language,
                "order_number": order_number,
                "cancel_step": None,
                "order_to_cancel": None,
                **(slots or {}),
            },
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": entities},
            "events": [],
            "active_loop": {},
            "latest_action_name": "action_listen",
            "paused": False,
            "followup_action": None,
        }
    )


async def test_the_question_names_the_order_with_yes_and_no(store: sessionmaker) -> None:
    number = place(store, "ig-1")
    messages, slots, _ = await run(ActionAskCancelOrder(), chat())
    assert responses(messages) == ["utter_confirm_cancel_order"]
    assert messages[0]["order_number"] == "۱۰۰۱"
    assert messages[0]["items"] == "۱ × مانتو کتان B-21 مشکی L" and messages[0]["total"] == "۱٬۲۵۰٬۰۰۰ تومان"
    assert slots == {"cancel_step": "confirm", "order_to_cancel": str(number)}
    assert status(store, number) == order_states.AWAITING_PAYMENT  # asking changes nothing

    messages, _, _ = await run(ActionAskCancelOrder(), chat("cancel my order", language="en"))
    assert (messages[0]["items"], messages[0]["total"]) == ("1 × Linen manteau B-21 black L", "1,250,000 toman")


async def test_yes_cancels_exactly_the_order_named(store: sessionmaker) -> None:
    keep = place(store, "ig-1", size="M")
    drop = place(store, "ig-1", quantity=2)
    assert available(store, "B-21", "black", "L") == 1
    pending = {"cancel_step": "confirm", "order_to_cancel": str(drop)}
    messages, slots, _ = await run(ActionCancelOrder(), chat("/affirm", "affirm", slots=pending))
    assert responses(messages) == ["utter_order_cancelled"] and messages[0]["order_number"] == "۱۰۰۲"
    assert slots == {"cancel_step": None, "order_to_cancel": None, "order_number": str(drop)}
    assert (status(store, drop), status(store, keep)) == (order_states.CANCELLED, order_states.AWAITING_PAYMENT)
    assert available(store, "B-21", "black", "L") == 3


async def test_no_keeps_the_order_and_says_so(store: sessionmaker) -> None:
    number = place(store, "ig-1")
    pending = {"cancel_step": "confirm", "order_to_cancel": str(number)}
    messages, slots, _ = await run(ActionKeepOrder(), chat("نه", "deny", slots=pending))
    assert responses(messages) == ["utter_order_kept"] and messages[0]["order_number"] == "۱۰۰۱"
    assert slots == {"cancel_step": None, "order_to_cancel": None, "order_number": str(number)}
    assert status(store, number) == order_states.AWAITING_PAYMENT
    messages, slots, _ = await run(ActionKeepOrder(), chat("نه", "deny", slots={"cancel_step": "choose"}))
    assert responses(messages) == ["utter_nothing_cancelled"] and slots == {
        "cancel_step": None,
        "order_to_cancel": None,
    }


async def test_someone_elses_order_number_is_answered_as_such_never_replaced(store: sessionmaker) -> None:
    mine = place(store, "ig-1")
    theirs = place(store, "ig-2")
    for number in (str(theirs), "9999"):
        messages, slots, _ = await run(ActionAskCancelOrder(), chat(f"سفارش {number} رو کنسل کن", order_number=number))
        assert responses(messages) == ["utter_order_not_among_yours"]
        assert messages[0]["order_number"] == ("۱۰۰۲" if number == str(theirs) else "۹۹۹۹")
        assert slots == {"cancel_step": None, "order_to_cancel": None}
    assert (status(store, mine), status(store, theirs)) == (order_states.AWAITING_PAYMENT,) * 2


async def test_no_open_order_is_said_and_nothing_is_asked(store: sessionmaker) -> None:
    messages, slots, _ = await run(ActionAskCancelOrder(), chat())
    assert responses(messages) == ["utter_no_order_to_cancel"]
    assert slots == {"cancel_step": None, "order_to_cancel": None}
    place(store, "ig-2")  # another customer's order is not theirs to cancel
    messages, _, _ = await run(ActionAskCancelOrder(), chat())
    assert responses(messages) == ["utter_no_order_to_cancel"]


async def test_several_open_orders_ask_which_with_a_button_each(store: sessionmaker) -> None:
    first = place(store, "ig-1")
    second = place(store, "ig-1", size="M", quantity=2)
    messages, slots, _ = await run(ActionAskCancelOrder(), chat())
    assert responses(messages) == ["utter_which_order_to_cancel"]
    assert messages[0]["orders"].splitlines() == [
        "۱۰۰۲: ۲ × مانتو کتان B-21 مشکی M، ۲٬۵۰۰٬۰۰۰ تومان",
        "۱۰۰۱: ۱ × مانتو کتان B-21 مشکی L، ۱٬۲۵۰٬۰۰۰ تومان",
    ]
    buttons = messages[0]["buttons"]
    assert [b["title"] for b in buttons] == ["۱۰۰۲", "۱۰۰۱"]
    assert json.loads(buttons[1]["payload"].removeprefix("/cancel")) == {"order_number": str(first)}
    assert slots == {"cancel_step": "choose", "order_to_cancel": None}

    # The tap: "/cancel{"order_number": "1001"}", or the number typed in answer.
    for text, intent, entity in ((buttons[1]["payload"], "cancel", str(first)), ("۱۰۰۲", "inform", None)):
        messages, slots, _ = await run(
            ActionAskCancelOrder(), chat(text, intent, order_number=entity, slots={"cancel_step": "choose"})
        )
        assert responses(messages) == ["utter_confirm_cancel_order"]
        assert slots["order_to_cancel"] == (str(first) if entity else str(second))


async def test_a_paid_order_is_not_asked_about_but_left_to_the_owner(store: sessionmaker) -> None:
    number = place(store, "ig-1")
    with transaction(store) as session:
        orders.mark_paid(session, number, actor="owner")
    messages, slots, _ = await run(ActionAskCancelOrder(), chat())
    assert responses(messages) == ["utter_order_cannot_cancel"] and slots["cancel_step"] is None
    # Paid between the question and the yes: still not cancelled by the customer.
    pending = {"cancel_step": "confirm", "order_to_cancel": str(number)}
    messages, _, _ = await run(ActionCancelOrder(), chat("آره", "affirm", slots=pending))
    assert responses(messages) == ["utter_order_cannot_cancel"]
    assert status(store, number) == order_states.PAID


async def test_cancel_it_after_asking_about_an_order_means_that_order(store: sessionmaker) -> None:
    first = place(store, "ig-1")
    place(store, "ig-1", size="M")
    messages, slots, _ = await run(ActionAskCancelOrder(), chat("کنسلش کن", slots={"order_number": str(first)}))
    assert responses(messages) == ["utter_confirm_cancel_order"] and slots["order_to_cancel"] == str(first)


async def test_yes_with_no_question_pending_asks_it(store: sessionmaker) -> None:
    number = place(store, "ig-1")
    messages, slots, _ = await run(ActionCancelOrder(), chat("آره", "affirm"))
    assert responses(messages) == ["utter_confirm_cancel_order"]
    assert status(store, number) == order_states.AWAITING_PAYMENT
