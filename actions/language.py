"""The reply language: the conversation's, kept through short replies, followed on a clear switch."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from shoplang.language import Language, detect_language, follow_language

LANGUAGE_SLOT = "language"


def reply_language(tracker: Tracker) -> Language:
    """The language to answer this turn in: the slot, else the latest message's."""
    slot = tracker.get_slot(LANGUAGE_SLOT)
    if slot in ("fa", "en"):
        return slot  # type: ignore[return-value]
    return detect_language(tracker.latest_message.get("text") or "")


class ActionDetectLanguage(Action):
    """Custom slot mapping for `language`, run by action_extract_slots every turn.

    It runs before the next action is predicted, so even plain responses
    (utter_greet) are rendered in the customer's current language. Being the one custom
    action every turn runs anyway, it also records a conversation's start that waited for the
    customer's first message (``actions.session_start``). Short replies
    ("are", "ok", "2"), a bare code, an emoji or a button's payload keep the
    conversation's language (shoplang.language.follow_language).
    """

    def name(self) -> str:
        return "action_detect_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        # Imported here: the session start reaches the store, whose error replies use this module.
        from actions.session_start import record_start_on_first_message

        previous = tracker.get_slot(LANGUAGE_SLOT)
        text = tracker.latest_message.get("text") or ""
        started = record_start_on_first_message(tracker)
        if text.startswith("/"):  # a button's payload ("/affirm"): no language in it
            return [SlotSet(LANGUAGE_SLOT, previous or "fa"), *started]
        return [SlotSet(LANGUAGE_SLOT, follow_language(text, previous)), *started]
