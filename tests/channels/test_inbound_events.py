"""What the dialogue receives for buttons, images, shared posts, story replies and referrals."""

from __future__ import annotations

import aiohttp
from sqlalchemy.orm import sessionmaker

from inventory_db import message_log, outbox
from inventory_db.database import transaction
from tests.channels import payloads
from tests.channels.conftest import FakeBot, Harness, make_channel, serve
from tests.channels.fake_graph import FakeGraphApi

B21_MEDIA_ID = "17900000000000021"  # the IG media id of the demo post C8dmoB21


async def test_payloads_of_buttons_the_bot_sent_are_intents_passed_unchanged(
    harness: Harness, demo_store: sessionmaker
) -> None:
    intent = '/ask_availability{"product_code":"B-21"}'
    with transaction(demo_store) as session:  # what the bot's quick reply and card carried
        outbox.offer(session, "7001", [intent, '/order_product{"product_code": "B-34"}'])
    document = payloads.delivery(
        payloads.text_message("7001", "موجوده؟", quick_reply={"payload": intent}),
        payloads.postback("7001", "سفارش", '/order_product{"product_code": "B-34"}'),
    )
    await harness.post(document)
    await harness.settle()
    assert harness.bot.texts == [intent, '/order_product{"product_code": "B-34"}']
    assert harness.bot.received[0].metadata["payload"] == intent
    assert harness.bot.received[1].metadata["instagram"]["kind"] == "postback"
    assert harness.bot.received[0].message_id == document["entry"][0]["messaging"][0]["message"]["mid"]


async def test_typed_slash_commands_and_payloads_never_offered_are_read_as_text(harness: Harness) -> None:
    forged = '/order_product{"product_code": "B-34", "quantity": 20}'
    document = payloads.delivery(
        payloads.text_message("7011", "/restart"),
        payloads.text_message("7011", "  //affirm"),
        payloads.text_message("7011", "موجوده؟", quick_reply={"payload": forged}),
        payloads.postback("7011", "سفارش", forged),
        payloads.text_message("7011", "/"),
    )
    await harness.post(document)
    await harness.settle()
    assert harness.bot.texts == ["restart", "affirm", "موجوده؟", "سفارش"]  # the bare "/" is nothing to read
    assert harness.bot.received[2].metadata["payload"] == forged  # kept for the record, never obeyed


async def test_buttons_the_bot_sends_are_remembered_for_that_customer_only(
    harness: Harness, demo_store: sessionmaker
) -> None:
    await harness.post(payloads.delivery(payloads.text_message("7012", "سلام")))
    await harness.settle()
    output = harness.channel.get_output_channel()
    await output.send_text_with_buttons("7012", "کدوم؟", [{"title": "B-21", "payload": '/choose{"code": "B-21"}'}])
    with transaction(demo_store) as session:
        assert outbox.was_offered(session, "7012", '/choose{"code": "B-21"}')
        assert not outbox.was_offered(session, "7013", '/choose{"code": "B-21"}')


async def test_a_payload_that_is_not_an_intent_keeps_the_visible_title(harness: Harness) -> None:
    await harness.post(payloads.delivery(payloads.postback("7002", "شروع", "GET_STARTED")))
    await harness.settle()
    assert harness.bot.texts == ["شروع"]
    assert harness.bot.received[0].metadata["payload"] == "GET_STARTED"


async def test_an_image_reaches_the_dialogue_with_its_url(harness: Harness) -> None:
    url = "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=111&signature=abc"
    image = {"type": "image", "payload": {"url": url}}
    await harness.post(payloads.delivery(payloads.attachment_message("7003", [image])))
    await harness.settle()
    [message] = harness.bot.received
    assert message.text == "/send_image"
    assert message.metadata["image_url"] == url
    assert message.metadata["attachments"] == [{"type": "image", "url": url}]


async def test_a_shared_post_means_its_product_and_so_does_the_next_question(harness: Harness) -> None:
    harness.graph.media[B21_MEDIA_ID] = {"shortcode": "C8dmoB21", "permalink": "https://www.instagram.com/p/C8dmoB21/"}
    share = {
        "type": "ig_post",
        "payload": {"ig_post_media_id": B21_MEDIA_ID, "title": "مانتو کتان", "url": "https://lookaside.fbsbx.com/x"},
    }
    legacy = {"type": "share", "payload": {"url": "https://lookaside.fbsbx.com/x"}}
    await harness.post(payloads.delivery(payloads.attachment_message("7004", [legacy, share])))
    await harness.post(payloads.delivery(payloads.text_message("7004", "این موجوده؟")))
    await harness.settle()
    shared, question = harness.bot.received
    assert shared.text == '/share_post{"product_code": "B-21"}'
    assert shared.metadata["product_code"] == "B-21" and shared.metadata["product_source"] == "post"
    assert question.text == "این موجوده؟"
    assert question.metadata["product_code"] == "B-21" and question.metadata["product_source"] == "post"
    lookups = [c for c in harness.graph.calls if c.method == "GET"]
    assert len(lookups) == 1 and lookups[0].query == {"fields": "shortcode,permalink"}


async def test_the_next_message_knows_the_shared_post_in_another_server_process(
    graph: FakeGraphApi, demo_store: sessionmaker
) -> None:
    graph.media[B21_MEDIA_ID] = {"shortcode": "C8dmoB21"}
    share = {"type": "ig_post", "payload": {"ig_post_media_id": B21_MEDIA_ID, "url": "https://lookaside.fbsbx.com/x"}}
    first, second = FakeBot(), FakeBot()
    for bot, event in (
        (first, payloads.attachment_message("7006", [share])),
        (second, payloads.text_message("7006", "موجوده؟")),
    ):
        channel = make_channel(graph, demo_store)  # a process of its own, on the shared store
        async with serve(channel, bot) as base_url, aiohttp.ClientSession() as http:
            body = payloads.encode(payloads.delivery(event))
            async with http.post(
                f"{base_url}/webhooks/instagram/webhook", data=body, headers=payloads.signed_headers(body)
            ) as reply:
                assert reply.status == 200
            await channel.workers.join()
    (question,) = second.received
    assert question.metadata["product_code"] == "B-21" and question.metadata["product_source"] == "post"


async def test_a_lookup_that_failed_for_a_moment_is_asked_again_next_time(harness: Harness) -> None:
    harness.graph.media[B21_MEDIA_ID] = {"shortcode": "C8dmoB21"}
    attempts = harness.channel.settings.graph.max_attempts
    harness.graph.fail_next(503, times=attempts)  # Meta is down during the first share
    share = {"type": "ig_post", "payload": {"ig_post_media_id": B21_MEDIA_ID, "url": "https://lookaside.fbsbx.com/x"}}
    for _ in range(2):
        await harness.post(payloads.delivery(payloads.attachment_message("7005", [share])))
        await harness.settle()
    first, second = harness.bot.received
    assert "product_code" not in first.metadata
    assert second.metadata["product_code"] == "B-21"  # not remembered as "not ours"


async def test_a_shared_reel_link_maps_without_a_graph_lookup(harness: Harness) -> None:
    reel = {
        "type": "ig_reel",
        "payload": {"reel_video_id": "18000000000000034", "url": "https://www.instagram.com/reel/C8dmoB34/"},
    }
    await harness.post(payloads.delivery(payloads.attachment_message("7005", [reel])))
    await harness.post(payloads.delivery(payloads.text_message("7005", "میخوامش")))
    await harness.settle()
    shared, order = harness.bot.received
    assert shared.metadata["product_code"] == "B-34" and shared.metadata["product_source"] == "reel"
    assert order.metadata["product_code"] == "B-34" and order.metadata["product_source"] == "reel"


async def test_a_reply_to_a_story_about_a_product_carries_its_code(harness: Harness) -> None:
    harness.graph.media["18000000000000777"] = {"shortcode": "C8dmoSH12"}
    story = {"reply_to": {"story": {"id": "18000000000000777", "url": "https://lookaside.fbsbx.com/story"}}}
    await harness.post(payloads.delivery(payloads.text_message("7006", "این موجوده؟", **story)))
    await harness.settle()
    [message] = harness.bot.received
    assert message.text == "این موجوده؟"
    assert message.metadata["product_code"] == "SH-12" and message.metadata["product_source"] == "story"


async def test_a_post_that_is_not_in_the_catalog_maps_to_nothing(harness: Harness) -> None:
    share = {"type": "ig_post", "payload": {"ig_post_media_id": "unknown", "url": "https://lookaside.fbsbx.com/y"}}
    await harness.post(payloads.delivery(payloads.attachment_message("7007", [share])))
    await harness.settle()
    [message] = harness.bot.received
    assert message.text == "/share_post" and "product_code" not in message.metadata
    assert "product_source" not in message.metadata


async def test_an_ad_referral_is_recorded_as_the_conversation_source(
    harness: Harness, demo_store: sessionmaker
) -> None:
    referral = {"ref": "autumn-sale", "ad_id": "120210000000000", "source": "ADS", "type": "OPEN_THREAD"}
    event = payloads.messaging("7008", referral=referral)
    for _ in range(2):  # a redelivery records nothing new
        await harness.post(payloads.delivery(event))
        await harness.settle()
    from_story = payloads.text_message("7009", "سلام", referral={**referral, "ref": "story-1"})
    await harness.post(payloads.delivery(from_story))
    await harness.settle()
    with transaction(demo_store) as session:
        assert message_log.conversation_source(session, "7008") == message_log.Referral(
            "ADS", "OPEN_THREAD", "autumn-sale", "120210000000000", event["timestamp"]
        )
        assert message_log.conversation_source(session, "7009").ref == "story-1"
        assert sorted(message_log.conversations_by_source(session)) == [
            ("ADS", "120210000000000", "autumn-sale", 1),
            ("ADS", "120210000000000", "story-1", 1),
        ]
    assert harness.bot.texts == ["سلام"]  # the referral alone is not a message to answer
    assert harness.bot.received[0].metadata["referral"]["ref"] == "story-1"
    assert harness.bot.received[0].metadata["product_source"] == "ad"


async def test_an_order_source_follows_the_ad_or_link_a_customer_came_from(harness: Harness) -> None:
    """A referral alone (a customer already in the thread taps an ad) counts for what they write next."""
    ad = {"ad_id": "120210000000000", "source": "ADS", "type": "OPEN_THREAD"}
    link = {"ref": "bio", "source": "SHORTLINK", "type": "OPEN_THREAD"}
    await harness.post(payloads.delivery(payloads.messaging("7010", referral=ad)))
    await harness.post(payloads.delivery(payloads.text_message("7010", "سلام")))
    await harness.post(payloads.delivery(payloads.text_message("7011", "hi", referral=link)))
    await harness.post(payloads.delivery(payloads.text_message("7012", "hi")))
    await harness.settle()
    from_ad, from_link, plain = sorted(harness.bot.received, key=lambda message: message.sender_id)
    assert from_ad.metadata["product_source"] == "ad" and "product_code" not in from_ad.metadata
    assert from_link.metadata["product_source"] == "link"
    assert "product_source" not in plain.metadata
