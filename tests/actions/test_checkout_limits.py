"""What the customer is told when the store refuses: per-customer limits and answers too long
to keep, in their language, with the question asked again or the checkout ended."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import sessionmaker

from actions.checkout import ActionPlaceOrder
from actions.checkout_form import ValidateCheckoutForm
from inventory_db import orders, reservations
from inventory_db.database import transaction
from tests.actions.test_checkout import CUSTOMER, DOMAIN, ITEM, ROOT, responses, run, settle, tracker
from tests.inventory_db.helpers import item

NEW_RESPONSES = (
    "utter_limit_unpaid_orders",
    "utter_limit_open_holds",
    "utter_limit_units_held",
    "utter_answer_too_long",
)
LONG_ADDRESS = "تهران، خیابان ولیعصر، " + "کوچه بهار، " * 60


@pytest.fixture(autouse=True)
def store(demo_store: sessionmaker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> sessionmaker:
    """The shipped policy with at most 3 units held per customer."""
    policy = yaml.safe_load((ROOT / "shop_policy.yml").read_text(encoding="utf-8"))
    policy["limits"]["max_units_held"] = 3
    path = tmp_path / "shop_policy.yml"
    path.write_text(yaml.safe_dump(policy, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SHOP_POLICY_FILE", str(path))
    return demo_store


def _unpaid_orders(store: sessionmaker, sender: str, count: int) -> None:
    details = orders.Customer(sender, "مریم احمدی", "09121234567", "تهران، خیابان ولیعصر، پلاک ۱۲")
    for n in range(count):
        with transaction(store) as session:
            orders.place_order(
                session,
                f"{sender}:{n}",
                details,
                items=[item("SH-12", "cream", "free")],
                shipping_method="post",
                actor="t",
            )


@pytest.mark.parametrize("language, number", [("fa", "۲"), ("en", "2")])
async def test_a_customer_with_two_unpaid_orders_is_told_to_pay_or_cancel_one(
    store: sessionmaker, language: str, number: str
) -> None:
    _unpaid_orders(store, "ig-1", 2)
    messages, slots, _ = await run(
        ValidateCheckoutForm(), tracker({**ITEM, "language": language}, "میخوام", intent="order_product")
    )
    said = [(m["response"], m["current"], m["allowed"]) for m in messages]
    assert said == [("utter_limit_unpaid_orders", number, number)]
    assert all(slots[name] is None for name in ("product_code", "quantity", "reservation_id", "requested_slot"))
    with transaction(store) as session:
        assert reservations.active_for(session, "ig-1") == []


async def test_too_many_units_held_asks_for_fewer_and_keeps_the_checkouts_hold(store: sessionmaker) -> None:
    held = (await settle(store, quantity="1"))["reservation_id"]
    with transaction(store) as session:  # an earlier checkout's hold, still running
        reservations.reserve(session, "SH-12", "cream", "free", 2, "ig-1")
    messages, slots, _ = await run(
        ValidateCheckoutForm(), tracker({**ITEM, "reservation_id": held}, "2", requested="quantity")
    )
    assert [(m["response"], m["allowed"]) for m in messages] == [("utter_limit_units_held", "۳")]
    assert slots == {"quantity": None}
    with transaction(store) as session:
        assert [(h.id, h.quantity) for h in reservations.active_for(session, "ig-1") if h.code == "B-21"] == [(held, 1)]


async def test_an_address_too_long_to_keep_is_asked_again_with_the_limit() -> None:
    messages, slots, _ = await run(ValidateCheckoutForm(), tracker({**ITEM}, LONG_ADDRESS, requested="address"))
    assert [(m["response"], m["max"]) for m in messages] == [("utter_answer_too_long", "۵۰۰")]
    assert slots["address"] is None and slots["checkout_retries"] == 1


async def test_the_store_refuses_a_too_long_address_even_past_the_form(store: sessionmaker) -> None:
    held = (await settle(store))["reservation_id"]
    slots = {**ITEM, "reservation_id": held, **CUSTOMER, "address": LONG_ADDRESS, "order_confirmed": True}
    messages, cleared, _ = await run(ActionPlaceOrder(), tracker(slots))
    assert responses(messages) == ["utter_answer_too_long"] and cleared == {"address": None}
    with transaction(store) as session:
        assert orders.list_orders(session) == []


@pytest.mark.parametrize("name", NEW_RESPONSES)
def test_each_new_reply_is_written_in_persian_and_english(name: str) -> None:
    fa, en = DOMAIN["responses"][name]
    assert "condition" not in fa and en["condition"] == [{"type": "slot", "name": "language", "value": "en"}]
    variables = {"utter_answer_too_long": "{max}"}.get(name, "{allowed}")
    assert variables in fa["text"] and variables in en["text"]
    words = re.sub(r"\{\w+\}", "", fa["text"])  # Persian words, half-spaces, no Latin letters or digits
    assert "\u200c" in words and not any(char.isascii() and char.isalnum() for char in words)
