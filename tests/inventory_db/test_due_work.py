"""Follow-ups due to customers on SQLite and PostgreSQL: scheduled once, claimed by one worker
at a time (also when two race for 50 items), taken over when a worker's lease runs out and
then no longer the old worker's to finish, retried with backoff until failed for good, left
to the owner by hand for 7 days, and cancelled before they go."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import sessionmaker

from inventory_db import due_work, schema
from inventory_db.automation_models import DueWork
from inventory_db.database import make_engine
from inventory_db.errors import TooLong
from tests.inventory_db.claim_race import race
from tests.inventory_db.helpers import run

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
LEASE = timedelta(seconds=30)
SECOND = timedelta(seconds=1)


def schedule(store: sessionmaker, key: str, customer: str = "ig-ali", kind: str = due_work.SHIPPED,
             due: datetime = NOW, **kwargs) -> due_work.DueItem | None:  # fmt: skip
    return run(store, due_work.schedule, kind, key, customer, due, now=NOW - timedelta(hours=1), **kwargs)


def claim(store: sessionmaker, worker: str = "w1", now: datetime = NOW, limit: int = 10) -> list[due_work.DueItem]:
    return run(store, due_work.claim_due, worker, now, limit, LEASE)


def item(store: sessionmaker, item_id: int) -> due_work.DueItem:
    found = run(store, due_work.get, item_id)
    assert found is not None
    return found


def test_scheduling_the_same_thing_twice_is_one_row(store: sessionmaker) -> None:
    payload = {"code": "B-21", "color": "black", "size": "L", "tracking": "۱۲۳۴"}
    first = schedule(store, "order:1042", order_number=1042, payload=payload)
    assert first is not None and first.status == due_work.PENDING and first.attempts == 0
    assert schedule(store, "order:1042", due=NOW + timedelta(days=1)) is None
    assert schedule(store, "order:1042", kind=due_work.RATING) is not None  # another kind, another thing
    with store() as session:
        count = session.execute(select(func.count()).select_from(DueWork).where(DueWork.kind == "shipped"))
        assert count.scalar_one() == 1
    kept = item(store, first.id)
    assert (kept.payload, kept.order_number, kept.due_at) == (payload, 1042, NOW)  # Persian digits intact


def test_a_schedule_needs_an_aware_time_and_fitting_values(store: sessionmaker) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        schedule(store, "order:1", due=datetime(2026, 12, 2, 12, 0))
    with pytest.raises(TooLong):
        schedule(store, "x" * 201)
    assert run(store, due_work.recent) == []


def test_only_due_items_are_claimed_earliest_first(store: sessionmaker) -> None:
    later = schedule(store, "order:2", due=NOW + LEASE)
    sooner = schedule(store, "order:1", due=NOW - timedelta(minutes=5))
    now = schedule(store, "order:3", due=NOW)
    assert later and sooner and now
    claimed = claim(store)
    assert [c.id for c in claimed] == [sooner.id, now.id]
    assert all(c.status == due_work.CLAIMED and c.claimed_by == "w1" and c.attempts == 1 for c in claimed)
    assert all(c.lease_until == NOW + LEASE for c in claimed)
    assert claim(store, "w2") == []  # held, lease running
    # At the lease's last moment the claims still hold; the later item has come due.
    assert [c.id for c in claim(store, "w2", NOW + LEASE)] == [later.id]


def test_limit_and_lease_are_checked(store: sessionmaker) -> None:
    schedule(store, "order:1")
    for limit in (0, -1, True):
        with pytest.raises(ValueError, match="limit"):
            claim(store, limit=limit)
    with pytest.raises(ValueError, match="lease"):
        run(store, due_work.claim_due, "w1", NOW, 1, timedelta(0))
    with pytest.raises(TooLong):
        claim(store, "w" * 81)
    assert item(store, claim(store)[0].id).claimed_by == "w1"


def test_two_workers_racing_for_fifty_items_claim_each_once(store: sessionmaker, store_url: str) -> None:
    ids = [schedule(store, f"order:{n}", customer=f"ig-{n % 7}").id for n in range(50)]  # type: ignore[union-attr]

    def claim_some(session, worker: str, now: datetime) -> list[int]:  # type: ignore[no-untyped-def]
        return [found.id for found in due_work.claim_due(session, worker, now, 3, LEASE)]

    claimed = race(store_url, claim_some, due_work.mark_sent, NOW)
    every = [item_id for ids_of_one in claimed.values() for item_id in ids_of_one]
    assert sorted(every) == sorted(ids)  # every one, none twice
    sent = run(store, due_work.recent, [due_work.SENT])
    assert len(sent) == 50 and all(s.attempts == 1 and s.sent_by == s.claimed_by for s in sent)
    assert {s.sent_by for s in sent} <= set(claimed)


def test_a_killed_workers_item_is_taken_over_and_no_longer_its_to_finish(store: sessionmaker) -> None:
    scheduled = schedule(store, "order:1042")
    assert scheduled is not None
    (mine,) = claim(store, "killed")
    assert claim(store, "w2", NOW + LEASE) == []  # the lease runs to the end of its last second
    (taken,) = claim(store, "w2", NOW + LEASE + SECOND)
    assert (taken.id, taken.claimed_by, taken.attempts) == (mine.id, "w2", 2)
    late = NOW + timedelta(minutes=1)
    with store.begin() as session:  # the old worker comes back: every change it tries is refused
        assert not due_work.renew(session, mine.id, "killed", LEASE, late)
        assert not due_work.mark_sent(session, mine.id, "killed", late)
        assert not due_work.mark_skipped(session, mine.id, "killed", "paid", late)
        assert not due_work.mark_hand_send(session, mine.id, "killed", "window closed", "سلام", late)
        assert not due_work.mark_failed(session, mine.id, "killed", "boom", late, late)
    assert item(store, mine.id).status == due_work.CLAIMED
    assert run(store, due_work.renew, mine.id, "w2", LEASE, late)
    assert run(store, due_work.mark_sent, mine.id, "w2", late)
    done = item(store, mine.id)
    assert (done.status, done.sent_by, done.finished_at, done.lease_until) == (due_work.SENT, "w2", late, None)
    assert claim(store, "w3", late + timedelta(hours=1)) == []


def test_a_failed_item_is_retried_with_backoff_then_failed_for_good(store: sessionmaker) -> None:
    scheduled = schedule(store, "order:7")
    assert scheduled is not None
    now = NOW
    for attempt in range(1, due_work.MAX_ATTEMPTS):
        (claimed,) = claim(store, now=now)
        assert claimed.attempts == attempt
        retry_at = due_work.retry_time(claimed.attempts, now)
        assert retry_at - now == timedelta(minutes=2 ** (attempt - 1))
        assert run(store, due_work.mark_failed, claimed.id, "w1", "rasa down", now, retry_at)
        pending = item(store, claimed.id)
        assert (pending.status, pending.due_at, pending.reason) == (due_work.PENDING, retry_at, "rasa down")
        assert claim(store, now=retry_at - SECOND) == []
        now = retry_at
    (last,) = claim(store, now=now)
    assert last.attempts == due_work.MAX_ATTEMPTS
    assert run(store, due_work.mark_failed, last.id, "w1", "rasa still down", now, due_work.retry_time(5, now))
    failed = item(store, last.id)
    assert (failed.status, failed.reason, failed.finished_at) == (due_work.FAILED, "rasa still down", now)
    assert claim(store, now=now + timedelta(days=1)) == []
    assert due_work.retry_time(30, now) - now == timedelta(hours=1)


def test_failing_without_a_retry_time_is_for_good(store: sessionmaker) -> None:
    scheduled = schedule(store, "order:8")
    (claimed,) = claim(store)
    assert run(store, due_work.mark_failed, claimed.id, "w1", "customer blocked the shop", NOW, None)
    assert item(store, claimed.id).status == due_work.FAILED and scheduled is not None


def test_a_hand_send_item_waits_seven_days_for_the_owner_then_lapses(store: sessionmaker) -> None:
    first = schedule(store, "order:1")
    second = schedule(store, "order:2")
    assert first and second
    claim(store)
    for item_id in (first.id, second.id):
        assert run(
            store, due_work.mark_hand_send, item_id, "w1", "outside the 24-hour window", "سفارش شما ارسال شد", NOW
        )
    waiting = item(store, first.id)
    assert (waiting.status, waiting.hand_text, waiting.reason) == (
        due_work.HAND_SEND, "سفارش شما ارسال شد", "outside the 24-hour window",
    )  # fmt: skip
    assert waiting.hand_send_until == NOW + timedelta(days=7) and waiting.finished_at is None
    assert [w.id for w in run(store, due_work.recent, [due_work.HAND_SEND])] == [second.id, first.id]

    assert run(store, due_work.hand_sent, second.id, "owner", NOW + timedelta(days=2))
    by_hand = item(store, second.id)
    assert (by_hand.status, by_hand.sent_by) == (due_work.SENT, "owner")
    assert not run(store, due_work.hand_sent, second.id, "owner", NOW + timedelta(days=2))  # once

    assert run(store, due_work.lapse_hand_send, NOW + timedelta(days=7) - SECOND) == 0
    assert run(store, due_work.lapse_hand_send, NOW + timedelta(days=7)) == 1
    assert item(store, first.id).status == due_work.LAPSED
    assert item(store, second.id).status == due_work.SENT  # the one sent by hand stays sent
    assert not run(store, due_work.hand_sent, first.id, "owner", NOW + timedelta(days=8))
    assert run(store, due_work.lapse_hand_send, NOW + timedelta(days=30)) == 0


def test_cancel_pending_skips_what_is_not_sent_yet_claimed_or_not(store: sessionmaker) -> None:
    kind = due_work.ABANDONED_CHECKOUT
    sent = schedule(store, "hold:1", kind=kind, due=NOW - timedelta(hours=1))
    claimed = schedule(store, "hold:2", kind=kind, due=NOW - timedelta(minutes=1))
    (sent_claim, held) = claim(store, "w1", limit=2)
    assert run(store, due_work.mark_sent, sent_claim.id, "w1", NOW)
    pending = schedule(store, "hold:3", kind=kind, due=NOW + timedelta(hours=1))
    sara = schedule(store, "hold:4", customer="ig-sara", kind=kind)
    reminder = schedule(store, "order:1042", kind=due_work.PAYMENT_REMINDER, order_number=1042)
    assert sent and claimed and pending and sara and reminder and held.id == claimed.id

    assert run(store, due_work.cancel_pending, kind, customer_id="ig-ali", reason="ordered", now=NOW) == 2
    assert [item(store, i.id).status for i in (sent, claimed, pending, sara, reminder)] == [
        due_work.SENT, due_work.SKIPPED, due_work.SKIPPED, due_work.PENDING, due_work.PENDING,
    ]  # fmt: skip
    assert item(store, pending.id).reason == "ordered"
    assert not run(store, due_work.renew, held.id, "w1", LEASE, NOW)  # the worker holding it must not send
    assert not run(store, due_work.mark_sent, held.id, "w1", NOW)

    assert run(store, due_work.cancel_pending, due_work.PAYMENT_REMINDER, order_number=1042, reason="paid") == 1
    assert item(store, reminder.id).status == due_work.SKIPPED
    with pytest.raises(ValueError, match="whose"):
        run(store, due_work.cancel_pending, kind, reason="everyone")


def test_recent_lists_newest_first_and_filters_by_status(store: sessionmaker) -> None:
    items = [schedule(store, f"order:{n}") for n in range(4)]
    (claimed, *_) = claim(store, limit=1)
    assert run(store, due_work.mark_skipped, claimed.id, "w1", "customer opted out", NOW)
    assert [i.id for i in run(store, due_work.recent)] == [i.id for i in reversed(items)]  # type: ignore[union-attr]
    assert [i.id for i in run(store, due_work.recent, limit=2)] == [items[3].id, items[2].id]  # type: ignore[union-attr]
    skipped = run(store, due_work.recent, [due_work.SKIPPED])
    assert [(s.id, s.reason) for s in skipped] == [(claimed.id, "customer opted out")]
    with pytest.raises(ValueError, match="unknown statuses"):
        run(store, due_work.recent, ["done"])


def test_0011_goes_down_and_up(store: sessionmaker, store_url: str) -> None:
    schedule(store, "order:1")
    schema.downgrade(store_url, "0010")
    engine = make_engine(store_url)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            listing = (
                "SELECT name FROM sqlite_master WHERE type='table'"
                if sqlite
                else "SELECT tablename FROM pg_tables WHERE schemaname='public'"
            )
            tables = set(connection.execute(text(listing)).scalars())
    finally:
        engine.dispose()
    created = {"due_work", "messaging_optouts", "owner_notifications", "low_stock_alerts", "ratings"}
    assert not created & tables and "owner_actions" in tables
    schema.upgrade(store_url)
    assert run(store, due_work.recent) == []
