"""Orders: placement, idempotency, numbering and every status change, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from inventory_db import order_states, orders, reservations, stock
from inventory_db.database import transaction
from inventory_db.errors import (
    IllegalTransition,
    InvalidOrder,
    OutOfStock,
    ReservationNotActive,
    TooLong,
    UnknownOrder,
    UnknownReservation,
    UnknownVariant,
)
from inventory_db.models import Order, StockMovement, utcnow
from tests.inventory_db.helpers import ALI, MINUTE, SARA, assert_ledger_matches, item, level, place, run

S = order_states


def test_order_from_holds_keeps_their_price_and_moves_them_into_the_order(store: sessionmaker) -> None:
    coat = run(store, reservations.reserve, "B-21", "black", "L", 2, ALI.instagram_id)
    shawl = run(store, reservations.reserve, "SH-12", "gray", "free", 1, ALI.instagram_id)
    run(store, stock.set_stock, "B-21", "black", "L", 5, actor="owner")
    with transaction(store) as session:  # a price change after the hold does not reach the customer
        stock.find_variant(session, "B-21", "black", "L").price = 1_400_000
    order = place(store, "conv-1:cart-1", reservation_ids=[coat.id, shawl.id], shipping_fee=50_000, source="story")
    assert order.number == 1001 and order.status == S.AWAITING_PAYMENT
    assert [(i.code, i.color, i.size, i.quantity, i.unit_price) for i in order.items] == [
        ("B-21", "black", "L", 2, 1_250_000),
        ("SH-12", "gray", "free", 1, 320_000),
    ]
    assert (order.subtotal, order.shipping_fee, order.total) == (2_820_000, 50_000, 2_870_000)
    assert (order.customer_id, order.customer_name, order.phone, order.postal_code) == (
        "ig-ali",
        "علی رضایی",
        "09123456789",
        "1234567890",
    )
    assert (order.shipping_method, order.source, order.items[0].name_fa) == ("post", "story", "مانتو کتان")
    assert run(store, reservations.get_reservation, coat.id).status == "converted"
    black_l = level(store, "B-21", "black", "L")
    assert (black_l.reserved, black_l.allocated, black_l.available) == (0, 2, 3)
    assert [(h.from_status, h.to_status, h.actor) for h in order.history] == [(None, S.AWAITING_PAYMENT, "bot")]
    assert_ledger_matches(store)


def test_order_from_items_takes_available_units_at_todays_price(store: sessionmaker) -> None:
    order = place(store, "k1", SARA, items=[item("K-40", "white", "38", 2), item("K-40", "سفید", "۳۸", 1)])
    assert [(i.quantity, i.unit_price) for i in order.items] == [(2, 2_100_000), (1, 2_100_000)]
    assert order.total == 6_300_000 and order.postal_code is None and order.phone == "+989120001111"
    assert level(store, "K-40", "white", "38").available == 0
    with pytest.raises(OutOfStock) as raised:
        place(store, "k2", items=[item("K-40", "white", "38", 1)])
    assert raised.value.available == 0


def test_numbers_are_sequential_from_1001_and_a_failed_placement_uses_none(store: sessionmaker) -> None:
    first = place(store, "a", items=[item("SH-12", "black", "free")])
    with pytest.raises(OutOfStock):
        place(store, "b", items=[item("SH-12", "black", "free", 1), item("B-21", "cream", "L", 1)])
    second = place(store, "c", items=[item("SH-12", "black", "free")])
    assert (first.number, second.number) == (1001, 1002)
    assert level(store, "SH-12", "black", "free").allocated == 2  # the failed one left nothing behind


def test_the_same_idempotency_key_gives_the_same_order_and_takes_stock_once(store: sessionmaker) -> None:
    hold = run(store, reservations.reserve, "B-21", "black", "M", 1, ALI.instagram_id)
    first = place(store, "conv-7:cart-abc", reservation_ids=[hold.id], items=[item("B-21", "black", "M", 1)])
    again = place(store, "conv-7:cart-abc", reservation_ids=[hold.id], items=[item("B-21", "black", "M", 1)])
    assert again == first
    assert level(store, "B-21", "black", "M").allocated == 2
    with transaction(store) as session:
        assert session.execute(select(func.count()).select_from(Order)).scalar_one() == 1
        assert (
            session.execute(
                select(func.count()).select_from(StockMovement).where(StockMovement.reason == "order")
            ).scalar_one()
            == 2
        )
    with pytest.raises(InvalidOrder, match="another customer"):
        place(store, "conv-7:cart-abc", SARA, items=[item("B-21", "black", "M", 1)])
    assert_ledger_matches(store)


def test_holds_must_be_the_customers_own_and_still_open(store: sessionmaker) -> None:
    hers = run(store, reservations.reserve, "B-21", "black", "M", 1, SARA.instagram_id)
    with pytest.raises(UnknownReservation):
        place(store, "k1", reservation_ids=[hers.id])
    with pytest.raises(UnknownReservation):
        place(store, "k1", reservation_ids=[424242])
    place(store, "k2", SARA, reservation_ids=[hers.id])
    with pytest.raises(ReservationNotActive):
        place(store, "k3", SARA, reservation_ids=[hers.id])  # a second cart with the same hold
    released = run(store, reservations.reserve, "B-21", "black", "M", 1, SARA.instagram_id)
    run(store, reservations.release, released.id, actor="ig-sara")
    with pytest.raises(ReservationNotActive):
        place(store, "k4", SARA, reservation_ids=[released.id])


def test_a_lapsed_hold_still_orders_while_its_units_are_there(store: sessionmaker) -> None:
    old = utcnow() - 40 * MINUTE
    mine = run(store, reservations.reserve, "B-21", "black", "XL", 1, ALI.instagram_id, now=old)
    order = place(store, "k1", reservation_ids=[mine.id])
    assert order.items[0].unit_price == 1_290_000 and level(store, "B-21", "black", "XL").allocated == 1

    lapsed = run(store, reservations.reserve, "B-21", "navy", "XL", 2, ALI.instagram_id, now=old)
    run(store, reservations.reserve, "B-21", "navy", "XL", 1, SARA.instagram_id)  # someone took one meanwhile
    with pytest.raises(OutOfStock) as raised:
        place(store, "k2", reservation_ids=[lapsed.id])
    assert raised.value.available == 1
    assert_ledger_matches(store)


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(customer=orders.Customer("ig-1", "Ali", "0912", "Tehran")), "phone"),
        (dict(customer=orders.Customer("ig-1", "Ali", "09121234567", " ")), "address"),
        (dict(customer=orders.Customer("ig-1", "", "09121234567", "Tehran")), "name"),
        (dict(customer=orders.Customer("ig-1", "Ali", "09121234567", "Tehran", "12ab")), "postal code"),
        (dict(items=[]), "at least one item"),
        (dict(source="billboard"), "source"),
        (dict(shipping_method=""), "shipping method"),
        (dict(shipping_fee=-1), "shipping fee"),
        (dict(key=" "), "idempotency key"),
    ],
)
def test_incomplete_orders_are_refused(store: sessionmaker, change: dict, message: str) -> None:
    kwargs = dict(key="k", customer=ALI, items=[item("SH-12", "black", "free")], shipping_method="post")
    kwargs.update(change)
    with pytest.raises(InvalidOrder, match=message):
        place(store, kwargs.pop("key"), kwargs.pop("customer"), **kwargs)
    assert level(store, "SH-12", "black", "free").allocated == 0


def test_items_of_a_variant_taken_off_sale_cannot_be_ordered(store: sessionmaker) -> None:
    with pytest.raises(UnknownVariant):
        place(store, "k", items=[item("B-21", "red", "L")])


# How to bring an order to each status, and how to attempt each step.
STEPS: dict[str, Callable[[sessionmaker, int], object]] = {
    S.PAID: lambda f, n: run(f, orders.mark_paid, n, actor="owner"),
    S.SHIPPED: lambda f, n: run(f, orders.ship, n, "TRK-77", actor="owner"),
    S.DELIVERED: lambda f, n: run(f, orders.deliver, n, actor="courier"),
    S.CANCELLED: lambda f, n: run(f, orders.cancel_order, n, actor="ig-ali"),
    S.RETURNED: lambda f, n: run(f, orders.return_order, n, actor="owner", note="wrong size"),
}
PATHS: dict[str, list[str]] = {
    S.AWAITING_PAYMENT: [],
    S.PAID: [S.PAID],
    S.SHIPPED: [S.PAID, S.SHIPPED],
    S.DELIVERED: [S.PAID, S.SHIPPED, S.DELIVERED],
    S.CANCELLED: [S.CANCELLED],
    S.EXPIRED: [S.EXPIRED],
    S.RETURNED: [S.PAID, S.SHIPPED, S.RETURNED],
}
LEGAL = {
    (S.AWAITING_PAYMENT, S.PAID),
    (S.AWAITING_PAYMENT, S.CANCELLED),
    (S.AWAITING_PAYMENT, S.EXPIRED),
    (S.PAID, S.SHIPPED),
    (S.PAID, S.CANCELLED),
    (S.SHIPPED, S.DELIVERED),
    (S.SHIPPED, S.RETURNED),
    (S.DELIVERED, S.RETURNED),
}


def _order_at(store: sessionmaker, status: str, key: str, overdue: bool = False) -> int:
    placed_at = utcnow() - timedelta(days=2) if overdue or status == S.EXPIRED else utcnow()
    number = place(store, key, items=[item("SH-12", "cream", "free")], now=placed_at).number
    for step in PATHS[status]:
        if step == S.EXPIRED:
            assert run(store, orders.expire_overdue, actor="sweeper") == [number]
        else:
            STEPS[step](store, number)
    assert run(store, orders.get_order, number).status == status
    return number


def test_the_transition_table_is_exactly_the_documented_one() -> None:
    pairs = {(a, b) for a in S.STATUSES for b in S.STATUSES if S.can_transition(a, b)}
    assert pairs == LEGAL
    assert S.FINAL_STATUSES == {S.CANCELLED, S.EXPIRED, S.RETURNED}
    with pytest.raises(IllegalTransition):
        S.check_transition(1001, S.SHIPPED, S.PAID)


@pytest.mark.parametrize("start", S.STATUSES)
def test_every_step_from_every_status_is_allowed_or_refused(store: sessionmaker, start: str) -> None:
    for target in (*STEPS, S.EXPIRED):
        number = _order_at(store, start, f"{start}->{target}", overdue=(target == S.EXPIRED))
        before = run(store, orders.get_order, number)
        if target == S.EXPIRED:  # only the sweeper expires, and only unpaid orders past their deadline
            expired = run(store, orders.expire_overdue, actor="sweeper")
            assert (number in expired) == ((start, target) in LEGAL)
        elif (start, target) in LEGAL:
            after = STEPS[target](store, number)
            assert isinstance(after, orders.OrderInfo) and after.status == target
        else:
            with pytest.raises(IllegalTransition) as raised:
                STEPS[target](store, number)
            assert (raised.value.from_status, raised.value.to_status) == (start, target)
            assert run(store, orders.get_order, number) == before  # nothing changed
            continue
        after = run(store, orders.get_order, number)
        if (start, target) in LEGAL:
            last = after.history[-1]
            assert (last.from_status, last.to_status) == (start, target) and last.at >= before.history[-1].at
            assert last.actor in {"owner", "courier", "ig-ali", "sweeper"}
        else:
            assert after == before
    assert_ledger_matches(store)


def test_stock_follows_the_order_through_its_life(store: sessionmaker) -> None:
    def numbers() -> tuple[int, int, int]:
        v = level(store, "K-40", "black", "39")
        return v.on_hand, v.allocated, v.available

    assert numbers() == (4, 0, 4)
    shipped = place(store, "a", items=[item("K-40", "black", "39", 2)]).number
    assert numbers() == (4, 2, 2)
    run(store, orders.mark_paid, shipped, actor="owner")
    assert numbers() == (4, 2, 2)
    order = run(store, orders.ship, shipped, "RR123", actor="owner")
    assert order.tracking_code == "RR123" and numbers() == (2, 0, 2)
    run(store, orders.deliver, shipped, actor="owner")
    run(store, orders.return_order, shipped, actor="owner")
    assert numbers() == (4, 0, 4)

    cancelled = place(store, "b", items=[item("K-40", "black", "39", 3)]).number
    run(store, orders.mark_paid, cancelled, actor="owner")
    assert numbers() == (4, 3, 1)
    run(store, orders.cancel_order, cancelled, actor="owner", note="customer changed her mind")
    assert numbers() == (4, 0, 4)
    assert run(store, orders.get_order, cancelled).history[-1].note == "customer changed her mind"
    reasons = [m.reason for m in run(store, stock.history, "K-40") if m.color == "black" and m.size == "39"]
    assert reasons == ["import", "order", "sale", "return", "order", "cancel"]
    assert_ledger_matches(store)


def test_an_unpaid_order_past_its_deadline_gives_its_units_back(store: sessionmaker) -> None:
    late = utcnow() - timedelta(hours=25)
    number = place(store, "a", items=[item("R-7", "red", "free", 3)], now=late).number
    assert level(store, "R-7", "red", "free").available == 3  # before any sweep
    assert run(store, orders.expire_overdue, actor="sweeper") == [number]
    expired = run(store, orders.get_order, number)
    assert expired.status == S.EXPIRED and expired.history[-1].actor == "sweeper"
    assert [m.reason for m in run(store, stock.history, "R-7") if m.color == "red"][-1] == "order_expired"
    assert_ledger_matches(store)


def test_late_payment_is_accepted_only_while_the_units_are_still_there(store: sessionmaker) -> None:
    late = utcnow() - timedelta(hours=25)
    lucky = place(store, "a", items=[item("R-7", "navy", "free", 2)], now=late).number
    paid = run(store, orders.mark_paid, lucky, actor="owner")
    assert paid.status == S.PAID and "deadline" in (paid.history[-1].note or "")
    assert level(store, "R-7", "navy", "free").allocated == 2

    unlucky = place(store, "b", items=[item("R-7", "navy", "free", 3)], now=late).number
    place(store, "c", SARA, items=[item("R-7", "navy", "free", 2)])  # sold meanwhile: 5 - 2 - 2 = 1 left
    with pytest.raises(OutOfStock) as raised:
        run(store, orders.mark_paid, unlucky, actor="owner")
    assert raised.value.available == 1
    assert run(store, orders.get_order, unlucky).status == S.AWAITING_PAYMENT


def test_shipping_needs_a_tracking_code(store: sessionmaker) -> None:
    number = _order_at(store, S.PAID, "k")
    with pytest.raises(InvalidOrder):
        run(store, orders.ship, number, " ", actor="owner")
    with pytest.raises(UnknownOrder):
        run(store, orders.ship, 9999, "T", actor="owner")


def test_finding_orders(store: sessionmaker) -> None:
    assert run(store, orders.latest_order_for, ALI.instagram_id) is None
    first = place(store, "a", items=[item("SH-12", "gray", "free")])
    place(store, "b", SARA, items=[item("SH-12", "gray", "free")])
    latest = place(store, "c", items=[item("SH-12", "black", "free")])
    run(store, orders.mark_paid, first.number, actor="owner")
    assert run(store, orders.latest_order_for, ALI.instagram_id).number == latest.number
    assert [o.number for o in run(store, orders.list_orders)] == [1001, 1002, 1003]
    assert [o.number for o in run(store, orders.list_orders, status=S.PAID)] == [1001]
    assert [o.number for o in run(store, orders.list_orders, customer_id="ig-sara")] == [1002]
    assert [o.number for o in run(store, orders.list_orders, limit=2)] == [1002, 1003]
    with pytest.raises(InvalidOrder):
        run(store, orders.list_orders, status="lost")


@pytest.mark.parametrize("text, number", [("1024", 1024), ("۱۰۲۴", 1024), ("#1024", 1024), ("سفارش ۱۰۲۴", 1024)])
def test_order_numbers_as_customers_write_them(text: str, number: int) -> None:
    assert orders.parse_order_number(text) == number


@pytest.mark.parametrize("text", ["", "abc", "1024 1025"])
def test_text_without_one_order_number(text: str) -> None:
    with pytest.raises(UnknownOrder):
        orders.parse_order_number(text)


def test_a_two_billion_toman_order_places_and_reads_back(store: sessionmaker) -> None:
    """Past INTEGER's 2,147,483,647: prices, totals and the ledger are BIGINT."""
    with transaction(store) as session:
        stock.find_variant(session, "B-21", "black", "L").price = 1_100_000_000
    hold = run(store, reservations.reserve, "B-21", "black", "L", 2, ALI.instagram_id)
    placed = place(store, "big", reservation_ids=[hold.id], shipping_fee=60_000)
    with transaction(store) as session:
        read = orders.get_order(session, placed.number)
    assert (read.subtotal, read.shipping_fee, read.total) == (2_200_000_000, 60_000, 2_200_060_000)
    assert [(i.unit_price, i.line_total) for i in read.items] == [(1_100_000_000, 2_200_000_000)]
    assert level(store, "B-21", "black", "L").price == 1_100_000_000
    assert run(store, orders.mark_paid, placed.number, actor="owner").total == 2_200_060_000
    assert_ledger_matches(store)


@pytest.mark.parametrize(
    "detail, value, field, limit",
    [
        ("address", "تهران، خیابان " + "ولیعصر " * 80, "address", 500),
        ("name", "مریم " * 50, "customer_name", 200),
        ("phone", "0912 123 4567" + " " * 40, "phone", 32),
        ("postal_code", "1" * 21, "postal_code", 20),
        ("instagram_id", "ig-" + "9" * 70, "customer_id", 64),
    ],
)
def test_too_long_details_are_refused_before_the_database(
    store: sessionmaker, detail: str, value: str, field: str, limit: int
) -> None:
    """PostgreSQL would fail with a DataError and SQLite would keep them whole: a TooLong first."""
    customer = orders.Customer(**{**ALI.__dict__, detail: value})
    with pytest.raises(TooLong) as refused:
        place(store, "long", customer, items=[item("B-21", "black", "L")])
    assert (refused.value.field, refused.value.limit) == (field, limit)
    assert run(store, orders.list_orders) == []


def test_too_long_owner_notes_and_tracking_codes_are_refused(store: sessionmaker) -> None:
    order = place(store, "k", items=[item("B-21", "black", "L")])
    with pytest.raises(TooLong, match="note is 301 characters long; at most 300"):
        run(store, orders.cancel_order, order.number, actor="owner", note="n" * 301)
    run(store, orders.mark_paid, order.number, actor="owner")
    with pytest.raises(TooLong, match="tracking_code"):
        run(store, orders.ship, order.number, "T" * 65, actor="owner")
    with pytest.raises(TooLong, match="note"):
        run(store, stock.set_stock, "B-21", "black", "L", 9, actor="owner", note="n" * 301)
    with pytest.raises(TooLong, match="customer_id"):
        run(store, reservations.reserve, "B-21", "black", "M", 1, "x" * 65)
    assert run(store, orders.get_order, order.number).status == S.PAID


def test_a_tracking_code_typed_in_persian_digits_is_kept_in_ascii(store: sessionmaker) -> None:
    number = place(store, "k", items=[item("SH-12", "black", "free")]).number
    run(store, orders.mark_paid, number, actor="owner")
    assert run(store, orders.ship, number, " ۱۲۳۴-٥٦ ", actor="owner").tracking_code == "1234-56"
