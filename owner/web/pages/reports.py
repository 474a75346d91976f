"""*Reports*: ``shopctl report``'s figures for a chosen period, the period before beside each,
as charts and tables; and the trainers' worksheet of messages the assistant did not understand.

The figures are ``inventory_db.reports``' (``docs/reports.md`` defines each); this page only
draws them. Dates are typed as in ``shopctl report`` (Jalali or Gregorian, ``owner.periods``).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from aiohttp import web
from markupsafe import Markup
from sqlalchemy.orm import Session

from inventory_db import reports
from nlu_inbox import DEFAULT_THRESHOLD, export, inbox, tracker_events
from owner import wording
from owner.periods import BadPeriod, period_of
from owner.web import charts, report_cache, store
from owner.web.templating import ZONE_KEY, day_text, language_of, render, word
from shoplang.language import Language


def _charts(found: reports.Report, days: list[reports.DayFigures], language: Language) -> dict[str, Markup]:
    """The page's SVG charts: the funnel, orders per day and revenue per day."""
    funnel = [charts.Bar(wording.step_name(s.step, language), s.conversations) for s in found.current.funnel]
    orders = [charts.Bar(day_text(d.day, language, short=True), d.orders_placed) for d in days]
    revenue = [charts.Bar(day_text(d.day, language, short=True), d.revenue_placed) for d in days]
    return {
        "funnel_chart": Markup(charts.bars(word("funnel", language), funnel, language, "chart funnel")),
        "orders_chart": Markup(charts.columns(word("daily_orders", language), orders, language, "chart daily-orders")),
        "revenue_chart": Markup(
            charts.columns(word("daily_revenue", language), revenue, language, "chart daily-revenue")
        ),
    }


async def report_page(request: web.Request) -> web.Response:
    zone = request.app[ZONE_KEY]
    language = language_of(request)
    query = dict(request.query)
    try:
        period = period_of(query.get("from") or None, query.get("to") or None, datetime.now(zone).date())
    except BadPeriod as bad:
        error = f"{word('bad_filter', language)} {bad}"
        return render(request, "reports.html", status=400, here="reports", error=error, query=query, found=None)

    cache, today = request.app[report_cache.CACHE_KEY], datetime.now(zone).date()

    def read(session: Session) -> tuple[reports.Report, list[reports.DayFigures]]:
        return cache.report(session, period, zone, today), reports.daily(session, period, zone)

    found, days = await store.run(request, read)
    return render(
        request, "reports.html", here="reports", query=query, found=found, days=days, **_charts(found, days, language)
    )


async def unrecognised_worksheet(request: web.Request) -> web.Response:
    """``shopctl nlu inbox --export`` for the period's days: NLU YAML for a trainer to annotate."""
    zone = request.app[ZONE_KEY]
    try:
        period = period_of(
            request.query.get("from") or None, request.query.get("to") or None, datetime.now(zone).date()
        )
    except BadPeriod as bad:
        raise web.HTTPBadRequest(text=str(bad)) from None
    since = period.utc_bounds(zone)[0]

    def worksheet() -> str:
        url = tracker_events.tracker_url_from_endpoints()
        entries = inbox.build_inbox(tracker_events.read_user_messages(url, since), DEFAULT_THRESHOLD)
        return export.render(entries, "the assistant's conversations", f"{since:%Y-%m-%d %H:%M} UTC")

    try:
        text = await asyncio.to_thread(worksheet)
    except (OSError, ValueError) as failed:
        raise web.HTTPServiceUnavailable(text=f"the conversations could not be read: {failed}") from None
    disposition = f'attachment; filename="nlu-inbox-{period.first_day}-{period.last_day}.yml"'
    return web.Response(
        text=text, content_type="text/yaml", charset="utf-8", headers={"Content-Disposition": disposition}
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/reports", report_page)
    app.router.add_get("/reports/nlu-inbox.yml", unrecognised_worksheet)
