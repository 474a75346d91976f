"""Comment-to-DM: one private reply with the price and stock to a question under a product post."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from channels import comment_replies
from inventory_db.database import transaction
from inventory_db.models import Product, Variant
from tests.channels import payloads
from tests.channels.conftest import Harness

B21_MEDIA = "17900000000000021"


@pytest.fixture
def shop(harness: Harness) -> Harness:
    """The channel, with the demo post of B-21 known to the fake Graph API."""
    harness.graph.media[B21_MEDIA] = {"shortcode": "C8dmoB21"}
    return harness


def _private_replies(harness: Harness) -> list[dict]:
    return [c.body for c in harness.graph.sends if "comment_id" in c.body["recipient"]]


async def test_a_price_question_gets_one_private_reply_even_when_redelivered(shop: Harness) -> None:
    document = payloads.comment("17800000000000001", "قیمتش چنده؟ سایز L دارید؟", B21_MEDIA)
    for _ in range(3):
        assert (await shop.post(document))[0] == 200
        await shop.settle()
    [reply] = _private_replies(shop)
    assert reply["recipient"] == {"comment_id": "17800000000000001"}
    assert "messaging_type" not in reply and "tag" not in reply
    text = reply["message"]["text"]
    assert "مانتو کتان (کد B-21)" in text
    assert "۱٬۲۵۰٬۰۰۰ تا ۱٬۲۹۰٬۰۰۰ تومان" in text
    assert "مشکی، کرم و سرمه‌ای" in text and "M، L و XL" in text
    assert len(text.encode("utf-8")) <= 1000
    assert shop.bot.received == []  # a comment is not a conversation turn


async def test_the_commenters_next_message_in_direct_is_about_that_product(shop: Harness) -> None:
    await shop.post(payloads.comment("17800000000000004", "قیمت؟", B21_MEDIA, sender="990004"))
    await shop.settle()
    await shop.post(payloads.delivery(payloads.text_message("990004", "مشکی L میخوام")))
    await shop.settle()
    [message] = shop.bot.received
    assert message.metadata["product_code"] == "B-21" and message.metadata["product_source"] == "comment"


async def test_an_english_comment_gets_an_english_reply(shop: Harness) -> None:
    await shop.post(payloads.comment("17800000000000002", "How much is this? Is it available?", B21_MEDIA))
    await shop.settle()
    [reply] = _private_replies(shop)
    assert reply["message"]["text"].startswith("Hi! The Linen manteau (B-21) is in stock.")
    assert "1,250,000–1,290,000 toman" in reply["message"]["text"]


async def test_a_sold_out_product_says_so(shop: Harness, demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        product_id = session.query(Product.id).filter(Product.code == "B-21").scalar()
        session.execute(update(Variant).where(Variant.product_id == product_id).values(on_hand=0))
    await shop.post(payloads.comment("17800000000000003", "موجوده؟", B21_MEDIA))
    await shop.settle()
    [reply] = _private_replies(shop)
    assert "فعلاً موجود نیست" in reply["message"]["text"]


@pytest.mark.parametrize(
    "document",
    [
        payloads.comment("17800000000000010", "چه قشنگه 😍", B21_MEDIA),  # not a question about price or stock
        payloads.comment("17800000000000011", "قیمت؟", "unknown-media"),  # not a catalog post
        payloads.comment("17800000000000012", "قیمت؟", B21_MEDIA, time_s=int(time.time()) - 8 * 86400),  # too old
        payloads.comment("17800000000000013", "قیمت؟", B21_MEDIA, sender=payloads.ACCOUNT_ID),  # the shop itself
    ],
    ids=["not-a-question", "unknown-post", "older-than-7-days", "own-comment"],
)
async def test_comments_that_get_no_private_reply(shop: Harness, document: dict) -> None:
    await shop.post(document)
    await shop.settle()
    assert _private_replies(shop) == []


@pytest.mark.parametrize(
    "comment, asks",
    [
        ("قیمت؟", True),
        ("قيمتش چنده", True),
        ("موجوده؟", True),
        ("سایز ۳۸ دارید؟", True),
        ("gheymat?", True),
        ("mojode?", True),
        ("how much?", True),
        ("price pls", True),
        ("pm", True),
        ("عالیه 😍", False),
        ("thanks so much", False),
        ("@friend ببین اینو", False),
    ],
)
def test_which_comments_ask_price_or_availability(comment: str, asks: bool) -> None:
    assert comment_replies.asks_price_or_availability(comment) is asks


def test_answer_for_a_single_price_product(session: Session) -> None:
    text = comment_replies.answer(session, "SH-12", "قیمت؟")
    assert "شال نخی (کد SH-12)" in text and "۳۲۰٬۰۰۰ تومان" in text and " تا " not in text.split("\n")[1]
