"""Payment receipts: a card-to-card customer's "واریز کردم" or screenshot is kept with
the order it pays, for the owner to check before ``shopctl orders mark-paid``.

A screenshot arrives as an address on Meta's CDN, which expires; once the receipt is
recorded the image is fetched and kept by the store. A failed fetch leaves the address
and the reason, and the customer gets the same reply either way.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import aiohttp
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from yarl import URL

from actions.language import reply_language
from actions.store import replies_on_store_error, session_factory
from inventory_db import payment_receipts, settings
from inventory_db.database import transaction
from inventory_db.payment_receipts import ReceiptImage
from shoplang.formatting import format_order_number, format_toman

IMAGE_INTENT = "send_image"
MAX_IMAGE_BYTES = 10 * 1024 * 1024  # a phone screenshot is well under this
FETCH_TIMEOUT = aiohttp.ClientTimeout(total=10)  # the customer's reply waits for it
MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _receipt(tracker: Tracker) -> tuple[str, str | None]:
    """(kind, content) of the latest message: the image's address, or the text itself."""
    message = tracker.latest_message or {}
    if (message.get("intent") or {}).get("name") == IMAGE_INTENT:
        metadata = message.get("metadata") or {}
        return payment_receipts.IMAGE, metadata.get("image_url")
    return payment_receipts.TEXT, message.get("text")


def _refused(url: str) -> str | None:
    """Why this address is not fetched: only http(s) on the receipt hosts (and their subdomains)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "not an http(s) address"
    host = (parts.hostname or "").lower()
    if not any(host == allowed or host.endswith(f".{allowed}") for allowed in settings.receipt_hosts()):
        return "not a receipt host (SHOP_RECEIPT_HOSTS)"
    return None


async def _read(response: aiohttp.ClientResponse) -> ReceiptImage:
    if response.status != 200:
        return ReceiptImage(error=f"HTTP {response.status}")
    if not response.content_type.startswith("image/"):
        return ReceiptImage(error=f"not an image ({response.content_type[:60]})")
    too_big = ReceiptImage(error=f"larger than {MAX_IMAGE_BYTES} bytes")
    if (response.content_length or 0) > MAX_IMAGE_BYTES:
        return too_big
    data = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        data += chunk
        if len(data) > MAX_IMAGE_BYTES:  # no or a false Content-Length
            return too_big
    return ReceiptImage(bytes(data), response.content_type)


async def fetch_image(url: str) -> ReceiptImage:
    """The image at ``url``, at most MAX_IMAGE_BYTES within FETCH_TIMEOUT; else why not.

    Redirects are followed by hand, so each address on the way is checked like the first.
    """
    try:
        async with aiohttp.ClientSession(timeout=FETCH_TIMEOUT) as client:
            for _ in range(MAX_REDIRECTS + 1):
                refused = _refused(url)
                if refused:
                    return ReceiptImage(error=refused)
                async with client.get(url, allow_redirects=False) as response:
                    location = response.headers.get("Location")
                    if response.status not in _REDIRECTS or not location:
                        return await _read(response)
                    url = str(response.url.join(URL(location)))
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        return ReceiptImage(error=f"fetch failed: {type(error).__name__}")
    return ReceiptImage(error="too many redirects")


class ActionRecordPaymentReceipt(Action):
    """Ties a receipt to the customer's unpaid order; an image with no unpaid order is just a picture."""

    def name(self) -> str:
        return "action_record_payment_receipt"

    @replies_on_store_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        kind, content = _receipt(tracker)
        receipt = None
        if content:
            with transaction(session_factory()) as session:
                receipt = payment_receipts.record_receipt(session, tracker.sender_id, kind, content)
        if receipt is not None and kind == payment_receipts.IMAGE and receipt.file_sha256 is None:
            image = await fetch_image(receipt.content)
            with transaction(session_factory()) as session:
                payment_receipts.attach_image(session, receipt.id, image)
        if receipt is not None:
            language = reply_language(tracker)
            dispatcher.utter_message(
                response="utter_receipt_received",
                order_number=format_order_number(receipt.order_number, language),
                total=format_toman(receipt.order_total, language),
            )
        elif kind == payment_receipts.IMAGE:
            dispatcher.utter_message(response="utter_image_received")
        else:
            dispatcher.utter_message(response="utter_receipt_no_order")
        return []
