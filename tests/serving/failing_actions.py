"""An action that fails with personal data in its exception, for the action server's tests."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionBreakDown(Action):
    def name(self) -> str:
        return "action_break_down"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        raise ValueError(f"no courier reaches {tracker.get_slot('phone')}")
