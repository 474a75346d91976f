"""What the owner reads in a notification: a subject and a plain-text body, in Persian.

Written the way ``shopctl report`` and the dashboard write the same things (Persian digits,
toman with separators, Jalali dates; ``owner.report_text``'s figures and the dashboard's
labels), so a number in a message reads as it does on the Today page. Every transport sends
these texts as they are: email adds only its right-to-left HTML twin.
"""

from __future__ import annotations

from datetime import date

from persiantools.jdatetime import JalaliDate

from inventory_db.low_stock import VariantLevel
from inventory_db.reports import Report
from owner import report_text
from owner.web.words import WORDS
from shoplang import describe
from shoplang.formatting import format_toman

FA = "fa"
MAX_LISTED = 20  # variants named in one message; the dashboard's stock page has them all

_TEXTS = {
    "one_low": "این مدل به آستانه کمبود موجودی رسید:",
    "many_low": "این مدل‌ها به آستانه کمبود موجودی رسیدند:",
    "sold_out": "تمام شد",
    "left": "مانده",
    "more": "و {count} مدل دیگر",
    "models": "مدل",
    "summary": "خلاصه روز",
    "in_brackets": "در مقایسه با روز قبل",
    "needs_you": "کارهای منتظر شما",
    "orders": "سفارش",
    "stock_page": "فهرست موجودی در داشبورد",
}


def _word(key: str) -> str:
    """A dashboard label in Persian (``owner.web.words``): the Today page's names for the same lists."""
    return WORDS[key][0]


def _n(value: int) -> str:
    return report_text.number(value, FA)


def _day_name(value: date) -> str:
    """ "چهارشنبه ۱۴۰۵/۰۹/۱۱"."""
    return f"{JalaliDate(value).strftime('%A', locale=FA)} {report_text.day(value, FA)}"


def variant_name(level: VariantLevel) -> str:
    """ "مانتو کتان (کد B-21) رنگ مشکی سایز L"."""
    product = describe.product_name(level.name_fa, level.name_en, level.code, FA)
    return f"{product} {describe.variant(level.color, level.size, FA)}".strip()


def _variant_line(level: VariantLevel) -> str:
    """ "• مانتو کتان (کد B-21) رنگ مشکی سایز L: ۱ عدد مانده (آستانه کمبود موجودی: ۲)"."""
    left = _TEXTS["sold_out"] if level.available <= 0 else f"{describe.quantity(level.available, FA)} {_TEXTS['left']}"
    return f"• {variant_name(level)}: {left} ({_word('low_stock_threshold')}: {_n(level.threshold)})"


def _variant_lines(levels: list[VariantLevel]) -> list[str]:
    lines = [_variant_line(level) for level in levels[:MAX_LISTED]]
    if len(levels) > MAX_LISTED:
        lines.append(_TEXTS["more"].format(count=_n(len(levels) - MAX_LISTED)))
    return lines


def _stock_url(dashboard_url: str) -> str:
    return f"{dashboard_url.rstrip('/')}/stock"


def low_stock_alert(levels: list[VariantLevel], dashboard_url: str) -> tuple[str, str]:
    """(subject, body) for the variants that just fell to their threshold, each with what is
    left and the threshold, then the dashboard's stock page (``dashboard_url`` is its root)."""
    if not levels:
        raise ValueError("a low-stock alert needs at least one variant")
    what = variant_name(levels[0]) if len(levels) == 1 else f"{_n(len(levels))} {_TEXTS['models']}"
    subject = f"{_word('low_stock')}: {what}"
    lines = [_TEXTS["one_low" if len(levels) == 1 else "many_low"], *_variant_lines(levels)]
    lines += ["", f"{_TEXTS['stock_page']}: {_stock_url(dashboard_url)}"]
    return subject, "\n".join(lines)


def daily_summary(
    report: Report,
    awaiting_payment: int,
    to_ship: int,
    low: list[VariantLevel],
    waiting_handoffs: int,
    dashboard_url: str,
) -> tuple[str, str]:
    """(subject, body) of the morning message: yesterday's figures (``report`` for that one
    day, with the day before to compare), the orders and customers waiting for the owner,
    and the variants running low. The subject carries the day's orders and revenue."""
    now, before = report.current, report.previous
    period = now.period
    when = (
        _day_name(period.last_day)
        if period.days == 1
        else f"{report_text.day(period.first_day, FA)} {report_text.word('to', FA)} {report_text.day(period.last_day, FA)}"
    )
    sales, earlier = now.sales, before.sales
    subject = (
        f"{_TEXTS['summary']} {report_text.day(period.last_day, FA)}: "
        f"{_n(sales.orders_placed)} {_TEXTS['orders']}، {format_toman(sales.revenue_placed, FA)}"
    )

    def compared(key: str, current: str, previous: str) -> str:
        return f"{report_text.word(key, FA)}: {report_text.was_before(current, previous, FA)}"

    lines = [f"{_TEXTS['summary']} {when} ({_TEXTS['in_brackets']})", ""]
    for key in ("orders_placed", "orders_paid"):
        lines.append(compared(key, _n(getattr(sales, key)), _n(getattr(earlier, key))))
    for key in ("revenue_placed", "revenue_paid"):
        lines.append(compared(key, format_toman(getattr(sales, key), FA), format_toman(getattr(earlier, key), FA)))
    lines.append(compared("conversations", _n(now.conversations.total), _n(before.conversations.total)))
    shares = (report_text.share(figures.conversion.inquiry_to_order, FA) for figures in (now, before))
    conversion = f"{report_text.word('conversion', FA)} {report_text.word('inquiry_to_order', FA)}"
    lines.append(f"{conversion}: {report_text.was_before(*shares, FA)}")

    lines += ["", f"{_TEXTS['needs_you']}:"]
    lines.append(f"• {_word('awaiting_payment')}: {_n(awaiting_payment)} {_TEXTS['orders']}")
    lines.append(f"• {_word('paid_to_ship')}: {_n(to_ship)} {_TEXTS['orders']}")
    lines.append(f"• {_word('waiting_customers')}: {_n(waiting_handoffs)}")

    lines += ["", f"{_word('low_stock')}: {_n(len(low))} {_TEXTS['models']}", *_variant_lines(low)]
    lines += ["", f"{_word('shop')}: {dashboard_url.rstrip('/')}/"]
    return subject, "\n".join(lines)
