"""``shopctl orders show`` lists the payment receipts a customer sent, and where each image is kept."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import orders, payment_receipts
from inventory_db.database import transaction
from inventory_db.orders import Customer, ItemRequest
from inventory_db.payment_receipts import ReceiptImage
from owner import cli
from tests.inventory_db.helpers import ALI, item, place
from tests.owner.helpers import shopctl

PNG = b"\x89PNG\r\n\x1a\n receipt"


def test_orders_show_lists_the_receipts(demo_store: sessionmaker, database_url: str) -> None:
    customer = Customer("ig-3", "Sara", "+989121234567", "Tehran, Valiasr 12", None)
    with transaction(demo_store) as session:
        order = orders.place_order(
            session,
            "k-ig-3",
            customer,
            items=[ItemRequest("B-21", "black", "L", 1)],
            shipping_method="post",
            actor="test",
        )
        payment_receipts.record_receipt(session, "ig-3", "image", "https://cdn.example/r.jpg")
    shown = shopctl("orders", "show", str(order.number), "--json", url=database_url)
    assert shown.returncode == 0, shown.stderr
    receipts = json.loads(shown.stdout)["receipts"]
    assert [(r["kind"], r["content"]) for r in receipts] == [("image", "https://cdn.example/r.jpg")]
    text = shopctl("orders", "show", str(order.number), url=database_url)
    assert "receipt" in text.stdout and "https://cdn.example/r.jpg" in text.stdout


def test_orders_show_says_where_the_image_is_or_why_it_is_not(
    demo_store: sessionmaker,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SHOP_MEDIA_DIR", str(tmp_path / "media"))
    order = place(demo_store, "k", items=[item("SH-12", "gray", "free")])
    with transaction(demo_store) as session:
        kept, lost = (
            payment_receipts.record_receipt(session, ALI.instagram_id, payment_receipts.IMAGE, url)
            for url in ("https://cdn.example/0.png", "https://cdn.example/1.png")
        )
        assert kept is not None and lost is not None
        payment_receipts.attach_image(session, kept.id, ReceiptImage(PNG, "image/png"))
        payment_receipts.attach_image(session, lost.id, ReceiptImage(error="fetch failed: TimeoutError"))
    assert cli.main(["orders", "show", str(order.number)]) == 0
    shown = capsys.readouterr().out
    assert f"kept as {tmp_path / 'media' / 'receipts' / hashlib.sha256(PNG).hexdigest()}.png" in shown
    assert "https://cdn.example/1.png  (image not kept: fetch failed: TimeoutError)" in shown
