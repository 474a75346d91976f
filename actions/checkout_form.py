"""The checkout form's reading of each customer message.

While the form waits for slot X, a message is first read as the answer to X (the
slot parsers in ``shoplang.answers``, and NLU entities or a button's payload), then as
a correction of the item already chosen («ببخشید، سه تا کافیه» while the name is
asked). Only a message that is neither goes to the intents: a digression the rules
answer before the form asks again (shipping, returns, payment, cancel, a person), or
an unusable answer, which is asked again with an example (``actions.checkout_questions``),
never answered with the product overview. Every accepted value is checked against the
live store, and the hold follows the item, so two customers never both reach the
summary for the last unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.checkout_item import product_info, product_label, product_named
from actions.language import reply_language
from actions.store import replies_on_store_error, say_store_error, session_factory
from inventory_db import checkout
from inventory_db.database import transaction
from inventory_db.errors import StoreError, TooLong
from inventory_db.models import Order, check_length
from inventory_db.policy import load_policy
from inventory_db.reservations import MAX_QUANTITY
from shoplang import answers, describe
from shoplang.formatting import format_number, join_list
from shoplang.normalize import (
    canonical_color,
    canonical_product_code,
    canonical_quantity,
    canonical_size,
    find_product_codes,
)
from shoplang.phone import find_mobile

FORM = "checkout_form"
ITEM_SLOTS = ("product_code", "color", "size", "quantity")
# Answers typed freely: a colour word or a number inside them is part of the answer
# («کوچه سبز», «پلاک ۱۲»), a correction only when the customer marks it as one.
FREE_TEXT_SLOTS = ("customer_name", "phone", "address", "postal_code")
RETRIES = "checkout_retries"
# Intents the rules answer in the middle of the checkout before it asks again.
DIGRESSION_INTENTS = frozenset(
    {
        "cancel",
        "ask_shipping",
        "ask_returns",
        "ask_payment",
        "ask_order_status",
        "request_human",
        "ask_price",
        "ask_availability",
        "stop_messages",
        # The shop's worker, not the customer: a follow-up (the checkout then goes on) or an
        # abandoned-checkout reminder (which ends it). Never read as an answer.
        "EXTERNAL_followup",
        "EXTERNAL_checkout_reminder",
    }
)


@dataclass(frozen=True)
class CustomerMessage:
    """The latest customer message as the form reads it."""

    text: str
    intent: str | None
    entities: dict[str, str] = field(default_factory=dict)  # the first value of each entity
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def latest(cls, tracker: Tracker) -> CustomerMessage:
        message = tracker.latest_message or {}
        entities: dict[str, str] = {}
        for entity in message.get("entities") or []:
            entities.setdefault(entity.get("entity"), str(entity.get("value")))
        return cls(
            text=(message.get("text") or "").strip(),
            intent=(message.get("intent") or {}).get("name"),
            entities=entities,
            metadata=message.get("metadata") or {},
        )

    @property
    def is_payload(self) -> bool:
        """A button's payload ("/inform{...}"): its entities are the answer, not its text."""
        return self.text.startswith("/")

    @property
    def typed(self) -> str:
        """What the customer typed; empty for a payload."""
        return "" if self.is_payload else self.text

    @property
    def is_question(self) -> bool:
        return "?" in self.text or "؟" in self.text


def is_fresh_turn(tracker: Tracker) -> bool:
    """True when the form runs on a new customer message; False when it resumes after a
    digression (the rule ran an answer, then the form), so the same message is not read twice."""
    actions = [event.get("name") for event in reversed(tracker.events) if event.get("event") == "action"]
    # The validation's tracker ends with the form's own execution; what ran before it tells.
    return len(actions) < 2 or actions[1] == "action_listen"


def _retries(tracker: Tracker) -> int:
    return int(tracker.get_slot(RETRIES) or 0)


def reset_item() -> list[EventType]:
    """Forget the item and its hold; the recipient's details stay for the next order."""
    names = (*ITEM_SLOTS, "reservation_id", "order_confirmed", "shipping_method", "product_source")
    return [*(SlotSet(name, None) for name in names), SlotSet(RETRIES, 0)]


def cancel_checkout(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The customer called the checkout off: the hold goes back, the item is forgotten, they are told."""
    held = tracker.get_slot("reservation_id")
    if held is not None:
        try:
            with transaction(session_factory()) as session:
                checkout.release_hold(session, int(held), tracker.sender_id)
        except StoreError:
            pass  # already an order or gone: nothing of this checkout is held
    dispatcher.utter_message(response="utter_checkout_cancelled")
    return reset_item()


class ValidateCheckoutForm(FormValidationAction):
    """Reads each message of checkout_form as an answer or a correction and keeps the hold in step."""

    def name(self) -> str:
        return "validate_checkout_form"

    @replies_on_store_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        if requested is not None and not is_fresh_turn(tracker):
            return []  # back from a digression: the form asks its question again
        return self._read(dispatcher, tracker, domain, CustomerMessage.latest(tracker), requested)

    def _read(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        message: CustomerMessage,
        requested: str | None,
    ) -> list[EventType]:
        events: list[EventType] = []
        if requested is None:  # the message that starts the checkout
            values = self._opening_values(message, tracker)
            source = message.metadata.get("product_source") or tracker.get_slot("product_source") or "direct"
            events += [SlotSet("product_source", source), SlotSet(RETRIES, 0)]
            values.update(
                {slot: tracker.get_slot(slot) for slot in ITEM_SLOTS if slot not in values and tracker.get_slot(slot)}
            )
            corrections: dict[str, Any] = {}
        else:
            # «بیخیال، نمیخوام» calls the checkout off: through the cancel rule when NLU saw it, here
            # when it did not. Only an answer's own words can outweigh it («دو تا نمیخوام، یکی بسه»),
            # never a name, an address or a postal code («nemikham» is no postal code).
            calls_off = answers.is_cancellation(message.typed) and not message.is_question
            if calls_off and requested in FREE_TEXT_SLOTS:
                return self._call_off(dispatcher, tracker, message)
            answer = self._answer(requested, message, tracker)
            corrections = self._corrections(requested, message, tracker, answered=answer is not None)
            if answer is None and not corrections:
                if calls_off:
                    return self._call_off(dispatcher, tracker, message)
                if message.intent in DIGRESSION_INTENTS:
                    return [ActionExecutionRejected(FORM)]
                return [SlotSet(requested, None), SlotSet(RETRIES, _retries(tracker) + 1)]
            values = {**corrections, **({requested: answer} if answer is not None else {})}
            if requested == "order_confirmed" and answer is False:
                return [SlotSet("order_confirmed", None), SlotSet(RETRIES, 1)]  # "what should I change?"
        before = {slot: tracker.get_slot(slot) for slot in ITEM_SLOTS}
        validated = self._validate(values, dispatcher, tracker, domain)
        self._say_what_changed(dispatcher, tracker, before, validated, corrections)
        events += [SlotSet(slot, value) for slot, value in validated.items()]
        slots = {**tracker.slots, **validated}
        events += self._sync_hold(dispatcher, tracker, slots)
        if requested is not None:
            answered = validated.get(requested) is not None
            events.append(SlotSet(RETRIES, 0 if answered or requested not in values else _retries(tracker) + 1))
        return events

    @staticmethod
    def _call_off(dispatcher: CollectingDispatcher, tracker: Tracker, message: CustomerMessage) -> list[EventType]:
        """A cancel NLU recognised goes to its rule; one it missed is done here and ends the form."""
        if message.intent == "cancel":
            return [ActionExecutionRejected(FORM)]
        return [*cancel_checkout(dispatcher, tracker), SlotSet("requested_slot", None)]

    # -- reading the message -------------------------------------------------------

    @staticmethod
    def _opening_values(message: CustomerMessage, tracker: Tracker) -> dict[str, Any]:
        """What the message that starts the checkout already says ("2 ta az B-21 meshki mikham")."""
        values: dict[str, Any] = dict(answers.find_corrections(message.typed))
        # A code always counts; a name only when no product was chosen before.
        if tracker.get_slot("product_code"):
            code = next(iter(find_product_codes(message.typed)), None)
        else:
            code = product_named(message.typed)
        if code:
            values["product_code"] = code
        return values

    def _answer(self, slot: str, message: CustomerMessage, tracker: Tracker) -> Any:
        """The message read as the answer to ``slot``; None when it is not one."""
        entity = message.entities.get(slot)
        text = message.typed
        if slot == "product_code":
            return canonical_product_code(entity or "") or product_named(text)
        if slot == "color":
            return canonical_color(entity or "") or answers.parse_color(text)
        if slot == "size":
            return canonical_size(entity or "") or answers.parse_size(text)
        if slot == "quantity":
            return answers.parse_quantity(text) or canonical_quantity(entity or "")
        if slot == "shipping_method":
            if message.is_question and message.intent in DIGRESSION_INTENTS:
                return None  # «پیک چند روزه میرسه؟» asks about the courier, it does not choose it
            methods = {m.key: (m.key, m.name_fa, m.name_en, *m.spellings) for m in load_policy().shipping_methods}
            return answers.parse_shipping_method(entity or text, methods)
        if slot == "order_confirmed":
            confirmed = answers.parse_yes_no(text)
            if confirmed is None and message.intent in ("affirm", "deny") and not answers.find_corrections(text):
                confirmed = message.intent == "affirm"
            return confirmed
        if slot == "customer_name":
            return answers.parse_name(text)
        if slot == "phone":
            return find_mobile(text)
        if slot == "address":
            return " ".join(text.split()) if answers.looks_like_address(text) else None
        if slot == "postal_code":
            return answers.parse_postal_code(text)
        return None

    @staticmethod
    def _corrections(slot: str, message: CustomerMessage, tracker: Tracker, answered: bool) -> dict[str, Any]:
        """Item slots the message changes while ``slot`` is asked («نه، سایز M», "make it 2").

        A name or an address that was read as one is never also a correction: the colour
        word in «کوچه سبز» stays part of the address.
        """
        if slot in FREE_TEXT_SLOTS and answered:
            return {}
        text = message.typed
        found: dict[str, Any] = dict(answers.find_corrections(text))
        if slot not in FREE_TEXT_SLOTS:
            # Only a product the shop sells: "let's say 1" is no product SAY-1.
            code = next((code for code in find_product_codes(text) if product_info(code) is not None), None)
            if code:
                found["product_code"] = code
        found.pop(slot, None)
        return {name: value for name, value in found.items() if str(value) != str(tracker.get_slot(name) or "")}

    # -- checking it against the store ----------------------------------------------

    def _validate(
        self, values: dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Each value through its validate_<slot> method, in the form's order, each seeing the ones before."""
        validated: dict[str, Any] = {}
        order = [*ITEM_SLOTS, *FREE_TEXT_SLOTS, "shipping_method", "order_confirmed"]
        for slot in sorted(values, key=order.index):
            result = getattr(self, f"validate_{slot}")(values[slot], dispatcher, tracker, domain)
            validated.update(result)
            tracker.slots.update(result)
        return validated

    def validate_product_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        code = canonical_product_code(str(value or ""))
        product = product_info(code)
        if product is None:
            dispatcher.utter_message(response="utter_unknown_product", code=code or str(value))
            return {"product_code": None}
        language = reply_language(tracker)
        if not product.in_stock():
            dispatcher.utter_message(
                response="utter_product_unavailable_for_order", product=product_label(product, language)
            )
            return {"product_code": None}
        result: dict[str, Any] = {"product_code": product.code}
        if product.code != tracker.get_slot("product_code"):
            result.update(color=None, size=None)  # another product: its own colours and sizes
        colors, sizes = product.colors_in_stock(), product.sizes_in_stock()
        if len(colors) == 1:
            result["color"] = colors[0]  # nothing to choose
        if len(sizes) == 1:
            result["size"] = sizes[0]
        return result

    def validate_color(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        product = product_info(tracker.get_slot("product_code"))
        color = canonical_color(str(value or ""))
        if product is None or color in product.colors_in_stock():
            result: dict[str, Any] = {"color": color}
            size = tracker.get_slot("size")
            if product is not None and size and size not in product.sizes_in_stock(color):
                result["size"] = None  # the size chosen before is not made in this colour
            return result
        if color:
            language = reply_language(tracker)
            dispatcher.utter_message(
                response="utter_color_not_in_stock",
                product=product_label(product, language),
                color=describe.color_name(color, language),
            )
        return {"color": None}

    def validate_size(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        product = product_info(tracker.get_slot("product_code"))
        size = canonical_size(str(value or ""))
        color = tracker.get_slot("color")
        if product is None or size in product.sizes_in_stock(color):
            return {"size": size}
        if size:
            language = reply_language(tracker)
            dispatcher.utter_message(
                response="utter_size_not_in_stock",
                product=product_label(product, language),
                variant=describe.variant(color, size, language),
            )
        return {"size": None}

    def validate_quantity(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        quantity = canonical_quantity(str(value or ""))
        if quantity is None:
            return {"quantity": None}
        if quantity > MAX_QUANTITY:
            dispatcher.utter_message(
                response="utter_quantity_over_limit", max=format_number(MAX_QUANTITY, reply_language(tracker))
            )
            return {"quantity": None}
        return {"quantity": str(quantity)}

    def validate_customer_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = " ".join(str(value or "").split())
        return {"customer_name": name if answers.looks_like_name(name) else None}

    def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"phone": find_mobile(str(value or ""))}

    def validate_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        address = " ".join(str(value or "").split())
        try:
            check_length(Order.address, address)
        except TooLong as too_long:  # said here, where the address is asked, not at the order
            say_store_error(dispatcher, tracker, too_long)
            return {"address": None}
        return {"address": address if answers.looks_like_address(address) else None}

    def validate_postal_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"postal_code": answers.parse_postal_code(str(value or ""))}

    def validate_shipping_method(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        method = load_policy().shipping_method(str(value or ""))
        return {"shipping_method": method.key if method else None}

    def validate_order_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"order_confirmed": True if value is True else None}

    # -- telling the customer and holding the units -----------------------------------

    @staticmethod
    def _say_what_changed(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        before: dict[str, Any],
        validated: dict[str, Any],
        corrections: dict[str, Any],
    ) -> None:
        """One line for a correction that took ("OK, changed: size M ✅"); a product found by name is said."""
        language = reply_language(tracker)
        changed = {slot: validated[slot] for slot in ITEM_SLOTS if validated.get(slot) not in (None, before.get(slot))}
        product = product_info(changed.get("product_code"))
        if product is not None and not before.get("product_code"):
            dispatcher.utter_message(response="utter_product_chosen", product=product_label(product, language))
            return
        changed = {slot: value for slot, value in changed.items() if slot in corrections or before.get(slot)}
        if not changed:
            return
        parts = []
        if product is not None:
            parts.append(product_label(product, language))
        variant = describe.variant(changed.get("color"), changed.get("size"), language)
        if variant:
            parts.append(variant)
        if "quantity" in changed:
            parts.append(describe.quantity(int(changed["quantity"]), language))
        dispatcher.utter_message(response="utter_item_changed", changes=join_list(parts, language))

    @staticmethod
    def _sync_hold(dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict[str, Any]) -> list[EventType]:
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
            return [] if outcome.hold.id == held else [SlotSet("reservation_id", outcome.hold.id)]
        language = reply_language(tracker)
        product = product_info(code)
        name = product_label(product, language) if product else code
        variant = describe.variant(color, size, language)
        if outcome.available:
            dispatcher.utter_message(
                response="utter_only_n_left",
                product=name,
                variant=variant,
                available=format_number(outcome.available, language),
            )
            return [SlotSet("reservation_id", None), SlotSet("quantity", None)]
        dispatcher.utter_message(response="utter_size_not_in_stock", product=name, variant=variant)
        return [SlotSet("reservation_id", None), SlotSet("size", None), SlotSet("quantity", None)]
