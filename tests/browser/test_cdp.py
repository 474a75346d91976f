"""The browser harness itself, against a small right-to-left Persian page served on 127.0.0.1.

What the dashboard tests will lean on: Persian text laid out right to left with real glyphs, forms filled
with Persian text and posted, the server's cookie flags, screenshots at desktop and phone widths, and errors
that say what went wrong (a JS exception, a wait that timed out, chromium missing) instead of hanging.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from tests import aiohttp_server
from tests.browser.cdp import Browser, BrowserError, JavaScriptError, Page

pytestmark = pytest.mark.browser

HEADING = "سفارش‌های امروز ۱۲٬۵۰۰٬۰۰۰ تومان"  # with a zero-width non-joiner in سفارش‌های
PRODUCT = "شومیز SH-205 pink"

PAGE = f"""<!doctype html>
<html dir="rtl" lang="fa">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>داشبورد فروشگاه</title>
  <style>
    body {{ margin: 0; font-family: sans-serif; }}
    h1 {{ display: inline-block; margin: 8px; }}  /* as wide as its text, so its position means something */
  </style>
</head>
<body>
  <h1 id="today">{HEADING}</h1>
  <p id="product"><span id="name">شومیز</span> <span id="code">SH-205 pink</span></p>
  <a id="orders" href="/orders">سفارش‌ها</a>
  <form id="restock" method="post" action="/restock">
    <input name="sku" required>
    <input name="quantity" type="number" min="1">
    <select name="size"><option value="38">۳۸</option><option value="40">۴۰</option></select>
    <textarea name="note"></textarea>
    <button id="save">ثبت</button>
  </form>
  <div style="height: 1200px"></div>  <!-- taller than both viewports: a full-page screenshot must scroll -->
</body>
</html>"""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass
class FakeDashboard:
    """Serves PAGE and records what the browser sent: each request's headers, each form posted."""

    base_url: str = ""
    headers: list[dict[str, str]] = field(default_factory=list)
    posted: list[dict[str, str]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)  # lets /stalled.png answer at teardown

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self.index)
        app.router.add_post("/restock", self.restock)
        app.router.add_get("/saved", self.page("<p id='saved'>ذخیره شد</p>"))
        app.router.add_get("/orders", self.page("<h1 id='orders-title'>سفارش‌ها</h1>"))
        app.router.add_get("/stalled", self.page("<img src='/stalled.png'>"))
        app.router.add_get("/stalled.png", self.stalled)
        return app

    async def index(self, request: web.Request) -> web.Response:
        self.headers.append(dict(request.headers))
        response = web.Response(text=PAGE, content_type="text/html")
        response.set_cookie("owner_session", "s3cret", httponly=True, samesite="Strict", path="/")
        return response

    async def restock(self, request: web.Request) -> web.Response:
        self.posted.append({name: str(value) for name, value in (await request.post()).items()})
        raise web.HTTPSeeOther("/saved")  # post/redirect/get, as the dashboard will

    @staticmethod
    def page(body: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        html = f'<!doctype html><html dir="rtl" lang="fa"><meta charset="utf-8"><body>{body}</body></html>'

        async def handler(request: web.Request) -> web.Response:
            return web.Response(text=html, content_type="text/html")

        return handler

    async def stalled(self, request: web.Request) -> web.Response:
        await self.release.wait()
        return web.Response(status=404)


@pytest.fixture
async def shop() -> AsyncIterator[FakeDashboard]:
    dashboard = FakeDashboard()
    runner, dashboard.base_url = await aiohttp_server.start(dashboard.app())
    yield dashboard
    dashboard.release.set()
    await runner.cleanup()


async def test_persian_page_is_laid_out_right_to_left(page: Page, shop: FakeDashboard) -> None:
    assert await page.goto(shop.base_url + "/") == 200
    assert shop.headers[0]["Accept-Language"].startswith("fa-IR")

    assert await page.attribute("html", "lang") == "fa"
    assert await page.evaluate("getComputedStyle(document.getElementById('product')).direction") == "rtl"
    assert await page.text("#today") == HEADING
    assert await page.text("#product") == PRODUCT

    viewport = await page.evaluate("document.documentElement.clientWidth")
    heading = await page.evaluate("document.getElementById('today').getBoundingClientRect().toJSON()")
    assert viewport == 1280
    assert viewport - 16 <= heading["right"] <= viewport, heading  # its 8 px margin from the right edge
    assert heading["left"] > viewport / 2, heading

    # Bidi: in a right-to-left paragraph the Persian word comes first, so it sits to the right of the Latin code.
    name = await page.evaluate("document.getElementById('name').getBoundingClientRect().left")
    code = await page.evaluate("document.getElementById('code').getBoundingClientRect().right")
    assert name > code


async def test_persian_letters_have_glyphs(page: Page, shop: FakeDashboard) -> None:
    """Without a font covering Persian every letter is the same missing-glyph box; alef is narrow, seen wide."""
    await page.goto(shop.base_url + "/")
    widths = await page.evaluate(
        """(() => {
            const context = document.createElement("canvas").getContext("2d");
            context.font = "32px sans-serif";
            return Object.fromEntries(["ا", "س", "۱", "\\u{10FFFD}"].map(c => [c, context.measureText(c).width]));
        })()"""
    )
    assert widths["ا"] < widths["س"], f"Persian renders as boxes, install a font with Persian glyphs: {widths}"
    assert widths["۱"] != widths["\U0010fffd"], widths


async def test_form_is_filled_and_posted(page: Page, shop: FakeDashboard) -> None:
    await page.goto(shop.base_url + "/")
    with pytest.raises(JavaScriptError, match="field sku is invalid"):
        await page.submit("#restock")  # required and empty: the browser would refuse it too
    assert shop.posted == []

    await page.fill("[name=sku]", "placeholder")
    await page.fill("[name=sku]", "SH-205")  # replaces, not appends
    await page.fill("[name=quantity]", "12")
    await page.fill("[name=size]", "40")
    await page.fill("[name=note]", "صورتی، سایز ۴۰ برای خانم رضایی")
    assert await page.evaluate("document.querySelector('[name=sku]').value") == "SH-205"

    assert await page.submit("#restock") == 200
    assert shop.posted == [{"sku": "SH-205", "quantity": "12", "size": "40", "note": "صورتی، سایز ۴۰ برای خانم رضایی"}]
    assert page.url == shop.base_url + "/saved"
    assert await page.text("#saved") == "ذخیره شد"


async def test_click_follows_a_link(page: Page, shop: FakeDashboard) -> None:
    await page.goto(shop.base_url + "/")
    assert await page.click_and_wait_for_navigation("#orders") == 200
    assert page.url == shop.base_url + "/orders"
    assert await page.text("#orders-title") == "سفارش‌ها"


async def test_server_cookie_flags_are_visible(page: Page, shop: FakeDashboard) -> None:
    await page.goto(shop.base_url + "/")
    cookies = {cookie["name"]: cookie for cookie in await page.cookies()}
    assert cookies["owner_session"]["value"] == "s3cret"
    assert cookies["owner_session"]["httpOnly"] is True
    assert cookies["owner_session"]["sameSite"] == "Strict"
    assert "owner_session" not in await page.evaluate("document.cookie")  # HttpOnly: scripts cannot read it


async def test_pages_have_their_own_cookies(browser: Browser, shop: FakeDashboard) -> None:
    """Each page is a separate browser context: one signed-in owner does not sign in the next page."""
    first, second = await browser.new_page(), await browser.new_page()
    await first.goto(shop.base_url + "/")
    await second.goto(shop.base_url + "/orders")
    assert [cookie["name"] for cookie in await first.cookies()] == ["owner_session"]
    assert await second.cookies() == []


@pytest.mark.parametrize(
    ("name", "width", "height", "mobile", "scale"),
    [("desktop", 1280, 800, False, 1), ("phone", 390, 844, True, 3)],
)
async def test_screenshots_at_desktop_and_phone_widths(
    browser: Browser,
    shop: FakeDashboard,
    tmp_path: Path,
    name: str,
    width: int,
    height: int,
    mobile: bool,
    scale: int,
) -> None:
    page = await browser.new_page(width=width, height=height, mobile=mobile, device_scale_factor=scale)
    await page.goto(shop.base_url + "/")
    assert await page.evaluate("[innerWidth, innerHeight, devicePixelRatio]") == [width, height, scale]
    heading = await page.evaluate("document.getElementById('today').getBoundingClientRect().toJSON()")
    assert width - 16 <= heading["right"] <= width, heading  # still right-aligned, wrapped on the phone

    path = await page.screenshot(tmp_path / f"{name}.png")
    png = path.read_bytes()
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    png_width, png_height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    page_height = await page.evaluate("document.documentElement.scrollHeight")
    assert page_height > height
    assert (png_width, png_height) == (width * scale, page_height * scale)  # the whole page, in device pixels

    viewport_only = await page.screenshot(tmp_path / f"{name}-viewport.png", full_page=False)
    assert viewport_only.read_bytes()[16:24] == (width * scale).to_bytes(4, "big") + (height * scale).to_bytes(4, "big")


async def test_evaluate_returns_values_and_raises_the_js_exception(page: Page) -> None:
    assert await page.evaluate("1 + 1") == 2
    assert await page.evaluate("({size: '۳۸', colours: ['صورتی']})") == {"size": "۳۸", "colours": ["صورتی"]}
    assert await page.evaluate("undefined") is None
    assert await page.evaluate("new Promise(resolve => setTimeout(() => resolve('later'), 10))") == "later"

    with pytest.raises(JavaScriptError, match="Error: stock for SH-205 is negative"):
        await page.evaluate("throw new Error('stock for SH-205 is negative')")
    with pytest.raises(JavaScriptError, match="TypeError: .*reading 'price'"):
        await page.evaluate("Promise.resolve().then(() => undefined.price)")
    with pytest.raises(JavaScriptError, match="no element matches #missing"):
        await page.text("#missing")


async def test_dialogs_are_accepted_and_recorded(page: Page) -> None:
    """A confirm() left unanswered would stop the page and every later call until its timeout."""
    assert await page.evaluate("confirm('سفارش لغو شود؟')") is True
    await page.evaluate("alert('لغو شد')")
    assert page.dialogs == ["سفارش لغو شود؟", "لغو شد"]


async def test_waits_end_with_a_clear_error(page: Page, shop: FakeDashboard) -> None:
    with pytest.raises(BrowserError, match=r"no load event after opening .*/stalled within 0.5 s") as error:
        await page.goto(shop.base_url + "/stalled", timeout=0.5)  # an image that never arrives
    assert "chromium stderr" in str(error.value)

    with pytest.raises(BrowserError, match=r"nothing matched '#never' within 0.2 s"):
        await page.wait_for("#never", timeout=0.2)

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(BrowserError, match="ERR_CONNECTION_REFUSED"):
        await page.goto(f"http://127.0.0.1:{port}/")


async def test_missing_chromium_is_an_error_not_a_skip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CHROMIUM", raising=False)
    with pytest.raises(BrowserError, match="apt-get install chromium"):
        async with Browser.launch():
            pass


def live_processes_in_group(group: int) -> list[int]:
    """Processes of process group ``group`` that are not zombies (a zombie waits on its parent, not on us)."""
    live = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        if fields[0] != "Z" and int(fields[2]) == group:
            live.append(int(stat.parent.name))
    return live


async def test_chromium_and_its_profile_are_gone_after_a_failing_test() -> None:
    with pytest.raises(RuntimeError, match="the test failed"):
        async with Browser.launch() as browser:
            await browser.new_page()
            pid, workdir = browser.process.pid, browser.workdir
            assert live_processes_in_group(pid)
            raise RuntimeError("the test failed")
    assert browser.process.returncode is not None
    assert live_processes_in_group(pid) == []
    assert not workdir.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
