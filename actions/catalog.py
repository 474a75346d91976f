"""Answering "موجوده؟" and "چنده؟" from the live inventory."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.buttons import inform_button
from actions.checkout_item import product_label
from actions.language import reply_language
from actions.store import record_event, replies_on_store_error, session_factory
from inventory_db import catalog, events, restock
from inventory_db.database import transaction
from inventory_db.errors import StoreError, UnknownProduct
from shoplang import answers, describe
from shoplang.formatting import join_list
from shoplang.language import Language
from shoplang.normalize import canonical_color, canonical_size, find_product_codes

MAX_CHOICES = 5


def _entity(tracker: Tracker, name: str) -> str | None:
    values = list(tracker.get_latest_entity_values(name))
    return str(values[0]) if values else None


class ActionAnswerProductQuery(Action):
    """Availability and price of a product, a colour and a size, in the customer's language.

    The product comes from this message (a code, or words of a product's name or type,
    searched in the live catalog), else from the conversation so far, so "مشکیش چی؟"
    follows up on the last product. Colour and size are only carried over when the
    customer did not name a new product. In the middle of a checkout the question is
    answered and the checkout's item is left as it is. A message NLU was unsure of comes
    here too: if it names no product, the customer is told what the assistant can do.
    """

    def name(self) -> str:
        return "action_answer_product_query"

    @replies_on_store_error
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = reply_language(tracker)
        text = tracker.latest_message.get("text") or ""
        typed = "" if text.startswith("/") else text
        in_checkout = tracker.active_loop_name is not None
        metadata = tracker.latest_message.get("metadata") or {}
        code = _entity(tracker, "product_code") or next(iter(find_product_codes(typed)), None)
        product_words = _entity(tracker, "product")
        with transaction(session_factory()) as session:
            named = catalog.find_products_by_name(session, typed) if typed and not code else None
        source = "direct"
        # The product a channel knows from context (a shared post, a story reply) counts
        # unless the words name another one.
        shared = metadata.get("product_code")
        if shared and not code and not (named and named.best):
            code, source = shared, metadata.get("product_source") or "direct"
        fresh = bool(code or product_words or (named and named.candidates))
        # NLU's entities first; then the words themselves («قرمزش», «سایز چهل و دو», «دو ایکس لارج»).
        color = canonical_color(_entity(tracker, "color") or "") or answers.parse_color(typed)
        color = color or (None if fresh else tracker.get_slot("color"))
        size = canonical_size(_entity(tracker, "size") or "") or answers.find_size(typed)
        size = size or (None if fresh else tracker.get_slot("size"))
        code = code or (None if fresh else tracker.get_slot("product_code"))

        product: catalog.ProductInfo | None = None
        if code:
            with transaction(session_factory()) as session:
                try:
                    product = catalog.get_product(session, code)
                except UnknownProduct as unknown:
                    dispatcher.utter_message(response="utter_unknown_product", code=unknown.code)
                    return (
                        []
                        if in_checkout
                        else [SlotSet("product_code", None), SlotSet("color", color), SlotSet("size", size)]
                    )
        elif named is not None and (named.best or len(named.candidates) == 1):
            product = named.best or named.candidates[0]
        elif named is not None and named.candidates:
            self._ask_which(dispatcher, list(named.candidates), color, size, language)
            return (
                [] if in_checkout else [SlotSet("product_code", None), SlotSet("color", color), SlotSet("size", size)]
            )
        elif product_words:
            dispatcher.utter_message(response="utter_unknown_product_name", product=product_words)
            return [] if in_checkout else [SlotSet("color", color), SlotSet("size", size)]
        else:
            unsure = (tracker.latest_message.get("intent") or {}).get("name") == "nlu_fallback"
            dispatcher.utter_message(response="utter_default" if unsure else "utter_ask_product")
            if unsure:
                record_event(tracker, events.FALLBACK, text=typed)
            return [] if in_checkout else [SlotSet("color", color), SlotSet("size", size)]

        asked = self._answer(dispatcher, product, color, size, language, offer=not in_checkout)
        record_event(
            tracker, events.INQUIRY, product_code=product.code, color=color, size=size, available=asked.available
        )
        if in_checkout:
            return []
        slots = [SlotSet("product_code", product.code), SlotSet("color", color), SlotSet("size", size)]
        return slots + [SlotSet("product_source", source)] if fresh else slots

    @staticmethod
    def _answer(
        dispatcher: CollectingDispatcher,
        product: catalog.ProductInfo,
        color: str | None,
        size: str | None,
        language: Language,
        offer: bool = True,
    ) -> catalog.Availability:
        """Says what is in stock of what was asked; returns that availability."""
        asked = catalog.availability(product, color, size)
        name = product_label(product, language)
        variant = describe.variant(color, size, language)
        in_stock = describe.stock_list(((v.color, v.size) for v in product.in_stock()), language)
        if asked.available > 0:
            prices = [v.price for v in asked.matches if v.available > 0]
            price = describe.price_range(min(prices), max(prices), language)
            if color and size:
                dispatcher.utter_message(response="utter_variant_available", product=name, variant=variant, price=price)
            else:
                fitting = describe.stock_list(((v.color, v.size) for v in asked.matches if v.available > 0), language)
                dispatcher.utter_message(
                    response="utter_product_overview", product=name, stock_list=fitting, price=price
                )
            if offer:
                dispatcher.utter_message(response="utter_offer_to_order")
        elif not product.in_stock():
            dispatcher.utter_message(response="utter_product_sold_out", product=name)
        elif asked.exists:
            dispatcher.utter_message(
                response="utter_variant_sold_out", product=name, variant=variant, stock_list=in_stock
            )
            if color and size and offer:
                dispatcher.utter_message(response="utter_offer_restock_notice")
        else:
            dispatcher.utter_message(
                response="utter_variant_not_offered", product=name, variant=variant, stock_list=in_stock
            )
        return asked

    @staticmethod
    def _ask_which(
        dispatcher: CollectingDispatcher,
        matches: list[catalog.ProductInfo],
        color: str | None,
        size: str | None,
        language: Language,
    ) -> None:
        shown = matches[:MAX_CHOICES]
        options = [product_label(p, language) for p in shown]
        known = {name: value for name, value in (("color", color), ("size", size)) if value}
        buttons = [inform_button(p.code, product_code=p.code, **known) for p in shown]
        dispatcher.utter_message(response="utter_choose_product", options=join_list(options, language), buttons=buttons)


class ActionRequestRestockNotice(Action):
    """ "وقتی موجود شد خبرم کنید": records the request for the variant just asked about."""

    def name(self) -> str:
        return "action_request_restock_notice"

    @replies_on_store_error
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = reply_language(tracker)
        code, color, size = (tracker.get_slot(name) for name in ("product_code", "color", "size"))
        if not (code and color and size):
            dispatcher.utter_message(response="utter_ask_variant_for_notice")
            return []
        try:
            with transaction(session_factory()) as session:
                restock.request_notice(session, tracker.sender_id, code, color, size)
                product = catalog.get_product(session, code)
        except StoreError:
            dispatcher.utter_message(response="utter_ask_variant_for_notice")
            return []
        dispatcher.utter_message(
            response="utter_restock_notice_recorded",
            product=product_label(product, language),
            variant=describe.variant(color, size, language),
        )
        return []
