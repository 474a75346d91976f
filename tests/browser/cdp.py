"""Headless Chromium over the Chrome DevTools Protocol, for browser tests of the owner's dashboard.

Why not Selenium or Playwright: neither is locked, and the dashboard tests need little (open a page, fill
and submit forms, read text and layout, take screenshots), which CDP over aiohttp's websocket client (already
a dependency) gives in one module. One websocket to the browser carries every page as a flattened session;
commands are matched to their responses by id and events are handed to whoever waits for them. Every wait
has a timeout, and every failure says what was awaited and ends with chromium's own stderr.

    async with Browser.launch(width=1280, height=800) as browser:
        page = await browser.new_page()
        await page.goto(url)
        await page.fill("input[name=sku]", "SH-205")
        await page.submit("form#restock")
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import aiohttp

DEFAULT_TIMEOUT = 15.0

# Debian's /usr/bin/chromium wrapper adds its own defaults (and execs, so its pid is the browser's).
FLAGS = (
    "--headless=new",
    "--no-sandbox",  # as root (CI containers) chromium refuses to start with its sandbox
    "--disable-gpu",
    # Docker's /dev/shm is 64 MB, too small for renderers; the wrapper's own check for this breaks
    # when findmnt prints two lines ("[: ...: unexpected operator" on stderr) and adds nothing.
    "--disable-dev-shm-usage",
    "--disable-background-networking",  # no component or safe-browsing downloads during tests
    "--remote-debugging-port=0",  # any free port; chromium writes it to DevToolsActivePort
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    # Layout and screenshots independent of page height: a classic scrollbar takes 15 px (on the left in a
    # right-to-left page), and desktop screenshots would be 15 px narrower than the viewport.
    "--hide-scrollbars",
    # The shop owner's browser is Persian. On Linux --lang alone changes nothing a page sees (chromium takes
    # its UI language from the environment); --accept-lang sets Accept-Language and navigator.languages.
    "--lang=fa-IR",
    "--accept-lang=fa-IR,fa,en",
)


class BrowserError(RuntimeError):
    """Chromium is missing, crashed, refused a command, or did not answer in time."""


class JavaScriptError(BrowserError):
    """Script run in the page threw (or its promise rejected); the message is the exception's text."""


def find_chromium() -> str:
    """$CHROMIUM, else ``chromium`` on PATH; never a skip, because a skipped browser test passes nothing."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        raise BrowserError(
            "chromium not found on PATH (or $CHROMIUM): the browser tests need it; "
            "install it with `apt-get install chromium` (Debian), as .ci/run does"
        )
    return path


class _Connection:
    """The browser's websocket: commands matched to responses by id, events handed to waiters."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, stderr: Callable[[], str]) -> None:
        self._ws = ws
        self._stderr = stderr
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._waiters: list[tuple[str, str | None, Callable[[dict], bool], asyncio.Future[dict[str, Any]]]] = []
        self._handlers: dict[str, Callable[[str, dict], None]] = {}  # session id → the page's event handler
        self._closed: BrowserError | None = None
        self._reader = asyncio.create_task(self._read())

    def error(self, message: str) -> BrowserError:
        """``message`` followed by the end of chromium's stderr, where crashes and refusals are explained."""
        return BrowserError(f"{message}\n--- chromium stderr, last lines ---\n{self._stderr()}")

    async def send(
        self, method: str, params: dict | None = None, session: str | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> dict[str, Any]:
        if self._closed is not None:
            raise self._closed
        command_id = next(self._ids)
        message: dict[str, Any] = {"id": command_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        answer = self._pending[command_id] = asyncio.get_running_loop().create_future()
        try:
            await self._ws.send_str(json.dumps(message))
            response = await self.wait(answer, timeout, f"no answer to {method}")
        finally:
            self._pending.pop(command_id, None)
        if "error" in response:
            error = response["error"]
            raise BrowserError(f"{method} failed: {error.get('message')} {error.get('data', '')}".rstrip())
        return response.get("result", {})

    def expect(
        self, method: str, session: str | None = None, match: Callable[[dict], bool] = lambda _: True
    ) -> asyncio.Future[dict[str, Any]]:
        """A future for the next ``method`` event; ask for it before acting, so a fast event is not missed."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        if self._closed is not None:
            future.set_exception(self._closed)
            return future
        waiter = (method, session, match, future)
        self._waiters.append(waiter)
        future.add_done_callback(lambda _: self._waiters.remove(waiter))
        return future

    async def wait(self, future: Awaitable[Any], timeout: float, what: str) -> Any:
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise self.error(f"{what} within {timeout:g} s") from None

    def on_events(self, session: str, handler: Callable[[str, dict], None]) -> None:
        self._handlers[session] = handler

    async def _read(self) -> None:
        reason = "chromium closed the DevTools connection"
        try:
            async for message in self._ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    continue
                data = json.loads(message.data)
                if "id" in data:
                    answer = self._pending.get(data["id"])
                    if answer is not None and not answer.done():
                        answer.set_result(data)
                    continue
                method, session, params = data.get("method", ""), data.get("sessionId"), data.get("params", {})
                if session in self._handlers:
                    self._handlers[session](method, params)
                for wanted, wanted_session, match, future in list(self._waiters):
                    if wanted == method and wanted_session == session and not future.done() and match(params):
                        future.set_result(params)
        except Exception as error:  # whatever it was, every waiter must hear of it
            reason = f"reading from chromium failed: {error!r}"
        self._closed = self.error(reason)
        for future in [*self._pending.values(), *(w[3] for w in self._waiters)]:
            if not future.done():
                future.set_exception(self._closed)

    async def close(self) -> None:
        self._reader.cancel()
        with suppress(asyncio.CancelledError):
            await self._reader


class Browser:
    """One headless chromium with its own temporary profile; pages come from :meth:`new_page`."""

    def __init__(
        self, process: subprocess.Popen, workdir: Path, connection: _Connection, viewport: dict, timeout: float
    ) -> None:
        self.process = process
        self.workdir = workdir
        self._connection = connection
        self._viewport = viewport
        self._timeout = timeout

    @classmethod
    @asynccontextmanager
    async def launch(
        cls,
        width: int = 1280,
        height: int = 800,
        mobile: bool = False,
        device_scale_factor: float = 1,
        timeout: float = DEFAULT_TIMEOUT,
        executable: str | None = None,
    ) -> AsyncIterator[Browser]:
        """Chromium for the block; the viewport is every new page's default, ``timeout`` every wait's.

        On the way out, however the block ends, chromium is closed (killed, with its whole process
        group, if it does not exit promptly) and its temporary profile is removed.
        """
        executable = executable or find_chromium()
        workdir = Path(tempfile.mkdtemp(prefix="cdp-chromium-"))
        log_path = workdir / "stderr.log"
        process: subprocess.Popen | None = None
        session: aiohttp.ClientSession | None = None
        connection: _Connection | None = None
        try:
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    [executable, *FLAGS, f"--user-data-dir={workdir / 'profile'}", f"--window-size={width},{height}"],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, killed as one
                )
            port, path = await _devtools_address(workdir / "profile", process, log_path, timeout)
            session = aiohttp.ClientSession()
            try:
                ws = await asyncio.wait_for(
                    session.ws_connect(f"ws://127.0.0.1:{port}{path}", max_msg_size=0),  # screenshots are large
                    timeout,
                )
            except asyncio.TimeoutError:
                raise BrowserError(f"no DevTools websocket on port {port} within {timeout:g} s") from None
            connection = _Connection(ws, lambda: _tail(log_path))
            viewport = {"width": width, "height": height, "mobile": mobile, "device_scale_factor": device_scale_factor}
            yield cls(process, workdir, connection, viewport, timeout)
        finally:
            try:
                if connection is not None and process is not None:
                    await _close_gracefully(connection, process)
                    await connection.close()
                if session is not None:
                    await session.close()
            finally:  # also when the awaits above fail or are cancelled
                if process is not None:
                    with suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)  # the group: renderers and zygotes too
                    process.wait()
                shutil.rmtree(workdir, ignore_errors=True)

    async def new_page(
        self,
        width: int | None = None,
        height: int | None = None,
        mobile: bool | None = None,
        device_scale_factor: float | None = None,
    ) -> Page:
        """A blank tab in a browser context of its own (its own cookies, like a private window), so two
        pages can be two different users; the viewport defaults to the one given to :meth:`launch`."""
        send = self._connection.send
        context = (await send("Target.createBrowserContext", {"disposeOnDetach": True}))["browserContextId"]
        target = (await send("Target.createTarget", {"url": "about:blank", "browserContextId": context}))["targetId"]
        session = (await send("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]
        page = Page(self._connection, target, session, self._timeout)
        self._connection.on_events(session, page._on_event)
        await page._send("Page.enable")
        await page._send("Emulation.setLocaleOverride", {"locale": "fa-IR"})  # Intl formats as navigator.language
        defaults = self._viewport
        await page.set_viewport(
            width or defaults["width"],
            height or defaults["height"],
            defaults["mobile"] if mobile is None else mobile,
            device_scale_factor or defaults["device_scale_factor"],
        )
        return page


class Page:
    """One tab. Selectors are CSS; a selector that matches nothing raises :class:`JavaScriptError`.
    Dialogs (a confirm() before cancelling an order) are accepted at once; their messages are in ``dialogs``."""

    def __init__(self, connection: _Connection, target: str, session: str, timeout: float) -> None:
        self._connection = connection
        self._target = target  # also the main frame's id
        self._session = session
        self.timeout = timeout
        self._url = "about:blank"
        self.dialogs: list[str] = []  # messages of the alert/confirm/prompt dialogs, each accepted at once
        self._tasks: set[asyncio.Task] = set()

    @property
    def url(self) -> str:
        """The main frame's address, kept current from navigation events (redirects included)."""
        return self._url

    def _on_event(self, method: str, params: dict) -> None:
        if method == "Page.frameNavigated" and "parentId" not in params["frame"]:
            self._url = params["frame"]["url"] + params["frame"].get("urlFragment", "")
        elif method == "Page.navigatedWithinDocument" and params["frameId"] == self._target:
            self._url = params["url"]
        elif method == "Page.javascriptDialogOpening":
            # alert(), confirm() and prompt() stop the page, and every evaluate with it, until answered.
            self.dialogs.append(params["message"])
            task = asyncio.create_task(self._accept_dialog())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _accept_dialog(self) -> None:
        with suppress(BrowserError):  # the page may be gone already
            await self._send("Page.handleJavaScriptDialog", {"accept": True})

    async def _send(self, method: str, params: dict | None = None, timeout: float | None = None) -> dict[str, Any]:
        return await self._connection.send(method, params, self._session, timeout or self.timeout)

    async def _navigation(self, action: Awaitable[Any], what: str, timeout: float | None) -> int:
        """Run ``action``, wait for the load event it causes, and return the document's HTTP status."""
        loaded = self._connection.expect("Page.loadEventFired", self._session)
        try:
            await action
            await self._connection.wait(loaded, timeout or self.timeout, f"no load event after {what}")
        finally:
            loaded.cancel()
        return await self.evaluate("performance.getEntriesByType('navigation')[0]?.responseStatus ?? 0")

    async def goto(self, url: str, timeout: float | None = None) -> int:
        """Open ``url`` and wait for its load event (images and styles in); returns the HTTP status."""

        async def navigate() -> None:
            result = await self._send("Page.navigate", {"url": url})
            if result.get("errorText"):
                raise BrowserError(f"could not open {url}: {result['errorText']}")

        return await self._navigation(navigate(), f"opening {url}", timeout)

    async def evaluate(self, expression: str, timeout: float | None = None) -> Any:
        """The JSON value of ``expression`` (a returned promise is awaited); raises JavaScriptError if it throws."""
        result = await self._send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True, "userGesture": True},
            timeout,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            exception = details.get("exception", {})
            text = exception.get("description") or (
                json.dumps(exception["value"], ensure_ascii=False) if "value" in exception else details.get("text")
            )
            shown = expression if len(expression) < 200 else expression[:200] + "…"
            raise JavaScriptError(f"{text}\n  in: {shown}")
        return result["result"].get("value")

    async def _on_element(self, selector: str, body: str) -> Any:
        """Run the JS ``body`` with ``el`` bound to the first match of ``selector``."""
        quoted = json.dumps(selector)
        return await self.evaluate(
            f"(() => {{ const sel = {quoted}; const el = document.querySelector(sel);"
            f" if (!el) throw new Error('no element matches ' + sel); {body} }})()"
        )

    async def wait_for(self, selector: str, timeout: float | None = None) -> None:
        """Wait until ``selector`` matches something, for content that scripts add after the load event."""
        timeout = timeout or self.timeout
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not await self.evaluate(f"document.querySelector({json.dumps(selector)}) !== null"):
            if loop.time() > deadline:
                raise self._connection.error(f"nothing matched {selector!r} within {timeout:g} s")
            await asyncio.sleep(0.05)

    async def fill(self, selector: str, text: str) -> None:
        """Replace a field's value as typing would (input events, then change); a <select> gets the option
        whose value is ``text``. A disabled or hidden field cannot take focus and raises."""
        kind = await self._on_element(
            selector,
            """el.scrollIntoView({block: "center", behavior: "instant"});
            if (el instanceof HTMLSelectElement) {
                el.value = TEXT;
                if (el.value !== TEXT) throw new Error(sel + " has no option " + TEXT);
                el.dispatchEvent(new Event("input", {bubbles: true}));
                el.dispatchEvent(new Event("change", {bubbles: true}));
                return "select";
            }
            el.focus();
            if (document.activeElement !== el) throw new Error(sel + " cannot take focus (disabled or hidden?)");
            if ("value" in el) {
                el.value = "";
                el.dispatchEvent(new Event("input", {bubbles: true}));
            } else document.execCommand("selectAll");  // contenteditable
            return "focused";""".replace("TEXT", json.dumps(text)),
        )
        if kind == "focused":
            if text:
                await self._send("Input.insertText", {"text": text})
            await self._on_element(selector, 'el.dispatchEvent(new Event("change", {bubbles: true}));')

    async def click(self, selector: str) -> None:
        """A real mouse click at the element's centre, after scrolling it into view; raises if the
        element has no size or something else (an overlay, a menu) is on top of it."""
        x, y = await self._on_element(
            selector,
            """el.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) throw new Error(sel + " is not visible (zero size)");
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            const hit = document.elementFromPoint(x, y);
            if (!hit || !(hit === el || el.contains(hit)))
                throw new Error(sel + " is covered by " + (hit ? hit.outerHTML.slice(0, 120) : "nothing (off screen)"));
            return [x, y];""",
        )
        await self._send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})  # hover first
        for kind in ("mousePressed", "mouseReleased"):
            await self._send(
                "Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
            )

    async def click_and_wait_for_navigation(self, selector: str, timeout: float | None = None) -> int:
        """Click a link or button that loads a new page; returns that page's HTTP status."""
        return await self._navigation(self.click(selector), f"clicking {selector!r}", timeout)

    async def submit(self, selector: str, timeout: float | None = None) -> int:
        """Submit a form as its submit button would (validation and submit handlers run) and wait for the page
        it loads; returns that page's HTTP status. An invalid field raises at once, with the browser's reason."""
        action = self._on_element(
            selector,
            """if (!(el instanceof HTMLFormElement)) throw new Error(sel + " is not a <form>");
            const bad = Array.from(el.elements).find(f => f.willValidate && !f.checkValidity());
            if (bad) throw new Error("field " + (bad.name || bad.id) + " is invalid: " + bad.validationMessage);
            el.requestSubmit();""",
        )
        return await self._navigation(action, f"submitting {selector!r}", timeout)

    async def text(self, selector: str) -> str:
        """The element's text as rendered (innerText: hidden parts left out, CSS line breaks kept)."""
        return await self._on_element(selector, "return el.innerText;")

    async def attribute(self, selector: str, name: str) -> str | None:
        return await self._on_element(selector, f"return el.getAttribute({json.dumps(name)});")

    async def set_viewport(self, width: int, height: int, mobile: bool = False, device_scale_factor: float = 1) -> None:
        """Emulate a screen in CSS pixels; ``mobile`` honours <meta name=viewport> as a phone does (without it a
        phone lays the page out 980 px wide). Screenshots come out ``device_scale_factor`` times larger."""
        await self._send(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": width,
                "height": height,
                "deviceScaleFactor": device_scale_factor,
                "mobile": mobile,
                "screenWidth": width,
                "screenHeight": height,
            },
        )

    async def screenshot(self, path: str | os.PathLike[str], full_page: bool = True) -> Path:
        """A PNG of the page (the whole scrollable page, or just the viewport), in device pixels."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = (await self._send("Page.getLayoutMetrics"))["cssContentSize"]
            params["captureBeyondViewport"] = True
            params["clip"] = {**size, "scale": 1}  # x, y, width, height in CSS pixels
        data = (await self._send("Page.captureScreenshot", params))["data"]
        path = Path(path)
        path.write_bytes(base64.b64decode(data))
        return path

    async def cookies(self) -> list[dict[str, Any]]:
        """The cookies the current page sees, with CDP's fields: name, value, domain, path, expires,
        httpOnly, secure, sameSite ("Strict", "Lax", "None" or absent)."""
        return (await self._send("Network.getCookies"))["cookies"]


async def _devtools_address(profile: Path, process: subprocess.Popen, log: Path, timeout: float) -> tuple[int, str]:
    """Port and browser path from DevToolsActivePort, which chromium writes once it listens."""
    port_file = profile / "DevToolsActivePort"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if process.poll() is not None:
            raise BrowserError(
                f"chromium exited with status {process.returncode} before opening DevTools\n"
                f"--- chromium stderr, last lines ---\n{_tail(log)}"
            )
        with suppress(FileNotFoundError):
            lines = port_file.read_text().splitlines()
            if len(lines) >= 2 and lines[0].isdigit():
                return int(lines[0]), lines[1]
        if loop.time() > deadline:
            raise BrowserError(
                f"chromium did not write {port_file.name} within {timeout:g} s\n"
                f"--- chromium stderr, last lines ---\n{_tail(log)}"
            )
        await asyncio.sleep(0.05)


async def _close_gracefully(connection: _Connection, process: subprocess.Popen) -> None:
    """Browser.close, and up to 3 s for chromium to exit: it then reaps its own children."""
    if process.poll() is not None:
        return
    with suppress(BrowserError):  # the socket usually closes before the answer comes
        await connection.send("Browser.close", timeout=2)
    for _ in range(60):
        if process.poll() is not None:
            return
        await asyncio.sleep(0.05)


def _tail(log: Path, lines: int = 25) -> str:
    """The end of chromium's stderr, without the D-Bus complaints every container without a bus produces."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return "(no stderr log)"
    kept = [line for line in text.splitlines() if "dbus" not in line.lower()]
    return "\n".join(kept[-lines:]) or "(empty)"
