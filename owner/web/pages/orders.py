"""*Orders*: the list, filtered by status, source and days, a page at a time; one order with its
items, customer, history and receipts; and the owner's steps on it (paid, shipped, delivered,
cancelled), each a POST through the same store services as ``shopctl orders``, recorded in
the owner's action log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.orm import Session

from inventory_db import order_states, order_views, orders, owner_accounts, payment_receipts
from inventory_db.errors import StoreError
from inventory_db.models import utcnow
from inventory_db.reports import Period
from owner.periods import BadPeriod, parse_date
from owner.web import store
from owner.web.templating import ZONE_KEY, language_of, render, word
from owner.wording import SOURCES

ACTOR = "owner"


def _filter(query: dict[str, str], zone: ZoneInfo) -> order_views.OrderFilter:
    """The list's filter from the query string; a bad value is the owner's error, not a 500."""
    status = query.get("status") or None
    if status is not None and status not in order_states.STATUSES:
        raise BadPeriod(f"unknown status '{status}'")
    source = query.get("source") or None
    if source is not None and source not in SOURCES:
        raise BadPeriod(f"unknown source '{source}'")
    placed_from = placed_before = None
    if query.get("from"):
        day = parse_date(query["from"])
        placed_from = Period(day, day).utc_bounds(zone)[0]
    if query.get("to"):
        day = parse_date(query["to"])
        placed_before = Period(day, day).utc_bounds(zone)[1]
    return order_views.OrderFilter(status, source, placed_from, placed_before)


async def order_list(request: web.Request) -> web.Response:
    query = dict(request.query)
    shown = {"here": "orders", "query": query, "statuses": order_states.STATUSES, "sources": SOURCES}
    try:
        where = _filter(query, request.app[ZONE_KEY])
    except BadPeriod as bad:
        error = f"{word('bad_filter', language_of(request))} {bad}"
        return render(
            request, "orders.html", status=400, error=error, found=None, older_url="", first_page_url="", **shown
        )
    before = int(query["before"]) if query.get("before", "").isdigit() else None
    found = await store.run(request, order_views.page, where, before)
    kept = {k: v for k, v in query.items() if k != "before" and v}
    older = f"/orders?{urlencode({**kept, 'before': found.older_than})}" if found.older_than else ""
    first_page = f"/orders?{urlencode(kept)}" if before is not None else ""
    return render(request, "orders.html", found=found, older_url=older, first_page_url=first_page, **shown)


def _read_order(session: Session, number: int) -> tuple[orders.OrderInfo, list[payment_receipts.ReceiptInfo]] | None:
    try:
        order = orders.get_order(session, number)
    except StoreError:
        return None
    return order, payment_receipts.receipts_for(session, number)


async def _show(request: web.Request, number: int, status: int = 200, **extra: Any) -> web.Response:
    found = await store.run(request, _read_order, number)
    if found is None:
        raise web.HTTPNotFound(text=word("not_found", language_of(request)))
    order, receipts = found
    return render(request, "order.html", status=status, here="orders", order=order, receipts=receipts, **extra)


async def order_page(request: web.Request) -> web.Response:
    done = request.query.get("done")
    return await _show(
        request, int(request.match_info["number"]), flash=word("done", language_of(request)) if done else ""
    )


def _step(action: str, service: Callable[..., orders.OrderInfo], **fields: str) -> Callable[[web.Request], Any]:
    """A POST handler for one of the owner's steps on an order: the service and the audit row
    in one transaction; a step the order cannot take is shown on the order's page as a 409."""

    async def handler(request: web.Request) -> web.Response:
        number = int(request.match_info["number"])
        form = await request.post()
        values = {name: str(form.get(field, "")).strip() for name, field in fields.items()}

        def work(session: Session) -> orders.OrderInfo:
            order = service(session, number, actor=ACTOR, now=utcnow(), **values)
            detail = " ".join(f"{k}={v}" for k, v in values.items()) or None
            owner_accounts.record_action(session, f"order.{action}", str(number), actor=ACTOR, detail=detail)
            return order

        try:
            await store.run(request, work)
        except StoreError as refused:
            return await _show(request, number, status=409, error=str(refused))
        raise web.HTTPSeeOther(f"/orders/{number}?done={action}")

    return handler


def add_routes(app: web.Application) -> None:
    app.router.add_get("/orders", order_list)
    app.router.add_get(r"/orders/{number:\d+}", order_page)
    app.router.add_post(r"/orders/{number:\d+}/paid", _step("mark_paid", orders.mark_paid))
    app.router.add_post(r"/orders/{number:\d+}/ship", _step("ship", orders.ship, tracking_code="tracking_code"))
    app.router.add_post(r"/orders/{number:\d+}/deliver", _step("deliver", orders.deliver))
    app.router.add_post(r"/orders/{number:\d+}/cancel", _step("cancel", orders.cancel_order))
