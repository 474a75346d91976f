"""Customers' follow-ups on SQLite and PostgreSQL: each rule schedules an occasion once, at the
right time and with what the message needs; never an occasion older than the look-back, a
cancelled checkout, one to a customer who opted out or outside the rule's audience; and
``why_not_now`` says why a follow-up scheduled earlier is no longer wanted when it is due."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from inventory_db import (
    due_work,
    followups,
    messaging_optouts,
    orders,
    payment_receipts,
    ratings,
    reservations,
    restock,
    stock,
)
from inventory_db.followups import Audience, Customer
from inventory_db.models import Variant
from tests.inventory_db.helpers import ALI, SARA, counted_statements, item, place, run

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
ANYONE = Audience()
SHAWL = ("SH-12", "gray", "free")  # 6 on hand in the demo catalog
SOLD_OUT = ("SH-12", "pink", "free")  # 0 on hand


def hold(
    store: sessionmaker,
    customer: str = "ig-ali",
    at: datetime = NOW - HOUR,
    ttl: timedelta = 15 * MINUTE,
    quantity: int = 1,
) -> reservations.ReservationInfo:
    return run(store, reservations.reserve, *SHAWL, quantity, customer, ttl=ttl, now=at)


def order(
    store: sessionmaker, key: str, customer: orders.Customer = ALI, at: datetime = NOW - HOUR, **kwargs
) -> orders.OrderInfo:
    kwargs.setdefault("items", [item(*SHAWL)])
    return place(store, key, customer, now=at, **kwargs)


def paid(
    store: sessionmaker, key: str, customer: orders.Customer = ALI, at: datetime = NOW - 10 * DAY, **kwargs
) -> orders.OrderInfo:
    placed = order(store, key, customer, at, **kwargs)
    return run(store, orders.mark_paid, placed.number, "owner", now=at + MINUTE)


def scheduled(store: sessionmaker, kind: str) -> list[due_work.DueItem]:
    """The follow-ups of ``kind``, in the order they were scheduled."""
    return sorted((i for i in run(store, due_work.recent) if i.kind == kind), key=lambda i: i.id)


def why(store: sessionmaker, found: due_work.DueItem, now: datetime = NOW) -> str | None:
    return run(store, followups.why_not_now, found, now)


def send(store: sessionmaker, found: due_work.DueItem, now: datetime = NOW) -> None:
    """What the worker does with a wanted item: claim, send, tell the store, mark sent."""
    (claimed,) = [c for c in run(store, due_work.claim_due, "w1", now, 50, MINUTE) if c.id == found.id]
    run(store, followups.sent, claimed, now)
    assert run(store, due_work.mark_sent, claimed.id, "w1", now)


# Audiences


def test_an_audience_checks_segment_source_and_a_band_of_spending() -> None:
    new, returning = Customer(0, 0), Customer(2, 3_000_000)
    assert followups.applies(ANYONE, new, None) and followups.applies(ANYONE, returning, "ad")
    assert (new.segment, returning.segment) == ("new", "returning")
    only_new = Audience(segments=frozenset({"new"}))
    assert followups.applies(only_new, new, "post") and not followups.applies(only_new, returning, "post")
    from_posts = Audience(sources=frozenset({"post", "story"}))
    assert followups.applies(from_posts, new, "story")
    assert not followups.applies(from_posts, new, "ad")
    assert not followups.applies(from_posts, new, None)  # an unknown source is not one of them
    band = Audience(min_spent=1_000_000, max_spent=3_000_000)
    assert followups.applies(band, Customer(1, 1_000_000), None)  # min inclusive
    assert not followups.applies(band, Customer(1, 999_999), None)
    assert not followups.applies(band, returning, None)  # max exclusive
    assert followups.applies(band, Customer(3, 2_999_999), None)


@pytest.mark.parametrize(
    "wrong",
    [
        {"segments": frozenset({"vip"})},
        {"sources": frozenset({"tv"})},
        {"min_spent": -1},
        {"max_spent": True},
        {"min_spent": 500, "max_spent": 500},
    ],
)
def test_an_audience_that_names_nothing_real_is_refused(wrong: dict) -> None:
    with pytest.raises(ValueError):
        Audience(**wrong)


def test_a_customer_is_judged_by_the_orders_they_paid_for_before(store: sessionmaker) -> None:
    first = paid(store, "first", at=NOW - 10 * DAY)
    order(store, "unpaid", at=NOW - 9 * DAY)  # expired or awaiting: never paid
    refunded = paid(store, "refunded", at=NOW - 8 * DAY)
    run(store, orders.cancel_order, refunded.number, "owner", now=NOW - 8 * DAY + HOUR)  # paid once: counts
    shipped = paid(store, "shipped", at=NOW - 7 * DAY)
    run(store, orders.ship, shipped.number, "TR-1", "owner", now=NOW - 7 * DAY + HOUR)
    paid(store, "sara", SARA, at=NOW - 10 * DAY)
    assert run(store, followups.customer_before, "ig-ali", NOW) == Customer(3, 3 * first.total)
    assert run(store, followups.customer_before, "ig-ali", NOW - 8 * DAY) == Customer(1, first.total)
    assert run(store, followups.customer_before, "ig-ali", first.created_at).segment == "new"  # not before itself
    assert run(store, followups.customer_before, "ig-nobody", NOW) == Customer(0, 0)


# Abandoned checkouts


def test_a_lapsed_hold_is_reminded_of_once_after_the_delay(store: sessionmaker) -> None:
    unswept = hold(store, quantity=2)  # active, past expires_at
    swept = hold(store, "ig-sara", at=NOW - 2 * HOUR)
    run(store, reservations.sweep_expired, NOW - HOUR)
    assert run(store, reservations.get_reservation, swept.id).status == reservations.EXPIRED
    assert run(store, followups.schedule_abandoned_checkouts, NOW, 30 * MINUTE, ANYONE) == 2
    assert run(store, followups.schedule_abandoned_checkouts, NOW + MINUTE, 30 * MINUTE, ANYONE) == 0
    first, second = scheduled(store, due_work.ABANDONED_CHECKOUT)
    assert (first.dedupe_key, first.customer_id, first.due_at) == (f"hold:{unswept.id}", "ig-ali", NOW - 15 * MINUTE)
    assert (second.dedupe_key, second.customer_id, second.due_at) == (f"hold:{swept.id}", "ig-sara", NOW - 75 * MINUTE)
    assert first.payload == {
        "code": "SH-12",
        "name_fa": "شال نخی",
        "name_en": "Cotton shawl",
        "color": "gray",
        "size": "free",
        "quantity": 2,
        "unit_price": 320000,
    }
    assert first.variant_id is not None and first.order_number is None


def test_holds_that_did_not_lapse_unordered_in_the_look_back_are_left_alone(store: sessionmaker) -> None:
    hold(store, "ig-live", at=NOW - 5 * MINUTE)  # still holding
    released = hold(store, "ig-cancelled")
    run(store, reservations.release, released.id, "ig-cancelled", NOW - 50 * MINUTE)
    converted = hold(store, "ig-ali")
    order(store, "from-hold", at=NOW - 50 * MINUTE, items=[], reservation_ids=[converted.id])
    hold(store, "ig-sara")
    order(store, "since", SARA, at=NOW - 30 * MINUTE)  # lapsed, then ordered anyway
    hold(store, "ig-old", at=NOW - followups.LOOKBACK - 15 * MINUTE - timedelta(seconds=1))
    edge = hold(store, "ig-edge", at=NOW - followups.LOOKBACK - 15 * MINUTE)  # lapsed exactly LOOKBACK ago
    hold(store, "ig-quiet")
    run(store, messaging_optouts.opt_out, "ig-quiet", "دیگه پیام نده", NOW - DAY)
    assert run(store, followups.schedule_abandoned_checkouts, NOW, HOUR, ANYONE) == 1
    assert [i.dedupe_key for i in scheduled(store, due_work.ABANDONED_CHECKOUT)] == [f"hold:{edge.id}"]


def test_a_checkout_reminder_goes_only_to_its_audience(store: sessionmaker) -> None:
    paid(store, "before", SARA, at=NOW - 10 * DAY)  # Sara had bought before her hold: returning
    hold(store, "ig-ali")
    sara = hold(store, "ig-sara")
    posts = Audience(sources=frozenset({"post"}))
    assert run(store, followups.schedule_abandoned_checkouts, NOW, HOUR, posts) == 0  # a hold has no source
    returning = Audience(segments=frozenset({"returning"}), min_spent=320_000)
    assert run(store, followups.schedule_abandoned_checkouts, NOW, HOUR, returning) == 1
    assert [i.dedupe_key for i in scheduled(store, due_work.ABANDONED_CHECKOUT)] == [f"hold:{sara.id}"]
    spenders = Audience(min_spent=1_000_000)
    assert run(store, followups.schedule_abandoned_checkouts, NOW, HOUR, spenders) == 0


def test_a_checkout_reminder_is_dropped_once_the_customer_acted_or_heard_today(store: sessionmaker) -> None:
    hold(store, "ig-ali", at=NOW - 2 * HOUR)
    hold(store, "ig-ali", at=NOW - HOUR)
    hold(store, "ig-sara")
    assert run(store, followups.schedule_abandoned_checkouts, NOW, 10 * MINUTE, ANYONE) == 3
    first, second, sara = scheduled(store, due_work.ABANDONED_CHECKOUT)
    assert why(store, first) is None and why(store, second) is None
    send(store, first, NOW)
    assert why(store, second, NOW + MINUTE) == "reminded already today"  # one reminder a day at most
    assert why(store, second, NOW + DAY + MINUTE) is None
    hold(store, "ig-ali", at=NOW + DAY)
    assert why(store, second, NOW + DAY + MINUTE) == "back in checkout"
    run(store, messaging_optouts.opt_out, "ig-ali", "stop", NOW + DAY)
    assert why(store, second, NOW + DAY + MINUTE) == "opted out"
    assert why(store, sara) is None
    order(store, "sara", SARA, at=NOW + MINUTE)
    assert why(store, sara, NOW + 2 * MINUTE) == "ordered since"


def test_a_second_run_over_many_customers_reads_one_query(store: sessionmaker) -> None:
    for n in range(6):
        hold(store, f"ig-{n}")
    newcomers = Audience(segments=frozenset({"new"}))
    with store.begin() as session, counted_statements(session) as statements:
        assert followups.schedule_abandoned_checkouts(session, NOW, HOUR, newcomers) == 6
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 3  # the holds, the opt-outs, the customers' past orders: not one per customer
    with store.begin() as session, counted_statements(session) as statements:
        assert followups.schedule_abandoned_checkouts(session, NOW + MINUTE, HOUR, newcomers) == 0
    assert len(statements) == 1


# Payment reminders


def test_an_unpaid_order_is_reminded_of_before_its_deadline(store: sessionmaker) -> None:
    placed = order(store, "unpaid", source="post")  # 24 hours to pay
    soon = order(store, "soon", SARA, at=NOW - 30 * MINUTE, payment_window=2 * HOUR)
    order(store, "late", at=NOW - 30 * HOUR)  # deadline passed, not swept yet
    assert run(store, followups.schedule_payment_reminders, NOW, 6 * HOUR, ANYONE) == 2
    assert run(store, followups.schedule_payment_reminders, NOW + MINUTE, 6 * HOUR, ANYONE) == 0
    first, second = scheduled(store, due_work.PAYMENT_REMINDER)
    assert (first.dedupe_key, first.order_number, first.customer_id) == (
        f"order:{placed.number}",
        placed.number,
        "ig-ali",
    )
    assert first.due_at == NOW + 17 * HOUR
    assert first.payload == {
        "order_number": placed.number,
        "total": placed.total,
        "payment_due_at": (NOW + 23 * HOUR).isoformat(),
    }
    assert (second.order_number, second.due_at) == (soon.number, soon.created_at)  # not before it was placed


def test_a_payment_reminder_goes_only_to_its_audience(store: sessionmaker) -> None:
    paid(store, "before", SARA, at=NOW - 10 * DAY)
    ali = order(store, "ali", source="story")
    sara = order(store, "sara", SARA, source="post")
    order(store, "quiet", orders.Customer("ig-quiet", "Q", "09120000000", "Tehran"), source="post")
    run(store, messaging_optouts.opt_out, "ig-quiet", None, NOW - DAY)
    assert run(store, followups.schedule_payment_reminders, NOW, HOUR, Audience(sources=frozenset({"ad"}))) == 0
    assert run(store, followups.schedule_payment_reminders, NOW, HOUR, Audience(max_spent=1)) == 1
    assert run(store, followups.schedule_payment_reminders, NOW, HOUR, Audience(sources=frozenset({"post"}))) == 1
    assert [i.order_number for i in scheduled(store, due_work.PAYMENT_REMINDER)] == [ali.number, sara.number]


def test_a_payment_reminder_is_dropped_once_paid_or_too_late(store: sessionmaker) -> None:
    receipted = order(store, "receipt")
    paid_since = order(store, "paid", SARA)
    assert run(store, followups.schedule_payment_reminders, NOW, HOUR, ANYONE) == 2
    first, second = scheduled(store, due_work.PAYMENT_REMINDER)
    assert why(store, first) is None
    assert why(store, first, NOW + 23 * HOUR) == "deadline passed"
    run(store, payment_receipts.record_receipt, "ig-ali", payment_receipts.TEXT, "کد پیگیری ۱۲۳۴", NOW)
    assert why(store, first) == "receipt received"
    run(store, orders.mark_paid, paid_since.number, "owner", now=NOW)
    assert why(store, second) == "order is paid"
    run(store, messaging_optouts.opt_out, "ig-ali", None, NOW)
    assert why(store, first) == "opted out" and receipted.number == first.order_number


# Shipped notices


def test_a_shipped_order_is_announced_once_with_its_tracking_code(store: sessionmaker) -> None:
    sent_off = paid(store, "recent", source="ad")
    run(store, orders.ship, sent_off.number, "۱۲۳۴۵", "owner", now=NOW - HOUR)
    old = paid(store, "old", SARA)
    run(store, orders.ship, old.number, "999", "owner", now=NOW - followups.LOOKBACK - MINUTE)
    waiting = paid(store, "not-shipped")
    assert run(store, followups.schedule_shipped_notices, NOW, ANYONE) == 1
    assert run(store, followups.schedule_shipped_notices, NOW + MINUTE, ANYONE) == 0
    (notice,) = scheduled(store, due_work.SHIPPED)
    assert (notice.dedupe_key, notice.order_number, notice.due_at) == (
        f"order:{sent_off.number}",
        sent_off.number,
        NOW - HOUR,
    )
    assert notice.payload == {"order_number": sent_off.number, "tracking_code": "12345", "shipping_method": "post"}
    assert waiting.number != notice.order_number


def test_a_shipped_notice_goes_only_to_its_audience(store: sessionmaker) -> None:
    for key, customer in (("ali", ALI), ("sara", SARA)):
        placed = paid(store, key, customer, source="ad")
        run(store, orders.ship, placed.number, "1", "owner", now=NOW - HOUR)
    paid(store, "sara-before", SARA, at=NOW - 20 * DAY)  # Sara is returning, Ali new
    run(store, messaging_optouts.opt_out, "ig-sara", None, NOW - DAY)
    assert run(store, followups.schedule_shipped_notices, NOW, Audience(segments=frozenset({"returning"}))) == 0
    assert run(store, followups.schedule_shipped_notices, NOW, Audience(sources=frozenset({"post"}))) == 0
    assert run(store, followups.schedule_shipped_notices, NOW, Audience(segments=frozenset({"new"}))) == 1
    assert [i.customer_id for i in scheduled(store, due_work.SHIPPED)] == ["ig-ali"]


def test_a_shipped_notice_is_dropped_once_the_parcel_arrived_or_came_back(store: sessionmaker) -> None:
    numbers = []
    for key, customer in (("ali", ALI), ("sara", SARA)):
        placed = paid(store, key, customer)
        run(store, orders.ship, placed.number, "1", "owner", now=NOW - HOUR)
        numbers.append(placed.number)
    assert run(store, followups.schedule_shipped_notices, NOW, ANYONE) == 2
    ali, sara = scheduled(store, due_work.SHIPPED)
    assert why(store, ali) is None
    run(store, orders.deliver, numbers[0], "owner", now=NOW)
    assert why(store, ali) == "order is delivered"
    run(store, orders.return_order, numbers[1], "owner", now=NOW)
    assert why(store, sara) == "order is returned"
    run(store, messaging_optouts.opt_out, "ig-ali", None, NOW)
    assert why(store, ali) == "opted out"


# Rating requests


def delivered(store: sessionmaker, key: str, at: datetime, customer: orders.Customer = ALI, **kwargs) -> int:
    placed = paid(store, key, customer, **kwargs)
    run(store, orders.ship, placed.number, "1", "owner", now=at - DAY)
    run(store, orders.deliver, placed.number, "owner", now=at)
    return placed.number


def test_a_delivered_order_is_asked_for_a_rating_after_the_delay(store: sessionmaker) -> None:
    recent = delivered(store, "recent", NOW - 2 * HOUR)
    edge = delivered(store, "edge", NOW - followups.LOOKBACK - DAY, SARA)  # a long delay still finds it
    delivered(store, "old", NOW - followups.LOOKBACK - DAY - MINUTE)
    assert run(store, followups.schedule_rating_requests, NOW, DAY, ANYONE) == 2
    assert run(store, followups.schedule_rating_requests, NOW + MINUTE, DAY, ANYONE) == 0
    first, second = scheduled(store, due_work.RATING)
    assert (first.dedupe_key, first.due_at, first.payload) == (
        f"order:{recent}",
        NOW + 22 * HOUR,
        {"order_number": recent},
    )
    assert (second.order_number, second.due_at) == (edge, NOW - followups.LOOKBACK)


def test_a_rating_request_goes_only_to_its_audience(store: sessionmaker) -> None:
    delivered(store, "ali", NOW - HOUR, source="comment")
    delivered(store, "sara", NOW - HOUR, SARA, source="reel")
    assert run(store, followups.schedule_rating_requests, NOW, HOUR, Audience(min_spent=1)) == 0  # both new
    assert run(store, followups.schedule_rating_requests, NOW, HOUR, Audience(sources=frozenset({"reel"}))) == 1
    assert [i.customer_id for i in scheduled(store, due_work.RATING)] == ["ig-sara"]


def test_a_rating_request_is_dropped_once_rated_or_returned(store: sessionmaker) -> None:
    rated = delivered(store, "ali", NOW - 2 * HOUR)
    back = delivered(store, "sara", NOW - 2 * HOUR, SARA)
    assert run(store, followups.schedule_rating_requests, NOW, HOUR, ANYONE) == 2
    ali, sara = scheduled(store, due_work.RATING)
    assert why(store, ali) is None and why(store, sara) is None
    run(store, ratings.record_rating, rated, "ig-ali", 5, NOW)
    assert why(store, ali) == "rated already"
    run(store, orders.return_order, back, "owner", now=NOW)
    assert why(store, sara) == "order is returned"
    run(store, messaging_optouts.opt_out, "ig-sara", None, NOW)
    assert why(store, sara) == "opted out"


# Back in stock


def ask(store: sessionmaker, customer: str, at: datetime) -> int:
    return run(store, restock.request_notice, customer, *SOLD_OUT, now=at).id


def test_the_oldest_waiting_customers_are_told_no_more_than_the_units_back(store: sessionmaker) -> None:
    first = ask(store, "c1", NOW - 3 * DAY)
    second = ask(store, "c2", NOW - 2 * DAY)
    third = ask(store, "c3", NOW - DAY)
    ask(store, "c-stale", NOW - followups.RESTOCK_LOOKBACK - MINUTE)
    ask(store, "c-quiet", NOW - 4 * DAY)
    run(store, messaging_optouts.opt_out, "c-quiet", None, NOW - DAY)
    assert run(store, followups.schedule_back_in_stock, NOW, ANYONE) == 0  # still sold out
    run(store, stock.set_stock, *SOLD_OUT, 2, "owner", now=NOW - HOUR)
    assert run(store, followups.schedule_back_in_stock, NOW, ANYONE) == 2
    assert run(store, followups.schedule_back_in_stock, NOW + MINUTE, ANYONE) == 0
    c1, c2 = scheduled(store, due_work.BACK_IN_STOCK)
    assert [(i.dedupe_key, i.customer_id, i.due_at) for i in (c1, c2)] == [
        (f"restock:{first}", "c1", NOW),
        (f"restock:{second}", "c2", NOW),
    ]
    assert c1.payload == {
        "request_id": first,
        "code": "SH-12",
        "name_fa": "شال نخی",
        "name_en": "Cotton shawl",
        "color": "pink",
        "size": "free",
        "unit_price": 320000,
    }
    assert c1.variant_id is not None and c1.variant_id == c2.variant_id
    assert why(store, c1) is None
    send(store, c1)
    assert why(store, c1) == "told already"
    assert {r.customer_id for r in run(store, restock.pending)} == {"c-stale", "c-quiet", "c2", "c3"}
    assert (
        run(store, followups.schedule_back_in_stock, NOW + MINUTE, ANYONE) == 1
    )  # c1 bought nothing: 2 units, 1 promised
    (c3,) = scheduled(store, due_work.BACK_IN_STOCK)[2:]
    assert (c3.dedupe_key, c3.customer_id) == (f"restock:{third}", "c3")


def test_sent_marks_the_request_told(store: sessionmaker) -> None:
    request = ask(store, "c1", NOW - DAY)
    run(store, stock.set_stock, *SOLD_OUT, 1, "owner", now=NOW - HOUR)
    assert run(store, followups.schedule_back_in_stock, NOW, ANYONE) == 1
    (notice,) = scheduled(store, due_work.BACK_IN_STOCK)
    assert request in [r.id for r in run(store, restock.pending)]
    run(store, followups.sent, notice, NOW)
    assert request not in [r.id for r in run(store, restock.pending)]
    run(store, followups.sent, scheduled(store, due_work.BACK_IN_STOCK)[0], NOW + HOUR)  # twice: no error
    assert run(store, followups.schedule_back_in_stock, NOW + MINUTE, ANYONE) == 0


def test_a_customer_skipped_because_it_sold_out_again_is_told_next_time(store: sessionmaker) -> None:
    request = ask(store, "c1", NOW - DAY)
    run(store, stock.set_stock, *SOLD_OUT, 1, "owner", now=NOW - HOUR)
    assert run(store, followups.schedule_back_in_stock, NOW, ANYONE) == 1
    (notice,) = scheduled(store, due_work.BACK_IN_STOCK)
    run(store, reservations.reserve, *SOLD_OUT, 1, "ig-fast", ttl=HOUR, now=NOW)  # someone else got the last one
    (claimed,) = run(store, due_work.claim_due, "w1", NOW + MINUTE, 10, MINUTE)
    reason = why(store, claimed, NOW + MINUTE)
    assert reason == "sold out again"
    assert run(store, due_work.mark_skipped, claimed.id, "w1", reason, NOW + MINUTE)
    assert run(store, followups.schedule_back_in_stock, NOW + 2 * MINUTE, ANYONE) == 0
    run(store, stock.set_stock, *SOLD_OUT, 2, "owner", now=NOW + HOUR)
    assert run(store, followups.schedule_back_in_stock, NOW + HOUR, ANYONE) == 1
    again = scheduled(store, due_work.BACK_IN_STOCK)[-1]
    assert (again.dedupe_key, again.customer_id) == (f"restock:{request}#2", "c1")
    assert notice.dedupe_key == f"restock:{request}"


def test_a_back_in_stock_notice_goes_only_to_its_audience(store: sessionmaker) -> None:
    ask(store, "ig-ali", NOW - 2 * DAY)
    ask(store, "ig-sara", NOW - DAY)
    paid(store, "sara-before", SARA, at=NOW - 10 * DAY)
    run(store, stock.set_stock, *SOLD_OUT, 1, "owner", now=NOW - HOUR)
    assert run(store, followups.schedule_back_in_stock, NOW, Audience(sources=frozenset({"post"}))) == 0
    returning = Audience(segments=frozenset({"returning"}))
    assert run(store, followups.schedule_back_in_stock, NOW, returning) == 1  # Ali, older but new, takes no unit
    (notice,) = scheduled(store, due_work.BACK_IN_STOCK)
    assert notice.customer_id == "ig-sara"
    run(store, messaging_optouts.opt_out, "ig-sara", None, NOW)
    assert why(store, notice) == "opted out"


def test_a_variant_taken_off_sale_is_not_announced(store: sessionmaker) -> None:
    ask(store, "c1", NOW - DAY)
    run(store, stock.set_stock, *SOLD_OUT, 3, "owner", now=NOW - HOUR)
    assert run(store, followups.schedule_back_in_stock, NOW, ANYONE) == 1
    (notice,) = scheduled(store, due_work.BACK_IN_STOCK)
    ask(store, "c2", NOW)
    with store.begin() as session:
        session.execute(update(Variant).where(Variant.id == notice.variant_id).values(active=False))
    assert why(store, notice) == "no longer sold"
    assert run(store, followups.schedule_back_in_stock, NOW + MINUTE, ANYONE) == 0


def test_why_not_now_refuses_a_kind_it_does_not_know(store: sessionmaker) -> None:
    found = run(store, due_work.schedule, "birthday", "x:1", "ig-ali", NOW, now=NOW)
    assert found is not None
    with pytest.raises(ValueError, match="birthday"):
        why(store, found)
