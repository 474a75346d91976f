"""The checkout form's questions, one action per slot (Rasa runs ``action_ask_<slot>``).

A finite question comes with buttons (Instagram quick replies): the colours and sizes
in stock, quantities up to what is left, the shipping methods, confirm or cancel. An
answer the form could not use is asked again with a concrete example, and from the
third miss on the customer is also offered the shop owner, so no question loops.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.buttons import inform_button
from actions.checkout_form import RETRIES, CustomerMessage
from actions.checkout_item import product_info, product_label
from actions.language import reply_language
from actions.store import record_event, replies_on_store_error, session_factory
from inventory_db import catalog, checkout
from inventory_db.database import transaction
from inventory_db.events import CHECKOUT_STEP, SUMMARY_SHOWN
from inventory_db.policy import load_policy
from shoplang import describe
from shoplang.formatting import format_number, format_toman, join_list
from shoplang.language import Language
from shoplang.normalize import to_persian_digits

MAX_BUTTONS = 13  # Instagram's quick-reply limit
MAX_QUANTITY_BUTTONS = 5
MAX_PRODUCT_BUTTONS = 5
OFFER_PERSON_AFTER = 3  # unusable answers in a row


class AskCheckoutQuestion(Action, ABC):
    """Asks for ``slot``: plainly the first time, with an example after a miss, offering a person after three.

    Asking plainly is a checkout step reached, recorded for the owner's funnel; asking
    again after a miss is not another step.
    """

    @property
    @abstractmethod
    def slot(self) -> str:
        """The form slot asked for; a concrete question names it (rasa-sdk registers only those)."""

    @property
    def step(self) -> str:
        """The checkout step this question reaches: its slot, unless it says otherwise."""
        return self.slot

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    @replies_on_store_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        retries = int(tracker.get_slot(RETRIES) or 0)
        events = self.ask(dispatcher, tracker, reply_language(tracker), retries > 0)
        if not retries and not events:  # an ask that returns events asked for something else instead
            record_event(tracker, CHECKOUT_STEP, step=self.step)
        if retries >= OFFER_PERSON_AFTER:
            dispatcher.utter_message(response="utter_offer_human")
        return events

    def response(self, again: bool) -> str:
        """utter_ask_<slot>, or utter_ask_<slot>_again with its example."""
        return f"utter_ask_{self.slot}_again" if again else f"utter_ask_{self.slot}"

    @abstractmethod
    def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: Language, again: bool
    ) -> list[EventType]:
        """Utters the question; returns no events, or, when it could not be asked (the item
        is no longer settled), the slot cleared for the question asked instead."""


class AskTypedAnswer(AskCheckoutQuestion, ABC):
    """A question answered in free text: name, phone, address, postal code."""

    def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: Language, again: bool
    ) -> list[EventType]:
        dispatcher.utter_message(response=self.response(again))
        return []


class ActionAskCustomerName(AskTypedAnswer):
    slot = "customer_name"


class ActionAskPhone(AskTypedAnswer):
    slot = "phone"


class ActionAskAddress(AskTypedAnswer):
    slot = "address"


class ActionAskPostalCode(AskTypedAnswer):
    slot = "postal_code"


class ActionAskProductCode(AskCheckoutQuestion):
    """Which product: the ones the customer's words fit, as buttons, else the code or name."""

    slot = "product_code"

    def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: Language, again: bool
    ) -> list[EventType]:
        words = CustomerMessage.latest(tracker).typed
        candidates: tuple[catalog.ProductInfo, ...] = ()
        if words:
            with transaction(session_factory()) as session:
                candidates = catalog.find_products_by_name(session, words, limit=MAX_PRODUCT_BUTTONS).candidates
        if not candidates:
            dispatcher.utter_message(response=self.response(again))
            return []
        labels = [product_label(product, language) for product in candidates]
        dispatcher.utter_message(
            response="utter_choose_product",
            options=join_list(labels, language),
            buttons=[inform_button(label, product_code=p.code) for label, p in zip(labels, candidates, strict=True)],
        )
        return []


class AskInStockChoice(AskCheckoutQuestion, ABC):
    """Colour or size, offering as buttons those in stock with the other one already chosen."""

    def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: Language, again: bool
    ) -> list[EventType]:
        product = product_info(tracker.get_slot("product_code"))
        if product is None:
            dispatcher.utter_message(response="utter_ask_product_code")
            return [SlotSet("product_code", None)]
        if self.slot == "color":
            keys = product.colors_in_stock(tracker.get_slot("size"))
            names = [describe.color_name(key, language) for key in keys]
        else:
            keys = product.sizes_in_stock(tracker.get_slot("color"))
            names = [describe.size_name(key, language) for key in keys]
        dispatcher.utter_message(
            response=self.response(again),
            product=product_label(product, language),
            options=join_list(names, language),
            buttons=[inform_button(name, **{self.slot: key}) for name, key in zip(names, keys, strict=True)][
                :MAX_BUTTONS
            ],
        )
        return []


class ActionAskColor(AskInStockChoice):
    slot = "color"


class ActionAskSize(AskInStockChoice):
    slot = "size"


class ActionAskQuantity(AskCheckoutQuestion):
    """How many, with a button for each count up to what is left (at most five)."""

    slot = "quantity"

    def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: Language, again: bool
    ) -> list[EventType]:
        product = product_info(tracker.get_slot("product_code"))
        left = (
            catalog.availability(product, tracker.get_slot("color"), tracker.get_slot("size")).available
            if product
            else 0
        )
        counts = range(1, min(left, MAX_QUANTITY_BUTTONS) + 1)
        dispatcher.utter_message(
            response=self.response(again),
            buttons=[inform_button(format_number(n, language), quantity=str(n)) for n in counts],
        )
        return []


class ActionAskShippingMethod(AskCheckoutQuestion):
    """The shop's shipping methods with their fee and time, as buttons."""

    slot = "shipping_method"

    def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: Language, again: bool
    ) -> list[EventType]:
        methods = load_policy().shipping_methods
        options = [
            f"{describe.localized(m.name_fa, m.name_en, language)}: {format_toman(m.fee, language)}, "
            f"{describe.localized(m.days_fa, m.days_en, language)}"
            for m in methods
        ]
        dispatcher.utter_message(
            response=self.response(again),
            options=join_list(options, language),
            buttons=[
                inform_button(describe.localized(m.name_fa, m.name_en, language), shipping_method=m.key)
                for m in methods
            ],
        )
        return []


def order_summary(tracker: Tracker, language: Language) -> dict[str, Any] | None:
    """The order as the customer will confirm it, priced by the store from the held units."""
    held = tracker.get_slot("reservation_id")
    product = product_info(tracker.get_slot("product_code"))
    if held is None or product is None or not tracker.get_slot("shipping_method"):
        return None
    with transaction(session_factory()) as session:
        quote = checkout.quote(session, int(held), tracker.get_slot("shipping_method"), load_policy())
    method = quote.shipping_method
    return {
        "product": product_label(product, language),
        "variant": describe.variant(quote.color, quote.size, language),
        "quantity": format_number(quote.quantity, language),
        "unit_price": format_toman(quote.unit_price, language),
        "subtotal": format_toman(quote.subtotal, language),
        "shipping": describe.localized(method.name_fa, method.name_en, language),
        "shipping_fee": format_toman(quote.shipping_fee, language),
        "total": format_toman(quote.total, language),
        "name": tracker.get_slot("customer_name") or "",
        "phone": tracker.get_slot("phone") or "",
        # The NLU normaliser hands over ASCII digits; a Persian summary shows Persian ones.
        "address": to_persian_digits(tracker.get_slot("address") or "")
        if language == "fa"
        else tracker.get_slot("address") or "",
    }


class ActionAskOrderConfirmed(AskCheckoutQuestion):
    """Shows the order summary and asks to confirm, change or cancel it."""

    slot = "order_confirmed"
    step = SUMMARY_SHOWN

    def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: Language, again: bool
    ) -> list[EventType]:
        if again:
            dispatcher.utter_message(response=self.response(again))
            return []
        summary = order_summary(tracker, language)
        if summary is None:  # the item is no longer settled: ask for it again
            dispatcher.utter_message(response="utter_ask_quantity")
            return [SlotSet("quantity", None)]
        dispatcher.utter_message(response="utter_order_summary", **summary)
        return []
