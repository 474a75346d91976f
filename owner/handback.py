"""Handing a customer back to the assistant after a person took over: the one path
``shopctl handoff release`` and the dashboard's release button share."""

from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from inventory_db import handoffs, owner_accounts
from inventory_db.database import transaction

RELEASE_ACTION = "handoff.release"  # the owner's action log


def split_duration(seconds: int) -> tuple[int, int, int]:
    """(days, hours, minutes) of a wait, rounded down to the minute."""
    minutes = seconds // 60
    return minutes // 1440, minutes // 60 % 24, minutes % 60


def hand_back(factory: sessionmaker, customer_id: str, actor: str, rasa_url: str | None = None) -> handoffs.HandoffInfo:
    """Resume the conversation in Rasa, then take the customer off the owner's list, with a line in
    the owner's action log in the same transaction.

    Rasa first: if it cannot be reached (``RasaUnreachable``) the customer stays on the list, still
    handed over, rather than off the list with the assistant still silent. NoOpenHandoff when
    nobody handed this customer over. No transaction is open while Rasa is asked.
    """
    from owner.rasa_api import resume_conversation  # PyJWT: 50 ms; only releasing needs it

    with transaction(factory) as session:
        if not handoffs.is_waiting(session, customer_id):
            raise handoffs.NoOpenHandoff(customer_id)
    resume_conversation(customer_id, base_url=rasa_url)
    with transaction(factory) as session:
        released = handoffs.release(session, customer_id, actor=actor)
        owner_accounts.record_action(session, RELEASE_ACTION, customer_id, actor=actor)
    return released
