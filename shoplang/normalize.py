"""Text normalisation for Persian, Finglish and English shop messages.

Pure functions: the NLU normaliser component, the catalog importer and the actions
all call these, so "مشكي", "مشکی" and "MESHKI" land on the same canonical value
whatever path the text took.
"""

from __future__ import annotations

import re
import unicodedata

from shoplang import vocabulary

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_ARABIC_TO_PERSIAN = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", "ۀ": "ه", "ة": "ه", "ؤ": "و", "إ": "ا", "أ": "ا", "ٱ": "ا"}
)
_TATWEEL = "\u0640"
_DIACRITICS = re.compile("[\u064b-\u065f\u0670]")
ZWNJ = "\u200c"
# Zero-width and bidi marks that phones insert; ZWNJ itself is kept (it is spelling).
_INVISIBLES = re.compile("[\u200b\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_REPEATED_LETTER = re.compile(r"([^\W\d_xX])\1{2,}")  # not x: "XXXL" is a size
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
# A product code: 1-3 Latin letters, optional space or hyphen, 1-5 digits; not a short word
# then a space ("send me 2", "in a 34").
_NOT_CODE = "|".join(sorted(vocabulary.NOT_CODE_WORDS, key=lambda word: (-len(word), word)))
PRODUCT_CODE_PATTERN = rf"(?<![A-Za-z0-9])(?!(?i:{_NOT_CODE}) )[A-Za-z]{{1,3}}[- ]?[0-9]{{1,5}}(?![A-Za-z0-9])"
_PRODUCT_CODE = re.compile(PRODUCT_CODE_PATTERN)
_CODE_PARTS = re.compile(r"^([A-Za-z]{1,3})[- ]?([0-9]{1,5})$")


def to_ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits to ASCII, so numbers and codes compare equal."""
    return text.translate(_DIGITS)


def parse_whole_number(text: str, signed: bool = False) -> int | None:
    """A whole number as the owner types it ("۵", " 12 ", with ``signed`` "-3" or "−3"); None otherwise."""
    cleaned = to_ascii_digits(text.strip()).replace("\u2212", "-")
    body = cleaned[1:] if signed and cleaned[:1] in "+-" else cleaned
    if not (body.isascii() and body.isdigit()):  # "²".isdigit() is True, and int("²") fails
        return None
    return int(cleaned)


def to_persian_digits(text: str) -> str:
    """ASCII digits to Persian ones, for customer-facing Persian text."""
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def normalize_text(text: str, strip: bool = True) -> str:
    """Canonical spelling of a customer message; keeps product codes intact.

    Arabic letters become Persian, digits ASCII, tatweel, diacritics and invisible
    marks go, runs of three or more of one letter collapse ("سلاممم" → "سلام"),
    half-spaces and spaces are tidied. ``strip=False`` keeps edge spaces, for
    normalising a text piece by piece.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_ARABIC_TO_PERSIAN)
    text = to_ascii_digits(text)
    text = text.replace(_TATWEEL, "")
    text = _DIACRITICS.sub("", text)
    text = _INVISIBLES.sub("", text)
    text = _REPEATED_LETTER.sub(r"\1", text)
    text = re.sub(f"{ZWNJ}+", ZWNJ, text)
    text = re.sub(f" *{ZWNJ} *", ZWNJ, text)  # a half-space never sits beside a space
    text = _SPACES.sub(" ", text)
    return text.strip(ZWNJ).strip() if strip else text


def fold(text: str) -> str:
    """A lookup key: normalised, lower-case, half-spaces read as spaces."""
    return normalize_text(text).replace(ZWNJ, " ").lower().strip()


def canonical_product_code(text: str) -> str | None:
    """ "ma110", "MA 110", "MA-۱۱۰" → "MA-110"; None when it is not a code."""
    text = to_ascii_digits(text).strip()
    match = _CODE_PARTS.match(text) if _PRODUCT_CODE.fullmatch(text) else None
    if not match:
        return None
    return f"{match.group(1).upper()}-{match.group(2)}"


def find_product_codes(text: str) -> list[str]:
    """Every product code written in a message, canonical, in order."""
    found = (canonical_product_code(m.group(0)) for m in _PRODUCT_CODE.finditer(to_ascii_digits(text)))
    return list(dict.fromkeys(code for code in found if code))


def _lookup(terms: tuple[vocabulary.Term, ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for term in terms:
        for spelling in (term.key, term.fa, term.en, *term.spellings):
            table[fold(spelling)] = term.key
    return table


_COLOR_LOOKUP = _lookup(vocabulary.COLORS)
_SIZE_LOOKUP = _lookup(vocabulary.LETTER_SIZES)
_NUMBER_LOOKUP = {fold(word): n for n, words in vocabulary.NUMBER_WORDS.items() for word in words}
_NUMBER_JOINERS = tuple(fold(joiner) for joiner in vocabulary.NUMBER_JOINERS)
# Longest first, so "pieces" is stripped before "pcs"-like shorter endings match.
_QUANTITY_UNITS = sorted((fold(unit) for unit in vocabulary.QUANTITY_UNITS), key=len, reverse=True)
# "سایز M", "sizesh L", "size40": the size word in front of a size; not "sizes".
_SIZE_WORD = "|".join(sorted((fold(word) for word in vocabulary.SIZE_WORDS), key=len, reverse=True))
_SIZE_PREFIX = re.compile(rf"^(?:{_SIZE_WORD})(?![^\W\d_])\s*")


def canonical_color(text: str) -> str | None:
    """Any spelling of a colour → its canonical English key, else None."""
    return _COLOR_LOOKUP.get(fold(text))


def canonical_size(text: str) -> str | None:
    """Any spelling of a size → XS…3XL, free, or ASCII digits ("۴۲", «چهل و دو» → "42"); else None."""
    key = _SIZE_PREFIX.sub("", fold(text))
    if key in _SIZE_LOOKUP:
        return _SIZE_LOOKUP[key]
    number = canonical_number(key)
    if number is not None and str(number) in vocabulary.NUMERIC_SIZES:
        return str(number)
    return None


def canonical_number(text: str) -> int | None:
    """A number of up to three digits or in words: "42", "۴۲", "بیست", «چهل و دو», "forty-two" → an int."""
    key = fold(text)
    if re.fullmatch(r"\d{1,3}", key):
        return int(key)
    if key in _NUMBER_LOOKUP:
        return _NUMBER_LOOKUP[key]
    return _compound_number(key)


def _compound_number(key: str) -> int | None:
    """Tens then units: «چهل و دو», "chehel o do", "chehelo do", "forty two"."""
    parts = re.split(r"[\s-]+", key)
    if len(parts) == 3 and parts[1] in _NUMBER_JOINERS:
        parts = [parts[0], parts[2]]
    if len(parts) != 2:
        return None
    glued = (parts[0][: -len(joiner)] for joiner in _NUMBER_JOINERS if parts[0].endswith(joiner))
    tens = next((_NUMBER_LOOKUP[word] for word in (parts[0], *glued) if word in _NUMBER_LOOKUP), None)
    units = _NUMBER_LOOKUP.get(parts[1])
    if tens in range(20, 100, 10) and units in range(1, 10):
        return tens + units
    return None


def canonical_quantity(text: str) -> int | None:
    """ "دوتا", "چهار عدد", "یه جفت", "two", "۳ عدد", "2ta", "x2", "بیست تا" → an int; None otherwise."""
    key = re.sub(r"^x\s*(?=\d)|(?<=\d)\s*x$", "", fold(text))
    value = canonical_number(key)
    if value is None:
        unit = next((unit for unit in _QUANTITY_UNITS if key.endswith(unit) and len(key) > len(unit)), None)
        value = canonical_number(key[: -len(unit)].strip()) if unit else None
    return value or None


def canonical_order_number(text: str) -> str | None:
    """ "1024", "۱۰۲۴", "#1024", "سفارش ۱۰۲۴" → "1024"; None unless there is exactly one number."""
    digits = re.findall(r"\d+", to_ascii_digits(str(text)))
    if len(digits) != 1:
        return None
    return digits[0].lstrip("0") or None


_PRODUCT_TYPE_LOOKUP = _lookup(vocabulary.PRODUCT_TYPES)


def canonical_product_type(text: str) -> str | None:
    """ "مانتو", "manto", "hoodies", "هودی‌ها" → a type key; None for anything else."""
    key = fold(text)
    if key in _PRODUCT_TYPE_LOOKUP:
        return _PRODUCT_TYPE_LOOKUP[key]
    for suffix in vocabulary.PLURAL_SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)] in _PRODUCT_TYPE_LOOKUP:
            return _PRODUCT_TYPE_LOOKUP[key[: -len(suffix)]]
    return None
