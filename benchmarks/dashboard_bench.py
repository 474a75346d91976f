"""Dashboard benchmark: how long each page of the owner's dashboard takes with 10,000 orders and
500 variants in the store, beside the same pages on a store holding only the catalog.

    make bench-dashboard                 # or: python -m benchmarks.dashboard_bench --help

The busy store is filled the way the shop fills it, through the store's own services: a
catalog import (100 products of 5 variants), then, over the last 60 days, conversations that
start, ask about products, go through the checkout's questions, hold units
(``checkout.hold``) and place orders from the holds (``orders.place_order``, as
``checkout.place`` does, with the simulated clock); the owner marks orders paid, ships and
delivers them, customers cancel some, the sweepers expire unpaid orders and lapsed holds,
customers send receipts, ask for a person and for restock notices; a few variants end low
on stock. Every business event is the one the services record. The quiet store (the
baseline) has the same catalog and the one order the order page needs.

Each store is served by the real app (``owner.web.app.init_app``) on 127.0.0.1; a real
client logs in through the login form and asks for every page of ``owner.web.pages.PAGES``
once to warm up, then ``--requests`` times in a row, for at most ``--page-seconds`` (a page
whose warm-up alone takes longer is not asked again: that one answer is its number). The
order page shows a delivered order, the variant page the variant with the longest stock
ledger. A page passes when its p95 is within ``--budget-ms`` on the busy store; the command
exits 1 when any page is slower or answers other than 200.

Writes a table to stdout and JSON (with the machine it ran on) to --out.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
import sqlalchemy
from aiohttp import web
from persiantools.jdatetime import JalaliDate
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.reporting import host_info, write_report
from inventory_db import (
    catalog_csv,
    checkout,
    events,
    handoffs,
    low_stock,
    order_states,
    orders,
    owner_accounts,
    payment_receipts,
    reports,
    reservations,
    restock,
    schema,
    settings,
    stock,
)
from inventory_db.database import make_engine, make_session_factory, transaction
from inventory_db.errors import CustomerLimitReached
from inventory_db.events_models import BusinessEvent
from inventory_db.models import Order, StockMovement, Variant
from inventory_db.policy import ShopPolicy, load_policy
from owner.web.app import init_app
from owner.web.pages import PAGES

PASSWORD = "bench-dashboard-owner"
OWNER = "owner"
VARIANTS_PER_PRODUCT = (("black", "M"), ("black", "L"), ("cream", "M"), ("cream", "L"), ("navy", "XL"))
CATEGORIES = (("manteau", "مانتو"), ("dress", "پیراهن"), ("coat", "پالتو"), ("trousers", "شلوار"), ("shawl", "شال"))
SOURCES = (("direct", 30), ("post", 25), ("story", 15), ("reel", 10), ("ad", 10), ("comment", 5), ("link", 5))
NAMES = ("سارا احمدی", "مریم رضایی", "زهرا کریمی", "نگار موسوی", "الهام حسینی", "فاطمه جعفری", "نازنین صادقی")
CITIES = ("تهران", "شیراز", "اصفهان", "مشهد", "تبریز", "رشت", "کرج")
FALLBACKS = ("سلام وقت بخیر", "این چنده", "ارسال به شهرستان دارید", "تخفیف دارید؟", "جنسش چیه")
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


# -- the catalog -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A variant as the seeder picks it, with how often customers want it."""

    code: str
    color: str
    size: str
    weight: float


def catalog(variants: int, orders_planned: int, rng: random.Random) -> tuple[list[catalog_csv.CatalogRow], list[Item]]:
    """``variants`` variants, five to a product; popular products first, stocked for the orders planned."""
    products = math.ceil(variants / len(VARIANTS_PER_PRODUCT))
    weights = [1 / (n + 1) ** 0.7 for n in range(products)]  # a few products sell most
    total = sum(weights)
    units_planned = orders_planned * 1.4
    rows, items = [], []
    for n in range(products):
        category, name_fa = CATEGORIES[n % len(CATEGORIES)]
        code, price = f"DB-{101 + n}", rng.randrange(50, 300) * 10_000
        shapes = VARIANTS_PER_PRODUCT[: min(len(VARIANTS_PER_PRODUCT), variants - len(items))]
        for color, size in shapes:
            share = weights[n] / total / len(shapes)
            on_hand = int(units_planned * share * 2) + 15
            line = len(rows) + 2
            rows.append(
                catalog_csv.CatalogRow(
                    line,
                    code,
                    f"{name_fa} مدل {101 + n}",
                    f"{category} model {101 + n}",
                    category,
                    color,
                    size,
                    price,
                    on_hand,
                    None,
                )
            )
            items.append(Item(code, color, size, weights[n]))
    return rows, items


def prepare(url: str, rows: list[catalog_csv.CatalogRow]) -> None:
    """A migrated store holding the catalog and the owner's password."""
    schema.upgrade(url)
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            catalog_csv.import_catalog(session, rows, actor=OWNER)
            owner_accounts.set_password(session, PASSWORD)
    finally:
        engine.dispose()


# -- the busy store ----------------------------------------------------------------------------


class Shop:
    """The simulated shop: customers who talk, buy and pay, and an owner who ships."""

    def __init__(self, items: list[Item], rng: random.Random, now: datetime, policy: ShopPolicy) -> None:
        self.items, self.rng, self.now, self.policy = items, rng, now, policy
        self.weights = [item.weight for item in items]
        self.sources = [s for s, _ in SOURCES]
        self.source_weights = [w for _, w in SOURCES]
        self.visitors = 0
        self.restocks = 0  # variants the owner had to restock for a customer to buy

    def pick(self) -> Item:
        return self.rng.choices(self.items, self.weights)[0]

    def new_visitor(self) -> str:
        self.visitors += 1
        return f"ig-visitor-{self.visitors:06d}"

    def converse(self, session: Session, customer: str, at: datetime, source: str) -> datetime:
        """A conversation starts where the customer came from; returns its start."""
        ref = {"ad": "spring-sale", "link": "bio"}.get(source)
        ad_id = "120210000000001" if source == "ad" else None
        events.start_conversation(session, customer, None if source == "direct" else source, ref, ad_id, now=at)
        return at

    def ask(self, session: Session, customer: str, item: Item, at: datetime) -> int:
        """An inquiry about a variant, with the units free when asked (as ``actions.catalog`` records it)."""
        variant = stock.find_variant(session, item.code, item.color, item.size)
        available = stock.available_units(session, variant, at)
        events.record(
            session,
            events.INQUIRY,
            customer,
            now=at,
            product_code=item.code,
            color=item.color,
            size=item.size,
            available=available,
        )
        return available

    def steps(self, session: Session, customer: str, start: datetime, end: datetime, count: int) -> None:
        """The checkout form's first ``count`` questions (and the summary past the last), evenly in [start, end)."""
        asked = [*reports.FORM_STEPS, events.SUMMARY_SHOWN][:count]
        for n, step in enumerate(asked):
            events.record(
                session, events.CHECKOUT_STEP, customer, now=start + (end - start) * n / len(asked), step=step
            )

    def hold(self, session: Session, customer: str, item: Item, quantity: int, at: datetime) -> int | None:
        """``checkout.hold``; restocks (the owner's adjustment) and tries again when sold out; None at a limit."""
        for _ in range(2):
            try:
                outcome = checkout.hold(
                    session, customer, item.code, item.color, item.size, quantity, now=at, limits=self.policy.limits
                )
            except CustomerLimitReached:
                return None
            if outcome.hold is not None:
                return outcome.hold.id
            stock.adjust_stock(session, item.code, item.color, item.size, 50, "restock", OWNER, now=at)
            self.restocks += 1
        raise RuntimeError(f"{item.code} {item.color} {item.size} could not be held after restocking")

    def buy(self, session: Session, customer: str, placed: datetime) -> orders.OrderInfo:
        """One customer's purchase: the conversation, the checkout and the order placed from its hold."""
        rng = self.rng
        source = rng.choices(self.sources, self.source_weights)[0]
        start = self.converse(session, customer, placed - timedelta(minutes=rng.uniform(5, 90)), source)
        item = self.pick()
        if rng.random() < 0.4:
            self.ask(session, customer, self.pick(), start + timedelta(seconds=30))
        self.ask(session, customer, item, start + timedelta(minutes=1))
        self.steps(session, customer, start + timedelta(minutes=2), placed, len(reports.FORM_STEPS) + 1)
        quantity = rng.choices((1, 2, 3), (80, 16, 4))[0]
        hold_id = self.hold(session, customer, item, quantity, placed - timedelta(minutes=1))
        if hold_id is None:  # this customer has too many unpaid orders: someone new buys instead
            return self.buy(session, self.new_visitor(), placed)
        method = rng.choice(self.policy.shipping_methods)
        priced = checkout.quote(session, hold_id, method.key, self.policy)
        details = orders.Customer(
            customer,
            rng.choice(NAMES),
            f"0912{rng.randrange(10**7):07d}",
            f"{rng.choice(CITIES)}، خیابان {rng.randrange(1, 80)}، پلاک {rng.randrange(1, 200)}",
            f"{rng.randrange(10**9, 10**10)}",
        )
        return orders.place_order(  # checkout.place, with the simulated clock
            session,
            f"chat:{customer}:hold:{hold_id}",
            details,
            reservation_ids=[hold_id],
            shipping_method=method.key,
            source=None if source == "direct" else source,
            shipping_fee=priced.shipping_fee,
            actor=events.customer_actor(customer),
            now=placed,
            limits=self.policy.limits,
        )

    def follow(self, session: Session, order: orders.OrderInfo, placed: datetime) -> None:
        """What happens to the order afterwards, each step only if its time has come."""
        rng, number, customer = self.rng, order.number, order.customer_id
        roll = rng.random()
        if roll < 0.74:
            paid = placed + timedelta(minutes=rng.uniform(5, 20 * 60))
            if rng.random() < 0.7:
                self.receipt(session, customer, min(paid, self.now) - timedelta(minutes=rng.uniform(1, 4)), placed)
            if paid >= self.now:
                return
            orders.mark_paid(session, number, OWNER, now=paid)
            if rng.random() < 0.03:
                at = paid + timedelta(hours=rng.uniform(1, 10))
                if at < self.now:
                    orders.cancel_order(session, number, OWNER, note="the customer asked", now=at)
                return
            shipped = paid + timedelta(hours=rng.uniform(4, 48))
            if shipped >= self.now:
                return
            orders.ship(session, number, f"{rng.randrange(10**11, 10**12)}", OWNER, now=shipped)
            delivered = shipped + timedelta(days=rng.uniform(1, 4))
            if delivered >= self.now:
                return
            orders.deliver(session, number, OWNER, now=delivered)
            returned = delivered + timedelta(days=rng.uniform(1, 6))
            if rng.random() < 0.02 and returned < self.now:
                orders.return_order(session, number, OWNER, note="wrong size", now=returned)
        elif roll < 0.86:
            at = placed + timedelta(minutes=rng.uniform(10, 12 * 60))
            if at < self.now:
                actor = events.customer_actor(customer)
                orders.cancel_order(session, number, actor, now=at, expect_status=order_states.AWAITING_PAYMENT)
        # the rest never pay: the sweeper expires them after the payment window

    def receipt(self, session: Session, customer: str, at: datetime, placed: datetime) -> None:
        if at > placed:
            text = f"کارت به کارت انجام شد، پیگیری {self.rng.randrange(10**5, 10**6)}"
            payment_receipts.record_receipt(session, customer, payment_receipts.TEXT, text, now=at)

    def browse(self, session: Session, customer: str, start: datetime) -> None:
        """A conversation without an order: questions, sometimes a checkout given up, a hold
        that lapses or is released, a message not understood, a restock notice, a person."""
        rng = self.rng
        self.converse(session, customer, start, rng.choices(self.sources, self.source_weights)[0])
        at = start
        for _ in range(rng.choice((1, 1, 2, 3))):
            at += timedelta(minutes=rng.uniform(0.5, 5))
            item = self.pick()
            if self.ask(session, customer, item, at) == 0 and rng.random() < 0.5:
                restock.request_notice(session, customer, item.code, item.color, item.size, now=at)
        if rng.random() < 0.25:
            self.steps(session, customer, at, at + timedelta(minutes=4), rng.randrange(1, len(reports.FORM_STEPS)))
            if rng.random() < 0.4:
                held = self.hold(session, customer, self.pick(), 1, at + timedelta(minutes=1))
                if held is not None and rng.random() < 0.5:
                    reservations.release(
                        session, held, events.customer_actor(customer), now=at + timedelta(minutes=3)
                    )  # the rest lapse: the sweeper expires them
        if rng.random() < 0.05:
            events.record(session, events.FALLBACK, customer, now=at, text=rng.choice(FALLBACKS))
        if rng.random() < 0.015:
            handoffs.request_handoff(session, customer, "می‌خوام با خود فروشنده صحبت کنم", now=at)
            released = at + timedelta(minutes=rng.uniform(10, 240))
            if released < self.now:
                handoffs.release(session, customer, OWNER, now=released)

    def sweep(self, session: Session, at: datetime) -> None:
        """The sweepers' run at ``at``: lapsed holds and unpaid orders past their deadline."""
        reservations.sweep_expired(session, now=at)
        orders.expire_overdue(session, now=at)

    def finish(self, session: Session, rng: random.Random) -> None:
        """Today: a few variants sell out or run low, customers ask for them, some wait for a person."""
        low = rng.sample(self.items, max(2, len(self.items) // 50))
        for n, item in enumerate(low):
            level = next(
                v
                for v in stock.product_stock(session, item.code).variants
                if (v.color, v.size) == (item.color, item.size)
            )
            stock.set_stock(session, item.code, item.color, item.size, level.reserved + level.allocated + n % 3, OWNER)
            if n % 4 == 0:
                low_stock.set_low_stock_threshold(session, item.code, item.color, item.size, 5)
            customer = self.new_visitor()
            at = self.now - timedelta(minutes=rng.uniform(5, 300))
            self.converse(session, customer, at, "post")
            if self.ask(session, customer, item, at + timedelta(minutes=1)) == 0:
                restock.request_notice(session, customer, item.code, item.color, item.size, now=at)
        for _ in range(5):
            customer = self.new_visitor()
            at = self.now - timedelta(minutes=rng.uniform(5, 180))
            self.converse(session, customer, at, "direct")
            handoffs.request_handoff(session, customer, "سلام، سفارشم کی می‌رسه؟", now=at)


def seed(
    factory: sessionmaker, items: list[Item], orders_wanted: int, days: int, batch: int, rng: random.Random
) -> dict[str, float]:
    """``orders_wanted`` orders and their conversations over the last ``days`` days, ``batch``
    orders to a transaction, in the order they were placed; how long it took."""
    started = time.perf_counter()
    now = datetime.now(timezone.utc)
    shop = Shop(items, rng, now, load_policy())
    first = now - timedelta(days=days)
    last = now - timedelta(minutes=10)
    times = sorted(first + (last - first) * rng.random() for _ in range(orders_wanted))
    buyers = [f"ig-buyer-{n:06d}" for n in range(max(1, orders_wanted // 3))]
    progress = max(batch, orders_wanted // 10)
    for begin in range(0, orders_wanted, batch):
        chunk = times[begin : begin + batch]
        with transaction(factory) as session:
            shop.sweep(session, chunk[0])
            for placed in chunk:
                shop.follow(session, shop.buy(session, rng.choice(buyers), placed), placed)
                for _ in range(rng.choice((1, 1, 1, 2))):
                    customer = rng.choice(buyers) if rng.random() < 0.3 else shop.new_visitor()
                    shop.browse(session, customer, placed - timedelta(hours=rng.uniform(0.2, 12)))
        done = begin + len(chunk)
        if done // progress > begin // progress or done == orders_wanted:
            print(f"  {done} orders seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with transaction(factory) as session:
        shop.sweep(session, now)
        shop.finish(session, rng)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 1), "orders_per_s": round(orders_wanted / seconds, 1), "restocks": shop.restocks}


def first_order(factory: sessionmaker, items: list[Item], rng: random.Random) -> None:
    """The quiet store's one order, so its order page shows an order as the busy store's does."""
    now = datetime.now(timezone.utc)
    shop = Shop(items, rng, now, load_policy())
    with transaction(factory) as session:
        shop.buy(session, "ig-buyer-000000", now - timedelta(minutes=10))


def census(factory: sessionmaker) -> dict[str, Any]:
    """What the store holds, counted in the store itself."""
    with transaction(factory) as session:
        by_status = dict(session.execute(select(Order.status, func.count()).group_by(Order.status)).all())
        by_kind = dict(session.execute(select(BusinessEvent.kind, func.count()).group_by(BusinessEvent.kind)).all())
        return {
            "orders": sum(by_status.values()),
            "orders_by_status": {status: by_status.get(status, 0) for status in order_states.STATUSES},
            "variants": session.execute(select(func.count(Variant.id))).scalar_one(),
            "business_events": sum(by_kind.values()),
            "events_by_kind": {kind: by_kind.get(kind, 0) for kind in events.KINDS},
            "waiting_handoffs": len(handoffs.waiting(session)),
            "low_stock_variants": len(low_stock.low_stock(session)),
        }


# -- the pages ---------------------------------------------------------------------------------


ADDRESSED = {"today", "orders", "reports", "stock", "handoffs", "catalog"}  # page modules with their own addresses


@dataclass(frozen=True)
class Page:
    name: str
    path: str


def page_modules() -> set[str]:
    """The dashboard's page modules, as ``owner.web.pages.PAGES`` lists them now."""
    return {module.__name__.rsplit(".", 1)[-1] for module in PAGES}


def pages(factory: sessionmaker, today: date, modules: set[str]) -> list[Page]:
    """Every page the owner opens, at addresses real in this store: a filtered list, an order, a report."""
    with transaction(factory) as session:
        numbers = sorted(session.execute(select(Order.number)).scalars())
        delivered = session.execute(
            select(func.max(Order.number)).where(Order.status == order_states.DELIVERED)
        ).scalar_one()
        shown = delivered or numbers[-1]
        busiest = session.execute(  # the variant whose page has the longest ledger to read
            select(StockMovement.product_code, StockMovement.color, StockMovement.size)
            .group_by(StockMovement.product_code, StockMovement.color, StockMovement.size)
            .order_by(func.count().desc(), StockMovement.product_code)
            .limit(1)
        ).one()
    week, month = today - timedelta(days=6), today - timedelta(days=29)
    found = [
        Page("today", "/"),
        Page("orders", "/orders"),
        Page("orders: awaiting payment", "/orders?" + urlencode({"status": order_states.AWAITING_PAYMENT})),
        Page("orders: delivered", "/orders?" + urlencode({"status": order_states.DELIVERED})),
        Page("orders: from ads", "/orders?source=ad"),
        Page("orders: last 30 days", "/orders?" + urlencode({"from": month.isoformat(), "to": today.isoformat()})),
        Page("orders: an older page", f"/orders?before={numbers[len(numbers) // 2] + 1}"),
        Page("order", f"/orders/{shown}"),
        Page("reports: 7 days", "/reports?" + urlencode({"from": week.isoformat(), "to": today.isoformat()})),
        Page("reports: 30 days (Jalali)", "/reports?" + urlencode({"from": _jalali(month), "to": _jalali(today)})),
    ]
    if "stock" in modules:
        found += [
            Page("stock", "/stock"),
            Page("stock: a variant", "/stock/" + "/".join(quote(p, safe="") for p in busiest)),
        ]
    if "handoffs" in modules:
        found.append(Page("handoffs", "/handoffs"))
    if "catalog" in modules:
        found.append(Page("catalog", "/catalog"))
    for module in sorted(modules - ADDRESSED):  # a page added since: its list, at its module's name
        found.append(Page(module, f"/{module}"))
    return found


def _jalali(day: date) -> str:
    jalali = JalaliDate(day)
    return f"{jalali.year}/{jalali.month:02d}/{jalali.day:02d}"


def summary(seconds: list[float]) -> dict[str, float]:
    """p50, p95 (nearest rank) and max, in milliseconds."""
    ordered = sorted(seconds)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def _log_in(client: aiohttp.ClientSession) -> None:
    """The login form, filled in as a browser would."""
    async with client.get("/login") as form:
        token = _TOKEN.search(await form.text())
    if token is None:
        raise RuntimeError("the login page has no CSRF token")
    data = {"csrf_token": token.group(1), "password": PASSWORD, "next": "/"}
    async with client.post("/login", data=data, allow_redirects=False) as response:
        if response.status != 303 or not any(c.key == "shop_session" for c in client.cookie_jar):
            raise RuntimeError(
                f"logging in failed (HTTP {response.status}); is DASHBOARD_SECURE_COOKIES on? It needs HTTPS"
            )


async def _get(client: aiohttp.ClientSession, path: str) -> tuple[float, int, int]:
    """One request, timed until its last byte is read: (seconds, status, bytes)."""
    started = time.perf_counter()
    async with client.get(path, allow_redirects=False) as response:
        body = await response.read()
    return time.perf_counter() - started, response.status, len(body)


async def _time_page(client: aiohttp.ClientSession, page: Page, requests: int, cap: float) -> dict[str, Any]:
    """One warm-up request, then ``requests`` timed ones, stopping early once they have taken
    ``cap`` seconds. A warm-up over ``cap`` is the page's only sample (a page that slow fails
    whatever its cache); a page that does not answer 200 to it is not timed: its status is the finding."""
    warm_up, status, size = await _get(client, page.path)
    if status != 200:
        return {"p50_ms": None, "p95_ms": None, "max_ms": None, "bytes": size, "status": [status], "timed": 0}
    seconds, statuses = [], {status}
    if warm_up > cap:
        return {**summary([warm_up]), "bytes": size, "status": [status], "timed": 0, "warm_up_only": True}
    while len(seconds) < requests and (not seconds or sum(seconds) < cap):
        took, status, size = await _get(client, page.path)
        seconds.append(took)
        statuses.add(status)
    return {**summary(seconds), "bytes": size, "status": sorted(statuses), "timed": len(seconds)}


async def measure(url: str, found: list[Page], requests: int, cap: float, label: str) -> dict[str, dict[str, Any]]:
    """The app on the store at ``url`` on a free port of 127.0.0.1, a logged-in client, each page timed."""
    runner = web.AppRunner(init_app(url), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    timings = {}
    try:
        jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1, an address rather than a name
        timeout = aiohttp.ClientTimeout(total=30 * 60)  # a slow page is a finding, not an error
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}", cookie_jar=jar, timeout=timeout) as client:
            await _log_in(client)
            for page in found:
                timings[page.name] = timing = await _time_page(client, page, requests, cap)
                print(f"  {label} {page.name:<26} p95 {_ms(timing['p95_ms']):>8} ms", file=sys.stderr)
    finally:
        await runner.cleanup()
    return timings


# -- the report --------------------------------------------------------------------------------


def verdicts(rows: list[dict[str, Any]], budget_ms: float) -> list[str]:
    """Pages that fail: over the budget at p95 on the busy store, or answering other than 200."""
    return [r["page"] for r in rows if r["busy"]["status"] != [200] or r["busy"]["p95_ms"] > budget_ms]


def print_table(report: dict[str, Any]) -> None:
    m, s, store = report["machine"], report["seeding"], report["busy_store"]
    budget = report["settings"]["budget_ms"]
    print(
        f"{m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB; Python {m['python']}, {report['settings']['backend']} "
        f"{m['postgresql'] or m['sqlite']}, aiohttp {m['aiohttp']}; load average {m['load_average_before_timing']}"
    )
    print(
        f"busy store: {store['orders']} orders, {store['variants']} variants, {store['business_events']} events, "
        f"{store['waiting_handoffs']} waiting for a person, {store['low_stock_variants']} low on stock; "
        f"seeded in {s['seconds']:.0f} s ({s['orders_per_s']:.0f} orders/s)"
    )
    print(
        f"up to {report['settings']['requests']} requests a page after one warm-up, for at most "
        f"{report['settings']['page_seconds']:.0f} s (n: requests timed; 0: the warm-up alone took longer); "
        f"budget {budget:.0f} ms at p95 on the busy store"
    )
    print(
        f"{'page':<26} {'quiet p50':>9} {'p95':>7} {'busy p50':>9} {'p95':>9} {'max':>9} {'KB':>6} {'n':>3}  "
        f"{'verdict':<8} path"
    )
    for r in report["pages"]:
        quiet, busy = r["quiet"], r["busy"]
        verdict = "ok" if r["within_budget"] else ("SLOW" if busy["status"] == [200] else f"HTTP {busy['status']}")
        print(
            f"{r['page']:<26} {_ms(quiet['p50_ms']):>9} {_ms(quiet['p95_ms']):>7} {_ms(busy['p50_ms']):>9} "
            f"{_ms(busy['p95_ms']):>9} {_ms(busy['max_ms']):>9} {busy['bytes'] / 1024:>6.1f} {busy['timed']:>3}  "
            f"{verdict:<8} {r['path']}"
        )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dashboard_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000, help="orders in the busy store (default 10000)")
    parser.add_argument("--variants", type=int, default=500, help="variants, 5 to a product (default 500)")
    parser.add_argument("--days", type=int, default=60, help="the orders are placed over this many days (default 60)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument(
        "--page-seconds", type=float, default=30.0, help="stop timing a page after this many seconds (default 30)"
    )
    parser.add_argument("--batch", type=int, default=50, help="orders seeded per transaction (default 50)")
    parser.add_argument("--budget-ms", type=float, default=300.0, help="p95 a page must stay within (default 300)")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server instead of SQLite")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the simulated shop (default 1)")
    parser.add_argument("--out", default="results/bench-dashboard.json")
    args = parser.parse_args(argv)
    if args.orders < 1 or args.variants < 1 or args.requests < 1:
        parser.error("--orders, --variants and --requests must be at least 1")

    began = time.perf_counter()
    rng = random.Random(args.seed)
    rows, items = catalog(args.variants, args.orders, rng)
    workdir = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    server, postgres_version, engines = None, None, []
    try:
        if args.postgres:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
            from tests.inventory_db import pg_server

            server = pg_server.start()
            postgres_version = server.version()
            quiet_url, busy_url = server.create_database("dashboard_quiet"), server.create_database("dashboard_busy")
        else:
            quiet_url, busy_url = f"sqlite:///{workdir / 'quiet.db'}", f"sqlite:///{workdir / 'busy.db'}"
        prepare(quiet_url, rows)
        prepare(busy_url, rows)
        engines = [make_engine(quiet_url), make_engine(busy_url)]
        quiet, busy = (make_session_factory(engine) for engine in engines)
        first_order(quiet, items, random.Random(args.seed))
        print(f"seeding {args.orders} orders over {args.days} days ...", file=sys.stderr)
        seeding = seed(busy, items, args.orders, args.days, args.batch, rng)
        busy_store = census(busy)
        print(f"seeded in {seeding['seconds']:.1f} s: {busy_store}", file=sys.stderr)

        load_before = [round(n, 2) for n in os.getloadavg()]
        today = datetime.now(settings.shop_timezone()).date()
        modules = page_modules()
        quiet_pages, busy_pages = pages(quiet, today, modules), pages(busy, today, modules)
        quiet_times = asyncio.run(measure(quiet_url, quiet_pages, args.requests, args.page_seconds, "quiet"))
        busy_times = asyncio.run(measure(busy_url, busy_pages, args.requests, args.page_seconds, "busy "))
    finally:
        for engine in engines:
            engine.dispose()
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    results = [
        {"page": p.name, "path": p.path, "quiet": quiet_times[p.name], "busy": busy_times[p.name]} for p in busy_pages
    ]
    failing = verdicts(results, args.budget_ms)
    for r in results:
        r["within_budget"] = r["page"] not in failing
    report = {
        "benchmark": "owner's dashboard pages",
        "machine": {
            **host_info(),
            "sqlalchemy": sqlalchemy.__version__,
            "aiohttp": aiohttp.__version__,
            "sqlite": sqlite3.sqlite_version,
            "postgresql": postgres_version,
            "load_average_before_timing": load_before,  # other work on the machine makes pages slower
        },
        "settings": {
            "backend": "postgresql" if args.postgres else "sqlite",
            "orders": args.orders,
            "variants": args.variants,
            "days": args.days,
            "requests": args.requests,
            "batch": args.batch,
            "budget_ms": args.budget_ms,
            "page_seconds": args.page_seconds,
            "seed": args.seed,
            "page_modules": sorted(modules),
        },
        "seeding": seeding,
        "busy_store": busy_store,
        "pages": results,
        "over_budget": failing,
        "total_seconds": round(time.perf_counter() - began, 1),
    }
    out = Path(args.out)
    write_report(out, report)
    print_table(report)
    print(f"whole run {report['total_seconds']:.0f} s; written to {out}")
    if failing:
        print(f"FAIL: {len(failing)} page(s) over {args.budget_ms:.0f} ms at p95 or not 200: {', '.join(failing)}")
        return 1
    print(f"every page within {args.budget_ms:.0f} ms at p95")
    return 0


if __name__ == "__main__":
    sys.exit(main())
