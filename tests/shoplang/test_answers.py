"""Answers to the checkout's questions, in formal Persian, colloquial Persian, Finglish and English."""

from typing import Any

import pytest

from shoplang import vocabulary
from shoplang.answers import (
    NO_POSTAL_CODE_VALUE,
    find_corrections,
    find_size,
    is_cancellation,
    is_correction,
    looks_like_address,
    looks_like_name,
    parse_color,
    parse_name,
    parse_postal_code,
    parse_quantity,
    parse_shipping_method,
    parse_size,
    parse_yes_no,
)
from shoplang.normalize import fold

SHIPPING = {
    "post": ["پست پیشتاز", "express post", "پست", "پیشتاز", "post", "pishtaz", "mail"],
    "courier": ["پیک (فقط تهران)", "courier (Tehran only)", "پیک", "پیک موتوری", "courier", "peyk", "paik", "bike"],
}


@pytest.mark.parametrize(
    "text, expected",
    [
        # formal Persian
        ("۳ عدد بفرستید", 3),
        ("دو عدد لطفا", 2),
        ("بیست", 20),
        ("بیست و دو تا", 22),
        ("دوازده عدد", 12),
        ("٣", 3),
        ("۴", 4),
        # colloquial Persian
        ("دو", 2),
        ("دوتا", 2),
        ("سه‌تا", 3),
        ("یکی", 1),
        ("یه دونه", 1),
        ("دو تا کافیه", 2),
        ("فقط یکی", 1),
        ("دو تا مشکی", 2),
        ("دو تا نه، سه تا", 3),
        ("نه تا", 9),
        ("فعلا یکی", 1),
        # Finglish
        ("2 ta", 2),
        ("2ta", 2),
        ("se ta lotfan", 3),
        ("chahar", 4),
        ("do ta mikham", 2),
        ("ye done bede", 1),
        ("bist ta", 20),
        # English
        ("2", 2),
        ("four", 4),
        ("just two", 2),
        ("one", 1),
        ("a pair", 1),
        ("only one please", 1),
        ("x2", 2),
        ("I'll take two", 2),
        ("twenty one", 21),
        ("2️⃣", 2),
        ("999", 999),
        ("ok 2", 2),
    ],
)
def test_parse_quantity(text: str, expected: int) -> None:
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "نمیدونم",
        "چند تا دارید؟",
        "how many do you have?",
        "09121234567",
        "0912 345 6789",
        "B-21",
        "MA 110",
        "سایز ۴۰",
        "دو ایکس لارج",
        "2 or 3",
        "دو یا سه تا",
        "0",
        "-2",
        "1000",
        "یه سوال دارم",  # "یه" (one) in "I have a question"
        "the black one",  # a colour, not a count
        "نه",  # "no", though it is also the word for nine
        "یکی مشکی یکی سفید",  # one count for two items
        "5000 تومن",
    ],
)
def test_parse_quantity_is_none_without_one_clear_count(text: str) -> None:
    assert parse_quantity(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        # formal Persian
        ("مشکی", "black"),
        ("رنگ سفید", "white"),
        ("سورمه‌ای", "navy"),
        ("مشكي", "black"),
        ("قهوه‌ای لطفا", "brown"),
        # colloquial Persian
        ("مشکیش", "black"),
        ("مشکیشو", "black"),
        ("قرمزش", "red"),
        ("سبزه", "green"),
        ("صورتیشو", "pink"),
        ("سورمه ای", "navy"),
        ("مشکی نه، سفید", "white"),
        ("مشکی دارید؟", "black"),
        # Finglish
        ("meshkisho", "black"),
        ("sefid lotfan", "white"),
        ("MESHKIII", "black"),
        ("rangesh toosi bashe", "gray"),
        # English
        ("the black one", "black"),
        ("black please", "black"),
        ("Grey", "gray"),
        ("not black, white", "white"),
    ],
)
def test_parse_color(text: str, expected: str) -> None:
    assert parse_color(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "Sara Karimi", "مریم احمدی", "مشکی یا سفید؟", "black or white", "what colours do you have?", "مشکی نه", "2"],
)
def test_parse_color_is_none_without_one_colour(text: str) -> None:
    assert parse_color(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        # formal Persian
        ("سایز ۳۸", "38"),
        ("۴۲", "42"),
        ("چهل و دو", "42"),
        ("لارج", "L"),
        ("دو ایکس لارج", "XXL"),
        ("فری سایز", "free"),
        ("سی و هشت", "38"),
        # colloquial Persian
        ("مدیوم لطفا", "M"),
        ("سایزش M باشه", "M"),
        ("ایکس لارج میخوام", "XL"),
        ("سایز ۴۰ نه، ۴۲", "42"),
        # Finglish
        ("chehel o do", "42"),
        ("chehelo do", "42"),
        ("saiz L lotfan", "L"),
        ("sizesh medium bashe", "M"),
        ("do iks larj", "XXL"),
        # English
        ("L", "L"),
        ("38", "38"),
        ("xxl", "XXL"),
        ("2xl", "XXL"),
        ("medium", "M"),
        ("size M please", "M"),
        ("forty two", "42"),
        ("forty-two", "42"),
        ("x-large", "XL"),
        ("one size", "free"),
    ],
)
def test_parse_size(text: str, expected: str) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize(
    "text", ["", "2 تا", "99", "L یا XL", "۳۸ یا ۴۰", "what sizes do you have?", "سایز M نه", "size 2", "مشکی"]
)
def test_parse_size_is_none_without_one_size(text: str) -> None:
    assert parse_size(text) is None


def test_two_x_large_is_never_large() -> None:
    assert parse_size("دو ایکس لارج") == "XXL"
    assert parse_size("سه ایکس لارج") == "3XL"
    assert parse_quantity("دو ایکس لارج") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        # formal Persian
        ("بله", True),
        ("تأیید", True),
        ("بله لطفا ثبتش کنید", True),
        ("درسته", True),
        ("خیر", False),
        ("نخیر", False),
        ("فعلا نه", False),
        # colloquial Persian
        ("آره", True),
        ("اره", True),
        ("آرههه", True),
        ("ثبت کن", True),
        ("اوکی", True),
        ("باشه", True),
        ("آره سفارشو ثبت کن", True),
        ("نه", False),
        ("نه ممنون", False),
        ("نمیخوام", False),
        # Finglish
        ("bale", True),
        ("are", True),
        ("are dorose", True),
        ("sabt kon", True),
        ("na", False),
        ("nemikham", False),
        # English
        ("yes", True),
        ("yep", True),
        ("Sure!", True),
        ("ok", True),
        ("go ahead", True),
        ("yes please", True),
        ("👍", True),
        ("okay 👍", True),
        ("no", False),
        ("nope", False),
        ("not yet", False),
        ("no thanks", False),
        ("👎", False),
    ],
)
def test_parse_yes_no(text: str, expected: bool) -> None:
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "are you open?",
        "are you open",
        "بله؟",
        "نه، سایز M",
        "yes but 2",
        "بله ولی رنگ مشکی",
        "are meshki",
        "yes no",
        "ممنون",
        "cancel",
        "no, cancel my order",
        "👍👎",
    ],
)
def test_parse_yes_no_is_none_for_anything_but_a_plain_answer(text: str) -> None:
    assert parse_yes_no(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1234567890", "1234567890"),
        ("۱۲۳۴۵۶۷۸۹۰", "1234567890"),
        ("۱۲۳۴۵-۶۷۸۹۰", "1234567890"),
        ("12345 67890", "1234567890"),
        ("کد پستیم 1234567890 هست", "1234567890"),
        ("code posti: 1234567890", "1234567890"),
        ("my postal code is 12345-67890", "1234567890"),
        # formal and colloquial Persian
        ("ندارم", NO_POSTAL_CODE_VALUE),
        ("نمیدونم", NO_POSTAL_CODE_VALUE),
        ("نمی‌دونم", NO_POSTAL_CODE_VALUE),
        ("کد پستی ندارم", NO_POSTAL_CODE_VALUE),
        ("یادم نیست", NO_POSTAL_CODE_VALUE),
        ("نه", NO_POSTAL_CODE_VALUE),
        # Finglish
        ("nadaram", NO_POSTAL_CODE_VALUE),
        ("nemidoonam", NO_POSTAL_CODE_VALUE),
        # English
        ("I don't have one", NO_POSTAL_CODE_VALUE),
        ("no idea", NO_POSTAL_CODE_VALUE),
        ("skip", NO_POSTAL_CODE_VALUE),
        ("-", NO_POSTAL_CODE_VALUE),
    ],
)
def test_parse_postal_code(text: str, expected: str) -> None:
    assert parse_postal_code(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "123456789", "12345678901", "09121234567", "1234567890 و 1111111111", "کد پستی چیه؟", "نه، سایز M", "تهران"],
)
def test_parse_postal_code_is_none_otherwise(text: str) -> None:
    assert parse_postal_code(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        # formal Persian
        ("پست پیشتاز", "post"),
        ("پیشتاز", "post"),
        ("لطفا با پیک ارسال کنید", "courier"),
        # colloquial Persian
        ("با پیک بفرستید", "courier"),
        ("پستی بفرستید", "post"),
        ("پیک نه، پست", "post"),
        ("میشه با پیک؟", "courier"),
        # Finglish
        ("ba peyk lotfan", "courier"),
        ("pishtazi befrestid", "post"),
        ("paik", "courier"),
        # English
        ("send it by courier", "courier"),
        ("by post please", "post"),
        ("Express Post", "post"),
        ("not courier, post", "post"),
    ],
)
def test_parse_shipping_method(text: str, expected: str) -> None:
    assert parse_shipping_method(text, SHIPPING) == expected


@pytest.mark.parametrize("text", ["", "پست یا پیک؟", "post or courier", "email me", "postal", "بفرستید", "پیکان"])
def test_parse_shipping_method_is_none_without_one_method(text: str) -> None:
    assert parse_shipping_method(text, SHIPPING) is None


@pytest.mark.parametrize(
    "text",
    [
        "مریم احمدی",
        "علی",
        "سید محمد حسینی",
        "فاطمه‌ زهرا رضایی",
        "Sara Karimi",
        "maryam ahmadi",
        "Jean-Luc Picard",
        "O'Brien",
        "Sara Karimi 🙏",
        "Mehdi Meshki",
    ],
)
def test_looks_like_name(text: str) -> None:
    assert looks_like_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ع",
        "سلام",
        "hi there",
        "بله",
        "ok",
        "are",
        "نه",
        "ممنون",
        "نمیدونم",
        "skip",
        "چی؟",
        "what",
        "kay",
        "are you open?",
        "مشکی",
        "دوتا",
        "نه، سایز M",
        "09121234567",
        "Sara 2",
        "x" * 61,
        "کنسلش کن",
        "hmm",
        "خب",
    ],
)
def test_looks_like_name_is_false_for_everything_else(text: str) -> None:
    assert not looks_like_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "تهران، خیابان آزادی، پلاک ۱۲، واحد ۳",
        "اصفهان خیابان چهارباغ کوچه ۵ پلاک ۸",
        "تهران، خیابان سبز، کوچه طلایی، پلاک ۴",
        "tehran kheyabane azadi pelak 12",
        "Tehran, Azadi St, No 12, unit 3",
    ],
)
def test_looks_like_address(text: str) -> None:
    assert looks_like_address(text)


@pytest.mark.parametrize(
    "text", ["", "تهران", "تهران آزادی", "1234 5678 90", "کی میرسه؟ خیلی طول کشید", "نه، سایز M", "رنگش سفید باشه"]
)
def test_looks_like_address_is_false_for_everything_else(text: str) -> None:
    assert not looks_like_address(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        # formal Persian
        ("ببخشید، سایز ۴۰ را می‌خواستم", {"size": "40"}),
        ("رنگش سفید باشه", {"color": "white"}),
        ("تعداد ۲", {"quantity": 2}),
        # colloquial Persian
        ("نه، سایز M", {"size": "M"}),
        ("ببخشید سه تا کافیه", {"quantity": 3}),
        ("سایزش رو ۴۰ کن", {"size": "40"}),
        ("نه مشکیشو میخوام", {"color": "black"}),
        ("لارج بدید", {"size": "L"}),
        ("فقط یکی", {"quantity": 1}),
        # Finglish
        ("2 ta bashe", {"quantity": 2}),
        ("na, meshki", {"color": "black"}),
        ("bebakhshid saiz L", {"size": "L"}),
        # English
        ("actually make it 2", {"quantity": 2}),
        ("change the colour to black", {"color": "black"}),
        ("make it size L and 3 pieces", {"size": "L", "quantity": 3}),
        ("sorry, medium", {"size": "M"}),
        # Said in passing, with the slot word inside the value, or a marked bare count
        ("عذر می‌خواهم، سایز ۳۸ باشد", {"size": "38"}),
        ("wait, I need size 39", {"size": "39"}),
        ("راستی سایزو اسمال کنین", {"size": "S"}),
        ("تعدادو 3 کنین", {"quantity": 3}),
        ("hold on, quantity 1", {"quantity": 1}),
        ("sabr konin, ghahvei behtare", {"color": "brown"}),
        ("na na se", {"quantity": 3}),
        ("نه، ۲", {"quantity": 2}),
    ],
)
def test_find_corrections(text: str, expected: dict[str, Any]) -> None:
    assert find_corrections(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "مریم احمدی",
        "Mehdi Meshki",
        "تهران، خیابان آزادی، پلاک ۱۲، واحد ۳",
        "تهران، خیابان سبز، کوچه طلایی",
        "09121234567",
        "0912 345 6789",
        "1234567890",
        "L",  # a bare letter is not a size
        "مشکی یا سفید",  # two colours: none of them
        "بله",
        "",
    ],
)
def test_find_corrections_is_empty_without_an_explicit_value(text: str) -> None:
    assert find_corrections(text) == {}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("نه، سایز M", True),
        ("ببخشید سه تا کافیه", True),
        ("اشتباه شد، مشکی", True),
        ("عوضش کن، سایز L", True),
        ("na, meshki", True),
        ("bebakhshid 2 ta", True),
        ("avazesh kon be sefid", True),
        ("actually make it 2", True),
        ("sorry, medium", True),
        ("change it to black", True),
        ("red instead", True),
        ("رنگش سفید باشه", False),  # restates the colour, but says nothing of changing it
        ("نه", False),
        ("sorry", False),
        ("مریم احمدی", False),
        ("نه تا", False),
    ],
)
def test_is_correction(text: str, expected: bool) -> None:
    assert is_correction(text) is expected


def test_answer_word_lists_never_share_a_word() -> None:
    lists = {
        "YES_WORDS": vocabulary.YES_WORDS,
        "NO_WORDS": vocabulary.NO_WORDS,
        "ANSWER_FILLERS": vocabulary.ANSWER_FILLERS,
        "CORRECTION_MARKERS": vocabulary.CORRECTION_MARKERS,
        "QUANTITY_CUES": vocabulary.QUANTITY_CUES,
        "GREETINGS": vocabulary.GREETINGS,
        "QUESTION_WORDS": vocabulary.QUESTION_WORDS,
        "SIZE_WORDS": vocabulary.SIZE_WORDS,
        "COLOR_WORDS": vocabulary.COLOR_WORDS,
        "REFUSALS_BEFORE": vocabulary.REFUSALS_BEFORE,
        "NAME_FILLER_WORDS": vocabulary.NAME_FILLER_WORDS,
    }
    owner: dict[str, str] = {}
    for name, words in lists.items():
        for word in words:
            key = fold(word)
            assert owner.setdefault(key, name) == name, f"{word!r} is in {owner[key]} and {name}"


@pytest.mark.parametrize(
    "text, size",
    [
        ("مانتو سایز چهل و دو دارید؟", "42"),
        ("دو ایکس لارج موجوده؟", "XXL"),
        ("do you have it in medium?", "M"),
        ("saiz 38 darid?", "38"),
        ("شلوار جین ۴۲ دارید؟", None),  # a bare number may be a price or a code
        ("K 40 موجوده؟", None),
        ("قیمتش زیر ۵۰ هست؟", None),
        ("L داری؟", None),  # left to NLU
    ],
)
def test_find_size_only_takes_unmistakable_sizes(text: str, size: str) -> None:
    assert find_size(text) == size


@pytest.mark.parametrize(
    "text, name",
    [
        ("مریم احمدی", "مریم احمدی"),
        ("من شیرین یزدانی هستم", "شیرین یزدانی"),
        ("سارا کریمی هستم مرسی", "سارا کریمی"),
        ("ثبت به نام لیلا مرادی", "لیلا مرادی"),
        ("نام و نام خانوادگی: علی رضایی", "علی رضایی"),
        ("esmam elham jafari", "elham jafari"),
        ("baraye elham jafari befrestin", "elham jafari"),
        ("nazanin sadeghi lotfan", "nazanin sadeghi"),
        ("full name: niloofar sharifi", "niloofar sharifi"),
        ("please send it to Niloofar Sharifi", "Niloofar Sharifi"),
        ("Yasaman Taheri please", "Yasaman Taheri"),
        ("the recipient is Yasaman Taheri", "Yasaman Taheri"),
        ("hmm", None),
        ("ok", None),
        ("چرا؟", None),
        ("can I pay by card?", None),
        ("نه، سایز M", None),
        ("09121234567", None),
        ("my name is", None),
    ],
)
def test_parse_name_keeps_only_the_name(text: str, name: str | None) -> None:
    assert parse_name(text) == name


@pytest.mark.parametrize(
    "text, cancelled",
    [
        ("بیخیال، نمیخوام", True),
        ("نه دیگه نمیخوام", True),
        ("لطفاً سفارش را لغو کنید", True),
        ("کنسلش کن", True),
        ("nemikham dige merci", True),
        ("bikhial", True),
        ("forget it", True),
        ("I changed my mind, cancel", True),
        ("مریم احمدی", False),
        ("2 ta", False),
        ("yes please", False),
        ("نه", False),
    ],
)
def test_is_cancellation(text: str, cancelled: bool) -> None:
    assert is_cancellation(text) is cancelled
