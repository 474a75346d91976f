"""End to end through Instagram: a signed webhook → the real Rasa server with the trained
model and the channel from credentials.yml → the real action server → the store → the
Send API call the customer would receive (recorded by a fake Graph API on 127.0.0.1).

Needs ``make train`` first (models/). Slow: it starts both servers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import orders
from inventory_db.database import transaction
from tests.channels import payloads
from tests.channels.fake_graph import FakeGraphApi
from tests.e2e.servers import instagram_assistant

pytestmark = pytest.mark.e2e

REPLY_TIMEOUT_S = 120


@pytest.fixture
def assistant(tmp_path: Path, database_url: str, demo_store: sessionmaker, graph: FakeGraphApi) -> Iterator[str]:
    """Rasa (Instagram channel) and the action server on the demo store; the Rasa base URL."""
    with instagram_assistant(tmp_path, database_url, graph) as base_url:
        yield base_url


def _logs(tmp_path: Path) -> str:
    return "\n".join(
        f"--- {log.name} ---\n" + "\n".join(log.read_text(errors="replace").splitlines()[-40:])
        for log in sorted(tmp_path.glob("*.log"))
    )


async def test_an_instagram_question_gets_the_stock_answer_with_the_price(
    assistant: str, graph: FakeGraphApi, tmp_path: Path
) -> None:
    sender = "e2e-customer-1"
    question = payloads.text_message(sender, "سلام، مانتو کد B-21 مشکی سایز L موجود دارید؟")
    body = payloads.encode(payloads.delivery(question))
    async with aiohttp.ClientSession() as http:
        started = time.monotonic()
        url = f"{assistant}/webhooks/instagram/webhook"
        async with http.post(url, data=body, headers=payloads.signed_headers(body)) as reply:
            assert reply.status == 200
        assert time.monotonic() - started < 2, "the webhook must answer before the bot's turn is done"

    def priced(fake: FakeGraphApi) -> bool:
        return any("۱٬۲۵۰٬۰۰۰" in text for text in fake.texts(sender))

    try:
        await graph.wait_for(priced, timeout=REPLY_TIMEOUT_S)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{_logs(tmp_path)}") from None

    replies = graph.texts(sender)
    assert all(len(text.encode("utf-8")) <= 1000 for text in replies), replies
    typing = [c for c in graph.calls if isinstance(c.body, dict) and c.body.get("sender_action") == "typing_on"]
    assert typing and typing[0].at <= graph.sends[0].at
    assert graph.sends[0].headers.get("Authorization") == "Bearer e2e-access-token"


async def test_a_shared_post_then_a_purchase_leaves_one_order_from_that_post(
    assistant: str, graph: FakeGraphApi, demo_store: sessionmaker, tmp_path: Path
) -> None:
    sender = "e2e-sharer"
    graph.media["18000000000000021"] = {"shortcode": "C8dmoB21", "permalink": "https://www.instagram.com/p/C8dmoB21/"}
    share = {
        "type": "ig_post",
        "payload": {"ig_post_media_id": "18000000000000021", "url": "https://lookaside.fbsbx.com/x"},
    }
    steps: list[tuple[dict, str]] = [
        (payloads.attachment_message(sender, [share]), "موجوده"),
        (payloads.text_message(sender, "این موجوده؟"), "موجوده"),
        (payloads.text_message(sender, "میخوامش"), "چه رنگی"),
        (payloads.text_message(sender, "مشکیشو"), "چه سایزی"),
        (payloads.text_message(sender, "L"), "چند عدد"),
        (payloads.text_message(sender, "یکی"), "نام و نام خانوادگی"),
        (payloads.text_message(sender, "مریم احمدی"), "شماره موبایل"),
        (payloads.text_message(sender, "0912 123 4567"), "آدرس"),
        (payloads.text_message(sender, "تهران، خیابان ولیعصر، پلاک ۱۲"), "کد پستی"),
        (payloads.text_message(sender, "ندارم"), "بفرستیم"),
        (payloads.text_message(sender, "با پست بفرستید"), "خلاصه سفارش"),
        (payloads.text_message(sender, "آره ثبت کن"), "ثبت شد"),
    ]
    async with aiohttp.ClientSession() as http:
        for event, expected in steps:
            seen = len(graph.texts(sender))
            body = payloads.encode(payloads.delivery(event))
            url = f"{assistant}/webhooks/instagram/webhook"
            async with http.post(url, data=body, headers=payloads.signed_headers(body)) as reply:
                assert reply.status == 200

            def answered(fake: FakeGraphApi, seen: int = seen, expected: str = expected) -> bool:
                return any(expected in text for text in fake.texts(sender)[seen:])

            try:
                await graph.wait_for(answered, timeout=REPLY_TIMEOUT_S)
            except AssertionError:
                raise AssertionError(f"no «{expected}» in {graph.texts(sender)[seen:]}\n{_logs(tmp_path)}") from None

    with transaction(demo_store) as session:
        placed = [order for order in orders.list_orders(session) if order.customer_id == sender]
    assert len(placed) == 1
    assert (placed[0].source, placed[0].items[0].code, placed[0].items[0].color, placed[0].items[0].size) == (
        "post",
        "B-21",
        "black",
        "L",
    )
    assert placed[0].phone == "+989121234567"
