"""``shop-worker``: the one process for the shop's scheduled work, started by ``make run``.

Each run queues what has become due (the owner's low-stock alerts and daily summary, the
customers' follow-ups) and delivers what is queued. Everything it knows is in the store: a restarted worker carries on where the last
one stopped, and two workers (a second replica, or one started by mistake) claim each row
before sending it, so nothing goes out twice. ``--once --now`` runs a single pass at a pinned
time, for tests and for checking a configuration by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
import sys
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import sessionmaker

from inventory_db import settings
from inventory_db.database import make_engine, make_session_factory, transaction
from inventory_db.models import utcnow
from owner.automation import customer_followups, owner_alerts
from owner.automation.config import Automations, AutomationsError, load_automations
from owner.automation.customer_followups import Assistant, HandTexts
from owner.notify import Notifier, notifiers_from_settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pass:
    """What one run did, for the log line and the tests."""

    alerts_queued: int
    summaries_queued: int
    sent: int
    follow_ups_scheduled: int = 0
    follow_ups: customer_followups.Delivered = customer_followups.Delivered()

    def did_something(self) -> bool:
        return (
            bool(self.alerts_queued or self.summaries_queued or self.sent or self.follow_ups_scheduled)
            or self.follow_ups != customer_followups.Delivered()
        )

    def line(self) -> str:
        done = self.follow_ups
        return (
            f"queued {self.alerts_queued} alerts, {self.summaries_queued} summaries; sent {self.sent}; "
            f"follow-ups: {self.follow_ups_scheduled} scheduled, {done.sent} sent, {done.hand_send} to send by hand, "
            f"{done.skipped} skipped, {done.failed} failed"
        )


@dataclass(frozen=True)
class Customers:
    """How the worker reaches customers: the assistant that sends, and the wording for the owner."""

    assistant: Assistant
    texts: HandTexts


async def run_once(
    factory: sessionmaker,
    automations: Automations,
    notifiers: list[Notifier],
    worker_id: str,
    now: datetime,
    customers: Customers | None = None,
) -> Pass:
    """One pass: queue what became due at ``now``, then deliver what is queued. Without
    ``customers`` the customers' follow-ups are neither scheduled nor sent."""
    channels = sorted({notifier.channel for notifier in notifiers})
    zone = settings.shop_timezone()
    with transaction(factory) as session:
        alerts = 0
        if automations.low_stock_alert:
            alerts = owner_alerts.queue_low_stock_alerts(session, channels, now, settings.dashboard_public_url())
        summaries = 0
        if automations.daily_summary:
            summaries = owner_alerts.queue_daily_summary(
                session, channels, now, zone, automations.daily_summary_at, settings.dashboard_public_url()
            )
        scheduled = 0 if customers is None else customer_followups.schedule(session, automations.follow_ups, now)
    sent = await owner_alerts.deliver(factory, notifiers, worker_id, now)
    if customers is None:
        return Pass(alerts, summaries, sent)
    delivered = await customer_followups.deliver(factory, customers.assistant, customers.texts, worker_id, now, zone)
    return Pass(alerts, summaries, sent, scheduled, delivered)


async def run_forever(
    factory: sessionmaker, automations: Automations, notifiers: list[Notifier], worker_id: str, customers: Customers
) -> None:
    """A pass every ``every_seconds`` until SIGTERM or SIGINT; a failed pass is logged, not fatal."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    while not stop.is_set():
        try:
            done = await run_once(factory, automations, notifiers, worker_id, utcnow(), customers)
            if done.did_something():
                logger.info("%s", done.line())
        except Exception:  # the database away for a moment, a bug in one rule: the next pass tries again
            logger.exception("a worker pass failed")
        try:
            await asyncio.wait_for(stop.wait(), automations.every_seconds)
        except asyncio.TimeoutError:
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="shop-worker", description="the shop's scheduled work: alerts, summaries, follow-ups"
    )
    parser.add_argument("--check", action="store_true", help="read shop_automations.yml and .env's channels, then exit")
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    parser.add_argument("--now", type=datetime.fromisoformat, help="with --once: the time to run at (ISO, with zone)")
    parser.add_argument(
        "--worker-id", default=f"{socket.gethostname()}:{os.getpid()}", help="names this worker's claims"
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    try:
        automations = load_automations()
        notifiers = notifiers_from_settings()
        customers = Customers(customer_followups.RasaAssistant(), HandTexts(settings.domain_file()))
    except (AutomationsError, ValueError, OSError) as error:
        print(f"shop-worker: {error}", file=sys.stderr)
        return 1
    if args.check:
        return 0
    if args.now is not None and (not args.once or args.now.tzinfo is None):
        print("shop-worker: --now needs --once and a time zone (e.g. 2026-12-02T09:00:00+03:30)", file=sys.stderr)
        return 1
    engine = make_engine()
    factory = make_session_factory(engine)
    try:
        if args.once:
            done = asyncio.run(
                run_once(factory, automations, notifiers, args.worker_id, args.now or utcnow(), customers)
            )
            print(done.line())
            return 0
        channels = ", ".join(n.channel for n in notifiers) or "none configured (see .env.example)"
        logger.info("worker %s: every %.0f s; owner channels: %s", args.worker_id, automations.every_seconds, channels)
        asyncio.run(run_forever(factory, automations, notifiers, args.worker_id, customers))
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
