"""The checkout hold follows the customer's choice and never keeps stale units."""

from datetime import timedelta

from sqlalchemy.orm import sessionmaker

from inventory_db import checkout, stock
from inventory_db.database import transaction


def available(factory: sessionmaker, code: str, color: str, size: str) -> int:
    with transaction(factory) as session:
        return stock.available_units(session, stock.find_variant(session, code, color, size))


def test_changing_the_variant_moves_the_hold(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        first = checkout.hold(session, "c1", "B-21", "black", "L", 2).hold
    assert first is not None and available(demo_store, "B-21", "black", "L") == 1
    with transaction(demo_store) as session:
        second = checkout.hold(session, "c1", "B-21", "black", "M", 1, replaces=first.id).hold
    assert second is not None and second.id != first.id
    assert available(demo_store, "B-21", "black", "L") == 3
    assert available(demo_store, "B-21", "black", "M") == 3


def test_an_unchanged_choice_keeps_the_same_hold(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        first = checkout.hold(session, "c1", "SH-12", "cream", "free", 1).hold
        again = checkout.hold(session, "c1", "SH-12", "cream", "free", 1, replaces=first.id).hold
    assert again == first


def test_too_many_reports_what_is_left_and_still_drops_the_old_hold(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        first = checkout.hold(session, "c1", "B-21", "black", "L", 1).hold
    with transaction(demo_store) as session:
        outcome = checkout.hold(session, "c1", "B-21", "black", "L", 5, replaces=first.id)
    assert outcome.hold is None and outcome.available == 3
    assert available(demo_store, "B-21", "black", "L") == 3


def test_a_lapsed_hold_is_taken_again(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        first = checkout.hold(session, "c1", "B-21", "black", "XL", 1, ttl=timedelta(minutes=1)).hold
    with transaction(demo_store) as session:
        later = stock.now_or(None) + timedelta(minutes=5)
        renewed = checkout.hold(session, "c1", "B-21", "black", "XL", 1, replaces=first.id, now=later).hold
    assert renewed is not None and renewed.id != first.id


def test_another_customers_hold_is_never_released(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        theirs = checkout.hold(session, "c1", "B-21", "black", "XL", 1).hold
        checkout.release_hold(session, theirs.id, "c2")
    assert available(demo_store, "B-21", "black", "XL") == 0
