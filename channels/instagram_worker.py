"""Background processing of the durable inbox: leased events, per-customer order, retries.

The webhook only stores events (``inventory_db.inbox``) and answers 200; Meta waits
about 20 seconds and a bot turn can take longer. ``InboxWorkers`` then leases
what is ready, each customer's messages one at a time in the order they wrote, and
runs up to ``workers`` customers side by side. A turn that fails is tried again
after a backoff; after the last attempt the channel's ``on_gave_up`` tells the
customer and the owner. Leases are renewed while a turn runs; a crashed process's
leases run out and another worker (or the restarted process) takes the events over.
Shutting down stops leasing, lets running turns finish for a grace period, and hands
the rest back to the inbox: nothing is dropped.

The database is the queue, so memory stays bounded however much arrives: at most
``workers`` events are in hand at once, the rest wait as rows. It is also why several
replicas may work one inbox: leasing is a conditional UPDATE, and a customer's next event
is leasable only once the earlier one is finished, whichever process holds it; what this
class keeps in memory is only the events this process has in hand
(tests/cluster/test_channel_replicas.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from inventory_db import inbox
from inventory_db.inbox import LeasedEvent
from inventory_db.models import utcnow

logger = logging.getLogger(__name__)

T = TypeVar("T")
Db = Callable[[Callable[[Session], T]], Awaitable[T]]
Handle = Callable[[LeasedEvent], Awaitable[str]]
GaveUp = Callable[[LeasedEvent, str], Awaitable[None]]


@dataclass(frozen=True)
class InboxSettings:
    """How the inbox is worked; each can be set in credentials.yml under the channel."""

    workers: int = 16  # customers handled side by side in this process
    lease_s: float = 60.0  # how long a crashed worker's event waits before another takes it
    poll_s: float = 1.0  # how often to look for work nobody woke us for (retries, other processes)
    max_attempts: int = 5
    retry_base_s: float = 2.0
    retry_max_s: float = 60.0
    shutdown_grace_s: float = 10.0

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any]) -> InboxSettings:
        """``inbox_<name>`` keys override the defaults (e.g. ``inbox_lease_s: 30``)."""
        values: dict[str, Any] = {}
        for setting in fields(cls):
            raw = credentials.get(f"inbox_{setting.name}")
            if raw in (None, ""):
                continue
            number = float(raw)
            if number <= 0:
                raise ValueError(f"inbox_{setting.name} must be positive, not {raw!r}")
            values[setting.name] = int(number) if setting.type in ("int", int) else number
        return cls(**values)

    def retry_delay(self, attempts: int) -> float:
        """Exponential backoff with jitter, so a burst of failures does not retry in step."""
        ceiling = min(self.retry_max_s, self.retry_base_s * 2 ** max(attempts - 1, 0))
        return random.uniform(ceiling / 2, ceiling)


def worker_name() -> str:
    """Unique per process and start: a restarted process never mistakes old leases for its own."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class InboxWorkers:
    """Leases events from the inbox and runs ``handle`` on each, with retries and leases."""

    def __init__(
        self,
        db: Db,
        handle: Handle,
        on_gave_up: GaveUp,
        settings: InboxSettings = InboxSettings(),
        owner: str | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._db = db
        self._handle = handle
        self._on_gave_up = on_gave_up
        self.settings = settings
        self.owner = owner or worker_name()
        self._clock = clock
        self._running: dict[int, tuple[asyncio.Task, LeasedEvent]] = {}
        self._wake: asyncio.Event | None = None
        self._loop_task: asyncio.Task | None = None
        self._stopping = False

    @property
    def _lease(self) -> timedelta:
        return timedelta(seconds=self.settings.lease_s)

    def start(self) -> None:
        """Begin leasing on the running event loop (events left by an earlier run included)."""
        if self._loop_task is None:
            self._wake = asyncio.Event()
            self._loop_task = asyncio.get_running_loop().create_task(self._run())

    def wake(self) -> None:
        """New events were stored: look now rather than at the next poll."""
        if self._wake is not None:
            self._wake.set()

    @property
    def in_hand(self) -> int:
        return len(self._running)

    async def _run(self) -> None:
        assert self._wake is not None
        while not self._stopping:
            self._wake.clear()
            free = self.settings.workers - len(self._running)
            if free > 0:
                await self._lease_more(free)
            try:
                await asyncio.wait_for(self._wake.wait(), self.settings.poll_s)
            except asyncio.TimeoutError:
                pass

    async def _lease_more(self, free: int) -> None:
        busy = [event.sender_id for _, event in self._running.values()]
        try:
            leased = await self._db(
                lambda s: inbox.lease_ready(s, self.owner, free, self._lease, self._clock(), busy=busy)
            )
        except Exception as error:  # the database is locked or down: the events wait, we look again
            logger.warning("Inbox: could not lease events (%s); trying again shortly", error)
            return
        for event in leased:
            task = asyncio.get_running_loop().create_task(self._work(event))
            self._running[event.id] = (task, event)

    async def _work(self, event: LeasedEvent) -> None:
        renewal = asyncio.get_running_loop().create_task(self._keep_lease(event))
        try:
            try:
                outcome = await self._handle(event)
            except asyncio.CancelledError:
                await self._settle(lambda s: inbox.release(s, event.id, self.owner), event, "hand back")
                raise
            except Exception as error:  # a failed turn: Rasa, the action server or the database
                await self._failed(event, f"{type(error).__name__}: {error}")
            else:
                await self._settle(lambda s: inbox.complete(s, event.id, self.owner, outcome), event, "complete")
        finally:
            renewal.cancel()
            self._running.pop(event.id, None)
            self.wake()

    async def _failed(self, event: LeasedEvent, error: str) -> None:
        if event.attempts < self.settings.max_attempts:
            delay = self.settings.retry_delay(event.attempts)
            logger.warning(
                "Inbox: %s %s failed (attempt %d of %d): %s; retrying in %.1f s",
                event.kind,
                event.external_id,
                event.attempts,
                self.settings.max_attempts,
                error,
                delay,
            )
            retry_at = self._clock() + timedelta(seconds=delay)
            await self._settle(lambda s: inbox.retry_later(s, event.id, self.owner, error, retry_at), event, "retry")
            return
        logger.error(
            "Inbox: %s %s failed %d times, giving up: %s", event.kind, event.external_id, event.attempts, error
        )
        try:
            await self._on_gave_up(event, error)
        finally:
            await self._settle(lambda s: inbox.retry_later(s, event.id, self.owner, error, None), event, "give up")

    async def _settle(self, change: Callable[[Session], bool], event: LeasedEvent, what: str) -> None:
        """Record an event's new state, trying a few times if the database is busy.

        If it never succeeds the lease runs out and the event is leased again; a
        message whose turn already ran is then recognised and not answered twice.
        """
        for attempt in range(5):
            try:
                if not await self._db(change):
                    logger.warning("Inbox: lost the lease of %s %s before %s", event.kind, event.external_id, what)
                return
            except Exception as error:
                logger.warning("Inbox: could not %s %s (%s)", what, event.external_id, error)
                await asyncio.sleep(0.2 * 2**attempt)

    async def _keep_lease(self, event: LeasedEvent) -> None:
        while True:
            await asyncio.sleep(self.settings.lease_s / 3)
            try:
                await self._db(lambda s: inbox.renew(s, event.id, self.owner, self._lease, self._clock()))
            except Exception as error:
                logger.warning("Inbox: could not renew the lease of %s (%s)", event.external_id, error)

    async def join(self, timeout: float = 10.0) -> None:
        """Wait until the inbox has nothing pending or in hand (tests, tools)."""

        async def settled() -> None:
            while True:
                counts = await self._db(inbox.counts)
                if counts.pending == 0 and counts.leased == 0 and not self._running:
                    return
                self.wake()
                await asyncio.sleep(0.02)

        await asyncio.wait_for(settled(), timeout)

    async def close(self) -> None:
        """Stop leasing; let running turns finish for the grace period, then hand the rest back."""
        self._stopping = True
        self.wake()
        if self._loop_task is not None:
            await asyncio.gather(self._loop_task, return_exceptions=True)
        tasks = [task for task, _ in self._running.values()]
        if tasks:
            done, unfinished = await asyncio.wait(tasks, timeout=self.settings.shutdown_grace_s)
            if unfinished:
                logger.warning("Inbox: handing %d unfinished event(s) back for the next start", len(unfinished))
                for task in unfinished:
                    task.cancel()
                await asyncio.gather(*unfinished, return_exceptions=True)
