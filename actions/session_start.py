"""A new session does not end a hand-off: the customer stays with the owner until released.

Rasa starts a new session after ``session_expiration_time`` minutes of silence, and a
new session forgets that the conversation was paused. This is Rasa's own session start
(carry the slots over as the domain's ``session_config`` says, then listen), with one
step added: a customer still on the owner's list (``shopctl handoff list``) is paused
again, on every channel, until ``shopctl handoff release``.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.store import session_factory
from inventory_db import handoffs
from inventory_db.database import transaction
from inventory_db.errors import StoreError

logger = logging.getLogger(__name__)


def _last_session_slots(tracker: Tracker) -> List[EventType]:
    """The slots set since the last session start or restart, as Rasa carries them over."""
    slots: List[EventType] = []
    for event in tracker.applied_events():
        if event.get("event") == "session_started":
            slots = []
        elif event.get("event") == "slot":
            slots.append(SlotSet(event["name"], event.get("value")))
    return slots


def _still_handed_over(tracker: Tracker) -> bool:
    """The store says whether the owner still has this customer; if it cannot say, the
    conversation stays as paused (or not) as it was."""
    try:
        with transaction(session_factory()) as session:
            return handoffs.is_waiting(session, tracker.sender_id)
    except (StoreError, SQLAlchemyError) as error:
        logger.error("session start for %s could not read the hand-offs: %s", tracker.sender_id, error)
        return tracker.is_paused()


class ActionSessionStart(Action):
    """Rasa's ``action_session_start``, pausing again a customer the owner has not released."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        events: List[EventType] = [SessionStarted()]
        if domain.get("session_config", {}).get("carry_over_slots_to_new_session", True):
            events += _last_session_slots(tracker)
        if _still_handed_over(tracker):
            events.append(ConversationPaused())
        events.append(ActionExecuted("action_listen"))
        return events
