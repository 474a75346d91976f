"""*Today*: what needs the owner now, on one phone screen.

Orders awaiting payment with their latest receipt beside the order total, paid orders to
ship, customers waiting for a person, variants at or below their low-stock threshold, and
today's figures against yesterday's (``inventory_db.reports`` for one local day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup
from sqlalchemy.orm import Session

from inventory_db import handoffs, low_stock, order_states, order_views, payment_receipts, reports, settings
from inventory_db.models import utcnow
from owner import wording
from owner.web import charts, report_cache, store
from owner.web.templating import ZONE_KEY, language_of, render, word

SHOWN = 20  # orders per list; the Orders page has the rest


@dataclass(frozen=True)
class Today:
    awaiting: order_views.OrderPage
    receipts: dict[int, payment_receipts.ReceiptInfo]
    to_ship: order_views.OrderPage
    waiting: list[handoffs.WaitingCustomer]
    low: list[low_stock.VariantLevel]
    figures: reports.Report


def read_today(session: Session, zone: ZoneInfo, now: datetime, cache: report_cache.FiguresCache) -> Today:
    """Everything the page shows, read in one transaction so its parts agree."""
    awaiting = order_views.page(session, order_views.OrderFilter(status=order_states.AWAITING_PAYMENT), size=SHOWN)
    day = now.astimezone(zone).date()
    return Today(
        awaiting=awaiting,
        receipts=order_views.latest_receipts(session, (o.number for o in awaiting.orders)),
        to_ship=order_views.page(session, order_views.OrderFilter(status=order_states.PAID), size=SHOWN),
        waiting=handoffs.waiting_customers(session, now),
        low=low_stock.low_stock(session, now),
        figures=cache.report(session, reports.Period(day, day), zone, day),
    )


async def today(request: web.Request) -> web.Response:
    found = await store.run(request, read_today, request.app[ZONE_KEY], utcnow(), request.app[report_cache.CACHE_KEY])
    language = language_of(request)
    funnel = [charts.Bar(wording.step_name(s.step, language), s.conversations) for s in found.figures.current.funnel]
    chart = Markup(charts.bars(word("funnel", language), funnel, language, css_class="chart funnel"))
    return render(request, "today.html", here="today", today=found, funnel_chart=chart)


async def receipt_image(request: web.Request) -> web.StreamResponse:
    """A receipt's image, only from the store's receipts folder (a path in the database is not trusted)."""
    receipt = await store.run(request, payment_receipts.get_receipt, int(request.match_info["id"]))
    if receipt is None or not receipt.file_path:
        raise web.HTTPNotFound()
    folder = settings.receipts_dir().resolve()
    path = Path(receipt.file_path).resolve()
    if folder not in path.parents or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={"Cache-Control": "private, max-age=3600"})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", today)
    app.router.add_get(r"/receipts/{id:\d+}", receipt_image)
