"""Meta's Instagram webhook: request authenticity and payloads parsed into typed events.

Pure functions, no I/O: the channel checks a request with ``signature_is_valid`` and
turns its raw body into events with ``parse_delivery``. Parsing never trusts the
shape of the JSON: an event it cannot read is counted and skipped, never raised.
Each event keeps the JSON it was read from (``Received.stored``): the durable inbox
stores that, and the worker reads it again with ``read_stored``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY_BYTES = 1024 * 1024  # Meta's deliveries are a few KiB; anything near this is not Meta
# Epoch milliseconds later than this (year 2286) or not finite are not times: read as "now".
_MAX_EPOCH_MS = 10**13
_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})")


class MalformedPayload(ValueError):
    """The body is not a webhook delivery we can read (bad JSON or wrong shape)."""


def signature_is_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """True when ``header`` is ``sha256=<hex>`` of the HMAC-SHA256 of the raw ``body``.

    Always over the bytes as received: re-serialised JSON differs (escapes of Persian
    letters, key order, spaces), so it would never match.
    """
    if not app_secret or not header:
        return False
    match = _SIGNATURE.fullmatch(header.strip())
    if match is None:
        return False
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), match.group(1).lower().encode("ascii"))


def sign(app_secret: str, body: bytes) -> str:
    """The header value Meta would send for ``body`` (for tests and local tools)."""
    return "sha256=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class WebhookReferral:
    """Meta's referral object: an ad, an ig.me link or another entry point."""

    source: str | None
    referral_type: str | None
    ref: str | None
    ad_id: str | None


@dataclass(frozen=True)
class Attachment:
    type: str  # image, video, audio, file, share, ig_post, ig_reel, story_mention, ...
    url: str | None = None
    media_id: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class SharedMedia:
    """A post or reel the customer shared, or the story they replied to."""

    kind: str  # "post", "reel" or "story"
    media_id: str | None
    url: str | None


@dataclass(frozen=True)
class MessageEvent:
    """A customer's message or button tap (postback); ``mid`` is the dedupe key."""

    account_id: str
    sender_id: str
    mid: str
    timestamp_ms: int
    kind: str = "message"  # "message" or "postback"
    text: str | None = None
    payload: str | None = None  # quick_reply.payload or postback.payload
    title: str | None = None  # postback button title
    attachments: tuple[Attachment, ...] = ()
    shared_media: SharedMedia | None = None
    referral: WebhookReferral | None = None

    @property
    def images(self) -> list[str]:
        return [a.url for a in self.attachments if a.type == "image" and a.url]


@dataclass(frozen=True)
class ReferralEvent:
    """A customer entered the thread from an ad or link without writing (messaging_referral)."""

    account_id: str
    sender_id: str
    timestamp_ms: int
    referral: WebhookReferral


@dataclass(frozen=True)
class CommentEvent:
    """A comment on one of the shop's posts (webhook field ``comments``)."""

    account_id: str
    comment_id: str
    media_id: str | None
    from_id: str | None
    from_username: str | None
    text: str
    time_s: float  # when Meta reported it, epoch seconds


Event = MessageEvent | ReferralEvent | CommentEvent


@dataclass(frozen=True)
class Received:
    """An event and the JSON it was read from, which is what the inbox keeps."""

    event: Event
    stored: dict  # {"field": "messaging" or "changes", "account_id", "entry_time", "item"}

    @property
    def kind(self) -> str:
        """The inbox's kind: one seen-set per kind of id."""
        if isinstance(self.event, CommentEvent):
            return "comment"
        return "referral" if isinstance(self.event, ReferralEvent) else "message"

    @property
    def external_id(self) -> str:
        """Meta's id of the event; a referral has none, so its customer and time stand in."""
        event = self.event
        if isinstance(event, MessageEvent):
            return event.mid
        if isinstance(event, CommentEvent):
            return event.comment_id
        return f"{event.sender_id}:{event.timestamp_ms}"

    @property
    def queue(self) -> str:
        """Whose turn it is: a customer's messages are handled one at a time, in order."""
        event = self.event
        if isinstance(event, CommentEvent):
            return f"comment:{event.from_id or event.comment_id}"
        return event.sender_id

    @property
    def timestamp_ms(self) -> int:
        event = self.event
        return int(event.time_s * 1000) if isinstance(event, CommentEvent) else event.timestamp_ms


@dataclass(frozen=True)
class Delivery:
    """Every event of one webhook POST, in order, and how many were not for us."""

    object: str
    received: tuple[Received, ...] = field(default_factory=tuple)
    ignored: int = 0

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(item.event for item in self.received)


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _epoch_ms(value: Any) -> int:
    """Meta's times are epoch milliseconds in messaging, seconds in ``changes``; 0 when absurd."""
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    number = float(value)
    milliseconds = number if number > 1e11 else number * 1000
    if not math.isfinite(milliseconds) or not 0 <= milliseconds < _MAX_EPOCH_MS:
        return 0
    return int(milliseconds)


def _epoch_seconds(value: Any, fallback: Any = None) -> float:
    """A comment's time: epoch numbers or Graph's "2017-08-31T18:10:30+0000"; else ``fallback``."""
    for candidate in (value, fallback):
        if candidate in (None, ""):
            continue
        try:
            return _epoch_ms(candidate) / 1000
        except (TypeError, ValueError):
            pass
        try:
            return datetime.strptime(str(candidate), "%Y-%m-%dT%H:%M:%S%z").timestamp()
        except ValueError:
            pass
    return 0.0


def _referral(raw: Any) -> WebhookReferral | None:
    if not isinstance(raw, dict):
        return None
    return WebhookReferral(
        source=_str(raw.get("source")),
        referral_type=_str(raw.get("type")),
        ref=_str(raw.get("ref")),
        ad_id=_str(raw.get("ad_id")),
    )


def _attachments(raw: Any) -> tuple[Attachment, ...]:
    found = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            continue
        payload = item.get("payload") if isinstance(item.get("payload"), dict) else {}
        media_id = _str(payload.get("ig_post_media_id") or payload.get("reel_video_id") or payload.get("id"))
        found.append(Attachment(item["type"], _str(payload.get("url")), media_id, _str(payload.get("title"))))
    return tuple(found)


_SHARE_KINDS = {"ig_post": "post", "share": "post", "ig_reel": "reel", "reel": "reel"}


def _shared_media(message: dict, attachments: tuple[Attachment, ...]) -> SharedMedia | None:
    """The post, reel or story a message refers to; ``ig_post`` wins over legacy ``share``."""
    reply_to = message.get("reply_to")
    story = reply_to.get("story") if isinstance(reply_to, dict) else None
    if isinstance(story, dict) and (story.get("id") or story.get("url")):
        return SharedMedia("story", _str(story.get("id")), _str(story.get("url")))
    ranked = sorted(
        (a for a in attachments if a.type in _SHARE_KINDS), key=lambda a: a.type not in ("ig_post", "ig_reel")
    )
    if ranked:
        best = ranked[0]
        return SharedMedia(_SHARE_KINDS[best.type], best.media_id, best.url)
    return None


def _messaging_event(account_id: str, raw: dict) -> Event | None:
    """One item of ``entry[].messaging``; None for anything that is not the customer's."""
    sender_id = _str((raw.get("sender") or {}).get("id"))
    if not sender_id or sender_id == account_id:
        return None  # our own messages come back as echoes
    try:
        timestamp_ms = _epoch_ms(raw.get("timestamp") or 0)
    except (TypeError, ValueError):
        timestamp_ms = 0  # an unreadable time is read as "now", the message is still the customer's

    message = raw.get("message")
    if isinstance(message, dict):
        if message.get("is_echo") or message.get("is_deleted") or message.get("is_unsupported"):
            return None
        mid = _str(message.get("mid"))
        if not mid:
            return None
        attachments = _attachments(message.get("attachments"))
        quick_reply = message.get("quick_reply") if isinstance(message.get("quick_reply"), dict) else {}
        return MessageEvent(
            account_id=account_id,
            sender_id=sender_id,
            mid=mid,
            timestamp_ms=timestamp_ms,
            text=_str(message.get("text")),
            payload=_str(quick_reply.get("payload")),
            attachments=attachments,
            shared_media=_shared_media(message, attachments),
            referral=_referral(message.get("referral")),
        )

    postback = raw.get("postback")
    if isinstance(postback, dict):
        mid = _str(postback.get("mid"))
        if not mid:
            return None
        return MessageEvent(
            account_id=account_id,
            sender_id=sender_id,
            mid=mid,
            timestamp_ms=timestamp_ms,
            kind="postback",
            text=_str(postback.get("title")),
            payload=_str(postback.get("payload")),
            title=_str(postback.get("title")),
            referral=_referral(postback.get("referral")),
        )

    referral = _referral(raw.get("referral"))
    if referral is not None:
        return ReferralEvent(account_id, sender_id, timestamp_ms, referral)
    return None  # read receipts, reactions, edits, typing and future kinds


def _comment_event(account_id: str, entry_time: Any, change: dict) -> CommentEvent | None:
    if change.get("field") != "comments":
        return None  # live_comments and every other field are not answered here
    value = change.get("value")
    if not isinstance(value, dict) or not _str(value.get("id")):
        return None
    sender = value.get("from") if isinstance(value.get("from"), dict) else {}
    media = value.get("media") if isinstance(value.get("media"), dict) else {}
    when = _epoch_seconds(value.get("timestamp") or value.get("created_time"), fallback=entry_time)
    return CommentEvent(
        account_id=account_id,
        comment_id=str(value["id"]),
        media_id=_str(media.get("id")),
        from_id=_str(sender.get("id")),
        from_username=_str(sender.get("username")),
        text=_str(value.get("text")) or "",
        time_s=when,
    )


def _items(entry: dict) -> Iterator[tuple[str, Any]]:
    """The events of one entry, whatever shape its lists came in."""
    for field_name in ("messaging", "changes"):
        found = entry.get(field_name)
        for raw in found if isinstance(found, list) else []:
            yield field_name, raw
    if "field" in entry and "value" in entry:  # the flat shape some of Meta's examples show
        yield "changes", {"field": entry["field"], "value": entry["value"]}


def read_stored(stored: Any) -> Event | None:
    """The event in a ``Received.stored`` document (as the inbox gives it back); None if unreadable."""
    if not isinstance(stored, dict) or not isinstance(stored.get("item"), dict):
        return None
    account_id = _str(stored.get("account_id")) or ""
    try:
        if stored.get("field") == "messaging":
            return _messaging_event(account_id, stored["item"])
        return _comment_event(account_id, stored.get("entry_time"), stored["item"])
    except (TypeError, ValueError, AttributeError, OverflowError) as error:
        logger.warning("Skipping an unreadable %s event: %s", stored.get("field"), error)
        return None


def _not_a_number(constant: str) -> None:
    """JSON's NaN and Infinity are no value Meta sends: read as missing."""
    return None


def parse_delivery(body: bytes) -> Delivery:
    """Every event in a webhook body, across all entries; MalformedPayload if unreadable."""
    try:
        document = json.loads(body, parse_constant=_not_a_number)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise MalformedPayload(f"not JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("entry"), list):
        raise MalformedPayload("no entry list")

    received: list[Received] = []
    ignored = 0
    for entry in document["entry"]:
        if not isinstance(entry, dict):
            ignored += 1
            continue
        account_id = _str(entry.get("id")) or ""
        for field_name, raw in _items(entry):
            stored = {"field": field_name, "account_id": account_id, "entry_time": entry.get("time"), "item": raw}
            event = read_stored(stored)
            if event is None:
                ignored += 1
            else:
                received.append(Received(event, stored))
    return Delivery(object=_str(document.get("object")) or "", received=tuple(received), ignored=ignored)
