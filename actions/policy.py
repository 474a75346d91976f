"""Shipping, returns and payment questions, answered from the owner's policy file."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import reply_language
from inventory_db.policy import load_policy


class ActionAnswerPolicy(Action):
    """The policy text for the question's topic, in the customer's language."""

    def name(self) -> str:
        return "action_answer_policy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        policy = load_policy()
        topics = {
            "ask_shipping": policy.shipping_text,
            "ask_returns": policy.returns_text,
            "ask_payment": policy.payment_text,
        }
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        texts = topics.get(intent, policy.shipping_text)
        dispatcher.utter_message(response="utter_policy", text=texts[reply_language(tracker)])
        return []
