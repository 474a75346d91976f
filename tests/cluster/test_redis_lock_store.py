"""The project's Redis lock store against a real ``redis-server``, as two Rasa replicas use it."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
import redis
from rasa.core.lock_store import LockError, LockStore, RedisLockStore
from rasa.core.utils import number_of_sanic_workers
from rasa.utils.endpoints import EndpointConfig

from serving.redis_lock_store import AtomicRedisLockStore
from tests.redis_server import RedisServer

CONVERSATION = "17841400000000"


def replica(url: str) -> AtomicRedisLockStore:
    """One Rasa replica's lock store: its own client and connections."""
    return AtomicRedisLockStore(url=url, poll_s=0.01)


def test_two_replicas_never_hold_one_conversation_at_once(redis_url: str) -> None:
    stores = [replica(redis_url), replica(redis_url)]
    guard = threading.Lock()
    inside = 0
    most_inside = 0
    turns = 0

    async def turns_of(store: AtomicRedisLockStore) -> None:
        nonlocal inside, most_inside, turns
        for _ in range(15):
            async with store.lock(CONVERSATION, lock_lifetime=30):
                with guard:
                    inside += 1
                    most_inside = max(most_inside, inside)
                await asyncio.sleep(0.002)  # the turn; another thread may try to get in meanwhile
                with guard:
                    inside -= 1
                    turns += 1

    threads = [threading.Thread(target=asyncio.run, args=(turns_of(stores[i % 2]),)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert turns == 6 * 15
    assert most_inside == 1
    assert stores[0].get_lock(CONVERSATION) is None  # nothing left behind


def test_rasas_own_redis_lock_store_can_issue_one_ticket_twice(redis_url: str, redis_server: RedisServer) -> None:
    """Why this store exists: Rasa's reads the ticket list, then writes it back (rasa #9213)."""
    first, second = (RedisLockStore(host="127.0.0.1", port=redis_server.port, db=0) for _ in range(2))
    lock_a = first.get_or_create_lock(CONVERSATION)  # both replicas read before either writes
    lock_b = second.get_or_create_lock(CONVERSATION)
    ticket_a, ticket_b = lock_a.issue_ticket(30), lock_b.issue_ticket(30)
    first.save_lock(lock_a)
    second.save_lock(lock_b)
    assert ticket_a == ticket_b  # both turns think they hold the lock

    ours = [replica(redis_url), replica(redis_url)]
    issued = []
    threads = [
        threading.Thread(target=lambda s=s: issued.extend(s.issue_ticket("other", 30) for _ in range(50)))
        for s in ours * 2
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(issued) == list(range(1, 201))  # every ticket once


async def test_tickets_are_served_in_the_order_they_were_issued(redis_url: str) -> None:
    stores = [replica(redis_url), replica(redis_url)]
    served: list[int] = []

    async def turn(index: int) -> None:
        async with stores[index % 2].lock(CONVERSATION, lock_lifetime=30):
            served.append(index)
            await asyncio.sleep(0.02)

    tasks = []
    for index in range(8):  # issued one after another, alternating replicas
        tasks.append(asyncio.create_task(turn(index)))
        await asyncio.sleep(0.005)
    await asyncio.gather(*tasks)
    assert served == list(range(8))


async def test_a_holder_that_outlives_its_lock_is_taken_over(redis_url: str) -> None:
    crashed, survivor = replica(redis_url), replica(redis_url)
    ticket = crashed.issue_ticket(CONVERSATION, lock_lifetime=0.4)  # took the lock, then died: never released
    assert crashed.is_serving(CONVERSATION, ticket) is True
    started = time.monotonic()
    async with survivor.lock(CONVERSATION, lock_lifetime=30) as lock:
        waited = time.monotonic() - started
        assert [t.number for t in lock.tickets] == [ticket + 1]
    assert 0.2 < waited < 2.0
    assert crashed.is_serving(CONVERSATION, ticket) is None  # gone: it can no longer think it holds it


async def test_a_ticket_that_expires_while_waiting_fails_instead_of_running_unlocked(redis_url: str) -> None:
    holder, late = replica(redis_url), replica(redis_url)
    holder.issue_ticket(CONVERSATION, lock_lifetime=30)
    with pytest.raises(LockError):
        async with late.lock(CONVERSATION, lock_lifetime=0.2):
            pytest.fail("ran without the lock")


async def test_the_next_call_works_after_redis_restarts(redis_url: str, redis_server: RedisServer) -> None:
    store = replica(redis_url)
    async with store.lock(CONVERSATION):
        pass
    redis_server.restart()  # connections broken, scripts forgotten
    async with store.lock(CONVERSATION) as lock:
        assert len(lock.tickets) == 1
    redis_server.stop()
    with pytest.raises(LockError):  # Redis down: an error Rasa reports, not a turn run without a lock
        store.issue_ticket(CONVERSATION)
    redis_server.start()
    assert store.issue_ticket(CONVERSATION) == 1


def test_rasa_builds_it_from_endpoints_and_allows_several_workers(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = EndpointConfig(url=redis_url, type="serving.redis_lock_store.AtomicRedisLockStore", key_prefix="shop")
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore)
    ticket = store.issue_ticket(CONVERSATION)
    assert redis.Redis.from_url(redis_url).exists(f"shop:lock:{CONVERSATION}")
    store.cleanup(CONVERSATION, ticket)
    assert not redis.Redis.from_url(redis_url).exists(f"shop:lock:{CONVERSATION}")
    monkeypatch.setenv("SANIC_WORKERS", "3")
    assert number_of_sanic_workers(config) == 3


def test_the_url_comes_from_redis_url_when_endpoints_leave_it_out(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    store = LockStore.create(EndpointConfig(type="serving.redis_lock_store.AtomicRedisLockStore"))
    assert store.issue_ticket(CONVERSATION) == 1
    monkeypatch.delenv("REDIS_URL")
    with pytest.raises(ValueError, match="REDIS_URL"):
        AtomicRedisLockStore()


def test_rasas_host_and_port_form_works_too(redis_server: RedisServer, redis_url: str) -> None:
    """As Rasa's RedisLockStore and its Helm chart's lockStore write it: a host, port and db beside it."""
    config = EndpointConfig(
        url="127.0.0.1", type="serving.redis_lock_store.AtomicRedisLockStore", port=str(redis_server.port), db="2"
    )
    store = LockStore.create(config)
    store.issue_ticket(CONVERSATION)
    assert redis.Redis.from_url(redis_server.url.rsplit("/", 1)[0] + "/2").exists(f"lock:{CONVERSATION}")
