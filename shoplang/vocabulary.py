"""The shop's language data, in one place.

Colours, sizes, number words and Finglish marker words, each with the Persian,
colloquial and Finglish spellings customers actually type. The catalog importer,
the NLU training-data generator and the custom actions all read this module, so a
new colour or size is added here once and reaches every part of the assistant.

Spellings are stored as people write them; lookups go through ``shoplang.normalize``
so Arabic ي/ك, Persian digits, half-spaces and letter case never matter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A canonical value and every way customers write it."""

    key: str
    fa: str  # the Persian display name used in replies
    en: str  # the English display name used in replies
    spellings: tuple[str, ...]  # Persian (formal and colloquial) and Finglish/English


COLORS: tuple[Term, ...] = (
    Term("black", "مشکی", "black", ("مشکی", "سیاه", "مشکیه", "meshki", "meshky", "siah", "siyah", "black")),
    Term("white", "سفید", "white", ("سفید", "سفیده", "sefid", "sefeed", "white")),
    Term("cream", "کرم", "cream", ("کرم", "کرمی", "شیری", "kerem", "krem", "kerami", "shiri", "cream")),
    Term("navy", "سرمه‌ای", "navy", ("سرمه‌ای", "سورمه‌ای", "سرمه‌ایی", "sormei", "sormeii", "sormeyi", "navy", "navy blue")),
    Term("gray", "طوسی", "gray", ("طوسی", "توسی", "خاکستری", "tusi", "toosi", "khakestari", "gray", "grey")),
    Term("blue", "آبی", "blue", ("آبی", "ابی", "abi", "aabi", "blue")),
    Term("pink", "صورتی", "pink", ("صورتی", "سورتی", "surati", "soorati", "pink")),
    Term("red", "قرمز", "red", ("قرمز", "ghermez", "qermez", "red")),
    Term("green", "سبز", "green", ("سبز", "sabz", "green")),
    Term("beige", "بژ", "beige", ("بژ", "bej", "beige")),
    Term("brown", "قهوه‌ای", "brown", ("قهوه‌ای", "قهوه‌ایی", "ghahvei", "ghahveii", "ghahveyi", "brown")),
    Term("yellow", "زرد", "yellow", ("زرد", "zard", "yellow")),
    Term("purple", "بنفش", "purple", ("بنفش", "banafsh", "purple")),
    Term("maroon", "زرشکی", "maroon", ("زرشکی", "zereshki", "maroon", "burgundy")),
    Term("khaki", "خاکی", "khaki", ("خاکی", "khaki")),
    Term("orange", "نارنجی", "orange", ("نارنجی", "narenji", "orange")),
    Term("gold", "طلایی", "gold", ("طلایی", "talaei", "talayi", "gold", "golden")),
    Term("silver", "نقره‌ای", "silver", ("نقره‌ای", "noghrei", "noghreii", "silver")),
)

LETTER_SIZES: tuple[Term, ...] = (
    Term("XS", "XS", "XS", ("xs", "ایکس اسمال", "ایکس‌اسمال", "xsmall", "x-small", "extra small")),
    Term("S", "S", "S", ("s", "اسمال", "اسمل", "small", "smal", "esmal")),
    Term("M", "M", "M", ("m", "مدیوم", "مدیم", "medium", "midium", "madiom", "mediom")),
    Term("L", "L", "L", ("l", "لارج", "large", "larj")),
    Term("XL", "XL", "XL", ("xl", "ایکس لارج", "ایکس‌لارج", "xlarge", "x-large", "extra large", "iks larj")),
    Term("XXL", "XXL", "XXL", ("xxl", "2xl", "دو ایکس لارج", "دوایکس لارج", "xxlarge", "2x large", "do iks larj")),
    Term("3XL", "3XL", "3XL", ("3xl", "xxxl", "سه ایکس لارج", "سه‌ایکس لارج", "xxxlarge", "3x large", "se iks larj")),
    Term("free", "فری‌سایز", "free size", ("free", "فری", "فری سایز", "فری‌سایز", "free size", "freesize", "free-size", "fri size")),
)

# Numeric sizes (clothing 34-56, shoes 35-46) are canonical as ASCII digits.
NUMERIC_SIZES: tuple[str, ...] = tuple(str(n) for n in range(34, 57))

# Number words for quantities. "جفت" (a pair) counts as one item of footwear.
NUMBER_WORDS: dict[int, tuple[str, ...]] = {
    1: ("یک", "یه", "یدونه", "یه دونه", "یک عدد", "یکی", "یه جفت", "یک جفت", "yek", "ye", "yedoone", "ye done", "one", "a pair", "one pair", "yeki", "ye dune", "yedune"),
    2: ("دو", "دوتا", "دو تا", "دو عدد", "دو جفت", "do", "dota", "do ta", "two", "two pairs", "a couple"),
    3: ("سه", "سه‌تا", "سه تا", "سه عدد", "se", "seta", "se ta", "three"),
    4: ("چهار", "چهارتا", "چهار تا", "چارتا", "chahar", "chaharta", "char ta", "four"),
    5: ("پنج", "پنج‌تا", "پنج تا", "panj", "panjta", "five"),
    6: ("شش", "شیش", "شیش‌تا", "شش تا", "shesh", "shish", "six"),
    7: ("هفت", "هفت‌تا", "هفت تا", "haft", "seven"),
    8: ("هشت", "هشت‌تا", "هشت تا", "hasht", "eight"),
    9: ("نه", "نه‌تا", "نه تا", "noh", "nine"),
    10: ("ده", "ده‌تا", "ده تا", "dah", "ten"),
}

# Answers to "postal code?" that mean the customer has none or does not know it.
NO_POSTAL_CODE: frozenset[str] = frozenset(
    {"ندارم", "نمیدونم", "نمی دونم", "نمی‌دونم", "بلد نیستم", "نه", "خیر", "-", "none", "no", "skip", "n/a",
     "i don't know", "dont know", "nadaram", "nemidoonam", "nemidunam", "na"}
)

# Words that count items after a number: "۴ عدد", "پنجتا", "ye joft", "2 pairs".
QUANTITY_UNITS: tuple[str, ...] = (
    "تا", "عدد", "دونه", "دانه", "جفت", "ta", "adad", "done", "dune", "doone", "joft",
    "pieces", "piece", "pcs", "pairs", "pair", "items", "item",
)

# Short English and Finglish words that, followed by a space and a number, are words and not
# a product code's letters: "send me 2", "in a 34", "ba 2 ta" (but "ME-2" and "me2" are codes).
NOT_CODE_WORDS: frozenset[str] = frozenset(
    {"a", "an", "the", "me", "my", "us", "in", "on", "at", "to", "of", "or", "is", "it", "by", "for", "and",
     "any", "all", "get", "buy", "add", "are", "per", "ta", "va", "ba", "be", "az", "ro", "ke", "ye", "ya", "na", "ham"}
)

# Latin-script words that mark a message as Finglish (Persian in Latin letters),
# so the assistant answers in Persian script rather than English.
FINGLISH_MARKERS: frozenset[str] = frozenset(
    {
        "salam", "slm", "mamnoon", "mamnun", "merci", "mersi", "mersii", "dari", "darid", "darin",
        "darein", "mojood", "mojod", "mojode", "mojoode", "mojoodeh", "mojude", "hast", "hastesh",
        "dare", "chand", "chande", "gheymat", "ghimat", "gheimat", "qeymat", "mikham", "mikhastam",
        "mikhaam", "kharid", "ino", "ono", "az", "ba", "ke", "ham", "ya", "rang", "rangi",
        "sayz", "saiz", "sizesh", "rangesh", "manto", "mantoo", "shal", "roosari", "rusari", "kafsh",
        "shalvar", "pirahan", "pirhan", "lebas", "tashakor", "khodafez", "khoda", "hafez", "baleh",
        "bale", "aare", "na", "nakheir", "lotfan", "lotfn", "kodoom", "kodum", "chi", "chie",
        "chiye", "toman", "tomane", "hezar", "ta", "mishe", "bedid", "befrestid", "sefaresh", "kojast",
        "meshki", "sefid", "abi", "ghermez", "sabz", "tusi", "toosi", "kerem", "sormei", "bej",
        "ghahvei", "surati", "larj", "madiom", "esmal", "dota", "seta", "yedoone", "aghaye", "khanom",
        "kasi", "moshkel", "hamin", "chetore", "ruz", "ersal", "pardakht",
    }
)

# Common English function and shopping words: a Latin-script message with more of
# these than Finglish markers is answered in English.
ENGLISH_MARKERS: frozenset[str] = frozenset(
    {
        "the", "is", "are", "do", "does", "you", "have", "has", "this", "that", "it", "in", "on",
        "stock", "price", "how", "much", "what", "which", "color", "colour", "available", "want",
        "i", "my", "me", "order", "hi", "hello", "hey", "thanks", "thank", "please", "can", "cost",
        "of", "for", "a", "an", "and", "any", "still", "would", "like", "buy", "need", "size",
        "where", "when", "ship", "shipping", "return", "pay", "payment", "bye", "yes", "no",
    }
)


def color_terms() -> dict[str, Term]:
    """Colours by canonical key."""
    return {term.key: term for term in COLORS}


def size_terms() -> dict[str, Term]:
    """Letter sizes (and free size) by canonical key."""
    return {term.key: term for term in LETTER_SIZES}


PRODUCT_TYPES: tuple[Term, ...] = (
    Term("manteau", "مانتو", "manteau", ("مانتو", "مانتوی", "مانتوها", "manto", "mantoo", "manteau", "coat dress")),
    Term("shawl", "شال", "shawl", ("شال", "شالی", "shal", "shawl", "scarf", "scarves")),
    Term("headscarf", "روسری", "headscarf", ("روسری", "روسریا", "rusari", "roosari", "headscarf", "head scarf")),
    Term("shoes", "کفش", "shoes", ("کفش", "کفشا", "کتونی", "kafsh", "katooni", "katuni", "shoe", "shoes", "sneakers")),
    Term("trousers", "شلوار", "trousers", ("شلوار", "شلوارک", "shalvar", "trousers", "pants", "jeans")),
    Term("dress", "پیراهن", "dress", ("پیراهن", "پیرهن", "لباس", "pirahan", "pirhan", "dress", "shirt")),
    Term("tshirt", "تی‌شرت", "T-shirt", ("تی‌شرت", "تیشرت", "تی شرت", "tishert", "tshirt", "t-shirt", "tee")),
    Term("hoodie", "هودی", "hoodie", ("هودی", "هودیه", "hoodi", "hoodie", "sweatshirt", "سویشرت")),
    Term("coat", "کت", "coat", ("کت", "پالتو", "kot", "palto", "coat", "jacket", "کاپشن", "kapshen")),
    Term("bag", "کیف", "bag", ("کیف", "کیفی", "kif", "bag", "handbag")),
    Term("skirt", "دامن", "skirt", ("دامن", "daman", "skirt")),
    Term("blouse", "شومیز", "blouse", ("شومیز", "بلوز", "shomiz", "bluz", "blouse")),
    Term("sweater", "بافت", "sweater", ("بافت", "ژاکت", "baft", "zhakat", "sweater", "jumper", "cardigan")),
)


# Plural endings stripped when a product type is not recognised as written:
# "هودی‌ها", "مانتوهای", "hoodies", "dresses".
PLURAL_SUFFIXES: tuple[str, ...] = (" های", " ها", "های", "ها", "es", "s")


def product_type_terms() -> dict[str, Term]:
    """Product types (catalog categories) by canonical key."""
    return {term.key: term for term in PRODUCT_TYPES}


# How an order's status reads to the customer: (Persian, English).
ORDER_STATUS_NAMES: dict[str, tuple[str, str]] = {
    "awaiting_payment": ("در انتظار پرداخت", "awaiting payment"),
    "paid": ("پرداخت شده و در حال آماده‌سازی", "paid and being prepared"),
    "shipped": ("ارسال شده", "shipped"),
    "delivered": ("تحویل داده شده", "delivered"),
    "cancelled": ("لغو شده", "cancelled"),
    "expired": ("به‌خاطر پرداخت‌نشدن لغو شده", "cancelled because it was not paid in time"),
    "returned": ("مرجوع شده", "returned"),
}
