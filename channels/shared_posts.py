"""Which catalog product a post is: for shared posts and reels, story replies and comments.

The catalog's ``post`` column holds the post's shortcode (the ``C8dmoB21`` of
instagram.com/p/C8dmoB21/). Webhooks carry a media id and sometimes a link: a link
gives the shortcode at once; otherwise the Graph API is asked for the media's
shortcode, once per media id. Also remembers, per customer, the product they just
shared, so "این موجوده؟" sent right after a shared post means that product.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Awaitable, Callable, Dict, Optional, TypeVar

from sqlalchemy.orm import Session

from channels.instagram_send import GraphApiClient, GraphApiError
from channels.instagram_webhook import SharedMedia
from inventory_db import message_log

T = TypeVar("T")
Db = Callable[[Callable[[Session], T]], Awaitable[T]]

SHARED_PRODUCT_MEMORY = timedelta(minutes=10)
_SHORTCODE_IN_URL = re.compile(r"instagram\.com/(?:[A-Za-z0-9_.]+/)?(?:p|reel|reels|tv)/([A-Za-z0-9_-]+)")
_CACHE_LIMIT = 4096


class SharedPosts:
    def __init__(self, client: GraphApiClient, db: Db, clock: Callable[[], datetime]) -> None:
        self._client = client
        self._db = db
        self._clock = clock
        self._shortcodes: Dict[str, Optional[str]] = {}  # media id → shortcode (None: not ours)
        self._recent: Dict[str, tuple[str, datetime]] = {}  # customer → (product code, when shared)

    async def product_for(self, media: SharedMedia) -> Optional[str]:
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

    def remember(self, sender_id: str, product_code: str) -> None:
        if len(self._recent) > _CACHE_LIMIT:
            self._recent.clear()
        self._recent[sender_id] = (product_code, self._clock())

    def recently_shared(self, sender_id: str) -> Optional[str]:
        """The product ``sender_id`` shared in the last few minutes, if any."""
        if sender_id not in self._recent:
            return None
        code, shared_at = self._recent[sender_id]
        if self._clock() - shared_at > SHARED_PRODUCT_MEMORY:
            del self._recent[sender_id]
            return None
        return code

    async def _shortcode(self, media_id: str) -> Optional[str]:
        if media_id in self._shortcodes:
            return self._shortcodes[media_id]
        shortcode = None
        try:
            media = await self._client.get_media(media_id)
            shortcode = media.get("shortcode")
            if not shortcode and media.get("permalink"):
                found = _SHORTCODE_IN_URL.search(str(media["permalink"]))
                shortcode = found.group(1) if found else None
        except GraphApiError:
            pass  # someone else's post, or an expired story: not one of ours
        if len(self._shortcodes) > _CACHE_LIMIT:
            self._shortcodes.clear()
        self._shortcodes[media_id] = shortcode
        return shortcode
