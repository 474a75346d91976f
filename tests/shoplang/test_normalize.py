import pytest

from shoplang.normalize import (
    canonical_color,
    canonical_number,
    canonical_product_code,
    canonical_product_type,
    canonical_quantity,
    canonical_size,
    find_product_codes,
    normalize_text,
    to_persian_digits,
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("مشكي", "مشکی"),  # Arabic kaf and yeh
        ("سلاممممم", "سلام"),
        ("ممنون", "ممنون"),  # a real double letter stays
        ("قیمتـــش چنده؟", "قیمتش چنده؟"),
        ("کد ۲۱ و ٣٤", "کد 21 و 34"),
        ("می \u200c خوام", "می\u200cخوام"),
        ("  salaaaam   khoobi  ", "salam khoobi"),
        ("B-21 مشکی", "B-21 مشکی"),
        ("سَلام", "سلام"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        ("ma110", "MA-110"),
        ("MA 110", "MA-110"),
        ("MA-۱۱۰", "MA-110"),
        ("b21", "B-21"),
        ("sh-12", "SH-12"),
        ("مانتو", None),
        ("ABCD-1", None),
    ],
)
def test_canonical_product_code(raw: str, code: str) -> None:
    assert canonical_product_code(raw) == code


def test_find_product_codes_in_a_message() -> None:
    assert find_product_codes("سلام کد b21 و SH ۱۲ رو دارید؟") == ["B-21", "SH-12"]
    assert find_product_codes("do you have size 38?") == []


@pytest.mark.parametrize(
    "text", ["send me 2 of these", "do u have the jeans in a 34", "ba 2 ta mikham", "any 38 left?"]
)
def test_a_short_word_then_a_number_is_not_a_code(text: str) -> None:
    assert find_product_codes(text) == []


def test_the_same_letters_joined_or_hyphenated_are_a_code() -> None:
    assert find_product_codes("ME-2 or in12?") == ["ME-2", "IN-12"]
    assert canonical_product_code("me 2") is None and canonical_product_code("ma 110") == "MA-110"


@pytest.mark.parametrize(
    "raw, key",
    [
        ("مشکی", "black"),
        ("مشكي", "black"),
        ("meshki", "black"),
        ("Black", "black"),
        ("سرمه ای", "navy"),
        ("سرمه‌ای", "navy"),
        ("toosi", "gray"),
        ("grey", "gray"),
        ("بنفش", "purple"),
        ("چیز", None),
    ],
)
def test_canonical_color(raw: str, key: str) -> None:
    assert canonical_color(raw) == key


@pytest.mark.parametrize(
    "raw, key",
    [
        ("لارج", "L"),
        ("large", "L"),
        ("L", "L"),
        ("l", "L"),
        ("ایکس لارج", "XL"),
        ("xxl", "XXL"),
        ("3xl", "3XL"),
        ("فری سایز", "free"),
        ("۳۸", "38"),
        ("سایز 40", "40"),
        ("size M", "M"),
        ("99", None),
        ("چهل و دو", "42"),
        ("chehel o do", "42"),
        ("forty-two", "42"),
        ("سایزش M", "M"),
        ("sizes", None),
        ("دو", None),
    ],
)
def test_canonical_size(raw: str, key: str) -> None:
    assert canonical_size(raw) == key


@pytest.mark.parametrize(
    "raw, n",
    [
        ("دوتا", 2),
        ("یه جفت", 1),
        ("two", 2),
        ("۳ عدد", 3),
        ("2ta", 2),
        ("یدونه", 1),
        ("چهار عدد", 4),
        ("پنجتا", 5),
        ("شیش تا", 6),
        ("سه جفت", 3),
        ("دو دونه", 2),
        ("ye joft", 1),
        ("2 joft", 2),
        ("shesh ta", 6),
        ("three pairs", 3),
        ("a couple", 2),
        ("x2", 2),
        ("2x", 2),
        ("12 تا", 12),
        ("بیست", 20),
        ("بیست تا", 20),
        ("بیست و دو تا", 22),
        ("twenty one", 21),
        ("dah ta", 10),
        ("0", None),
        ("چند", None),
        ("تا", None),
        ("xl", None),
        ("1000", None),
        ("چهل و بیست", None),
    ],
)
def test_canonical_quantity(raw: str, n: int) -> None:
    assert canonical_quantity(raw) == n


def test_product_types_and_digits() -> None:
    assert canonical_product_type("مانتو") == "manteau"
    assert canonical_product_type("manto") == "manteau"
    assert canonical_product_type("shoes") == "shoes"
    assert canonical_product_type("میز") is None
    assert canonical_product_type("hoodies") == "hoodie"
    assert canonical_product_type("dresses") == "dress"
    assert canonical_product_type("هودی‌ها") == "hoodie"
    assert canonical_product_type("مانتوهای") == "manteau"
    assert to_persian_digits("B-21 1250") == "B-۲۱ ۱۲۵۰"


@pytest.mark.parametrize(
    "raw, n",
    [
        ("42", 42),
        ("۴۲", 42),
        ("بیست", 20),
        ("چهل و دو", 42),
        ("چهلو دو", 42),
        ("chehel va do", 42),
        ("forty two", 42),
        ("سی", 30),
        ("دو و چهل", None),
        ("1000", None),
        ("hello", None),
    ],
)
def test_canonical_number(raw: str, n: int) -> None:
    assert canonical_number(raw) == n
