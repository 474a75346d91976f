"""Hand-offs to a person: a customer who asks for the owner gets the owner, and the
assistant stays quiet with them until the owner releases the conversation.

The store keeps who is waiting (the owner's list of chats to answer) and when each
was released. Pausing and resuming the conversation itself is the dialogue engine's
job; the owner's ``owner.rasa_api`` tells Rasa to resume.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_db import events, message_log, stock
from inventory_db.errors import StoreError
from inventory_db.models import Handoff

MAX_MESSAGE = 1000


@dataclass(frozen=True)
class HandoffInfo:
    id: int
    customer_id: str
    message: str | None
    requested_at: datetime
    released_at: datetime | None
    released_by: str | None


@dataclass(frozen=True)
class WaitingCustomer:
    """A row of the owner's list: who asked, when, how long ago, and when they last wrote."""

    id: int
    customer_id: str
    message: str | None
    requested_at: datetime
    waiting_seconds: int  # since requested_at
    last_message_at: datetime | None  # from the Instagram channel's log; None on other channels
    last_message_seconds: int | None  # how long ago that was


class NoOpenHandoff(StoreError):
    """The owner tried to release a customer nobody handed over."""

    def __init__(self, customer_id: str) -> None:
        super().__init__(f"no open hand-off for customer {customer_id}")
        self.customer_id = customer_id


def _info(handoff: Handoff) -> HandoffInfo:
    return HandoffInfo(
        handoff.id, handoff.customer_id, handoff.message, handoff.requested_at, handoff.released_at, handoff.released_by
    )


def _open(session: Session, customer_id: str) -> Handoff | None:
    return session.execute(
        select(Handoff).where(Handoff.customer_id == customer_id, Handoff.released_at.is_(None))
    ).scalar_one_or_none()


def request_handoff(
    session: Session, customer_id: str, message: str | None = None, now: datetime | None = None
) -> HandoffInfo:
    """Put the customer on the owner's list; asking again while waiting is the same hand-off."""
    handoff = _open(session, customer_id)
    if handoff is None:
        message = (message or "").strip()[:MAX_MESSAGE] or None
        handoff = Handoff(customer_id=customer_id, message=message, requested_at=stock.now_or(now))
        session.add(handoff)
        events.record(session, events.HANDOFF_REQUESTED, customer_id, now=handoff.requested_at)
    session.flush()
    return _info(handoff)


def waiting(session: Session) -> list[HandoffInfo]:
    """Customers waiting for the owner, longest-waiting first."""
    handoffs = session.execute(
        select(Handoff).where(Handoff.released_at.is_(None)).order_by(Handoff.requested_at, Handoff.id)
    ).scalars()
    return [_info(handoff) for handoff in handoffs]


def waiting_customers(session: Session, now: datetime | None = None) -> list[WaitingCustomer]:
    """The owner's list with how long each customer has waited, longest-waiting first."""
    now = stock.now_or(now)

    def seconds_since(moment: datetime) -> int:
        return max(0, int((now - moment).total_seconds()))

    rows = []
    open_handoffs = waiting(session)
    last_written = message_log.last_customer_message_times(session, [h.customer_id for h in open_handoffs])
    for h in open_handoffs:
        last = last_written.get(h.customer_id)
        rows.append(
            WaitingCustomer(
                h.id,
                h.customer_id,
                h.message,
                h.requested_at,
                seconds_since(h.requested_at),
                last,
                None if last is None else seconds_since(last),
            )
        )
    return rows


def is_waiting(session: Session, customer_id: str) -> bool:
    """True while the customer is on the owner's list: the assistant must not answer them.

    The channel asks before every turn, and ``action_session_start`` when a new session
    starts, so the bot stays quiet however long the owner takes.
    """
    return _open(session, customer_id) is not None


def release(session: Session, customer_id: str, actor: str, now: datetime | None = None) -> HandoffInfo:
    """The owner is done: the assistant may answer this customer again."""
    handoff = _open(session, customer_id)
    if handoff is None:
        raise NoOpenHandoff(customer_id)
    handoff.released_at = stock.now_or(now)
    handoff.released_by = actor
    events.record(session, events.HANDOFF_RELEASED, customer_id, external=True, now=handoff.released_at)
    session.flush()
    return _info(handoff)
