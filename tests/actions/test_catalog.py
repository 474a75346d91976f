"""action_answer_product_query against a real SQLite store with the demo catalog."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import sessionmaker

from actions.catalog import ActionAnswerProductQuery, ActionRequestRestockNotice
from actions.language import ActionDetectLanguage
from tests.actions.conftest import make_tracker


async def answer(*args: Any, **kwargs: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerProductQuery().run(dispatcher, make_tracker(*args, **kwargs), {})
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return dispatcher.messages, slots


@pytest.fixture(autouse=True)
def store(demo_store: sessionmaker) -> sessionmaker:
    return demo_store


async def test_exact_variant_in_stock_in_persian() -> None:
    messages, slots = await answer(
        "سلام، مانتو کد B-21 مشکی سایز L موجود دارید؟",
        entities=[("product_code", "B-21"), ("product", "مانتو"), ("color", "black"), ("size", "L")],
    )
    assert [m["response"] for m in messages] == ["utter_variant_available", "utter_offer_to_order"]
    assert messages[0]["product"] == "مانتو کتان (کد B-21)"
    assert messages[0]["variant"] == "رنگ مشکی سایز L"
    assert messages[0]["price"] == "۱٬۲۵۰٬۰۰۰ تومان"
    assert slots == {"product_code": "B-21", "color": "black", "size": "L", "product_source": "direct"}


async def test_english_answer_uses_ascii_digits() -> None:
    messages, _ = await answer(
        "is b21 available in black, size L?", entities=[("color", "black"), ("size", "L")], slots={"language": "en"}
    )
    assert messages[0]["response"] == "utter_variant_available"
    assert messages[0]["price"] == "1,250,000 toman"
    assert messages[0]["variant"] == "in black, size L"


async def test_sold_out_variant_offers_what_is_in_stock() -> None:
    messages, _ = await answer("B-21 سرمه‌ای لارج دارین؟", entities=[("color", "navy"), ("size", "L")])
    assert [m["response"] for m in messages] == ["utter_variant_sold_out", "utter_offer_restock_notice"]
    assert messages[0]["stock_list"] == "مشکی (M، L، XL)، کرم (M) و سرمه‌ای (XL)"


async def test_colour_the_product_never_comes_in() -> None:
    messages, _ = await answer("B-21 qermez darid?", entities=[("product_code", "B-21"), ("color", "red")])
    assert messages[0]["response"] == "utter_variant_not_offered"


async def test_price_without_variant_gives_the_range_and_stock() -> None:
    messages, _ = await answer("قیمت B-21 چنده؟", intent="ask_price", entities=[("product_code", "B-21")])
    assert messages[0]["response"] == "utter_product_overview"
    assert messages[0]["price"] == "۱٬۲۵۰٬۰۰۰ تا ۱٬۲۹۰٬۰۰۰ تومان"


async def test_free_size_and_numeric_sizes_read_naturally() -> None:
    messages, _ = await answer("SH-12 کرم", intent="inform", entities=[("product_code", "SH-12"), ("color", "cream")])
    assert messages[0]["stock_list"] == "کرم"
    messages, _ = await answer("K-40 سفید ۳۸", entities=[("product_code", "K-40"), ("color", "white"), ("size", "38")])
    assert messages[0]["variant"] == "رنگ سفید سایز ۳۸"


async def test_unknown_code_says_so_and_never_invents_stock() -> None:
    messages, slots = await answer("Z-999 موجوده؟", entities=[("product_code", "Z-999")])
    assert [(m["response"], m["code"]) for m in messages] == [("utter_unknown_product", "Z-999")]
    assert slots["product_code"] is None


async def test_code_found_by_pattern_when_nlu_missed_it() -> None:
    messages, _ = await answer("sh12 mojode?", entities=[])
    assert messages[0]["response"] == "utter_product_overview"
    assert messages[0]["product"].endswith("(کد SH-12)")


async def test_follow_up_uses_the_product_from_the_conversation() -> None:
    messages, slots = await answer(
        "مشکیش چی؟", intent="inform", entities=[("color", "black")], slots={"product_code": "B-34", "size": "M"}
    )
    assert messages[0]["response"] == "utter_variant_sold_out"
    assert slots == {"product_code": "B-34", "color": "black", "size": "M"}


async def test_a_new_product_does_not_inherit_the_old_colour() -> None:
    _, slots = await answer(
        "H-3 چنده؟", intent="ask_price", entities=[("product_code", "H-3")], slots={"color": "navy", "size": "S"}
    )
    assert slots == {"product_code": "H-3", "color": None, "size": None, "product_source": "direct"}


async def test_product_type_with_several_matches_asks_which_with_buttons() -> None:
    messages, _ = await answer("مانتو مشکی دارید؟", entities=[("product", "مانتو"), ("color", "black")])
    assert messages[0]["response"] == "utter_choose_product"
    assert [b["title"] for b in messages[0]["buttons"]] == ["B-21", "B-34"]
    assert messages[0]["buttons"][0]["payload"] == '/inform{"product_code": "B-21", "color": "black"}'


async def test_product_type_with_one_match_answers() -> None:
    messages, _ = await answer("هودی طوسی موجوده؟", entities=[("product", "هودی"), ("color", "gray")])
    assert messages[0]["response"] == "utter_product_overview"
    assert messages[0]["stock_list"] == "طوسی (M، L)"


async def test_unknown_product_name_and_no_product_at_all() -> None:
    messages, _ = await answer("یخچال دارید؟", entities=[("product", "یخچال")])
    assert messages[0]["response"] == "utter_unknown_product_name"
    messages, _ = await answer("موجوده؟", entities=[])
    assert messages[0]["response"] == "utter_ask_product"


async def test_language_follows_the_latest_message() -> None:
    async def detect(text: str, previous: str) -> str:
        events = await ActionDetectLanguage().run(
            CollectingDispatcher(), make_tracker(text, slots={"language": previous}), {}
        )
        return events[0]["value"]

    assert await detect("Do you have this in black?", "fa") == "en"
    assert await detect("salam in manto mojode?", "en") == "fa"
    assert await detect("B-21", "en") == "en"
    assert await detect('/inform{"shipping_method": "post"}', "fa") == "fa"
    assert await detect("/affirm", "en") == "en"


async def test_a_question_under_a_shared_post_is_about_that_product() -> None:
    messages, slots = await answer(
        "این موجوده؟", entities=[], metadata={"product_code": "K-40", "product_source": "post"}
    )
    assert messages[0]["response"] == "utter_product_overview"
    assert (slots["product_code"], slots["product_source"]) == ("K-40", "post")


@pytest.mark.parametrize(
    "text, code",
    [
        ("مانتو جلوباز دارید؟", "B-34"),
        ("do you have the linen manteau?", "B-21"),
        ("jeans straight?", "P-5"),
        ("روسری ابریشمی موجوده؟", "R-7"),
    ],
)
async def test_a_product_named_by_its_catalog_name_is_answered(text: str, code: str) -> None:
    messages, slots = await answer(text, entities=[])
    assert slots["product_code"] == code and messages[0]["response"] in (
        "utter_product_overview",
        "utter_product_sold_out",
    )


async def test_tell_me_when_it_is_back_is_recorded_once(store: sessionmaker) -> None:
    from inventory_db import restock
    from inventory_db.database import transaction

    slots = {"product_code": "B-21", "color": "navy", "size": "L"}
    for _ in range(2):
        dispatcher = CollectingDispatcher()
        await ActionRequestRestockNotice().run(
            dispatcher, make_tracker("وقتی موجود شد خبرم کنید", "notify_when_back", slots=slots), {}
        )
        assert dispatcher.messages[0]["response"] == "utter_restock_notice_recorded"
        assert dispatcher.messages[0]["variant"] == "رنگ سرمه‌ای سایز L"
    with transaction(store) as session:
        waiting = restock.pending(session)
    assert [(r.customer_id, r.code, r.color, r.size, r.available) for r in waiting] == [
        ("customer-1", "B-21", "navy", "L", 0)
    ]


async def test_restock_request_needs_a_variant() -> None:
    dispatcher = CollectingDispatcher()
    await ActionRequestRestockNotice().run(
        dispatcher, make_tracker("خبرم کنید", "notify_when_back", slots={"product_code": "B-21"}), {}
    )
    assert dispatcher.messages[0]["response"] == "utter_ask_variant_for_notice"


async def test_colloquial_colours_and_sizes_nlu_missed_are_read_from_the_words() -> None:
    messages, slots = await answer("قرمزش موجوده؟", intent="inform", entities=[], slots={"product_code": "R-7"})
    assert (slots["product_code"], slots["color"]) == ("R-7", "red")
    assert messages[0]["response"] == "utter_product_overview"
    messages, slots = await answer("P-5 مشکی سایز چهل و دو دارید؟", entities=[("product_code", "P-5")])
    assert (slots["color"], slots["size"]) == ("black", "42")
    assert messages[0]["response"] == "utter_variant_available"


async def test_a_message_nlu_was_unsure_of_is_answered_when_it_names_a_product() -> None:
    messages, slots = await answer("سلام وقت بخیر. برای شلوار جین راسته پیام دادم", intent="nlu_fallback", entities=[])
    assert slots["product_code"] == "P-5" and messages[0]["response"] == "utter_product_overview"
    messages, _ = await answer("asdf qwer", intent="nlu_fallback", entities=[])
    assert [m["response"] for m in messages] == ["utter_default"]
