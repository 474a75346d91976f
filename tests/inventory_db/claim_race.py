"""Workers racing for the same work table, each with its own engine (as two worker processes
would have): shared by the due work's and the owner notifications' race tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy.orm import Session

from inventory_db.database import make_engine, make_session_factory, transaction

Claim = Callable[[Session, str, datetime], Sequence[int]]  # the ids claimed
Finish = Callable[[Session, int, str, datetime], bool]


def race(url: str, claim: Claim, finish: Finish, now: datetime, workers: int = 2) -> dict[str, list[int]]:
    """Each worker claims a few items (committed), then finishes them (committed), until a claim
    comes back empty; the ids each worker claimed. A finish that returns False fails the race."""
    start = threading.Barrier(workers)

    def worker(name: str) -> list[int]:
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        claimed: list[int] = []
        try:
            start.wait(timeout=60)
            while True:
                with transaction(sessions) as session:
                    won = list(claim(session, name, now))
                if not won:
                    return claimed
                claimed += won
                with transaction(sessions) as session:
                    assert all(finish(session, item_id, name, now) for item_id in won), (name, won)
        finally:
            engine.dispose()

    names = [f"worker-{n}" for n in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(names, pool.map(worker, names), strict=True))
