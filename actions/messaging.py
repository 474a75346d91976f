"""«دیگه پیام نده» / "stop": the worker's automated follow-ups (reminders, shipped notices,
back in stock) stop for this customer. Answers to the customer's own messages are not
follow-ups: the conversation goes on as before.

There is no "message me again" intent: it cost the NLU more than it was worth (measured
with make nlu-eval); the owner lets a customer hear from the shop again (``shopctl messages resume``)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.store import replies_on_store_error, session_factory
from inventory_db import messaging_optouts
from inventory_db.database import transaction


class ActionStopMessages(Action):
    """Records the opt-out with the customer's words, so the owner can see why they get nothing."""

    def name(self) -> str:
        return "action_stop_messages"

    @replies_on_store_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = (tracker.latest_message or {}).get("text")
        with transaction(session_factory()) as session:
            messaging_optouts.opt_out(session, tracker.sender_id, text)
        dispatcher.utter_message(response="utter_messages_stopped")
        return []
