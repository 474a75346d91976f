"""Stopping automated messages: recorded in the store, answered in the customer's language,
and answered even when the store fails."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from actions.messaging import ActionStopMessages
from inventory_db import messaging_optouts
from inventory_db.automation_models import MessagingOptOut
from inventory_db.database import transaction
from tests.actions.test_checkout import ROOT, responses, run

pytestmark = pytest.mark.asyncio


@pytest.fixture
def store(session_factory: sessionmaker) -> sessionmaker:
    return session_factory


def said(text: str, intent: str, language: str, sender: str = "ig-7", requested_slot: str | None = None) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {"language": language, "requested_slot": requested_slot},
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []},
            "events": [],
            "active_loop": {"name": "checkout_form"} if requested_slot else {},
            "latest_action_name": "action_listen",
            "paused": False,
            "followup_action": None,
        }
    )


def opt_out_row(store: sessionmaker, sender: str) -> tuple[str | None, bool] | None:
    with transaction(store) as session:
        row = session.get(MessagingOptOut, sender)
        return None if row is None else (row.text, row.at is not None)


async def rendered(response: str, language: str) -> str:
    """The text Rasa sends for ``response`` in a conversation whose language slot is ``language``."""
    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker.from_dict("ig-7", [], domain.slots)
    tracker._set_slot("language", language)
    message = await TemplatedNaturalLanguageGenerator(domain.responses).generate(response, tracker, "")
    assert message is not None
    return message["text"]


@pytest.mark.parametrize(
    ("text", "language"),
    [("دیگه پیام نده", "fa"), ("dige payam nadin lotfan", "fa"), ("stop messaging me", "en")],
)
async def test_stop_records_the_customers_words_and_says_so(store: sessionmaker, text: str, language: str) -> None:
    messages, slots, events = await run(ActionStopMessages(), said(text, "stop_messages", language))
    assert responses(messages) == ["utter_messages_stopped"]
    assert events == []
    assert opt_out_row(store, "ig-7") == (text, True)
    with transaction(store) as session:
        assert messaging_optouts.is_opted_out(session, "ig-7")
        assert not messaging_optouts.is_opted_out(session, "ig-8")


async def test_the_reply_is_in_the_customers_language() -> None:
    persian, english = await rendered("utter_messages_stopped", "fa"), await rendered("utter_messages_stopped", "en")
    assert "پیام" in persian and "messages" in english
    assert not any("\u0600" <= ch <= "\u06ff" for ch in english)


async def test_asking_again_keeps_the_latest_words(store: sessionmaker) -> None:
    await run(ActionStopMessages(), said("stop", "stop_messages", "en"))
    await run(ActionStopMessages(), said("لغو اشتراک", "stop_messages", "fa"))
    assert opt_out_row(store, "ig-7") == ("لغو اشتراک", True)


async def test_a_store_failure_still_gets_a_reply(store: sessionmaker, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("INSERT INTO messaging_optouts", {}, Exception("disk full"))

    monkeypatch.setattr(messaging_optouts, "opt_out", broken)
    messages, slots, _ = await run(ActionStopMessages(), said("stop", "stop_messages", "en"))
    assert responses(messages) == ["utter_store_problem"]
    assert slots == {}
    # In the middle of the checkout the pending question is asked again, nothing else is lost.
    messages, slots, _ = await run(ActionStopMessages(), said("stop", "stop_messages", "en", requested_slot="phone"))
    assert responses(messages) == ["utter_store_problem"]
    assert slots == {"phone": None}
