"""Messages to the owner through a Telegram bot: the Bot API's sendMessage over aiohttp.

``POST {SHOP_TELEGRAM_API_BASE}/bot{token}/sendMessage`` with ``{"chat_id", "text"}``; any
server speaking the same Bot API works, Bale's (https://tapi.bale.ai) included. The text is
plain, the subject on its first line: no ``parse_mode``, so a product name holding ``<`` or
``&`` cannot break a message, and Bale, whose formatting differs from Telegram's HTML, shows it
the same. A reply ``{"ok": false, ...}`` becomes ``NotificationFailed`` with the server's
description: 429 (honouring ``retry_after``) and 5xx may pass, anything else needs the settings
fixed (an unknown chat, a bot the owner blocked, a wrong token).

The token is part of the URL, and aiohttp's errors may quote the URL: every failure is
rewritten without it (``raise ... from None``, so the traceback does not carry the original).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp

from inventory_db.settings import TelegramSettings
from owner.notify import TELEGRAM, TIMEOUT_S, NotificationFailed

logger = logging.getLogger(__name__)

MAX_TEXT = 4096  # characters in one Bot API message
_HINTS = {
    400: "check SHOP_TELEGRAM_CHAT_ID, and that the owner has sent /start to the bot",
    401: "check SHOP_TELEGRAM_BOT_TOKEN",
    403: "the bot was blocked or removed from the chat: the owner must /start it again",
    404: "check SHOP_TELEGRAM_BOT_TOKEN and SHOP_TELEGRAM_API_BASE",
}


def message_text(subject: str, body: str) -> str:
    """The subject, a blank line, the body; cut at a line end to fit one message."""
    text = f"{subject.strip()}\n\n{body.strip()}"
    if len(text) <= MAX_TEXT:
        return text
    cut = text.rfind("\n", 0, MAX_TEXT - 2)
    if cut <= len(subject):
        cut = MAX_TEXT - 2
    return text[:cut].rstrip() + "\n…"


def _seconds(value: Any) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 0 else None


class TelegramNotifier:
    """Messages to one chat (``SHOP_TELEGRAM_CHAT_ID``) from the owner's bot.

    ``session``: an aiohttp session the caller owns and closes (a worker's, tied to its
    lifetime); without one, each message opens and closes its own.
    """

    channel = TELEGRAM

    def __init__(
        self, config: TelegramSettings, *, session: aiohttp.ClientSession | None = None, timeout_s: float = TIMEOUT_S
    ) -> None:
        self.config = config
        self.timeout_s = timeout_s
        self._session = session
        self._host = urlsplit(config.api_base).netloc

    def __repr__(self) -> str:
        return f"TelegramNotifier({self.config!r})"

    def _redact(self, text: str) -> str:
        token = self.config.token
        return text.replace(token, "<token>").replace(quote(token, safe=""), "<token>")

    async def send(self, subject: str, body: str) -> None:
        chat_id = self.config.chat_id
        payload = {
            "chat_id": int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id,
            "text": message_text(subject, body),
        }
        url = f"{self.config.api_base}/bot{self.config.token}/sendMessage"
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        try:
            if self._session is not None:
                status, answer, retry_header = await _post(self._session, url, payload, timeout)
            else:
                async with aiohttp.ClientSession(timeout=timeout) as session:
                    status, answer, retry_header = await _post(session, url, payload, timeout)
        except asyncio.TimeoutError:
            raise NotificationFailed(f"telegram: {self._host} did not answer in time", retryable=True) from None
        except aiohttp.ClientError as error:  # no connection, a dropped one, a bad URL: the URL holds the token
            reason = f"telegram: could not reach {self._host} ({type(error).__name__}: {self._redact(str(error))})"
            raise NotificationFailed(reason, retryable=True) from None
        self._check(status, answer, retry_header)
        logger.info("Telegram notification sent through %s", self._host)

    def _check(self, status: int, answer: Any, retry_header: str | None) -> None:
        """Return on ``{"ok": true}``; otherwise raise what the server said, without the token."""
        reply = answer if isinstance(answer, dict) else {}
        if status < 300 and reply.get("ok") is True:
            return
        code = reply.get("error_code") if isinstance(reply.get("error_code"), int) else status
        description = self._redact(str(reply.get("description") or f"HTTP {status}"))[:300]
        parameters = reply.get("parameters") if isinstance(reply.get("parameters"), dict) else {}
        retryable = code == 429 or status == 429 or code >= 500 or status >= 500
        retry_after = _seconds(parameters.get("retry_after"))
        if retry_after is None:
            retry_after = _seconds(retry_header)
        reason = f"telegram: {code} {description}"
        if parameters.get("migrate_to_chat_id"):  # a group became a supergroup with a new id
            reason += f"; the chat is now {parameters['migrate_to_chat_id']}: set SHOP_TELEGRAM_CHAT_ID to it"
        elif not retryable and code in _HINTS:
            reason += f" ({_HINTS[code]})"
        elif 300 <= status < 400:
            reason += " (a redirect, not the Bot API: check SHOP_TELEGRAM_API_BASE)"
        raise NotificationFailed(reason, retryable=retryable, retry_after=retry_after if retryable else None)


async def _post(
    session: aiohttp.ClientSession, url: str, payload: dict[str, Any], timeout: aiohttp.ClientTimeout
) -> tuple[int, Any, str | None]:
    # Never redirected: the Bot API does not, and the next host would be sent the message.
    async with session.post(url, json=payload, timeout=timeout, allow_redirects=False) as reply:
        try:
            answer = await reply.json(content_type=None)
        except ValueError:  # a proxy's HTML error page
            answer = None
        return reply.status, answer, reply.headers.get("Retry-After")
