"""Exactly once, in order: duplicates, concurrent redeliveries, restarts, bursts, batches."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import aiohttp
from sqlalchemy.orm import sessionmaker

from channels import instagram_texts as texts
from inventory_db import handoffs, inbox, outbox
from inventory_db.database import transaction
from tests.channels import payloads
from tests.channels.conftest import FakeBot, Harness, jitter, make_channel, serve
from tests.channels.fake_graph import FakeGraphApi


async def test_a_redelivered_message_gets_one_reply(harness: Harness) -> None:
    document = payloads.delivery(payloads.text_message("6001", "سلام", mid="mid-dup-1"))
    for _ in range(3):
        assert (await harness.post(document))[0] == 200
        await harness.settle()
    assert harness.bot.texts == ["سلام"]
    assert harness.graph.texts("6001") == ["got: سلام"]


async def test_five_concurrent_copies_of_one_signed_payload_get_exactly_one_reply(harness: Harness) -> None:
    harness.bot.delay = jitter(0.01, 0.05)
    body = payloads.encode(payloads.delivery(payloads.text_message("6002", "مانتو B-21 موجوده؟", mid="mid-five")))
    results = await asyncio.gather(*(harness.post(body) for _ in range(5)))
    assert [status for status, _ in results] == [200] * 5
    await harness.settle()
    assert len(harness.bot.received) == 1
    assert harness.graph.texts("6002") == ["got: مانتو B-21 موجوده؟"]


async def test_the_seen_set_survives_a_restart(graph: FakeGraphApi, demo_store: sessionmaker) -> None:
    document = payloads.delivery(payloads.text_message("6003", "سلام", mid="mid-restart"))
    for attempt in range(2):  # a fresh channel, as after `rasa run` restarts, on the same database
        bot = FakeBot()
        channel = make_channel(graph, demo_store)
        async with serve(channel, bot) as base_url, aiohttp.ClientSession() as http:
            body = payloads.encode(document)
            url = f"{base_url}/webhooks/instagram/webhook"
            async with http.post(url, data=body, headers=payloads.signed_headers(body)) as reply:
                assert reply.status == 200
            await channel.workers.join()
        assert len(bot.received) == (1 if attempt == 0 else 0)
    assert graph.texts("6003") == ["got: سلام"]


async def test_a_burst_from_one_customer_is_handled_in_the_order_sent(harness: Harness) -> None:
    harness.bot.delay = jitter(0.0, 0.03)
    words = [f"پیام {n}" for n in range(15)]
    for word in words:  # separate deliveries, posted back to back without waiting
        assert (await harness.post(payloads.delivery(payloads.text_message("6004", word))))[0] == 200
    await harness.settle()
    assert harness.bot.texts == words
    assert harness.graph.texts("6004") == [f"got: {word}" for word in words]


async def test_one_delivery_may_batch_many_entries_and_events(harness: Harness) -> None:
    base = payloads.now_ms()
    first = payloads.delivery(
        payloads.text_message("6005", "دوم", timestamp=base + 2),
        payloads.text_message("6005", "اول", timestamp=base + 1),  # Meta's batches are not always sorted
        payloads.text_message("6006", "salam"),
    )
    second = payloads.delivery(payloads.text_message("6007", "hi"), payloads.text_message("6006", "chand?"))
    document = {"object": "instagram", "entry": first["entry"] + second["entry"]}
    assert (await harness.post(document))[0] == 200
    await harness.settle()
    by_sender = {s: [m.text for m in harness.bot.received if m.sender_id == s] for s in ("6005", "6006", "6007")}
    assert by_sender == {"6005": ["اول", "دوم"], "6006": ["salam", "chand?"], "6007": ["hi"]}
    assert len(harness.graph.sends) == 5


async def test_echoes_reads_reactions_and_deletions_are_not_customer_messages(harness: Harness) -> None:
    sender = "6008"
    document = payloads.delivery(
        payloads.messaging(sender, message={"mid": "m-echo", "text": "our own reply", "is_echo": True}),
        payloads.messaging(payloads.ACCOUNT_ID, message={"mid": "m-own", "text": "sent from the app"}),
        payloads.messaging(sender, read={"mid": "m-read"}),
        payloads.messaging(sender, reaction={"mid": "m-1", "action": "react", "reaction": "love", "emoji": "❤️"}),
        payloads.messaging(sender, message={"mid": "m-del", "is_deleted": True}),
        payloads.text_message(sender, "واقعی"),
    )
    assert (await harness.post(document))[0] == 200
    await harness.settle()
    assert harness.bot.texts == ["واقعی"]


async def test_a_failing_turn_is_retried_and_answered_once_in_order(harness: Harness, demo_store: sessionmaker) -> None:
    harness.bot.fail_on, harness.bot.failures = "boom", 2
    await harness.post(payloads.delivery(payloads.text_message("6009", "boom", mid="mid-boom")))
    await harness.post(payloads.delivery(payloads.text_message("6009", "بعدی")))
    await harness.settle()
    assert harness.bot.texts == ["boom", "boom", "boom", "بعدی"]  # the next waits its turn
    assert harness.graph.texts("6009") == ["got: boom", "got: بعدی"]
    with transaction(demo_store) as session:
        assert inbox.counts(session) == inbox.InboxCounts(pending=0, leased=0, done=2, gave_up=0)


async def test_a_turn_that_always_fails_hands_the_customer_to_a_person(
    harness: Harness, demo_store: sessionmaker
) -> None:
    harness.bot.fail_on = "boom"
    await harness.post(payloads.delivery(payloads.text_message("6019", "boom", mid="mid-boom-always")))
    await harness.post(payloads.delivery(payloads.text_message("6019", "هستید؟")))
    await harness.settle()
    attempts = harness.channel.workers.settings.max_attempts
    assert harness.bot.texts == ["boom"] * attempts  # the later message is the owner's, not the bot's
    assert harness.graph.texts("6019") == [texts.WE_WILL_ANSWER["fa"]]
    with transaction(demo_store) as session:
        assert handoffs.is_waiting(session, "6019")
        assert inbox.counts(session) == inbox.InboxCounts(pending=0, leased=0, done=1, gave_up=1)


async def test_no_typing_and_no_turn_while_the_customer_waits_for_a_person(
    harness: Harness, demo_store: sessionmaker
) -> None:
    with transaction(demo_store) as session:
        handoffs.request_handoff(session, "6020", "a person please")
    await harness.post(payloads.delivery(payloads.text_message("6020", "سلام؟")))
    await harness.settle()
    assert harness.bot.received == []
    assert [c for c in harness.graph.calls if c.body.get("recipient", {}).get("id") == "6020"] == []


async def test_typing_indicator_goes_out_before_the_reply(harness: Harness) -> None:
    await harness.post(payloads.delivery(payloads.text_message("6010", "سلام")))
    await harness.settle()
    to_customer = [c.body for c in harness.graph.calls if c.body["recipient"].get("id") == "6010"]
    assert to_customer[0] == {"recipient": {"id": "6010"}, "sender_action": "typing_on"}
    assert to_customer[1]["message"] == {"text": "got: سلام"}


async def test_shutdown_hands_unfinished_turns_back_and_the_next_start_answers_them(
    graph: FakeGraphApi, demo_store: sessionmaker
) -> None:
    slow = FakeBot(delay=lambda: 5.0)
    channel = make_channel(graph, demo_store)
    channel.workers.settings = replace(channel.workers.settings, shutdown_grace_s=0.2)
    async with serve(channel, slow) as base_url, aiohttp.ClientSession() as http:
        body = payloads.encode(payloads.delivery(payloads.text_message("6030", "سلام", mid="mid-shutdown")))
        async with http.post(
            f"{base_url}/webhooks/instagram/webhook", data=body, headers=payloads.signed_headers(body)
        ) as reply:
            assert reply.status == 200
        while not slow.received:
            await asyncio.sleep(0.01)
    # the server stopped mid-turn: the event is back in the inbox, this try not counted
    with transaction(demo_store) as session:
        assert inbox.counts(session) == inbox.InboxCounts(pending=1, leased=0, done=0, gave_up=0)
    quick = FakeBot()
    restarted = make_channel(graph, demo_store)
    async with serve(restarted, quick):
        await restarted.workers.join()
    assert quick.texts == ["سلام"]
    assert graph.texts("6030") == ["got: سلام"]
    with transaction(demo_store) as session:
        assert inbox.counts(session) == inbox.InboxCounts(pending=0, leased=0, done=1, gave_up=0)


async def test_a_process_holds_at_most_its_workers_turns_however_many_customers_write(
    graph: FakeGraphApi, demo_store: sessionmaker
) -> None:
    running, most = 0, 0

    async def bot(message) -> None:  # type: ignore[no-untyped-def]
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.3)  # long enough for every delivery to be stored meanwhile
        running -= 1

    channel = make_channel(graph, demo_store)
    channel.workers.settings = replace(channel.workers.settings, workers=3)
    async with serve(channel, bot) as base_url, aiohttp.ClientSession() as http:
        for n in range(12):
            body = payloads.encode(payloads.delivery(payloads.text_message(f"63{n:02}", "سلام")))
            async with http.post(
                f"{base_url}/webhooks/instagram/webhook", data=body, headers=payloads.signed_headers(body)
            ) as reply:
                assert reply.status == 200
        await channel.workers.join()
    assert most == 3  # the rest waited as rows, none dropped
    with transaction(demo_store) as session:
        assert inbox.counts(session).done == 12


async def test_a_failed_try_sends_nothing_and_the_retry_sends_its_own_answer(harness: Harness) -> None:
    tries = 0

    async def bot(message) -> None:  # type: ignore[no-untyped-def]
        nonlocal tries
        tries += 1
        if tries == 1:
            await message.output_channel.send_text_message(message.sender_id, "half an answer")
            raise RuntimeError("the action server went away")
        await message.output_channel.send_text_message(message.sender_id, "the whole answer")

    harness.channel._on_new_message = bot
    await harness.post(payloads.delivery(payloads.text_message("6040", "B-21 موجوده؟")))
    await harness.settle()
    assert tries == 2
    assert harness.graph.texts("6040") == ["the whole answer"]


async def test_a_reply_in_doubt_is_sent_only_if_metas_conversation_lacks_it(
    harness: Harness, demo_store: sessionmaker
) -> None:
    with transaction(demo_store) as session:  # two earlier tries died during their Send API calls
        outbox.begin_send(session, "mid-doubt-lost", 0, "6050")
        outbox.begin_send(session, "mid-doubt-arrived", 0, "6051")
    await harness.graph_client_send("6051", "got: سلام")  # that one had reached Meta
    await harness.post(payloads.delivery(payloads.text_message("6050", "سلام", mid="mid-doubt-lost")))
    await harness.post(payloads.delivery(payloads.text_message("6051", "سلام", mid="mid-doubt-arrived")))
    await harness.settle()
    assert harness.graph.texts("6050") == ["got: سلام"]  # missing at Meta: sent now
    assert harness.graph.texts("6051") == ["got: سلام"]  # already there: not doubled
    with transaction(demo_store) as session:
        assert outbox.in_doubt_since(session, "mid-doubt-lost", 0) is None  # confirmed now
        assert outbox.in_doubt_since(session, "mid-doubt-arrived", 0) is None  # Meta showed it


async def test_a_reply_in_doubt_is_not_mistaken_for_the_same_text_sent_by_an_earlier_turn(
    harness: Harness, demo_store: sessionmaker
) -> None:
    await harness.post(payloads.delivery(payloads.text_message("6052", "سلام", mid="mid-first-hello")))
    await harness.settle()  # "got: سلام", recorded with Meta's id
    with transaction(demo_store) as session:  # the next turn's try died while sending the same text
        outbox.begin_send(session, "mid-second-hello", 0, "6052")
    await harness.post(payloads.delivery(payloads.text_message("6052", "سلام", mid="mid-second-hello")))
    await harness.settle()
    assert harness.graph.texts("6052") == ["got: سلام", "got: سلام"]
