"""Hand-offs to the owner and payment receipts: the store's rules (the owner's commands: tests/owner)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import handoffs, message_log, orders, payment_receipts
from inventory_db.database import transaction
from inventory_db.orders import Customer, ItemRequest


def test_a_handoff_is_one_per_waiting_customer_and_release_ends_it(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        first = handoffs.request_handoff(session, "ig-7", "  با یه آدم حرف بزنم  ")
        again = handoffs.request_handoff(session, "ig-7", "hello??")
        handoffs.request_handoff(session, "ig-8")
    assert again.id == first.id and first.message == "با یه آدم حرف بزنم"
    with transaction(demo_store) as session:
        assert [h.customer_id for h in handoffs.waiting(session)] == ["ig-7", "ig-8"]
        released = handoffs.release(session, "ig-7", actor="owner")
        assert released.released_by == "owner" and released.released_at is not None
        assert not handoffs.is_waiting(session, "ig-7")
        with pytest.raises(handoffs.NoOpenHandoff):
            handoffs.release(session, "ig-7", actor="owner")
        # Asking again later is a new hand-off.
        assert handoffs.request_handoff(session, "ig-7").id != first.id


def test_is_waiting_says_whether_the_assistant_must_stay_quiet(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        assert not handoffs.is_waiting(session, "ig-7")
        handoffs.request_handoff(session, "ig-7")
        assert handoffs.is_waiting(session, "ig-7") and not handoffs.is_waiting(session, "ig-8")
        handoffs.release(session, "ig-7", actor="owner")
        assert not handoffs.is_waiting(session, "ig-7")


def test_the_owners_list_says_how_long_each_customer_has_waited(demo_store: sessionmaker) -> None:
    now = datetime(2026, 5, 20, 12, 0, tzinfo=timezone.utc)
    with transaction(demo_store) as session:
        handoffs.request_handoff(session, "ig-7", "human please", now=now - timedelta(hours=2, minutes=15))
        handoffs.request_handoff(session, "ig-8", now=now - timedelta(seconds=20))
        message_log.touch_customer(session, "ig-7", now - timedelta(minutes=10))  # wrote again since
    with transaction(demo_store) as session:
        rows = handoffs.waiting_customers(session, now=now)
    assert [(r.customer_id, r.waiting_seconds, r.last_message_seconds) for r in rows] == [
        ("ig-7", 8100, 600),
        ("ig-8", 20, None),  # never wrote through the Instagram channel
    ]
    assert rows[0].last_message_at == now - timedelta(minutes=10) and rows[0].message == "human please"


def _place(session, customer_id: str) -> orders.OrderInfo:  # type: ignore[no-untyped-def]
    customer = Customer(customer_id, "Sara", "+989121234567", "Tehran, Valiasr 12", None)
    return orders.place_order(
        session,
        f"k-{customer_id}",
        customer,
        items=[ItemRequest("B-21", "black", "L", 1)],
        shipping_method="post",
        actor="test",
    )


def test_receipts_go_to_the_latest_unpaid_order_only(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        assert payment_receipts.record_receipt(session, "ig-1", "text", "paid") is None
        order = _place(session, "ig-1")
        receipt = payment_receipts.record_receipt(session, "ig-1", "text", "  paid, ref 998877  ")
        assert receipt is not None and (receipt.order_number, receipt.content) == (order.number, "paid, ref 998877")
        with pytest.raises(ValueError):
            payment_receipts.record_receipt(session, "ig-1", "text", "   ")
        with pytest.raises(ValueError):
            payment_receipts.record_receipt(session, "ig-1", "audio", "x")
        orders.mark_paid(session, order.number, actor="owner")
        # Paid: nothing left to attach a receipt to.
        assert payment_receipts.record_receipt(session, "ig-1", "image", "https://cdn.example/r.jpg") is None
        assert [r.content for r in payment_receipts.receipts_for(session, order.number)] == ["paid, ref 998877"]
