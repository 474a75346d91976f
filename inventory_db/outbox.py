"""The outbound ledger: each reply sent for an inbound message, and the buttons offered.

A turn that is retried (after a crash, a failed action, a lost lease) produces the
same replies in the same order. ``begin_send`` lets through only the ones not tried
before, so the customer never reads a reply twice. A reply whose send began but was
never confirmed (the process died during the call) is in doubt: Meta's Send API has
no idempotency key, so the channel asks Meta's conversation whether it arrived
(``in_doubt_since`` gives the time to look from) and sends it only when it did not.

The payloads of buttons the bot sent are kept per customer: a message that looks like
"/intent{...}" is only taken as an intent when it is one of them. No Rasa import.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_db.message_log_models import OfferedPayload, OutboundMessage
from inventory_db.models import utcnow

SENDING = "sending"
SENT = "sent"
MAX_PAYLOAD = 1000  # Meta's limit for a quick reply or postback payload


def begin_send(session: Session, turn_key: str, seq: int, recipient_id: str) -> bool:
    """Claim the ``seq``-th reply of ``turn_key``; False when an earlier try already did."""
    try:
        with session.begin_nested():
            session.add(
                OutboundMessage(turn_key=turn_key[:255], seq=seq, recipient_id=recipient_id[:64], status=SENDING)
            )
    except IntegrityError:
        return False
    return True


def in_doubt_since(session: Session, turn_key: str, seq: int) -> datetime | None:
    """When an earlier try claimed this reply, if Meta never confirmed it (its process died
    during the call); None when it was confirmed sent."""
    row = session.execute(
        select(OutboundMessage.status, OutboundMessage.created_at).where(
            OutboundMessage.turn_key == turn_key[:255], OutboundMessage.seq == seq
        )
    ).first()
    if row is None or row.status != SENDING:
        return None
    return row.created_at


def mark_sent(session: Session, turn_key: str, seq: int, meta_message_id: str | None = None) -> None:
    """Meta accepted the reply (and gave it ``meta_message_id``)."""
    session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.turn_key == turn_key[:255], OutboundMessage.seq == seq)
        .values(status=SENT, sent_at=utcnow(), meta_message_id=meta_message_id[:255] if meta_message_id else None)
    )


def known_message_ids(session: Session, recipient_id: str, meta_message_ids: Iterable[str]) -> set[str]:
    """Which of Meta's message ids are replies the ledger already accounts for."""
    wanted = [i for i in meta_message_ids if i]
    if not wanted:
        return set()
    rows = session.execute(
        select(OutboundMessage.meta_message_id).where(
            OutboundMessage.recipient_id == recipient_id[:64], OutboundMessage.meta_message_id.in_(wanted)
        )
    ).scalars()
    return set(rows)


def sent_count(session: Session, turn_key: str) -> int:
    """Replies of ``turn_key`` Meta accepted (for tests and the owner's checks)."""
    rows = session.execute(
        select(OutboundMessage.id).where(OutboundMessage.turn_key == turn_key[:255], OutboundMessage.status == SENT)
    ).all()
    return len(rows)


def offer(session: Session, recipient_id: str, payloads: Iterable[str | None]) -> None:
    """Remember the button payloads just sent to ``recipient_id``."""
    for payload in dict.fromkeys(p for p in payloads if p and len(p) <= MAX_PAYLOAD):
        try:
            with session.begin_nested():
                session.add(OfferedPayload(recipient_id=recipient_id[:64], payload=payload))
        except IntegrityError:
            continue


def was_offered(session: Session, recipient_id: str, payload: str) -> bool:
    """True when the bot sent ``recipient_id`` a button carrying ``payload``."""
    found = select(OfferedPayload.id).where(
        OfferedPayload.recipient_id == recipient_id[:64], OfferedPayload.payload == payload
    )
    return session.execute(found.limit(1)).first() is not None
