"""The Send API side: message shapes and limits, retries, pacing, hosts, the 24-hour window."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from channels.instagram import InstagramOutput
from channels.instagram_send import (
    FACEBOOK_PAGE_HOST,
    INSTAGRAM_LOGIN_HOST,
    GraphApiClient,
    GraphApiError,
    GraphConfig,
    generic_template,
    quick_replies,
    split_text,
)
from inventory_db import message_log
from inventory_db.database import transaction
from tests.channels.conftest import make_channel
from tests.channels.fake_graph import FakeGraphApi

PERSIAN_SENTENCE = (
    "این مانتو کتان در رنگ‌های مشکی و کرم و سرمه‌ای موجود است و قیمت آن یک میلیون و دویست و پنجاه هزار تومان است. "
)


def _client(graph: FakeGraphApi, **options: object) -> GraphApiClient:
    config = {"backoff_base_s": 0.01, "backoff_max_s": 0.05, "calls_per_second": 1000.0, **options}
    return GraphApiClient(GraphConfig(access_token="tok", base_url=graph.base_url, **config))  # type: ignore[arg-type]


# --- shapes -------------------------------------------------------------------------


def test_persian_text_is_split_at_sentences_within_1000_bytes() -> None:
    text = PERSIAN_SENTENCE * 12  # ~2,300 bytes: about twice the limit
    parts = split_text(text)
    assert len(parts) >= 3
    assert all(len(part.encode("utf-8")) <= 1000 for part in parts)
    assert all(part.endswith(".") for part in parts)
    assert " ".join(parts) == text.strip()


def test_split_falls_back_to_words_then_characters() -> None:
    words = " ".join(["سلام"] * 400)  # no sentence end at all
    parts = split_text(words)
    assert all(len(p.encode("utf-8")) <= 1000 for p in parts) and " ".join(parts) == words
    assert all(p.split(" ") == ["سلام"] * len(p.split(" ")) for p in parts)  # never inside a word
    blob = "ب" * 1500  # one 3,000-byte word: cut between letters, never inside one
    parts = split_text(blob)
    assert "".join(parts) == blob and all(len(p.encode("utf-8")) <= 1000 for p in parts)
    assert split_text("کوتاه") == ["کوتاه"] and split_text("   ") == []


def test_quick_replies_are_capped_at_13_with_20_character_titles() -> None:
    buttons = [{"title": f"گزینه شماره {n} با عنوان بلند", "payload": f'/choose{{"n": {n}}}'} for n in range(15)]
    replies = quick_replies(buttons)
    assert len(replies) == 13
    assert all(len(r["title"]) <= 20 and r["content_type"] == "text" for r in replies)
    assert replies[0]["payload"] == '/choose{"n": 0}'


def test_generic_template_caps_cards_texts_and_buttons() -> None:
    elements = [
        {
            "title": "مانتو " * 30,
            "subtitle": "قیمت " * 30,
            "image_url": "https://example.com/b21.jpg",
            "buttons": [{"title": f"دکمه {n}", "payload": f"/b{n}"} for n in range(5)]
            + [{"title": "سایت", "url": "https://x"}],
        }
        for _ in range(12)
    ]
    payload = generic_template(elements)["attachment"]["payload"]
    assert payload["template_type"] == "generic" and len(payload["elements"]) == 10
    card = payload["elements"][0]
    assert len(card["title"]) <= 80 and len(card["subtitle"]) <= 80 and len(card["buttons"]) == 3
    assert card["buttons"][0] == {"type": "postback", "title": "دکمه 0", "payload": "/b0"}


# --- the client ------------------------------------------------------------------------


async def test_a_500_is_retried_then_succeeds(graph: FakeGraphApi) -> None:
    client = _client(graph)
    graph.fail_next(500)
    graph.fail_next(429, headers={"Retry-After": "0"})
    answer = await client.send_message({"id": "8001"}, {"text": "سلام"})
    await client.close()
    assert answer["recipient_id"] == "8001"
    assert len(graph.calls) == 3
    assert graph.calls[-1].body == {
        "recipient": {"id": "8001"},
        "message": {"text": "سلام"},
        "messaging_type": "RESPONSE",
    }


async def test_a_message_without_an_answer_is_not_sent_again(graph: FakeGraphApi) -> None:
    client = _client(graph, timeout_s=0.2)
    graph.stall_next(1.0)  # Meta took it but answered too late: it may be on the customer's screen
    with pytest.raises(GraphApiError) as raised:
        await client.send_message({"id": "8005"}, {"text": "یک بار"})
    assert raised.value.transient
    assert len(graph.calls) == 1
    graph.stall_next(1.0)  # a lookup changes nothing at Meta: asked again
    graph.media["555"] = {"shortcode": "C8dmoB21"}
    assert (await client.get_media("555"))["shortcode"] == "C8dmoB21"
    await client.close()
    assert len(graph.calls) == 3


async def test_retries_are_bounded(graph: FakeGraphApi) -> None:
    client = _client(graph, max_attempts=3)
    graph.fail_next(503, times=10)
    with pytest.raises(GraphApiError) as raised:
        await client.send_message({"id": "8002"}, {"text": "x"})
    await client.close()
    assert raised.value.status == 503 and len(graph.calls) == 3


async def test_other_4xx_are_not_retried_and_logged_with_metas_code(
    graph: FakeGraphApi, caplog: pytest.LogCaptureFixture
) -> None:
    client = _client(graph)
    outside_window = {
        "message": "This message is sent outside of allowed window.",
        "code": 10,
        "error_subcode": 2018278,
    }
    graph.fail_next(400, error=outside_window)
    with caplog.at_level(logging.ERROR), pytest.raises(GraphApiError) as raised:
        await client.send_message({"id": "8003"}, {"text": "x"})
    await client.close()
    assert (raised.value.code, raised.value.subcode) == (10, 2018278)
    assert len(graph.calls) == 1
    assert "Meta error code 10, subcode 2018278" in caplog.text and "tok" not in caplog.text


async def test_sends_are_paced_under_the_rate_limit(graph: FakeGraphApi) -> None:
    client = _client(graph, calls_per_second=50.0)
    started = time.monotonic()
    for n in range(11):
        await client.send_message({"id": "8004"}, {"text": str(n)})
    await client.close()
    assert time.monotonic() - started >= 10 / 50 * 0.95
    # Arrival times at the fake server jitter by a few ms under load, so check the
    # pace over windows of 5 calls: an unpaced client sends them all within ~1 ms.
    arrivals = [call.at for call in graph.calls]
    windows = [b - a for a, b in zip(arrivals, arrivals[5:], strict=False)]
    assert min(windows) >= 5 / 50 * 0.8


@pytest.mark.parametrize("host", [INSTAGRAM_LOGIN_HOST, FACEBOOK_PAGE_HOST])
def test_both_graph_hosts_take_the_same_paths(host: str) -> None:
    config = GraphConfig(access_token="t", base_url=host + "/", api_version="v25.0")
    assert config.url("me/messages") == f"{host}/v25.0/me/messages"


async def test_the_token_travels_in_a_header_and_the_account_path_is_configurable(graph: FakeGraphApi) -> None:
    client = _client(graph, account_id="17841400000000001", api_version="v24.0")
    graph.media["1790000"] = {"shortcode": "C8dmoB21"}
    await client.send_sender_action("8005")
    assert (await client.get_media("1790000"))["shortcode"] == "C8dmoB21"
    await client.close()
    post, get = graph.calls
    assert post.path == "/v24.0/17841400000000001/messages"
    assert post.body == {"recipient": {"id": "8005"}, "sender_action": "typing_on"}
    assert post.headers["Authorization"] == "Bearer tok" and "access_token" not in post.query
    assert get.path == "/v24.0/1790000" and get.method == "GET"


# --- the output channel and the messaging window ---------------------------------------


def _output(graph: FakeGraphApi, sessions: sessionmaker, human_agent: bool = False) -> InstagramOutput:
    channel = make_channel(graph, sessions)
    return channel.human_agent_output() if human_agent else channel.get_output_channel()  # type: ignore[return-value]


def _customer_wrote(sessions: sessionmaker, sender: str, ago: timedelta) -> None:
    with transaction(sessions) as session:
        message_log.touch_customer(session, sender, datetime.now(timezone.utc) - ago)


async def test_the_channel_refuses_to_send_outside_the_24_hour_window(
    graph: FakeGraphApi, demo_store: sessionmaker
) -> None:
    _customer_wrote(demo_store, "8101", timedelta(hours=25))
    _customer_wrote(demo_store, "8102", timedelta(hours=23))
    output = _output(graph, demo_store)
    await output.send_text_message("8101", "دیر شد")
    await output.send_text_message("8102", "به موقع")
    await output.send_text_message("8103", "never wrote to us")
    await output.client.close()
    assert graph.texts() == ["به موقع"]


async def test_a_human_agent_may_answer_for_7_days_with_the_tag(graph: FakeGraphApi, demo_store: sessionmaker) -> None:
    _customer_wrote(demo_store, "8201", timedelta(days=3))
    _customer_wrote(demo_store, "8202", timedelta(days=8))
    output = _output(graph, demo_store, human_agent=True)
    await output.send_text_message("8201", "سلام، من از فروشگاه هستم")
    await output.send_text_message("8202", "too late")
    await output.client.close()
    [call] = graph.sends
    assert call.body["messaging_type"] == "MESSAGE_TAG" and call.body["tag"] == "HUMAN_AGENT"
    assert call.body["recipient"] == {"id": "8201"}


async def test_buttons_cards_and_images_go_out_in_instagram_shapes(
    graph: FakeGraphApi, demo_store: sessionmaker
) -> None:
    _customer_wrote(demo_store, "8301", timedelta(minutes=1))
    output = _output(graph, demo_store)
    await output.send_response(
        "8301",
        {
            "text": "کدوم سایز؟",
            "buttons": [{"title": "M", "payload": '/inform{"size": "M"}'}, {"title": "L", "payload": "/x"}],
        },
    )
    await output.send_response(
        "8301",
        {
            "custom": {
                "product_cards": [
                    {
                        "code": "B-21",
                        "title": "مانتو کتان",
                        "price": "۱٬۲۵۰٬۰۰۰ تومان",
                        "image_url": "https://x/b21.jpg",
                    }
                ]
            }
        },
    )
    await output.send_response("8301", {"image": "https://x/receipt.jpg"})
    await output.client.close()
    buttons, cards, image = (c.message for c in graph.sends)
    assert buttons == {
        "text": "کدوم سایز؟",
        "quick_replies": [
            {"content_type": "text", "title": "M", "payload": '/inform{"size": "M"}'},
            {"content_type": "text", "title": "L", "payload": "/x"},
        ],
    }
    [card] = cards["attachment"]["payload"]["elements"]
    assert card == {
        "title": "مانتو کتان",
        "subtitle": "۱٬۲۵۰٬۰۰۰ تومان",
        "image_url": "https://x/b21.jpg",
        "buttons": [{"type": "postback", "title": "سفارش", "payload": '/order_product{"product_code": "B-21"}'}],
    }
    assert image == {"attachment": {"type": "image", "payload": {"url": "https://x/receipt.jpg"}}}
