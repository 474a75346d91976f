"""Which language to answer in.

Persian script and Finglish (Persian written in Latin letters) are answered in
Persian; English is answered in English. The decision is made per message, so a
customer who switches language gets answers in the new one.
"""

from __future__ import annotations

import re
from typing import Literal

from shoplang import vocabulary
from shoplang.normalize import fold

Language = Literal["fa", "en"]

_PERSIAN_LETTER = re.compile("[\u0600-\u06ff]")
_LATIN_LETTER = re.compile("[A-Za-z]")
_WORD = re.compile(r"[a-z]+")


def detect_language(text: str, default: Language = "fa") -> Language:
    """"fa" for Persian script or Finglish, "en" for English, ``default`` when unclear."""
    persian = len(_PERSIAN_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if persian == 0 and latin == 0:
        return default
    if persian >= latin:
        return "fa"
    words = _WORD.findall(fold(text))
    finglish = sum(word in vocabulary.FINGLISH_MARKERS for word in words)
    english = sum(word in vocabulary.ENGLISH_MARKERS for word in words)
    if finglish > english:
        return "fa"
    if english > finglish:
        return "en"
    return default
