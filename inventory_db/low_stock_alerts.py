"""When to tell the owner a variant is running low: once when its available units fall to or
below its threshold, and again only after it has gone back above and fallen again.

The worker calls ``low_stock_crossings`` on every run. It compares each variant's low state
now (``low_stock.all_levels``: what customers can buy, against the variant's threshold or the
shop's; off sale is never low) with the state stored at the last comparison, and returns the
variants that have just fallen low, each numbered (``crossings``) so its notification has a
key of its own ("B-21/black/L#3"): a run repeated after a crash enqueues nothing twice.
Variants that went back above are recorded, without an alert. The first time a variant is
seen, being low already counts as falling low.

Each change is a conditional UPDATE (``below`` and ``crossings`` as read) or an INSERT that may lose to another
worker's, so two runs at once report each fall once. Rows of variants a catalog import
removed are dropped. Four queries however large the catalog, plus one write per change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_db import low_stock, stock
from inventory_db.automation_models import LowStockAlert
from inventory_db.models import Product, Variant


@dataclass(frozen=True)
class Crossing:
    """A variant that has just fallen to or below its threshold, for the ``crossings``-th time."""

    variant_id: int
    level: low_stock.VariantLevel
    crossings: int

    @property
    def key(self) -> str:
        """The notification's dedupe key: "B-21/black/L#3"."""
        return f"{self.level.code}/{self.level.color}/{self.level.size}#{self.crossings}"


def low_stock_crossings(session: Session, now: datetime | None = None, *, default: int | None = None) -> list[Crossing]:
    """The variants that fell low since the last call (in ``all_levels``' order), recording every
    variant's state; ``default`` is the shop's threshold (else the policy file's)."""
    now = stock.now_or(now)
    levels = low_stock.all_levels(session, now, default=default)
    keys = select(Variant.id, Product.code, Variant.color, Variant.size).join(Product, Product.id == Variant.product_id)
    ids = {(code, color, size): variant_id for variant_id, code, color, size in session.execute(keys)}
    state = select(LowStockAlert.variant_id, LowStockAlert.below, LowStockAlert.crossings)
    stored = {variant_id: (bool(below), crossings) for variant_id, below, crossings in session.execute(state)}
    found: list[Crossing] = []
    for level in levels:
        variant_id = ids[(level.code, level.color, level.size)]
        low = level.low
        if variant_id not in stored:
            if _first_seen(session, variant_id, low, now) and low:
                found.append(Crossing(variant_id, level, 1))
            continue
        below, crossings = stored[variant_id]
        if low == below:
            continue
        changed = session.execute(
            update(LowStockAlert)
            .where(
                LowStockAlert.variant_id == variant_id,
                LowStockAlert.below == below,
                LowStockAlert.crossings == crossings,
            )
            .values(below=low, crossings=crossings + 1 if low else crossings, changed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed and low:
            found.append(Crossing(variant_id, level, crossings + 1))
    gone = set(stored) - set(ids.values())
    if gone:
        session.execute(
            delete(LowStockAlert)
            .where(LowStockAlert.variant_id.in_(sorted(gone)))
            .execution_options(synchronize_session=False)
        )
    return found


def _first_seen(session: Session, variant_id: int, low: bool, now: datetime) -> bool:
    """Store a variant's first state; False when another worker stored it first."""
    try:
        with session.begin_nested():
            session.add(LowStockAlert(variant_id=variant_id, below=low, crossings=1 if low else 0, changed_at=now))
    except IntegrityError:
        return False
    return True
