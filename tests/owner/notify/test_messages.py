"""The owner's notification texts: Persian digits, toman, Jalali dates, the variants by name."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from inventory_db import low_stock, reports
from owner.notify import messages

DASHBOARD = "https://dashboard.example.ir"
YESTERDAY = date(2026, 12, 2)  # ۱۴۰۵/۰۹/۱۱, a Wednesday
CODES_AND_URLS = re.compile(r"https?://\S+|\b[A-Z]+-[0-9]+\b")


def ascii_digits(text: str) -> list[str]:
    """ASCII digits outside product codes and URLs: every number the owner reads is in Persian."""
    return re.findall(r"[0-9]", CODES_AND_URLS.sub("", text))


def yesterday_report(session: Session) -> reports.Report:
    """The real report shapes for one day, with figures set to compare."""
    zone = ZoneInfo("Asia/Tehran")
    empty = reports.report(session, reports.Period(YESTERDAY, YESTERDAY), zone)
    current = dataclasses.replace(
        empty.current,
        sales=reports.Sales(orders_placed=3, orders_paid=2, units=4, revenue_placed=2_500_000, revenue_paid=1_250_000),
        conversations=reports.Conversations(total=12, new_customers=5, messages_in=40),
        conversion=reports.Conversion(inquiry_to_order=0.25, order_to_paid=0.5),
    )
    previous = dataclasses.replace(
        empty.previous,
        sales=reports.Sales(orders_placed=1, orders_paid=0, units=1, revenue_placed=980_000, revenue_paid=0),
        conversations=reports.Conversations(total=9, new_customers=2, messages_in=20),
    )
    return reports.Report(current, previous)


def test_one_variant_alert_names_it_with_what_is_left(session: Session) -> None:
    level = low_stock.variant_level(session, "B-21", "black", "XL", default=2)

    subject, body = messages.low_stock_alert([level], DASHBOARD + "/")

    assert subject == "موجودی رو به اتمام: مانتو کتان (کد B-21) رنگ مشکی سایز XL"
    assert "• مانتو کتان (کد B-21) رنگ مشکی سایز XL: ۱ عدد مانده (آستانه کمبود موجودی: ۲)" in body
    assert body.endswith(f"{DASHBOARD}/stock")
    assert ascii_digits(body) == []


def test_an_alert_lists_every_variant_sold_out_ones_included(session: Session) -> None:
    levels = low_stock.low_stock(session, default=2)

    subject, body = messages.low_stock_alert(levels, DASHBOARD)

    assert 1 < len(levels) <= messages.MAX_LISTED
    assert subject == f"موجودی رو به اتمام: {messages._n(len(levels))} مدل"
    assert all(messages.variant_name(level) in body for level in levels)
    assert "شال نخی (کد SH-12) رنگ صورتی فری‌سایز: تمام شد" in body
    assert body.count("\n• ") == len(levels)


def test_a_long_list_is_cut_with_a_count_of_the_rest(session: Session) -> None:
    level = low_stock.variant_level(session, "B-21", "black", "XL", default=2)
    levels = [dataclasses.replace(level, code=f"X-{n}") for n in range(messages.MAX_LISTED + 5)]

    _, body = messages.low_stock_alert(levels, DASHBOARD)

    assert body.count("\n• ") == messages.MAX_LISTED
    assert "و ۵ مدل دیگر" in body


def test_no_variant_is_no_alert() -> None:
    with pytest.raises(ValueError):
        messages.low_stock_alert([], DASHBOARD)


def test_the_daily_summary_compares_yesterday_with_the_day_before(session: Session) -> None:
    low = [low_stock.variant_level(session, "B-21", "black", "XL", default=2)]

    subject, body = messages.daily_summary(
        yesterday_report(session), awaiting_payment=2, to_ship=1, low=low, waiting_handoffs=4, dashboard_url=DASHBOARD
    )

    assert subject == "خلاصه روز ۱۴۰۵/۰۹/۱۱: ۳ سفارش، ۲٬۵۰۰٬۰۰۰ تومان"
    assert body.startswith("خلاصه روز چهارشنبه ۱۴۰۵/۰۹/۱۱")
    for line in (
        "سفارش ثبت‌شده: ۳ (قبل: ۱)",
        "سفارش پرداخت‌شده: ۲ (قبل: ۰)",
        "مبلغ سفارش‌ها: ۲٬۵۰۰٬۰۰۰ تومان (قبل: ۹۸۰٬۰۰۰ تومان)",
        "مبلغ پرداخت‌شده: ۱٬۲۵۰٬۰۰۰ تومان (قبل: ۰ تومان)",
        "گفتگوها: ۱۲ (قبل: ۹)",
        "نرخ تبدیل پرسش به سفارش: ۲۵٪ (قبل: —)",
        "• منتظر پرداخت: ۲ سفارش",
        "• پرداخت‌شده، آماده ارسال: ۱ سفارش",
        "• مشتری‌های منتظر شما: ۴",
        "موجودی رو به اتمام: ۱ مدل",
        "• مانتو کتان (کد B-21) رنگ مشکی سایز XL: ۱ عدد مانده (آستانه کمبود موجودی: ۲)",
        f"داشبورد فروشگاه: {DASHBOARD}/",
    ):
        assert line in body.splitlines(), line
    assert ascii_digits(body) == []


def test_a_quiet_day_reads_as_zeros_and_nothing_low(session: Session) -> None:
    empty = reports.report(session, reports.Period(YESTERDAY, YESTERDAY), ZoneInfo("Asia/Tehran"))

    subject, body = messages.daily_summary(empty, 0, 0, [], 0, DASHBOARD)

    assert subject.endswith(": ۰ سفارش، ۰ تومان")
    assert "موجودی رو به اتمام: ۰ مدل" in body.splitlines()
    assert "•" not in body.split("موجودی رو به اتمام")[1]
