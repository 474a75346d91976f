"""Restock requests: recorded once, ready when the variant is back, marked when told."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import restock, stock
from inventory_db.database import transaction


def test_ready_once_stock_returns_and_marked_when_told(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        first = restock.request_notice(session, "c1", "B-21", "سرمه‌ای", "L")
        again = restock.request_notice(session, "c1", "b21", "navy", "L")
        restock.request_notice(session, "c2", "B-21", "navy", "L")
    assert again.id == first.id
    with transaction(demo_store) as session:
        assert len(restock.pending(session)) == 2
        assert restock.pending(session, ready_only=True) == []
        stock.set_stock(session, "B-21", "navy", "L", 2, actor="owner")
    with transaction(demo_store) as session:
        ready = restock.pending(session, ready_only=True)
        assert [(r.customer_id, r.available) for r in ready] == [("c1", 2), ("c2", 2)]
        restock.mark_notified(session, first.id)
    with transaction(demo_store) as session:
        assert [r.customer_id for r in restock.pending(session)] == ["c2"]
        with pytest.raises(restock.UnknownRestockRequest):
            restock.mark_notified(session, 999)


def test_cli_lists_ready_requests_as_json(demo_store: sessionmaker, database_url: str) -> None:
    with transaction(demo_store) as session:
        request = restock.request_notice(session, "ig-42", "R-7", "green", "free")
        stock.set_stock(session, "R-7", "green", "free", 1, actor="owner")
    env = {**os.environ, "DATABASE_URL": database_url}
    shown = subprocess.run([sys.executable, "-m", "inventory_db.cli", "restock", "list", "--ready", "--json"], capture_output=True, text=True, env=env)
    assert shown.returncode == 0, shown.stderr
    assert [(r["customer_id"], r["code"], r["available"]) for r in json.loads(shown.stdout)] == [("ig-42", "R-7", 1)]
    done = subprocess.run([sys.executable, "-m", "inventory_db.cli", "restock", "notified", str(request.id)], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and "marked notified" in done.stdout
    missing = subprocess.run([sys.executable, "-m", "inventory_db.cli", "restock", "notified", "999"], capture_output=True, text=True, env=env)
    assert missing.returncode == 1 and missing.stderr.strip() == "shopctl: no restock request 999"


def test_migration_0004_goes_down_and_up(database_url: str) -> None:
    from sqlalchemy import inspect

    from inventory_db import schema
    from inventory_db.database import make_engine

    def tables() -> set[str]:
        engine = make_engine(database_url)
        names = set(inspect(engine).get_table_names())
        engine.dispose()
        return names

    assert "restock_requests" in tables()
    schema.downgrade(database_url, "0003")
    assert "restock_requests" not in tables() and "inbound_events" in tables()
    schema.upgrade(database_url)
    assert "restock_requests" in tables()
