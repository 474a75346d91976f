"""Stock: what is available, the movement ledger, and the owner's counts.

available = on hand − unexpired active reservations − units of open orders.
Nothing stores "available": it is summed in SQL at the moment of asking, with
``now`` as a bound parameter, so a reservation or an unpaid order stops counting
the instant it lapses, with no job having to run first.

Every change of a variant's units is a ``StockMovement`` row (reason, actor, time
and how many units moved on hand, into holds and into open orders): the owner's
audit trail, and the sums the tests check against the live numbers.

Race safety: every path that can lower availability first locks the variant row
(``lock_variants``: SELECT … FOR NO KEY UPDATE on PostgreSQL; on SQLite the engine
begins each transaction with BEGIN IMMEDIATE, which already serialises writers),
then computes and writes inside the same transaction. Rows of several kinds are
locked in one order everywhere (``LOCK ORDER`` below), so no two transactions wait
for each other in a circle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from inventory_db import order_states
from inventory_db.errors import InvalidQuantity, StockCommitted, UnknownProduct, UnknownVariant
from inventory_db.models import Order, OrderItem, Product, Reservation, StockMovement, Variant, check_length, utcnow
from shoplang.normalize import canonical_color, canonical_product_code, canonical_size

# Why units moved. The first group is the owner's, the rest follow customers and orders.
IMPORT = "import"  # a catalog import set the count
SET = "set"  # the owner counted the shelf (shopctl stock set)
ADJUST = "adjust"  # the owner corrected by a delta, with a reason (shopctl stock adjust)
REMOVE = "remove"  # a catalog import with --replace removed the variant
RESERVE = "reserve"  # units held for a customer at checkout
RELEASE = "release"  # a hold given back (cancelled checkout)
EXPIRE = "expire"  # a lapsed hold marked by the sweeper
ORDER = "order"  # units allocated to a placed order (from a hold or directly)
SALE = "sale"  # an order shipped: the units left the shop
CANCEL = "cancel"  # an open order cancelled: its units back on sale
ORDER_EXPIRED = "order_expired"  # an unpaid order past its deadline: units back on sale
RETURN = "return"  # a shipped order came back: units on hand again
REASONS: tuple[str, ...] = (
    IMPORT,
    SET,
    ADJUST,
    REMOVE,
    RESERVE,
    RELEASE,
    EXPIRE,
    ORDER,
    SALE,
    CANCEL,
    ORDER_EXPIRED,
    RETURN,
)

ACTIVE = "active"  # the reservation status that holds units


def now_or(now: datetime | None) -> datetime:
    """``now`` if given (tests pin the clock), else the current UTC time; never naive."""
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


@dataclass(frozen=True)
class StockLevel:
    """One variant's numbers as the owner sees them."""

    code: str
    color: str
    size: str
    price: int
    on_hand: int
    reserved: int
    allocated: int
    active: bool

    @property
    def available(self) -> int:
        return free_units(self.on_hand, self.reserved, self.allocated)


@dataclass(frozen=True)
class ProductStock:
    code: str
    name_fa: str
    name_en: str
    category: str
    active: bool
    variants: tuple[StockLevel, ...]


@dataclass(frozen=True)
class Movement:
    """One ledger row, with the variant's units on hand after it."""

    id: int
    code: str
    color: str
    size: str
    reason: str
    on_hand_delta: int
    reserved_delta: int
    allocated_delta: int
    on_hand_after: int
    actor: str
    note: str | None
    order_number: int | None
    reservation_id: int | None
    at: datetime


def canonical_variant_key(code: str, color: str, size: str) -> tuple[str, str, str]:
    """The stored spelling of a product code, colour and size written any way."""
    return (
        canonical_product_code(code) or code.strip().upper(),
        canonical_color(color) or color.strip(),
        canonical_size(size) or size.strip(),
    )


def find_variant(
    session: Session, code: str, color: str, size: str, *, lock: bool = False, sellable: bool = False
) -> Variant:
    """The variant for a code, colour and size in any spelling; locked when ``lock``.

    ``sellable`` refuses products and variants a catalog import took off sale.
    """
    code, color, size = canonical_variant_key(code, color, size)
    query = (
        select(Variant)
        .join(Product, Product.id == Variant.product_id)
        .where(Product.code == code, Variant.color == color, Variant.size == size)
    )
    if lock:
        query = query.with_for_update(of=Variant, key_share=True).execution_options(populate_existing=True)
    variant = session.execute(query).scalar_one_or_none()
    if variant is None:
        if session.execute(select(Product.id).where(Product.code == code)).first() is None:
            raise UnknownProduct(code)
        raise UnknownVariant(code, color, size)
    if sellable and not variant.product.active:
        raise UnknownProduct(code)
    if sellable and not variant.active:
        raise UnknownVariant(code, color, size)
    return variant


# LOCK ORDER, on PostgreSQL (SQLite serialises writers at BEGIN IMMEDIATE). A transaction
# that locks rows of several kinds takes them in this order, each kind by ascending id:
#   1. reservations (placing an order from holds, releasing or sweeping holds),
#   2. orders (status steps, the sweeper: every overdue order before any variant),
#   3. variants (``lock_variants``),
#   4. the order-number counter (placement only).
# Taking a kind earlier in the list while holding a later one can deadlock with another path.
def lock_variants(session: Session, variant_ids: Collection[int]) -> dict[int, Variant]:
    """Lock these variant rows in id order (no deadlocks) and return them fresh."""
    if not variant_ids:
        return {}
    rows = session.execute(
        select(Variant)
        .where(Variant.id.in_(sorted(set(variant_ids))))
        .order_by(Variant.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).scalars()
    return {variant.id: variant for variant in rows}


def open_order_clause(now: datetime):  # type: ignore[no-untyped-def]
    """SQL condition for orders whose units are set aside: paid, or unpaid within the deadline."""
    return or_(
        Order.status == order_states.PAID,
        and_(Order.status == order_states.AWAITING_PAYMENT, Order.payment_due_at > now),
    )


def committed_units(
    session: Session, variant_ids: Collection[int] | None, now: datetime | None = None
) -> dict[int, tuple[int, int]]:
    """(reserved, allocated) per variant id at ``now``; ``None`` means every variant.

    One round trip: both sums come back from one UNION ALL.
    """
    now = now_or(now)
    held = select(Reservation.variant_id, literal(0), func.sum(Reservation.quantity)).where(
        Reservation.status == ACTIVE, Reservation.expires_at > now
    )
    ordered = (
        select(OrderItem.variant_id, literal(1), func.sum(OrderItem.quantity))
        .join(Order, Order.id == OrderItem.order_id)
        .where(open_order_clause(now))
    )
    if variant_ids is not None:
        ids = sorted(set(variant_ids))
        if not ids:
            return {}
        held = held.where(Reservation.variant_id.in_(ids))
        ordered = ordered.where(OrderItem.variant_id.in_(ids))
    both = union_all(held.group_by(Reservation.variant_id), ordered.group_by(OrderItem.variant_id))
    result: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for variant_id, kind, units in session.execute(both):
        result[variant_id][int(kind)] = int(units)
    return {variant_id: (held_units, allocated) for variant_id, (held_units, allocated) in result.items()}


def free_units(on_hand: int, reserved: int, allocated: int) -> int:
    """available = on hand − unexpired holds − units in open orders, never below 0.

    The one place the formula lives: what customers are shown and what reserving and
    ordering check against must never disagree.
    """
    return max(on_hand - reserved - allocated, 0)


def available_units(session: Session, variant: Variant, now: datetime | None = None) -> int:
    """Units of ``variant`` a customer could still reserve or order at ``now``."""
    return free_units(variant.on_hand, *committed_units(session, [variant.id], now).get(variant.id, (0, 0)))


def record(
    session: Session,
    variant: Variant,
    reason: str,
    actor: str,
    *,
    on_hand: int = 0,
    reserved: int = 0,
    allocated: int = 0,
    note: str | None = None,
    order_id: int | None = None,
    reservation_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Append one movement to the ledger (the caller has already changed the numbers)."""
    if reason not in REASONS:
        raise ValueError(f"unknown stock movement reason {reason!r}")
    check_length(StockMovement.note, note)
    session.add(
        StockMovement(
            variant_id=variant.id,
            product_code=variant.product.code,
            color=variant.color,
            size=variant.size,
            reason=reason,
            on_hand_delta=on_hand,
            reserved_delta=reserved,
            allocated_delta=allocated,
            actor=actor[:100],
            note=note or None,
            order_id=order_id,
            reservation_id=reservation_id,
            created_at=now_or(now),
        )
    )


def _level(variant: Variant, committed: dict[int, tuple[int, int]]) -> StockLevel:
    reserved, allocated = committed.get(variant.id, (0, 0))
    return StockLevel(
        code=variant.product.code,
        color=variant.color,
        size=variant.size,
        price=variant.price,
        on_hand=variant.on_hand,
        reserved=reserved,
        allocated=allocated,
        active=bool(variant.active and variant.product.active),
    )


def product_stock(session: Session, code: str, now: datetime | None = None) -> ProductStock:
    """Every variant of a product with on hand, reserved, allocated and available."""
    canonical = canonical_product_code(code) or code.strip().upper()
    product = session.execute(select(Product).where(Product.code == canonical)).scalar_one_or_none()
    if product is None:
        raise UnknownProduct(canonical)
    committed = committed_units(session, [v.id for v in product.variants], now)
    return ProductStock(
        code=product.code,
        name_fa=product.name_fa,
        name_en=product.name_en,
        category=product.category,
        active=bool(product.active),
        variants=tuple(_level(v, committed) for v in product.variants),
    )


def set_stock(
    session: Session,
    code: str,
    color: str,
    size: str,
    quantity: int,
    actor: str,
    note: str | None = None,
    now: datetime | None = None,
) -> StockLevel:
    """Make units on hand exactly ``quantity`` (the owner counted the shelf)."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise InvalidQuantity(quantity, "must be a whole number from 0")
    variant = find_variant(session, code, color, size, lock=True)
    return _change_on_hand(session, variant, quantity - variant.on_hand, SET, actor, note, now)


def adjust_stock(
    session: Session,
    code: str,
    color: str,
    size: str,
    delta: int,
    reason: str,
    actor: str,
    now: datetime | None = None,
) -> StockLevel:
    """Add (or with a negative ``delta`` remove) units on hand, saying why."""
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        raise InvalidQuantity(delta, "must be a whole number other than 0")
    if not reason or not reason.strip():
        raise ValueError("an adjustment needs a reason")
    variant = find_variant(session, code, color, size, lock=True)
    if variant.on_hand + delta < 0:
        raise InvalidQuantity(delta, f"would leave {variant.on_hand + delta} on hand")
    return _change_on_hand(session, variant, delta, ADJUST, actor, reason.strip(), now)


def _change_on_hand(
    session: Session, variant: Variant, delta: int, reason: str, actor: str, note: str | None, now: datetime | None
) -> StockLevel:
    now = now_or(now)
    committed = committed_units(session, [variant.id], now)
    reserved, allocated = committed.get(variant.id, (0, 0))
    new_on_hand = variant.on_hand + delta
    if delta < 0 and new_on_hand < reserved + allocated:
        raise StockCommitted(variant.product.code, variant.color, variant.size, new_on_hand, reserved + allocated)
    if delta:
        variant.on_hand = new_on_hand
        record(session, variant, reason, actor, on_hand=delta, note=note, now=now)
        session.flush()
    return _level(variant, committed)


def _movement(row: StockMovement, order_number: int | None, on_hand_after: int) -> Movement:
    return Movement(
        id=row.id,
        code=row.product_code,
        color=row.color,
        size=row.size,
        reason=row.reason,
        on_hand_delta=row.on_hand_delta,
        reserved_delta=row.reserved_delta,
        allocated_delta=row.allocated_delta,
        on_hand_after=on_hand_after,
        actor=row.actor,
        note=row.note,
        order_number=order_number,
        reservation_id=row.reservation_id,
        at=row.created_at,
    )


def history(session: Session, code: str, limit: int | None = None) -> list[Movement]:
    """A product's movements, oldest first (the last ``limit`` when given)."""
    canonical = canonical_product_code(code) or code.strip().upper()
    rows = session.execute(
        select(StockMovement, Order.number)
        .outerjoin(Order, Order.id == StockMovement.order_id)
        .where(StockMovement.product_code == canonical)
        .order_by(StockMovement.id)
    ).all()
    if not rows and session.execute(select(Product.id).where(Product.code == canonical)).first() is None:
        raise UnknownProduct(canonical)
    balance: dict[tuple[str, str], int] = defaultdict(int)
    movements = []
    for movement, order_number in rows:
        balance[(movement.color, movement.size)] += movement.on_hand_delta
        movements.append(_movement(movement, order_number, balance[(movement.color, movement.size)]))
    return movements[-limit:] if limit else movements


def variant_history(session: Session, variant_id: int, limit: int) -> list[Movement]:
    """One variant's last ``limit`` movements, newest first: a bounded read however long the
    product has sold (``history`` reads a product's whole ledger). Each keeps its units on hand
    after it, walked back from the ledger's total."""
    rows = session.execute(
        select(StockMovement, Order.number)
        .outerjoin(Order, Order.id == StockMovement.order_id)
        .where(StockMovement.variant_id == variant_id)
        .order_by(StockMovement.id.desc())
        .limit(limit)
    ).all()
    balance = session.execute(
        select(func.coalesce(func.sum(StockMovement.on_hand_delta), 0)).where(StockMovement.variant_id == variant_id)
    ).scalar_one()
    movements = []
    for movement, order_number in rows:
        movements.append(_movement(movement, order_number, balance))
        balance -= movement.on_hand_delta
    return movements


def ledger_totals(session: Session, variant_id: int) -> tuple[int, int, int]:
    """(on hand, held, allocated) as the ledger sums them, for audits and tests.

    Held counts holds not yet closed (a lapsed hold leaves it when the sweeper marks
    it); allocated counts orders whose stored status is open.
    """
    row = session.execute(
        select(
            func.coalesce(func.sum(StockMovement.on_hand_delta), 0),
            func.coalesce(func.sum(StockMovement.reserved_delta), 0),
            func.coalesce(func.sum(StockMovement.allocated_delta), 0),
        ).where(StockMovement.variant_id == variant_id)
    ).one()
    return int(row[0]), int(row[1]), int(row[2])
