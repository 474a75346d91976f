"""Follow-ups due to customers: what the shop's worker sends between chats (a reminder about
an abandoned checkout or an unpaid order, "your order has shipped", a request for a rating,
"it is back in stock"), each at its time, never twice.

Life of an item: ``schedule`` (pending, due at ``due_at``; scheduling the same (kind,
dedupe_key) again is a no-op, so the rule that finds work may run as often as it likes) →
``claim_due`` (claimed by one worker under a lease) → one of

- ``mark_sent``: it went out;
- ``mark_skipped``: no longer wanted (the customer paid, opted out, the variant sold out again);
- ``mark_hand_send``: Instagram's 24-hour window had closed, so only the owner may send it,
  by hand: the ready text waits on the dashboard for ``HAND_SEND_WINDOW`` (``hand_sent`` when
  they did), then ``lapse_hand_send`` retires it;
- ``mark_failed``: pending again from a later ``due_at``, or failed for good after
  ``MAX_ATTEMPTS`` claims, for the dashboard to show.

``cancel_pending`` skips what is no longer wanted before it is sent (the customer ordered:
no abandoned-checkout reminder), claimed or not.

Two workers may run at once, and a worker killed mid-run leaves claims whose leases run
out and are taken over (``inventory_db._claims``). Every state change a worker makes is
conditional on its claim and returns **False when the claim was lost** (taken over after
the lease ran out, or cancelled): not an error, the item is someone else's now, and the
worker moves on without sending. To keep a taken-over item from going out twice, a worker
``renew``s its claim just before sending (and skips the send when that returns False), keeps
its lease well beyond one send, and sends a customer message through the outbound ledger
keyed by the item (``outbox.begin_send(f"due_work:{item.id}", 0, ...)``), so a send a killed
worker began is in doubt and checked with Meta rather than repeated.

Plain functions taking a session; the caller owns the transaction. Whether a customer opted
out (``messaging_optouts``) or is inside the window (``message_log``) is the worker's
question to ask before sending.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_db import _claims, message_log
from inventory_db.automation_models import DueWork
from inventory_db.models import check_length
from inventory_db.stock import now_or

ABANDONED_CHECKOUT = "abandoned_checkout"
PAYMENT_REMINDER = "payment_reminder"
SHIPPED = "shipped"
RATING = "rating"
BACK_IN_STOCK = "back_in_stock"

PENDING = _claims.PENDING
CLAIMED = _claims.CLAIMED
SENT = "sent"
SKIPPED = "skipped"
HAND_SEND = "hand_send"
LAPSED = "lapsed"
FAILED = _claims.FAILED
STATUSES: tuple[str, ...] = (PENDING, CLAIMED, SENT, SKIPPED, HAND_SEND, LAPSED, FAILED)
UNSENT: tuple[str, ...] = (PENDING, CLAIMED)

MAX_ATTEMPTS = 5
# Meta lets a person answer by hand (the HUMAN_AGENT tag) for 7 days after the customer's
# last message; after that a hand-send item is no use to the owner.
HAND_SEND_WINDOW = message_log.HUMAN_AGENT_WINDOW
MAX_REASON = 255
DEFAULT_RECENT = 100


@dataclass(frozen=True)
class DueItem:
    """One follow-up as plain values; ``attempts`` counts claims, the current one included."""

    id: int
    kind: str
    dedupe_key: str
    customer_id: str
    order_number: int | None
    variant_id: int | None
    payload: dict[str, Any]
    due_at: datetime
    status: str
    attempts: int
    claimed_by: str | None
    lease_until: datetime | None
    reason: str | None
    hand_text: str | None
    sent_by: str | None
    created_at: datetime
    finished_at: datetime | None
    hand_send_until: datetime | None


def _item(row: DueWork) -> DueItem:
    return DueItem(
        row.id, row.kind, row.dedupe_key, row.customer_id, row.order_number, row.variant_id,
        json.loads(row.payload or "{}"), row.due_at, row.status, row.attempts, row.claimed_by, row.lease_until,
        row.reason, row.hand_text, row.sent_by, row.created_at, row.finished_at, row.hand_send_until,
    )  # fmt: skip


def _reason(reason: str) -> str:
    return reason[:MAX_REASON]


def schedule(
    session: Session,
    kind: str,
    dedupe_key: str,
    customer_id: str,
    due_at: datetime,
    *,
    order_number: int | None = None,
    variant_id: int | None = None,
    payload: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> DueItem | None:
    """Schedule a follow-up for ``due_at``; None when (kind, dedupe_key) was scheduled before,
    whatever became of it. ``dedupe_key`` names the occasion ("order:1042", "hold:77"): a new
    occasion needs a new key. ``payload`` is what the message needs, kept as JSON."""
    if due_at.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    if not kind or not dedupe_key or not customer_id:
        raise ValueError("a follow-up needs a kind, a dedupe key and the customer's id")
    check_length(DueWork.kind, kind, "kind")
    check_length(DueWork.dedupe_key, dedupe_key, "dedupe_key")
    check_length(DueWork.customer_id, customer_id, "customer_id")
    row = DueWork(
        kind=kind,
        dedupe_key=dedupe_key,
        customer_id=customer_id,
        order_number=order_number,
        variant_id=variant_id,
        payload=json.dumps(dict(payload or {}), ensure_ascii=False, sort_keys=True),
        due_at=due_at,
        status=PENDING,
        attempts=0,
        created_at=now_or(now),
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # scheduled before, by this rule's earlier run or another worker's
        return None
    return _item(row)


def claim_due(session: Session, worker_id: str, now: datetime, limit: int, lease: timedelta) -> list[DueItem]:
    """Claim up to ``limit`` items due by ``now`` (and items whose worker's lease ran out) for
    ``worker_id`` until ``now + lease``, earliest due first. Commit before sending, so the
    claim is seen by the other workers."""
    return [_item(row) for row in _claims.claim(session, DueWork, worker_id, now, limit, lease)]


def renew(session: Session, item_id: int, worker_id: str, lease: timedelta, now: datetime | None = None) -> bool:
    """Extend the claim until ``now + lease``; False when it was lost (then do not send)."""
    return _claims.renew(session, DueWork, item_id, worker_id, lease, now_or(now))


def mark_sent(session: Session, item_id: int, worker_id: str, now: datetime | None = None) -> bool:
    """The message went out; False when the claim was lost."""
    return _claims.change(
        session, DueWork, item_id, worker_id, status=SENT, sent_by=worker_id, finished_at=now_or(now), lease_until=None
    )


def mark_skipped(session: Session, item_id: int, worker_id: str, reason: str, now: datetime | None = None) -> bool:
    """Not sent, and never will be: ``reason`` says why (paid already, opted out...)."""
    return _claims.change(
        session,
        DueWork,
        item_id,
        worker_id,
        status=SKIPPED,
        reason=_reason(reason),
        finished_at=now_or(now),
        lease_until=None,
    )


def mark_hand_send(
    session: Session, item_id: int, worker_id: str, reason: str, text: str, now: datetime | None = None
) -> bool:
    """Outside the messaging window: keep ``text``, the message ready to send, for the owner to
    send by hand within ``HAND_SEND_WINDOW``; False when the claim was lost."""
    now = now_or(now)
    return _claims.change(
        session,
        DueWork,
        item_id,
        worker_id,
        status=HAND_SEND,
        reason=_reason(reason),
        hand_text=text,
        hand_send_until=now + HAND_SEND_WINDOW,
        lease_until=None,
    )


def mark_failed(
    session: Session, item_id: int, worker_id: str, reason: str, now: datetime | None, retry_at: datetime | None
) -> bool:
    """A try that failed (Rasa or Meta down): pending again from ``retry_at`` (``retry_time``
    gives a backoff), or failed for good when ``retry_at`` is None or this was the
    ``MAX_ATTEMPTS``-th claim. False when the claim was lost."""
    return _claims.fail(
        session,
        DueWork,
        item_id,
        worker_id,
        retry_at,
        MAX_ATTEMPTS,
        always={"reason": _reason(reason)},
        for_good={"finished_at": now_or(now)},
    )


def retry_time(attempts: int, now: datetime) -> datetime:
    """When to try again after the ``attempts``-th claim failed: 1, 2, 4… minutes, at most an hour."""
    return _claims.backoff(attempts, now)


def hand_sent(session: Session, item_id: int, actor: str, now: datetime | None = None) -> bool:
    """The owner sent a hand-send item themselves (from the dashboard); False when it is not
    waiting to be sent by hand (already marked, or lapsed)."""
    check_length(DueWork.sent_by, actor, "actor")
    statement = (
        update(DueWork)
        .where(DueWork.id == item_id, DueWork.status == HAND_SEND)
        .values(status=SENT, sent_by=actor, finished_at=now_or(now))
        .execution_options(synchronize_session=False)
    )
    return bool(session.execute(statement).rowcount)


def lapse_hand_send(session: Session, now: datetime | None = None) -> int:
    """Retire the hand-send items whose ``HAND_SEND_WINDOW`` has passed; how many."""
    now = now_or(now)
    statement = (
        update(DueWork)
        .where(DueWork.status == HAND_SEND, DueWork.hand_send_until <= now)
        .values(status=LAPSED, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount


def cancel_pending(
    session: Session,
    kind: str,
    *,
    customer_id: str | None = None,
    order_number: int | None = None,
    reason: str,
    now: datetime | None = None,
) -> int:
    """Skip the customer's (or the order's) items of ``kind`` not sent yet, claimed ones too: the
    worker holding one loses its claim (its ``renew`` and ``mark_sent`` return False). How many."""
    if customer_id is None and order_number is None:
        raise ValueError("say whose follow-ups to cancel: a customer, an order or both")
    conditions = [DueWork.kind == kind, DueWork.status.in_(UNSENT)]
    if customer_id is not None:
        conditions.append(DueWork.customer_id == customer_id)
    if order_number is not None:
        conditions.append(DueWork.order_number == order_number)
    statement = (
        update(DueWork)
        .where(*conditions)
        .values(status=SKIPPED, reason=_reason(reason), finished_at=now_or(now), lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount


def get(session: Session, item_id: int) -> DueItem | None:
    query = select(DueWork).where(DueWork.id == item_id).execution_options(populate_existing=True)
    row = session.execute(query).scalar_one_or_none()
    return None if row is None else _item(row)


def recent(session: Session, statuses: Sequence[str] | None = None, limit: int = DEFAULT_RECENT) -> list[DueItem]:
    """The last ``limit`` items scheduled (in ``statuses``, if given), newest first: the dashboard's list."""
    return [_item(row) for row in _claims.recent(session, DueWork, statuses, STATUSES, limit)]


def being_sent_to(session: Session, customer_id: str, now: datetime | None = None) -> bool:
    """Whether a worker is sending this customer a follow-up right now. The assistant's turn it
    runs is the shop's doing, not the customer's: reports must not count it as the customer
    starting a conversation."""
    query = select(DueWork.id).where(
        DueWork.customer_id == customer_id, DueWork.status == CLAIMED, DueWork.lease_until > now_or(now)
    )
    return session.execute(query.limit(1)).first() is not None
