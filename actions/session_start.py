"""A new session is a conversation started, and it does not end a hand-off.

Rasa starts a new session with a customer's first message and after
``session_expiration_time`` minutes of silence. This is Rasa's own session start (carry
the slots over as the domain's ``session_config`` says, then listen), with two steps
added: the store records the conversation's start with where the customer came from
(the channel's metadata of the message that started it: the post, reel, story, ad,
link or comment, else direct), and a customer still on the owner's list (``shopctl
handoff list``) is paused again, on every channel, until ``shopctl handoff release``:
a new session would otherwise forget that the conversation was paused.

A session the shop's worker opens, to send a follow-up (``trigger_intent``), is not the
customer starting a conversation: its start is recorded only when the customer writes in it
(``record_start_on_first_message``, the ``conversation_unrecorded`` slot), so
the reports count conversations customers had, not messages the shop sent.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.store import session_factory
from inventory_db import due_work, events, handoffs
from inventory_db.database import transaction
from inventory_db.errors import StoreError

logger = logging.getLogger(__name__)

# Rasa's slot for the metadata of the message that started the session (rasa.shared.core.constants).
SESSION_START_METADATA_SLOT = "session_started_metadata"
UNRECORDED_SLOT = "conversation_unrecorded"
# The intents of the turns the shop's worker starts (owner.automation.customer_followups).
WORKER_INTENT_PREFIX = "/EXTERNAL_"


def _last_session_slots(tracker: Tracker) -> list[EventType]:
    """The slots set since the last session start or restart, as Rasa carries them over."""
    slots: list[EventType] = []
    for event in tracker.applied_events():
        if event.get("event") == "session_started":
            slots = []
        elif event.get("event") == "slot":
            slots.append(SlotSet(event["name"], event.get("value")))
    return slots


def _started_with(tracker: Tracker) -> dict[str, Any]:
    """The metadata of the message starting this session. Rasa sets it as the
    ``session_started_metadata`` slot just before this action, and only when there is
    some: the slot's value carried over from an earlier session is not this one's."""
    last = tracker.events[-1] if tracker.events else {}
    if last.get("event") == "slot" and last.get("name") == SESSION_START_METADATA_SLOT:
        return last.get("value") if isinstance(last.get("value"), dict) else {}
    return {}


def _came_from(metadata: dict[str, Any]) -> dict[str, Any]:
    """Where the customer came from, as the channel says: the order source of what they
    shared or clicked (``product_source``) and Meta's referral (an ad's id, a link's ref)."""
    referral = metadata.get("referral") if isinstance(metadata.get("referral"), dict) else {}
    return {"source": metadata.get("product_source"), "ref": referral.get("ref"), "ad_id": referral.get("ad_id")}


def _start(tracker: Tracker) -> tuple[bool, bool]:
    """Records the conversation's start, unless the shop's worker is opening the session;
    says whether the owner still has this customer, and whether the start waits for the
    customer's first message. If the store cannot say, the conversation stays as paused (or
    not) as it was."""
    try:
        with transaction(session_factory()) as session:
            by_worker = due_work.being_sent_to(session, tracker.sender_id)
            if not by_worker:
                events.start_conversation(session, tracker.sender_id, **_came_from(_started_with(tracker)))
            return handoffs.is_waiting(session, tracker.sender_id), by_worker
    except (StoreError, SQLAlchemyError) as error:
        logger.error("session start for %s could not reach the store: %s", tracker.sender_id, error)
        return tracker.is_paused(), False


class ActionSessionStart(Action):
    """Rasa's ``action_session_start``, recording the conversation's start and pausing again
    a customer the owner has not released."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        started: list[EventType] = [SessionStarted()]
        if domain.get("session_config", {}).get("carry_over_slots_to_new_session", True):
            started += _last_session_slots(tracker)
        paused, unrecorded = _start(tracker)
        if unrecorded or tracker.get_slot(UNRECORDED_SLOT):  # set, or cleared if carried over
            started.append(SlotSet(UNRECORDED_SLOT, unrecorded))
        if paused:
            started.append(ConversationPaused())
        started.append(ActionExecuted("action_listen"))
        return started


def record_start_on_first_message(tracker: Tracker) -> list[EventType]:
    """In a session the shop's worker opened (a follow-up), the customer's first message is when
    their conversation starts: record it then. Called on every turn by the language slot's
    action (``actions.language``), so it costs no extra call to the action server."""
    text = (tracker.latest_message or {}).get("text") or ""
    if not tracker.get_slot(UNRECORDED_SLOT) or text.startswith(WORKER_INTENT_PREFIX):
        return []
    try:
        with transaction(session_factory()) as session:
            events.start_conversation(session, tracker.sender_id)
    except (StoreError, SQLAlchemyError) as error:  # the reply matters more than the count
        logger.error("conversation start for %s could not be recorded: %s", tracker.sender_id, error)
    return [SlotSet(UNRECORDED_SLOT, False)]
