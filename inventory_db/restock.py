"""Customers waiting for a sold-out variant, and which of them can now be told.

The assistant records the request in the chat; the owner (or a channel job) lists the
requests whose variant is available again and marks them notified once told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from inventory_db import events, stock
from inventory_db.errors import StoreError
from inventory_db.models import Product, RestockRequest, Variant


@dataclass(frozen=True)
class RestockRequestInfo:
    id: int
    customer_id: str
    code: str
    color: str
    size: str
    created_at: datetime
    notified_at: datetime | None
    available: int


class UnknownRestockRequest(StoreError):
    def __init__(self, request_id: int) -> None:
        super().__init__(f"no restock request {request_id}")
        self.request_id = request_id


def _info(session: Session, request: RestockRequest, now: datetime) -> RestockRequestInfo:
    variant = request.variant
    return RestockRequestInfo(
        request.id,
        request.customer_id,
        variant.product.code,
        variant.color,
        variant.size,
        request.created_at,
        request.notified_at,
        stock.available_units(session, variant, now),
    )


def request_notice(
    session: Session, customer_id: str, code: str, color: str, size: str, now: datetime | None = None
) -> RestockRequestInfo:
    """Record that the customer wants to hear when the variant is back; asking twice is one request."""
    now = stock.now_or(now)
    variant = stock.find_variant(session, code, color, size)
    existing = session.execute(
        select(RestockRequest).where(
            RestockRequest.variant_id == variant.id,
            RestockRequest.customer_id == customer_id,
            RestockRequest.notified_at.is_(None),
        )
    ).scalar_one_or_none()
    request = existing or RestockRequest(variant=variant, customer_id=customer_id, created_at=now)
    session.add(request)
    session.flush()
    if existing is None:
        events.record(
            session,
            events.RESTOCK_REQUESTED,
            customer_id,
            now=now,
            product_code=variant.product.code,
            color=variant.color,
            size=variant.size,
        )
    return _info(session, request, now)


def pending(session: Session, ready_only: bool = False, now: datetime | None = None) -> list[RestockRequestInfo]:
    """Open requests, oldest first; ``ready_only`` keeps those whose variant is available again."""
    now = stock.now_or(now)
    requests = session.execute(
        select(RestockRequest)
        .join(Variant)
        .join(Product)
        .options(joinedload(RestockRequest.variant).joinedload(Variant.product))
        .where(RestockRequest.notified_at.is_(None))
        .order_by(RestockRequest.created_at, RestockRequest.id)
    ).scalars()
    found = [_info(session, request, now) for request in requests]
    return [r for r in found if r.available > 0] if ready_only else found


def mark_notified(session: Session, request_id: int, now: datetime | None = None) -> RestockRequestInfo:
    """The customer has been told the variant is back."""
    now = stock.now_or(now)
    request = session.get(RestockRequest, request_id)
    if request is None:
        raise UnknownRestockRequest(request_id)
    request.notified_at = request.notified_at or now
    session.flush()
    return _info(session, request, now)
