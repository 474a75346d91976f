"""``shopctl restock``: who is waiting for an item that is back, and marking them told."""

from __future__ import annotations

import json

from sqlalchemy.orm import sessionmaker

from inventory_db import restock, stock
from inventory_db.database import transaction
from tests.owner.helpers import shopctl


def test_cli_lists_ready_requests_as_json(demo_store: sessionmaker, database_url: str) -> None:
    with transaction(demo_store) as session:
        request = restock.request_notice(session, "ig-42", "R-7", "green", "free")
        stock.set_stock(session, "R-7", "green", "free", 1, actor="owner")
    shown = shopctl("restock", "list", "--ready", "--json", url=database_url)
    assert shown.returncode == 0, shown.stderr
    assert [(r["customer_id"], r["code"], r["available"]) for r in json.loads(shown.stdout)] == [("ig-42", "R-7", 1)]
    done = shopctl("restock", "notified", str(request.id), url=database_url)
    assert done.returncode == 0 and "marked notified" in done.stdout
    missing = shopctl("restock", "notified", "999", url=database_url)
    assert missing.returncode == 1 and missing.stderr.strip() == "shopctl: no restock request 999"
