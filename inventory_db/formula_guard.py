"""Spreadsheet formula injection: text a spreadsheet would run as a formula, made inert.

A text cell starting with = + - @, a tab or a carriage return is written with a leading '
so Excel or LibreOffice shows it instead of running it (OWASP's "CSV injection"). A cell
that already starts with quotes before such a character gets one more, so ``unguard`` gives
every text back exactly as it was. Numbers are never touched: a negative amount stays a
number. The catalog export and the owner's exports (orders, report) all write through it.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def guard(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula, with a ' in front; anything else as it is."""
    if isinstance(cell, str) and cell.lstrip(GUARD).startswith(FORMULA_START):
        return GUARD + cell
    return cell


def unguard(cell: str) -> str:
    """The text ``guard`` guarded, without its guard."""
    return cell[1:] if cell.startswith(GUARD) and cell.lstrip(GUARD).startswith(FORMULA_START) else cell
