"""Rasa finds an event's class by its name with a cached table instead of a search.

Rasa 3.6's ``Event.resolve_by_type`` walks every subclass of ``Event`` (recursively, through
``all_subclasses``) for each event it reads back. The tracker store reads back every event
of the session on every turn, so that walk, about 75 µs an event, grew each reply with the
conversation's length (cProfile of one 80-turn conversation: 36,817 walks, 2.7 s). Here
the name → class table is built on first use and kept; a name it does not know makes it
look again (a subclass defined later) and then falls back to Rasa's own answer, so unknown
names fail or default exactly as before.

``install()`` is called by ``serving.rasa_server`` before Rasa starts.
"""

from __future__ import annotations

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_rasas_resolve = Event.resolve_by_type
_by_name: dict[str, type[Event]] = {}


def _rebuild() -> None:
    _by_name.clear()
    for cls in all_subclasses(Event):  # the first class with a name wins, as in Rasa's search
        _by_name.setdefault(cls.type_name, cls)


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """``Event.resolve_by_type`` through the kept table."""
    found = _by_name.get(type_name)
    if found is None:
        _rebuild()
        found = _by_name.get(type_name)
    return found if found is not None else _rasas_resolve(type_name, default)


def install() -> None:
    """Use the kept table in this process's Rasa."""
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign,assignment]
