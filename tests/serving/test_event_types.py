"""Events read back find the same class as with Rasa's own search, without searching each time."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils import common

from serving import event_types


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    event_types.install()
    event_types._by_name.clear()


def test_every_event_name_resolves_as_rasa_resolves_it(installed: None) -> None:
    for cls in common.all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is event_types._rasas_resolve(cls.type_name)
    assert Event.resolve_by_type("slot") is SlotSet and Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("no-such-event", default=ActionExecuted) is ActionExecuted
    assert Event.resolve_by_type("topic") is None  # Rasa's old TopicSet events
    with pytest.raises(ValueError, match="Unknown event name 'no-such-event'"):
        Event.resolve_by_type("no-such-event")
    reread = Event.from_parameters({"event": "slot", "name": "language", "value": "fa"})
    assert reread == SlotSet("language", "fa")


def test_the_subclasses_are_walked_once_not_per_event(installed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    walks: list[type] = []
    walk = common.all_subclasses
    monkeypatch.setattr(event_types, "all_subclasses", lambda cls: walks.append(cls) or walk(cls))
    for _ in range(50):
        Event.from_parameters({"event": "action", "name": "action_listen"})
    assert walks == [Event]
