"""Receipt screenshots are fetched from a local stand-in for Meta's CDN and kept by the store;
a fetch that fails or is refused leaves the address and the reason, and the same reply."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import sessionmaker

from actions import receipts
from actions.receipts import ActionRecordPaymentReceipt
from inventory_db import orders, payment_receipts
from inventory_db.database import transaction
from tests.actions.conftest import make_tracker
from tests.inventory_db.helpers import item

IMAGE = b"\xff\xd8\xff\xe0 a receipt screenshot " * 100
CUSTOMER = "customer-1"


def _app(hits: list[str]) -> web.Application:
    async def handle(request: web.Request) -> web.StreamResponse:
        hits.append(request.path)
        name = request.match_info["name"]
        if name == "receipt.jpg":
            return web.Response(body=IMAGE, content_type="image/jpeg")
        if name == "page":
            return web.Response(text="<html>login</html>", content_type="text/html")
        if name == "declared-huge.jpg":
            return web.Response(body=b"x" * (receipts.MAX_IMAGE_BYTES + 1), content_type="image/jpeg")
        if name == "streamed-huge.jpg":  # no Content-Length: the cap is counted while reading
            response = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
            response.enable_chunked_encoding()
            await response.prepare(request)
            for _ in range(receipts.MAX_IMAGE_BYTES // 65536 + 2):
                await response.write(b"x" * 65536)
            return response
        if name == "slow.jpg":
            await asyncio.sleep(5)
            return web.Response(body=IMAGE, content_type="image/jpeg")
        if name == "moved":
            raise web.HTTPFound("/img/receipt.jpg")
        if name == "moved-away":
            raise web.HTTPFound("http://internal.example/secret")
        raise web.HTTPNotFound()

    app = web.Application()
    app.router.add_get("/img/{name}", handle)
    return app


@pytest.fixture
async def cdn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[tuple[str, list[str]]]:
    """(base URL, paths requested) of a local image server the receipt hosts allow."""
    hits: list[str] = []
    server = TestServer(_app(hits), host="127.0.0.1")
    await server.start_server()
    monkeypatch.setenv("SHOP_RECEIPT_HOSTS", "127.0.0.1")
    monkeypatch.setenv("SHOP_MEDIA_DIR", str(tmp_path / "media"))
    monkeypatch.setattr(receipts, "FETCH_TIMEOUT", receipts.aiohttp.ClientTimeout(total=1))
    yield f"http://127.0.0.1:{server.port}/img", hits
    await server.close()


@pytest.fixture
def unpaid_order(demo_store: sessionmaker) -> sessionmaker:
    with transaction(demo_store) as session:
        customer = orders.Customer(CUSTOMER, "Sara Ahmadi", "09121234567", "Shiraz, Zand St. 4")
        orders.place_order(
            session, "k", customer, items=[item("SH-12", "gray", "free")], shipping_method="post", actor="t"
        )
    return demo_store


async def _send_image(url: str) -> list[str]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("", intent="send_image", metadata={"image_url": url})
    assert await ActionRecordPaymentReceipt().run(dispatcher, tracker, {}) == []
    return [message["response"] for message in dispatcher.messages]


def _receipts(store: sessionmaker) -> list[payment_receipts.ReceiptInfo]:
    with transaction(store) as session:
        return payment_receipts.receipts_for(session, 1001)


async def test_a_receipt_image_is_kept_by_its_sha256(
    cdn: tuple[str, list[str]], unpaid_order: sessionmaker, tmp_path: Path
) -> None:
    base, _ = cdn
    assert await _send_image(f"{base}/receipt.jpg") == ["utter_receipt_received"]
    assert await _send_image(f"{base}/moved") == ["utter_receipt_received"]  # same image by a redirect: one file
    first, second = _receipts(unpaid_order)
    sha256 = hashlib.sha256(IMAGE).hexdigest()
    assert (first.content, first.file_sha256, first.file_error) == (f"{base}/receipt.jpg", sha256, None)
    assert first.file_path == second.file_path == str(tmp_path / "media" / "receipts" / f"{sha256}.jpg")
    assert Path(first.file_path).read_bytes() == IMAGE
    assert [p.name for p in (tmp_path / "media" / "receipts").iterdir()] == [f"{sha256}.jpg"]


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/missing.jpg", "HTTP 404"),
        ("/page", "not an image (text/html)"),
        ("/declared-huge.jpg", "larger than"),
        ("/streamed-huge.jpg", "larger than"),
        ("/slow.jpg", "fetch failed: TimeoutError"),
        ("/moved-away", "not a receipt host"),
    ],
)
async def test_a_failed_fetch_keeps_the_address_and_why(
    cdn: tuple[str, list[str]], unpaid_order: sessionmaker, tmp_path: Path, path: str, reason: str
) -> None:
    base, _ = cdn
    assert await _send_image(base + path) == ["utter_receipt_received"]
    (receipt,) = _receipts(unpaid_order)
    assert (receipt.kind, receipt.content, receipt.file_path) == ("image", base + path, None)
    assert reason in (receipt.file_error or ""), receipt.file_error
    assert not (tmp_path / "media" / "receipts").exists() or not any((tmp_path / "media" / "receipts").iterdir())


@pytest.mark.parametrize(
    "url, reason",
    [
        ("file:///etc/passwd", "not an http(s) address"),
        ("http://169.254.169.254/latest/meta-data", "not a receipt host"),
    ],
)
async def test_addresses_outside_the_receipt_hosts_are_never_fetched(
    cdn: tuple[str, list[str]], unpaid_order: sessionmaker, url: str, reason: str
) -> None:
    assert await _send_image(url) == ["utter_receipt_received"]
    (receipt,) = _receipts(unpaid_order)
    assert reason in (receipt.file_error or "") and cdn[1] == []


async def test_a_picture_without_an_unpaid_order_is_not_fetched(
    cdn: tuple[str, list[str]], demo_store: sessionmaker
) -> None:
    base, hits = cdn
    assert await _send_image(f"{base}/receipt.jpg") == ["utter_image_received"]
    assert hits == []


async def test_an_image_that_cannot_be_written_is_recorded_missing(
    cdn: tuple[str, list[str]], unpaid_order: sessionmaker, tmp_path: Path
) -> None:
    (tmp_path / "media").write_text("a file where the media folder should be")
    base, _ = cdn
    assert await _send_image(f"{base}/receipt.jpg") == ["utter_receipt_received"]
    (receipt,) = _receipts(unpaid_order)
    assert receipt.file_path is None and (receipt.file_error or "").startswith("not saved:")
