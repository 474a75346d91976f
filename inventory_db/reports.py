"""The owner's reports: read-only queries over the business events, plain rows out.

The role of the cosmicpython book's ``views.py``: nothing here changes the store, and
nothing here knows how a report is shown (``owner.report_text`` writes it for a
terminal, ``owner.shapes`` as the JSON scripts rely on). Every figure counts the
events of ``inventory_db.events`` that happened inside a period of the shop's local
days (``messages_in`` the inbox's messages, ``ratings`` the ratings given);
``docs/reports.md`` defines each one.

Counting, grouping and summing happen in SQL that reads the same on SQLite and
PostgreSQL. Durations are subtracted and medians taken in Python: date arithmetic and
``percentile_cont`` are spelt differently on each database, and a week of one shop's
orders is a short list. Rows are put in their final order in Python too, so ties and
NULLs sort the same on both databases whatever the collation.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from inventory_db import events, ratings
from inventory_db.automation_models import Rating
from inventory_db.events_models import BusinessEvent
from inventory_db.message_log_models import InboundEvent
from inventory_db.models import Order, OrderItem, Product

# The checkout form's questions in the order it asks them (domain.yml's checkout_form,
# without order_confirmed, whose question is the summary); a test keeps the two equal.
FORM_STEPS: tuple[str, ...] = (
    "product_code", "color", "size", "quantity", "customer_name", "phone", "address", "postal_code", "shipping_method",
)  # fmt: skip
INQUIRY_STEP = "inquiry"
CHECKOUT_STARTED = "checkout_started"
ORDER_PLACED_STEP = "order_placed"
PAID_STEP = "paid"
FUNNEL_STEPS: tuple[str, ...] = (
    INQUIRY_STEP, CHECKOUT_STARTED, *FORM_STEPS, events.SUMMARY_SHOWN, ORDER_PLACED_STEP, PAID_STEP,
)  # fmt: skip
TOP_UNRECOGNISED = 10
INBOUND_MESSAGE = "message"  # the Instagram inbox's kind for a customer's Direct message
_ORDERED = (events.ORDER_PLACED, events.ORDER_PAID)
DAYS_PER_QUERY = 366  # daily(): a CASE branch per day; a longer period takes a query per year


@dataclass(frozen=True)
class Period:
    """Whole local days, ``first_day`` to ``last_day`` inclusive, in the shop's time zone."""

    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError(f"the period ends ({self.last_day}) before it starts ({self.first_day})")

    @classmethod
    def last_days(cls, days: int, today: date) -> Period:
        """The ``days`` days ending with ``today``."""
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.first_day - timedelta(days=self.days), self.first_day - timedelta(days=1))

    def utc_bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) in UTC: local midnight starting the first day, local midnight after the last."""
        start = datetime.combine(self.first_day, time(), zone)
        end = datetime.combine(self.last_day + timedelta(days=1), time(), zone)
        return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


@dataclass(frozen=True)
class Conversations:
    total: int
    new_customers: int
    messages_in: int


@dataclass(frozen=True)
class InquiryRow:
    code: str
    name_fa: str | None
    name_en: str | None
    asks: int
    out_of_stock_asks: int


@dataclass(frozen=True)
class LostDemandRow:
    code: str
    color: str | None
    size: str | None
    asks: int
    restock_requests: int


@dataclass(frozen=True)
class Sales:
    orders_placed: int
    orders_paid: int
    units: int
    revenue_placed: int
    revenue_paid: int


@dataclass(frozen=True)
class BestSeller:
    code: str
    units: int
    revenue: int


@dataclass(frozen=True)
class FunnelStep:
    step: str
    conversations: int


@dataclass(frozen=True)
class Conversion:
    inquiry_to_order: float | None
    order_to_paid: float | None


@dataclass(frozen=True)
class Minutes:
    median: float | None
    mean: float | None


@dataclass(frozen=True)
class SourceRow:
    source: str
    ref: str | None
    conversations: int
    orders: int
    revenue: int


@dataclass(frozen=True)
class TextCount:
    text: str
    count: int


@dataclass(frozen=True)
class Nlu:
    fallback_rate: float | None
    top_unrecognised: list[TextCount] = field(default_factory=list)


@dataclass(frozen=True)
class Handoffs:
    requested: int
    released: int
    waiting: int
    median_wait_minutes: float | None


@dataclass(frozen=True)
class Ratings:
    """Ratings customers gave in the period: how many, their mean score (2 decimals; None
    without any) and how many of each score. ``distribution``'s keys are the scores as text,
    "1" to "5", each present even at 0: keys in JSON are text, so the record and the JSON
    contract read the same."""

    count: int
    mean: float | None
    distribution: dict[str, int]


@dataclass(frozen=True)
class Figures:
    """Every figure of one period; ``docs/reports.md`` says what each counts."""

    period: Period
    timezone: str
    conversations: Conversations
    inquiries: list[InquiryRow]
    lost_demand: list[LostDemandRow]
    sales: Sales
    best_sellers: list[BestSeller]
    funnel: list[FunnelStep]
    conversion: Conversion
    time_to_order_minutes: Minutes
    time_to_payment_minutes: Minutes
    by_source: list[SourceRow]
    nlu: Nlu
    handoffs: Handoffs
    ratings: Ratings


@dataclass(frozen=True)
class DayFigures:
    """One local day's orders placed and paid and their totals (toman), counted as ``Sales`` counts them."""

    day: date
    orders_placed: int
    revenue_placed: int
    orders_paid: int
    revenue_paid: int


@dataclass(frozen=True)
class Report:
    """A period's figures and, to compare each number with, the equal-length period before."""

    current: Figures
    previous: Figures


def report(session: Session, period: Period, zone: ZoneInfo) -> Report:
    """The report for ``period`` (local days in ``zone``) and the period before it."""
    return Report(figures(session, period, zone), figures(session, period.previous(), zone))


def figures(session: Session, period: Period, zone: ZoneInfo) -> Figures:
    """One period's figures; a period with no events gives zeros, empty lists and None."""
    return finish(period, zone, parts(session, period, zone))


@dataclass(frozen=True)
class Parts:
    """A period's figures before they are finished, in a form two adjacent periods' can be joined
    (``join``): counts that add up, and what distinct counts, medians and top lists need (the
    conversations, each one's furthest step, the durations, every unrecognised text). A page
    keeps the parts of days that are over and counts only today's (``owner.web.report_cache``)."""

    conversations: frozenset[str]
    new_customers: int
    messages_in: int
    inquiries: tuple[InquiryRow, ...]
    lost_demand: tuple[LostDemandRow, ...]
    sales: Sales
    best_sellers: tuple[BestSeller, ...]
    furthest: dict[str, int]  # conversation -> index of its furthest step in FUNNEL_STEPS
    to_order: tuple[timedelta, ...]
    to_payment: tuple[timedelta, ...]
    started: dict[tuple[str, str | None], frozenset[str]]  # (source, ref) -> conversations started
    ordered: dict[tuple[str, str | None], tuple[int, int]]  # (source, ref) -> (orders, revenue)
    fallbacks: int
    unrecognised: dict[str, int]
    handoffs_requested: int
    handoffs_released: int
    handoffs_waiting: int  # at the period's end
    waits: tuple[timedelta, ...]
    ratings: dict[int, int]  # score -> how many


def parts(session: Session, period: Period, zone: ZoneInfo) -> Parts:
    """The period's figures in parts (local days in ``zone``)."""
    window = _Window(session, *period.utc_bounds(zone))
    fallbacks, unrecognised = window.fallbacks()
    requested, released, waiting, waits = window.handoffs()
    return Parts(
        conversations=window.conversation_ids(),
        new_customers=window.new_customers(),
        messages_in=window.messages_in(),
        inquiries=tuple(window.inquiries()),
        lost_demand=tuple(window.lost_demand()),
        sales=window.sales(),
        best_sellers=tuple(window.best_sellers()),
        furthest=window.furthest_steps(),
        to_order=tuple(window.times_to_order()),
        to_payment=tuple(window.times_to_payment()),
        started=window.sources_started(),
        ordered=window.sources_ordered(),
        fallbacks=fallbacks,
        unrecognised=unrecognised,
        handoffs_requested=requested,
        handoffs_released=released,
        handoffs_waiting=waiting,
        waits=tuple(waits),
        ratings=window.ratings(),
    )


def _summed(rows: tuple[Any, ...], key: Any, numbers: tuple[str, ...]) -> list[Any]:
    """Rows of two periods with the same key made one, their ``numbers`` added."""
    joined: dict[Any, Any] = {}
    for row in rows:
        found = joined.get(key(row))
        joined[key(row)] = (
            row if found is None else replace(found, **{n: getattr(found, n) + getattr(row, n) for n in numbers})
        )
    return list(joined.values())


def _added(a: dict[Any, int], b: dict[Any, int]) -> dict[Any, int]:
    return {key: a.get(key, 0) + b.get(key, 0) for key in a.keys() | b.keys()}


def join(earlier: Parts, later: Parts) -> Parts:
    """The parts of two adjacent periods, ``later`` starting where ``earlier`` ends, as one period's."""
    sales = Sales(*(getattr(earlier.sales, f.name) + getattr(later.sales, f.name) for f in fields(Sales)))
    return Parts(
        conversations=earlier.conversations | later.conversations,
        new_customers=earlier.new_customers + later.new_customers,  # first of all time: in one of the two
        messages_in=earlier.messages_in + later.messages_in,
        inquiries=tuple(_summed(earlier.inquiries + later.inquiries, lambda r: r.code, ("asks", "out_of_stock_asks"))),
        lost_demand=tuple(
            _summed(
                earlier.lost_demand + later.lost_demand,
                lambda r: (r.code, r.color, r.size),
                ("asks", "restock_requests"),
            )
        ),
        sales=sales,
        best_sellers=tuple(_summed(earlier.best_sellers + later.best_sellers, lambda r: r.code, ("units", "revenue"))),
        furthest={
            conversation: max(earlier.furthest.get(conversation, -1), later.furthest.get(conversation, -1))
            for conversation in earlier.furthest.keys() | later.furthest.keys()
        },
        to_order=earlier.to_order + later.to_order,
        to_payment=earlier.to_payment + later.to_payment,
        started={
            key: earlier.started.get(key, frozenset()) | later.started.get(key, frozenset())
            for key in earlier.started.keys() | later.started.keys()
        },
        ordered={
            key: tuple(map(sum, zip(earlier.ordered.get(key, (0, 0)), later.ordered.get(key, (0, 0)), strict=True)))
            for key in earlier.ordered.keys() | later.ordered.keys()
        },
        fallbacks=earlier.fallbacks + later.fallbacks,
        unrecognised=_added(earlier.unrecognised, later.unrecognised),
        handoffs_requested=earlier.handoffs_requested + later.handoffs_requested,
        handoffs_released=earlier.handoffs_released + later.handoffs_released,
        handoffs_waiting=later.handoffs_waiting,
        waits=earlier.waits + later.waits,
        ratings=_added(earlier.ratings, later.ratings),
    )


def finish(period: Period, zone: ZoneInfo, found: Parts) -> Figures:
    """The figures of ``period`` from its parts: rows in their final order, shares, medians."""
    funnel = [
        FunnelStep(step, sum(1 for furthest in found.furthest.values() if furthest >= index))
        for index, step in enumerate(FUNNEL_STEPS)
    ]
    reached = {row.step: row.conversations for row in funnel}
    sources = [
        SourceRow(src, ref, len(found.started.get((src, ref), ())), *found.ordered.get((src, ref), (0, 0)))
        for src, ref in found.started.keys() | found.ordered.keys()
    ]
    texts = sorted((TextCount(text, n) for text, n in found.unrecognised.items()), key=lambda t: (-t.count, t.text))
    rated = sum(found.ratings.values())
    mean = round(sum(score * n for score, n in found.ratings.items()) / rated, 2) if rated else None
    distribution = {str(score): found.ratings.get(score, 0) for score in range(ratings.LOWEST, ratings.HIGHEST + 1)}
    return Figures(
        period=period,
        timezone=zone.key,
        conversations=Conversations(len(found.conversations), found.new_customers, found.messages_in),
        inquiries=sorted(found.inquiries, key=lambda r: (-r.asks, -r.out_of_stock_asks, r.code)),
        lost_demand=sorted(
            found.lost_demand,
            key=lambda r: (-(r.asks + r.restock_requests), -r.asks, r.code, r.color or "", r.size or ""),
        ),
        sales=found.sales,
        best_sellers=sorted(found.best_sellers, key=lambda r: (-r.units, -r.revenue, r.code)),
        funnel=funnel,
        conversion=Conversion(
            _ratio(reached[ORDER_PLACED_STEP], reached[INQUIRY_STEP]),
            _ratio(reached[PAID_STEP], reached[ORDER_PLACED_STEP]),
        ),
        time_to_order_minutes=_minutes(list(found.to_order)),
        time_to_payment_minutes=_minutes(list(found.to_payment)),
        by_source=sorted(sources, key=lambda r: (-r.conversations, -r.orders, -r.revenue, r.source, r.ref or "")),
        nlu=Nlu(_ratio(found.fallbacks, found.messages_in), texts[:TOP_UNRECOGNISED]),
        handoffs=Handoffs(
            found.handoffs_requested,
            found.handoffs_released,
            found.handoffs_waiting,
            _minutes(list(found.waits)).median,
        ),
        ratings=Ratings(rated, mean, distribution),
    )


def daily(session: Session, period: Period, zone: ZoneInfo) -> list[DayFigures]:
    """One row per local day of ``period`` in ``zone``, in order; a day with nothing is zeros.

    Each event is given its day in SQL, by a CASE comparing it with the UTC end of each day
    (``Period.utc_bounds``, so a day is the shop's, even one a clock change made 23 or 25
    hours long), then counted and summed per day: one query per DAYS_PER_QUERY days.
    """
    days = [period.first_day + timedelta(days=n) for n in range(period.days)]
    totals = {day: [0, 0, 0, 0] for day in days}
    for first in range(0, len(days), DAYS_PER_QUERY):
        chunk = days[first : first + DAYS_PER_QUERY]
        window = _Window(session, *Period(chunk[0], chunk[-1]).utc_bounds(zone))
        ends = [Period(day, day).utc_bounds(zone)[1] for day in chunk]
        day_of = case(*((BusinessEvent.occurred_at < end, n) for n, end in enumerate(ends)), else_=len(ends) - 1)
        ordered = (
            select(day_of.label("day"), BusinessEvent.kind, BusinessEvent.amount)
            .where(window._of(*_ORDERED))
            .subquery()
        )
        amount = func.coalesce(func.sum(ordered.c.amount), 0)
        query = select(ordered.c.day, ordered.c.kind, func.count(), amount).group_by(ordered.c.day, ordered.c.kind)
        for n, kind, count, revenue in session.execute(query):
            at = 0 if kind == events.ORDER_PLACED else 2  # orders and revenue placed, then paid
            totals[chunk[int(n)]][at : at + 2] = [int(count), int(revenue)]
    return [DayFigures(day, *totals[day]) for day in days]


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _minutes(spans: list[timedelta]) -> Minutes:
    if not spans:
        return Minutes(None, None)
    minutes = [span.total_seconds() / 60 for span in spans]
    return Minutes(round(statistics.median(minutes), 1), round(statistics.fmean(minutes), 1))


class _Window:
    """The queries of one [start, end) window in UTC."""

    def __init__(self, session: Session, start: datetime, end: datetime) -> None:
        self.session = session
        self.start = start
        self.end = end

    def _in(self, column: Any = BusinessEvent.occurred_at) -> Any:
        return and_(column >= self.start, column < self.end)

    def _of(self, *kinds: str) -> Any:
        return and_(BusinessEvent.kind.in_(kinds), self._in())

    def _count(self, *kinds: str) -> int:
        return self.session.execute(select(func.count()).where(self._of(*kinds))).scalar_one()

    # -- conversations --------------------------------------------------------------

    def conversation_ids(self) -> frozenset[str]:
        """Conversations in which the customer did something (not the owner or a sweeper)."""
        query = (
            select(BusinessEvent.conversation_id)
            .where(self._in(), BusinessEvent.external.is_(False))
            .group_by(BusinessEvent.conversation_id)
        )
        return frozenset(self.session.execute(query).scalars())

    def new_customers(self) -> int:
        """Customers whose first doing of all time falls in the window: those who did something
        in it and nothing before it (one index seek each, not a pass over every customer)."""
        earlier = aliased(BusinessEvent)
        before = (
            select(earlier.id)
            .where(
                earlier.customer_id == BusinessEvent.customer_id,
                earlier.external.is_(False),
                earlier.occurred_at < self.start,
            )
            .exists()
        )
        query = select(func.count(func.distinct(BusinessEvent.customer_id))).where(
            self._in(), BusinessEvent.external.is_(False), ~before
        )
        return self.session.execute(query).scalar_one()

    def messages_in(self) -> int:
        """Customers' Instagram Direct messages the webhook stored (other channels keep no inbox)."""
        query = select(func.count()).where(InboundEvent.kind == INBOUND_MESSAGE, self._in(InboundEvent.claimed_at))
        return self.session.execute(query).scalar_one()

    # -- demand ---------------------------------------------------------------------

    def inquiries(self) -> list[InquiryRow]:
        out_of_stock = func.sum(case((BusinessEvent.available == 0, 1), else_=0))
        query = (
            select(BusinessEvent.product_code, Product.name_fa, Product.name_en, func.count(), out_of_stock)
            .outerjoin(Product, Product.code == BusinessEvent.product_code)
            .where(self._of(events.INQUIRY), BusinessEvent.product_code.is_not(None))
            .group_by(BusinessEvent.product_code, Product.name_fa, Product.name_en)
        )
        rows = [InquiryRow(code, fa, en, n, int(none or 0)) for code, fa, en, n, none in self.session.execute(query)]
        return sorted(rows, key=lambda r: (-r.asks, -r.out_of_stock_asks, r.code))

    def lost_demand(self) -> list[LostDemandRow]:
        """Variants asked for while none was free, and restock notices asked for."""
        key = (BusinessEvent.product_code, BusinessEvent.color, BusinessEvent.size)
        asked = select(*key, literal(1).label("asks"), literal(0).label("requests")).where(
            self._of(events.INQUIRY), BusinessEvent.available == 0, BusinessEvent.product_code.is_not(None)
        )
        requested = select(*key, literal(0).label("asks"), literal(1).label("requests")).where(
            self._of(events.RESTOCK_REQUESTED)
        )
        both = union_all(asked, requested).subquery()
        query = select(
            both.c.product_code, both.c.color, both.c.size, func.sum(both.c.asks), func.sum(both.c.requests)
        ).group_by(both.c.product_code, both.c.color, both.c.size)
        rows = [LostDemandRow(code, col, size, int(a), int(r)) for code, col, size, a, r in self.session.execute(query)]
        rows.sort(key=lambda r: (-(r.asks + r.restock_requests), -r.asks, r.code, r.color or "", r.size or ""))
        return rows

    # -- sales ----------------------------------------------------------------------

    def sales(self) -> Sales:
        def totals(kind: str) -> tuple[int, int, int]:
            summed = (func.sum(BusinessEvent.quantity), func.sum(BusinessEvent.amount))
            query = select(func.count(), *(func.coalesce(total, 0) for total in summed)).where(self._of(kind))
            count, units, amount = self.session.execute(query).one()
            return int(count), int(units), int(amount)

        placed, units, revenue_placed = totals(events.ORDER_PLACED)
        paid, _, revenue_paid = totals(events.ORDER_PAID)
        return Sales(placed, paid, units, revenue_placed, revenue_paid)

    def best_sellers(self) -> list[BestSeller]:
        """Units and item revenue (shipping left out) per product of the orders placed in the window."""
        units = func.sum(OrderItem.quantity)
        revenue = func.sum(OrderItem.quantity * OrderItem.unit_price)
        query = (
            select(OrderItem.product_code, units, revenue)
            .join(Order, Order.id == OrderItem.order_id)
            .join(BusinessEvent, BusinessEvent.order_number == Order.number)
            .where(self._of(events.ORDER_PLACED))
            .group_by(OrderItem.product_code)
        )
        rows = [BestSeller(code, int(u), int(r)) for code, u, r in self.session.execute(query)]
        return sorted(rows, key=lambda r: (-r.units, -r.revenue, r.code))

    # -- the funnel -----------------------------------------------------------------

    def furthest_steps(self) -> dict[str, int]:
        """Each conversation's furthest funnel step in the window, as its index in FUNNEL_STEPS."""
        form_rank = {step: 2 + n for n, step in enumerate(FORM_STEPS)}
        summary = FUNNEL_STEPS.index(events.SUMMARY_SHOWN)
        rank = case(
            (BusinessEvent.kind == events.INQUIRY, 0),
            (BusinessEvent.kind == events.HOLD_PLACED, 1),
            (BusinessEvent.kind == events.ORDER_PLACED, FUNNEL_STEPS.index(ORDER_PLACED_STEP)),
            (BusinessEvent.kind == events.ORDER_PAID, FUNNEL_STEPS.index(PAID_STEP)),
            (BusinessEvent.step == events.SUMMARY_SHOWN, summary),
            *((BusinessEvent.step == step, rank) for step, rank in form_rank.items()),
            else_=1,  # a checkout step the form no longer asks: the checkout started
        )
        query = (
            select(BusinessEvent.conversation_id, func.max(rank))
            .where(self._of(events.INQUIRY, events.HOLD_PLACED, events.CHECKOUT_STEP, *_ORDERED))
            .group_by(BusinessEvent.conversation_id)
        )
        return {conversation: int(furthest) for conversation, furthest in self.session.execute(query)}

    def times_to_order(self) -> list[timedelta]:
        """From the conversation's first inquiry since its previous order to each order the customer placed."""
        order = aliased(BusinessEvent)
        asked = aliased(BusinessEvent)
        between = aliased(BusinessEvent)
        earlier_order = (
            select(between.id)
            .where(
                between.kind == events.ORDER_PLACED,
                between.conversation_id == order.conversation_id,
                between.occurred_at >= asked.occurred_at,
                between.occurred_at < order.occurred_at,
            )
            .correlate_except(between)  # two levels down: name both outer rows
            .exists()
        )
        first_ask = (
            select(func.min(asked.occurred_at))
            .where(
                asked.kind == events.INQUIRY,
                asked.conversation_id == order.conversation_id,
                asked.occurred_at <= order.occurred_at,
                ~earlier_order,
            )
            .scalar_subquery()
        )
        query = select(order.occurred_at, first_ask).where(
            order.kind == events.ORDER_PLACED, order.external.is_(False), self._in(order.occurred_at)
        )
        return [placed - began for placed, began in self.session.execute(query) if began is not None]

    def times_to_payment(self) -> list[timedelta]:
        """From each order's placing to its payment, for the payments in the window."""
        paid = aliased(BusinessEvent)
        placed = aliased(BusinessEvent)
        placed_at = (
            select(func.min(placed.occurred_at))
            .where(placed.kind == events.ORDER_PLACED, placed.order_number == paid.order_number)
            .scalar_subquery()
        )
        query = select(paid.occurred_at, placed_at).where(paid.kind == events.ORDER_PAID, self._in(paid.occurred_at))
        return [done - began for done, began in self.session.execute(query) if began is not None]

    # -- where customers came from --------------------------------------------------

    def sources_started(self) -> dict[tuple[str, str | None], frozenset[str]]:
        """The conversations started from each source and ref in the window."""
        source = func.coalesce(BusinessEvent.source, events.DIRECT)
        query = (
            select(source, BusinessEvent.ref, BusinessEvent.conversation_id)
            .where(self._of(events.CONVERSATION_STARTED))
            .group_by(source, BusinessEvent.ref, BusinessEvent.conversation_id)
        )
        found: dict[tuple[str, str | None], set[str]] = {}
        for src, ref, conversation in self.session.execute(query):
            found.setdefault((src, ref), set()).add(conversation)
        return {key: frozenset(conversations) for key, conversations in found.items()}

    def sources_ordered(self) -> dict[tuple[str, str | None], tuple[int, int]]:
        """Orders placed in the window and their revenue per source and ref.

        An order carries its source, not the ad's or link's ref: it takes the ref of the
        latest conversation start with the same source in its conversation.
        """
        source = func.coalesce(BusinessEvent.source, events.DIRECT)
        start = aliased(BusinessEvent)
        ref_of_order = (
            select(start.ref)
            .where(
                start.kind == events.CONVERSATION_STARTED,
                start.conversation_id == BusinessEvent.conversation_id,
                func.coalesce(start.source, events.DIRECT) == source,
                start.occurred_at <= BusinessEvent.occurred_at,
            )
            .order_by(start.occurred_at.desc(), start.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        placed = (
            select(source.label("source"), ref_of_order.label("ref"), BusinessEvent.amount)
            .where(self._of(events.ORDER_PLACED))
            .subquery()
        )
        revenue = func.coalesce(func.sum(placed.c.amount), 0)
        orders = select(placed.c.source, placed.c.ref, func.count(), revenue).group_by(placed.c.source, placed.c.ref)
        return {(src, ref): (int(count), int(total)) for src, ref, count, total in self.session.execute(orders)}

    # -- the assistant --------------------------------------------------------------

    def fallbacks(self) -> tuple[int, dict[str, int]]:
        """Messages the assistant did not understand: how many, and how often each (normalised) text."""
        query = (
            select(BusinessEvent.text, func.count())
            .where(self._of(events.FALLBACK), BusinessEvent.text.is_not(None))
            .group_by(BusinessEvent.text)
        )
        return self._count(events.FALLBACK), {text: int(n) for text, n in self.session.execute(query)}

    def handoffs(self) -> tuple[int, int, int, list[timedelta]]:
        """Hand-offs asked for and released in the window, those still waiting at its end, and the waits released in it."""
        requested = self._count(events.HANDOFF_REQUESTED)
        released = self._count(events.HANDOFF_RELEASED)
        asked = aliased(BusinessEvent)
        freed = aliased(BusinessEvent)
        released_since = (
            select(freed.id)
            .where(
                freed.kind == events.HANDOFF_RELEASED,
                freed.conversation_id == asked.conversation_id,
                freed.occurred_at >= asked.occurred_at,
                freed.occurred_at < self.end,
            )
            .exists()
        )
        waiting_query = select(func.count(func.distinct(asked.conversation_id))).where(
            asked.kind == events.HANDOFF_REQUESTED, asked.occurred_at < self.end, ~released_since
        )
        waiting = self.session.execute(waiting_query).scalar_one()
        asked_at = (
            select(func.max(asked.occurred_at))
            .where(
                asked.kind == events.HANDOFF_REQUESTED,
                asked.conversation_id == freed.conversation_id,
                asked.occurred_at <= freed.occurred_at,
            )
            .scalar_subquery()
        )
        released_in = select(freed.occurred_at, asked_at).where(
            freed.kind == events.HANDOFF_RELEASED, self._in(freed.occurred_at)
        )
        waits = [done - began for done, began in self.session.execute(released_in) if began is not None]
        return requested, released, waiting, waits

    # -- ratings --------------------------------------------------------------------

    def ratings(self) -> dict[int, int]:
        """Ratings by score, by when they were given (a rating changed later counts when it was changed)."""
        query = select(Rating.score, func.count()).where(self._in(Rating.at)).group_by(Rating.score)
        return {int(score): int(n) for score, n in self.session.execute(query)}
