"""The owner's alerts, queued once each in the store, then delivered to every configured channel.

Queuing and delivering are separate steps so that a crash between them loses nothing and
sends nothing twice: a queued notification has a key of its own per channel (a variant's
n-th fall to its threshold; the local date of a summary), and ``owner_notifications.enqueue``
refuses a key it has seen. Delivery claims each row with a lease (``owner_notifications``), so
two workers never send the same one; a failure is retried later with backoff, then kept as
failed for the dashboard to show.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from inventory_db import handoffs, low_stock, low_stock_alerts, order_states, order_views, owner_notifications, reports
from inventory_db.database import transaction
from owner.notify import NotificationFailed, Notifier, messages

logger = logging.getLogger(__name__)

DELIVERY_LEASE = timedelta(minutes=2)  # longer than one send's timeout
DELIVERIES_PER_RUN = 20
MAX_KEY = 200  # owner_notifications.dedupe_key's length


def queue_low_stock_alerts(session: Session, channels: list[str], now: datetime, dashboard_url: str) -> int:
    """One alert per channel naming every variant that has just fallen to its threshold (a first
    run on a shop with many low variants is one message, not one each); returns how many
    notifications were queued. The crossings are recorded in the same transaction, and even
    with no channel, so configuring one later does not replay the past."""
    crossings = low_stock_alerts.low_stock_crossings(session, now)
    if not crossings:
        return 0
    subject, body = messages.low_stock_alert([crossing.level for crossing in crossings], dashboard_url)
    key = _alert_key([crossing.key for crossing in crossings])
    queued = 0
    for channel in channels:
        found = owner_notifications.enqueue(
            session, owner_notifications.LOW_STOCK, key, channel, subject, body, now=now
        )
        queued += found is not None
    return queued


def _alert_key(crossing_keys: list[str]) -> str:
    """The crossings' own keys ("B-21/black/L#3"), or a digest of them when they are too many to list."""
    joined = " ".join(sorted(crossing_keys))
    return joined if len(joined) <= MAX_KEY else "sha256:" + hashlib.sha256(joined.encode("utf-8")).hexdigest()


def summary_due(now: datetime, zone: ZoneInfo, at: time) -> bool:
    """Whether today's summary time has come in the shop's time zone."""
    return now.astimezone(zone).time() >= at


def queue_daily_summary(
    session: Session, channels: list[str], now: datetime, zone: ZoneInfo, at: time, dashboard_url: str
) -> int:
    """Today's summary of yesterday, once per local day whatever the restarts (its key is the
    date); nothing before ``at``. Returns how many notifications were queued."""
    if not channels or not summary_due(now, zone, at):
        return 0
    today = now.astimezone(zone).date()
    yesterday = today - timedelta(days=1)
    report = reports.report(session, reports.Period(yesterday, yesterday), zone)
    count = order_views.count(session, order_views.OrderFilter(status=order_states.AWAITING_PAYMENT))
    to_ship = order_views.count(session, order_views.OrderFilter(status=order_states.PAID))
    low = low_stock.low_stock(session, now)
    waiting = len(handoffs.waiting(session))
    subject, body = messages.daily_summary(report, count, to_ship, low, waiting, dashboard_url)
    queued = 0
    for channel in channels:
        found = owner_notifications.enqueue(
            session, owner_notifications.DAILY_SUMMARY, today.isoformat(), channel, subject, body, now=now
        )
        queued += found is not None
    return queued


async def deliver(factory: sessionmaker, notifiers: list[Notifier], worker_id: str, now: datetime) -> int:
    """Send what is due on the configured channels; returns how many were sent.

    No transaction stays open while a message goes out: claim, send, then record.
    """
    by_channel = {notifier.channel: notifier for notifier in notifiers}
    with transaction(factory) as session:
        claimed = owner_notifications.claim_due(session, worker_id, now, DELIVERIES_PER_RUN, DELIVERY_LEASE)
    sent = 0
    for item in claimed:
        notifier = by_channel.get(item.channel)
        try:
            if notifier is None:
                raise NotificationFailed(f"no {item.channel} channel is configured", retryable=False)
            await notifier.send(item.subject, item.body)
        except NotificationFailed as failure:
            logger.warning("%s notification %s failed: %s", item.channel, item.id, failure.reason)
            with transaction(factory) as session:
                retry_at = owner_notifications.retry_time(item.attempts, now) if failure.retryable else None
                if failure.retry_after is not None and retry_at is not None:
                    retry_at = max(retry_at, now + timedelta(seconds=failure.retry_after))
                owner_notifications.mark_failed(session, item.id, worker_id, failure.reason, retry_at)
            continue
        with transaction(factory) as session:
            sent += owner_notifications.mark_sent(session, item.id, worker_id, now)
    return sent
