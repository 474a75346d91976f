"""Which catalog product a post is: for shared posts and reels, story replies and comments.

The catalog's ``post`` column holds the post's shortcode (the ``C8dmoB21`` of
instagram.com/p/C8dmoB21/). Webhooks carry a media id and sometimes a link: a link
gives the shortcode at once; otherwise the Graph API is asked for the media's
shortcode, once per media id. Also remembers, per customer, the product they just
shared and where it came from, so "این موجوده؟" sent right after a shared post
means that product, and an order placed then is counted for that post. That memory
is in the store: any server process may handle the customer's next message.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session

from channels.instagram_send import GraphApiClient, GraphApiError
from channels.instagram_webhook import CommentEvent, SharedMedia, WebhookReferral
from inventory_db import message_log

T = TypeVar("T")
Db = Callable[[Callable[[Session], T]], Awaitable[T]]

SHARED_PRODUCT_MEMORY = timedelta(minutes=10)
_SHORTCODE_IN_URL = re.compile(r"instagram\.com/(?:[A-Za-z0-9_.]+/)?(?:p|reel|reels|tv)/([A-Za-z0-9_-]+)")
_CACHE_LIMIT = 4096
# Meta's names for what the customer shared or came from → the store's order sources
# (inventory_db.orders.SOURCES, which place_order checks).
_MEDIA_SOURCES = {"post": "post", "reel": "reel", "story": "story"}
_REFERRAL_SOURCES = {"ADS": "ad", "SHORTLINK": "link"}  # an ad; an ig.me link
COMMENT_SOURCE = "comment"  # a comment under a product post, answered in Direct


def order_source(origin: SharedMedia | WebhookReferral | CommentEvent) -> str | None:
    """Where the customer found the product, as an order source; None when Meta's name for
    it is one the shop does not count."""
    if isinstance(origin, SharedMedia):
        return _MEDIA_SOURCES.get(origin.kind)
    if isinstance(origin, WebhookReferral):
        return _REFERRAL_SOURCES.get((origin.source or "").upper())
    return COMMENT_SOURCE


@dataclass(frozen=True)
class Origin:
    """What a customer's next messages are about: the product, when known, and its order source."""

    product_code: str | None
    source: str | None


class SharedPosts:
    def __init__(self, client: GraphApiClient, db: Db, clock: Callable[[], datetime]) -> None:
        self._client = client
        self._db = db
        self._clock = clock
        # media id → shortcode (None: not ours). Per process, and safe so: a cache of Meta's answer,
        # the same on every replica; at worst each replica asks once (tests/cluster/test_channel_replicas.py).
        self._shortcodes: dict[str, str | None] = {}

    async def product_for(self, media: SharedMedia) -> str | None:
        """The on-sale product whose catalog ``post`` is this media's shortcode (or its id)."""
        keys = [match.group(1) for match in _SHORTCODE_IN_URL.finditer(media.url or "")]
        if media.media_id:
            keys.append(media.media_id)
        code = await self._db(lambda session: message_log.product_code_for_post(session, keys)) if keys else None
        if code is None and media.media_id:
            shortcode = await self._shortcode(media.media_id)
            if shortcode:
                code = await self._db(lambda session: message_log.product_code_for_post(session, [shortcode]))
        return code

    async def remember(self, sender_id: str, origin: Origin) -> Origin:
        """Keep ``origin`` as what the customer's next few minutes of messages are about."""
        now = self._clock()
        await self._db(lambda s: message_log.remember_origin(s, sender_id, origin.product_code, origin.source, now))
        return origin

    async def recently_shared(self, sender_id: str) -> Origin | None:
        """What ``sender_id`` shared or came from in the last few minutes, if anything."""
        since = self._clock() - SHARED_PRODUCT_MEMORY
        found = await self._db(lambda session: message_log.recent_origin(session, sender_id, since))
        return Origin(*found) if found else None

    async def _shortcode(self, media_id: str) -> str | None:
        if media_id in self._shortcodes:
            return self._shortcodes[media_id]
        shortcode = None
        try:
            media = await self._client.get_media(media_id)
            shortcode = media.get("shortcode")
            if not shortcode and media.get("permalink"):
                found = _SHORTCODE_IN_URL.search(str(media["permalink"]))
                shortcode = found.group(1) if found else None
        except GraphApiError as error:
            if error.transient:  # Meta was unreachable or failing: ask again next time, don't remember
                return None
            # refused: someone else's post, or an expired story: not one of ours
        if len(self._shortcodes) > _CACHE_LIMIT:
            self._shortcodes.clear()
        self._shortcodes[media_id] = shortcode
        return shortcode
