"""Which language to answer in.

Persian script and Finglish (Persian written in Latin letters) are answered in
Persian; English is answered in English. The language belongs to the conversation:
the first message with any signal sets it, and later only a message that is clearly
in the other language switches it, so a Finglish customer's "ok", "are" or "2 ta"
never turns the checkout English, and a customer who writes a whole English sentence
is followed.
"""

from __future__ import annotations

import re
from typing import Literal

from shoplang import vocabulary
from shoplang.normalize import fold

Language = Literal["fa", "en"]

_PERSIAN_WORD = re.compile("[\u0600-\u06ff]{2,}")
_PERSIAN_LETTER = re.compile("[\u0600-\u06ff]")
_LATIN_LETTER = re.compile("[A-Za-z]")
_WORD = re.compile(r"[a-z]+")
# Evidence needed to leave the conversation's language: two Persian-script words, or a
# sentence of three Latin words or more with two marker words of the other language and
# clearly fewer of this one's ("do" is both).
_SWITCH_EVIDENCE = 2
_SENTENCE_WORDS = 3
_SHORT_MESSAGE_WORDS = 4


# The English names of colours and product types are English words too ("blue", "hoodie").
_ENGLISH = (
    vocabulary.ENGLISH_MARKERS
    | {fold(term.en) for term in (*vocabulary.COLORS, *vocabulary.PRODUCT_TYPES) if " " not in term.en}
    - vocabulary.FINGLISH_MARKERS
)


def _marker_counts(text: str) -> tuple[int, int]:
    """(Finglish markers, English markers) among the Latin words of ``text``."""
    words = _WORD.findall(fold(text))
    finglish = sum(word in vocabulary.FINGLISH_MARKERS for word in words)
    english = sum(word in _ENGLISH for word in words)
    return finglish, english


def detect_language(text: str, default: Language = "fa") -> Language:
    """ "fa" for Persian script or Finglish, "en" for English, ``default`` when unclear."""
    persian = len(_PERSIAN_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if persian == 0 and latin == 0:
        return default
    if persian >= latin:
        return "fa"
    finglish, english = _marker_counts(text)
    if finglish > english:
        return "fa"
    # One English word in a long Latin message ("... size si o hasht tamum nashode?") is not English;
    # in a short one ("Leather loafers available?") it is.
    short = len(_WORD.findall(fold(text))) <= _SHORT_MESSAGE_WORDS
    if english > finglish and (english >= _SWITCH_EVIDENCE or short):
        return "en"
    return default


def follow_language(text: str, current: Language | None) -> Language:
    """The conversation's language after this message.

    With no language yet, any signal decides (``detect_language``). Afterwards short or
    mixed replies keep ``current``; only a message clearly in the other language moves it.
    """
    if current is None:
        return detect_language(text)
    if len(_PERSIAN_WORD.findall(text)) >= _SWITCH_EVIDENCE:
        return "fa"
    finglish, english = _marker_counts(text)
    if len(_WORD.findall(fold(text))) < _SENTENCE_WORDS:
        return current
    if current == "fa" and english >= _SWITCH_EVIDENCE and english > 2 * finglish:
        return "en"
    if current == "en" and finglish >= _SWITCH_EVIDENCE and finglish > english:
        return "fa"
    return current
