"""Checkout's end: placing the confirmed order, or cancelling the checkout.

The form that gathers the order lives in ``actions.checkout_form`` (reading answers)
and ``actions.checkout_questions`` (asking); here the confirmed hold becomes an order
through one store call, ``inventory_db.checkout.place``, exactly once.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.checkout_form import cancel_checkout, reset_item
from actions.checkout_item import product_info, product_label
from actions.language import reply_language
from actions.store import replies_on_store_error, session_factory
from inventory_db import checkout, orders, payments, settings
from inventory_db.database import transaction
from inventory_db.errors import OutOfStock, ReservationNotActive
from inventory_db.policy import load_policy
from shoplang import describe
from shoplang.formatting import format_number, format_order_number, format_toman


class ActionPlaceOrder(Action):
    """Places the confirmed order once, however often the confirmation arrives."""

    def name(self) -> str:
        return "action_place_order"

    @replies_on_store_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = reply_language(tracker)
        held = tracker.get_slot("reservation_id")
        if not tracker.get_slot("order_confirmed") or held is None:
            return []
        policy = load_policy()
        postal_code = tracker.get_slot("postal_code")
        customer = orders.Customer(
            instagram_id=tracker.sender_id,
            name=tracker.get_slot("customer_name"),
            phone=tracker.get_slot("phone"),
            address=tracker.get_slot("address"),
            postal_code=None if postal_code in (None, "-") else postal_code,
        )
        try:
            with transaction(session_factory()) as session:
                order = checkout.place(
                    session,
                    tracker.sender_id,
                    int(held),
                    customer,
                    tracker.get_slot("shipping_method") or "",
                    policy,
                    source=tracker.get_slot("product_source"),
                )
        except (OutOfStock, ReservationNotActive):
            product = product_info(tracker.get_slot("product_code"))
            dispatcher.utter_message(
                response="utter_sold_out_before_confirming",
                product=product_label(product, language) if product else tracker.get_slot("product_code"),
                variant=describe.variant(tracker.get_slot("color"), tracker.get_slot("size"), language),
            )
            return reset_item()
        total = format_toman(order.total, language)
        dispatcher.utter_message(
            response="utter_order_placed", order_number=format_order_number(order.number, language), total=total
        )
        request = payments.payment_request(policy, order)
        hours = format_number(int(settings.payment_window().total_seconds() // 3600), language)
        if request.method == payments.CARD_TO_CARD:
            dispatcher.utter_message(
                response="utter_pay_card_to_card",
                total=total,
                card_number=request.card_number,
                card_holder=(request.card_holder or {}).get(language, ""),
                hours=hours,
            )
        else:
            dispatcher.utter_message(response="utter_pay_link", total=total, url=request.url, hours=hours)
        return [*reset_item(), SlotSet("order_number", str(order.number))]


class ActionCancelCheckout(Action):
    """The customer changed their mind mid-checkout: release the hold, forget the item."""

    def name(self) -> str:
        return "action_cancel_checkout"

    @replies_on_store_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return [ActiveLoop(None), SlotSet("requested_slot", None), *cancel_checkout(dispatcher, tracker)]
