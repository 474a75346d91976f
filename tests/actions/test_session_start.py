"""A new session keeps the slots, as Rasa's own does, and keeps a handed-over customer paused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import sessionmaker

from actions.session_start import ActionSessionStart
from inventory_db import handoffs
from inventory_db.database import transaction
from tests.actions.test_checkout import DOMAIN

pytestmark = pytest.mark.asyncio


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def expired(sender: str = "ig-1", paused: bool = False) -> Tracker:
    """A conversation whose session has expired: two sessions' events, maybe paused."""
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "B-21 mikham"},
        slot("language", "fa"),
        slot("product_code", "B-21"),
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        slot("language", "fa"),  # carried over by the previous session start
        slot("product_code", "B-21"),
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "با خود فروشنده صحبت کنم"},
        slot("order_number", "1001"),
        slot("product_code", None),
        {"event": "action", "name": "action_handoff_to_human"},
        *([{"event": "pause"}] if paused else []),
        slot("session_started_metadata", {"source": "instagram"}),  # Rasa sets it just before the action
    ]
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {"language": "fa", "product_code": None, "order_number": "1001"},
            "latest_message": {},
            "events": events,
            "paused": paused,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_session_start",
        }
    )


async def start(tracker: Tracker, domain: dict[str, Any] = DOMAIN) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart().run(dispatcher, tracker, domain)
    assert dispatcher.messages == []  # a session start never speaks
    return events


def shape(events: list[dict[str, Any]]) -> list[Any]:
    return [
        (e["name"], e["value"]) if e["event"] == "slot" else e["event"] if e["event"] != "action" else e["name"]
        for e in events
    ]


LAST_SESSION_SLOTS = [
    ("language", "fa"),
    ("product_code", "B-21"),
    ("order_number", "1001"),
    ("product_code", None),
    ("session_started_metadata", {"source": "instagram"}),
]


async def test_no_handoff_is_rasas_own_session_start(demo_store: sessionmaker) -> None:
    events = await start(expired())
    assert shape(events) == ["session_started", *LAST_SESSION_SLOTS, "action_listen"]


async def test_without_carry_over_only_the_session_starts(demo_store: sessionmaker) -> None:
    domain = {**DOMAIN, "session_config": {**DOMAIN["session_config"], "carry_over_slots_to_new_session": False}}
    assert shape(await start(expired(), domain)) == ["session_started", "action_listen"]


async def test_a_customer_still_waiting_for_the_owner_stays_paused(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        handoffs.request_handoff(session, "ig-1", "با خود فروشنده صحبت کنم")
    for paused in (True, False):  # whatever the old session said, the owner's list decides
        events = await start(expired(paused=paused))
        assert shape(events) == ["session_started", *LAST_SESSION_SLOTS, "pause", "action_listen"]
    assert "pause" not in shape(await start(expired("ig-2")))  # someone else is not paused


async def test_once_released_the_new_session_is_the_assistants_again(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        handoffs.request_handoff(session, "ig-1")
        handoffs.release(session, "ig-1", actor="owner")
    assert "pause" not in shape(await start(expired(paused=True)))


async def test_when_the_store_cannot_say_the_conversation_stays_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'no-tables.db'}")
    assert "pause" in shape(await start(expired(paused=True)))
    assert "pause" not in shape(await start(expired(paused=False)))
