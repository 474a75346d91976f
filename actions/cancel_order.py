"""Cancelling an order after checkout: name the order and ask first, then do exactly that.

Inside the checkout "cancel" belongs to the form (``action_cancel_checkout``). Outside
it, ``action_ask_cancel_order`` names the order and asks yes/no, or asks which of
several; the ``cancel_step`` slot tells the rules where an "affirm" or "deny" goes
(nlu_data/rules/orders_and_policy.yml). Which order, and whether the customer may
cancel it, is the store's rule (``inventory_db.cancellation``).
"""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import reply_language
from actions.store import replies_on_store_error, session_factory
from inventory_db import cancellation
from inventory_db.database import transaction
from inventory_db.orders import OrderInfo
from shoplang import describe
from shoplang.formatting import format_order_number, format_toman, join_list
from shoplang.language import Language
from shoplang.normalize import canonical_order_number

CANCEL_STEP = "cancel_step"
ORDER_TO_CANCEL = "order_to_cancel"


def _number(value: Any) -> int | None:
    number = canonical_order_number(str(value)) if value is not None else None
    return int(number) if number else None


def _named_number(tracker: Tracker) -> int | None:
    """The order number this message names: an entity, or, typed in answer to "which order?", a bare number."""
    named = _number(next(tracker.get_latest_entity_values("order_number"), None))
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    answering = tracker.get_slot(CANCEL_STEP) == cancellation.CHOOSE and intent == "inform"
    if named is None and answering:
        named = _number(tracker.latest_message.get("text"))
    return named


def order_contents(order: OrderInfo, language: Language) -> dict[str, str]:
    """ "۱ × مانتو کتان B-21 مشکی L" and "۱٬۲۵۰٬۰۰۰ تومان", for the question and the choice."""
    lines = [
        describe.order_line(
            i.quantity, describe.localized(i.name_fa, i.name_en, language), i.code, i.color, i.size, language
        )
        for i in order.items
    ]
    return {
        "order_number": format_order_number(order.number, language),
        "items": join_list(lines, language),
        "total": format_toman(order.total, language),
    }


def _cannot_cancel(dispatcher: CollectingDispatcher, order: OrderInfo, language: Language) -> None:
    dispatcher.utter_message(
        response="utter_order_cannot_cancel",
        order_number=format_order_number(order.number, language),
        status=describe.order_status(order.status, language),
    )


def _done(number: int | None = None) -> list[EventType]:
    """Nothing pending any more; the conversation is about order ``number`` if there is one."""
    events = [SlotSet(CANCEL_STEP, None), SlotSet(ORDER_TO_CANCEL, None)]
    if number is not None:
        events.append(SlotSet("order_number", str(number)))
    return events


def ask_to_cancel(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Name the order and ask "cancel it?", ask which one, or say why there is nothing to ask."""
    language = reply_language(tracker)
    with transaction(session_factory()) as session:
        request = cancellation.find_order_to_cancel(
            session, tracker.sender_id, _named_number(tracker), context=_number(tracker.get_slot("order_number"))
        )
    order = request.order
    if request.outcome == cancellation.CONFIRM and order is not None:
        dispatcher.utter_message(response="utter_confirm_cancel_order", **order_contents(order, language))
        return [SlotSet(CANCEL_STEP, cancellation.CONFIRM), SlotSet(ORDER_TO_CANCEL, str(order.number))]
    if request.outcome == cancellation.CHOOSE:
        choices = [order_contents(o, language) for o in request.choices]
        dispatcher.utter_message(
            response="utter_which_order_to_cancel",
            orders="\n".join(
                describe.order_choice(c["order_number"], c["items"], c["total"], language) for c in choices
            ),
            buttons=[
                {"title": c["order_number"], "payload": "/cancel" + json.dumps({"order_number": str(o.number)})}
                for c, o in zip(choices, request.choices, strict=True)
            ],
        )
        return [SlotSet(CANCEL_STEP, cancellation.CHOOSE), SlotSet(ORDER_TO_CANCEL, None)]
    if request.outcome == cancellation.NOT_THEIRS and request.number is not None:
        dispatcher.utter_message(
            response="utter_order_not_among_yours", order_number=format_order_number(request.number, language)
        )
        return _done()
    if request.outcome == cancellation.NOT_CANCELLABLE and order is not None:
        _cannot_cancel(dispatcher, order, language)
        return _done(order.number)
    dispatcher.utter_message(response="utter_no_order_to_cancel")
    return _done()


class ActionAskCancelOrder(Action):
    """ "سفارشمو کنسل کن": which order, then "سفارش ۱۰۴۲ (...) لغو شود؟" with yes/no buttons."""

    def name(self) -> str:
        return "action_ask_cancel_order"

    @replies_on_store_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return ask_to_cancel(dispatcher, tracker)


class ActionCancelOrder(Action):
    """The customer said yes: cancel exactly the order named in the question.

    ("Cancel 1050" instead of a yes names another order; the rules send it to the question.)
    """

    def name(self) -> str:
        return "action_cancel_order"

    @replies_on_store_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        number = _number(tracker.get_slot(ORDER_TO_CANCEL))
        if number is None:  # no question was asked: ask it
            return ask_to_cancel(dispatcher, tracker)
        language = reply_language(tracker)
        with transaction(session_factory()) as session:
            result = cancellation.cancel_for_customer(session, tracker.sender_id, number)
        order_number = format_order_number(number, language)
        if result.outcome == cancellation.CANCELLED:
            dispatcher.utter_message(response="utter_order_cancelled", order_number=order_number)
        elif result.outcome == cancellation.NOT_CANCELLABLE and result.order is not None:
            _cannot_cancel(dispatcher, result.order, language)
        else:
            dispatcher.utter_message(response="utter_order_not_among_yours", order_number=order_number)
            return _done()
        return _done(number)


class ActionKeepOrder(Action):
    """The customer said no: nothing is cancelled, and they are told so."""

    def name(self) -> str:
        return "action_keep_order"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        number = _number(tracker.get_slot(ORDER_TO_CANCEL))
        if number is None:
            dispatcher.utter_message(response="utter_nothing_cancelled")
            return _done()
        order_number = format_order_number(number, reply_language(tracker))
        dispatcher.utter_message(response="utter_order_kept", order_number=order_number)
        return _done(number)
