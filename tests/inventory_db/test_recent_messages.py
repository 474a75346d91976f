"""What a customer last wrote, read back from the Instagram inbox (``message_log.recent_messages``)
for the owner's list of waiting customers: the last few, oldest first, one query for everyone;
on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

from inventory_db import inbox, message_log
from inventory_db.database import transaction
from tests.inventory_db.helpers import run

T0 = 1_796_000_000_000  # epoch ms


def direct(sender: str, mid: str, at_ms: int, text: str | None = None, **message: object) -> inbox.NewEvent:
    """A Direct message stored as the channel stores it: Meta's item under "item"."""
    body = {"mid": mid, **({"text": text} if text is not None else {}), **message}
    item = {"sender": {"id": sender}, "recipient": {"id": "shop"}, "timestamp": at_ms, "message": body}
    stored = {"field": "messaging", "account_id": "shop", "entry_time": at_ms, "item": item}
    return inbox.NewEvent("message", mid, sender, at_ms, json.dumps(stored, ensure_ascii=False))


def test_the_last_few_messages_of_each_customer_oldest_first(store: sessionmaker) -> None:
    events = [direct("ig-7", f"m{n}", T0 + n * 1000, f"پیام {n}") for n in range(5)]
    events += [
        direct("ig-8", "p1", T0, None, attachments=[{"type": "image", "payload": {"url": "https://x"}}]),
        inbox.NewEvent("comment", "c1", "comment:ig-8", T0, "{}"),
        direct("ig-9", "q1", T0, "not asked for"),
    ]
    postback = {"sender": {"id": "ig-8"}, "postback": {"mid": "p2", "title": "سفارش", "payload": "/order"}}
    events.append(inbox.NewEvent("message", "p2", "ig-8", T0 + 500, json.dumps({"item": postback})))
    run(store, inbox.store, events)
    found = run(store, message_log.recent_messages, ["ig-7", "ig-8", "ig-10"], 3)
    assert set(found) == {"ig-7", "ig-8"}  # ig-10 never wrote; ig-9 was not asked about
    assert [m.text for m in found["ig-7"]] == ["پیام 2", "پیام 3", "پیام 4"]
    assert found["ig-7"][-1].at == datetime.fromtimestamp((T0 + 4000) / 1000, timezone.utc)
    photo, tapped = found["ig-8"]
    assert (photo.text, photo.attachments) == (None, ("image",))
    assert (tapped.text, tapped.attachments) == ("سفارش", ())


def test_an_unreadable_event_is_still_a_message_with_nothing_to_show(store: sessionmaker) -> None:
    run(store, inbox.store, [inbox.NewEvent("message", "m1", "ig-7", 0, "not json")])
    [message] = run(store, message_log.recent_messages, ["ig-7"])["ig-7"]
    assert message.text is None and message.attachments == () and message.at.tzinfo is not None


def test_one_query_for_every_customer(store: sessionmaker) -> None:
    run(store, inbox.store, [direct(f"ig-{n}", f"m{n}-{k}", T0 + k, "سلام") for n in range(20) for k in range(4)])
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    with transaction(store) as session:
        event.listen(session.get_bind(), "before_cursor_execute", count)
        try:
            found = message_log.recent_messages(session, [f"ig-{n}" for n in range(20)], 2)
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", count)
    assert len(statements) == 1 and len(found) == 20 and all(len(messages) == 2 for messages in found.values())
    assert run(store, message_log.recent_messages, []) == {}


@pytest.mark.parametrize("limit", [0, -1, True])
def test_a_limit_below_one_is_refused(store: sessionmaker, limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        run(store, message_log.recent_messages, ["ig-7"], limit)
