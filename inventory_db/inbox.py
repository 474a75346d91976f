"""The durable inbox: webhook events stored before they are acknowledged, then handed
to workers one customer at a time, retried after failures, and never lost.

Life of an event: ``store`` (pending) → ``lease_ready`` (leased by one worker, for a
while) → ``complete`` (done), or ``retry_later`` (pending again after a backoff; after
the last attempt gave_up). A lease that runs out (its worker crashed or was killed)
makes the event leasable again, by this process or another sharing the database.

Every state change is one conditional UPDATE, so two processes racing for the same
row cannot both win, on SQLite or PostgreSQL. Plain functions taking a session; the
caller owns the transaction. No Rasa import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from inventory_db.message_log_models import InboundEvent
from inventory_db.models import utcnow

PENDING = "pending"
LEASED = "leased"
DONE = "done"
GAVE_UP = "gave_up"
UNFINISHED = (PENDING, LEASED)

MAX_ERROR = 255


@dataclass(frozen=True)
class NewEvent:
    """An event as the webhook received it, before any work."""

    kind: str
    external_id: str
    sender_id: str
    event_time_ms: int
    payload: str  # JSON, read again by the worker


@dataclass(frozen=True)
class LeasedEvent:
    """An event a worker holds until ``lease_until``; ``attempts`` counts this one."""

    id: int
    kind: str
    external_id: str
    sender_id: str
    payload: str
    attempts: int


def store(session: Session, events: Sequence[NewEvent], now: datetime | None = None) -> int:
    """Store new events as pending; a redelivered one (same kind and id) is ignored.

    Returns how many were new. Called before the webhook answers 200: once this
    transaction commits, the events survive any crash.
    """
    stored = 0
    moment = now or utcnow()
    for event in events:
        try:
            with session.begin_nested():
                session.add(
                    InboundEvent(
                        kind=event.kind,
                        external_id=event.external_id[:255],
                        sender_id=event.sender_id[:64],
                        event_time_ms=event.event_time_ms,
                        payload=event.payload,
                        status=PENDING,
                        claimed_at=moment,
                    )
                )
        except IntegrityError:
            continue
        stored += 1
    return stored


def _leasable(now: datetime):  # type: ignore[no-untyped-def]
    """Pending and due, or leased by a worker whose lease ran out."""
    return or_(
        and_(
            InboundEvent.status == PENDING,
            or_(InboundEvent.next_attempt_at.is_(None), InboundEvent.next_attempt_at <= now),
        ),
        and_(InboundEvent.status == LEASED, InboundEvent.lease_until < now),
    )


def lease_ready(
    session: Session,
    owner: str,
    limit: int,
    lease_for: timedelta,
    now: datetime | None = None,
    busy: Sequence[str] = (),
) -> list[LeasedEvent]:
    """Lease up to ``limit`` events: each customer's earliest unfinished one, if it is leasable.

    A customer whose earlier message is still leased, or waits for a retry, gets
    nothing: their messages are handled one at a time, in the order they wrote.
    ``busy`` names customers this worker is already serving.
    """
    moment = now or utcnow()
    earlier = aliased(InboundEvent)
    head = ~(
        select(earlier.id)
        .where(
            earlier.sender_id == InboundEvent.sender_id,
            earlier.status.in_(UNFINISHED),
            or_(
                earlier.event_time_ms < InboundEvent.event_time_ms,
                and_(earlier.event_time_ms == InboundEvent.event_time_ms, earlier.id < InboundEvent.id),
            ),
        )
        .exists()
    )
    query = select(InboundEvent).where(InboundEvent.status.in_(UNFINISHED), _leasable(moment), head)
    if busy:
        query = query.where(InboundEvent.sender_id.not_in(list(busy)))
    candidates = session.execute(query.order_by(InboundEvent.id).limit(limit * 2)).scalars().all()
    leased: list[LeasedEvent] = []
    for row in candidates:
        if len(leased) >= limit:
            break
        won = session.execute(
            update(InboundEvent)
            .where(InboundEvent.id == row.id, _leasable(moment))
            .values(
                status=LEASED,
                lease_owner=owner,
                lease_until=moment + lease_for,
                attempts=InboundEvent.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if won:
            leased.append(
                LeasedEvent(row.id, row.kind, row.external_id, row.sender_id, row.payload or "", row.attempts + 1)
            )
    return leased


def _held(event_id: int, owner: str):  # type: ignore[no-untyped-def]
    return and_(InboundEvent.id == event_id, InboundEvent.status == LEASED, InboundEvent.lease_owner == owner)


def renew(session: Session, event_id: int, owner: str, lease_for: timedelta, now: datetime | None = None) -> bool:
    """Extend a lease still held; False when it was lost (another worker may have it now)."""
    moment = now or utcnow()
    return bool(
        session.execute(
            update(InboundEvent).where(_held(event_id, owner)).values(lease_until=moment + lease_for)
        ).rowcount
    )


def complete(session: Session, event_id: int, owner: str, outcome: str, now: datetime | None = None) -> bool:
    """Finish a leased event ("done", "skipped", "handoff", ...); False if the lease was lost."""
    return bool(
        session.execute(
            update(InboundEvent)
            .where(_held(event_id, owner))
            .values(status=DONE, outcome=outcome, processed_at=now or utcnow(), lease_owner=None, lease_until=None)
        ).rowcount
    )


def retry_later(
    session: Session,
    event_id: int,
    owner: str,
    error: str,
    retry_at: datetime | None,
    now: datetime | None = None,
) -> bool:
    """A failed turn: pending again from ``retry_at``, or gave_up when ``retry_at`` is None."""
    values = dict(lease_owner=None, lease_until=None, last_error=error[:MAX_ERROR])
    if retry_at is None:
        values.update(status=GAVE_UP, outcome=GAVE_UP, processed_at=now or utcnow())
    else:
        values.update(status=PENDING, next_attempt_at=retry_at)
    return bool(session.execute(update(InboundEvent).where(_held(event_id, owner)).values(**values)).rowcount)


def release(session: Session, event_id: int, owner: str) -> bool:
    """Hand a leased event back untouched (shutting down): pending, and this try not counted."""
    return bool(
        session.execute(
            update(InboundEvent)
            .where(_held(event_id, owner))
            .values(status=PENDING, lease_owner=None, lease_until=None, attempts=InboundEvent.attempts - 1)
        ).rowcount
    )


@dataclass(frozen=True)
class InboxCounts:
    pending: int
    leased: int
    done: int
    gave_up: int


def counts(session: Session) -> InboxCounts:
    """How many events are in each state (for the owner and the fault tests)."""
    found = dict(session.execute(select(InboundEvent.status, func.count()).group_by(InboundEvent.status)).all())
    return InboxCounts(*(found.get(status, 0) for status in (PENDING, LEASED, DONE, GAVE_UP)))
