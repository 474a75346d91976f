"""Receipt images kept in the store's media folder, named by content (what `shopctl orders show` says of them: tests/owner)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import payment_receipts
from inventory_db.database import transaction
from inventory_db.payment_receipts import ReceiptImage
from tests.inventory_db.helpers import ALI, item, place

PNG = b"\x89PNG\r\n\x1a\n receipt"


@pytest.fixture
def media(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHOP_MEDIA_DIR", str(tmp_path / "media"))
    return tmp_path / "media" / "receipts"


def _image_receipt(factory: sessionmaker, url: str) -> payment_receipts.ReceiptInfo:
    with transaction(factory) as session:
        receipt = payment_receipts.record_receipt(session, ALI.instagram_id, payment_receipts.IMAGE, url)
    assert receipt is not None
    return receipt


def test_an_image_is_kept_once_by_its_sha256_and_a_missing_one_says_why(demo_store: sessionmaker, media: Path) -> None:
    place(demo_store, "k", items=[item("SH-12", "gray", "free")])
    first, second, lost = (_image_receipt(demo_store, f"https://cdn.example/{n}.png") for n in range(3))
    with transaction(demo_store) as session:
        kept = payment_receipts.attach_image(session, first.id, ReceiptImage(PNG, "image/png"))
        again = payment_receipts.attach_image(session, second.id, ReceiptImage(PNG, "image/png"))
        missing = payment_receipts.attach_image(session, lost.id, ReceiptImage(error="HTTP 403"))
    sha256 = hashlib.sha256(PNG).hexdigest()
    path = media / f"{sha256}.png"
    assert (kept.file_path, kept.file_sha256) == (again.file_path, again.file_sha256) == (str(path), sha256)
    assert list(media.iterdir()) == [path] and path.read_bytes() == PNG
    assert (missing.content, missing.file_path, missing.file_error) == ("https://cdn.example/2.png", None, "HTTP 403")
