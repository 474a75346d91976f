"""Background processing: one ordered queue per customer, handled after the webhook replies.

Meta waits about 20 seconds for a webhook answer and then redelivers, while a bot
turn (NLU, actions, database) can take longer. So the webhook only queues jobs here
and answers 200. Jobs with the same key (the customer's id) run one after another in
the order they were submitted; different customers run side by side, up to a bound.
A customer's worker task ends after a quiet spell, so idle customers cost nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, Optional

logger = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class SenderQueues:
    """Per-key FIFO queues of async jobs, each drained by its own task."""

    def __init__(self, max_concurrency: int = 32, idle_seconds: float = 30.0) -> None:
        self._max_concurrency = max_concurrency
        self._idle_seconds = idle_seconds
        self._queues: dict[str, asyncio.Queue[Job]] = {}
        self._workers: dict[str, asyncio.Task] = {}
        self._slots: Optional[asyncio.Semaphore] = None
        self._pending = 0
        self._idle: Optional[asyncio.Event] = None
        self._closed = False

    def submit(self, key: str, job: Job) -> None:
        """Queue ``job`` behind the earlier jobs of ``key``; returns at once."""
        if self._closed:
            raise RuntimeError("the queues are closed")
        queue = self._queues.get(key)
        if queue is None:
            queue = asyncio.Queue()
            self._queues[key] = queue
            self._workers[key] = asyncio.get_running_loop().create_task(self._drain(key, queue))
        queue.put_nowait(job)
        self._pending += 1
        self._idle_event().clear()

    def _idle_event(self) -> asyncio.Event:
        if self._idle is None:
            self._idle = asyncio.Event()
            self._idle.set()
        return self._idle

    async def _drain(self, key: str, queue: "asyncio.Queue[Job]") -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._max_concurrency)
        while True:
            try:
                job = await asyncio.wait_for(queue.get(), timeout=self._idle_seconds)
            except asyncio.TimeoutError:
                if queue.empty():  # nothing can be queued between this check and the removal
                    if self._queues.get(key) is queue:
                        del self._queues[key]
                        del self._workers[key]
                    return
                continue
            try:
                async with self._slots:
                    await job()
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad job must not stop the customer's later messages
                logger.exception("Background job for %s failed", key)
            finally:
                queue.task_done()
                self._pending -= 1
                if self._pending == 0:
                    self._idle_event().set()

    @property
    def active_keys(self) -> list[str]:
        return list(self._queues)

    @property
    def pending(self) -> int:
        """Jobs queued or running."""
        return self._pending

    async def join(self) -> None:
        """Wait until every job queued so far (and any they queue) has run."""
        await self._idle_event().wait()

    async def close(self, timeout: float = 10.0) -> None:
        """Finish queued work (up to ``timeout`` seconds), then stop the workers."""
        self._closed = True
        try:
            await asyncio.wait_for(self.join(), timeout)
        except asyncio.TimeoutError:
            logger.warning("Stopping with unprocessed Instagram messages for %s", self.active_keys)
        workers = list(self._workers.values())
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        self._queues.clear()
        self._workers.clear()
