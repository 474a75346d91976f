"""Restock requests: recorded once, ready when the variant is back, marked when told."""

from __future__ import annotations

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
