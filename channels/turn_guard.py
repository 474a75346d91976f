"""A turn that failed half-way is not kept, so that it can be run again from the start.

Rasa 3.6 does not raise when a custom action fails (the action server is down, or it
answered 500): the processor logs "Encountered an exception while running action …",
carries on without the action's events and saves the tracker. Retrying the message
after that would put it in the conversation twice. So, while the Instagram channel
runs a turn (``guarded_turn``):

- ``ActionFailureWatch``, a filter on the processor's logger, marks the turn failed
  when that log record goes by (the record is still logged);
- ``TurnSafeSQLTrackerStore`` (endpoints.yml's tracker store) refuses to save the
  tracker of a failed turn, so the stored conversation stays as it was before it;
- the channel sees ``turn.failed`` and retries the message later. It holds the turn's
  replies until the turn is known good, so a failed try sends the customer nothing.

The turn is found through a context variable: each asyncio task has its own copy,
so customers handled side by side never see each other's turns. Outside a guarded
turn (REST, the shell) nothing changes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

PROCESSOR_LOGGER = "rasa.core.processor"
_ACTION_FAILED = "Encountered an exception while running action"


@dataclass
class Turn:
    """One message being handled; ``failed`` says why it must not be kept.

    ``before_save`` runs just before a good turn is saved: the channel sends the
    turn's replies there, so a crash after the save never leaves them unsent.
    """

    failed: str | None = None
    before_save: Callable[[], Awaitable[None]] | None = None


_current: ContextVar[Turn | None] = ContextVar("instagram_turn", default=None)


@contextmanager
def guarded_turn(before_save: Callable[[], Awaitable[None]] | None = None) -> Iterator[Turn]:
    """Run one message's turn in this block; read ``failed`` afterwards."""
    turn = Turn(before_save=before_save)
    token = _current.set(turn)
    try:
        yield turn
    finally:
        _current.reset(token)


class ActionFailureWatch(logging.Filter):
    """Marks the running turn failed when Rasa reports a failed action; lets the record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        turn = _current.get()
        if turn is not None and turn.failed is None and str(record.msg).startswith(_ACTION_FAILED):
            failure = record.exc_info[1] if record.exc_info else None
            turn.failed = f"action failed: {failure or record.getMessage()}"[:200]
        return True


def watch_action_failures() -> None:
    """Install the watch on Rasa's processor logger, once per process."""
    processor = logging.getLogger(PROCESSOR_LOGGER)
    if not any(isinstance(existing, ActionFailureWatch) for existing in processor.filters):
        processor.addFilter(ActionFailureWatch())


class TurnSafeSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, which does not save the tracker of a failed guarded turn."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        turn = _current.get()
        if turn is not None and turn.failed:
            logger.warning("Not keeping %s's failed turn (%s): it will be run again", tracker.sender_id, turn.failed)
            return
        if turn is not None and turn.before_save is not None:
            await turn.before_save()
        await super().save(tracker)


async def already_handled(tracker_store: Any, sender_id: str, message_id: str) -> bool:
    """True when the conversation already holds this message: its turn ran to the end before."""
    tracker = await tracker_store.retrieve(sender_id)
    if tracker is None:
        return False
    return any(isinstance(event, UserUttered) and event.message_id == message_id for event in tracker.events)
