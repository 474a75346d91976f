"""Checkout holds: reserve, release, expiry and the sweeper, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import catalog, reservations, stock
from inventory_db.errors import (
    InvalidQuantity,
    OutOfStock,
    ReservationNotActive,
    UnknownProduct,
    UnknownReservation,
    UnknownVariant,
)
from inventory_db.models import utcnow
from tests.inventory_db.helpers import MINUTE, assert_ledger_matches, level, place, run


def test_reserve_holds_units_at_todays_price_until_the_ttl(
    store: sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_RESERVATION_TTL_MINUTES", "45")
    now = utcnow()
    hold = run(store, reservations.reserve, "k40", "سفید", "۳۸", 2, "ig-ali", now=now)
    assert (hold.code, hold.color, hold.size, hold.quantity, hold.unit_price, hold.total) == (
        "K-40",
        "white",
        "38",
        2,
        2100000,
        4200000,
    )
    assert hold.status == "active" and hold.customer_id == "ig-ali" and hold.name_fa == "کتونی اسپرت"
    assert hold.expires_at == now + timedelta(minutes=45)
    assert hold.is_holding(now) and not hold.is_holding(now + 45 * MINUTE)
    assert level(store, "K-40", "white", "38").available == 1
    short = run(store, reservations.reserve, "K-40", "white", "38", 1, "ig-sara", ttl=timedelta(minutes=5), now=now)
    assert short.expires_at == now + 5 * MINUTE
    assert [h.id for h in run(store, reservations.active_for, "ig-ali")] == [hold.id]


def test_default_ttl_is_thirty_minutes(store: sessionmaker) -> None:
    now = utcnow()
    hold = run(store, reservations.reserve, "K-40", "white", "38", 1, "ig-ali", now=now)
    assert hold.expires_at - now == timedelta(minutes=30)


def test_reserving_more_than_available_says_how_many_are(store: sessionmaker) -> None:
    run(store, reservations.reserve, "B-21", "black", "L", 2, "ig-1")
    with pytest.raises(OutOfStock) as raised:
        run(store, reservations.reserve, "B-21", "black", "L", 2, "ig-2")
    assert (raised.value.available, raised.value.requested) == (1, 2)
    assert (raised.value.code, raised.value.color, raised.value.size) == ("B-21", "black", "L")
    with pytest.raises(OutOfStock) as sold_out:
        run(store, reservations.reserve, "B-21", "cream", "L", 1, "ig-2")
    assert sold_out.value.available == 0
    assert level(store, "B-21", "black", "L").reserved == 2


def test_a_lapsed_hold_frees_its_units_by_itself(store: sessionmaker) -> None:
    past = utcnow() - 31 * MINUTE
    run(store, reservations.reserve, "B-21", "black", "XL", 1, "ig-1", now=past)
    assert level(store, "B-21", "black", "XL").available == 1  # no sweep has run
    assert catalog.availability(run(store, catalog.get_product, "B-21"), "black", "XL").available == 1
    again = run(store, reservations.reserve, "B-21", "black", "XL", 1, "ig-2")
    assert again.status == "active"
    assert run(store, reservations.active_for, "ig-1") == []


def test_release_gives_units_back_once(store: sessionmaker) -> None:
    hold = run(store, reservations.reserve, "B-21", "black", "L", 3, "ig-1")
    assert level(store, "B-21", "black", "L").available == 0
    released = run(store, reservations.release, hold.id, actor="ig-1")
    assert released.status == "released"
    assert level(store, "B-21", "black", "L").available == 3
    assert run(store, reservations.release, hold.id, actor="ig-1").status == "released"  # harmless twice
    reasons = [m.reason for m in run(store, stock.history, "B-21") if m.reservation_id == hold.id]
    assert reasons == ["reserve", "release"]
    with pytest.raises(UnknownReservation):
        run(store, reservations.release, 999_999, actor="ig-1")
    assert_ledger_matches(store)


def test_a_hold_that_became_an_order_cannot_be_released(store: sessionmaker) -> None:
    hold = run(store, reservations.reserve, "B-21", "black", "L", 1, "ig-ali")
    place(store, "k", reservation_ids=[hold.id])
    with pytest.raises(ReservationNotActive) as raised:
        run(store, reservations.release, hold.id, actor="ig-ali")
    assert raised.value.status == "converted"
    assert level(store, "B-21", "black", "L").allocated == 1


def test_sweeper_marks_lapsed_holds_for_the_report(store: sessionmaker) -> None:
    now = utcnow()
    lapsed = run(store, reservations.reserve, "SH-12", "gray", "free", 2, "ig-1", now=now - 40 * MINUTE)
    live = run(store, reservations.reserve, "SH-12", "gray", "free", 1, "ig-2", now=now)
    assert run(store, reservations.sweep_expired, now=now) == 1
    assert run(store, reservations.get_reservation, lapsed.id).status == "expired"
    assert run(store, reservations.get_reservation, live.id).status == "active"
    assert run(store, reservations.sweep_expired, now=now) == 0
    expire = [m for m in run(store, stock.history, "SH-12") if m.reason == "expire"]
    assert [(m.reserved_delta, m.actor, m.reservation_id) for m in expire] == [(-2, "sweeper", lapsed.id)]
    assert level(store, "SH-12", "gray", "free").available == 5
    assert_ledger_matches(store)


@pytest.mark.parametrize(
    "args, error",
    [
        (("B-21", "black", "L", 0), InvalidQuantity),
        (("B-21", "black", "L", -1), InvalidQuantity),
        (("B-21", "black", "L", 21), InvalidQuantity),
        (("B-21", "black", "L", True), InvalidQuantity),
        (("B-21", "red", "L", 1), UnknownVariant),
        (("X-1", "black", "L", 1), UnknownProduct),
    ],
)
def test_bad_reservations_are_refused(store: sessionmaker, args: tuple, error: type) -> None:
    with pytest.raises(error):
        run(store, reservations.reserve, *args, "ig-1")
    assert level(store, "B-21", "black", "L").reserved == 0
