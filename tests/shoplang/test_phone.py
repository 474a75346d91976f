import pytest

from shoplang.phone import find_mobile, normalize_mobile


@pytest.mark.parametrize(
    "raw",
    [
        "09123456789",
        "0912 345 6789",
        "0912-345-6789",
        "+989123456789",
        "+98 912 345 6789",
        "00989123456789",
        "989123456789",
        "9123456789",
        "۰۹۱۲۳۴۵۶۷۸۹",
        "٠٩١٢٣٤٥٦٧٨٩",
        "(0912) 345-6789",
    ],
)
def test_common_forms_become_one(raw: str) -> None:
    assert normalize_mobile(raw) == "+989123456789"


@pytest.mark.parametrize(
    "raw", ["", "12345", "02188776655", "0812345678", "091234567890", "شماره ندارم", "+44 7911 123456"]
)
def test_non_mobiles_are_refused(raw: str) -> None:
    assert normalize_mobile(raw) is None


def test_found_inside_a_sentence() -> None:
    assert find_mobile("شمارم ۰۹۳۵ ۱۱۱ ۲۲۳۳ هست") == "+989351112233"
    assert find_mobile("my number is +98 901 000 1122, thanks") == "+989010001122"
    assert find_mobile("no number here 2024") is None
