"""Rasa's conversation lock on Redis, with tickets issued and released atomically.

Rasa serialises the turns of one conversation with a ticket lock: each incoming message
takes the next ticket, waits until it is the lowest unexpired one, runs, and gives the
ticket back. Rasa 3.6's ``RedisLockStore`` keeps a conversation's tickets as one JSON value
read with GET and written back with SET, so two replicas that take a ticket at the same
moment both read "last issued: 4" and both issue 5: both run the turn at once and the
tracker loses one of them (rasa issue #9213). The atomic store is not in open source.

Here each conversation is one Redis hash, ``<prefix>lock:<conversation>``: the field
``last`` is the last ticket number issued (HINCRBY), each ``t:<number>`` field the expiry,
in milliseconds, of one waiting or running ticket. Every operation that reads and then
writes (issue, check, release) is one Lua script, which Redis runs with nothing else in
between, so no replica ever sees a half-made change. Why scripts rather than WATCH/MULTI:
a WATCH transaction is retried by the client whenever another replica touched the key,
which is exactly when the conversation is busy, and a list with INCR would still need a
script to drop expired tickets from its middle. Expiry uses Redis's own clock (``TIME``),
so replicas on machines whose clocks differ agree on which ticket has run out.

Lifetime is Rasa's: a ticket expires ``lock_lifetime`` seconds after it was issued
(``TICKET_LOCK_LIFETIME``, default 60 s), whether it is waiting or running, and the next
ticket is then served, so a replica that died holding the lock delays the conversation by
at most that long. The hash itself expires a second after its last ticket would, so a lock
abandoned by a crash does not stay in Redis.

Rasa's base class waits a fixed second between checks; here the wait is ``poll_s``
(default 0.05 s), so the second message of a burst does not sit a second behind the first.
Calls use redis-py's blocking client, as Rasa's own Redis lock store does (``issue_ticket``
is synchronous in Rasa's interface): each is one round trip of well under a millisecond on
a local network. A connection that broke (Redis restarted) is made again on the next call;
the scripts are loaded again when Redis has forgotten them. Redis kept in memory only loses
the tickets in flight when it restarts: a turn waiting then gets a ``LockError`` and fails,
and the Instagram inbox retries it (``channels/instagram_worker.py``).

endpoints.yml::

    lock_store:
      type: serving.redis_lock_store.AtomicRedisLockStore
      url: ${REDIS_URL}          # redis://host:port/db; empty: REDIS_URL from the environment
      key_prefix: shop           # optional, alphanumeric

or, as Rasa's own Redis lock store and its Helm chart write it, ``url`` a host name with
``port`` (6379), ``db`` (1), ``username``, ``password`` and ``use_ssl`` beside it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from inventory_db import settings

logger = logging.getLogger(__name__)

DEFAULT_KEY_PREFIX = "lock:"
DEFAULT_POLL_S = 0.05
DEFAULT_SOCKET_TIMEOUT_S = 10.0
KEY_GRACE_MS = 1000  # the hash outlives its last ticket by this much

# Shared by the scripts: Redis's clock in ms, and dropping the expired tickets of KEYS[1].
_PRELUDE = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local function live_tickets()
  local flat = redis.call('HGETALL', KEYS[1])
  local live = {}
  for i = 1, #flat, 2 do
    local name = flat[i]
    if string.sub(name, 1, 2) == 't:' then
      if tonumber(flat[i + 1]) <= now then
        redis.call('HDEL', KEYS[1], name)
      else
        live[#live + 1] = {tonumber(string.sub(name, 3)), tonumber(flat[i + 1])}
      end
    end
  end
  return live
end
"""

# ARGV[1]: lifetime in ms. Returns the new ticket's number.
_ISSUE = (
    _PRELUDE
    + """
live_tickets()
local number = redis.call('HINCRBY', KEYS[1], 'last', 1)
local expires = now + tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 't:' .. number, expires)
local grace = tonumber(ARGV[1]) + tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < grace then redis.call('PEXPIRE', KEYS[1], grace) end
return number
"""
)

# ARGV[1]: a ticket. Returns 1 when it is served now, 0 when it waits, -1 when it is gone (expired).
_SERVING = (
    _PRELUDE
    + """
local live = live_tickets()
local mine = tonumber(ARGV[1])
local lowest = nil
local found = false
for _, ticket in ipairs(live) do
  if ticket[1] == mine then found = true end
  if lowest == nil or ticket[1] < lowest then lowest = ticket[1] end
end
if not found then
  if #live == 0 then redis.call('DEL', KEYS[1]) end
  return -1
end
if lowest == mine then return 1 end
return 0
"""
)

# ARGV[1]: a ticket. Gives it back; the whole lock goes when no ticket is left. Returns how many are left.
_RELEASE = (
    _PRELUDE
    + """
redis.call('HDEL', KEYS[1], 't:' .. ARGV[1])
local live = live_tickets()
if #live == 0 then redis.call('DEL', KEYS[1]) end
return #live
"""
)

# The live tickets, flattened (number, expires_ms, ...), and Redis's clock in ms last.
_STATE = (
    _PRELUDE
    + """
local live = live_tickets()
local flat = {}
for _, ticket in ipairs(live) do
  flat[#flat + 1] = ticket[1]
  flat[#flat + 1] = ticket[2]
end
if #live == 0 then redis.call('DEL', KEYS[1]) end
flat[#flat + 1] = now
return flat
"""
)


def _redis_url(url: str, options: dict[str, Any]) -> str:
    """``url`` itself when it is one (redis://, rediss://, unix://); else Rasa's host-and-options form."""
    if "://" in url:
        return url
    scheme = "rediss" if str(options.get("use_ssl", "")).lower() in ("1", "true", "yes") else "redis"
    user, password = options.get("username") or "", options.get("password") or ""
    login = f"{quote(str(user), safe='')}:{quote(str(password), safe='')}@" if (user or password) else ""
    return f"{scheme}://{login}{url}:{int(options.get('port') or 6379)}/{int(options.get('db') or 1)}"


def _key_prefix(prefix: str | None) -> str:
    if prefix and not str(prefix).isalnum():
        raise ValueError(f"the lock store's key_prefix must be alphanumeric, not {prefix!r}")
    return f"{prefix}:{DEFAULT_KEY_PREFIX}" if prefix else DEFAULT_KEY_PREFIX


class AtomicRedisLockStore(LockStore):
    """Rasa's ``LockStore`` on Redis, safe with several Rasa replicas (see the module's docstring)."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        *,
        url: str | None = None,
        key_prefix: str | None = None,
        poll_s: float | None = None,
        socket_timeout: float | None = None,
    ) -> None:
        """From Rasa's endpoint config (``url``, ``key_prefix``, ``poll_s``, ``socket_timeout``),
        or the same as keywords; ``url`` falls back to ``REDIS_URL``."""
        options: dict[str, Any] = dict(endpoint_config.kwargs) if endpoint_config else {}
        url = url or (endpoint_config.url if endpoint_config else None) or settings.redis_url()
        if not url:
            raise ValueError("AtomicRedisLockStore needs a Redis URL: set REDIS_URL or the lock store's url")
        self.key_prefix = _key_prefix(key_prefix if key_prefix is not None else options.get("key_prefix"))
        self.poll_s = float(poll_s if poll_s is not None else options.get("poll_s", DEFAULT_POLL_S))
        timeout = float(socket_timeout or options.get("socket_timeout", DEFAULT_SOCKET_TIMEOUT_S))
        self.red = redis.Redis.from_url(
            _redis_url(url, options),
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            # A connection broken by a Redis restart is dropped and made again, a few times.
            retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), 3),
            retry_on_error=[redis.ConnectionError, redis.TimeoutError],
            health_check_interval=30,
        )
        self._issue = self.red.register_script(_ISSUE)
        self._serving = self.red.register_script(_SERVING)
        self._release = self.red.register_script(_RELEASE)
        self._state = self.red.register_script(_STATE)
        super().__init__()

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    # --- the atomic operations ---------------------------------------------------------

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """The next ticket for ``conversation_id``, valid for ``lock_lifetime`` seconds."""
        try:
            return int(self._issue(keys=[self._key(conversation_id)], args=[int(lock_lifetime * 1000), KEY_GRACE_MS]))
        except redis.RedisError as error:
            raise LockError(f"Could not issue a ticket for conversation '{conversation_id}': {error}") from error

    def is_serving(self, conversation_id: str, ticket: int) -> bool | None:
        """True when ``ticket`` holds the lock now, False while it waits, None when it expired."""
        answer = int(self._serving(keys=[self._key(conversation_id)], args=[ticket]))
        return None if answer < 0 else bool(answer)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Give ``ticket_number`` back; the lock is deleted when no ticket is left."""
        self._release(keys=[self._key(conversation_id)], args=[ticket_number])

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give the ticket back (one script: the lock goes only if nobody is waiting)."""
        try:
            self.finish_serving(conversation_id, ticket_number)
        except redis.RedisError as error:  # the ticket expires by itself
            logger.warning("Could not release ticket %d of '%s': %s", ticket_number, conversation_id, error)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold ``conversation_id``'s lock: take a ticket, wait for its turn, give it back.

        Waits ``poll_s`` between checks (``wait_time_in_seconds`` caps it). ``LockError``
        when the ticket expired before its turn came (earlier holders took too long).
        """
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._wait_for_turn(conversation_id, ticket, min(self.poll_s, wait_time_in_seconds))
        finally:
            self.cleanup(conversation_id, ticket)

    async def _wait_for_turn(self, conversation_id: str, ticket: int, poll_s: float) -> TicketLock:
        while True:
            try:
                serving = self.is_serving(conversation_id, ticket)
            except redis.RedisError as error:
                raise LockError(f"Could not check the lock of conversation '{conversation_id}': {error}") from error
            if serving is None:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            if serving:
                lock = self.get_lock(conversation_id)
                return lock or TicketLock(conversation_id)
            await asyncio.sleep(poll_s)

    # --- the rest of Rasa's interface -------------------------------------------------

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """The live tickets as Rasa's ``TicketLock`` (expiry in this machine's epoch seconds)."""
        flat = [int(value) for value in self._state(keys=[self._key(conversation_id)])]
        redis_now_ms, pairs = flat[-1], flat[:-1]
        if not pairs:
            return None
        offset = time.time() - redis_now_ms / 1000  # Redis's clock → this machine's, for Ticket.has_expired
        tickets = sorted(
            (Ticket(pairs[i], pairs[i + 1] / 1000 + offset) for i in range(0, len(pairs), 2)),
            key=lambda ticket: ticket.number,
        )
        return TicketLock(conversation_id, deque(tickets))

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets (every script does this already)."""
        self._state(keys=[self._key(conversation_id)])

    def is_someone_waiting(self, conversation_id: str) -> bool:
        return self.get_lock(conversation_id) is not None

    def delete_lock(self, conversation_id: str) -> None:
        deleted = self.red.delete(self._key(conversation_id))
        self._log_deletion(conversation_id, bool(deleted))

    def save_lock(self, lock: TicketLock) -> None:
        """Replace the conversation's tickets with ``lock``'s, in one MULTI (the store never needs it)."""
        key = self._key(lock.conversation_id)
        now = time.time()
        fields: dict[str, Any] = {f"t:{t.number}": int(t.expires * 1000) for t in lock.tickets if t.expires > now}
        with self.red.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            if fields:
                fields["last"] = max(t.number for t in lock.tickets)
                pipe.hset(key, mapping=fields)
                longest = max(t.expires for t in lock.tickets) - now
                pipe.pexpire(key, int(longest * 1000) + KEY_GRACE_MS)
            pipe.execute()
