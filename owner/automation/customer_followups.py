"""Customers' follow-ups (``customers`` in shop_automations.yml): scheduled in the store by
each rule that is on, then sent one by one, each at most once.

Sending goes through the assistant, not around it: the worker asks the Rasa server to run a
turn for an intent the customer did not type (``trigger_intent``, output channel
``instagram``), whose action words the follow-up from domain.yml in the customer's language
and whose replies pass the Instagram channel's own window check and send ledger. The turn is
in the customer's tracker, so a reply to it ("yes", a button) is understood in context.

Instagram lets a business write to a customer automatically only within 24 hours of the
customer's last message (``message_log.inside_window``). A follow-up due outside it is not
sent: it is kept, its text ready in the customer's language, for the owner to send by hand
from the dashboard, and lapses after 7 days.

A worker killed after the turn ran but before it recorded the send leaves a claim that
another worker takes over; before sending again, that worker looks for the follow-up's turn
in the tracker and, finding it, only records the send.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy.orm import Session, sessionmaker

from inventory_db import due_work, followups, message_log
from inventory_db.database import transaction
from owner import rasa_api
from owner.automation.config import FollowUpRule
from shoplang import followups as wording
from shoplang.followups import CHECKOUT_REMINDER_INTENT, FOLLOW_UP_ENTITY, FOLLOW_UP_INTENT
from shoplang.language import Language

logger = logging.getLogger(__name__)

OUTPUT_CHANNEL = "instagram"
SEND_LEASE = timedelta(minutes=5)  # well beyond one turn's timeout, so no one takes it over mid-send
SENDS_PER_RUN = 20

Scheduler = Callable[[Session, datetime, FollowUpRule], int]
SCHEDULERS: dict[str, Scheduler] = {
    due_work.ABANDONED_CHECKOUT: lambda s, now, rule: followups.schedule_abandoned_checkouts(
        s, now, rule.delay, rule.audience
    ),
    due_work.PAYMENT_REMINDER: lambda s, now, rule: followups.schedule_payment_reminders(
        s, now, rule.delay, rule.audience
    ),
    due_work.SHIPPED: lambda s, now, rule: followups.schedule_shipped_notices(s, now, rule.audience),
    due_work.RATING: lambda s, now, rule: followups.schedule_rating_requests(s, now, rule.delay, rule.audience),
    due_work.BACK_IN_STOCK: lambda s, now, rule: followups.schedule_back_in_stock(s, now, rule.audience),
}


def schedule(session: Session, rules: dict[str, FollowUpRule], now: datetime) -> int:
    """Schedule what each rule that is on finds due; how many follow-ups are new."""
    return sum(SCHEDULERS[kind](session, now, rule) for kind, rule in rules.items() if rule.on)


def intent_for(kind: str) -> str:
    return CHECKOUT_REMINDER_INTENT if kind == due_work.ABANDONED_CHECKOUT else FOLLOW_UP_INTENT


class Assistant(Protocol):
    """The running assistant, as the worker uses it (``RasaAssistant``; a fake in tests)."""

    async def trigger(self, customer_id: str, intent: str, entities: dict[str, str]) -> None: ...

    async def tracker(self, customer_id: str) -> dict[str, Any]: ...


class RasaAssistant:
    """The Rasa server's HTTP API (``RASA_URL``, JWT with ``RASA_API_TOKEN``), off the event loop."""

    async def trigger(self, customer_id: str, intent: str, entities: dict[str, str]) -> None:
        await asyncio.to_thread(rasa_api.trigger_intent, customer_id, intent, entities, OUTPUT_CHANNEL)

    async def tracker(self, customer_id: str) -> dict[str, Any]:
        return await asyncio.to_thread(rasa_api.tracker, customer_id)


def turn_ran(tracker: dict[str, Any], item_id: int) -> bool:
    """Whether the tracker holds the turn of follow-up ``item_id`` (a killed worker's send)."""
    for event in tracker.get("events") or []:
        parsed = event.get("parse_data") or {} if event.get("event") == "user" else {}
        if (parsed.get("intent") or {}).get("name") not in (FOLLOW_UP_INTENT, CHECKOUT_REMINDER_INTENT):
            continue
        if any(
            e.get("entity") == FOLLOW_UP_ENTITY and str(e.get("value")) == str(item_id)
            for e in parsed.get("entities") or []
        ):
            return True
    return False


_VARIABLE = re.compile(r"\{(\w+)\}")


class HandTexts:
    """The follow-ups' wording read from domain.yml, filled in as the assistant would fill it,
    for the messages the owner sends by hand."""

    def __init__(self, domain: Path) -> None:
        responses = (yaml.safe_load(domain.read_text(encoding="utf-8")) or {}).get("responses") or {}
        self._texts: dict[str, dict[str, str]] = {}
        for name in wording.RESPONSES.values():
            variations = responses.get(name)
            if not variations:
                raise ValueError(f"{domain} has no response {name}, which words a customer follow-up")
            self._texts[name] = {_language_of(v): v["text"] for v in variations}

    def text(self, item: due_work.DueItem, language: Language, zone: ZoneInfo) -> str:
        by_language = self._texts[wording.RESPONSES[item.kind]]
        template = by_language.get(language) or by_language["fa"]
        values = wording.values(item.kind, item.payload, language, zone)
        return _VARIABLE.sub(lambda match: values.get(match.group(1), match.group(0)), template)


def _language_of(variation: dict[str, Any]) -> str:
    for condition in variation.get("condition") or []:
        if condition.get("name") == "language":
            return str(condition.get("value"))
    return "fa"


@dataclass(frozen=True)
class Delivered:
    """What one pass did with the follow-ups it claimed, for the log line and the tests."""

    sent: int = 0
    hand_send: int = 0
    skipped: int = 0
    failed: int = 0


async def _language(assistant: Assistant, customer_id: str) -> Language:
    """The language the customer last wrote in (the tracker's slot); Persian when Rasa cannot say."""
    try:
        slots = (await assistant.tracker(customer_id)).get("slots") or {}
    except rasa_api.RasaUnreachable:
        return "fa"
    return "en" if slots.get("language") == "en" else "fa"


@dataclass(frozen=True)
class _Pass:
    """What one pass sends with: the store, the assistant, the wording, who and when."""

    factory: sessionmaker
    assistant: Assistant
    texts: HandTexts
    worker_id: str
    now: datetime
    zone: ZoneInfo


async def deliver(
    factory: sessionmaker,
    assistant: Assistant,
    texts: HandTexts,
    worker_id: str,
    now: datetime,
    zone: ZoneInfo,
) -> Delivered:
    """Send, keep for the owner, or skip each follow-up due at ``now``. No transaction stays
    open while the assistant runs a turn."""
    with transaction(factory) as session:
        due_work.lapse_hand_send(session, now)
        claimed = due_work.claim_due(session, worker_id, now, SENDS_PER_RUN, SEND_LEASE)
    this_pass = _Pass(factory, assistant, texts, worker_id, now, zone)
    counts = {"sent": 0, "hand_send": 0, "skipped": 0, "failed": 0}
    for item in claimed:
        outcome = await _deliver_one(this_pass, item)
        if outcome:
            counts[outcome] += 1
    return Delivered(**counts)


async def _deliver_one(run: _Pass, item: due_work.DueItem) -> str | None:
    """One follow-up's fate: "sent", "hand_send", "skipped", "failed", or None when its claim was lost."""
    factory, worker_id, now = run.factory, run.worker_id, run.now
    with transaction(factory) as session:
        if not due_work.renew(session, item.id, worker_id, SEND_LEASE, now):
            return None
        reason = followups.why_not_now(session, item, now)
        if reason is not None:
            return "skipped" if due_work.mark_skipped(session, item.id, worker_id, reason, now) else None
        last = message_log.last_customer_message_at(session, item.customer_id)
    if not message_log.inside_window(last, now):
        text = run.texts.text(item, await _language(run.assistant, item.customer_id), run.zone)
        with transaction(factory) as session:
            kept = due_work.mark_hand_send(session, item.id, worker_id, "outside the 24-hour window", text, now)
        return "hand_send" if kept else None
    try:
        if item.attempts > 1 and turn_ran(await run.assistant.tracker(item.customer_id), item.id):
            logger.info("follow-up %d was sent by a worker that stopped before recording it", item.id)
        else:
            await run.assistant.trigger(item.customer_id, intent_for(item.kind), {FOLLOW_UP_ENTITY: str(item.id)})
    except rasa_api.RasaUnreachable as error:
        logger.warning("follow-up %d not sent: %s", item.id, error)
        with transaction(factory) as session:
            due_work.mark_failed(session, item.id, worker_id, str(error), now, due_work.retry_time(item.attempts, now))
        return "failed"
    with transaction(factory) as session:
        if not due_work.mark_sent(session, item.id, worker_id, now):
            return None
        followups.sent(session, item, now)
    return "sent"
