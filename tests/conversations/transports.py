"""How a customer's message reaches the bot and how its answer comes back.

REST: one POST, the bot's messages in the reply (buttons with their payloads; a tap
sends the payload as the text). Instagram: a webhook signed as Meta signs it; the
turn is over when the channel has marked the message handled in the store's message
log, and the answer is what the fake Graph API recorded of the Send API calls to
that customer since (text and quick replies).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Protocol

import aiohttp
from sqlalchemy import select
from sqlalchemy.engine import Engine

from inventory_db.message_log_models import InboundEvent
from tests.channels import payloads
from tests.channels.fake_graph import Call, FakeGraphApi
from tests.conversations.customer import BotMessage, Button, Utterance

REPLY_TIMEOUT_S = 120.0


class Transport(Protocol):
    async def send(self, sender: str, said: Utterance) -> list[BotMessage]: ...


def _buttons(items: Any) -> tuple[Button, ...]:
    return tuple(
        Button(str(b.get("title") or ""), str(b.get("payload") or b.get("title") or ""))
        for b in items or ()
        if isinstance(b, dict)
    )


def _rest_message(message: dict) -> BotMessage:
    buttons = _buttons(message.get("buttons"))
    custom = message.get("custom")
    if isinstance(custom, dict) and isinstance(custom.get("product_cards"), list):
        cards = [c for c in custom["product_cards"] if isinstance(c, dict)]
        buttons += tuple(
            Button(str(c.get("order_title") or c.get("code")), str(c.get("order_payload") or "")) for c in cards
        )
    return BotMessage(str(message.get("text") or ""), buttons)


class RestTransport:
    """Rasa's REST channel: the reply carries the bot's whole turn."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str) -> None:
        self.http = http
        self.url = f"{base_url}/webhooks/rest/webhook"

    async def send(self, sender: str, said: Utterance) -> list[BotMessage]:
        message = said.payload or said.text
        async with self.http.post(self.url, json={"sender": sender, "message": message}) as response:
            response.raise_for_status()
            return [_rest_message(m) for m in await response.json() if isinstance(m, dict)]


def _instagram_message(call: Call) -> BotMessage:
    message = call.message or {}
    buttons = _buttons(message.get("quick_replies"))
    text = str(message.get("text") or "")
    attachment = message.get("attachment")
    if isinstance(attachment, dict):  # product cards: a generic template
        elements = ((attachment.get("payload") or {}).get("elements")) or []
        text = "\n".join(str(e.get("title") or "") for e in elements if isinstance(e, dict))
        buttons += tuple(b for e in elements if isinstance(e, dict) for b in _buttons(e.get("buttons")))
    return BotMessage(text, buttons)


class InstagramTransport:
    """Meta's webhook in, the Send API out (recorded by the fake Graph API)."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str, graph: FakeGraphApi, log: Engine) -> None:
        self.http = http
        self.url = f"{base_url}/webhooks/instagram/webhook"
        self.graph = graph
        self.log = log  # a plain read engine on the store: reads never wait for the servers' writes

    def _sends_to(self, sender: str) -> list[Call]:
        return [c for c in self.graph.sends if (c.body.get("recipient") or {}).get("id") == sender]

    def _handled(self, mid: str) -> bool:
        with self.log.connect() as connection:
            row = connection.execute(select(InboundEvent.processed_at).where(InboundEvent.external_id == mid)).first()
        return row is not None and row[0] is not None

    async def send(self, sender: str, said: Utterance) -> list[BotMessage]:
        if said.share_media_id:
            share = {
                "type": "ig_post",
                "payload": {
                    "ig_post_media_id": said.share_media_id,
                    "url": f"https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id={said.share_media_id}",
                },
            }
            event = payloads.attachment_message(sender, [share])
        elif said.payload:
            event = payloads.text_message(sender, said.text, quick_reply={"payload": said.payload})
        else:
            event = payloads.text_message(sender, said.text)
        mid = event["message"]["mid"]
        already = len(self._sends_to(sender))
        body = payloads.encode(payloads.delivery(event))
        async with self.http.post(self.url, data=body, headers=payloads.signed_headers(body)) as response:
            response.raise_for_status()
        deadline = time.monotonic() + REPLY_TIMEOUT_S
        while not await asyncio.to_thread(self._handled, mid):
            if time.monotonic() > deadline:
                raise TimeoutError(f"Instagram message {mid} from {sender} not handled in {REPLY_TIMEOUT_S:.0f}s")
            await asyncio.sleep(0.1)
        return [_instagram_message(c) for c in self._sends_to(sender)[already:]]


def share_media(graph: FakeGraphApi, media_id: str, shortcode: str) -> None:
    """Let the fake Graph API answer the channel's media → shortcode lookup for a post."""
    graph.media[media_id] = {"shortcode": shortcode, "permalink": f"https://www.instagram.com/p/{shortcode}/"}
