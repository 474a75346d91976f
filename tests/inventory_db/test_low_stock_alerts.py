"""Low-stock crossings on SQLite and PostgreSQL: one alert each time a variant falls to or below
its threshold, none while it stays there or when it goes back above, and one per fall even
when two workers look at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from sqlalchemy.orm import sessionmaker

from inventory_db import low_stock, low_stock_alerts, orders, stock
from inventory_db.automation_models import LowStockAlert
from inventory_db.database import make_engine, make_session_factory, transaction
from tests.inventory_db.helpers import ALI, SARA, item, place, run

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
REZA = orders.Customer("ig-reza", "Reza", "09120000002", "Tabriz")
BLACK_L = ("B-21", "black", "L")  # 3 on hand in the demo catalog


def crossings(store: sessionmaker, default: int = 1) -> list[str]:
    return [c.key for c in run(store, low_stock_alerts.low_stock_crossings, NOW, default=default)]


def of_black_l(keys: list[str]) -> list[str]:
    return [key for key in keys if key.startswith("B-21/black/L#")]


def test_one_alert_per_fall_to_the_threshold(store: sessionmaker) -> None:
    assert of_black_l(crossings(store)) == []  # 3 available, threshold 1
    place(store, "k1", ALI, items=[item(*BLACK_L, 2)])
    assert crossings(store) == ["B-21/black/L#1"]  # sold down to the threshold
    assert crossings(store) == []  # looked at again: no news
    place(store, "k2", SARA, items=[item(*BLACK_L, 1)])
    assert crossings(store) == []  # sold more, still the same fall
    run(store, stock.adjust_stock, *BLACK_L, 5, "delivery", "owner")
    assert crossings(store) == []  # back above: recorded, no alert
    with store() as session:
        state = session.get(LowStockAlert, stock.find_variant(session, *BLACK_L).id)
        assert state is not None and (state.below, state.crossings) == (False, 1)
    place(store, "k3", REZA, items=[item(*BLACK_L, 4)])
    found = run(store, low_stock_alerts.low_stock_crossings, NOW, default=1)
    assert [(c.key, c.crossings, c.level.available, c.level.threshold) for c in found] == [("B-21/black/L#2", 2, 1, 1)]
    assert found[0].variant_id == run(store, stock.find_variant, *BLACK_L).id


def test_the_first_look_reports_every_variant_already_low_once(store: sessionmaker) -> None:
    first = run(store, low_stock_alerts.low_stock_crossings, NOW, default=1)
    low = run(store, low_stock.low_stock, NOW, default=1)
    assert first and {c.key for c in first} == {f"{v.code}/{v.color}/{v.size}#1" for v in low}
    assert all(c.crossings == 1 and c.level.low for c in first)
    assert crossings(store) == []
    assert len(crossings(store, default=2)) == len(run(store, low_stock.low_stock, NOW, default=2)) - len(low)


def test_an_own_threshold_raised_over_the_stock_is_a_fall(store: sessionmaker) -> None:
    crossings(store)
    run(store, low_stock.set_low_stock_threshold, *BLACK_L, 3)
    assert of_black_l(crossings(store)) == ["B-21/black/L#1"]


def test_rows_of_removed_variants_are_dropped(store: sessionmaker) -> None:
    crossings(store)
    with transaction(store) as session:
        session.add(LowStockAlert(variant_id=999_999, below=True, crossings=4, changed_at=NOW))
    crossings(store)
    with store() as session:
        assert session.get(LowStockAlert, 999_999) is None
        assert session.get(LowStockAlert, stock.find_variant(session, *BLACK_L).id) is not None


def test_two_workers_looking_at_once_report_a_fall_once(store: sessionmaker, store_url: str) -> None:
    crossings(store)
    place(store, "k1", ALI, items=[item(*BLACK_L, 2)])
    start = threading.Barrier(2)

    def look(_: int) -> list[str]:
        engine = make_engine(store_url)
        try:
            start.wait(timeout=60)
            with transaction(make_session_factory(engine)) as session:
                found = low_stock_alerts.low_stock_crossings(session, NOW, default=1)
                time.sleep(0.2)  # still open while the other worker looks
            return [c.key for c in found]
        finally:
            engine.dispose()

    with ThreadPoolExecutor(max_workers=2) as pool:
        seen = [key for keys in pool.map(look, range(2)) for key in keys]
    assert seen == ["B-21/black/L#1"]
