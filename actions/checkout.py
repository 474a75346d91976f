"""Checkout inside the chat: the form's validation, its questions, placing and cancelling.

Every answer is checked against the live store: only colours and sizes in stock are
accepted, and as soon as product, colour, size and quantity are settled the units are
held for this customer (inventory_db.checkout), so two customers never both reach the
summary for the last unit.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import reply_language
from actions.store import session_factory
from inventory_db import catalog, checkout, orders, payments, reservations, settings
from inventory_db.database import transaction
from inventory_db.errors import OutOfStock, ReservationNotActive, StoreError, UnknownProduct
from inventory_db.policy import load_policy
from shoplang import describe
from shoplang.formatting import format_number, format_order_number, format_toman, join_list
from shoplang.language import Language
from shoplang.normalize import canonical_color, canonical_product_code, canonical_quantity, canonical_size, fold
from shoplang.phone import find_mobile
from shoplang.vocabulary import NO_POSTAL_CODE

ITEM_SLOTS = ("product_code", "color", "size", "quantity")
CUSTOMER_SLOTS = ("customer_name", "phone", "address", "postal_code", "shipping_method")
MAX_BUTTONS = 13  # Instagram's quick-reply limit
_POSTAL_CODE = re.compile(r"^\d{10}$")


def _inform_button(title: str, **entities: str) -> Dict[str, str]:
    return {"title": title, "payload": "/inform" + json.dumps(entities, ensure_ascii=False)}


def _product(code: Optional[str]) -> Optional[catalog.ProductInfo]:
    if not code:
        return None
    with transaction(session_factory()) as session:
        try:
            return catalog.get_product(session, code)
        except UnknownProduct:
            return None


def _name(product: catalog.ProductInfo, language: Language) -> str:
    return describe.product_name(product.name_fa, product.name_en, product.code, language)


class ValidateCheckoutForm(FormValidationAction):
    """Checks each answer of checkout_form and keeps the store's hold in step with it."""

    def name(self) -> Text:
        return "validate_checkout_form"

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        slots = {**tracker.slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
        return events + self._sync_hold(dispatcher, tracker, slots)

    @staticmethod
    def _sync_hold(dispatcher: CollectingDispatcher, tracker: Tracker, slots: Dict[Text, Any]) -> List[EventType]:
        """Hold exactly the settled item; release the hold when the item is unsettled."""
        held = slots.get("reservation_id")
        customer = tracker.sender_id
        if not all(slots.get(name) for name in ITEM_SLOTS):
            if held is None:
                return []
            with transaction(session_factory()) as session:
                checkout.release_hold(session, int(held), customer)
            return [SlotSet("reservation_id", None)]
        code, color, size = slots["product_code"], slots["color"], slots["size"]
        with transaction(session_factory()) as session:
            outcome = checkout.hold(
                session, customer, code, color, size, int(slots["quantity"]), replaces=int(held) if held else None
            )
        if outcome.hold is not None:
            # Unchanged hold: no event, or Rasa would count this turn as an answer and
            # never let a digression or a cancel through.
            return [] if outcome.hold.id == held else [SlotSet("reservation_id", outcome.hold.id)]
        language = reply_language(tracker)
        product = _product(code)
        name = _name(product, language) if product else code
        variant = describe.variant(color, size, language)
        if outcome.available:
            dispatcher.utter_message(
                response="utter_only_n_left", product=name, variant=variant,
                available=format_number(outcome.available, language),
            )
            return [SlotSet("reservation_id", None), SlotSet("quantity", None)]
        dispatcher.utter_message(response="utter_size_not_in_stock", product=name, variant=variant)
        return [SlotSet("reservation_id", None), SlotSet("size", None), SlotSet("quantity", None)]

    def validate_product_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        language = reply_language(tracker)
        code = canonical_product_code(str(value or ""))
        product = _product(code)
        if product is None:
            dispatcher.utter_message(response="utter_unknown_product", code=code or str(value))
            return {"product_code": None}
        if not product.in_stock():
            dispatcher.utter_message(response="utter_product_unavailable_for_order", product=_name(product, language))
            return {"product_code": None}
        result: Dict[Text, Any] = {"product_code": product.code}
        colors, sizes = product.colors_in_stock(), product.sizes_in_stock()
        if len(colors) == 1:
            result["color"] = colors[0]  # nothing to choose
        if len(sizes) == 1:
            result["size"] = sizes[0]
        return result

    def validate_color(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        product = _product(tracker.get_slot("product_code"))
        color = canonical_color(str(value or ""))
        if product is None or color in product.colors_in_stock():
            return {"color": color}
        language = reply_language(tracker)
        if color:
            dispatcher.utter_message(
                response="utter_color_not_in_stock", product=_name(product, language),
                color=describe.color_name(color, language),
            )
        return {"color": None}

    def validate_size(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        product = _product(tracker.get_slot("product_code"))
        size = canonical_size(str(value or ""))
        color = tracker.get_slot("color")
        if product is None or size in product.sizes_in_stock(color):
            return {"size": size}
        language = reply_language(tracker)
        if size:
            dispatcher.utter_message(
                response="utter_size_not_in_stock", product=_name(product, language),
                variant=describe.variant(color, size, language),
            )
        return {"size": None}

    def validate_quantity(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        quantity = canonical_quantity(str(value or ""))
        if quantity is None:
            dispatcher.utter_message(response="utter_invalid_quantity")
            return {"quantity": None}
        return {"quantity": str(quantity)}

    def validate_customer_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        name = " ".join(str(value or "").split())
        letters = sum(ch.isalpha() for ch in name)
        if 2 <= letters and len(name) <= 60 and not any(ch.isdigit() for ch in name) and not name.startswith("/"):
            return {"customer_name": name}
        dispatcher.utter_message(response="utter_invalid_name")
        return {"customer_name": None}

    def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        phone = find_mobile(str(value or ""))
        if phone is None:
            dispatcher.utter_message(response="utter_invalid_phone")
        return {"phone": phone}

    def validate_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        address = " ".join(str(value or "").split())
        if len(address) >= 10 and len(address.split()) >= 3 and not address.startswith("/"):
            return {"address": address}
        dispatcher.utter_message(response="utter_invalid_address")
        return {"address": None}

    def validate_postal_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = fold(str(value or ""))
        digits = re.sub(r"[\s-]", "", text)
        if _POSTAL_CODE.match(digits):
            return {"postal_code": digits}
        if text in NO_POSTAL_CODE:
            return {"postal_code": "-"}
        dispatcher.utter_message(response="utter_invalid_postal_code")
        return {"postal_code": None}

    def validate_shipping_method(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        method = load_policy().shipping_method(str(value or ""))
        return {"shipping_method": method.key if method else None}

    def validate_order_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is True:
            return {"order_confirmed": True}
        dispatcher.utter_message(response="utter_what_to_change")
        return {"order_confirmed": None}


def _ask_in_stock_choice(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> None:
    """Asks for a colour or a size, offering as buttons those in stock with the other one."""
    language = reply_language(tracker)
    product = _product(tracker.get_slot("product_code"))
    if product is None:
        dispatcher.utter_message(response="utter_ask_product_code")
        return
    if slot == "color":
        keys = product.colors_in_stock(tracker.get_slot("size"))
        names = [describe.color_name(key, language) for key in keys]
    else:
        keys = product.sizes_in_stock(tracker.get_slot("color"))
        names = [describe.size_name(key, language) for key in keys]
    dispatcher.utter_message(
        response=f"utter_ask_{slot}", product=_name(product, language), options=join_list(names, language),
        buttons=[_inform_button(name, **{slot: key}) for name, key in zip(names, keys)][:MAX_BUTTONS],
    )


class ActionAskColor(Action):
    """Asks for a colour, offering the ones in stock (in the chosen size) as buttons."""

    def name(self) -> Text:
        return "action_ask_color"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        _ask_in_stock_choice(dispatcher, tracker, "color")
        return []


class ActionAskSize(Action):
    """Asks for a size, offering the ones in stock in the chosen colour as buttons."""

    def name(self) -> Text:
        return "action_ask_size"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        _ask_in_stock_choice(dispatcher, tracker, "size")
        return []


class ActionAskShippingMethod(Action):
    """Offers the shop's shipping methods with their fee and time, as buttons."""

    def name(self) -> Text:
        return "action_ask_shipping_method"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        language = reply_language(tracker)
        methods = load_policy().shipping_methods
        options = [
            f"{m.name_fa if language == 'fa' else m.name_en}: {format_toman(m.fee, language)}, "
            f"{m.days_fa if language == 'fa' else m.days_en}"
            for m in methods
        ]
        dispatcher.utter_message(
            response="utter_ask_shipping_method", options=join_list(options, language),
            buttons=[
                _inform_button(m.name_fa if language == "fa" else m.name_en, shipping_method=m.key) for m in methods
            ],
        )
        return []


def _summary(tracker: Tracker, language: Language) -> Optional[Dict[str, str]]:
    """The order as the customer will confirm it, priced from the held units."""
    held = tracker.get_slot("reservation_id")
    product = _product(tracker.get_slot("product_code"))
    if held is None or product is None:
        return None
    policy = load_policy()
    with transaction(session_factory()) as session:
        hold = reservations.get_reservation(session, int(held))
    method = policy.shipping_method(tracker.get_slot("shipping_method") or "")
    if method is None:
        return None
    subtotal = hold.unit_price * hold.quantity
    fee = policy.shipping_fee(method, subtotal)
    return {
        "product": _name(product, language),
        "variant": describe.variant(hold.color, hold.size, language),
        "quantity": format_number(hold.quantity, language),
        "unit_price": format_toman(hold.unit_price, language),
        "subtotal": format_toman(subtotal, language),
        "shipping": method.name_fa if language == "fa" else method.name_en,
        "shipping_fee": format_toman(fee, language),
        "total": format_toman(subtotal + fee, language),
        "name": tracker.get_slot("customer_name") or "",
        "phone": tracker.get_slot("phone") or "",
        "address": tracker.get_slot("address") or "",
    }


class ActionAskOrderConfirmed(Action):
    """Shows the order summary and asks to confirm it."""

    def name(self) -> Text:
        return "action_ask_order_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        language = reply_language(tracker)
        summary = _summary(tracker, language)
        if summary is None:  # the item is no longer settled: ask for it again
            return [SlotSet("quantity", None)]
        dispatcher.utter_message(response="utter_order_summary", **summary)
        return []


def _reset_item() -> List[EventType]:
    return [SlotSet(name, None) for name in (*ITEM_SLOTS, "reservation_id", "order_confirmed", "shipping_method")]


class ActionPlaceOrder(Action):
    """Places the confirmed order once, however often the confirmation arrives."""

    def name(self) -> Text:
        return "action_place_order"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        language = reply_language(tracker)
        held = tracker.get_slot("reservation_id")
        if not tracker.get_slot("order_confirmed") or held is None:
            return []
        policy = load_policy()
        method = policy.shipping_method(tracker.get_slot("shipping_method") or "")
        postal_code = tracker.get_slot("postal_code")
        customer = orders.Customer(
            instagram_id=tracker.sender_id,
            name=tracker.get_slot("customer_name"),
            phone=tracker.get_slot("phone"),
            address=tracker.get_slot("address"),
            postal_code=None if postal_code in (None, "-") else postal_code,
        )
        metadata = tracker.latest_message.get("metadata") or {}
        try:
            with transaction(session_factory()) as session:
                hold = reservations.get_reservation(session, int(held))
                order = orders.place_order(
                    session,
                    f"chat:{tracker.sender_id}:hold:{int(held)}",
                    customer,
                    reservation_ids=[int(held)],
                    shipping_method=method.key if method else "post",
                    source=metadata.get("product_source"),
                    shipping_fee=policy.shipping_fee(method, hold.unit_price * hold.quantity) if method else 0,
                    actor=f"customer:{tracker.sender_id}",
                )
        except (OutOfStock, ReservationNotActive):
            product = _product(tracker.get_slot("product_code"))
            dispatcher.utter_message(
                response="utter_sold_out_before_confirming",
                product=_name(product, language) if product else tracker.get_slot("product_code"),
                variant=describe.variant(tracker.get_slot("color"), tracker.get_slot("size"), language),
            )
            return _reset_item()
        total = format_toman(order.total, language)
        dispatcher.utter_message(
            response="utter_order_placed", order_number=format_order_number(order.number, language), total=total
        )
        request = payments.payment_request(policy, order)
        hours = format_number(int(settings.payment_window().total_seconds() // 3600), language)
        if request.method == payments.CARD_TO_CARD:
            dispatcher.utter_message(
                response="utter_pay_card_to_card", total=total, card_number=request.card_number,
                card_holder=(request.card_holder or {}).get(language, ""), hours=hours,
            )
        else:
            dispatcher.utter_message(response="utter_pay_link", total=total, url=request.url, hours=hours)
        return [*_reset_item(), SlotSet("order_number", str(order.number))]


class ActionCancelCheckout(Action):
    """The customer changed their mind mid-checkout: release the hold, forget the item."""

    def name(self) -> Text:
        return "action_cancel_checkout"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        held = tracker.get_slot("reservation_id")
        if held is not None:
            try:
                with transaction(session_factory()) as session:
                    checkout.release_hold(session, int(held), tracker.sender_id)
            except StoreError:
                pass  # already an order or gone: nothing of this checkout is held
        dispatcher.utter_message(response="utter_checkout_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *_reset_item()]
