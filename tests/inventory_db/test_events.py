"""Business events: each recorded once, by the service call that causes it, in its transaction;
and migration 0009 back-fills the same events from a store's past, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from inventory_db import (
    cancellation,
    checkout,
    events,
    handoffs,
    message_log,
    order_states,
    orders,
    reservations,
    restock,
    schema,
)
from inventory_db.database import make_engine, make_session_factory, transaction
from inventory_db.errors import IllegalTransition, OutOfStock
from tests.inventory_db.helpers import ALI, MINUTE, SARA, item, place, run

T0 = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)


def recorded(store: sessionmaker, **kwargs: Any) -> list[events.EventInfo]:
    return run(store, events.history, **kwargs)


def kinds(store: sessionmaker, **kwargs: Any) -> list[str]:
    return [event.kind for event in recorded(store, **kwargs)]


def facts(event: events.EventInfo) -> tuple:
    """An event without its row id: what the back-fill must reproduce."""
    return (
        event.kind,
        event.occurred_at,
        event.customer_id,
        event.conversation_id,
        event.external,
        event.product_code,
        event.color,
        event.size,
        event.quantity,
        event.available,
        event.order_number,
        event.amount,
        event.source,
        event.ref,
        event.ad_id,
        event.step,
        event.text,
    )


# -- holds ---------------------------------------------------------------------------


def test_a_hold_placed_released_and_expired_is_one_event_each(store: sessionmaker) -> None:
    kept = run(store, reservations.reserve, "B-21", "black", "L", 2, "ig-1", now=T0)
    dropped = run(store, reservations.reserve, "B-21", "black", "M", 1, "ig-2", now=T0)
    run(store, reservations.release, kept.id, actor="customer:ig-1", now=T0 + MINUTE)
    run(store, reservations.release, kept.id, actor="customer:ig-1", now=T0 + 2 * MINUTE)  # already released
    assert run(store, reservations.sweep_expired, now=T0 + timedelta(hours=1)) == 1
    assert run(store, reservations.sweep_expired, now=T0 + timedelta(hours=2)) == 0

    placed, other, released, expired = recorded(store)
    assert (placed.kind, placed.customer_id, placed.conversation_id, placed.occurred_at, placed.external) == (
        "hold_placed",
        "ig-1",
        "ig-1",
        T0,
        False,
    )
    assert (placed.product_code, placed.color, placed.size, placed.quantity, placed.amount) == (
        "B-21",
        "black",
        "L",
        2,
        2_500_000,
    )
    assert (released.kind, released.occurred_at, released.external, released.quantity) == (
        "hold_released",
        T0 + MINUTE,
        False,
        2,
    )
    assert (expired.kind, expired.customer_id, expired.external) == ("hold_expired", "ig-2", True)  # the sweeper's
    assert (other.kind, other.customer_id, other.size) == ("hold_placed", "ig-2", dropped.size)


def test_a_hold_that_cannot_be_had_leaves_no_event(store: sessionmaker) -> None:
    with pytest.raises(OutOfStock):
        run(store, reservations.reserve, "B-21", "black", "XL", 2, "ig-1")
    outcome = run(store, checkout.hold, "ig-1", "B-21", "black", "XL", 2)  # the checkout's savepoint
    assert outcome.hold is None and outcome.available == 1
    assert recorded(store) == []


def test_the_checkout_moving_its_hold_releases_the_old_one(store: sessionmaker) -> None:
    first = run(store, checkout.hold, "ig-1", "B-21", "black", "L", 1)
    same = run(store, checkout.hold, "ig-1", "B-21", "black", "L", 1, replaces=first.hold.id)
    assert same.hold == first.hold  # nothing changed: the hold is kept
    run(store, checkout.hold, "ig-1", "B-21", "black", "M", 1, replaces=first.hold.id)
    assert kinds(store) == ["hold_placed", "hold_released", "hold_placed"]


# -- orders --------------------------------------------------------------------------


def test_an_order_placed_once_is_one_event_with_its_number_total_units_and_source(store: sessionmaker) -> None:
    first = place(
        store,
        "k1",
        items=[item("B-21", "black", "L", 2), item("SH-12", "gray", "free")],
        shipping_fee=50_000,
        source="story",
        actor="customer:ig-ali",
        now=T0,
    )
    again = place(store, "k1", items=[item("B-21", "black", "L", 2)], source="story", actor="customer:ig-ali")
    assert again.number == first.number
    (event,) = recorded(store)
    assert (event.kind, event.customer_id, event.occurred_at, event.external) == ("order_placed", "ig-ali", T0, False)
    assert (event.order_number, event.amount, event.quantity, event.source) == (first.number, 2_870_000, 3, "story")


def test_every_status_an_order_reaches_is_one_event(store: sessionmaker) -> None:
    number = place(store, "k1", items=[item("B-21", "black", "L")], actor="customer:ig-ali", now=T0).number
    run(store, orders.mark_paid, number, actor="owner", now=T0 + MINUTE)
    run(store, orders.ship, number, "RR123", actor="owner", now=T0 + 2 * MINUTE)
    run(store, orders.deliver, number, actor="owner", now=T0 + 3 * MINUTE)
    run(store, orders.return_order, number, actor="owner", now=T0 + 4 * MINUTE)
    history = recorded(store)
    assert [e.kind for e in history] == [
        "order_placed",
        "order_paid",
        "order_shipped",
        "order_delivered",
        "order_returned",
    ]
    assert [e.external for e in history] == [False, True, True, True, True]  # the owner moved it on
    assert {(e.order_number, e.amount, e.quantity) for e in history} == {(number, 1_250_000, 1)}
    assert [e.occurred_at for e in history] == [T0 + n * MINUTE for n in range(5)]


def test_cancelled_by_the_customer_and_expired_by_the_sweeper(store: sessionmaker) -> None:
    cancelled = place(store, "k1", items=[item("B-21", "black", "L")], actor="customer:ig-ali").number
    lapsing = place(store, "k2", SARA, items=[item("SH-12", "gray", "free")], actor="customer:ig-sara", now=T0).number
    assert run(store, cancellation.cancel_for_customer, "ig-ali", cancelled).outcome == cancellation.CANCELLED
    assert run(store, orders.expire_overdue, now=T0 + timedelta(days=2)) == [lapsing]
    assert run(store, orders.expire_overdue, now=T0 + timedelta(days=3)) == []
    ended = recorded(store, kinds=["order_cancelled", "order_expired"])
    assert [(e.kind, e.order_number, e.external) for e in ended] == [
        ("order_cancelled", cancelled, False),
        ("order_expired", lapsing, True),
    ]


def test_a_rolled_back_order_leaves_no_event(store: sessionmaker) -> None:
    with pytest.raises(RuntimeError):
        with transaction(store) as session:
            held = reservations.reserve(session, "B-21", "black", "L", 1, "ig-ali")
            orders.place_order(
                session, "k1", ALI, reservation_ids=[held.id], shipping_method="post", actor="customer:ig-ali"
            )
            assert [e.kind for e in events.history(session)] == ["hold_placed", "order_placed"]  # in the transaction
            raise RuntimeError("the turn failed after placing")
    assert recorded(store) == [] and run(store, orders.list_orders) == []


def test_a_refused_transition_leaves_no_event(store: sessionmaker) -> None:
    number = place(store, "k1", items=[item("B-21", "black", "L")]).number
    with pytest.raises(IllegalTransition):
        run(store, orders.deliver, number, actor="owner")  # not shipped
    assert kinds(store) == ["order_placed"]


# -- restock requests, hand-offs, conversations ---------------------------------------


def test_asking_twice_for_a_restock_notice_is_one_request_and_one_event(store: sessionmaker) -> None:
    run(store, restock.request_notice, "ig-1", "B-21", "navy", "L", now=T0)
    run(store, restock.request_notice, "ig-1", "b21", "سرمه‌ای", "L")
    (event,) = recorded(store)
    assert (event.kind, event.product_code, event.color, event.size, event.occurred_at) == (
        "restock_requested",
        "B-21",
        "navy",
        "L",
        T0,
    )


def test_a_handoff_requested_twice_and_released_is_two_events(store: sessionmaker) -> None:
    run(store, handoffs.request_handoff, "ig-7", "با یه آدم حرف بزنم", now=T0)
    run(store, handoffs.request_handoff, "ig-7", "hello??")  # still waiting: the same hand-off
    run(store, handoffs.release, "ig-7", actor="owner", now=T0 + MINUTE)
    assert [(e.kind, e.occurred_at, e.external) for e in recorded(store)] == [
        ("handoff_requested", T0, False),
        ("handoff_released", T0 + MINUTE, True),
    ]


def test_a_conversation_starts_direct_or_from_where_the_channel_says(store: sessionmaker) -> None:
    with transaction(store) as session:
        message_log.record_referral(session, "ig-ad", message_log.Referral("ADS", "OPEN_THREAD", "spring", "ad-77", 1))
    run(store, events.start_conversation, "ig-1", now=T0)
    run(store, events.start_conversation, "ig-2", "reel")
    run(store, events.start_conversation, "ig-ad", "ad")  # the referral came in its own webhook event
    run(store, events.start_conversation, "ig-3", "ad", ref="autumn", ad_id="ad-9")
    run(store, events.start_conversation, "web-1", conversation_id="thread-5")
    started = {e.customer_id: (e.source, e.ref, e.ad_id, e.conversation_id) for e in recorded(store)}
    assert started == {
        "ig-1": ("direct", None, None, "ig-1"),
        "ig-2": ("reel", None, None, "ig-2"),
        "ig-ad": ("ad", "spring", "ad-77", "ig-ad"),
        "ig-3": ("ad", "autumn", "ad-9", "ig-3"),
        "web-1": ("direct", None, None, "thread-5"),
    }
    assert recorded(store, customer_id="ig-1")[0].occurred_at == T0


def test_record_refuses_what_no_code_should_send_and_fits_what_a_channel_sends(store: sessionmaker) -> None:
    with pytest.raises(ValueError):
        run(store, events.record, "order_teleported", "ig-1")
    with pytest.raises(ValueError):
        run(store, events.record, events.FALLBACK, "")
    run(store, events.record, events.CONVERSATION_STARTED, "ig-1", source="ad", ref="r" * 400)
    run(store, events.record, events.FALLBACK, "ig-1", text="  شماره‌ام ۰۹۱۲۳۴۵۶۷۸۹ هست، KAAARTتون؟ " + "سلام " * 60)
    started, fallback = recorded(store)
    assert started.ref == "r" * 255
    assert fallback.text.startswith("شماره ام # هست، kartتون؟ سلام") and len(fallback.text) == events.MAX_TEXT


def test_fallback_text_is_one_spelling_without_long_numbers() -> None:
    assert events.fallback_text("  سلاااام   ، كد تخفیف ۱۲۳۴۵۶ ") == "سلام ، کد تخفیف #"
    assert events.fallback_text("Order 1042?") == "order 1042?"  # an order number is not hidden


def test_the_event_kinds_cover_every_order_status() -> None:
    assert set(events.ORDER_KINDS) == set(order_states.STATUSES)
    assert set(events.ORDER_KINDS.values()) <= set(events.KINDS) and len(set(events.KINDS)) == len(events.KINDS)


# -- migration 0009's back-fill -------------------------------------------------------


def _history(store: sessionmaker) -> None:
    """A week's worth of a small shop, written by the real services at pinned times."""
    t = iter(T0 + n * MINUTE for n in range(1000))
    hold = run(store, checkout.hold, "ig-ali", "B-21", "black", "L", 2, now=next(t)).hold
    run(store, checkout.release_hold, hold.id, "ig-ali", now=next(t))
    hold = run(store, checkout.hold, "ig-ali", "B-21", "black", "M", 1, now=next(t)).hold
    ali = place(store, "chat:ali", reservation_ids=[hold.id], source="post", actor="customer:ig-ali", now=next(t))
    paid = ali.number
    run(store, orders.mark_paid, paid, actor="owner", now=next(t))
    run(store, orders.ship, paid, "RR1", actor="owner", now=next(t))
    run(store, orders.deliver, paid, actor="owner", now=next(t))
    run(store, orders.return_order, paid, actor="owner", now=next(t))
    cancelled = place(
        store,
        "chat:sara",
        SARA,
        items=[item("SH-12", "gray", "free", 3)],
        actor="customer:ig-sara",
        shipping_fee=40_000,
        now=next(t),
    ).number
    run(store, cancellation.cancel_for_customer, "ig-sara", cancelled, now=next(t))
    place(store, "owner:1", SARA, items=[item("SH-12", "cream", "free")], actor="owner", now=next(t))
    run(store, orders.expire_overdue, now=T0 + timedelta(days=2))
    run(store, reservations.reserve, "B-21", "cream", "M", 1, "ig-reza", now=next(t))
    run(store, reservations.sweep_expired, now=T0 + timedelta(days=2, minutes=1))
    run(store, restock.request_notice, "ig-reza", "B-21", "navy", "L", now=next(t))
    run(store, handoffs.request_handoff, "ig-reza", "human", now=next(t))
    run(store, handoffs.release, "ig-reza", actor="owner", now=next(t))
    run(store, handoffs.request_handoff, "ig-mina", now=next(t))
    ad = message_log.Referral("ADS", "OPEN_THREAD", "spring", "ad-77", 1_796_117_400_123)  # T0 and 123 ms
    link = message_log.Referral("SHORTLINK", "OPEN_THREAD", "bio", None, 1_796_117_460_000)  # T0 + 1 minute
    with transaction(store) as session:  # what the Instagram channel keeps of referrals
        message_log.record_referral(session, "ig-ad", ad)
        message_log.record_referral(session, "ig-link", link)


def test_0009_back_fills_what_the_services_recorded_and_the_referrals(store: sessionmaker, store_url: str) -> None:
    _history(store)
    live = [facts(e) for e in recorded(store)]
    assert len(live) == 18
    engine = make_engine(store_url)
    schema.downgrade(store_url, "0008")  # a store as 0008 left it: no events table, all the rest
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM orders")).scalar_one() == 3
    schema.upgrade(store_url)
    try:
        filled = run(make_session_factory(engine), events.history)
    finally:
        engine.dispose()

    conversations = [facts(e) for e in filled if e.kind == "conversation_started"]
    assert sorted((f for f in map(facts, filled) if f[0] != "conversation_started"), key=repr) == sorted(live, key=repr)
    assert conversations == [
        (
            "conversation_started",
            datetime(2026, 12, 1, 9, 30, 0, 123000, tzinfo=timezone.utc),
            "ig-ad",
            "ig-ad",
            False,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "ad",
            "spring",
            "ad-77",
            None,
            None,
        ),
        (
            "conversation_started",
            datetime(2026, 12, 1, 9, 31, tzinfo=timezone.utc),
            "ig-link",
            "ig-link",
            False,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "link",
            "bio",
            None,
            None,
            None,
        ),
    ]
    by_kind: dict[str, int] = {}
    for event in filled:
        by_kind[event.kind] = by_kind.get(event.kind, 0) + 1
    assert by_kind == {
        "hold_placed": 3,
        "hold_released": 1,
        "hold_expired": 1,
        "order_placed": 3,
        "order_paid": 1,
        "order_shipped": 1,
        "order_delivered": 1,
        "order_returned": 1,
        "order_cancelled": 1,
        "order_expired": 1,
        "restock_requested": 1,
        "handoff_requested": 2,
        "handoff_released": 1,
        "conversation_started": 2,
    }
    ali_placed = next(e for e in filled if e.kind == "order_placed" and e.customer_id == "ig-ali")
    assert (ali_placed.amount, ali_placed.quantity, ali_placed.source, ali_placed.external) == (
        1_250_000,
        1,
        "post",
        False,
    )
    owners = next(e for e in filled if e.kind == "order_placed" and e.external)
    assert (owners.customer_id, owners.amount) == ("ig-sara", 320_000)


def test_0009_goes_down_and_up_on_an_empty_store(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'e.db'}"
    schema.upgrade(url)
    schema.downgrade(url, "0008")
    schema.upgrade(url)
    engine = make_engine(url)
    try:
        assert run(make_session_factory(engine), events.history) == []
    finally:
        engine.dispose()
