"""Customer-facing numbers: Persian digits and toman with thousands separators."""

from __future__ import annotations

from datetime import date, datetime

from persiantools.jdatetime import JalaliDate

from shoplang.language import Language
from shoplang.normalize import to_persian_digits

_PERSIAN_THOUSANDS = "\u066c"  # ٬ ARABIC THOUSANDS SEPARATOR, as Persian typesetting uses


def format_number(value: int, language: Language) -> str:
    """1250000 → "۱٬۲۵۰٬۰۰۰" in Persian, "1,250,000" in English."""
    grouped = f"{value:,}"
    if language == "fa":
        return to_persian_digits(grouped.replace(",", _PERSIAN_THOUSANDS))
    return grouped


def format_order_number(number: int, language: Language) -> str:
    """Order numbers read as names, without separators: "۱۰۲۴" / "1024"."""
    return to_persian_digits(str(number)) if language == "fa" else str(number)


def format_toman(amount: int, language: Language) -> str:
    """A price as customers expect to read it: "۱٬۲۵۰٬۰۰۰ تومان" / "1,250,000 toman"."""
    unit = "تومان" if language == "fa" else "toman"
    return f"{format_number(amount, language)} {unit}"


def join_list(items: list[str], language: Language) -> str:
    """ "مشکی، سفید و کرم" / "black, white and cream"."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    comma, conj = ("، ", " و ") if language == "fa" else (", ", " and ")
    return comma.join(items[:-1]) + conj + items[-1]


def format_date(value: date, language: Language) -> str:
    """ "۱۴۰۵/۰۹/۱۱" (Jalali, Persian digits) / "2026-12-02"."""
    if language == "fa":
        return to_persian_digits(JalaliDate(value).strftime("%Y/%m/%d"))
    return value.isoformat()


def format_local_time(value: datetime, language: Language) -> str:
    """A moment in the shop's zone (``value`` already converted): "۱۴۰۵/۰۹/۱۱ ساعت ۱۸:۳۰" / "2026-12-02 18:30"."""
    clock = value.strftime("%H:%M")
    if language == "fa":
        return f"{format_date(value.date(), language)} ساعت {to_persian_digits(clock)}"
    return f"{format_date(value.date(), language)} {clock}"
