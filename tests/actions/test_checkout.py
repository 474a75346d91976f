"""The checkout form's actions against a real SQLite store with the demo catalog.

The validation action gets the tracker Rasa builds for it: the customer's message,
then the form's own execution, and the slot the form is waiting for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from actions.cancel_order import ActionAskCancelOrder, ActionCancelOrder
from actions.checkout import ActionCancelCheckout, ActionPlaceOrder
from actions.checkout_form import ValidateCheckoutForm
from actions.checkout_questions import (
    ActionAskColor,
    ActionAskCustomerName,
    ActionAskOrderConfirmed,
    ActionAskQuantity,
    ActionAskShippingMethod,
    ActionAskSize,
)
from actions.orders import ActionOrderStatus
from actions.policy import ActionAnswerPolicy
from inventory_db import orders, stock
from inventory_db.database import transaction
from inventory_db.models import Product

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
CUSTOMER = {
    "customer_name": "مریم احمدی",
    "phone": "+989121234567",
    "address": "تهران، خیابان ولیعصر، پلاک ۱۲",
    "postal_code": "-",
    "shipping_method": "post",
}
ITEM = {"product_code": "B-21", "color": "black", "size": "L", "quantity": "2"}


@pytest.fixture(autouse=True)
def store(demo_store: sessionmaker, monkeypatch: pytest.MonkeyPatch) -> sessionmaker:
    monkeypatch.setenv("SHOP_POLICY_FILE", str(ROOT / "shop_policy.yml"))
    return demo_store


def tracker(
    slots: dict[str, Any],
    text: str = "",
    requested: str | None = None,
    intent: str = "inform",
    entities: dict[str, str] | None = None,
    sender: str = "ig-1",
    before_form: str = "action_listen",
    metadata: dict[str, Any] | None = None,
    in_checkout: bool = True,
) -> Tracker:
    """A tracker mid-checkout: ``slots`` known, the customer just wrote ``text`` while ``requested`` was asked."""
    all_slots = {"language": "fa", "requested_slot": requested, "reservation_id": None, "checkout_retries": 0, **slots}
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": all_slots,
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 0.9},
                "entities": [{"entity": e, "value": v} for e, v in (entities or {}).items()],
                "metadata": metadata or {},
            },
            "events": [
                {"event": "action", "name": "action_listen"},
                {"event": "user", "text": text},
                *([] if before_form == "action_listen" else [{"event": "action", "name": before_form}]),
                {"event": "action", "name": "checkout_form"},
            ],
            "active_loop": {"name": "checkout_form"} if in_checkout else {},
            "latest_action_name": "checkout_form",
            "paused": False,
            "followup_action": None,
        }
    )


async def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, DOMAIN)
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, events


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [m["response"] for m in messages]


def available(store: sessionmaker, code: str, color: str, size: str) -> int:
    with transaction(store) as session:
        return stock.available_units(session, stock.find_variant(session, code, color, size))


async def settle(store: sessionmaker, sender: str = "ig-1", quantity: str = "2", size: str = "L") -> dict[str, Any]:
    """The checkout starts with the item already known (from the product question): it is held."""
    _, slots, _ = await run(
        ValidateCheckoutForm(),
        tracker({**ITEM, "quantity": quantity, "size": size}, "میخوام", sender=sender, intent="order_product"),
    )
    return slots


async def test_settled_item_is_held_as_the_checkout_starts(store: sessionmaker) -> None:
    slots = await settle(store)
    assert slots["reservation_id"] is not None and slots["product_source"] == "direct"
    assert available(store, "B-21", "black", "L") == 1


async def test_the_opening_message_already_says_how_many(store: sessionmaker) -> None:
    _, slots, _ = await run(
        ValidateCheckoutForm(), tracker({"product_code": "B-21", "color": "black", "size": "L"}, "2 ta mikham")
    )
    assert slots["quantity"] == "2" and slots["reservation_id"] is not None


@pytest.mark.parametrize(
    "text, quantity",
    [
        ("2", "2"),
        ("۳", "3"),
        ("دو", "2"),
        ("دوتا", "2"),
        ("se ta", "3"),
        ("chahar", "4"),
        ("just two", "2"),
        ("one", "1"),
        ("یکی", "1"),
    ],
)
async def test_a_bare_answer_to_how_many_is_the_quantity(store: sessionmaker, text: str, quantity: str) -> None:
    item = {key: value for key, value in ITEM.items() if key != "quantity"}
    item["size"] = "M"
    messages, slots, _ = await run(ValidateCheckoutForm(), tracker(item, text, requested="quantity"))
    assert slots["quantity"] == quantity and slots["reservation_id"] is not None
    assert slots["checkout_retries"] == 0 and messages == []


async def test_a_button_payload_answers_with_its_entities(store: sessionmaker) -> None:
    _, slots, _ = await run(
        ValidateCheckoutForm(),
        tracker(
            {"product_code": "B-21", "color": "black"}, '/inform{"size": "M"}', requested="size", entities={"size": "M"}
        ),
    )
    assert slots["size"] == "M"


async def test_more_than_available_is_never_held(store: sessionmaker) -> None:
    item = {key: value for key, value in ITEM.items() if key != "quantity"}
    messages, slots, _ = await run(ValidateCheckoutForm(), tracker(item, "5", requested="quantity"))
    assert [(m["response"], m.get("available")) for m in messages] == [("utter_only_n_left", "۳")]
    assert slots["quantity"] is None and slots["reservation_id"] is None
    assert available(store, "B-21", "black", "L") == 3


async def test_more_than_one_order_may_hold_is_refused_with_the_limit(store: sessionmaker) -> None:
    item = {key: value for key, value in ITEM.items() if key != "quantity"}
    messages, slots, _ = await run(ValidateCheckoutForm(), tracker(item, "25", requested="quantity"))
    assert [(m["response"], m.get("max")) for m in messages] == [("utter_quantity_over_limit", "۲۰")]
    assert slots["quantity"] is None and slots["checkout_retries"] == 1


async def test_colour_not_in_stock_is_refused_and_in_stock_ones_offered(store: sessionmaker) -> None:
    messages, slots, _ = await run(
        ValidateCheckoutForm(), tracker({"product_code": "R-7", "size": "free"}, "سبزشو میخوام", requested="color")
    )
    assert slots["color"] is None and responses(messages) == ["utter_color_not_in_stock"]
    messages, _, _ = await run(ActionAskColor(), tracker({"product_code": "R-7"}))
    assert [b["title"] for b in messages[0]["buttons"]] == ["قرمز", "سرمه‌ای"]
    assert messages[0]["buttons"][0]["payload"] == '/inform{"color": "red"}'
    messages, _, _ = await run(ActionAskSize(), tracker({"product_code": "B-21", "color": "navy"}))
    assert (messages[0]["response"], messages[0]["options"]) == ("utter_ask_size", "XL")
    assert [b["payload"] for b in messages[0]["buttons"]] == ['/inform{"size": "XL"}']
    messages, _, _ = await run(ActionAskSize(), tracker({"product_code": "K-40", "color": "white"}))
    assert messages[0]["options"] == "۳۷ و ۳۸"


async def test_quantity_buttons_go_up_to_what_is_left() -> None:
    messages, _, _ = await run(ActionAskQuantity(), tracker({"product_code": "B-21", "color": "black", "size": "L"}))
    assert [b["payload"] for b in messages[0]["buttons"]] == [f'/inform{{"quantity": "{n}"}}' for n in (1, 2, 3)]
    assert [b["title"] for b in messages[0]["buttons"]] == ["۱", "۲", "۳"]


async def test_a_single_colour_and_size_are_not_asked() -> None:
    _, slots, _ = await run(ValidateCheckoutForm(), tracker({}, "r7", requested="product_code"))
    assert slots["product_code"] == "R-7" and slots["size"] == "free" and slots["color"] is None


async def test_a_product_named_by_its_catalog_name_is_taken_and_said() -> None:
    messages, slots, _ = await run(ValidateCheckoutForm(), tracker({}, "همون شال نخی", requested="product_code"))
    assert slots["product_code"] == "SH-12" and slots["size"] == "free"
    assert responses(messages) == ["utter_product_chosen"]


async def test_correcting_the_size_while_asked_for_the_name_moves_the_hold(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    before = {**ITEM, "reservation_id": held}
    messages, slots, _ = await run(
        ValidateCheckoutForm(), tracker(before, "نه ببخشید، سایز M", requested="customer_name")
    )
    assert slots["size"] == "M" and "customer_name" not in slots
    assert slots["reservation_id"] not in (None, held)
    assert responses(messages) == ["utter_item_changed"] and "M" in messages[0]["changes"]
    assert available(store, "B-21", "black", "L") == 3
    assert available(store, "B-21", "black", "M") == 2


async def test_a_quantity_correction_is_never_taken_for_the_name(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    messages, slots, _ = await run(
        ValidateCheckoutForm(),
        tracker({**ITEM, "reservation_id": held}, "ببخشید، سه تا کافیه", requested="customer_name"),
    )
    assert slots["quantity"] == "3" and "customer_name" not in slots
    assert responses(messages) == ["utter_item_changed"]
    assert available(store, "B-21", "black", "L") == 0


async def test_changing_the_colour_at_the_summary_keeps_what_fits(store: sessionmaker) -> None:
    held = (await settle(store, size="M"))["reservation_id"]
    item = {**ITEM, "size": "M", "reservation_id": held, **CUSTOMER}
    _, slots, _ = await run(
        ValidateCheckoutForm(),
        tracker(item, "change the colour to cream", requested="order_confirmed", intent="inform"),
    )
    assert slots["color"] == "cream" and slots.get("order_confirmed") is None
    assert available(store, "B-21", "cream", "M") == 0 and available(store, "B-21", "black", "M") == 4


async def test_an_unusable_answer_is_asked_again_with_an_example_then_a_person_is_offered() -> None:
    _, slots, events = await run(
        ValidateCheckoutForm(), tracker({}, "09121234567", requested="customer_name", intent="inform")
    )
    assert slots == {"customer_name": None, "checkout_retries": 1}
    assert not any(e.get("event") == "action_execution_rejected" for e in events)
    messages, _, _ = await run(ActionAskCustomerName(), tracker({"checkout_retries": 0}))
    assert responses(messages) == ["utter_ask_customer_name"]
    messages, _, _ = await run(ActionAskCustomerName(), tracker({"checkout_retries": 1}))
    assert responses(messages) == ["utter_ask_customer_name_again"]
    messages, _, _ = await run(ActionAskCustomerName(), tracker({"checkout_retries": 2}))
    assert responses(messages) == ["utter_ask_customer_name_again"]
    messages, _, _ = await run(ActionAskCustomerName(), tracker({"checkout_retries": 3}))
    assert responses(messages) == ["utter_ask_customer_name_again", "utter_offer_human"]
    assert all(v["buttons"][0]["payload"] == "/request_human" for v in DOMAIN["responses"]["utter_offer_human"])


async def test_a_question_that_is_not_an_answer_goes_to_the_rules() -> None:
    _, _, events = await run(
        ValidateCheckoutForm(), tracker({}, "هزینه ارسال چقدره؟", requested="quantity", intent="ask_shipping")
    )
    assert [e["event"] for e in events] == ["action_execution_rejected"]
    _, _, events = await run(ValidateCheckoutForm(), tracker({}, "cancel it", requested="address", intent="cancel"))
    assert [e["event"] for e in events] == ["action_execution_rejected"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("دیگه پیام نده", "stop_messages"),
        ("/EXTERNAL_followup", "EXTERNAL_followup"),  # the shop's worker, not an answer
        ("/EXTERNAL_checkout_reminder", "EXTERNAL_checkout_reminder"),
    ],
)
async def test_stop_and_the_shops_own_follow_ups_are_never_read_as_the_name(text: str, intent: str) -> None:
    messages, _, events = await run(
        ValidateCheckoutForm(), tracker(ITEM, text, requested="customer_name", intent=intent)
    )
    assert [e["event"] for e in events] == ["action_execution_rejected"] and messages == []


async def test_back_from_a_digression_the_message_is_not_read_again() -> None:
    _, _, events = await run(
        ValidateCheckoutForm(),
        tracker(
            {}, "هزینه ارسال چقدره؟", requested="quantity", intent="ask_shipping", before_form="action_answer_policy"
        ),
    )
    assert events == []


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("۰۹۱۲ ۳۴۵ ۶۷۸۹", "+989123456789"),
        ("+98 935-111-2233", "+989351112233"),
        ("شمارم 00989121112233", "+989121112233"),
        ("سلام", None),
        ("12345", None),
    ],
)
async def test_mobile_numbers(raw: str, stored: str | None) -> None:
    _, slots, _ = await run(ValidateCheckoutForm(), tracker({}, raw, requested="phone"))
    assert slots["phone"] == stored
    assert slots["checkout_retries"] == (0 if stored else 1)


@pytest.mark.parametrize(
    "raw, stored", [("۱۳۱۴۵۶۷۸۹۰", "1314567890"), ("ندارم", "-"), ("I don't have one", "-"), ("123", None)]
)
async def test_postal_codes_are_optional(raw: str, stored: str | None) -> None:
    _, slots, _ = await run(ValidateCheckoutForm(), tracker({}, raw, requested="postal_code"))
    assert slots["postal_code"] == stored


async def test_names_addresses_and_shipping_are_read_from_natural_answers() -> None:
    _, slots, _ = await run(ValidateCheckoutForm(), tracker({}, "مریم احمدی", requested="customer_name"))
    assert slots["customer_name"] == "مریم احمدی"
    _, slots, _ = await run(ValidateCheckoutForm(), tracker({}, "تهران", requested="address"))
    assert slots["address"] is None
    _, slots, _ = await run(
        ValidateCheckoutForm(), tracker({}, "تهران، کوچه سبز، پلاک ۱۲، واحد ۳", requested="address")
    )
    assert slots["address"] == "تهران، کوچه سبز، پلاک ۱۲، واحد ۳" and "color" not in slots
    for text in ("با پیک بفرستید", "send it by courier please", "ba peyk lotfan"):
        _, slots, _ = await run(ValidateCheckoutForm(), tracker({}, text, requested="shipping_method"))
        assert slots["shipping_method"] == "courier", text
    messages, _, _ = await run(ActionAskShippingMethod(), tracker({}))
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        '/inform{"shipping_method": "post"}',
        '/inform{"shipping_method": "courier"}',
    ]


async def test_summary_then_one_order_even_when_confirmed_twice(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    slots = {**ITEM, "reservation_id": held, **CUSTOMER, "product_source": "post"}
    messages, _, _ = await run(ActionAskOrderConfirmed(), tracker(slots))
    assert messages[0]["response"] == "utter_order_summary"
    assert messages[0]["total"] == "۲٬۵۶۰٬۰۰۰ تومان" and messages[0]["shipping_fee"] == "۶۰٬۰۰۰ تومان"
    for variation in DOMAIN["responses"]["utter_order_summary"]:
        assert [b["payload"] for b in variation["buttons"]] == ["/affirm", "/deny", "/cancel"]
    _, answered, _ = await run(ValidateCheckoutForm(), tracker(slots, "are dorose", requested="order_confirmed"))
    assert answered["order_confirmed"] is True

    confirmed = {**slots, "order_confirmed": True}
    first, after, _ = await run(ActionPlaceOrder(), tracker(confirmed))
    again, _, _ = await run(ActionPlaceOrder(), tracker(confirmed))
    assert responses(first) == ["utter_order_placed", "utter_pay_card_to_card"]
    assert first[0]["order_number"] == again[0]["order_number"] == "۱۰۰۱"
    assert first[1]["card_number"] == "6037-9900-0000-0000" and first[1]["total"] == "۲٬۵۶۰٬۰۰۰ تومان"
    assert after["reservation_id"] is None and after["order_confirmed"] is None and after["order_number"] == "1001"
    with transaction(store) as session:
        placed = orders.list_orders(session)
    assert len(placed) == 1
    assert (placed[0].phone, placed[0].total, placed[0].items[0].quantity, placed[0].source) == (
        "+989121234567",
        2560000,
        2,
        "post",
    )
    assert available(store, "B-21", "black", "L") == 1


async def test_no_at_the_summary_asks_what_to_change() -> None:
    _, slots, _ = await run(ValidateCheckoutForm(), tracker({}, "نه", requested="order_confirmed", intent="deny"))
    assert slots == {"order_confirmed": None, "checkout_retries": 1}
    messages, _, _ = await run(ActionAskOrderConfirmed(), tracker({"checkout_retries": 1}))
    assert responses(messages) == ["utter_ask_order_confirmed_again"]


async def test_cancelling_mid_checkout_gives_the_units_back(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    messages, slots, _ = await run(ActionCancelCheckout(), tracker({"reservation_id": held}, intent="cancel"))
    assert responses(messages) == ["utter_checkout_cancelled"]
    assert slots["reservation_id"] is None and slots["product_code"] is None
    assert available(store, "B-21", "black", "L") == 3


async def test_two_customers_racing_for_the_last_unit(store: sessionmaker) -> None:
    first = await settle(store, sender="ig-a", quantity="1", size="XL")
    assert first["reservation_id"] is not None
    messages, _, _ = await run(
        ValidateCheckoutForm(), tracker({**ITEM, "size": "XL", "quantity": "1"}, "میخوام", sender="ig-b")
    )
    assert responses(messages) == ["utter_size_not_in_stock"]
    assert available(store, "B-21", "black", "XL") == 0


async def test_a_product_taken_off_sale_mid_checkout_gets_a_reply_and_is_asked_again(store: sessionmaker) -> None:
    with transaction(store) as session:
        session.execute(update(Product).where(Product.code == "B-21").values(active=False))
    messages, slots, _ = await run(ValidateCheckoutForm(), tracker({**ITEM}, "مریم احمدی", requested="customer_name"))
    assert responses(messages) and slots["product_code"] is None
    assert all(slots[name] is None for name in ("product_code", "color", "size", "reservation_id"))


async def test_when_will_it_arrive_mid_checkout_is_the_delivery_time() -> None:
    messages, _, _ = await run(ActionOrderStatus(), tracker({}, "کی میرسه دستم؟", intent="ask_order_status"))
    assert messages[0]["response"] == "utter_policy" and "پیک" in messages[0]["text"]


async def test_order_status_and_cancelling_an_unpaid_order(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    slots = {**ITEM, "reservation_id": held, **CUSTOMER, "order_confirmed": True}
    await run(ActionPlaceOrder(), tracker(slots))
    messages, _, _ = await run(ActionOrderStatus(), tracker({}, intent="ask_order_status", in_checkout=False))
    assert (messages[0]["response"], messages[0]["status"]) == ("utter_order_status", "در انتظار پرداخت")
    messages, _, _ = await run(
        ActionOrderStatus(), tracker({}, intent="ask_order_status", sender="someone-else", in_checkout=False)
    )
    assert messages[0]["response"] == "utter_no_order"  # never another customer's order
    asked = tracker({"order_number": "1001"}, intent="ask_order_status", sender="someone-else", in_checkout=False)
    messages, slots, _ = await run(ActionOrderStatus(), asked)
    assert (messages[0]["response"], messages[0]["order_number"]) == ("utter_order_not_among_yours", "۱۰۰۱")
    assert slots["order_number"] is None
    mine = tracker({"order_number": "1002"}, intent="ask_order_status", in_checkout=False)
    messages, _, _ = await run(ActionOrderStatus(), mine)  # a number that is not theirs, not their latest instead
    assert messages[0]["response"] == "utter_order_not_among_yours"
    messages, slots, _ = await run(ActionAskCancelOrder(), tracker({}, intent="cancel", in_checkout=False))
    assert messages[0]["response"] == "utter_confirm_cancel_order"  # asks first
    messages, _, _ = await run(ActionCancelOrder(), tracker(slots, intent="affirm", in_checkout=False))
    assert messages[0]["response"] == "utter_order_cancelled"
    assert available(store, "B-21", "black", "L") == 3


async def test_shipped_orders_show_tracking_and_cannot_be_cancelled(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    slots = {**ITEM, "reservation_id": held, **CUSTOMER, "order_confirmed": True}
    await run(ActionPlaceOrder(), tracker(slots))
    with transaction(store) as session:
        orders.mark_paid(session, 1001, actor="owner")
        orders.ship(session, 1001, "TRK123", actor="owner")
    messages, _, _ = await run(ActionOrderStatus(), tracker({}, intent="ask_order_status", in_checkout=False))
    assert (messages[0]["response"], messages[0]["tracking_code"]) == ("utter_order_shipped", "TRK123")
    messages, _, _ = await run(ActionAskCancelOrder(), tracker({}, intent="cancel", in_checkout=False))
    assert messages[0]["response"] == "utter_order_cannot_cancel"


async def test_policy_answers_come_from_the_policy_file() -> None:
    messages, _, _ = await run(ActionAnswerPolicy(), tracker({}, intent="ask_returns"))
    assert "۷ روز" in messages[0]["text"]
    messages, _, _ = await run(ActionAnswerPolicy(), tracker({"language": "en"}, intent="ask_shipping"))
    assert "express post" in messages[0]["text"]


def test_every_form_slot_has_a_validator_a_question_and_an_example() -> None:
    responses_, actions = set(DOMAIN["responses"]), set(DOMAIN["actions"])
    for slot in DOMAIN["forms"]["checkout_form"]["required_slots"]:
        assert callable(getattr(ValidateCheckoutForm, f"validate_{slot}", None)), slot
        assert f"action_ask_{slot}" in actions, slot
        assert f"utter_ask_{slot}_again" in responses_, slot


async def test_calling_it_off_in_words_nlu_did_not_call_a_cancel_ends_the_checkout(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    item = {**ITEM, "reservation_id": held}
    messages, slots, _ = await run(
        ValidateCheckoutForm(), tracker(item, "بیخیال، نمیخوام", requested="shipping_method", intent="deny")
    )
    assert responses(messages) == ["utter_checkout_cancelled"]
    assert slots["requested_slot"] is None and slots["reservation_id"] is None and slots["product_code"] is None
    assert available(store, "B-21", "black", "L") == 3


async def test_a_name_given_with_words_around_it_is_just_the_name() -> None:
    _, slots, _ = await run(
        ValidateCheckoutForm(), tracker({}, "full name: Niloofar Sharifi please", requested="customer_name")
    )
    assert slots["customer_name"] == "Niloofar Sharifi"


@pytest.mark.parametrize(
    "requested, text, slot, value",
    [
        ("postal_code", "no, I don't have one", "postal_code", "-"),  # "one" is no quantity here
        ("quantity", "let's say 1", "quantity", "1"),  # and "say 1" no product code
        ("customer_name", "یه لحظه، تعداد سه تا", "quantity", "3"),
    ],
)
async def test_answers_people_give_are_read_as_meant(
    store: sessionmaker, requested: str, text: str, slot: str, value: str
) -> None:
    item = {key: v for key, v in ITEM.items() if key != requested}
    item["size"] = "M"
    _, slots, _ = await run(ValidateCheckoutForm(), tracker(item, text, requested=requested))
    assert slots[slot] == value and slots.get("product_code", "B-21") == "B-21"


async def test_calling_it_off_while_the_address_is_asked_is_never_the_address() -> None:
    messages, slots, _ = await run(
        ValidateCheckoutForm(), tracker({}, "ولش کن کنسل کن", requested="address", intent="inform")
    )
    assert responses(messages) == ["utter_checkout_cancelled"] and "address" not in slots
    _, _, events = await run(
        ValidateCheckoutForm(), tracker({}, "ولش کن کنسل کن", requested="address", intent="cancel")
    )
    assert [e["event"] for e in events] == ["action_execution_rejected"]
