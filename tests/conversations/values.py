"""How each variety writes the values a customer gives: colours, sizes, numbers, phones, codes.

The phrasings (``phrasings.py``) are templates; these are what fills them. Every
function takes the variety and a seeded ``random.Random``, so a run is repeatable.
Written fresh from how customers type in Direct, not taken from ``nlu_data/``.
"""

from __future__ import annotations

import random
from typing import Literal

Variety = Literal["fa_formal", "fa_colloquial", "finglish", "english"]
VARIETIES: tuple[Variety, ...] = ("fa_formal", "fa_colloquial", "finglish", "english")
PERSIAN_SCRIPT: tuple[Variety, ...] = ("fa_formal", "fa_colloquial")

_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def persian_digits(text: str) -> str:
    return text.translate(_FA_DIGITS)


def to_ascii(text: str) -> str:
    return text.translate({ord(fa): ascii_ for ascii_, fa in zip("0123456789", "۰۱۲۳۴۵۶۷۸۹", strict=True)})


def script(variety: Variety) -> str:
    """ "fa" for the two Persian-script varieties, "latin" for Finglish and English."""
    return "fa" if variety in PERSIAN_SCRIPT else "latin"


# --- colours -------------------------------------------------------------------------

_COLORS: dict[str, dict[str, tuple[str, ...]]] = {
    "fa": {
        "black": ("مشکی", "مشکی", "سیاه"),
        "white": ("سفید",),
        "cream": ("کرم", "کرمی"),
        "navy": ("سرمه‌ای", "سرمه ای", "سورمه‌ای"),
        "gray": ("طوسی", "طوسی", "خاکستری"),
        "beige": ("بژ",),
        "red": ("قرمز",),
        "green": ("سبز",),
        "blue": ("آبی", "ابی"),
        "pink": ("صورتی",),
        "brown": ("قهوه‌ای", "قهوه ای"),
    },
    "finglish": {
        "black": ("meshki", "meshki", "siah"),
        "white": ("sefid",),
        "cream": ("kerem", "kerem", "krem"),
        "navy": ("sormei", "sormeii"),
        "gray": ("tusi", "toosi", "khakestari"),
        "beige": ("bej",),
        "red": ("ghermez",),
        "green": ("sabz",),
        "blue": ("abi",),
        "pink": ("surati", "soorati"),
        "brown": ("ghahvei", "ghahveii"),
    },
    "english": {
        "black": ("black", "Black"),
        "white": ("white",),
        "cream": ("cream",),
        "navy": ("navy", "navy blue"),
        "gray": ("grey", "gray"),
        "beige": ("beige",),
        "red": ("red",),
        "green": ("green",),
        "blue": ("blue",),
        "pink": ("pink",),
        "brown": ("brown",),
    },
}


def _table(variety: Variety) -> str:
    return "fa" if variety in PERSIAN_SCRIPT else variety


def color_word(color: str, variety: Variety, rng: random.Random) -> str:
    return rng.choice(_COLORS[_table(variety)][color])


# --- sizes ---------------------------------------------------------------------------

_LETTER_SIZES: dict[str, dict[str, tuple[str, ...]]] = {
    "fa": {
        "S": ("S", "اسمال"),
        "M": ("M", "مدیوم", "m"),
        "L": ("L", "لارج"),
        "XL": ("XL", "ایکس لارج", "xl"),
        "XXL": ("XXL", "دو ایکس لارج", "2XL"),
        "free": ("فری سایز", "فری"),
    },
    "finglish": {
        "S": ("S", "small"),
        "M": ("M", "medium", "midium"),
        "L": ("L", "large", "larj"),
        "XL": ("XL", "xl", "iks larj"),
        "XXL": ("XXL", "2xl"),
        "free": ("free size", "fri size"),
    },
    "english": {
        "S": ("S", "small"),
        "M": ("M", "medium"),
        "L": ("L", "large"),
        "XL": ("XL", "extra large"),
        "XXL": ("XXL", "2XL"),
        "free": ("free size", "one size"),
    },
}

_FA_TENS = {3: "سی", 4: "چهل"}
_FA_UNITS = {1: "یک", 2: "دو", 3: "سه", 4: "چهار", 5: "پنج", 6: "شش", 7: "هفت", 8: "هشت", 9: "نه"}
_FI_TENS = {3: "si", 4: "chehel"}
_FI_UNITS = {1: "yek", 2: "do", 3: "se", 4: "chahar", 5: "panj", 6: "shish", 7: "haft", 8: "hasht", 9: "noh"}


def persian_number_words(number: int) -> str:
    """34..49 as Persian words: 42 → «چهل و دو»."""
    tens, units = divmod(number, 10)
    return _FA_TENS[tens] if units == 0 else f"{_FA_TENS[tens]} و {_FA_UNITS[units]}"


def finglish_number_words(number: int) -> str:
    tens, units = divmod(number, 10)
    return _FI_TENS[tens] if units == 0 else f"{_FI_TENS[tens]} o {_FI_UNITS[units]}"


def size_word(size: str, variety: Variety, rng: random.Random) -> str:
    """A size as this customer writes it: «M», «مدیوم», «۳۸», «چهل و دو», "large"."""
    if size.isdigit():
        number = int(size)
        forms = {
            "fa": (persian_digits(size), size, persian_number_words(number)),
            "finglish": (size, size, finglish_number_words(number)),
            "english": (size,),
        }[_table(variety)]
        return rng.choice(forms)
    return rng.choice(_LETTER_SIZES[_table(variety)][size])


# --- quantities ----------------------------------------------------------------------

_QUANTITIES: dict[Variety, dict[int, tuple[str, ...]]] = {
    "fa_formal": {
        1: ("۱", "1", "یک", "یک عدد", "یکی"),
        2: ("۲", "2", "دو", "دو عدد", "۲ عدد"),
        3: ("۳", "3", "سه", "سه عدد", "۳ عدد"),
        4: ("۴", "4", "چهار", "چهار عدد", "۴ عدد"),
    },
    "fa_colloquial": {
        1: ("یکی", "یه دونه", "یدونه", "۱", "1"),
        2: ("دوتا", "۲", "2", "دو", "۲ تا", "دو تا", "۲تا"),
        3: ("سه‌تا", "سه تا", "۳", "3", "سه", "۳تا"),
        4: ("چهارتا", "چارتا", "۴", "4", "چهار", "۴ تا"),
    },
    "finglish": {
        1: ("yeki", "ye done", "1", "yek"),
        2: ("2", "do", "dota", "do ta", "2 ta", "2ta"),
        3: ("3", "se", "se ta", "3 ta", "seta"),
        4: ("4", "chahar", "char ta", "4 ta", "chaharta"),
    },
    "english": {
        1: ("1", "one"),
        2: ("2", "two"),
        3: ("3", "three"),
        4: ("4", "four"),
    },
}


def quantity_word(quantity: int, variety: Variety, rng: random.Random) -> str:
    """A quantity as typed: «۲», "3", «دو», «دوتا», «یکی», "chahar", "2 ta", "four"."""
    return rng.choice(_QUANTITIES[variety][quantity])


# --- product codes -------------------------------------------------------------------


def code_word(code: str, variety: Variety, rng: random.Random) -> str:
    """«MT-110», "mt110", "MT 110", "mt-110", and «MT-۱۱۰» from Persian keyboards."""
    letters, digits = code.split("-")
    forms = [code, code.lower(), f"{letters}{digits}", f"{letters.lower()}{digits}", f"{letters} {digits}"]
    if variety in PERSIAN_SCRIPT:
        forms.append(f"{letters}-{persian_digits(digits)}")
    return rng.choice(forms)


# --- shipping methods ----------------------------------------------------------------

_METHODS: dict[str, dict[str, tuple[str, ...]]] = {
    "fa": {"post": ("پست", "پست پیشتاز", "پیشتاز"), "courier": ("پیک", "پیک موتوری")},
    "finglish": {"post": ("post", "post pishtaz", "pishtaz"), "courier": ("peyk", "paik")},
    "english": {"post": ("post", "express post", "mail"), "courier": ("courier", "a courier")},
}


def method_word(method: str, variety: Variety, rng: random.Random) -> str:
    return rng.choice(_METHODS[_table(variety)][method])


# --- people, phones, addresses, postal codes -------------------------------------------

PEOPLE: tuple[tuple[str, str], ...] = (
    ("مریم احمدی", "maryam ahmadi"),
    ("سارا کریمی", "sara karimi"),
    ("نگار رضایی", "negar rezaei"),
    ("زهرا موسوی", "zahra mousavi"),
    ("فاطمه حسینی", "fatemeh hosseini"),
    ("الهام جعفری", "elham jafari"),
    ("مهسا قاسمی", "mahsa ghasemi"),
    ("نازنین صادقی", "nazanin sadeghi"),
    ("رضا محمدی", "reza mohammadi"),
    ("علی اکبری", "ali akbari"),
    ("حمید نوری", "hamid noori"),
    ("پریسا عباسی", "parisa abbasi"),
    ("لیلا مرادی", "leila moradi"),
    ("سمیرا رحیمی", "samira rahimi"),
    ("آرش کاظمی", "arash kazemi"),
    ("نیلوفر شریفی", "niloofar sharifi"),
    ("شیرین یزدانی", "shirin yazdani"),
    ("بهاره نظری", "bahareh nazari"),
    ("کیان فرهادی", "kian farhadi"),
    ("یاسمن طاهری", "yasaman taheri"),
)


def person(variety: Variety, rng: random.Random) -> str:
    """A full name: Persian script for Persian customers, Latin for the others."""
    fa, latin = rng.choice(PEOPLE)
    if variety in PERSIAN_SCRIPT:
        return fa
    return latin.title() if variety == "english" and rng.random() < 0.7 else latin


def mobile_digits(rng: random.Random) -> str:
    """A random Iranian mobile number as 09XXXXXXXXX."""
    return (
        "09"
        + rng.choice(["12", "13", "19", "35", "36", "01", "02", "21"])
        + "".join(rng.choice("0123456789") for _ in range(7))
    )


def phone_word(digits: str, variety: Variety, rng: random.Random) -> str:
    """09…, +98…, 0098…, with spaces or dashes; Persian digits from Persian keyboards."""
    rest = digits[1:]  # 9XXXXXXXXX
    forms = [
        digits,
        f"{digits[:4]} {digits[4:7]} {digits[7:]}",
        f"{digits[:4]}-{digits[4:7]}-{digits[7:]}",
        f"+98{rest}",
        f"+98 {rest[:3]} {rest[3:6]} {rest[6:]}",
        f"0098{rest}",
        f"{digits[:4]} {digits[4:]}",
    ]
    text = rng.choice(forms)
    if variety in PERSIAN_SCRIPT and rng.random() < 0.5:
        text = persian_digits(text)
    return text


_FA_CITIES = ("تهران", "اصفهان", "شیراز", "مشهد", "تبریز", "کرج", "رشت", "قم", "اهواز", "کرمان")
_FI_CITIES = ("tehran", "esfahan", "shiraz", "mashhad", "tabriz", "karaj", "rasht", "qom", "ahvaz", "kerman")
_FA_STREETS = (
    "خیابان ولیعصر",
    "خیابان شریعتی",
    "بلوار کشاورز",
    "خیابان آزادی",
    "خیابان حافظ",
    "بلوار فردوسی",
    "خیابان امام",
    "بلوار معلم",
)
_FI_STREETS = (
    "kheyabun valiasr",
    "khiabane shariati",
    "bolvar keshavarz",
    "khiabane azadi",
    "khiabane hafez",
    "bolvare ferdowsi",
    "kheyabane emam",
    "bolvar moalem",
)
_EN_STREETS = (
    "Valiasr St",
    "Shariati St",
    "Keshavarz Blvd",
    "Azadi St",
    "Hafez Ave",
    "Ferdowsi Blvd",
    "Emam St",
    "Moalem Blvd",
)
_FA_ALLEYS = ("کوچه نسترن", "کوچه یاس", "کوچه سوم", "بن‌بست لاله", "کوچه شهید رضایی", "کوچه بهار")
_FI_ALLEYS = (
    "koocheye nastaran",
    "kuche yas",
    "kooche sevom",
    "bonbast laleh",
    "kuche shahid rezaei",
    "koocheye bahar",
)
_EN_ALLEYS = ("Nastaran Alley", "Yas Alley", "3rd Alley", "Laleh Cul-de-sac", "Rezaei Alley", "Bahar Alley")


def address(variety: Variety, rng: random.Random) -> str:
    """A full postal address in the variety's way of writing one."""
    number, unit = rng.randint(2, 140), rng.randint(1, 12)
    if variety in PERSIAN_SCRIPT:
        city, street, alley = rng.choice(_FA_CITIES), rng.choice(_FA_STREETS), rng.choice(_FA_ALLEYS)
        plate = persian_digits(str(number)) if rng.random() < 0.6 else str(number)
        flat = persian_digits(str(unit)) if rng.random() < 0.6 else str(unit)
        return rng.choice(
            [
                f"{city}، {street}، {alley}، پلاک {plate}، واحد {flat}",
                f"{city} {street} {alley} پلاک {plate} واحد {flat}",
                f"{city}، {street}، {alley}، پلاک {plate}",
            ]
        )
    city_i = rng.randrange(len(_FI_CITIES))
    if variety == "finglish":
        street, alley = rng.choice(_FI_STREETS), rng.choice(_FI_ALLEYS)
        return rng.choice(
            [
                f"{_FI_CITIES[city_i]}, {street}, {alley}, pelak {number}, vahed {unit}",
                f"{_FI_CITIES[city_i]} {street} {alley} pelak {number}",
            ]
        )
    street, alley = rng.choice(_EN_STREETS), rng.choice(_EN_ALLEYS)
    city = _FI_CITIES[city_i].title()
    return rng.choice(
        [
            f"No. {number}, {alley}, {street}, {city}, unit {unit}",
            f"{number} {alley}, {street}, {city}",
            f"Unit {unit}, {number} {alley}, off {street}, {city}",
        ]
    )


def postal_digits(rng: random.Random) -> str:
    """Ten digits, as Iranian postal codes are (no 0 or 2 in the first five)."""
    head = "".join(rng.choice("13456789") for _ in range(5))
    return head + "".join(rng.choice("0123456789") for _ in range(5))


def postal_word(digits: str, variety: Variety, rng: random.Random) -> str:
    text = rng.choice([digits, digits, f"{digits[:5]}-{digits[5:]}", f"{digits[:5]} {digits[5:]}"])
    if variety in PERSIAN_SCRIPT and rng.random() < 0.5:
        text = persian_digits(text)
    return text
