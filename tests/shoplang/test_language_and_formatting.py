import pytest

from shoplang.formatting import format_number, format_toman, join_list
from shoplang.language import detect_language, follow_language


@pytest.mark.parametrize(
    "text, language",
    [
        ("سلام، مانتو کد B-21 مشکی سایز L موجود دارید؟", "fa"),
        ("موجوده؟", "fa"),
        ("salam in manto mojode?", "fa"),
        ("B-21 meshki darid?", "fa"),
        ("gheymatesh chande", "fa"),
        ("Hi, is B-21 available in black?", "en"),
        ("how much is the shawl", "en"),
        ("B-21", "fa"),
        ("🙂", "fa"),
        ("hi", "en"),
        ("bebakhshid KF-52 ghahveii size si o hasht tamum nashode?", "fa"),
        ("Leather loafers available?", "en"),
        ("any floral headscarf left?", "en"),
        ("good morning, JN77 blue available?", "en"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_unclear_text_keeps_the_default() -> None:
    assert detect_language("B-21", default="en") == "en"


@pytest.mark.parametrize(
    "current, text, language",
    [
        # Short or ambiguous replies keep the conversation's language.
        ("fa", "are", "fa"),
        ("fa", "bale mikham", "fa"),
        ("fa", "are dorose", "fa"),
        ("fa", "ok", "fa"),
        ("fa", "yes please", "fa"),
        ("fa", "medium", "fa"),
        ("fa", "2", "fa"),
        ("fa", "Maryam Ahmadi", "fa"),
        ("fa", "Tehran, khiaban Azadi, pelak 12", "fa"),
        ("en", "2", "en"),
        ("en", "medium", "en"),
        ("en", "ok", "en"),
        ("en", "B-21", "en"),
        ("en", "Sara Karimi", "en"),
        ("en", "بله", "en"),
        # A whole sentence in the other language is followed.
        ("fa", "Do you have it in black, size M?", "en"),
        ("fa", "I want to order this one please", "en"),
        ("en", "سلام، مانتو مشکی دارید؟", "fa"),
        ("en", "nemikham, mersi", "en"),
        ("en", "salam in manto mojode?", "fa"),
        # No language yet: any signal decides.
        (None, "hi", "en"),
        (None, "salam", "fa"),
        (None, "سلام", "fa"),
        (None, "B-21", "fa"),
    ],
)
def test_the_conversation_keeps_its_language_until_a_clear_switch(current, text: str, language: str) -> None:
    assert follow_language(text, current) == language


def test_toman_in_persian_and_english() -> None:
    assert format_toman(1250000, "fa") == "۱٬۲۵۰٬۰۰۰ تومان"
    assert format_toman(1250000, "en") == "1,250,000 toman"
    assert format_number(950, "fa") == "۹۵۰"


def test_join_list() -> None:
    assert join_list(["مشکی", "سفید", "کرم"], "fa") == "مشکی، سفید و کرم"
    assert join_list(["black", "white"], "en") == "black and white"
    assert join_list(["black"], "en") == "black"
