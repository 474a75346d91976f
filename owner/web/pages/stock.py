"""*Stock*: every variant with units on hand, held, in orders and available beside its low-stock
threshold (``low_stock.all_levels``: two queries however big the catalog), filtered by code or
name; and one variant's page: the owner's shelf count (``stock.set_stock``, as ``shopctl stock
set``), its threshold (``low_stock.set_low_stock_threshold``, as ``shopctl stock threshold``) and
its movements, newest first. Each change is recorded in the owner's action log in the same
transaction; a number that is not a whole number from 0 is a 400 and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.orm import Session

from inventory_db import low_stock, owner_accounts, stock
from inventory_db.errors import StockCommitted, StoreError, TooLong, UnknownProduct, UnknownVariant
from inventory_db.models import utcnow
from owner.web import store
from owner.web.templating import language_of, render, word
from shoplang.formatting import format_number
from shoplang.language import Language
from shoplang.normalize import canonical_product_code, fold, parse_whole_number

ACTOR = "owner"
MAX_UNITS = 1_000_000  # a typo, not a shelf: and PostgreSQL's integer ends at 2**31
HISTORY_SHOWN = 50
Key = tuple[str, str, str]


def whole_number(text: str) -> int | None:
    """The owner's typed number, Persian digits too ("۵"); None unless a whole number from 0 to MAX_UNITS."""
    number = parse_whole_number(text)
    return number if number is not None and number <= MAX_UNITS else None


def matches(level: low_stock.VariantLevel, text: str) -> bool:
    """Whether the filter ``text`` names this variant's product: its code however written
    ("b21", "B-21", "B-۲۱") or part of its Persian or English name."""
    if canonical_product_code(text) == level.code:
        return True
    needle = fold(text)
    squeezed = needle.replace("-", "").replace(" ", "")
    return (
        (bool(squeezed) and squeezed in level.code.lower().replace("-", ""))
        or needle in fold(level.name_fa)
        or needle in fold(level.name_en)
    )


async def stock_list(request: web.Request) -> web.Response:
    text = request.query.get("q", "").strip()
    levels = await store.run(request, low_stock.all_levels, utcnow())
    shown = [level for level in levels if matches(level, text)] if text else levels
    return render(request, "stock.html", here="stock", levels=shown, q=text, total=len(levels))


@dataclass(frozen=True)
class VariantPage:
    level: low_stock.VariantLevel
    movements: list[stock.Movement]  # newest first


def read_variant(session: Session, key: Key, now: datetime) -> VariantPage | None:
    """The variant's numbers and its last movements; None when there is no such variant."""
    try:
        variant = stock.find_variant(session, *key)
        level = low_stock.variant_level(session, *key, now)
    except (UnknownProduct, UnknownVariant):
        return None
    return VariantPage(level, stock.variant_history(session, variant.id, HISTORY_SHOWN))


def _key(request: web.Request) -> Key:
    info = request.match_info
    return info["code"], info["color"], info["size"]


def _url(level: low_stock.VariantLevel | stock.StockLevel | low_stock.VariantThreshold) -> str:
    return "/stock/" + "/".join(quote(part, safe="") for part in (level.code, level.color, level.size))


async def _show(request: web.Request, status: int = 200, **extra: Any) -> web.Response:
    found = await store.run(request, read_variant, _key(request), utcnow())
    if found is None:
        raise web.HTTPNotFound(text=word("not_found", language_of(request)))
    return render(request, "variant.html", status=status, here="stock", page=found, url=_url(found.level), **extra)


async def variant_page(request: web.Request) -> web.Response:
    done = request.query.get("done")
    return await _show(request, flash=word("done", language_of(request)) if done else "")


def _refusal(error: StoreError, language: Language) -> str:
    if isinstance(error, StockCommitted):
        numbers = {"on_hand": error.on_hand, "committed": error.committed}
        return word("stock_committed", language).format(**{k: format_number(v, language) for k, v in numbers.items()})
    return f"{word('nothing_changed', language)} {error}"


async def count_stock(request: web.Request) -> web.Response:
    """The owner counted the shelf: units on hand become that number, with the reason as the
    movement's note. Refused (409) below what holds and open orders already need."""
    form = await request.post()
    language = language_of(request)
    quantity = whole_number(str(form.get("quantity", "")))
    reason = " ".join(str(form.get("reason", "")).split())
    typed = {"quantity": str(form.get("quantity", "")), "reason": reason}
    if quantity is None:
        return await _show(request, status=400, error=word("bad_quantity", language), typed=typed)
    if not reason:
        return await _show(request, status=400, error=word("reason_required", language), typed=typed)

    def work(session: Session) -> stock.StockLevel:
        level = stock.set_stock(session, *_key(request), quantity, ACTOR, note=reason, now=utcnow())
        target = f"{level.code}/{level.color}/{level.size}"
        owner_accounts.record_action(
            session, "stock.set", target, actor=ACTOR, detail=f"quantity={quantity} reason={reason}"
        )
        return level

    try:
        level = await store.run(request, work)
    except (UnknownProduct, UnknownVariant):
        raise web.HTTPNotFound(text=word("not_found", language)) from None
    except TooLong:
        return await _show(request, status=400, error=word("reason_too_long", language), typed=typed)
    except StoreError as refused:
        return await _show(request, status=409, error=_refusal(refused, language), typed=typed)
    raise web.HTTPSeeOther(f"{_url(level)}?done=count")


async def set_threshold(request: web.Request) -> web.Response:
    """The variant's own low-stock threshold, or (the "default" button) the shop's again."""
    form = await request.post()
    language = language_of(request)
    threshold: int | None = None
    if "default" not in form:
        threshold = whole_number(str(form.get("threshold", "")))
        if threshold is None:
            typed = {"threshold": str(form.get("threshold", ""))}
            return await _show(request, status=400, error=word("bad_threshold", language), typed=typed)

    def work(session: Session) -> low_stock.VariantThreshold:
        found = low_stock.set_low_stock_threshold(session, *_key(request), threshold)
        target = f"{found.code}/{found.color}/{found.size}"
        detail = "threshold=default" if threshold is None else f"threshold={threshold}"
        owner_accounts.record_action(session, "stock.threshold", target, actor=ACTOR, detail=detail)
        return found

    try:
        found = await store.run(request, work)
    except (UnknownProduct, UnknownVariant):
        raise web.HTTPNotFound(text=word("not_found", language)) from None
    except StoreError as refused:
        return await _show(request, status=409, error=_refusal(refused, language))
    raise web.HTTPSeeOther(f"{_url(found)}?done=threshold")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/stock", stock_list)
    app.router.add_get("/stock/{code}/{color}/{size}", variant_page)
    app.router.add_post("/stock/{code}/{color}/{size}/count", count_stock)
    app.router.add_post("/stock/{code}/{color}/{size}/threshold", set_threshold)
