"""The few customer-facing strings the channel writes itself, in Persian and English.

Everything the assistant says in a conversation comes from the domain's responses;
only a comment's private reply (sent without a dialogue turn), the default title of a
product card's order button and the apology for a message no turn could answer are
composed here.
"""

from __future__ import annotations

from shoplang.language import Language

COMMENT_IN_STOCK = {
    "fa": "سلام 🌷 {product} موجوده.\nقیمت: {price}\nرنگ‌ها: {colors}\nسایزها: {sizes}\nبرای سفارش همین‌جا پیام بدید.",
    "en": (
        "Hi! The {product} is in stock.\nPrice: {price}\nColours: {colors}\nSizes: {sizes}\nMessage us here to order."
    ),
}

COMMENT_SOLD_OUT = {
    "fa": "سلام 🌷 {product} فعلاً موجود نیست (قیمت: {price}).\nاگر بخواهید، همین‌جا پیام بدید تا موجود شد خبرتان کنیم.",
    "en": (
        "Hi! The {product} is sold out for now (price: {price}).\nMessage us here and we will tell you when it is back."
    ),
}

ORDER_BUTTON = {"fa": "سفارش", "en": "Order"}

# After a message could not be answered however often it was tried: a person takes over.
WE_WILL_ANSWER = {
    "fa": "ببخشید، الان نتونستم جواب بدم 🙏 پیامتون به دست فروشگاه رسیده و همکارمون به‌زودی جواب می‌ده.",
    "en": "Sorry, I couldn't answer just now 🙏 The shop has your message and a person will reply soon.",
}


def text(table: dict[str, str], language: Language, **values: str) -> str:
    return table[language].format(**values)
