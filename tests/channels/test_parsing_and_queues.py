"""Payload parsing edge cases and the inbox workers' per-customer order, without a server."""

from __future__ import annotations

import asyncio
import json

import pytest

from channels.instagram_webhook import (
    CommentEvent,
    Event,
    MalformedPayload,
    MessageEvent,
    ReferralEvent,
    SharedMedia,
    WebhookReferral,
    parse_delivery,
)
from channels.instagram_worker import InboxSettings, InboxWorkers
from channels.shared_posts import order_source
from inventory_db import inbox, orders
from inventory_db.database import transaction
from tests.channels import payloads


def _parse(document: dict) -> list:
    return list(parse_delivery(json.dumps(document).encode()).events)


def test_events_of_every_kind_are_typed() -> None:
    document = payloads.delivery(
        payloads.text_message("1", "سلام", quick_reply={"payload": "/greet"}),
        payloads.postback("1", "سفارش", "/order"),
        payloads.messaging("1", referral={"ref": "r", "source": "SHORTLINK", "type": "OPEN_THREAD"}),
    )
    message, postback, referral = _parse(document)
    assert isinstance(message, MessageEvent) and message.payload == "/greet" and message.kind == "message"
    assert isinstance(postback, MessageEvent) and postback.kind == "postback" and postback.payload == "/order"
    assert isinstance(referral, ReferralEvent) and referral.referral.source == "SHORTLINK"


def test_comments_in_changes_and_in_the_flat_shape() -> None:
    nested = payloads.comment("c1", "قیمت؟", "m1")
    flat = {
        "object": "instagram",
        "entry": [
            {
                "id": "9",
                "time": 1_700_000_000,
                "field": "comments",
                "value": {"id": "c2", "text": "price?", "media": {"id": "m2"}, "from": {"id": "5"}},
            }
        ],
    }
    live_change = {"field": "live_comments", "value": {"id": "c3"}}
    live = {"object": "instagram", "entry": [{"id": "9", "time": 1, "changes": [live_change]}]}
    [first] = _parse(nested)
    [second] = _parse(flat)
    assert isinstance(first, CommentEvent) and first.media_id == "m1" and first.time_s > 1_700_000_000
    assert isinstance(second, CommentEvent) and second.time_s == 1_700_000_000 and second.from_id == "5"
    assert _parse(live) == []


def test_graph_style_comment_times_are_read() -> None:
    document = payloads.comment("c4", "قیمت؟", "m1")
    document["entry"][0]["changes"][0]["value"]["timestamp"] = "2026-11-20T10:00:00+0000"
    [event] = _parse(document)
    assert event.time_s == 1_795_168_800.0


def test_every_order_source_the_channel_emits_is_one_the_store_takes() -> None:
    """What Meta says a customer shared or came from maps onto orders.SOURCES, or to nothing."""
    share = {"url": "https://www.instagram.com/p/C8dmoB21/", "ig_post_media_id": "1", "reel_video_id": "2"}
    kinds = ("ig_post", "share", "ig_reel", "reel")
    referrals = [{"source": source, "type": "OPEN_THREAD"} for source in ("ADS", "SHORTLINK", "ads", "CHAT_PLUGIN")]
    document = payloads.delivery(
        *(payloads.attachment_message("1", [{"type": kind, "payload": share}]) for kind in kinds),
        payloads.text_message("1", "این؟", reply_to={"story": {"id": "3", "url": "https://x/story"}}),
        *(payloads.text_message("1", "سلام", referral=referral) for referral in referrals),
        *(payloads.messaging("1", referral=referral) for referral in referrals),
    )

    def origin(event: Event) -> SharedMedia | WebhookReferral | CommentEvent | None:
        if isinstance(event, MessageEvent):
            return event.shared_media or event.referral
        return event.referral if isinstance(event, ReferralEvent) else event

    events = _parse(document) + _parse(payloads.comment("c1", "قیمت؟", "m1"))
    sources = [order_source(found) for found in map(origin, events) if found is not None]
    assert sources == [
        "post",
        "post",
        "reel",
        "reel",
        "story",
        "ad",
        "link",
        "ad",
        None,
        "ad",
        "link",
        "ad",
        None,
        "comment",
    ]
    assert {source for source in sources if source is not None} <= set(orders.SOURCES)


def test_unreadable_bodies_raise_malformed_payload() -> None:
    for body in (b"", b"null", b'"text"', b'{"entry": {}}', '{"entry": ["\xff"]'.encode("latin-1")):
        with pytest.raises(MalformedPayload):
            parse_delivery(body)


async def test_workers_keep_each_customers_order_and_run_customers_side_by_side(session_factory) -> None:
    log: list[str] = []
    both_running = asyncio.Event()
    running: set[str] = set()

    async def handle(event: inbox.LeasedEvent) -> str:
        running.add(event.sender_id)
        if len(running) == 2:
            both_running.set()
        n = int(event.external_id[1:])
        await asyncio.sleep(0.01 * (3 - n))  # later messages are quicker: order must still hold
        log.append(event.external_id)
        running.discard(event.sender_id)
        return "done"

    async def gave_up(event: inbox.LeasedEvent, error: str) -> None:
        raise AssertionError(error)

    async def db(work):  # type: ignore[no-untyped-def]
        with transaction(session_factory) as session:
            return work(session)

    with transaction(session_factory) as session:
        inbox.store(
            session, [inbox.NewEvent("message", f"{key}{n}", key, 1000 + n, "{}") for n in range(3) for key in "ab"]
        )
    workers = InboxWorkers(db, handle, gave_up, InboxSettings(poll_s=0.02))
    workers.start()
    await workers.join(5)
    assert [e for e in log if e[0] == "a"] == ["a0", "a1", "a2"]
    assert [e for e in log if e[0] == "b"] == ["b0", "b1", "b2"]
    assert both_running.is_set()
    await workers.close()
    with transaction(session_factory) as session:
        assert inbox.counts(session) == inbox.InboxCounts(pending=0, leased=0, done=6, gave_up=0)
