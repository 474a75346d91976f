"""The names the owner reads for the store's codes, Persian and English: funnel steps, sources
and order statuses. ``shopctl report`` and the dashboard both word them from here."""

from __future__ import annotations

from shoplang.language import Language

STEPS: dict[str, tuple[str, str]] = {
    "inquiry": ("پرسش از محصول", "asked about a product"),
    "checkout_started": ("شروع خرید", "checkout started"),
    "product_code": ("انتخاب محصول", "product"),
    "color": ("رنگ", "colour"),
    "size": ("سایز", "size"),
    "quantity": ("تعداد", "quantity"),
    "customer_name": ("نام", "name"),
    "phone": ("موبایل", "mobile"),
    "address": ("آدرس", "address"),
    "postal_code": ("کد پستی", "postal code"),
    "shipping_method": ("روش ارسال", "shipping"),
    "summary_shown": ("خلاصه سفارش", "summary shown"),
    "order_placed": ("سفارش ثبت شد", "order placed"),
    "paid": ("پرداخت شد", "paid"),
}

SOURCES: dict[str, tuple[str, str]] = {
    "direct": ("دایرکت", "direct"),
    "post": ("پست", "post"),
    "reel": ("ریلز", "reel"),
    "story": ("استوری", "story"),
    "ad": ("تبلیغ", "ad"),
    "link": ("لینک", "link"),
    "comment": ("کامنت", "comment"),
}

STATUSES: dict[str, tuple[str, str]] = {
    "awaiting_payment": ("منتظر پرداخت", "awaiting payment"),
    "paid": ("پرداخت‌شده", "paid"),
    "shipped": ("ارسال‌شده", "shipped"),
    "delivered": ("تحویل‌شده", "delivered"),
    "cancelled": ("لغوشده", "cancelled"),
    "expired": ("منقضی", "expired"),
    "returned": ("مرجوعی", "returned"),
}


def _pick(table: dict[str, tuple[str, str]], key: str, language: Language) -> str:
    fa, en = table.get(key, (key, key))
    return fa if language == "fa" else en


def step_name(step: str, language: Language) -> str:
    return _pick(STEPS, step, language)


def source_name(source: str | None, language: Language) -> str:
    """An order or conversation's source; none recorded reads as direct, as the report counts it."""
    return _pick(SOURCES, source or "direct", language)


def status_name(status: str, language: Language) -> str:
    return _pick(STATUSES, status, language)
