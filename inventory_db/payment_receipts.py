"""Card-to-card receipts: what the customer sends after paying is kept with the order
it pays for, so the owner checks it against the bank and runs ``orders mark-paid``.

A receipt goes to the customer's most recent order still awaiting payment; with no
such order there is nothing to attach it to and the assistant says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_db import stock
from inventory_db.models import Order, PaymentReceipt
from inventory_db.order_states import AWAITING_PAYMENT

TEXT = "text"
IMAGE = "image"
KINDS = (TEXT, IMAGE)
MAX_CONTENT = 2000


@dataclass(frozen=True)
class ReceiptInfo:
    id: int
    order_number: int
    order_total: int
    kind: str
    content: str
    created_at: datetime


def _info(receipt: PaymentReceipt) -> ReceiptInfo:
    return ReceiptInfo(
        receipt.id, receipt.order.number, receipt.order.total, receipt.kind, receipt.content, receipt.created_at
    )


def record_receipt(
    session: Session, customer_id: str, kind: str, content: str, now: Optional[datetime] = None
) -> Optional[ReceiptInfo]:
    """Attach a receipt to the customer's latest unpaid order; None when they have none.

    The same receipt sent twice (a retried webhook, a second tap) is kept once.
    """
    if kind not in KINDS:
        raise ValueError(f"receipt kind must be one of {KINDS}, not {kind!r}")
    content = content.strip()[:MAX_CONTENT]
    if not content:
        raise ValueError("an empty receipt")
    order = session.execute(
        select(Order)
        .where(Order.customer_id == customer_id, Order.status == AWAITING_PAYMENT)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if order is None:
        return None
    existing = session.execute(
        select(PaymentReceipt).where(PaymentReceipt.order_id == order.id, PaymentReceipt.content == content)
    ).scalar_one_or_none()
    receipt = existing or PaymentReceipt(
        order=order, customer_id=customer_id, kind=kind, content=content, created_at=stock.now_or(now)
    )
    session.add(receipt)
    session.flush()
    return _info(receipt)


def receipts_for(session: Session, order_number: int) -> list[ReceiptInfo]:
    """Every receipt sent for the order, oldest first."""
    receipts = session.execute(
        select(PaymentReceipt)
        .join(Order)
        .where(Order.number == order_number)
        .order_by(PaymentReceipt.created_at, PaymentReceipt.id)
    ).scalars()
    return [_info(receipt) for receipt in receipts]
