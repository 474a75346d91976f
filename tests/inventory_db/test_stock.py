"""Availability, the owner's counts and the movement ledger, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import catalog, orders, reservations, stock
from inventory_db.database import transaction
from inventory_db.errors import InvalidQuantity, StockCommitted, UnknownProduct, UnknownVariant
from inventory_db.models import utcnow
from tests.inventory_db.helpers import MINUTE, assert_ledger_matches, item, level, place, run


def test_available_is_on_hand_less_holds_and_open_orders(store: sessionmaker) -> None:
    run(store, reservations.reserve, "SH-12", "cream", "free", 2, "ig-1")
    place(store, "k1", items=[item("SH-12", "کرم", "فری سایز", 3)])
    cream = level(store, "sh12", "cream", "free")
    assert (cream.on_hand, cream.reserved, cream.allocated, cream.available) == (10, 2, 3, 5)
    product = run(store, catalog.get_product, "SH-12")
    assert catalog.availability(product, "cream", "free").available == 5
    assert_ledger_matches(store)


def test_lapsed_holds_and_unpaid_orders_stop_counting_without_a_sweep(store: sessionmaker) -> None:
    now = utcnow()
    run(store, reservations.reserve, "SH-12", "black", "free", 3, "ig-1", now=now)
    place(store, "k1", items=[item("SH-12", "black", "free", 2)], now=now, payment_window=60 * MINUTE)
    assert level(store, "SH-12", "black", "free", now=now).available == 3
    assert level(store, "SH-12", "black", "free", now=now + 31 * MINUTE).available == 6  # hold lapsed (30 min)
    assert level(store, "SH-12", "black", "free", now=now + 61 * MINUTE).available == 8  # order unpaid past deadline


def test_set_and_adjust_record_movements_with_reason_and_actor(store: sessionmaker) -> None:
    run(store, stock.set_stock, "b-۲۱", "مشکی", "لارج", 7, actor="owner", note="counted")
    run(store, stock.adjust_stock, "B21", "meshki", "L", -2, "two damaged", actor="maryam")
    assert level(store, "B-21", "black", "L").on_hand == 5
    moves = [m for m in run(store, stock.history, "B-21") if (m.color, m.size) == ("black", "L")]
    assert [(m.reason, m.on_hand_delta, m.on_hand_after, m.actor, m.note) for m in moves] == [
        ("import", 3, 3, "owner", None),
        ("set", 4, 7, "owner", "counted"),
        ("adjust", -2, 5, "maryam", "two damaged"),
    ]
    assert all(m.at.tzinfo is not None for m in moves)
    assert_ledger_matches(store)


def test_on_hand_cannot_drop_below_what_is_held_or_ordered(store: sessionmaker) -> None:
    run(store, reservations.reserve, "B-21", "black", "L", 2, "ig-1")
    with pytest.raises(StockCommitted) as raised:
        run(store, stock.set_stock, "B-21", "black", "L", 1, actor="owner")
    assert raised.value.committed == 2
    with pytest.raises(StockCommitted):
        run(store, stock.adjust_stock, "B-21", "black", "L", -2, "lost", actor="owner")
    run(store, stock.adjust_stock, "B-21", "black", "L", -1, "lost", actor="owner")
    assert (level(store, "B-21", "black", "L").on_hand, level(store, "B-21", "black", "L").available) == (2, 0)


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda s: stock.set_stock(s, "B-21", "black", "L", -1, actor="o"), InvalidQuantity),
        (lambda s: stock.set_stock(s, "B-21", "black", "L", 1.5, actor="o"), InvalidQuantity),
        (lambda s: stock.adjust_stock(s, "B-21", "black", "L", 0, "x", actor="o"), InvalidQuantity),
        (lambda s: stock.adjust_stock(s, "B-21", "black", "L", -4, "x", actor="o"), InvalidQuantity),
        (lambda s: stock.adjust_stock(s, "B-21", "black", "L", 1, " ", actor="o"), ValueError),
        (lambda s: stock.set_stock(s, "B-21", "red", "L", 1, actor="o"), UnknownVariant),
        (lambda s: stock.set_stock(s, "Z-9", "black", "L", 1, actor="o"), UnknownProduct),
        (lambda s: stock.history(s, "Z-9"), UnknownProduct),
    ],
)
def test_bad_stock_changes_are_refused(store: sessionmaker, call, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        run(store, call)
    assert level(store, "B-21", "black", "L").on_hand == 3


def test_history_follows_every_unit_through_an_order(store: sessionmaker) -> None:
    hold = run(store, reservations.reserve, "B-21", "black", "XL", 1, "ig-ali", actor="bot")
    order = place(store, "k1", reservation_ids=[hold.id])
    run(store, orders.mark_paid, order.number, actor="owner")
    run(store, orders.ship, order.number, "TRK-1", actor="owner")
    moves = [m for m in run(store, stock.history, "B-21") if (m.color, m.size) == ("black", "XL")]
    assert [(m.reason, m.on_hand_delta, m.reserved_delta, m.allocated_delta, m.on_hand_after) for m in moves] == [
        ("import", 1, 0, 0, 1),
        ("reserve", 0, 1, 0, 1),
        ("order", 0, -1, 1, 1),
        ("sale", -1, 0, -1, 0),
    ]
    assert [m.order_number for m in moves] == [None, None, order.number, order.number]
    assert moves[1].reservation_id == hold.id and moves[1].actor == "bot"
    assert run(store, stock.history, "B-21", limit=2) == run(store, stock.history, "B-21")[-2:]
    assert_ledger_matches(store)


def test_a_variants_history_is_its_own_newest_first_with_the_units_after_each(store: sessionmaker) -> None:
    run(store, stock.set_stock, "B-21", "black", "L", 9, "count")
    run(store, stock.adjust_stock, "B-21", "black", "M", 5, "owner", "delivery")  # another variant of the product
    place(store, "k1", items=[item("B-21", "black", "L", 2)])
    run(store, stock.adjust_stock, "B-21", "black", "L", -1, "owner", "damaged")
    with transaction(store) as session:
        variant = stock.find_variant(session, "B-21", "black", "L")
        everything = [m for m in stock.history(session, "B-21") if (m.color, m.size) == ("black", "L")]
        last_two = stock.variant_history(session, variant.id, 2)
        whole = stock.variant_history(session, variant.id, 1000)
    assert whole == everything[::-1]  # the same rows and balances as the product's ledger
    assert last_two == whole[:2] and last_two[0].on_hand_delta == -1 and last_two[0].on_hand_after == 8
