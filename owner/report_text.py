"""``shopctl report`` for a person at a terminal: Persian by default, English on request.

Persian reads with Persian digits, toman with separators and Jalali dates; English with
ASCII digits and Gregorian dates. The funnel is a bar per step, scaled to its first step.
Each headline number is followed by the previous period's, to compare. The figures are
``inventory_db.reports``' rows; this module only words them.
"""

from __future__ import annotations

from datetime import date

from inventory_db import reports
from owner import wording
from shoplang import describe
from shoplang.formatting import format_date, format_number, format_toman
from shoplang.language import Language
from shoplang.normalize import to_persian_digits

BAR_WIDTH = 30
BAR = "█"

_WORDS = {
    "title": ("گزارش فروشگاه", "Shop report"),
    "to": ("تا", "to"),
    "before": ("قبل", "before"),
    "conversations": ("گفتگوها", "Conversations"),
    "chats": ("گفتگو", "conversations"),
    "new_customers": ("مشتری جدید", "new customers"),
    "messages_in": ("پیام دایرکت اینستاگرام", "Instagram messages in"),
    "sales": ("فروش", "Sales"),
    "orders_placed": ("سفارش ثبت‌شده", "orders placed"),
    "orders_paid": ("سفارش پرداخت‌شده", "orders paid"),
    "units": ("تعداد کالا", "units"),
    "pieces": ("عدد", "units"),
    "revenue_placed": ("مبلغ سفارش‌ها", "revenue placed"),
    "revenue_paid": ("مبلغ پرداخت‌شده", "revenue paid"),
    "inquiries": ("پرسیده‌شده‌ترین محصولات", "Most asked about"),
    "times": ("بار", "asks"),
    "out_of_stock": ("ناموجود", "out of stock"),
    "lost_demand": ("تقاضای بی‌پاسخ (ناموجود)", "Lost demand (asked while sold out)"),
    "restock": ("درخواست خبر", "restock requests"),
    "best_sellers": ("پرفروش‌ها", "Best sellers"),
    "funnel": ("قیف خرید (گفتگوها)", "Funnel (conversations)"),
    "conversion": ("نرخ تبدیل", "Conversion"),
    "inquiry_to_order": ("پرسش به سفارش", "inquiry to order"),
    "order_to_paid": ("سفارش به پرداخت", "order to paid"),
    "time_to_order": ("زمان تا سفارش", "Time to order"),
    "time_to_payment": ("زمان تا پرداخت", "Time to payment"),
    "median": ("میانه", "median"),
    "mean": ("میانگین", "mean"),
    "minutes": ("دقیقه", "min"),
    "by_source": ("منبع مشتری‌ها", "Where customers came from"),
    "orders": ("سفارش", "orders"),
    "nlu": ("پیام‌های نامفهوم", "Messages not understood"),
    "fallback_rate": ("نسبت به پیام‌های اینستاگرام", "share of Instagram messages"),
    "handoffs": ("ارجاع به فروشنده", "Handed to you"),
    "requested": ("درخواست", "requested"),
    "released": ("برگردانده", "released"),
    "waiting": ("در انتظار", "waiting"),
    "median_wait": ("میانه انتظار", "median wait"),
    "ratings": ("امتیاز مشتری‌ها (از ۵)", "Customer ratings (of 5)"),
    "none": ("—", "—"),
}


def word(key: str, language: Language) -> str:
    fa, en = _WORDS[key]
    return fa if language == "fa" else en


def day(value: date, language: Language) -> str:
    """ "۱۴۰۵/۰۹/۱۱" (Jalali, Persian digits) / "2026-12-02"."""
    return format_date(value, language)


def _sep(language: Language) -> str:
    return "، " if language == "fa" else ", "


def number(value: int, language: Language) -> str:
    return format_number(value, language)


def share(value: float | None, language: Language) -> str:
    if value is None:
        return word("none", language)
    text = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return to_persian_digits(text.replace(".", "٫")) + "٪" if language == "fa" else f"{text}%"


def _mins(value: float | None, language: Language) -> str:
    if value is None:
        return word("none", language)
    text = f"{value:g}"
    return f"{to_persian_digits(text.replace('.', '٫')) if language == 'fa' else text} {word('minutes', language)}"


def _score(value: float | None, language: Language) -> str:
    if value is None:
        return word("none", language)
    text = f"{value:g}"
    return to_persian_digits(text.replace(".", "٫")) if language == "fa" else text


def was_before(now: str, before: str, language: Language) -> str:
    return f"{now} ({word('before', language)}: {before})"


def _variant(color: str | None, size: str | None, language: Language) -> str:
    parts = [describe.color_name(color, language) if color else "", describe.size_name(size, language) if size else ""]
    return " ".join(p for p in parts if p)


def funnel_lines(funnel: list[reports.FunnelStep], language: Language) -> list[str]:
    """One line per step: its name, a bar as long as its share of the first step, the count."""
    top = max((step.conversations for step in funnel), default=0)
    names = [wording.step_name(step.step, language) for step in funnel]
    width = max((len(name) for name in names), default=0)
    lines = []
    for name, step in zip(names, funnel, strict=True):
        length = round(BAR_WIDTH * step.conversations / top) if top else 0
        bar = BAR * length or "·"
        lines.append(f"  {name.ljust(width)}  {bar} {number(step.conversations, language)}")
    return lines


def render(report: reports.Report, language: Language = "fa") -> str:
    """The whole report as text for a terminal."""
    now, before = report.current, report.previous
    lines: list[str] = []
    add = lines.append
    add(
        f"{word('title', language)}: {day(now.period.first_day, language)} {word('to', language)} "
        f"{day(now.period.last_day, language)} ({now.timezone})"
    )

    c, pc = now.conversations, before.conversations
    add("")
    add(
        f"{word('conversations', language)}: {was_before(number(c.total, language), number(pc.total, language), language)}"
    )
    for key in ("new_customers", "messages_in"):
        now_n, before_n = number(getattr(c, key), language), number(getattr(pc, key), language)
        add(f"  {word(key, language)}: {was_before(now_n, before_n, language)}")

    s, ps = now.sales, before.sales
    add("")
    add(f"{word('sales', language)}:")
    for key in ("orders_placed", "orders_paid", "units"):
        add(
            f"  {word(key, language)}: {was_before(number(getattr(s, key), language), number(getattr(ps, key), language), language)}"
        )
    for key in ("revenue_placed", "revenue_paid"):
        add(
            f"  {word(key, language)}: "
            f"{was_before(format_toman(getattr(s, key), language), format_toman(getattr(ps, key), language), language)}"
        )

    add("")
    add(f"{word('inquiries', language)}:")
    for row in now.inquiries:
        name = (row.name_fa if language == "fa" else row.name_en) or ""
        missing = f"{_sep(language)}{number(row.out_of_stock_asks, language)} {word('out_of_stock', language)}"
        missing = missing if row.out_of_stock_asks else ""
        add(f"  {row.code} {name}: {number(row.asks, language)} {word('times', language)}{missing}")
    if not now.inquiries:
        add(f"  {word('none', language)}")

    add("")
    add(f"{word('lost_demand', language)}:")
    for lost in now.lost_demand:
        add(
            f"  {lost.code} {_variant(lost.color, lost.size, language)}: "
            f"{number(lost.asks, language)} {word('times', language)}{_sep(language)}"
            f"{number(lost.restock_requests, language)} {word('restock', language)}"
        )
    if not now.lost_demand:
        add(f"  {word('none', language)}")

    add("")
    add(f"{word('best_sellers', language)}:")
    for best in now.best_sellers:
        units = f"{number(best.units, language)} {word('pieces', language)}"
        add(f"  {best.code}: {units}{_sep(language)}{format_toman(best.revenue, language)}")
    if not now.best_sellers:
        add(f"  {word('none', language)}")

    add("")
    add(f"{word('funnel', language)}:")
    lines.extend(funnel_lines(now.funnel, language))

    add("")
    add(f"{word('conversion', language)}:")
    for key in ("inquiry_to_order", "order_to_paid"):
        current, earlier = getattr(now.conversion, key), getattr(before.conversion, key)
        add(f"  {word(key, language)}: {was_before(share(current, language), share(earlier, language), language)}")
    for key, attr in (("time_to_order", "time_to_order_minutes"), ("time_to_payment", "time_to_payment_minutes")):
        spans = getattr(now, attr)
        add(
            f"{word(key, language)}: {word('median', language)} {_mins(spans.median, language)}{_sep(language)}"
            f"{word('mean', language)} {_mins(spans.mean, language)}"
        )

    add("")
    add(f"{word('by_source', language)}:")
    for row in now.by_source:
        name = wording.source_name(row.source, language)
        ref = f" ({row.ref})" if row.ref else ""
        sep = _sep(language)
        add(
            f"  {name}{ref}: {number(row.conversations, language)} {word('chats', language)}{sep}"
            f"{number(row.orders, language)} {word('orders', language)}{sep}{format_toman(row.revenue, language)}"
        )
    if not now.by_source:
        add(f"  {word('none', language)}")

    add("")
    add(f"{word('nlu', language)}: {word('fallback_rate', language)} {share(now.nlu.fallback_rate, language)}")
    for unrecognised in now.nlu.top_unrecognised:
        add(f"  «{unrecognised.text}» × {number(unrecognised.count, language)}")

    h, sep = now.handoffs, _sep(language)
    add("")
    add(
        f"{word('handoffs', language)}: {word('requested', language)} {number(h.requested, language)}{sep}"
        f"{word('released', language)} {number(h.released, language)}{sep}{word('waiting', language)} {number(h.waiting, language)}"
        f"{sep}{word('median_wait', language)} {_mins(h.median_wait_minutes, language)}"
    )

    r, pr = now.ratings, before.ratings
    add("")
    add(
        f"{word('ratings', language)}: {was_before(number(r.count, language), number(pr.count, language), language)}{sep}"
        f"{word('mean', language)} {_score(r.mean, language)}"
    )
    return "\n".join(lines)
