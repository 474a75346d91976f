"""The dashboard benchmark's own logic, on a small SQLite store: the store really seeded through
the services, every page of the dashboard measured on both stores, the verdict and exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import dashboard_bench
from benchmarks.dashboard_bench import page_modules, summary, verdicts
from inventory_db import events, order_states


def test_percentiles_are_nearest_rank_in_milliseconds() -> None:
    assert summary([n / 1000 for n in range(20, 0, -1)]) == {"p50_ms": 10.5, "p95_ms": 19.0, "max_ms": 20.0}
    assert summary([0.25]) == {"p50_ms": 250.0, "p95_ms": 250.0, "max_ms": 250.0}


def test_a_page_fails_over_the_budget_or_when_it_answers_other_than_200() -> None:
    rows = [
        {"page": "fast", "busy": {"status": [200], "p95_ms": 300.0}},
        {"page": "slow", "busy": {"status": [200], "p95_ms": 300.1}},
        {"page": "broken", "busy": {"status": [500], "p95_ms": None}},
    ]
    assert verdicts(rows, 300) == ["slow", "broken"]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict]:
    out = tmp_path_factory.mktemp("bench") / "bench-dashboard.json"
    code = dashboard_bench.main(["--orders", "200", "--variants", "20", "--requests", "2", "--out", str(out)])
    return code, json.loads(Path(out).read_text(encoding="utf-8"))


def test_the_busy_store_holds_what_was_asked_placed_through_the_services(small_run: tuple[int, dict]) -> None:
    _, report = small_run
    store = report["busy_store"]
    assert store["orders"] == 200 and store["variants"] == 20
    assert store["events_by_kind"][events.ORDER_PLACED] == 200  # every order's own event, none bulk-inserted
    for kind in (events.INQUIRY, events.CHECKOUT_STEP, events.HOLD_PLACED, events.ORDER_PAID, events.HANDOFF_REQUESTED):
        assert store["events_by_kind"][kind] > 0, kind
    for status in (order_states.DELIVERED, order_states.CANCELLED, order_states.EXPIRED):
        assert store["orders_by_status"][status] > 0, status
    assert store["waiting_handoffs"] > 0 and store["low_stock_variants"] > 0


def test_every_page_module_is_measured_on_both_stores(small_run: tuple[int, dict]) -> None:
    _, report = small_run
    paths = [page["path"] for page in report["pages"]]
    for module in page_modules():
        prefix = "/" if module == "today" else f"/{module}"
        assert any(path == prefix or path.startswith((prefix + "/", prefix + "?")) for path in paths), module
    for page in report["pages"]:
        for store in ("quiet", "busy"):
            timing = page[store]
            assert timing["status"] == [200], (page["path"], store)
            assert 0 < timing["p50_ms"] <= timing["p95_ms"] <= timing["max_ms"] and timing["bytes"] > 0


def test_the_exit_code_says_whether_any_page_failed(small_run: tuple[int, dict]) -> None:
    code, report = small_run
    assert report["over_budget"] == [p["page"] for p in report["pages"] if not p["within_budget"]]
    assert code == (1 if report["over_budget"] else 0)
