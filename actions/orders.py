"""After the order: where is it. (Cancelling one is actions/cancel_order.py.)"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import reply_language
from actions.store import replies_on_store_error, session_factory
from inventory_db import order_states, orders
from inventory_db.database import transaction
from inventory_db.policy import load_policy
from shoplang import describe
from shoplang.formatting import format_order_number


def _order_or_say_none(dispatcher: CollectingDispatcher, tracker: Tracker) -> orders.OrderInfo | None:
    """The order the customer means: the number they gave, if it is theirs, else their latest.

    A number that is not theirs is answered as such, never replaced by another order.
    """
    number = tracker.get_slot("order_number")
    with transaction(session_factory()) as session:
        if number:
            try:
                wanted = orders.parse_order_number(str(number))
            except ValueError:
                wanted = None
            if wanted is not None:
                order = orders.customer_order(session, tracker.sender_id, wanted)
                if order is None:
                    language = reply_language(tracker)
                    dispatcher.utter_message(
                        response="utter_order_not_among_yours", order_number=format_order_number(wanted, language)
                    )
                return order
        order = orders.latest_order_for(session, tracker.sender_id)
    if order is None:
        dispatcher.utter_message(response="utter_no_order")
    return order


class ActionOrderStatus(Action):
    """ "سفارشم کجاست؟": the latest order's number and status, with tracking once shipped.

    In the middle of a checkout, "when will it arrive?" with no order number is about the
    order being placed, so it gets the delivery times of the shipping methods.
    """

    def name(self) -> str:
        return "action_order_status"

    @replies_on_store_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = reply_language(tracker)
        if tracker.active_loop_name == "checkout_form" and not next(
            tracker.get_latest_entity_values("order_number"), None
        ):
            dispatcher.utter_message(response="utter_policy", text=load_policy().shipping_text[language])
            return []
        order = _order_or_say_none(dispatcher, tracker)
        if order is None:
            return [SlotSet("order_number", None)]  # a number that was not theirs is not asked about again
        number = format_order_number(order.number, language)
        if order.status == order_states.SHIPPED and order.tracking_code:
            dispatcher.utter_message(
                response="utter_order_shipped", order_number=number, tracking_code=order.tracking_code
            )
        else:
            status = describe.order_status(order.status, language)
            dispatcher.utter_message(response="utter_order_status", order_number=number, status=status)
        return [SlotSet("order_number", str(order.number))]
