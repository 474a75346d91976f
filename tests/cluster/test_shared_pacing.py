"""Send API pacing: one account's rate shared by every replica when REDIS_URL is set."""

from __future__ import annotations

import asyncio
import time

import pytest

from channels.instagram_send import GraphApiClient, GraphConfig, Pacer
from channels.send_pacing import RedisPacer, account_key, pacer_for
from tests.redis_server import RedisServer

RATE = 50.0  # calls per second for the account
CALLS = 30  # split between two replicas


async def _call_times(pacers: list, calls: int) -> list[float]:
    times: list[float] = []

    async def call(pacer) -> None:  # type: ignore[no-untyped-def]
        await pacer.wait()
        times.append(time.monotonic())

    await asyncio.gather(*(call(pacers[n % len(pacers)]) for n in range(calls)))
    return sorted(times)


async def test_two_replicas_together_stay_under_the_accounts_rate(redis_url: str) -> None:
    replicas = [RedisPacer(redis_url, RATE, "17841400000001") for _ in range(2)]
    times = await _call_times(replicas, CALLS)
    span = times[-1] - times[0]
    assert span >= (CALLS - 1) / RATE * 0.9  # 0.58 s: one rate for both, not 50/s each
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert sorted(gaps)[len(gaps) // 2] >= 0.8 / RATE  # evenly spread, not in bursts
    for pacer in replicas:
        await pacer.close()


async def test_per_process_pacers_would_send_twice_the_rate() -> None:
    """What the shared pacer fixes: each process's own Pacer paces only its own calls."""
    times = await _call_times([Pacer(RATE), Pacer(RATE)], CALLS)
    assert times[-1] - times[0] < (CALLS - 1) / RATE * 0.75  # ideally half


async def test_other_accounts_are_paced_apart(redis_url: str) -> None:
    shop_a, shop_b = RedisPacer(redis_url, RATE, "a"), RedisPacer(redis_url, RATE, "b")
    times = await _call_times([shop_a, shop_b], 20)
    assert times[-1] - times[0] < 19 / RATE * 0.8  # each account has its own 50/s: ideally half
    await shop_a.close()
    await shop_b.close()


async def test_redis_down_falls_back_to_pacing_in_the_process(redis_url: str, redis_server: RedisServer) -> None:
    pacer = RedisPacer(redis_url, RATE, "down")
    await pacer.wait()
    redis_server.stop()
    try:
        times = await asyncio.wait_for(_call_times([pacer], 10), 10)
        assert times[-1] - times[0] >= 9 / RATE * 0.9  # still paced, by this process
    finally:
        redis_server.start()
    await pacer.wait()  # Redis back: shared again (a fresh connection)
    await pacer.close()


def test_redis_is_used_only_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    config = GraphConfig(access_token="secret-access-token", account_id="me")
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert isinstance(pacer_for(config), Pacer)
    assert isinstance(GraphApiClient(config)._pacer, Pacer)  # the single-machine default, unchanged
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    assert isinstance(pacer_for(config), RedisPacer)
    assert account_key(config) != "me" and "secret" not in account_key(config)
    assert account_key(GraphConfig(access_token="token", account_id="17841400000001")) == "17841400000001"
