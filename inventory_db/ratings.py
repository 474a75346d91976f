"""Customers' ratings of their orders: a score from 1 to 5 (asked for by the worker's "rating"
follow-up after delivery) and, if they add one, a comment.

One rating per order, given by the customer whose order it is: a number that is not theirs
is refused as unknown (``UnknownOrder``), so a customer learns nothing about other people's
orders. Rating the same order again replaces the score and its time (the customer corrected
themselves); the comment is kept. The score's range is also a CHECK in the database. The
owner's report counts the ratings given in a period (``reports.Ratings``).

Plain functions taking a session; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_db.automation_models import Rating
from inventory_db.errors import InvalidRating, UnknownOrder, UnknownRating
from inventory_db.models import Order, check_length
from inventory_db.stock import now_or

LOWEST = 1
HIGHEST = 5


@dataclass(frozen=True)
class RatingInfo:
    order_number: int
    customer_id: str
    score: int
    comment: str | None
    at: datetime


def _info(row: Rating) -> RatingInfo:
    return RatingInfo(row.order_number, row.customer_id, row.score, row.comment, row.at)


def _check_order(session: Session, order_number: int, customer_id: str) -> None:
    owner = session.execute(select(Order.customer_id).where(Order.number == order_number)).scalar_one_or_none()
    if owner is None or owner != customer_id:
        raise UnknownOrder(order_number)


def _rating(session: Session, order_number: int) -> Rating | None:
    query = select(Rating).where(Rating.order_number == order_number).execution_options(populate_existing=True)
    return session.execute(query).scalar_one_or_none()


def record_rating(
    session: Session, order_number: int, customer_id: str, score: int, now: datetime | None = None
) -> RatingInfo:
    """Keep ``customer_id``'s score for their order ``order_number``. InvalidRating for a score
    that is not a whole number from 1 to 5, UnknownOrder for an order that is not theirs."""
    if isinstance(score, bool) or not isinstance(score, int) or not LOWEST <= score <= HIGHEST:
        raise InvalidRating(score, LOWEST, HIGHEST)
    now = now_or(now)
    _check_order(session, order_number, customer_id)
    row = _rating(session, order_number)
    if row is None:
        try:
            with session.begin_nested():
                row = Rating(order_number=order_number, customer_id=customer_id, score=score, at=now)
                session.add(row)
            return _info(row)
        except IntegrityError:  # the same answer arriving twice at once: the later one counts
            row = _rating(session, order_number)
            assert row is not None
    row.score, row.at = score, now
    session.flush()
    return _info(row)


def add_rating_comment(session: Session, order_number: int, customer_id: str, comment: str) -> RatingInfo:
    """Add the customer's words to their rating of ``order_number`` (replacing earlier words).
    UnknownOrder for an order that is not theirs, UnknownRating before they gave a score,
    TooLong beyond 1000 characters (Instagram's own limit for a message)."""
    _check_order(session, order_number, customer_id)
    check_length(Rating.comment, comment, "comment")
    row = _rating(session, order_number)
    if row is None:
        raise UnknownRating(order_number)
    row.comment = comment.strip() or None
    session.flush()
    return _info(row)


def get_rating(session: Session, order_number: int) -> RatingInfo | None:
    row = _rating(session, order_number)
    return None if row is None else _info(row)
