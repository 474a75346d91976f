"""Iranian mobile numbers as customers type them, stored one way: +989XXXXXXXXX."""

from __future__ import annotations

import re

from shoplang.normalize import to_ascii_digits

_SEPARATORS = re.compile(r"[\s\-‐‑–—().\u200c\u200e\u200f]")
_MOBILE = re.compile(r"^(?:\+98|0098|98|0)?(9\d{9})$")
_IN_TEXT = re.compile(r"(?:\+|00)?[\d۰-۹٠-٩][\d۰-۹٠-٩\s\-().]{8,16}[\d۰-۹٠-٩]")


def normalize_mobile(text: str) -> str | None:
    """ "0912 345 6789", "+98 912-345-6789", "۰۰۹۸۹۱۲۳۴۵۶۷۸۹" → "+989123456789"; None otherwise."""
    compact = _SEPARATORS.sub("", to_ascii_digits(text.strip()))
    match = _MOBILE.match(compact)
    return f"+98{match.group(1)}" if match else None


def find_mobile(text: str) -> str | None:
    """The first Iranian mobile number written anywhere in a message, normalised."""
    for candidate in _IN_TEXT.findall(text):
        number = normalize_mobile(candidate)
        if number:
            return number
    return None
