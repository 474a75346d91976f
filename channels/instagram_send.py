"""The Graph API client the Instagram channel sends with, and the Send API message shapes.

One ``aiohttp.ClientSession`` per client (made on first use, inside the running loop),
calls paced under Meta's per-account rate limit, 5xx/429/connection failures retried
with capped exponential backoff and full jitter, any other 4xx logged with Meta's
error code and raised at once. The message builders are pure functions, so the
limits (1,000 UTF-8 bytes of text, 13 quick replies of 20 characters, 10 cards of
80 characters with 3 buttons) are enforced and tested in one place.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

logger = logging.getLogger(__name__)

INSTAGRAM_LOGIN_HOST = "https://graph.instagram.com"  # Instagram API with Instagram Login
FACEBOOK_PAGE_HOST = "https://graph.facebook.com"  # Messenger API for Instagram (a linked Page)
DEFAULT_API_VERSION = "v25.0"

MAX_TEXT_BYTES = 1000
MAX_QUICK_REPLIES = 13
MAX_QUICK_REPLY_TITLE = 20
MAX_CARDS = 10
MAX_CARD_TEXT = 80
MAX_CARD_BUTTONS = 3
MAX_BUTTON_TITLE = 20
HUMAN_AGENT_TAG = "HUMAN_AGENT"


class GraphApiError(Exception):
    """Meta refused a call (a 4xx other than 429), or it kept failing after the retries."""

    def __init__(self, status: int | None, code: int | None, subcode: int | None, message: str) -> None:
        super().__init__(f"Graph API error status={status} code={code} subcode={subcode}: {message}")
        self.status = status
        self.code = code
        self.subcode = subcode
        self.message = message

    @property
    def transient(self) -> bool:
        """Meta was unreachable, busy or failing: the same call may work later."""
        return self.status is None or self.status == 429 or self.status >= 500

    @classmethod
    def from_body(cls, status: int, body: Any) -> GraphApiError:
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return cls(status, None, None, str(body)[:200])
        return cls(status, error.get("code"), error.get("error_subcode"), str(error.get("message", ""))[:200])


@dataclass(frozen=True)
class GraphConfig:
    """Where and as whom to call: both Graph hosts take the same paths and bodies."""

    access_token: str = field(repr=False)  # never in a log line or a traceback
    base_url: str = INSTAGRAM_LOGIN_HOST
    api_version: str = DEFAULT_API_VERSION
    account_id: str = "me"  # or the Instagram professional account id
    calls_per_second: float = 90.0  # Meta allows 100 Send API calls per second per account
    max_attempts: int = 4
    backoff_base_s: float = 0.5
    backoff_max_s: float = 8.0
    timeout_s: float = 15.0

    def url(self, path: str) -> str:
        return f"{self.base_url.rstrip('/')}/{self.api_version.strip('/')}/{path.lstrip('/')}"


class Pacing(Protocol):
    """What spaces the client's calls: ``Pacer`` here, ``send_pacing.RedisPacer`` across replicas."""

    async def wait(self) -> None: ...

    async def close(self) -> None: ...


class Pacer:
    """Spreads calls evenly: at most ``rate`` per second, however many tasks call at once.

    In this process only: with several replicas ``channels.send_pacing.RedisPacer`` shares
    the account's rate among them (``REDIS_URL``).
    """

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now, self._next)
        self._next = start + self._interval  # reserved before sleeping: no await in between
        if start > now:
            await asyncio.sleep(start - now)

    async def close(self) -> None:
        """Nothing to give back (``RedisPacer`` closes its connection)."""


def backoff_delay(attempt: int, base: float, cap: float, retry_after: float | None = None) -> float:
    """Full jitter on an exponential ceiling; Meta's Retry-After wins but stays capped."""
    if retry_after is not None and retry_after >= 0:
        return min(retry_after, cap)
    return random.uniform(0, min(cap, base * (2**attempt)))


class GraphApiClient:
    """Calls to the Graph API for one Instagram account."""

    def __init__(self, config: GraphConfig, pacer: Pacing | None = None) -> None:
        """``pacer``: how calls are spaced (``send_pacing.pacer_for``); default, in this process."""
        self.config = config
        self._pacer: Pacing = pacer or Pacer(config.calls_per_second)
        self._session: aiohttp.ClientSession | None = None

    def _client_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.config.timeout_s),
                headers={"Authorization": f"Bearer {self.config.access_token}"},
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
        await self._pacer.close()

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        attempts: int | None = None,
        refusal_log_level: int = logging.ERROR,
        repeatable: bool = True,
    ) -> dict:
        """One Graph call with pacing and bounded retries; the decoded JSON answer.

        A call that is not ``repeatable`` (a message to a customer) is retried only
        when Meta surely did not act on it: it could not be reached, or it answered
        429 or 5xx. After a timeout or a dropped connection the message may have
        arrived, and sending it again would show it twice.
        """
        url = self.config.url(path)
        attempts = attempts or self.config.max_attempts
        last_error: BaseException | None = None
        for attempt in range(attempts):
            await self._pacer.wait()
            retry_after: float | None = None
            try:
                async with self._client_session().request(method, url, json=body, params=params) as reply:
                    try:
                        answer = await reply.json(content_type=None)
                    except (ValueError, aiohttp.ContentTypeError):
                        answer = None
                    if reply.status < 300:
                        return answer if isinstance(answer, dict) else {}
                    error = GraphApiError.from_body(reply.status, answer)
                    if reply.status != 429 and reply.status < 500:
                        logger.log(
                            refusal_log_level,
                            "Graph API %s %s refused: status %s, Meta error code %s, subcode %s: %s",
                            method,
                            path,
                            reply.status,
                            error.code,
                            error.subcode,
                            error.message,
                        )
                        raise error
                    last_error = error
                    retry_after = _seconds(reply.headers.get("Retry-After"))
            except aiohttp.ClientConnectorError as failure:  # never connected: nothing was sent
                last_error = failure
            except (aiohttp.ClientError, asyncio.TimeoutError) as failure:
                last_error = failure
                if not repeatable:
                    logger.error(
                        "Graph API %s %s: no answer (%r); not repeated, it may have arrived", method, path, failure
                    )
                    raise GraphApiError(None, None, None, f"no answer, not repeated: {failure!r}") from None
            if attempt + 1 < attempts:
                delay = backoff_delay(attempt, self.config.backoff_base_s, self.config.backoff_max_s, retry_after)
                logger.warning(
                    "Graph API %s %s failed (%s); retry %d in %.2fs", method, path, last_error, attempt + 1, delay
                )
                await asyncio.sleep(delay)
        logger.error("Graph API %s %s gave up after %d attempt(s): %s", method, path, attempts, last_error)
        if isinstance(last_error, GraphApiError):
            raise last_error
        raise GraphApiError(None, None, None, f"unreachable: {last_error}")

    async def send_message(
        self,
        recipient: Mapping[str, str],
        message: Mapping[str, Any],
        *,
        tag: str | None = None,
        messaging_type: str | None = "RESPONSE",
    ) -> dict:
        """POST /{account}/messages. ``recipient`` is {"id": IGSID} or {"comment_id": ...}."""
        body: dict[str, Any] = {"recipient": dict(recipient), "message": dict(message)}
        if tag:
            body["messaging_type"] = "MESSAGE_TAG"
            body["tag"] = tag
        elif messaging_type:
            body["messaging_type"] = messaging_type
        return await self.request("POST", f"{self.config.account_id}/messages", body=body, repeatable=False)

    async def send_sender_action(self, recipient_id: str, action: str = "typing_on") -> dict:
        """A typing bubble: one attempt only, a late one would show after the answer."""
        body = {"recipient": {"id": recipient_id}, "sender_action": action}
        return await self.request("POST", f"{self.config.account_id}/messages", body=body, attempts=1)

    async def recent_texts_to(self, recipient_id: str) -> list[tuple[str, str, str]]:
        """(message id, created_time, text) of the latest messages the account sent in the
        conversation with ``recipient_id``: the Conversations API shows at most the 20 newest."""
        found = await self.request(
            "GET", f"{self.config.account_id}/conversations", params={"platform": "instagram", "user_id": recipient_id}
        )
        conversations = [c.get("id") for c in found.get("data") or [] if isinstance(c, dict) and c.get("id")]
        if not conversations:
            return []
        listing = await self.request("GET", str(conversations[0]), params={"fields": "messages"})
        messages = (listing.get("messages") or {}).get("data") or []
        texts = []
        for item in messages[:20]:
            if not isinstance(item, dict) or not item.get("id"):
                continue
            detail = await self.request("GET", str(item["id"]), params={"fields": "id,created_time,from,to,message"})
            sender = (detail.get("from") or {}).get("id")
            if sender != recipient_id and detail.get("message") is not None:
                texts.append((str(item["id"]), str(detail.get("created_time") or ""), str(detail["message"])))
        return texts

    async def get_media(self, media_id: str, fields: str = "shortcode,permalink") -> dict:
        """An IG media object of the account (to map a shared post to its shortcode).

        Refused for media that is not the account's own, which is routine: logged at INFO.
        """
        return await self.request("GET", media_id, params={"fields": fields}, refusal_log_level=logging.INFO)


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


# --- message shapes --------------------------------------------------------------

_PARAGRAPH_END = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?؟…\n](?=\s)|[.!?؟…]$")
_SPACE = re.compile(r"\s")


def _prefix_within(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` bytes of UTF-8."""
    used = 0
    for index, char in enumerate(text):
        used += len(char.encode("utf-8"))
        if used > limit:
            return index
    return len(text)


def split_text(text: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """Parts of at most ``limit`` UTF-8 bytes, cut at a paragraph, sentence or word end.

    Persian letters take two bytes, so a 1,000-byte message is about 500 letters.
    A single word longer than the limit is cut between characters, never inside one.
    """
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if len(rest.encode("utf-8")) <= limit:
            parts.append(rest)
            break
        fits = rest[: _prefix_within(rest, limit)]
        cut = 0
        for pattern in (_PARAGRAPH_END, _SENTENCE_END, _SPACE):
            ends = [m.end() if pattern is not _SPACE else m.start() for m in pattern.finditer(fits)]
            ends = [end for end in ends if end > 0]
            if ends and ends[-1] >= len(fits) // 3:  # a cut near the start wastes a message
                cut = ends[-1]
                break
        if cut == 0:
            cut = max(len(fits), 1)
        part, rest = rest[:cut].strip(), rest[cut:].strip()
        if part:
            parts.append(part)
    return parts


def _cut(text: Any, limit: int) -> str:
    text = str(text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quick_replies(buttons: Iterable[Mapping[str, Any]]) -> list[dict]:
    """Rasa buttons as Instagram quick replies: at most 13, titles cut to 20 characters.

    The payload goes back to us untouched, so a "/intent{...}" payload skips NLU.
    """
    replies = []
    for button in buttons:
        title = _cut(button.get("title"), MAX_QUICK_REPLY_TITLE)
        if not title:
            continue
        payload = str(button.get("payload") or button.get("title"))
        replies.append({"content_type": "text", "title": title, "payload": payload})
        if len(replies) == MAX_QUICK_REPLIES:
            break
    return replies


def _button(button: Mapping[str, Any]) -> dict | None:
    title = _cut(button.get("title"), MAX_BUTTON_TITLE)
    if not title:
        return None
    if button.get("type") == "web_url" or button.get("url"):
        return {"type": "web_url", "url": str(button["url"]), "title": title}
    return {"type": "postback", "title": title, "payload": str(button.get("payload") or title)}


def generic_template(elements: Iterable[Mapping[str, Any]]) -> dict:
    """Cards as a generic template: 10 cards, 80-character title and subtitle, 3 buttons."""
    cards = []
    for element in elements:
        title = _cut(element.get("title"), MAX_CARD_TEXT)
        if not title:
            continue
        card: dict[str, Any] = {"title": title}
        if element.get("subtitle"):
            card["subtitle"] = _cut(element["subtitle"], MAX_CARD_TEXT)
        if element.get("image_url"):
            card["image_url"] = str(element["image_url"])
        if isinstance(element.get("default_action"), Mapping):
            card["default_action"] = dict(element["default_action"])
        buttons = [b for b in (_button(raw) for raw in element.get("buttons") or [] if isinstance(raw, Mapping)) if b]
        if buttons:
            card["buttons"] = buttons[:MAX_CARD_BUTTONS]
        cards.append(card)
        if len(cards) == MAX_CARDS:
            break
    return {"attachment": {"type": "template", "payload": {"template_type": "generic", "elements": cards}}}


def order_payload(product_code: str, intent: str = "order_product") -> str:
    """The "order" button's payload: a Rasa intent message, so the tap skips NLU."""
    return f"/{intent}{json.dumps({'product_code': product_code})}"


def product_card(
    code: str, title: str, price: str, image_url: str | None, order_title: str, payload: str | None = None
) -> dict:
    """One product as a card element: image, title, price and an "order" button."""
    card: dict[str, Any] = {
        "title": title,
        "subtitle": price,
        "buttons": [{"type": "postback", "title": order_title, "payload": payload or order_payload(code)}],
    }
    if image_url:
        card["image_url"] = image_url
    return card


def image_message(url: str) -> dict:
    return {"attachment": {"type": "image", "payload": {"url": url}}}
