"""Trackers as Rasa would send them to the action server."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def make_tracker(
    text: str,
    intent: str = "ask_availability",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker whose latest message is ``text`` with the given parse."""
    return Tracker.from_dict(
        {
            "sender_id": "customer-1",
            "slots": {"language": "fa", "product_code": None, "color": None, "size": None, **(slots or {})},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 0.99},
                "entities": [{"entity": e, "value": v} for e, v in (entities or [])],
                "metadata": metadata or {},
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )
