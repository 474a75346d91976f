"""The README's promise, end to end: REST → Rasa → action server → SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.servers import demo_store_url, running_assistant, say, shopctl

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    workdir = tmp_path_factory.mktemp("assistant")
    url = demo_store_url(workdir)
    with running_assistant(workdir, url) as base_url:
        yield base_url, url


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def test_persian_availability_and_price_from_the_database(assistant: tuple[str, str]) -> None:
    base_url, _ = assistant
    reply = texts(say(base_url, "fa-customer", "سلام، مانتو کد B-21 مشکی سایز L موجود دارید؟"))
    assert "موجوده" in reply and "۱٬۲۵۰٬۰۰۰ تومان" in reply and "B-21" in reply


def test_english_and_finglish_customers(assistant: tuple[str, str]) -> None:
    base_url, _ = assistant
    english = texts(say(base_url, "en-customer", "Hi, is B-21 available in black, size L?"))
    assert "in stock" in english and "1,250,000 toman" in english
    finglish = texts(say(base_url, "finglish-customer", "salam B-21 sormei size L darid?"))
    assert "موجود نیست" in finglish and "سرمه‌ای" in finglish


def test_unknown_code_is_never_invented(assistant: tuple[str, str]) -> None:
    base_url, _ = assistant
    reply = texts(say(base_url, "typo-customer", "کد Q-404 موجوده؟"))
    assert "Q-404" in reply and "پیدا نکردم" in reply


def test_new_catalog_is_answered_without_retraining(assistant: tuple[str, str], tmp_path: Path) -> None:
    base_url, url = assistant
    catalog = tmp_path / "new.csv"
    catalog.write_text(
        "code,name_fa,name_en,category,color,size,price,stock,post\n"
        "ZX-77,کیف چرم دستی,Leather handbag,کیف,قهوه‌ای,فری سایز,2450000,2,\n",
        encoding="utf-8",
    )
    shopctl(url, "catalog", "import", str(catalog), "--replace")
    reply = texts(say(base_url, "new-catalog-customer", "کیف ZX-77 قهوه‌ای موجوده؟"))
    assert "کیف چرم دستی" in reply and "۲٬۴۵۰٬۰۰۰ تومان" in reply


def test_asking_for_a_person_silences_the_bot_until_the_owner_releases_it(assistant: tuple[str, str]) -> None:
    base_url, url = assistant
    handed = texts(say(base_url, "handoff-customer", "میخوام با خود فروشنده صحبت کنم"))
    assert "فروشنده" in handed and "خبر دادم" in handed
    assert say(base_url, "handoff-customer", "سلام، کسی هست؟") == []  # the owner answers now, not the bot
    assert "handoff-customer" in shopctl(url, "handoff", "list")
    assert "back with the assistant" in shopctl(url, "handoff", "release", "handoff-customer", "--rasa-url", base_url)
    assert "B-21" in texts(say(base_url, "handoff-customer", "مانتو B-21 مشکی سایز L موجوده؟"))
