"""Whole purchases through REST → Rasa → action server → store, as customers write them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.e2e.servers import ROOT, demo_store_url, running_assistant, say, shopctl

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    workdir = tmp_path_factory.mktemp("checkout")
    url = demo_store_url(workdir)
    env = {"SHOP_POLICY_FILE": str(ROOT / "shop_policy.yml")}
    with running_assistant(workdir, url, extra_env=env) as base_url:
        yield base_url, url


def conversation(base_url: str, sender: str, messages: list[str]) -> list[str]:
    """Each customer message and the bot's replies to it, joined as one text per turn."""
    return ["\n".join(r.get("text", "") for r in say(base_url, sender, text)) for text in messages]


def orders_of(url: str, sender: str) -> list[dict]:
    return [o for o in json.loads(shopctl(url, "orders", "list", "--json")) if o["customer_id"] == sender]


def available(url: str, code: str, color: str, size: str) -> int:
    variants = json.loads(shopctl(url, "stock", "show", code, "--json"))["variants"]
    return next(v["available"] for v in variants if (v["color"], v["size"]) == (color, size))


@pytest.mark.parametrize(
    "sender, messages, expect",
    [
        (
            "fa-buyer",
            [
                "سلام، مانتو کد B-21 مشکی سایز L موجود دارید؟",
                "میخوام",
                "دوتا",
                "مریم احمدی",
                "۰۹۱۲ ۳۴۵ ۶۷۸۹",
                "تهران، خیابان ولیعصر، کوچه بهار، پلاک ۱۲",
                "ندارم",
                '/inform{"shipping_method": "post"}',
                "/affirm",
            ],
            {
                "code": "B-21",
                "color": "black",
                "size": "L",
                "quantity": 2,
                "phone": "+989123456789",
                "total": 2560000,
                "placed": "۱۰۰",
            },
        ),
        (
            "en-buyer",
            [
                "Hi, how much is the K-40 in white, size 38?",
                "I want it",
                "2 pairs",
                "John Smith",
                "+98 912 345 6788",
                "12 Vali Asr St, Tehran, unit 4",
                "none",
                '/inform{"shipping_method": "courier"}',
                "/affirm",
            ],
            {
                "code": "K-40",
                "color": "white",
                "size": "38",
                "quantity": 2,
                "phone": "+989123456788",
                "total": 4200000,
                "placed": "number 100",
            },
        ),
        (
            "finglish-buyer",
            [
                "salam SH-12 tusi darid?",
                "mikham",
                "do ta",
                "sara mohammadi",
                "09351112233",
                "shiraz, bolvar zand, kooche 24, pelak 7",
                "nadaram",
                '/inform{"shipping_method": "post"}',
                "/affirm",
            ],
            {
                "code": "SH-12",
                "color": "gray",
                "size": "free",
                "quantity": 2,
                "phone": "+989351112233",
                "total": 700000,
                "placed": "۱۰۰",
            },
        ),
    ],
)
def test_inquiry_to_a_placed_order(assistant: tuple[str, str], sender: str, messages: list[str], expect: dict) -> None:
    base_url, url = assistant
    before = available(url, expect["code"], expect["color"], expect["size"])
    replies = conversation(base_url, sender, messages)
    assert expect["placed"] in replies[-1], replies
    placed = orders_of(url, sender)
    assert len(placed) == 1, replies
    order = placed[0]
    item = order["items"][0]
    assert (item["code"], item["color"], item["size"], item["quantity"]) == (
        expect["code"],
        expect["color"],
        expect["size"],
        expect["quantity"],
    )
    assert order["phone"] == expect["phone"] and order["total"] == expect["total"]
    assert available(url, expect["code"], expect["color"], expect["size"]) == before - expect["quantity"]
    # A second confirmation (a double tap, a redelivery) places nothing more.
    say(base_url, sender, "/affirm")
    assert len(orders_of(url, sender)) == 1


def test_too_many_units_are_never_held_and_cancelling_leaves_stock_as_it_was(assistant: tuple[str, str]) -> None:
    base_url, url = assistant
    before = available(url, "H-3", "gray", "M")
    replies = conversation(base_url, "canceller", ["هودی H-3 طوسی سایز M میخوام", "۵ تا"])
    assert "فقط ۳ عدد" in replies[-1], replies
    assert available(url, "H-3", "gray", "M") == before
    replies = conversation(base_url, "canceller", ["دوتا", "کنسلش کن"])
    assert "لغو شد" in replies[-1], replies
    assert available(url, "H-3", "gray", "M") == before
    assert orders_of(url, "canceller") == []
