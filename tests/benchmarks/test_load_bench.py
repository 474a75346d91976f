"""The load benchmark's pure parts on made-up numbers: no servers are started."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from benchmarks import load_bench


def _row(system: str, concurrency: int, **values: object) -> dict:
    base = {
        "system": system,
        "concurrency": concurrency,
        "messages_per_s": 10.0,
        "p50_ms": 100.0,
        "p95_ms": 200.0,
        "p99_ms": 300.0,
        "errors": 0,
        "orders_expected": None,
        "orders_placed": None,
        "oversold": None,
        "duplicates": 0,
        "peak_rss_mib": 1000.0,
    }
    return base | values


def test_percentiles_interpolate_between_ranks() -> None:
    values = [0.4, 0.1, 0.3, 0.2, 0.5]
    assert load_bench.percentile(values, 50) == pytest.approx(0.3)
    assert load_bench.percentile(values, 0) == pytest.approx(0.1)
    assert load_bench.percentile(values, 100) == pytest.approx(0.5)
    assert load_bench.percentile(values, 95) == pytest.approx(0.48)
    assert load_bench.percentile([], 50) is None
    assert load_bench.percentile([2.0], 99) == 2.0


def test_latency_summary_is_in_milliseconds() -> None:
    summary = load_bench.latency_summary([i / 1000 for i in range(1, 101)])  # 1..100 ms
    assert summary == {"p50_ms": 50.5, "p95_ms": 95.0, "p99_ms": 99.0}
    assert load_bench.latency_summary([]) == {"p50_ms": None, "p95_ms": None, "p99_ms": None}


def test_oversold_counts_units_beyond_the_shelf_once() -> None:
    # (on_hand, reserved, allocated)
    assert load_bench.oversold_units([(5, 2, 3), (10, 0, 0)]) == 0
    assert load_bench.oversold_units([(5, 4, 3)]) == 2  # 7 promised, 5 on the shelf
    assert load_bench.oversold_units([(-1, 0, 0)]) == 1  # on hand below zero
    assert load_bench.oversold_units([(-1, 1, 0), (3, 3, 1)]) == 2 + 1


def test_duplicates_in_one_turn_and_beyond_the_ledger() -> None:
    hello, price = json.dumps({"text": "سلام"}), json.dumps({"text": "۱٬۲۵۰٬۰۰۰ تومان"})
    assert load_bench.duplicate_replies([[hello, price], [hello]]) == 0  # the same text in two turns is fine
    assert load_bench.duplicate_replies([[hello, hello, price]]) == 1
    sends, ledger = Counter({"c1": 5, "c2": 3}), Counter({"c1": 4, "c2": 3})
    assert load_bench.duplicate_replies([[hello]], sends, ledger) == 1
    # one doubled reply shows in both ways of counting: it counts once
    assert load_bench.duplicate_replies([[hello, hello]], sends, ledger) == 1
    assert load_bench.duplicate_replies([], Counter({"c3": 2}), Counter()) == 2


def test_ratios_are_ours_over_bare_per_concurrency() -> None:
    rows = [
        _row("shop", 1, messages_per_s=2.0, p50_ms=300.0, peak_rss_mib=900.0),
        _row("bare", 1, messages_per_s=20.0, p50_ms=30.0, peak_rss_mib=1200.0),
        _row("shop", 10, p99_ms=None),
        _row("bare", 10, p95_ms=0.0),
        _row("shop", 50),  # no bare row: no ratio
    ]
    ratios = load_bench.ratio_rows(rows)
    assert [r["concurrency"] for r in ratios] == [1, 10]
    assert ratios[0] == {
        "concurrency": 1,
        "messages_per_s": 0.1,
        "p50_ms": 10.0,
        "p95_ms": 1.0,
        "p99_ms": 1.0,
        "peak_rss_mib": 0.75,
    }
    assert ratios[1]["p99_ms"] is None and ratios[1]["p95_ms"] is None


def test_table_has_a_row_per_concurrency_and_system_and_the_ratio() -> None:
    rows = [
        _row("shop", 1, orders_expected=3, orders_placed=3, oversold=0),
        _row("bare", 1),
        _row("shop", 10, orders_expected=30, orders_placed=29, oversold=0),
    ]
    table = load_bench.format_table(rows, load_bench.ratio_rows(rows)).splitlines()
    assert len(table) == 1 + 2 + 1 + 1  # header, 1 × both, shop / bare at 1, 10 × shop
    assert "messages/s" in table[0] and "peak RSS MiB" in table[0]
    assert "3/3" in table[1] and "shop / bare" in table[3] and "30/29" in table[4]
    assert len({len(line) for line in table}) == 1  # columns line up


def test_report_shape(tmp_path) -> None:
    rows = [_row("shop", 1, orders_expected=1, orders_placed=1, oversold=0), _row("bare", 1)]
    machine = {"cpu": "test", "cores": 2}
    report = load_bench.build_report(machine, {"concurrency": [1]}, rows, {"model_bytes": {"shop": 1, "bare": 2}})
    assert set(report) == {"benchmark", "machine", "settings", "rows", "ratios", "model_bytes"}
    assert report["ratios"][0]["concurrency"] == 1
    out = tmp_path / "bench-load.json"
    load_bench.write_report(out, report)
    assert json.loads(out.read_text(encoding="utf-8")) == report


def test_bare_messages_are_shared_out_evenly() -> None:
    assert load_bench._bare_counts(23, 10) == [3, 3, 3, 2, 2, 2, 2, 2, 2, 2]
    assert sum(load_bench._bare_counts(1234, 50)) == 1234


def test_every_customer_is_on_instagram_with_a_numeric_sender() -> None:
    scenarios = load_bench._instagram_scenarios(12, seed=11)
    assert {s.channel for s in scenarios} == {"instagram"}
    assert all(s.sender.isdigit() for s in scenarios)
    assert len({s.sender for s in scenarios}) == 12


def test_bare_customers_hold_whole_rasa_init_conversations() -> None:
    messages = load_bench.bare_script("bare-10-0", 0, 9)
    first, second = load_bench.BARE_SCRIPTS[0], load_bench.BARE_SCRIPTS[1]
    assert [text for _, text in messages] == [*first, *second, *load_bench.BARE_SCRIPTS[2]][:9]
    assert [sender for sender, _ in messages[: len(first) + 1]] == ["bare-10-0-0"] * len(first) + ["bare-10-0-1"]
    assert load_bench.bare_script("bare-10-1", 1, 2)[0][1] == second[0]  # each client starts at its own


def test_pgbench_summary_is_read() -> None:
    output = "number of failed transactions: 0 (0.000%)\nlatency average = 3.217 ms\ninitial connection time = 4.1 ms\ntps = 621.905 (without initial connection time)\n"
    assert load_bench._pgbench_figures(output) == {"tps": 621.9, "latency_avg_ms": 3.22}
