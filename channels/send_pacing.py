"""Send API pacing shared by every replica, when Redis is configured.

Meta limits Send API calls per Instagram professional account, not per server process.
``instagram_send.Pacer`` spreads one process's calls at ``calls_per_second``; three Rasa
replicas each pacing at 90/s would together send 270/s for one account. With
``REDIS_URL`` set, ``RedisPacer`` reserves each call's slot in one Redis key per
account, so all replicas together stay at ``calls_per_second``: a Lua script reads
the next free slot, moves it one interval on and answers how long to wait, atomically,
on Redis's clock (replicas' clocks may differ). Without ``REDIS_URL`` (one machine, the
default) the in-process ``Pacer`` is used, as before.

When Redis cannot be reached the call is paced in the process instead, with a warning:
sending goes on, and should the replicas together exceed Meta's limit, its 429 answers
are retried with backoff (``GraphApiClient.request``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time

import redis
import redis.asyncio

from channels.instagram_send import GraphConfig, Pacer, Pacing
from inventory_db import settings

logger = logging.getLogger(__name__)

KEY_PREFIX = "shop:send-pace:"
WARN_EVERY_S = 60.0

# ARGV[1]: the interval in microseconds. Returns how many microseconds to wait before calling.
# string.format keeps every digit: Lua 5.1 would write 1.7e15 with 14 significant ones.
_RESERVE = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local reserved = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, reserved)
redis.call('SET', KEYS[1], string.format('%.0f', start + tonumber(ARGV[1])), 'PX', 60000)
return string.format('%.0f', start - now)
"""


class RedisPacer:
    """At most ``rate`` calls per second for one account, across every process sharing ``url``."""

    def __init__(self, url: str, rate: float, account_key: str) -> None:
        self._interval_us = int(1_000_000 / rate) if rate > 0 else 0
        self._key = KEY_PREFIX + account_key
        self._url = url
        self._client: redis.asyncio.Redis | None = None
        self._script = None
        self._fallback = Pacer(rate)
        self._warned_at = float("-inf")

    def _reserve(self):  # type: ignore[no-untyped-def]
        if self._client is None:  # made on first use, inside the running loop
            self._client = redis.asyncio.Redis.from_url(self._url, socket_timeout=2.0, socket_connect_timeout=2.0)
            self._script = self._client.register_script(_RESERVE)
        return self._script

    async def wait(self) -> None:
        if self._interval_us == 0:
            return
        try:
            wait_us = int(await self._reserve()(keys=[self._key], args=[self._interval_us]))
        except (redis.RedisError, OSError) as error:
            if time.monotonic() - self._warned_at > WARN_EVERY_S:
                self._warned_at = time.monotonic()
                logger.warning("Send API pacing: Redis unreachable (%s); pacing in this process only", error)
            await self.close()  # a fresh client next time
            await self._fallback.wait()
            return
        if wait_us > 0:
            await asyncio.sleep(wait_us / 1_000_000)

    async def close(self) -> None:
        client, self._client, self._script = self._client, None, None
        if client is not None:
            try:
                await client.close()
            except Exception:  # already broken: nothing to give back
                pass


def account_key(config: GraphConfig) -> str:
    """One key per Instagram account: its id when configured, else a digest of its token ("me")."""
    if config.account_id and config.account_id != "me":
        return config.account_id
    return "token-" + hashlib.sha256(config.access_token.encode("utf-8")).hexdigest()[:16]


def pacer_for(config: GraphConfig) -> Pacing:
    """Shared pacing when ``REDIS_URL`` is set, else this process's own."""
    url = settings.redis_url()
    if url:
        return RedisPacer(url, config.calls_per_second, account_key(config))
    return Pacer(config.calls_per_second)
