"""How products, variants, prices and stock lists read to a customer, per language.

Whole sentences live in the domain's responses; these are the fragments the actions
slot into them ("رنگ مشکی سایز L", "black (M, L)"), built from vocabulary names.
"""

from __future__ import annotations

from collections.abc import Iterable

from shoplang import vocabulary
from shoplang.formatting import format_number, format_toman, join_list
from shoplang.language import Language
from shoplang.normalize import to_persian_digits

_COLORS = vocabulary.color_terms()
_SIZES = vocabulary.size_terms()
_LIST_SEPARATOR = {"fa": "، ", "en": ", "}


def color_name(color: str, language: Language) -> str:
    term = _COLORS.get(color)
    if term is None:
        return color
    return term.fa if language == "fa" else term.en


def size_name(size: str, language: Language) -> str:
    term = _SIZES.get(size)
    if term is not None:
        return term.fa if language == "fa" else term.en
    return to_persian_digits(size) if language == "fa" else size


def product_name(name_fa: str, name_en: str, code: str, language: Language) -> str:
    """ "مانتو کتان (کد B-21)" / "the Linen manteau (B-21)"."""
    if language == "fa":
        return f"{name_fa} (کد {code})"
    return f"{name_en} ({code})"


def variant(color: str | None, size: str | None, language: Language) -> str:
    """ "رنگ مشکی سایز L" / "in black, size L"; empty when neither is known."""
    parts = []
    if language == "fa":
        if color:
            parts.append(f"رنگ {color_name(color, language)}")
        if size:
            parts.append(size_name(size, language) if size == "free" else f"سایز {size_name(size, language)}")
        return " ".join(parts)
    if color:
        parts.append(f"in {color_name(color, language)}")
    if size:
        parts.append(size_name(size, language) if size == "free" else f"size {size_name(size, language)}")
    return ", ".join(parts)


def price_range(low: int, high: int, language: Language) -> str:
    """One price, or "۹۸۰٬۰۰۰ تا ۱٬۲۹۰٬۰۰۰ تومان" / "980,000–1,290,000 toman"."""
    if low == high:
        return format_toman(low, language)
    if language == "fa":
        return f"{format_number(low, language)} تا {format_toman(high, language)}"
    return f"{format_number(low, language)}–{format_toman(high, language)}"


def stock_list(variants: Iterable[tuple[str, str]], language: Language) -> str:
    """In-stock (colour, size) pairs grouped by colour: "مشکی (M، L)، کرم (M)"."""
    by_color: dict[str, list[str]] = {}
    for color, size in variants:
        by_color.setdefault(color, []).append(size)
    items = []
    for color, sizes in by_color.items():
        name = color_name(color, language)
        if sizes == ["free"]:
            items.append(name)
        else:
            items.append(f"{name} ({_LIST_SEPARATOR[language].join(size_name(s, language) for s in sizes)})")
    return join_list(items, language)


def order_status(status: str, language: Language) -> str:
    """ "در انتظار پرداخت" / "awaiting payment"."""
    fa, en = vocabulary.ORDER_STATUS_NAMES.get(status, (status, status))
    return fa if language == "fa" else en


def localized(fa: str, en: str, language: Language) -> str:
    """The owner's Persian or English wording (shipping method names, card holder)."""
    return fa if language == "fa" else en


def quantity(count: int, language: Language) -> str:
    """ "۳ عدد" / "3 pieces"."""
    if language == "fa":
        return f"{format_number(count, language)} عدد"
    return f"{count} piece" if count == 1 else f"{count} pieces"


def order_line(quantity: int, name: str, code: str, color: str, size: str, language: Language) -> str:
    """One line of an order as ordered: "۱ × مانتو کتان B-21 مشکی L" / "1 × Linen manteau B-21 black L"."""
    parts = [f"{format_number(quantity, language)} ×", name, code, color_name(color, language)]
    if size != "free":
        parts.append(size_name(size, language))
    return " ".join(parts)


def order_choice(order_number: str, items: str, total: str, language: Language) -> str:
    """One order among several to choose from: "۱۰۴۲: ۱ × مانتو کتان B-21 مشکی L، ۱٬۲۵۰٬۰۰۰ تومان"."""
    return f"{order_number}: {items}{_LIST_SEPARATOR[language]}{total}"
