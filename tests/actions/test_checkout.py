"""The checkout form's actions against a real SQLite store with the demo catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import sessionmaker

from actions.checkout import (
    ActionAskColor,
    ActionAskOrderConfirmed,
    ActionAskShippingMethod,
    ActionAskSize,
    ActionCancelCheckout,
    ActionPlaceOrder,
    ValidateCheckoutForm,
)
from actions.orders import ActionCancelOrder, ActionOrderStatus
from actions.policy import ActionAnswerPolicy
from inventory_db import orders, stock
from inventory_db.database import transaction

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
CUSTOMER = {"customer_name": "مریم احمدی", "phone": "+989121234567", "address": "تهران، خیابان ولیعصر، پلاک ۱۲", "postal_code": "-", "shipping_method": "post"}


@pytest.fixture(autouse=True)
def store(demo_store: sessionmaker, monkeypatch: pytest.MonkeyPatch) -> sessionmaker:
    monkeypatch.setenv("SHOP_POLICY_FILE", str(ROOT / "shop_policy.yml"))
    return demo_store


def tracker(
    slots: dict[str, Any], new: Optional[dict[str, Any]] = None, sender: str = "ig-1", text: str = "", intent: str = "inform"
) -> Tracker:
    """A tracker mid-checkout: ``slots`` known before, ``new`` just extracted this turn."""
    new = new or {}
    all_slots = {"language": "fa", "requested_slot": None, "reservation_id": None, **slots, **new}
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": all_slots,
            "latest_message": {"text": text, "intent": {"name": intent}, "entities": [], "metadata": {}},
            "events": [{"event": "user", "text": text}] + [{"event": "slot", "name": k, "value": v} for k, v in new.items()],
            "active_loop": {"name": "checkout_form"},
            "latest_action_name": "action_listen",
            "paused": False,
            "followup_action": None,
        }
    )


async def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, DOMAIN)
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def available(store: sessionmaker, code: str, color: str, size: str) -> int:
    with transaction(store) as session:
        return stock.available_units(session, stock.find_variant(session, code, color, size))


async def settle(store: sessionmaker, sender: str = "ig-1", quantity: str = "2", size: str = "L") -> dict[str, Any]:
    _, slots = await run(
        ValidateCheckoutForm(), tracker({}, {"product_code": "B-21", "color": "black", "size": size, "quantity": quantity}, sender)
    )
    return slots


async def test_settled_item_is_held_at_once(store: sessionmaker) -> None:
    slots = await settle(store)
    assert slots["reservation_id"] is not None
    assert available(store, "B-21", "black", "L") == 1


async def test_more_than_available_is_never_held(store: sessionmaker) -> None:
    messages, slots = await run(
        ValidateCheckoutForm(), tracker({}, {"product_code": "B-21", "color": "black", "size": "L", "quantity": "5"})
    )
    assert [(m["response"], m.get("available")) for m in messages] == [("utter_only_n_left", "۳")]
    assert slots["quantity"] is None and slots["reservation_id"] is None
    assert available(store, "B-21", "black", "L") == 3


async def test_quantity_words_are_understood() -> None:
    _, slots = await run(
        ValidateCheckoutForm(), tracker({}, {"product_code": "SH-12", "color": "cream", "size": "free", "quantity": "دوتا"})
    )
    assert slots["quantity"] == "2" and slots["reservation_id"] is not None


async def test_colour_not_in_stock_is_refused_and_in_stock_ones_offered(store: sessionmaker) -> None:
    messages, slots = await run(ValidateCheckoutForm(), tracker({"product_code": "R-7"}, {"color": "green"}))
    assert slots["color"] is None and messages[0]["response"] == "utter_color_not_in_stock"
    messages, _ = await run(ActionAskColor(), tracker({"product_code": "R-7"}))
    assert [b["title"] for b in messages[0]["buttons"]] == ["قرمز", "سرمه‌ای"]
    assert messages[0]["buttons"][0]["payload"] == '/inform{"color": "red"}'
    messages, _ = await run(ActionAskSize(), tracker({"product_code": "B-21", "color": "navy"}))
    assert (messages[0]["response"], messages[0]["options"]) == ("utter_ask_size", "XL")
    assert [b["payload"] for b in messages[0]["buttons"]] == ['/inform{"size": "XL"}']
    messages, _ = await run(ActionAskSize(), tracker({"product_code": "K-40", "color": "white"}, {"language": "fa"}))
    assert messages[0]["options"] == "۳۷ و ۳۸"


async def test_a_single_colour_and_size_are_not_asked() -> None:
    _, slots = await run(ValidateCheckoutForm(), tracker({}, {"product_code": "r7"}))
    assert slots["product_code"] == "R-7" and slots["size"] == "free" and "color" not in slots


async def test_correcting_the_size_moves_the_hold(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    before = {"product_code": "B-21", "color": "black", "size": "L", "quantity": "2", "reservation_id": held}
    _, slots = await run(ValidateCheckoutForm(), tracker(before, {"size": "M"}))
    assert slots["reservation_id"] not in (None, held)
    assert available(store, "B-21", "black", "L") == 3
    assert available(store, "B-21", "black", "M") == 2


@pytest.mark.parametrize("raw, stored", [("۰۹۱۲ ۳۴۵ ۶۷۸۹", "+989123456789"), ("+98 935-111-2233", "+989351112233"), ("شمارم 00989121112233", "+989121112233"), ("سلام", None), ("12345", None)])
async def test_mobile_numbers(raw: str, stored: Optional[str]) -> None:
    messages, slots = await run(ValidateCheckoutForm(), tracker({}, {"phone": raw}))
    assert slots["phone"] == stored
    assert [m["response"] for m in messages] == ([] if stored else ["utter_invalid_phone"])


@pytest.mark.parametrize("raw, stored", [("۱۳۱۴۵۶۷۸۹۰", "1314567890"), ("ندارم", "-"), ("none", "-"), ("123", None)])
async def test_postal_codes_are_optional(raw: str, stored: Optional[str]) -> None:
    _, slots = await run(ValidateCheckoutForm(), tracker({}, {"postal_code": raw}))
    assert slots["postal_code"] == stored


async def test_names_addresses_and_shipping_are_checked() -> None:
    _, slots = await run(ValidateCheckoutForm(), tracker({}, {"customer_name": "مریم احمدی", "address": "تهران"}))
    assert slots["customer_name"] == "مریم احمدی" and slots["address"] is None
    _, slots = await run(ValidateCheckoutForm(), tracker({}, {"customer_name": "09121234567", "shipping_method": "پیک"}))
    assert slots["customer_name"] is None and slots["shipping_method"] == "courier"
    messages, _ = await run(ActionAskShippingMethod(), tracker({}))
    assert [b["payload"] for b in messages[0]["buttons"]] == ['/inform{"shipping_method": "post"}', '/inform{"shipping_method": "courier"}']


async def test_summary_then_one_order_even_when_confirmed_twice(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    slots = {"product_code": "B-21", "color": "black", "size": "L", "quantity": "2", "reservation_id": held, **CUSTOMER}
    messages, _ = await run(ActionAskOrderConfirmed(), tracker(slots))
    assert messages[0]["response"] == "utter_order_summary"
    assert messages[0]["total"] == "۲٬۵۶۰٬۰۰۰ تومان" and messages[0]["shipping_fee"] == "۶۰٬۰۰۰ تومان"

    confirmed = {**slots, "order_confirmed": True}
    first, after = await run(ActionPlaceOrder(), tracker(confirmed))
    again, _ = await run(ActionPlaceOrder(), tracker(confirmed))
    assert [m["response"] for m in first] == ["utter_order_placed", "utter_pay_card_to_card"]
    assert first[0]["order_number"] == again[0]["order_number"] == "۱۰۰۱"
    assert first[1]["card_number"] == "6037-9900-0000-0000" and first[1]["total"] == "۲٬۵۶۰٬۰۰۰ تومان"
    assert after["reservation_id"] is None and after["order_confirmed"] is None and after["order_number"] == "1001"
    with transaction(store) as session:
        placed = orders.list_orders(session)
    assert len(placed) == 1
    assert (placed[0].phone, placed[0].total, placed[0].items[0].quantity) == ("+989121234567", 2560000, 2)
    assert available(store, "B-21", "black", "L") == 1


async def test_cancelling_mid_checkout_gives_the_units_back(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    messages, slots = await run(ActionCancelCheckout(), tracker({"reservation_id": held}, intent="cancel"))
    assert messages[0]["response"] == "utter_checkout_cancelled"
    assert slots["reservation_id"] is None and slots["product_code"] is None
    assert available(store, "B-21", "black", "L") == 3


async def test_two_customers_racing_for_the_last_unit(store: sessionmaker) -> None:
    first = await settle(store, sender="ig-a", quantity="1", size="XL")
    assert first["reservation_id"] is not None
    dispatcher = CollectingDispatcher()
    await ValidateCheckoutForm().run(
        dispatcher, tracker({}, {"product_code": "B-21", "color": "black", "size": "XL", "quantity": "1"}, sender="ig-b"), DOMAIN
    )
    assert [m["response"] for m in dispatcher.messages] == ["utter_size_not_in_stock"]
    assert available(store, "B-21", "black", "XL") == 0


async def test_order_status_and_cancelling_an_unpaid_order(store: sessionmaker) -> None:
    messages, _ = await run(ActionOrderStatus(), tracker({}, intent="ask_order_status"))
    assert messages[0]["response"] == "utter_no_order"
    held = (await settle(store))["reservation_id"]
    slots = {"product_code": "B-21", "color": "black", "size": "L", "quantity": "2", "reservation_id": held, **CUSTOMER, "order_confirmed": True}
    await run(ActionPlaceOrder(), tracker(slots))
    messages, _ = await run(ActionOrderStatus(), tracker({}, intent="ask_order_status"))
    assert (messages[0]["response"], messages[0]["status"]) == ("utter_order_status", "در انتظار پرداخت")
    messages, _ = await run(ActionOrderStatus(), tracker({}, sender="someone-else", intent="ask_order_status"))
    assert messages[0]["response"] == "utter_no_order"  # never another customer's order
    messages, _ = await run(ActionCancelOrder(), tracker({}, intent="cancel"))
    assert messages[0]["response"] == "utter_order_cancelled"
    assert available(store, "B-21", "black", "L") == 3


async def test_shipped_orders_show_tracking_and_cannot_be_cancelled(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    slots = {"product_code": "B-21", "color": "black", "size": "L", "quantity": "2", "reservation_id": held, **CUSTOMER, "order_confirmed": True}
    await run(ActionPlaceOrder(), tracker(slots))
    with transaction(store) as session:
        orders.mark_paid(session, 1001, actor="owner")
        orders.ship(session, 1001, "TRK123", actor="owner")
    messages, _ = await run(ActionOrderStatus(), tracker({}, intent="ask_order_status"))
    assert (messages[0]["response"], messages[0]["tracking_code"]) == ("utter_order_shipped", "TRK123")
    messages, _ = await run(ActionCancelOrder(), tracker({}, intent="cancel"))
    assert messages[0]["response"] == "utter_order_cannot_cancel"


async def test_policy_answers_come_from_the_policy_file() -> None:
    messages, _ = await run(ActionAnswerPolicy(), tracker({}, intent="ask_returns"))
    assert "۷ روز" in messages[0]["text"]
    messages, _ = await run(ActionAnswerPolicy(), tracker({"language": "en"}, intent="ask_shipping"))
    assert "express post" in messages[0]["text"]


def test_every_form_slot_has_a_validator_and_a_question() -> None:
    responses, actions = set(DOMAIN["responses"]), set(DOMAIN["actions"])
    for slot in DOMAIN["forms"]["checkout_form"]["required_slots"]:
        assert callable(getattr(ValidateCheckoutForm, f"validate_{slot}", None)), slot
        assert f"utter_ask_{slot}" in responses or f"action_ask_{slot}" in actions, slot


async def test_an_unchanged_hold_adds_no_event_so_digressions_get_through(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    item = {"product_code": "B-21", "color": "black", "size": "L", "quantity": "2", "reservation_id": held}
    dispatcher = CollectingDispatcher()
    events = await ValidateCheckoutForm().run(dispatcher, tracker({**item, "requested_slot": "customer_name"}, intent="cancel"), DOMAIN)
    assert [e for e in events if e.get("name") == "reservation_id"] == []
