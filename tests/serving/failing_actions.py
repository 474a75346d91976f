"""An action that fails with personal data in its exception, for the action server's tests."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionBreakDown(Action):
    def name(self) -> Text:
        return "action_break_down"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        raise ValueError(f"no courier reaches {tracker.get_slot('phone')}")
