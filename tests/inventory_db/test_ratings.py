"""Ratings on SQLite and PostgreSQL: one per order, only by the customer whose order it is, a score
from 1 to 5 (also a CHECK in the database), and counted in the report of the period they were
given in, not the one before."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from inventory_db import ratings, reports
from inventory_db.database import transaction
from inventory_db.errors import InvalidRating, TooLong, UnknownOrder, UnknownRating
from tests.inventory_db.helpers import ALI, SARA, item, place, run

TEHRAN = ZoneInfo("Asia/Tehran")
WEEK = reports.Period(date(2026, 12, 1), date(2026, 12, 7))  # [30 Nov 20:30, 7 Dec 20:30) UTC
IN_WEEK = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
WEEK_BEFORE = datetime(2026, 11, 30, 20, 29, tzinfo=timezone.utc)  # 23:59 on 30 Nov in Tehran


def order(store: sessionmaker, key: str, customer=ALI) -> int:  # type: ignore[no-untyped-def]
    return place(store, key, customer, items=[item("SH-12", "gray", "free")]).number


def test_ratings_land_in_the_period_they_were_given_in_and_not_the_one_before(store: sessionmaker) -> None:
    ali, sara, ali_again = order(store, "k1"), order(store, "k2", SARA), order(store, "k3")
    run(store, ratings.record_rating, ali, "ig-ali", 5, now=IN_WEEK)
    run(store, ratings.record_rating, sara, "ig-sara", 2, now=IN_WEEK)
    run(store, ratings.record_rating, ali_again, "ig-ali", 4, now=WEEK_BEFORE)
    found = run(store, reports.report, WEEK, TEHRAN)
    assert found.current.ratings == reports.Ratings(2, 3.5, {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1})
    assert found.previous.ratings == reports.Ratings(1, 4.0, {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0})
    later = run(store, reports.figures, reports.Period(date(2026, 12, 8), date(2026, 12, 14)), TEHRAN)
    assert later.ratings == reports.Ratings(0, None, {str(n): 0 for n in range(1, 6)})


def test_the_mean_is_rounded_to_two_decimals(store: sessionmaker) -> None:
    for n, score in enumerate((5, 4, 4)):
        run(store, ratings.record_rating, order(store, f"k{n}", SARA if n == 2 else ALI), "ig-sara" if n == 2 else "ig-ali",
            score, now=IN_WEEK)  # fmt: skip
    assert run(store, reports.figures, WEEK, TEHRAN).ratings.mean == 4.33


def test_rating_again_replaces_the_score_and_keeps_the_comment(store: sessionmaker) -> None:
    number = order(store, "k1")
    with pytest.raises(UnknownRating):
        run(store, ratings.add_rating_comment, number, "ig-ali", "عالی")
    run(store, ratings.record_rating, number, "ig-ali", 2, now=WEEK_BEFORE)
    commented = run(store, ratings.add_rating_comment, number, "ig-ali", "  دیر رسید  ")
    assert (commented.score, commented.comment) == (2, "دیر رسید")
    again = run(store, ratings.record_rating, number, "ig-ali", 4, now=IN_WEEK)
    assert again == ratings.RatingInfo(number, "ig-ali", 4, "دیر رسید", IN_WEEK)
    assert run(store, ratings.get_rating, number) == again
    figures = run(store, reports.report, WEEK, TEHRAN)
    assert (figures.current.ratings.count, figures.previous.ratings.count) == (1, 0)  # counted when changed


@pytest.mark.parametrize("score", [0, 6, -1, 4.5, True, "5", None])
def test_a_score_outside_one_to_five_is_refused(store: sessionmaker, score: object) -> None:
    number = order(store, "k1")
    with pytest.raises(InvalidRating):
        run(store, ratings.record_rating, number, "ig-ali", score, now=IN_WEEK)
    assert run(store, ratings.get_rating, number) is None


def test_only_the_customer_whose_order_it_is_may_rate_it(store: sessionmaker) -> None:
    number = order(store, "k1")
    with pytest.raises(UnknownOrder):
        run(store, ratings.record_rating, number, "ig-sara", 1, now=IN_WEEK)
    with pytest.raises(UnknownOrder):
        run(store, ratings.record_rating, 999_999, "ig-ali", 5, now=IN_WEEK)
    run(store, ratings.record_rating, number, "ig-ali", 5, now=IN_WEEK)
    with pytest.raises(UnknownOrder):
        run(store, ratings.add_rating_comment, number, "ig-sara", "بد بود")
    with pytest.raises(TooLong):
        run(store, ratings.add_rating_comment, number, "ig-ali", "خ" * 1001)
    assert run(store, ratings.get_rating, number).comment is None  # type: ignore[union-attr]


def test_the_database_refuses_a_score_outside_one_to_five(store: sessionmaker) -> None:
    number = order(store, "k1")
    insert = text("INSERT INTO ratings (order_number, customer_id, score, at) VALUES (:n, 'ig-ali', :score, :at)")
    with pytest.raises(IntegrityError), transaction(store) as session:
        session.execute(insert, {"n": number, "score": 6, "at": IN_WEEK})
    with transaction(store) as session:
        session.execute(insert, {"n": number, "score": 5, "at": IN_WEEK})
    with pytest.raises(IntegrityError), transaction(store) as session:  # one rating per order
        session.execute(insert, {"n": number, "score": 4, "at": IN_WEEK})
