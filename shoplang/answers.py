"""Reading one customer message as the answer to the question the checkout just asked.

The checkout asks one thing at a time ("how many?", "which colour?", "shall I place the
order?") and customers answer in formal or colloquial Persian, Finglish or English, with
politeness words, emoji and half-spaces: «دوتا لطفا», "se ta", "just two", "👍". Each parser
turns such a message into the slot's value, or None when it is not one clear answer, so the
form re-asks instead of guessing. find_corrections reads the item slots a message restates
while another question is pending («نه، سایز M» when the address was asked).

Pure functions: the word lists live in shoplang.vocabulary, and every comparison is on whole
words after shoplang.normalize has folded spelling, digits and letter case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shoplang import vocabulary
from shoplang.normalize import (
    canonical_color,
    canonical_product_code,
    canonical_quantity,
    canonical_size,
    fold,
    normalize_text,
)

NO_POSTAL_CODE_VALUE = "-"

Phrase = tuple[str, ...]

# A word keeps its inner apostrophes and hyphens: "I'm", "x-large", "B-21", "forty-two".
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_VERB_PREFIX = re.compile(r"(?<!\S)(ن?می) (?=\S)")  # "می خوام" → "میخوام"
_NEGATIVE_NUMBER = re.compile(r"(?<![\w-])[-−]\s?\d")
_TIMES = re.compile(r"^x\s*\d|\d\s*x$")  # "x2", "2x"
_DIGIT_RUN = re.compile(r"\d(?:[\s\-‐–—]*\d)*")
_NAME = re.compile(r"[^\W\d_]+(?:[ \u200c'’.\-]+[^\W\d_]+)*\.?")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def _words(text: str) -> list[str]:
    """The folded words of a message; "می‌خوام", "می خوام" and "میخوام" are one word."""
    return _WORD.findall(_VERB_PREFIX.sub(r"\1", fold(text)))


def _phrases(entries: Iterable[str]) -> frozenset[Phrase]:
    return frozenset(phrase for phrase in (tuple(_words(entry)) for entry in entries) if phrase)


_YES = _phrases(vocabulary.YES_WORDS)
_NO = _phrases(vocabulary.NO_WORDS)
_FILLERS = _phrases(vocabulary.ANSWER_FILLERS)
_QUANTITY_CUES = _phrases(vocabulary.QUANTITY_CUES)
_MARKERS = _phrases(vocabulary.CORRECTION_MARKERS) | _NO
_SLOT_WORDS = _phrases(vocabulary.SIZE_WORDS | vocabulary.COLOR_WORDS)
_REFUSALS_BEFORE = _phrases(vocabulary.REFUSALS_BEFORE)
_GREETINGS = _phrases(vocabulary.GREETINGS)
_DONT_KNOW = _phrases(vocabulary.NO_POSTAL_CODE)
_SIZE_WORDS = frozenset(fold(word) for word in vocabulary.SIZE_WORDS)
_QUESTION_WORDS = frozenset(fold(word) for word in vocabulary.QUESTION_WORDS)
_AMBIGUOUS_SIZES = frozenset(fold(word) for word in vocabulary.AMBIGUOUS_SIZE_SPELLINGS)
_UNITS = tuple(fold(unit) for unit in vocabulary.QUANTITY_UNITS)
_ENDINGS = sorted(vocabulary.WORD_ENDINGS, key=len, reverse=True)
# Words around a value that still leave a short answer: "two please", «سه تا کافیه», "2 ta bashe".
_SMALL_TALK = _FILLERS | _YES | _QUANTITY_CUES
# Words that are shop talk, never part of a person's name.
_NOT_NAME = _SMALL_TALK | _NO | _MARKERS | _GREETINGS | _DONT_KNOW | _phrases(vocabulary.STOP_MESSAGES_WORDS)
_LONGEST_VALUE = 4  # words: «دو ایکس لارج», «چهل و دو تا»
_MARKED_COUNT_MAX = 20  # a bare number after «نه»/"sorry" is a count up to this; above it, a size or a typo


def _phrase_at(words: list[str], i: int, phrases: frozenset[Phrase]) -> int:
    """How many words from words[i] make the longest phrase of ``phrases``; 0 for none."""
    lengths = sorted({len(phrase) for phrase in phrases}, reverse=True)
    return next((n for n in lengths if tuple(words[i : i + n]) in phrases), 0)


def _contains(words: list[str], phrases: frozenset[Phrase]) -> bool:
    return any(_phrase_at(words, i, phrases) for i in range(len(words)))


def _cover(words: list[str], phrases: frozenset[Phrase]) -> list[Phrase] | None:
    """``words`` read as a run of ``phrases``, longest first; None when a word is none of them."""
    found, i = [], 0
    while i < len(words):
        n = _phrase_at(words, i, phrases)
        if not n:
            return None
        found.append(tuple(words[i : i + n]))
        i += n
    return found


def _is_question(text: str, words: list[str]) -> bool:
    return "?" in text or "؟" in text or any(word in _QUESTION_WORDS for word in words)


def _single(values: Iterable[Any]) -> Any:
    """The one value named, or None when there is none or more than one."""
    distinct = set(values) - {None}
    return distinct.pop() if len(distinct) == 1 else None


@dataclass(frozen=True)
class _Mention:
    """A value written in a message and the words it spans."""

    slot: str  # "color", "size", "number" (a quantity or a size: the question decides) or "code"
    value: str | int | None
    start: int
    end: int
    explicit: bool  # unmistakably this slot: any colour, «سایز ۴۰», "medium", a number with a unit ("دو تا")


def _mentions(words: list[str]) -> list[_Mention]:
    """Every colour, size, number and product code in the words, longest reading first, refused ones left out."""
    found, i = [], 0
    while i < len(words):
        marker = _phrase_at(words, i, _MARKERS)
        if marker > 1:  # «یه لحظه», "one sec": a marker, not a count
            i += marker
            continue
        mention = _value_at(words, i)
        if mention is None:
            i += 1
            continue
        if not _refused(words, mention.start, mention.end):
            found.append(mention)
        i = mention.end
    return found


def _value_at(words: list[str], i: int) -> _Mention | None:
    """The longest value starting at words[i]: «دو ایکس لارج» is XXL, not 2 and then L."""
    for end in range(min(len(words), i + _LONGEST_VALUE), i, -1):
        mention = _read(words, i, end)
        if mention:
            return mention
    return None


def _read(words: list[str], start: int, end: int) -> _Mention | None:
    """words[start:end] as one value. Numbers are tried first, so "x2" is a count and not a
    product code; a bare number just after a size word («سایزش رو ۴۰») is a size."""
    phrase = " ".join(words[start:end])
    after_size_word = any(word in _SIZE_WORDS for word in words[max(0, start - 2) : start + 1])
    number = canonical_quantity(phrase)
    has_unit = number is not None and _has_unit(phrase)
    if number is not None and (has_unit or tuple(words[start:end]) not in _NO):  # «نه» alone is "no", not 9
        if after_size_word and not has_unit:
            return _Mention("size", canonical_size(str(number)), start, end, True)
        return _Mention("number", number, start, end, has_unit)
    size = canonical_size(phrase)
    if size:
        return _Mention("size", size, start, end, after_size_word or phrase not in _AMBIGUOUS_SIZES)
    color = _color(phrase)
    if color:
        return _Mention("color", color, start, end, True)
    code = canonical_product_code(phrase)
    return _Mention("code", code, start, end, False) if code else None


def _has_unit(phrase: str) -> bool:
    """ "دو تا", "3 pieces", "یه جفت", "x2": a count, never a size or a plaque number."""
    return phrase.endswith(_UNITS) or bool(_TIMES.search(phrase))


def _color(phrase: str) -> str | None:
    """A colour, also with a colloquial ending: «مشکیشو», «سبزه», "meshkisho"."""
    stems = [phrase[: -len(ending)] for ending in _ENDINGS if phrase.endswith(ending)]
    for stem in (phrase, *stems):
        color = canonical_color(stem) if not stem.endswith(" ") else None  # an ending, not a word: "سفید و"
        if color:
            return color
    return None


def _refused(words: list[str], start: int, end: int) -> bool:
    """«مشکی نه، سفید», "meshki na", "not black": the value is named to be turned down."""
    after = _phrase_at(words, end, _NO) > 0
    before = any(tuple(words[max(0, start - n) : start]) in _REFUSALS_BEFORE for n in (1, 2))
    return after or before


def _uncovered(words: list[str], mentions: Iterable[_Mention]) -> list[str]:
    taken = {i for mention in mentions for i in range(mention.start, mention.end)}
    return [word for i, word in enumerate(words) if i not in taken]


def parse_quantity(text: str) -> int | None:
    """The answer to "how many?": "2", «دوتا», "se ta lotfan", "just two", "x2" → an int from 1 to 999.

    None unless the message names one count: a question, a phone number, a product code, a size
    («سایز ۴۰»), two different numbers or two different items are not an answer. A bare number
    ("two", «یه») counts only among politeness words, so «یه سوال دارم» is not 1; a number with a
    unit («دو تا مشکی») counts whatever surrounds it.
    """
    words = _words(text)
    if _is_question(text, words) or _NEGATIVE_NUMBER.search(normalize_text(text)):
        return None
    mentions = _mentions(words)
    stray_digits = any(char.isdigit() for word in _uncovered(words, mentions) for char in word)
    if stray_digits or any(m.slot == "code" for m in mentions):
        return None
    if any(len({m.value for m in mentions if m.slot == slot}) > 1 for slot in ("color", "size")):
        return None  # one count for two items
    numbers = [m for m in mentions if m.slot == "number"]
    if any(m.explicit for m in numbers):  # beside a count, a bare 34–56 is a size: «دو تا چهل و دو»
        numbers = [m for m in numbers if m.explicit or canonical_size(str(m.value)) is None]
    elif _cover(_uncovered(words, numbers), _SMALL_TALK) is None:
        return None  # a bare number among other words: «یه سوال دارم», "the black one"
    return _single(m.value for m in numbers)


def parse_color(text: str) -> str | None:
    """The colour key a message names: «مشکیشو», «رنگ سفید», "the black one", "meshkisho" → "black".

    Questions still count («مشکی دارید؟» picks black; the form checks the stock); None when no
    colour or two different ones are named ("مشکی یا سفید؟"); a refused one is left out («مشکی نه، سفید»).
    """
    return _single(m.value for m in _mentions(_words(text)) if m.slot == "color")


def parse_size(text: str) -> str | None:
    """The canonical size a message names: "L", «سایز ۳۸», «چهل و دو» → "42", «دو ایکس لارج» → "XXL".

    A number is a size when it is one (34–56) and has no unit ("2 تا" is a count); None when no
    size or two different ones are named.
    """
    mentions = _mentions(_words(text))
    sizes = [m.value for m in mentions if m.slot == "size"]
    sizes += [canonical_size(str(m.value)) for m in mentions if m.slot == "number" and not m.explicit]
    return _single(sizes)


def find_size(text: str) -> str | None:
    """A size a question names unmistakably: after a size word («سایز چهل و دو») or in a spelling
    that is only a size («دو ایکس لارج», "medium"). Outside the checkout a bare number may be a
    price or part of a code, and "L" alone is left to NLU."""
    return _single(m.value for m in _mentions(_words(text)) if m.slot == "size" and m.explicit)


def parse_yes_no(text: str) -> bool | None:
    """The answer to "shall I place the order?": «بله», «ثبت کن», "are dorose", "👍" → True; «نه», "nope" → False.

    None for anything more than yes or no and politeness: a question ("are you open?"), or a
    change («نه، سایز M», "yes but 2") that the checkout must read as a correction instead.
    """
    words = _words(text)
    said = None if _is_question(text, words) else _cover(words, _YES | _NO | _FILLERS)
    if said is None:
        return None
    yes = any(phrase in _YES for phrase in said) or any(emoji in text for emoji in vocabulary.YES_EMOJI)
    no = any(phrase in _NO for phrase in said) or any(emoji in text for emoji in vocabulary.NO_EMOJI)
    return yes if yes != no else None


def parse_postal_code(text: str) -> str | None:
    """Ten digits in any script, spaced or dashed, anywhere in the message → the ASCII digits;
    «ندارم», "no idea", "skip" → NO_POSTAL_CODE_VALUE (the postal code is optional); else None."""
    digit_runs = [re.sub(r"\D", "", run) for run in _DIGIT_RUN.findall(normalize_text(text))]
    codes = [run for run in digit_runs if len(run) == 10]
    if codes:
        return _single(codes)
    if fold(text) in vocabulary.NO_POSTAL_CODE:  # also "-" and "n/a", which have no words
        return NO_POSTAL_CODE_VALUE
    words = _words(text)
    says_none = _contains(words, _DONT_KNOW) and not _is_question(text, words)
    return NO_POSTAL_CODE_VALUE if says_none and not digit_runs and not find_corrections(text) else None


def parse_shipping_method(text: str, methods: Mapping[str, Iterable[str]]) -> str | None:
    """The key of the one shipping method named anywhere in the message, as whole words
    («با پیک بفرستید», «پستی», "by post please"); None when none or two different ones are named.

    ``methods`` maps each key to its names and spellings, as the shop's policy file lists them.
    """
    words = _words(text)
    named = [key for key, names in methods.items() if any(_names(words, tuple(_words(name))) for name in names)]
    return _single(named)


def _names(words: list[str], name: Phrase) -> bool:
    """``name`` appears in ``words``, its last word maybe with a colloquial ending («پستی»), and is not refused."""
    if not name:
        return False
    last = len(name) - 1
    for start in range(len(words) - last):
        window = words[start : start + len(name)]
        ending = window[last][len(name[last]) :] if window[last].startswith(name[last]) else None
        matches = tuple(window[:last]) == name[:last] and (ending == "" or ending in _ENDINGS)
        if matches and not _refused(words, start, start + len(name)):
            return True
    return False


def looks_like_name(text: str) -> bool:
    """A plausible recipient name: "مریم احمدی", "Sara Karimi", "علی".

    2–60 letters with spaces, no digits, no question, no greeting, yes/no or other shop talk,
    and no colour, size or quantity being corrected, so «سلام», "ok" or «نه، سایز M» never
    become the name on the parcel.
    """
    name = _EDGES.sub("", normalize_text(text))
    if not (2 <= len(name) <= 60 and _NAME.fullmatch(name)):
        return False
    words = _words(name)
    if _is_question(text, words) or any(_phrase_at(words, i, _NOT_NAME) for i in range(len(words))):
        return False
    return not find_corrections(text) and not is_cancellation(text)


_ARTICLE_NUMBERS = frozenset(fold(word) for word in vocabulary.ARTICLE_NUMBERS)
_NAME_FILLERS = frozenset(fold(word) for word in vocabulary.NAME_FILLER_WORDS) | frozenset(
    phrase[0] for phrase in _FILLERS | _YES if len(phrase) == 1
)
_CANCEL = _phrases(vocabulary.CANCEL_WORDS)


def parse_name(text: str) -> str | None:
    """The recipient's name out of how people give it: «اسمم مریم احمدی هست», "full name: Sara Karimi",
    "baraye elham jafari befrestin", "Yasaman Taheri please" → the name alone; None when what is
    left does not look like a name."""
    tokens = [_EDGES.sub("", token) for token in normalize_text(text).split()]
    tokens = [token for token in tokens if token]
    while tokens and fold(tokens[0]) in _NAME_FILLERS:
        tokens.pop(0)
    while tokens and fold(tokens[-1]) in _NAME_FILLERS:
        tokens.pop()
    name = " ".join(tokens)
    return name if tokens and looks_like_name(name) and not _is_question(text, _words(text)) else None


def is_cancellation(text: str) -> bool:
    """The customer calls the checkout off: «بیخیال، نمیخوام», "nemikham dige", "forget it"."""
    return _contains(_words(text), _CANCEL)


def looks_like_address(text: str) -> bool:
    """A plausible postal address: at least 10 characters and 3 words with some letters, not a
    question and not a correction, so "چرا انقدر طول میکشه؟" is not shipped to."""
    address = normalize_text(text)
    if len(address) < 10 or len(address.split()) < 3 or not any(char.isalpha() for char in address):
        return False
    return not _is_question(text, _words(text)) and not find_corrections(text) and not is_cancellation(text)


def find_corrections(text: str) -> dict[str, Any]:
    """The item slots a message restates while another question is pending:
    «نه، سایز M» → {"size": "M"}, "actually make it 2" → {"quantity": 2}, «رنگش سفید باشه» → {"color": "white"}.

    Only explicit values count: any colour; a size after a size word or in an unmistakable
    spelling ("medium", «لارج», "xl"), never a bare digit; a number with a unit («سه تا») or a cue
    ("make it 2", «۲ کافیه», "just one"). Unless the message marks a change («نه», "actually") or
    names the slot («رنگش», "size"), only politeness may surround the values, so a name or an
    address with a colour in it ("Mehdi Meshki", «کوچه طلایی») is not a correction.
    Keys: "color", "size", "quantity".
    """
    return _read_corrections(_words(text))[0]


def is_correction(text: str) -> bool:
    """The message says it changes an earlier answer («ببخشید سه تا کافیه», "actually size L")
    and names what changes."""
    found, marked = _read_corrections(_words(text))
    return bool(found) and marked


def _read_corrections(words: list[str]) -> tuple[dict[str, Any], bool]:
    """(the slots restated, whether a correction marker is written outside the values)."""
    mentions = _mentions(words)
    cued = _contains(words, _QUANTITY_CUES)
    stated = [
        m
        for m in mentions
        if (m.slot in ("color", "size") and m.explicit and m.value) or (m.slot == "number" and (m.explicit or cued))
    ]
    others = _uncovered(words, mentions)
    marked = _contains(others, _MARKERS)
    if marked:  # «نه نه، سه», "sorry, 2": a marked bare count is the quantity ("I don't have one" is not)
        stated += [
            m
            for m in mentions
            if m.slot == "number"
            and not m.explicit
            and m.value <= _MARKED_COUNT_MAX
            and " ".join(words[m.start : m.end]) not in _ARTICLE_NUMBERS
        ]
    # A slot word may sit inside the value it names ("size 39").
    named = _contains(words, _SLOT_WORDS)
    if not (marked or named) and _cover(_uncovered(words, stated), _SMALL_TALK) is None:
        return {}, marked  # other words around a colour: a name or an address («کوچه طلایی»), not a correction
    found = {}
    for slot, key in (("color", "color"), ("size", "size"), ("number", "quantity")):
        value = _single(m.value for m in stated if m.slot == slot)
        if value is not None:
            found[key] = value
    return found, marked
