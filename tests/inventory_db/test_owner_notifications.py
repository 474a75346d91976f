"""Notifications to the owner on SQLite and PostgreSQL: queued once per (kind, key, channel),
claimed by one worker at a time (also when two race for 50), taken over from a killed
worker, and retried with backoff until failed for good, for the dashboard to show."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import owner_notifications as notes
from inventory_db.errors import TooLong
from tests.inventory_db.claim_race import race
from tests.inventory_db.helpers import run

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
LEASE = timedelta(seconds=30)
SECOND = timedelta(seconds=1)


def enqueue(store: sessionmaker, key: str, channel: str = notes.EMAIL, kind: str = notes.LOW_STOCK,
            **kwargs) -> notes.Notification | None:  # fmt: skip
    return run(store, notes.enqueue, kind, key, channel, f"Low stock: {key}", "۲ عدد مانده", now=NOW, **kwargs)


def claim(store: sessionmaker, worker: str = "w1", now: datetime = NOW, limit: int = 10) -> list[notes.Notification]:
    return run(store, notes.claim_due, worker, now, limit, LEASE)


def read(store: sessionmaker, notification_id: int) -> notes.Notification:
    found = run(store, notes.get, notification_id)
    assert found is not None
    return found


def test_one_notification_per_kind_key_and_channel(store: sessionmaker) -> None:
    email = enqueue(store, "B-21/black/L#3")
    telegram = enqueue(store, "B-21/black/L#3", notes.TELEGRAM)
    assert email and telegram and email.id != telegram.id
    assert enqueue(store, "B-21/black/L#3") is None
    assert enqueue(store, "B-21/black/L#3", notes.TELEGRAM) is None
    assert enqueue(store, "B-21/black/L#4") is not None  # the next crossing is news again
    assert enqueue(store, "B-21/black/L#3", kind=notes.DAILY_SUMMARY) is not None
    assert len(run(store, notes.recent)) == 4
    kept = read(store, email.id)
    assert (kept.status, kept.body, kept.due_at, kept.attempts) == (notes.PENDING, "۲ عدد مانده", NOW, 0)


def test_a_channel_must_be_known_and_a_subject_fit(store: sessionmaker) -> None:
    with pytest.raises(ValueError, match="unknown channel"):
        enqueue(store, "2026-12-02", "sms")
    with pytest.raises(TooLong):
        run(store, notes.enqueue, notes.DAILY_SUMMARY, "2026-12-02", notes.EMAIL, "s" * 201, "body", now=NOW)
    assert run(store, notes.recent) == []


def test_a_notification_for_later_waits_until_then(store: sessionmaker) -> None:
    summary = enqueue(store, "2026-12-02", kind=notes.DAILY_SUMMARY, due_at=NOW + timedelta(hours=9))
    assert summary is not None and claim(store) == []
    assert [c.id for c in claim(store, now=NOW + timedelta(hours=9))] == [summary.id]


def test_two_workers_racing_for_fifty_notifications_claim_each_once(store: sessionmaker, store_url: str) -> None:
    channels = (notes.EMAIL, notes.TELEGRAM)
    ids = [enqueue(store, f"V-{n // 2}#1", channels[n % 2]).id for n in range(50)]  # type: ignore[union-attr]

    def claim_some(session, worker: str, now: datetime) -> list[int]:  # type: ignore[no-untyped-def]
        return [found.id for found in notes.claim_due(session, worker, now, 3, LEASE)]

    claimed = race(store_url, claim_some, notes.mark_sent, NOW)
    every = [item_id for ids_of_one in claimed.values() for item_id in ids_of_one]
    assert sorted(every) == sorted(ids)
    sent = run(store, notes.recent, [notes.SENT])
    assert len(sent) == 50 and all(s.attempts == 1 and s.sent_at == NOW for s in sent)


def test_a_killed_workers_notification_is_taken_over_and_not_its_to_finish(store: sessionmaker) -> None:
    queued = enqueue(store, "2026-12-02", kind=notes.DAILY_SUMMARY)
    assert queued is not None
    (mine,) = claim(store, "killed")
    assert claim(store, "w2", NOW + LEASE) == []
    (taken,) = claim(store, "w2", NOW + LEASE + SECOND)
    assert (taken.claimed_by, taken.attempts) == ("w2", 2)
    later = NOW + timedelta(minutes=1)
    assert not run(store, notes.renew, mine.id, "killed", LEASE, later)
    assert not run(store, notes.mark_sent, mine.id, "killed", later)
    assert not run(store, notes.mark_failed, mine.id, "killed", "smtp down", later)
    assert run(store, notes.mark_sent, mine.id, "w2", later)
    done = read(store, mine.id)
    assert (done.status, done.sent_at, done.lease_until, done.last_error) == (notes.SENT, later, None, None)


def test_a_failing_notification_backs_off_then_fails_for_good_with_its_error(store: sessionmaker) -> None:
    queued = enqueue(store, "B-21/black/L#1", notes.TELEGRAM)
    assert queued is not None
    now = NOW
    waits = []
    for _ in range(notes.MAX_ATTEMPTS - 1):
        (claimed,) = claim(store, now=now)
        retry_at = notes.retry_time(claimed.attempts, now)
        assert run(store, notes.mark_failed, claimed.id, "w1", f"telegram 502 on try {claimed.attempts}", retry_at)
        assert claim(store, now=retry_at - SECOND) == []
        waits.append(retry_at - now)
        now = retry_at
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert read(store, queued.id).last_error == "telegram 502 on try 4"
    (last,) = claim(store, now=now)
    assert last.attempts == notes.MAX_ATTEMPTS
    assert run(store, notes.mark_failed, last.id, "w1", "telegram 502 again", notes.retry_time(5, now))
    failed = run(store, notes.recent, [notes.FAILED])
    assert [(f.id, f.last_error, f.sent_at) for f in failed] == [(queued.id, "telegram 502 again", None)]
    assert claim(store, now=now + timedelta(days=1)) == []


def test_failing_without_a_retry_time_is_for_good(store: sessionmaker) -> None:
    queued = enqueue(store, "B-21/black/L#1")
    (claimed,) = claim(store)
    assert run(store, notes.mark_failed, claimed.id, "w1", "no owner email set", None)
    assert queued is not None and read(store, queued.id).status == notes.FAILED
