"""The checkout hold follows the customer's choice and never keeps stale units; the quote
the customer confirms is what the placed order charges."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import checkout, reservations, stock
from inventory_db.database import transaction
from inventory_db.errors import InvalidOrder, ReservationNotActive, UnknownReservation
from inventory_db.policy import parse_policy
from inventory_db.reservations import ReservationInfo
from tests.inventory_db.helpers import ALI, SARA, run, shop_policy

POLICY = parse_policy(shop_policy())


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


def test_a_checkout_that_lost_its_hold_takes_it_back_instead_of_holding_twice(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:  # a turn that held, failed, and is run again
        first = checkout.hold(session, "c1", "B-21", "black", "L", 2).hold
        again = checkout.hold(session, "c1", "B-21", "black", "L", 2).hold
        other = checkout.hold(session, "c2", "B-21", "black", "L", 1).hold
    assert again == first and other is not None and other.id != first.id
    assert available(demo_store, "B-21", "black", "L") == 0


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


def held(factory: sessionmaker, code: str, color: str, size: str, quantity: int) -> ReservationInfo:
    with transaction(factory) as session:
        hold = checkout.hold(session, ALI.instagram_id, code, color, size, quantity).hold
    assert hold is not None
    return hold


def test_a_quote_prices_the_held_units_with_the_named_shipping(demo_store: sessionmaker) -> None:
    hold = held(demo_store, "B-21", "black", "XL", 1)
    with transaction(demo_store) as session:  # a later price change does not reach the held units
        stock.find_variant(session, "B-21", "black", "XL").price = 1_500_000
    quoted = run(demo_store, checkout.quote, hold.id, "پیک موتوری", POLICY)
    assert (quoted.code, quoted.color, quoted.size, quoted.quantity, quoted.unit_price) == (
        "B-21",
        "black",
        "XL",
        1,
        1_290_000,
    )
    assert (quoted.shipping_method.key, quoted.subtotal, quoted.shipping_fee, quoted.total) == (
        "courier",
        1_290_000,
        90_000,
        1_380_000,
    )
    assert run(demo_store, checkout.quote, hold.id, "post", POLICY).shipping_fee == 60_000


def test_shipping_is_free_from_the_policys_threshold(demo_store: sessionmaker) -> None:
    assert POLICY.free_shipping_over == 3_000_000
    below = run(demo_store, checkout.quote, held(demo_store, "K-40", "white", "38", 1).id, "post", POLICY)
    assert (below.subtotal, below.shipping_fee, below.total) == (2_100_000, 60_000, 2_160_000)
    over = run(demo_store, checkout.quote, held(demo_store, "K-40", "black", "39", 2).id, "courier", POLICY)
    assert (over.subtotal, over.shipping_fee, over.total) == (4_200_000, 0, 4_200_000)


def test_an_unknown_shipping_method_is_refused_not_replaced_by_post(demo_store: sessionmaker) -> None:
    hold = held(demo_store, "SH-12", "cream", "free", 1)
    with pytest.raises(InvalidOrder, match="shipping method 'شتر'"):
        run(demo_store, checkout.quote, hold.id, "شتر", POLICY)
    with pytest.raises(InvalidOrder, match="shipping method"):
        run(demo_store, checkout.place, ALI.instagram_id, hold.id, ALI, "", POLICY)
    assert run(demo_store, reservations.get_reservation, hold.id).status == reservations.ACTIVE


def test_placing_charges_the_quote_once_however_often_it_is_confirmed(demo_store: sessionmaker) -> None:
    hold = held(demo_store, "B-21", "black", "L", 2)
    quoted = run(demo_store, checkout.quote, hold.id, "peyk", POLICY)
    first = run(demo_store, checkout.place, ALI.instagram_id, hold.id, ALI, "peyk", POLICY, source="post")
    again = run(demo_store, checkout.place, ALI.instagram_id, hold.id, ALI, "courier", POLICY, source="post")
    assert again == first
    assert (first.shipping_method, first.source) == ("courier", "post")
    assert (first.subtotal, first.shipping_fee, first.total) == (quoted.subtotal, quoted.shipping_fee, quoted.total)
    assert [(i.code, i.color, i.size, i.quantity) for i in first.items] == [("B-21", "black", "L", 2)]
    assert run(demo_store, reservations.get_reservation, hold.id).status == reservations.CONVERTED
    assert available(demo_store, "B-21", "black", "L") == 1


def test_placing_raises_the_stores_errors_unchanged(demo_store: sessionmaker) -> None:
    hold = held(demo_store, "R-7", "red", "free", 1)
    with pytest.raises(InvalidOrder, match="order source"):
        run(demo_store, checkout.place, ALI.instagram_id, hold.id, ALI, "post", POLICY, source="shared_post")
    with pytest.raises(UnknownReservation):  # someone else's hold
        run(demo_store, checkout.place, SARA.instagram_id, hold.id, SARA, "post", POLICY)
    with pytest.raises(InvalidOrder, match="customer"):
        run(demo_store, checkout.place, SARA.instagram_id, hold.id, ALI, "post", POLICY)
    run(demo_store, checkout.release_hold, hold.id, ALI.instagram_id)
    with pytest.raises(ReservationNotActive):
        run(demo_store, checkout.place, ALI.instagram_id, hold.id, ALI, "post", POLICY)
