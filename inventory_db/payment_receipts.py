"""Card-to-card receipts: what the customer sends after paying is kept with the order
it pays for, so the owner checks it against the bank and runs ``orders mark-paid``.

A receipt goes to the customer's most recent order still awaiting payment; with no
such order there is nothing to attach it to and the assistant says so. An image comes
as an address on Meta's CDN, which expires: the image itself is kept in the store's
media folder (``settings.receipts_dir``), named by its sha256, or why it could not be.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_db import settings, stock
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
    file_path: str | None = None
    file_sha256: str | None = None
    file_error: str | None = None  # an image that could not be kept: why


@dataclass(frozen=True)
class ReceiptImage:
    """A receipt image as fetched: its bytes and content type, or why there are none."""

    data: bytes | None = None
    content_type: str | None = None
    error: str | None = None


def receipt_info(receipt: PaymentReceipt) -> ReceiptInfo:
    """The plain record services hand out for an ORM receipt."""
    return ReceiptInfo(
        receipt.id,
        receipt.order.number,
        receipt.order.total,
        receipt.kind,
        receipt.content,
        receipt.created_at,
        receipt.file_path,
        receipt.file_sha256,
        receipt.file_error,
    )


def record_receipt(
    session: Session, customer_id: str, kind: str, content: str, now: datetime | None = None
) -> ReceiptInfo | None:
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
    return receipt_info(receipt)


def _keep(data: bytes, content_type: str | None) -> tuple[str, str]:
    """Write the image under the media folder as <sha256><extension>; (path, sha256).

    Named by content, so the same image sent twice is one file; written to a temporary
    name and renamed, so a crash never leaves half an image under the real name.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    folder = settings.receipts_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sha256}{mimetypes.guess_extension(content_type or '') or ''}"
    if not path.exists():
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        os.replace(partial, path)
    return str(path), sha256


def attach_image(session: Session, receipt_id: int, image: ReceiptImage) -> ReceiptInfo:
    """Keep a receipt's image in the media folder and record its path and sha256, or record
    why it is missing (the address stays the receipt's content either way)."""
    receipt = session.get(PaymentReceipt, receipt_id)
    if receipt is None:
        raise ValueError(f"no receipt {receipt_id}")
    error = image.error or "no image"
    if image.data:
        try:
            receipt.file_path, receipt.file_sha256 = _keep(image.data, image.content_type)
            error = None
        except OSError as failed:  # a full or read-only disk: the address is still kept
            error = f"not saved: {failed.strerror or failed}"
    receipt.file_error = error[:200] if error else None
    session.flush()
    return receipt_info(receipt)


def receipts_for(session: Session, order_number: int) -> list[ReceiptInfo]:
    """Every receipt sent for the order, oldest first."""
    receipts = session.execute(
        select(PaymentReceipt)
        .join(Order)
        .where(Order.number == order_number)
        .order_by(PaymentReceipt.created_at, PaymentReceipt.id)
    ).scalars()
    return [receipt_info(receipt) for receipt in receipts]


def get_receipt(session: Session, receipt_id: int) -> ReceiptInfo | None:
    """One receipt by id, or None: the dashboard shows its image beside the order."""
    receipt = session.get(PaymentReceipt, receipt_id)
    return receipt_info(receipt) if receipt is not None else None
