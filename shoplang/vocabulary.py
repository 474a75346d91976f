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
    Term(
        "free", "فری‌سایز", "free size",
        ("free", "فری", "فری سایز", "فری‌سایز", "free size", "freesize", "free-size", "fri size", "one size"),
    ),
)

# Numeric sizes (clothing 34-56, shoes 35-46) are canonical as ASCII digits.
NUMERIC_SIZES: tuple[str, ...] = tuple(str(n) for n in range(34, 57))

# Number words for quantities and sizes. "جفت" (a pair) counts as one item of footwear.
# Tens combine with units through NUMBER_JOINERS: «چهل و دو», "chehel o do", "forty two".
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
    11: ("یازده", "yazdah", "yazda", "eleven"),
    12: ("دوازده", "davazdah", "davazda", "twelve"),
    13: ("سیزده", "sizdah", "sizda", "thirteen"),
    14: ("چهارده", "chahardah", "chaharda", "fourteen"),
    15: ("پانزده", "پونزده", "panzdah", "poonzdah", "punzdah", "poonzda", "fifteen"),
    16: ("شانزده", "شونزده", "shanzdah", "shoonzdah", "shunzdah", "shoonzda", "sixteen"),
    17: ("هفده", "hefdah", "hefda", "hivdah", "hivda", "seventeen"),
    18: ("هجده", "هیجده", "hejdah", "hijdah", "hijda", "eighteen"),
    19: ("نوزده", "noozdah", "nuzdah", "noozda", "nineteen"),
    20: ("بیست", "bist", "twenty"),
    30: ("سی", "si", "thirty"),
    40: ("چهل", "chehel", "chel", "forty"),
    50: ("پنجاه", "panjah", "panja", "fifty"),
    60: ("شصت", "shast", "sixty"),
    70: ("هفتاد", "haftad", "seventy"),
    80: ("هشتاد", "hashtad", "eighty"),
    90: ("نود", "navad", "ninety"),
}

# The "and" between tens and units: «چهل و دو», "chehel o do", "chehel va do" (also glued: "chehelo do").
NUMBER_JOINERS: tuple[str, ...] = ("و", "va", "o")


# Words that count items after a number: "۴ عدد", "پنجتا", "ye joft", "2 pairs".
QUANTITY_UNITS: tuple[str, ...] = (
    "تا", "عدد", "دونه", "دانه", "جفت", "ta", "adad", "done", "dune", "doone", "joft",
    "pieces", "piece", "pcs", "pairs", "pair", "items", "item",
)

# Short English and Finglish words that, followed by a space and a number, are words and not
# a product code's letters: "send me 2", "in a 34", "ba 2 ta" (but "ME-2" and "me2" are codes).
NOT_CODE_WORDS: frozenset[str] = frozenset(
    {"a", "an", "the", "me", "my", "us", "in", "on", "at", "to", "of", "or", "is", "it", "by", "for", "and",
     "any", "all", "get", "buy", "add", "are", "per", "ta", "va", "ba", "be", "az", "ro", "ke", "ye", "ya", "na", "ham",
     "ok", "yes", "yep", "say"}
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
        # Short replies that are Finglish, not English: "are" is آره, "do" is دو.
        "are", "areh", "do", "dorose", "dorost", "doroste", "mikhastim", "khube", "sabt", "kon",
        "bashe", "kafie", "nemikham", "peyk", "khiaban", "pelak", "vahed",
        "bebakhshid", "tamum", "tamoom", "nashode", "shode", "mikharam", "mikharamesh", "mikhamesh", "midam",
        "befrestin", "esmam", "shomaram", "mobilam", "felan", "hamun", "ghahveii", "ghahveyi", "hasht", "chehel",
    }
)

# Common English function and shopping words: a Latin-script message with more of
# these than Finglish markers is answered in English.
ENGLISH_MARKERS: frozenset[str] = frozenset(
    {
        "the", "is", "does", "you", "have", "has", "this", "that", "it", "in", "on",
        "stock", "price", "how", "much", "what", "which", "color", "colour", "available", "want",
        "i", "my", "me", "order", "hi", "hello", "hey", "thanks", "thank", "please", "can", "cost",
        "of", "for", "a", "an", "and", "any", "still", "would", "like", "buy", "need", "size",
        "where", "when", "ship", "shipping", "return", "pay", "payment", "bye", "yes", "no",
        "left", "good", "morning", "evening", "got", "get", "one", "these", "those", "them", "they", "your", "yours",
        "we", "our", "there", "here", "still", "yet", "new", "sold", "out", "more", "some", "size", "sizes",
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


# Reading one answer to the checkout's question (shoplang.answers). Entries are matched as whole
# words after normalising, so "می‌خوام", "می خوام" and "میخوام" are one entry, and no entry
# belongs to two of these lists (a test checks it).

# "Yes" to "shall I place the order?". "ثبت" covers «ثبت کن», «ثبتش کنید» ("کن" is a filler).
YES_WORDS: frozenset[str] = frozenset(
    {
        "بله", "بلی", "آره", "اره", "آری", "اوهوم", "ایول", "حتما", "البته", "باشه", "اوکی", "اوکیه", "درسته",
        "درست", "صحیحه", "موافقم", "قبوله", "تایید", "تاییده", "ثبت", "ثبتش", "بفرما",
        "bale", "baleh", "are", "aare", "areh", "ahoom", "hatman", "bashe", "okey", "dorost", "doroste", "dorose",
        "sabt", "sabtesh", "tayid", "taeed", "taiid", "movafegham",
        "yes", "yeah", "yea", "yep", "yup", "sure", "ok", "okay", "alright", "fine", "correct", "right", "confirm",
        "confirmed", "go ahead", "do it", "place it", "place the order", "place my order", "absolutely",
        "of course", "definitely", "perfect",
    }
)
YES_EMOJI: tuple[str, ...] = ("👍", "👌", "✅", "✔")

# "No": to "shall I place the order?", and after a value it refuses that value («مشکی نه، سفید»).
NO_WORDS: frozenset[str] = frozenset(
    {
        "نه", "خیر", "نخیر", "نچ", "نمیخوام", "نمیخواد", "نباشه", "فعلا نه", "هنوز نه",
        "na", "nakheir", "nakhir", "nemikham", "nemikhad", "nabashe", "felan na", "hanooz na",
        "no", "nope", "nah", "not yet", "not now",
    }
)
NO_EMOJI: tuple[str, ...] = ("👎", "❌", "✖")

# Before a value, these refuse it: "not black, white", «بجز مشکی».
REFUSALS_BEFORE: frozenset[str] = frozenset({"not", "except", "بجز", "به جز", "غیر از", "joz", "be joz"})

# Answers to "postal code?" that mean the customer has none or does not know it (any "no" too).
NO_POSTAL_CODE: frozenset[str] = frozenset(
    {"ندارم", "ندارمش", "نداریم", "نمیدونم", "نمی دونم", "نمی‌دونم", "بلد نیستم", "یادم نیست", "-", "none", "skip", "n/a",
     "i don't know", "dont know", "don't know", "no idea", "idk", "not sure", "don't have", "dont have",
     "nadaram", "nadaramesh", "nadarim", "nemidoonam", "nemidunam", "nemidonam", "yadam nist", "balad nistam"}
) | NO_WORDS

# Words around a name that are not part of it, besides ANSWER_FILLERS: «اسمم مریم احمدی هست»,
# "full name: Sara Karimi please".
NAME_FILLER_WORDS: frozenset[str] = frozenset(
    {
        "اسمم", "اسم", "نام", "خانوادگی", "گیرنده", "بنام", "واسه", "هستم", "هست", "است",
        "میباشد", "تحویل", "بگیره", "میگیره",
        "esmam", "esme", "esm", "name", "girande", "baraye", "vase", "hastam", "hast",
        "full", "is", "i'm", "im", "am", "this", "it's", "recipient", "receiver",
        "under", "deliver", "family",
    }
)

# Number words that are also articles or pronouns ("I don't have one", «یه لحظه»): after «نه» or
# "sorry" alone they are not a count.
ARTICLE_NUMBERS: frozenset[str] = frozenset({"one", "a", "an", "یه", "یک", "ye", "yek"})

# Words that call the whole checkout off: «بیخیال، نمیخوام», "forget it".
CANCEL_WORDS: frozenset[str] = frozenset(
    {
        "نمیخوام", "نمیخوامش", "نمیخواهم", "بیخیال", "لغو", "لغوش", "کنسل", "کنسلش", "منصرف", "نمیخرم", "پشیمون",
        "nemikham", "nemikhamesh", "bikhial", "bikhiyal", "laghv", "laghvesh", "kansel", "kanselesh", "monsaref",
        "nemikharam", "pashimoon",
        "cancel", "don't want", "dont want", "do not want", "forget it", "never mind", "nevermind",
        "changed my mind", "no longer", "i'll pass", "pass", "ولش کن", "ولش", "velesh",
    }
)

# Words that say a message corrects an earlier answer: «ببخشید سه تا کافیه», "actually make it 2".
CORRECTION_MARKERS: frozenset[str] = frozenset(
    {
        "ببخشید", "ببخشین", "اشتباه", "اشتباهی", "اشتباه شد", "اشتباه گفتم", "عوض", "عوضش", "تغییر", "بجاش",
        "به جاش", "بجای", "به جای", "یعنی", "منظورم",
        "bebakhshid", "bebakhshin", "eshtebah", "eshtebahi", "avaz", "avazesh", "taghir", "bejash", "be jash",
        "yani", "manzooram",
        "actually", "sorry", "change", "instead", "i mean", "rather", "oops", "make", "switch",
        # "wait", "by the way", "better": a change of mind said in passing.
        "راستی", "صبر کنید", "صبر کن", "عذر میخواهم", "عذر میخوام", "بهتره", "بهتر",
        "صبر", "یه لحظه", "یک لحظه", "یه دقیقه",
        "sabr", "sabr konin", "sabr kon", "rasti", "behtare", "behtar", "ozr mikham", "ye lahze", "ye daghighe",
        "wait", "hold on", "hang on", "better", "btw", "by the way", "on second thought", "one moment", "one sec",
        "just a sec",
    }
)

# Words that make a bare number a quantity: "make it 2", «۳ کافیه», "just two", «فقط یکی», «تعداد ۲».
QUANTITY_CUES: frozenset[str] = frozenset(
    {
        "کافیه", "کافیست", "بسه", "فقط", "تعداد", "تعدادش", "تعدادو", "تعدادشو",
        "kafie", "kafiye", "basse", "faghat", "tedad", "tedadesh", "tedado", "tedadesho",
        "make it", "enough", "just", "only", "quantity", "qty",
    }
)

# Words that name the slot itself: «سایزش رو ۴۰ کن», "change the colour to black".
SIZE_WORDS: frozenset[str] = frozenset(
    {"سایز", "سایزش", "سایزشو", "سایزو", "سایزم", "size", "sizesh", "sizo", "saiz", "saizesh", "saizo", "sayz",
     "sayzesh", "sayzo"}
)
COLOR_WORDS: frozenset[str] = frozenset(
    {"رنگ", "رنگش", "رنگشو", "رنگو", "rang", "rangesh", "rango", "color", "colour"}
)

# Size spellings that are also letters or words ("m", "free"): a correction reads them as a size only
# after a size word («سایز M»); an answer to "which size?" reads them as they are.
AMBIGUOUS_SIZE_SPELLINGS: frozenset[str] = frozenset({"s", "m", "l", "free", "فری"})

# Endings colloquial Persian and Finglish glue onto a colour or a method: «مشکیشو», «سبزه», «پستی», "meshkisho".
WORD_ENDINGS: tuple[str, ...] = ("شو", "شه", "ش", "یه", "ه", "و", "ی", "esho", "sho", "esh", "sh", "ye", "e", "o", "i")

# Words that carry no value in a short answer: politeness, "I want", "send", glue words
# ("two please", «دوتا بفرستید لطفا», "2 ta mikham", «سایزش M باشه»).
ANSWER_FILLERS: frozenset[str] = frozenset(
    {
        "لطفا", "لطفن", "خواهشا", "ممنون", "ممنونم", "مرسی", "متشکرم", "مچکرم", "تشکر", "سپاس", "عزیزم", "من",
        "برام", "برای", "رو", "را", "همون", "همین", "این", "اون", "با", "به", "از", "هم", "که", "دیگه", "و",
        "میخوام", "میخام", "میخواستم", "بفرستید", "بفرستین", "بفرست", "ارسال", "بدید", "بدین", "بده", "بذارید",
        "بزارید", "کن", "کنید", "کنین", "بکن", "بکنید", "میکنم", "سفارش", "سفارشو", "سفارشم", "فعلا",
        "lotfan", "lotfn", "khahesha", "mamnoon", "mamnun", "merci", "mersi", "tashakor", "azizam", "man", "baram",
        "ro", "hamun", "hamoon", "hamin", "oon", "ba", "be", "az", "ham", "dige", "mikham", "mikhastam",
        "befrestid", "befrestin", "befrest", "bedid", "bedin", "bede", "kon", "konid", "konin", "bokon", "sefaresh",
        "felan",
        "please", "pls", "plz", "thanks", "thank you", "thx", "i", "i'd", "i'll", "me", "my", "it", "the", "a",
        "an", "to", "in", "of", "for", "with", "and", "by", "send", "give", "want", "would", "like", "take",
        "get", "need", "have", "that", "that's", "same", "order", "let's", "lets", "say", "go",
        # Hesitation: "hmm" is no one's name.
        "hmm", "hm", "umm", "um", "uh", "emm", "امم", "اوم", "خب", "خوب", "هوم",
    }
)

# Greetings and goodbyes: a message with one is not a name.
GREETINGS: frozenset[str] = frozenset(
    {
        "سلام", "درود", "علیکم", "وقت بخیر", "صبح بخیر", "روز بخیر", "عصر بخیر", "شب بخیر", "خسته نباشید",
        "خداحافظ", "بای", "salam", "slm", "dorood", "khaste nabashid", "khodafez", "khodahafez",
        "hi", "hello", "hey", "good morning", "good evening", "bye", "goodbye",
    }
)

# Question words: a message with one asks something rather than answers (the ?/؟ mark counts too).
QUESTION_WORDS: frozenset[str] = frozenset(
    {
        "چی", "چیه", "چیست", "چه", "چرا", "کی", "کیه", "کجا", "کجاست", "چند", "چنده", "چندتا", "چطور", "چطوری",
        "چجوری", "چگونه", "کدوم", "کدام", "آیا", "مگه",
        "chi", "chie", "chiye", "che", "chera", "kay", "kei", "koja", "kojast", "chand", "chande", "chetor",
        "chetori", "chejoori", "kodoom", "kodum", "mage",
        "how", "what", "when", "where", "why", "which", "who",
    }
)
