"""A failed action's turn is not kept, so the channel can run it again from the start."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.turn_guard import (
    PROCESSOR_LOGGER,
    TurnSafeSQLTrackerStore,
    already_handled,
    guarded_turn,
    watch_action_failures,
)


def _store(tmp_path: Path) -> TurnSafeSQLTrackerStore:
    return TurnSafeSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))


def _tracker(sender: str, mid: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, [])
    tracker.update(UserUttered("سلام", message_id=mid))
    return tracker


def _rasa_reports_a_failed_action() -> None:
    try:
        raise ConnectionError("action server down")
    except ConnectionError:  # what rasa.core.processor logs before it carries on
        logging.getLogger(PROCESSOR_LOGGER).exception(
            "Encountered an exception while running action 'action_x'.Bot will continue, but ..."
        )


async def test_a_turn_whose_action_failed_is_not_saved_and_others_are(tmp_path: Path) -> None:
    watch_action_failures()
    watch_action_failures()  # installed once however often the channel starts
    assert len(logging.getLogger(PROCESSOR_LOGGER).filters) == 1
    store = _store(tmp_path)
    with guarded_turn() as turn:
        _rasa_reports_a_failed_action()
        await store.save(_tracker("a", "mid-a"))
    assert turn.failed and "action server down" in turn.failed
    with guarded_turn() as turn:
        await store.save(_tracker("b", "mid-b"))
    assert turn.failed is None
    assert not await already_handled(store, "a", "mid-a")
    assert await already_handled(store, "b", "mid-b")
    assert not await already_handled(store, "b", "mid-other")


async def test_turns_of_customers_handled_side_by_side_do_not_mix(tmp_path: Path) -> None:
    watch_action_failures()
    store = _store(tmp_path)

    async def turn_of(sender: str, fails: bool) -> None:
        with guarded_turn():
            await asyncio.sleep(0.01)
            if fails:
                _rasa_reports_a_failed_action()
            await asyncio.sleep(0.01)
            await store.save(_tracker(sender, f"mid-{sender}"))

    await asyncio.gather(turn_of("ok", False), turn_of("broken", True))
    assert await already_handled(store, "ok", "mid-ok")
    assert not await already_handled(store, "broken", "mid-broken")


async def test_outside_a_guarded_turn_failures_change_nothing(tmp_path: Path) -> None:
    watch_action_failures()
    store = _store(tmp_path)
    _rasa_reports_a_failed_action()  # REST or the shell: Rasa's own behaviour
    await store.save(_tracker("rest", "mid-rest"))
    assert await already_handled(store, "rest", "mid-rest")


async def test_a_good_turns_replies_go_out_just_before_it_is_saved(tmp_path: Path) -> None:
    store = _store(tmp_path)
    order: list[str] = []

    async def release() -> None:
        order.append(f"released, saved before: {await already_handled(store, 'c', 'mid-c')}")

    with guarded_turn(before_save=release):
        await store.save(_tracker("c", "mid-c"))
    assert order == ["released, saved before: False"]
    assert await already_handled(store, "c", "mid-c")
