"""What every command group shares: the one-line failure, the store, and the owner's typing.

Numbers may come in Persian digits ("۵"), colours and sizes in Persian, Finglish or
English ("مشکی", "meshki", "black"; "لارج", "L").
"""

from __future__ import annotations

import argparse

from sqlalchemy.orm import sessionmaker

from inventory_db.database import make_engine, make_session_factory
from shoplang.normalize import canonical_color, canonical_size, parse_whole_number


class CliError(Exception):
    """A failure to report to the owner in one line."""


def session_factory() -> sessionmaker:
    """The store in ``DATABASE_URL``; each command builds it when it runs, never at import."""
    return make_session_factory(make_engine())


def whole(text: str, what: str, signed: bool = False) -> int:
    number = parse_whole_number(text, signed)
    if number is None:
        raise CliError(f"{what} '{text}' is not a whole number")
    return number


def variant_args(args: argparse.Namespace) -> tuple[str, str, str]:
    color = canonical_color(args.color)
    if color is None:
        raise CliError(f"unknown colour '{args.color}'")
    size = canonical_size(args.size)
    if size is None:
        raise CliError(f"unknown size '{args.size}'")
    return args.code, color, size
