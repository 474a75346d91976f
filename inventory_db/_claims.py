"""Claiming rows of a work table under a lease: the rule ``due_work`` and ``owner_notifications``
share, so that it is written (and proved, by their race tests) once.

A row is claimable when it is pending and due, or claimed by a worker whose lease ran out
(killed or hung: its work is taken over, not lost). A claim is one conditional UPDATE per
row, ``WHERE id = ? AND <claimable>``, and counts only when it changed the row, so two
workers racing for a row cannot both win: SQLite takes the write lock at BEGIN
(``database.make_engine``), and PostgreSQL re-checks the condition on the row another
transaction just changed. On PostgreSQL the candidates are also read ``FOR UPDATE SKIP
LOCKED``, so concurrent workers take different rows instead of queueing for the same ones.

Every later change is conditional on the claim (status claimed and ``claimed_by`` the
worker) and returns False when the claim was lost: a worker whose lease ran out and was
taken over cannot finish someone else's row. ``attempts`` counts claims, as the inbox
counts leases: a row whose worker keeps dying still runs out of tries.

The tables need ``id``, ``status``, ``due_at``, ``attempts``, ``claimed_by`` and
``lease_until`` columns. Updates skip the session's identity map; rows handed back are read
again with ``populate_existing``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from inventory_db.models import check_length

PENDING = "pending"
CLAIMED = "claimed"
FAILED = "failed"

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)


def claimable(model: Any, now: datetime) -> Any:
    """Pending and due, or claimed by a worker whose lease ran out."""
    return or_(
        and_(model.status == PENDING, model.due_at <= now),
        and_(model.status == CLAIMED, model.lease_until < now),
    )


def held(model: Any, row_id: int, worker_id: str) -> Any:
    """The row, while ``worker_id`` still holds its claim."""
    return and_(model.id == row_id, model.status == CLAIMED, model.claimed_by == worker_id)


def check_claim_arguments(model: Any, worker_id: str, limit: int, lease: timedelta) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a whole number from 1, not {limit!r}")
    if lease <= timedelta(0):
        raise ValueError(f"a lease must last a while, not {lease}")
    if not worker_id:
        raise ValueError("a claim needs the worker's id")
    check_length(model.claimed_by, worker_id, "worker_id")


def claim(session: Session, model: Any, worker_id: str, now: datetime, limit: int, lease: timedelta) -> list[Any]:
    """Claim up to ``limit`` claimable rows for ``worker_id`` until ``now + lease``, earliest due
    first; the rows won, read again."""
    check_claim_arguments(model, worker_id, limit, lease)
    candidates = (
        session.execute(
            select(model.id)
            .where(claimable(model, now))
            .order_by(model.due_at, model.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL only: SQLite's compiler leaves it out
        )
        .scalars()
        .all()
    )
    won = [
        row_id
        for row_id in candidates
        if session.execute(
            update(model)
            .where(model.id == row_id, claimable(model, now))
            .values(status=CLAIMED, claimed_by=worker_id, lease_until=now + lease, attempts=model.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
    ]
    return reread(session, model, won)


def reread(session: Session, model: Any, row_ids: Sequence[int]) -> list[Any]:
    """The rows as the database has them now (the UPDATEs bypassed the identity map)."""
    if not row_ids:
        return []
    query = select(model).where(model.id.in_(list(row_ids))).order_by(model.due_at, model.id)
    return list(session.execute(query.execution_options(populate_existing=True)).scalars())


def change(session: Session, model: Any, row_id: int, worker_id: str, *conditions: Any, **values: Any) -> bool:
    """Apply ``values`` to a row ``worker_id`` still holds (and that meets ``conditions``)."""
    statement = (
        update(model)
        .where(held(model, row_id, worker_id), *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(session.execute(statement).rowcount)


def renew(session: Session, model: Any, row_id: int, worker_id: str, lease: timedelta, now: datetime) -> bool:
    """Extend a claim still held, until ``now + lease``; False when it was lost."""
    if lease <= timedelta(0):
        raise ValueError(f"a lease must last a while, not {lease}")
    return change(session, model, row_id, worker_id, lease_until=now + lease)


def fail(
    session: Session,
    model: Any,
    row_id: int,
    worker_id: str,
    retry_at: datetime | None,
    max_attempts: int,
    *,
    always: dict[str, Any],
    for_good: dict[str, Any],
) -> bool:
    """A failed try: pending again from ``retry_at``; failed for good when ``retry_at`` is None
    or the row has had ``max_attempts`` claims. ``always`` (the error) is set either way,
    ``for_good`` only when giving up. False when the claim was lost."""
    attempts = session.execute(select(model.attempts).where(held(model, row_id, worker_id))).scalar_one_or_none()
    if attempts is None:
        return False
    values: dict[str, Any] = {"lease_until": None, **always}
    if retry_at is None or attempts >= max_attempts:
        values.update(status=FAILED, **for_good)
    else:
        values.update(status=PENDING, due_at=retry_at)
    return change(session, model, row_id, worker_id, model.attempts == attempts, **values)


def backoff(attempts: int, now: datetime) -> datetime:
    """When to try again after the ``attempts``-th try failed: 1, 2, 4, 8… minutes later, at most an hour."""
    delay = FIRST_RETRY * 2 ** max(min(attempts, 20) - 1, 0)
    return now + min(delay, LONGEST_RETRY)


def recent(session: Session, model: Any, statuses: Sequence[str] | None, known: Sequence[str], limit: int) -> list[Any]:
    """The last ``limit`` rows created (in ``statuses``, if given), newest first."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a whole number from 1, not {limit!r}")
    query = select(model).order_by(model.created_at.desc(), model.id.desc()).limit(limit)
    if statuses is not None:
        unknown = set(statuses) - set(known)
        if unknown:
            raise ValueError(f"unknown statuses {sorted(unknown)}; known: {', '.join(known)}")
        query = query.where(model.status.in_(list(statuses)))
    return list(session.execute(query.execution_options(populate_existing=True)).scalars())
