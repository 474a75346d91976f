"""Messages to the owner (email, Telegram): a variant running low, the day's summary. Each is
enqueued once per (kind, dedupe_key, channel), however often the rule that finds it runs,
then claimed, sent and retried as ``due_work`` is, by the same rule (``inventory_db._claims``):
two workers never both hold one, a killed worker's claims are taken over when their lease
runs out, and a worker whose claim was lost gets False from every change it tries.

``dedupe_key`` names the occasion: "B-21/black/L#3" for a variant's third fall to its
threshold (``low_stock_alerts.Crossing.key``), the local date "2026-12-02" for that day's
summary. After ``MAX_ATTEMPTS`` claims a notification is failed for good, with its last
error, for the dashboard to show. Plain functions taking a session; the caller owns the
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_db import _claims
from inventory_db.automation_models import OwnerNotification
from inventory_db.models import check_length
from inventory_db.stock import now_or

LOW_STOCK = "low_stock"
DAILY_SUMMARY = "daily_summary"

EMAIL = "email"
TELEGRAM = "telegram"
CHANNELS: tuple[str, ...] = (EMAIL, TELEGRAM)

PENDING = _claims.PENDING
CLAIMED = _claims.CLAIMED
SENT = "sent"
FAILED = _claims.FAILED
STATUSES: tuple[str, ...] = (PENDING, CLAIMED, SENT, FAILED)

MAX_ATTEMPTS = 5
MAX_ERROR = 255
DEFAULT_RECENT = 100


@dataclass(frozen=True)
class Notification:
    """One message to the owner as plain values; ``attempts`` counts claims, the current one included."""

    id: int
    kind: str
    dedupe_key: str
    channel: str
    subject: str
    body: str
    status: str
    attempts: int
    claimed_by: str | None
    lease_until: datetime | None
    last_error: str | None
    due_at: datetime
    created_at: datetime
    sent_at: datetime | None


def _notification(row: OwnerNotification) -> Notification:
    return Notification(
        row.id, row.kind, row.dedupe_key, row.channel, row.subject, row.body, row.status, row.attempts,
        row.claimed_by, row.lease_until, row.last_error, row.due_at, row.created_at, row.sent_at,
    )  # fmt: skip


def enqueue(
    session: Session,
    kind: str,
    dedupe_key: str,
    channel: str,
    subject: str,
    body: str,
    *,
    due_at: datetime | None = None,
    now: datetime | None = None,
) -> Notification | None:
    """Queue a message to the owner on ``channel``, to go at ``due_at`` (default: now); None when
    this (kind, dedupe_key, channel) was queued before, whatever became of it."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; known: {', '.join(CHANNELS)}")
    if not kind or not dedupe_key:
        raise ValueError("a notification needs a kind and a dedupe key")
    check_length(OwnerNotification.kind, kind, "kind")
    check_length(OwnerNotification.dedupe_key, dedupe_key, "dedupe_key")
    check_length(OwnerNotification.subject, subject, "subject")
    now = now_or(now)
    row = OwnerNotification(
        kind=kind,
        dedupe_key=dedupe_key,
        channel=channel,
        subject=subject,
        body=body,
        status=PENDING,
        attempts=0,
        due_at=now_or(due_at) if due_at is not None else now,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return _notification(row)


def claim_due(session: Session, worker_id: str, now: datetime, limit: int, lease: timedelta) -> list[Notification]:
    """Claim up to ``limit`` notifications due by ``now`` (and those whose worker's lease ran out)
    for ``worker_id`` until ``now + lease``, earliest first. Commit before sending."""
    return [_notification(row) for row in _claims.claim(session, OwnerNotification, worker_id, now, limit, lease)]


def renew(
    session: Session, notification_id: int, worker_id: str, lease: timedelta, now: datetime | None = None
) -> bool:
    """Extend the claim until ``now + lease``; False when it was lost (then do not send)."""
    return _claims.renew(session, OwnerNotification, notification_id, worker_id, lease, now_or(now))


def mark_sent(session: Session, notification_id: int, worker_id: str, now: datetime | None = None) -> bool:
    """The mail server or Telegram accepted it; False when the claim was lost."""
    return _claims.change(
        session, OwnerNotification, notification_id, worker_id, status=SENT, sent_at=now_or(now), lease_until=None
    )


def mark_failed(
    session: Session,
    notification_id: int,
    worker_id: str,
    error: str,
    retry_at: datetime | None,
) -> bool:
    """A try that failed: pending again from ``retry_at`` (``retry_time`` gives a backoff), or
    failed for good when ``retry_at`` is None or this was the ``MAX_ATTEMPTS``-th claim.
    ``error`` is kept either way. False when the claim was lost."""
    return _claims.fail(
        session,
        OwnerNotification,
        notification_id,
        worker_id,
        retry_at,
        MAX_ATTEMPTS,
        always={"last_error": error[:MAX_ERROR]},
        for_good={},
    )


def retry_time(attempts: int, now: datetime) -> datetime:
    """When to try again after the ``attempts``-th claim failed: 1, 2, 4… minutes, at most an hour."""
    return _claims.backoff(attempts, now)


def get(session: Session, notification_id: int) -> Notification | None:
    query = select(OwnerNotification).where(OwnerNotification.id == notification_id)
    row = session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()
    return None if row is None else _notification(row)


def recent(session: Session, statuses: Sequence[str] | None = None, limit: int = DEFAULT_RECENT) -> list[Notification]:
    """The last ``limit`` notifications queued (in ``statuses``, if given), newest first."""
    return [_notification(row) for row in _claims.recent(session, OwnerNotification, statuses, STATUSES, limit)]
