"""*Handoffs*: the customers waiting for a person, longest first, how long they have waited and
their last few Direct messages; and the release button, which hands a customer back to the
assistant the same way ``shopctl handoff release`` does (``owner.handback.hand_back``:
Rasa resumes the conversation first, then the store takes the customer off the list, audit-logged).
If Rasa cannot be reached the page says so (502) and the customer stays on the list.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.orm import Session

from inventory_db import handoffs, message_log
from inventory_db.models import utcnow
from owner.handback import hand_back, split_duration
from owner.rasa_api import RasaUnreachable
from owner.web import store
from owner.web.templating import language_of, render, word
from shoplang.formatting import format_number
from shoplang.language import Language

ACTOR = "owner"
RECENT_MESSAGES = 3


def waited_text(seconds: int, language: Language) -> str:
    """ "۲ ساعت و ۱۵ دقیقه" / "2 h 15 min": the two largest units, as ``shopctl handoff list`` says it."""
    days, hours, minutes = split_duration(seconds)
    if days:
        parts = [(days, "days"), (hours, "hours")]
    elif hours:
        parts = [(hours, "hours"), (minutes, "minutes")]
    else:
        parts = [(minutes, "minutes")]
    shown = [f"{format_number(n, language)} {word(unit, language)}" for n, unit in parts if n]
    if not shown:
        return word("under_a_minute", language)
    return (" و " if language == "fa" else " ").join(shown)


@dataclass(frozen=True)
class Waiting:
    """One customer on the page: the hand-off, their last messages, and the release form's address."""

    customer: handoffs.WaitingCustomer
    messages: list[message_log.CustomerMessage]
    release_url: str


def read_waiting(session: Session, now: datetime) -> list[Waiting]:
    """The list and everyone's last messages, in one transaction (one query for the messages)."""
    found = handoffs.waiting_customers(session, now)
    recent = message_log.recent_messages(session, [h.customer_id for h in found], RECENT_MESSAGES)
    return [
        Waiting(h, recent.get(h.customer_id, []), f"/handoffs/{quote(h.customer_id, safe='')}/release") for h in found
    ]


async def _show(request: web.Request, status: int = 200, **extra: Any) -> web.Response:
    waiting = await store.run(request, read_waiting, utcnow())
    language = language_of(request)
    waited = {w.customer.customer_id: waited_text(w.customer.waiting_seconds, language) for w in waiting}
    return render(request, "handoffs.html", status=status, here="handoffs", waiting=waiting, waited=waited, **extra)


async def handoff_list(request: web.Request) -> web.Response:
    done = request.query.get("done")
    return await _show(request, flash=word("released", language_of(request)) if done else "")


async def release(request: web.Request) -> web.Response:
    customer_id = request.match_info["customer_id"]
    language = language_of(request)
    try:
        # Two short transactions around an HTTP call to Rasa: not one held open while it answers.
        await asyncio.to_thread(hand_back, request.app[store.FACTORY_KEY], customer_id, ACTOR)
    except RasaUnreachable as error:
        return await _show(request, status=502, error=f"{word('rasa_unreachable', language)} {error}")
    except handoffs.NoOpenHandoff:
        return await _show(request, status=409, error=word("not_waiting", language))
    raise web.HTTPSeeOther("/handoffs?done=release")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/handoffs", handoff_list)
    app.router.add_post("/handoffs/{customer_id}/release", release)
