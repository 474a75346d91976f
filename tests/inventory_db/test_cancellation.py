"""A customer cancelling their own order: which order, whether they may, exactly that one."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy.orm import Session

from inventory_db import cancellation, order_states, orders, stock
from inventory_db.errors import IllegalTransition
from inventory_db.orders import Customer, ItemRequest

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=timezone.utc)


def place(session: Session, customer_id: str, key: str, size: str = "L", quantity: int = 1) -> orders.OrderInfo:
    customer = Customer(customer_id, "Sara", "+989121234567", "Tehran, Valiasr 12")
    return orders.place_order(
        session,
        key,
        customer,
        items=[ItemRequest("B-21", "black", size, quantity)],
        shipping_method="post",
        actor="test",
        now=NOW,
    )


def available(session: Session, size: str = "L") -> int:
    return stock.available_units(session, stock.find_variant(session, "B-21", "black", size), now=NOW)


def test_a_number_that_is_not_theirs_is_never_swapped_for_their_own(session: Session) -> None:
    mine = place(session, "ig-a", "k1")
    theirs = place(session, "ig-b", "k2")
    found = cancellation.find_order_to_cancel(session, "ig-a", theirs.number)
    assert (found.outcome, found.order, found.number) == (cancellation.NOT_THEIRS, None, theirs.number)
    assert cancellation.find_order_to_cancel(session, "ig-a", 9999).outcome == cancellation.NOT_THEIRS
    found = cancellation.find_order_to_cancel(session, "ig-a", mine.number)
    assert (found.outcome, found.order.number) == (cancellation.CONFIRM, mine.number)


def test_without_a_number_one_unpaid_order_is_named_and_several_are_a_choice(session: Session) -> None:
    assert cancellation.find_order_to_cancel(session, "ig-a").outcome == cancellation.NO_ORDER
    first = place(session, "ig-a", "k1")
    found = cancellation.find_order_to_cancel(session, "ig-a")
    assert (found.outcome, found.order.number) == (cancellation.CONFIRM, first.number)
    second = place(session, "ig-a", "k2", size="M")
    found = cancellation.find_order_to_cancel(session, "ig-a")
    assert found.outcome == cancellation.CHOOSE
    assert [o.number for o in found.choices] == [second.number, first.number]  # newest first


def test_the_order_the_conversation_was_about_counts_only_when_it_is_theirs_and_unpaid(session: Session) -> None:
    first = place(session, "ig-a", "k1")
    second = place(session, "ig-a", "k2", size="M")
    other = place(session, "ig-b", "k3")
    found = cancellation.find_order_to_cancel(session, "ig-a", context=first.number)
    assert (found.outcome, found.order.number) == (cancellation.CONFIRM, first.number)
    assert cancellation.find_order_to_cancel(session, "ig-a", context=other.number).outcome == cancellation.CHOOSE
    orders.cancel_order(session, first.number, actor="test", now=NOW)
    found = cancellation.find_order_to_cancel(session, "ig-a", context=first.number)
    assert (found.outcome, found.order.number) == (cancellation.CONFIRM, second.number)


def test_a_paid_or_shipped_order_is_the_owners_call(session: Session) -> None:
    order = place(session, "ig-a", "k1")
    orders.mark_paid(session, order.number, actor="owner", now=NOW)
    found = cancellation.find_order_to_cancel(session, "ig-a")
    assert (found.outcome, found.order.status) == (cancellation.NOT_CANCELLABLE, order_states.PAID)
    assert cancellation.find_order_to_cancel(session, "ig-a", order.number).outcome == cancellation.NOT_CANCELLABLE
    orders.cancel_order(session, order.number, actor="owner", now=NOW)
    assert cancellation.find_order_to_cancel(session, "ig-a").outcome == cancellation.NO_ORDER  # nothing open


def test_yes_cancels_exactly_that_order_and_puts_its_units_back(session: Session) -> None:
    keep = place(session, "ig-a", "k1", size="M")
    drop = place(session, "ig-a", "k2", quantity=2)
    assert available(session) == 1
    done = cancellation.cancel_for_customer(session, "ig-a", drop.number, now=NOW)
    assert (done.outcome, done.order.status) == (cancellation.CANCELLED, order_states.CANCELLED)
    assert available(session) == 3
    assert orders.get_order(session, keep.number).status == order_states.AWAITING_PAYMENT
    assert orders.get_order(session, drop.number).history[-1].actor == "customer:ig-a"
    again = cancellation.cancel_for_customer(session, "ig-a", drop.number, now=NOW)
    assert (again.outcome, again.order.status) == (cancellation.NOT_CANCELLABLE, order_states.CANCELLED)


@pytest.mark.parametrize("customer_id, number", [("ig-b", 1001), ("ig-a", 9999)])
def test_yes_to_someone_elses_or_no_order_cancels_nothing(session: Session, customer_id: str, number: int) -> None:
    place(session, "ig-a", "k1")
    done = cancellation.cancel_for_customer(session, customer_id, number, now=NOW)
    assert (done.outcome, done.number) == (cancellation.NOT_THEIRS, number)
    assert orders.get_order(session, 1001).status == order_states.AWAITING_PAYMENT


def test_paid_in_the_meantime_is_not_cancelled_by_the_customer(session: Session) -> None:
    order = place(session, "ig-a", "k1")
    orders.mark_paid(session, order.number, actor="owner", now=NOW)
    done = cancellation.cancel_for_customer(session, "ig-a", order.number, now=NOW)
    assert (done.outcome, done.order.status) == (cancellation.NOT_CANCELLABLE, order_states.PAID)
    assert orders.get_order(session, order.number).status == order_states.PAID


def test_the_store_cancel_can_insist_on_the_status_it_was_asked_about(session: Session) -> None:
    order = place(session, "ig-a", "k1")
    orders.mark_paid(session, order.number, actor="owner", now=NOW)
    with pytest.raises(IllegalTransition):
        orders.cancel_order(session, order.number, actor="x", now=NOW, expect_status=order_states.AWAITING_PAYMENT)
    assert orders.get_order(session, order.number).status == order_states.PAID
