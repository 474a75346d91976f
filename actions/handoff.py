"""Talk to a person: the owner is put on notice and the assistant goes quiet with
this customer until the owner runs ``shopctl handoff release``."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.store import replies_on_store_error, session_factory
from inventory_db import handoffs
from inventory_db.database import transaction

logger = logging.getLogger(__name__)


class ActionHandoffToHuman(Action):
    """Records the hand-off for the owner, tells the customer, then pauses the conversation.

    A checkout in progress stops too: the owner finishes it by hand, and the hold
    lapses on its own if they don't.
    """

    def name(self) -> str:
        return "action_handoff_to_human"

    @replies_on_store_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        message = (tracker.latest_message or {}).get("text")
        with transaction(session_factory()) as session:
            handoff = handoffs.request_handoff(session, tracker.sender_id, message)
        # The owner's list is `shopctl handoff list` (with the message); the log line reaches whoever
        # watches the server, without the message, which may hold an address.
        logger.warning("customer %s asked for a person (hand-off %s)", tracker.sender_id, handoff.id)
        dispatcher.utter_message(response="utter_human_handoff")
        return [ActiveLoop(None), ConversationPaused()]
