"""Two weeks of a small shop, written through the real services, and the report's figures
worked out by hand: the store's report tests and ``shopctl report``'s share them.

The report's week is 1–7 Dec 2026 in Tehran (1405/09/10–1405/09/16), which is
[30 Nov 20:30, 7 Dec 20:30) UTC; the week before is 24–30 Nov. Times below are UTC.

This week:
- ig-ali came from a post, asked for B-21 black L (3 free), was asked name, phone, address,
  postal code, shipping and shown the summary, ordered 1 × B-21 (1,250,000) 10 min after
  asking and paid an hour after ordering.
- ig-sara came from the ad "yalda", asked for SH-12 grey (6 free) and B-21 navy L (none),
  asked to be told when B-21 navy L is back, held and ordered 2 × SH-12 with 40,000
  shipping (680,000) 30 min after her first question; not paid.
- ig-reza came from a story, asked for B-21 navy L and K-40 white 39 (both none), held
  B-21 black M, was asked his name and went quiet; twice "کی میرسه؟" was not understood;
  asked for a person and was released 30 min later.
- ig-mina wrote directly, was not understood once, asked for a person and still waits.
- ig-old's order of last week (R-7, 450,000) was paid, by the owner, 24 h after placing.
- ig-ali rated his order 5, ig-sara hers 4 (with a comment): 2 ratings, mean 4.5.
Instagram stored 5 messages (ali 1, sara 2, reza 1, mina 1).

The week before: ig-old came from a reel, asked for R-7 red (3 free) and ordered 1 × R-7
20 min later, and rated it 3 that evening; 1 Instagram message.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import sessionmaker

from inventory_db import checkout, events, handoffs, inbox, orders, ratings, restock
from tests.inventory_db.helpers import ALI, SARA, item, place, run

REZA = orders.Customer("ig-reza", "Reza", "09120000002", "Tabriz")
OLD = orders.Customer("ig-old", "Old Customer", "09120000003", "Isfahan")
WEEK = ("2026-12-01", "2026-12-07")
WEEK_JALALI = ("1405/09/10", "1405/09/16")


def at(day: int, hour: int, minute: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=timezone.utc)


def message(store: sessionmaker, customer: str, when: datetime) -> None:
    """A Direct message as the Instagram webhook stores it in the inbox."""
    new = inbox.NewEvent("message", f"mid-{customer}-{when.timestamp()}", customer, int(when.timestamp() * 1000), "{}")
    run(store, inbox.store, [new], now=when)


def inquiry(store: sessionmaker, customer: str, when: datetime, code: str, color: str, size: str, free: int) -> None:
    run(store, events.record, events.INQUIRY, customer, now=when, product_code=code, color=color, size=size,
        available=free)  # fmt: skip


def step(store: sessionmaker, customer: str, when: datetime, name: str) -> None:
    run(store, events.record, events.CHECKOUT_STEP, customer, now=when, step=name)


def fallback(store: sessionmaker, customer: str, when: datetime, text: str) -> None:
    run(store, events.record, events.FALLBACK, customer, now=when, text=text)


def seed(store: sessionmaker) -> None:
    # The week before: ig-old, from a reel.
    run(store, events.start_conversation, "ig-old", "reel", now=at(30, 10, 0, 11))
    message(store, "ig-old", at(30, 10, 0, 11))
    inquiry(store, "ig-old", at(30, 10, 1, 11), "R-7", "red", "free", 3)
    old = place(store, "chat:old", OLD, items=[item("R-7", "red", "free")], source="reel", actor="customer:ig-old",
                now=at(30, 10, 21, 11), payment_window=timedelta(days=7))  # fmt: skip
    run(store, ratings.record_rating, old.number, "ig-old", 3, now=at(30, 15, 0, 11))  # 18:30 in Tehran

    # ig-ali, from a post: through every question to a paid order.
    run(store, events.start_conversation, "ig-ali", "post", now=at(1, 8, 0))
    message(store, "ig-ali", at(1, 8, 0))
    inquiry(store, "ig-ali", at(1, 8, 1), "B-21", "black", "L", 3)
    hold = run(store, checkout.hold, "ig-ali", "B-21", "black", "L", 1, now=at(1, 8, 2)).hold
    for n, name in enumerate(("customer_name", "phone", "address", "postal_code", "shipping_method", "summary_shown")):
        step(store, "ig-ali", at(1, 8, 3 + n), name)
    ali = place(store, "chat:ali", ALI, reservation_ids=[hold.id], source="post", actor="customer:ig-ali",
                now=at(1, 8, 11))  # fmt: skip
    run(store, orders.mark_paid, ali.number, actor="owner", now=at(1, 9, 11))
    run(store, orders.mark_paid, old.number, actor="owner", now=at(1, 10, 21))  # 24 h later, this week
    run(store, ratings.record_rating, ali.number, "ig-ali", 5, now=at(2, 9, 0))

    # ig-sara, from an ad: an out-of-stock question, a restock notice, an unpaid order.
    run(store, events.start_conversation, "ig-sara", "ad", ref="yalda", ad_id="ad-1", now=at(2, 10, 0))
    message(store, "ig-sara", at(2, 10, 0))
    message(store, "ig-sara", at(2, 10, 5))
    inquiry(store, "ig-sara", at(2, 10, 1), "SH-12", "gray", "free", 6)
    inquiry(store, "ig-sara", at(2, 10, 2), "B-21", "navy", "L", 0)
    run(store, restock.request_notice, "ig-sara", "B-21", "navy", "L", now=at(2, 10, 3))
    hold = run(store, checkout.hold, "ig-sara", "SH-12", "gray", "free", 2, now=at(2, 10, 4)).hold
    sara = place(store, "chat:sara", SARA, reservation_ids=[hold.id], source="ad", shipping_fee=40_000,
                 actor="customer:ig-sara", now=at(2, 10, 31))  # fmt: skip
    run(store, ratings.record_rating, sara.number, "ig-sara", 4, now=at(3, 9, 0))
    run(store, ratings.add_rating_comment, sara.number, "ig-sara", "رنگش کمی روشن‌تر بود")

    # ig-reza, from a story: sold-out questions, a dropped checkout, a hand-off.
    run(store, events.start_conversation, "ig-reza", "story", now=at(3, 12, 0))
    message(store, "ig-reza", at(3, 12, 0))
    inquiry(store, "ig-reza", at(3, 12, 1), "B-21", "navy", "L", 0)
    inquiry(store, "ig-reza", at(3, 12, 2), "K-40", "white", "39", 0)
    run(store, checkout.hold, "ig-reza", "B-21", "black", "M", 1, now=at(3, 12, 3))
    step(store, "ig-reza", at(3, 12, 4), "customer_name")
    fallback(store, "ig-reza", at(3, 12, 5), "کی میرسه؟")
    fallback(store, "ig-reza", at(3, 12, 6), "کی  میرسه؟")  # the same words, spaced differently
    run(store, handoffs.request_handoff, "ig-reza", "human", now=at(3, 12, 7))
    run(store, handoffs.release, "ig-reza", actor="owner", now=at(3, 12, 37))

    # ig-mina, writing directly: not understood, waiting for a person.
    run(store, events.start_conversation, "ig-mina", now=at(4, 9, 0))
    message(store, "ig-mina", at(4, 9, 0))
    fallback(store, "ig-mina", at(4, 9, 1), "salam chetori")
    run(store, handoffs.request_handoff, "ig-mina", now=at(4, 9, 2))


def funnel(*counts: int) -> list[dict]:
    steps = ("inquiry", "checkout_started", "product_code", "color", "size", "quantity", "customer_name", "phone",
             "address", "postal_code", "shipping_method", "summary_shown", "order_placed", "paid")  # fmt: skip
    assert len(counts) == len(steps)
    return [{"step": s, "conversations": n} for s, n in zip(steps, counts, strict=True)]


def scores(*given: int) -> dict[str, int]:
    """The ratings' distribution: how many of each score, from "1" to "5"."""
    return {str(score): given.count(score) for score in range(1, 6)}


THIS_WEEK = {
    "period": {"from": "2026-12-01", "to": "2026-12-07", "timezone": "Asia/Tehran"},
    "conversations": {"total": 4, "new_customers": 4, "messages_in": 5},  # ig-old's payment was the owner's doing
    "inquiries": [
        {"code": "B-21", "name_fa": "مانتو کتان", "name_en": "Linen manteau", "asks": 3, "out_of_stock_asks": 2},
        {"code": "K-40", "name_fa": "کتونی اسپرت", "name_en": "Sport sneakers", "asks": 1, "out_of_stock_asks": 1},
        {"code": "SH-12", "name_fa": "شال نخی", "name_en": "Cotton shawl", "asks": 1, "out_of_stock_asks": 0},
    ],
    "lost_demand": [
        {"code": "B-21", "color": "navy", "size": "L", "asks": 2, "restock_requests": 1},
        {"code": "K-40", "color": "white", "size": "39", "asks": 1, "restock_requests": 0},
    ],
    "sales": {
        "orders_placed": 2,
        "orders_paid": 2,
        "units": 3,
        "revenue_placed": 1_250_000 + 680_000,
        "revenue_paid": 1_250_000 + 450_000,
    },  # fmt: skip
    "best_sellers": [
        {"code": "SH-12", "units": 2, "revenue": 640_000},  # items only: Sara's 40,000 shipping is not SH-12's
        {"code": "B-21", "units": 1, "revenue": 1_250_000},
    ],
    # ali and old reached paid (old's payment is this week), sara an order, reza the name question.
    "funnel": funnel(4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 2),
    "conversion": {"inquiry_to_order": 0.75, "order_to_paid": 0.6667},
    "time_to_order_minutes": {"median": 20.0, "mean": 20.0},  # ali 10, sara 30
    "time_to_payment_minutes": {"median": 750.0, "mean": 750.0},  # ali 60, old 1440
    "by_source": [
        {"source": "post", "ref": None, "conversations": 1, "orders": 1, "revenue": 1_250_000},
        {"source": "ad", "ref": "yalda", "conversations": 1, "orders": 1, "revenue": 680_000},
        {"source": "direct", "ref": None, "conversations": 1, "orders": 0, "revenue": 0},
        {"source": "story", "ref": None, "conversations": 1, "orders": 0, "revenue": 0},
    ],
    "nlu": {
        "fallback_rate": 0.6,  # 3 not understood of 5 Instagram messages
        "top_unrecognised": [
            {"text": events.fallback_text("کی میرسه؟"), "count": 2},
            {"text": "salam chetori", "count": 1},
        ],
    },
    "handoffs": {"requested": 2, "released": 1, "waiting": 1, "median_wait_minutes": 30.0},
    "ratings": {"count": 2, "mean": 4.5, "distribution": scores(4, 5)},  # ali 5, sara 4
}

WEEK_BEFORE = {
    "period": {"from": "2026-11-24", "to": "2026-11-30", "timezone": "Asia/Tehran"},
    "conversations": {"total": 1, "new_customers": 1, "messages_in": 1},
    "inquiries": [
        {"code": "R-7", "name_fa": "روسری ابریشم", "name_en": "Silk headscarf", "asks": 1, "out_of_stock_asks": 0},
    ],
    "lost_demand": [],
    "sales": {"orders_placed": 1, "orders_paid": 0, "units": 1, "revenue_placed": 450_000, "revenue_paid": 0},
    "best_sellers": [{"code": "R-7", "units": 1, "revenue": 450_000}],
    "funnel": funnel(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0),
    "conversion": {"inquiry_to_order": 1.0, "order_to_paid": 0.0},
    "time_to_order_minutes": {"median": 20.0, "mean": 20.0},
    "time_to_payment_minutes": {"median": None, "mean": None},
    "by_source": [{"source": "reel", "ref": None, "conversations": 1, "orders": 1, "revenue": 450_000}],
    "nlu": {"fallback_rate": 0.0, "top_unrecognised": []},
    "handoffs": {"requested": 0, "released": 0, "waiting": 0, "median_wait_minutes": None},
    "ratings": {"count": 1, "mean": 3.0, "distribution": scores(3)},  # old's, given 30 Nov
}

EMPTY = {
    "conversations": {"total": 0, "new_customers": 0, "messages_in": 0},
    "inquiries": [],
    "lost_demand": [],
    "sales": {"orders_placed": 0, "orders_paid": 0, "units": 0, "revenue_placed": 0, "revenue_paid": 0},
    "best_sellers": [],
    "funnel": funnel(*[0] * 14),
    "conversion": {"inquiry_to_order": None, "order_to_paid": None},
    "time_to_order_minutes": {"median": None, "mean": None},
    "time_to_payment_minutes": {"median": None, "mean": None},
    "by_source": [],
    "nlu": {"fallback_rate": None, "top_unrecognised": []},
    "handoffs": {"requested": 0, "released": 0, "waiting": 0, "median_wait_minutes": None},
    "ratings": {"count": 0, "mean": None, "distribution": scores()},
}
