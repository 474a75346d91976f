"""The durable inbox and the outbound ledger on a real, migrated store (SQLite, and
PostgreSQL where two processes' workers race for the same events)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from inventory_db import inbox, outbox
from inventory_db.database import make_engine, make_session_factory, transaction
from inventory_db.message_log_models import InboundEvent

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
LEASE = timedelta(seconds=30)


def _event(external_id: str, sender: str = "42", at_ms: int = 1000) -> inbox.NewEvent:
    return inbox.NewEvent("message", external_id, sender, at_ms, '{"item": {}}')


def _lease(sessions: sessionmaker, owner: str = "w1", limit: int = 10, now: datetime = NOW) -> list[str]:
    with transaction(sessions) as session:
        return [event.external_id for event in inbox.lease_ready(session, owner, limit, LEASE, now)]


def test_an_event_is_stored_once_however_often_it_is_delivered(session_factory: sessionmaker) -> None:
    with transaction(session_factory) as session:
        assert inbox.store(session, [_event("m1"), _event("m2")]) == 2
        assert inbox.store(session, [_event("m1"), _event("m3")]) == 1
    with transaction(session_factory) as session:
        assert inbox.counts(session).pending == 3


def test_concurrent_deliveries_of_one_event_store_it_once(database_url: str) -> None:
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)

    def deliver(_: int) -> int:
        with transaction(sessions) as session:
            return inbox.store(session, [_event("m-race")])

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(deliver, range(16)))
    engine.dispose()
    assert sum(results) == 1


def test_each_customer_gets_one_event_at_a_time_in_the_order_they_wrote(session_factory: sessionmaker) -> None:
    with transaction(session_factory) as session:
        inbox.store(session, [_event("a2", "a", 2000), _event("a1", "a", 1000), _event("b1", "b", 1500)])
    assert sorted(_lease(session_factory)) == ["a1", "b1"]  # a2 waits behind a1
    assert _lease(session_factory) == []  # both customers are in hand
    with transaction(session_factory) as session:
        first = session.execute(select(InboundEvent.id).where(InboundEvent.external_id == "a1")).scalar_one()
        assert inbox.complete(session, first, "w1", "done", NOW)
    assert _lease(session_factory) == ["a2"]


def test_a_crashed_workers_events_are_taken_over_when_its_lease_runs_out(session_factory: sessionmaker) -> None:
    with transaction(session_factory) as session:
        inbox.store(session, [_event("m1")])
    assert _lease(session_factory, "crashed") == ["m1"]
    assert _lease(session_factory, "w2", now=NOW + LEASE / 2) == []
    with transaction(session_factory) as session:
        taken = inbox.lease_ready(session, "w2", 10, LEASE, NOW + LEASE + timedelta(seconds=1))
    assert [(event.external_id, event.attempts) for event in taken] == [("m1", 2)]
    with transaction(session_factory) as session:  # the crashed worker's late answer no longer counts
        assert not inbox.complete(session, taken[0].id, "crashed", "done", NOW)
        assert inbox.complete(session, taken[0].id, "w2", "done", NOW)


def test_a_failed_event_waits_for_its_retry_and_blocks_the_customers_later_ones(
    session_factory: sessionmaker,
) -> None:
    with transaction(session_factory) as session:
        inbox.store(session, [_event("m1", at_ms=1), _event("m2", at_ms=2)])
        (event,) = inbox.lease_ready(session, "w1", 1, LEASE, NOW)
        assert inbox.retry_later(session, event.id, "w1", "boom", NOW + timedelta(seconds=10), NOW)
    assert _lease(session_factory, now=NOW + timedelta(seconds=5)) == []
    assert _lease(session_factory, now=NOW + timedelta(seconds=11)) == ["m1"]
    with transaction(session_factory) as session:
        (event,) = inbox.lease_ready(session, "w9", 1, LEASE, NOW + timedelta(hours=1))
        assert inbox.retry_later(session, event.id, "w9", "boom again", None, NOW)
        assert inbox.counts(session) == inbox.InboxCounts(pending=1, leased=0, done=0, gave_up=1)
    assert _lease(session_factory, now=NOW + timedelta(hours=2)) == ["m2"]


def test_an_event_handed_back_at_shutdown_is_leased_again_without_counting_a_try(
    session_factory: sessionmaker,
) -> None:
    with transaction(session_factory) as session:
        inbox.store(session, [_event("m1")])
        (event,) = inbox.lease_ready(session, "w1", 1, LEASE, NOW)
        assert inbox.release(session, event.id, "w1")
        (again,) = inbox.lease_ready(session, "w2", 1, LEASE, NOW)
    assert again.attempts == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_workers_of_two_processes_never_lease_the_same_event(
    backend: str, database_url: str, request: pytest.FixtureRequest
) -> None:
    url = database_url if backend == "sqlite" else request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        inbox.store(session, [_event(f"m{n}", f"c{n % 10}", n) for n in range(60)])

    def worker(owner: str) -> list[str]:
        handled: list[str] = []
        for _ in range(200):
            with transaction(sessions) as session:
                leased = inbox.lease_ready(session, owner, 3, LEASE, NOW)
                for event in leased:
                    inbox.complete(session, event.id, owner, "done", NOW)
            handled += [event.external_id for event in leased]
            if not leased and len(handled) > 0:
                with transaction(sessions) as session:
                    if inbox.counts(session).pending == 0:
                        break
        return handled

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(worker, ["p1", "p2", "p3", "p4"]))
    engine.dispose()
    handled = [external_id for result in results for external_id in result]
    assert sorted(handled) == sorted(f"m{n}" for n in range(60))  # every one, none twice


def test_a_reply_is_claimed_once_per_turn_and_position(session_factory: sessionmaker) -> None:
    with transaction(session_factory) as session:
        assert outbox.begin_send(session, "mid-1", 0, "42")
        outbox.mark_sent(session, "mid-1", 0)
        assert outbox.begin_send(session, "mid-1", 1, "42")  # crashed before Meta answered: unconfirmed
    with transaction(session_factory) as session:  # the retried turn
        assert not outbox.begin_send(session, "mid-1", 0, "42")
        assert not outbox.begin_send(session, "mid-1", 1, "42")  # never risk a doubled message
        assert outbox.begin_send(session, "mid-1", 2, "42")
        assert outbox.sent_count(session, "mid-1") == 1


def test_offered_payloads_are_per_customer_and_capped(session_factory: sessionmaker) -> None:
    with transaction(session_factory) as session:
        outbox.offer(session, "42", ["/affirm", "/affirm", None, "x" * 1001])
        assert outbox.was_offered(session, "42", "/affirm")
        assert not outbox.was_offered(session, "43", "/affirm")
        assert not outbox.was_offered(session, "42", "x" * 1001)
