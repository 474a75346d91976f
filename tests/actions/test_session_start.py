"""A new session keeps the slots, as Rasa's own does, and keeps a handed-over customer paused."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from actions.language import ActionDetectLanguage
from actions.session_start import ActionSessionStart
from inventory_db import due_work, handoffs
from inventory_db import events as events_module
from inventory_db.database import transaction
from inventory_db.events_models import BusinessEvent
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


async def test_a_session_the_worker_opens_is_recorded_when_the_customer_writes(demo_store: sessionmaker) -> None:
    now = datetime.now(timezone.utc)
    with transaction(demo_store) as session:
        due_work.schedule(session, due_work.SHIPPED, "order:1", "ig-1", now - timedelta(minutes=1))
        due_work.claim_due(session, "worker-a", now, 10, timedelta(minutes=5))
    events = await start(expired())
    assert ("conversation_unrecorded", True) in shape(events)
    assert events_started(demo_store, "ig-1") == 0  # the shop's follow-up is not the customer's conversation

    record = ActionDetectLanguage()  # runs every turn; records the start waiting for the customer
    worker_turn = _tracker_with(unrecorded=True, text="/EXTERNAL_followup")
    assert shape(await record.run(CollectingDispatcher(), worker_turn, DOMAIN)) == [("language", "fa")]
    assert events_started(demo_store, "ig-1") == 0
    customer_turn = _tracker_with(unrecorded=True, text="ممنون، کی می‌رسه؟")
    assert shape(await record.run(CollectingDispatcher(), customer_turn, DOMAIN)) == [
        ("language", "fa"),
        ("conversation_unrecorded", False),
    ]
    assert events_started(demo_store, "ig-1") == 1
    later = _tracker_with(unrecorded=False, text="سلام")
    assert shape(await record.run(CollectingDispatcher(), later, DOMAIN)) == [("language", "fa")]
    assert events_started(demo_store, "ig-1") == 1


async def test_a_customers_own_session_clears_a_carried_over_flag(demo_store: sessionmaker) -> None:
    tracker = expired()
    tracker.slots["conversation_unrecorded"] = True
    events = await start(tracker)
    assert ("conversation_unrecorded", False) in shape(events)
    assert events_started(demo_store, "ig-1") == 1


def events_started(demo_store: sessionmaker, sender: str) -> int:
    with transaction(demo_store) as session:
        query = select(func.count()).where(
            BusinessEvent.customer_id == sender, BusinessEvent.kind == events_module.CONVERSATION_STARTED
        )
        return session.execute(query).scalar_one()


def _tracker_with(unrecorded: bool, text: str, sender: str = "ig-1") -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {"conversation_unrecorded": unrecorded, "language": "fa"},
            "latest_message": {"text": text},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )
