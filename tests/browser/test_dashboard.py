"""The owner's dashboard in a real browser, as the owner uses it on a phone and a desktop.

The dashboard runs on 127.0.0.1 over the seeded fortnight (tests/inventory_db/report_history.py),
with "now" fixed at 2 December 2026 15:30 in Tehran. Chromium logs in, reads Today's funnel
chart, marks Sara's order paid and ships Ali's with a tracking code, and the store is checked
afterwards. Screenshots at desktop and phone width go to results/browser/ for people to look at.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import orders, owner_accounts
from owner.web.app import init_app
from owner.web.pages import today as today_page
from tests import aiohttp_server
from tests.browser.cdp import Browser, Page
from tests.inventory_db import report_history
from tests.inventory_db.helpers import ROOT, run

pytestmark = pytest.mark.browser

PASSWORD = "kashan-yazd-1405"
SHOTS = ROOT / "results" / "browser"
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)  # 15:30 in Tehran, 1405/09/11


@pytest.fixture
async def dashboard_url(
    demo_store: sessionmaker, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    """The dashboard serving the seeded store on a free loopback port."""
    monkeypatch.delenv("SHOP_TIMEZONE", raising=False)
    monkeypatch.delenv("DASHBOARD_SECURE_COOKIES", raising=False)
    monkeypatch.setattr(today_page, "utcnow", lambda: NOW)
    report_history.seed(demo_store)
    run(demo_store, owner_accounts.set_password, PASSWORD)
    async with aiohttp_server.serve(init_app(database_url)) as base_url:
        yield base_url


def order_number(store: sessionmaker, customer_id: str) -> int:
    return next(o.number for o in run(store, orders.list_orders, customer_id=customer_id))


async def shoot(page: Page, name: str) -> None:
    """A full-page screenshot under results/browser/, for people to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = await page.screenshot(SHOTS / f"{name}.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


async def log_in(page: Page, base: str) -> None:
    assert await page.goto(f"{base}/") == 200  # redirected to the login form
    assert page.url.startswith(f"{base}/login")
    await page.fill("#password", PASSWORD)
    assert await page.submit("form[action='/login']") == 200
    assert page.url == f"{base}/"


async def test_the_owner_logs_in_reads_today_and_handles_two_orders(
    page: Page, dashboard_url: str, demo_store: sessionmaker
) -> None:
    await log_in(page, dashboard_url)
    assert await page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    bars = await page.evaluate(
        "[...document.querySelectorAll('svg.funnel g.bar')].map(g => [g.dataset.label, +g.dataset.value,"
        " g.querySelector('rect').getBBox().width])"
    )
    # Today (2 Dec) Sara asked, checked out and ordered; nobody paid.
    assert [label for label, _, _ in bars][:2] == ["پرسش از محصول", "شروع خرید"]
    assert [value for _, value, _ in bars] == [1] * 13 + [0]
    assert bars[0][2] > 100 and bars[-1][2] == 0  # drawn: a full bar for 1, none for 0
    heading = await page.text("h1")
    assert "۱۴۰۵/۰۹/۱۱" in heading
    await shoot(page, "today-desktop")

    sara, ali = order_number(demo_store, "ig-sara"), order_number(demo_store, "ig-ali")
    await page.goto(f"{dashboard_url}/orders/{sara}")
    assert "۶۸۰٬۰۰۰ تومان" in await page.text("body")
    assert await page.submit("#mark-paid") == 200
    assert await page.attribute("#status", "data-status") == "paid"

    await page.goto(f"{dashboard_url}/orders/{ali}")
    await page.fill("#ship input[name=tracking_code]", "۱۲۳۴۵۶۷۸۹۰۱۲")  # typed with a Persian keyboard
    assert await page.submit("#ship") == 200
    assert await page.attribute("#status", "data-status") == "shipped"
    await shoot(page, "order-desktop")

    assert run(demo_store, orders.get_order, sara).status == "paid"
    shipped = run(demo_store, orders.get_order, ali)
    assert shipped.status == "shipped" and shipped.history[-1].actor == "owner"
    assert shipped.tracking_code == "123456789012"  # kept in ASCII digits, as the carrier prints it
    logged = [(a.action, a.target) for a in run(demo_store, owner_accounts.recent_actions)]
    assert ("order.mark_paid", str(sara)) in logged and ("order.ship", str(ali)) in logged


async def test_the_dashboard_reads_on_a_phone(browser: Browser, dashboard_url: str) -> None:
    page = await browser.new_page(width=390, height=844, mobile=True, device_scale_factor=2)
    await log_in(page, dashboard_url)
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"Today is {overflow} px wider than a 390 px phone"
    await shoot(page, "today-phone")
    pages = (
        ("/orders", "orders"),
        ("/stock", "stock"),
        ("/stock/B-21/black/L", "variant"),
        ("/handoffs", "handoffs"),
        ("/catalog", "catalog"),
        ("/reports?from=1405/09/10&to=1405/09/16", "reports"),
    )
    for path, name in pages:
        assert await page.goto(f"{dashboard_url}{path}") == 200
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow} px wider than a 390 px phone"
        await shoot(page, f"{name}-phone")
    funnel = await page.evaluate("[...document.querySelectorAll('svg.funnel g.bar')].map(g => +g.dataset.value)")
    assert funnel == [step["conversations"] for step in report_history.THIS_WEEK["funnel"]]
    assert "۱٬۹۳۰٬۰۰۰ تومان" in await page.text("body")
