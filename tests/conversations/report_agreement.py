"""After the simulated customers: does the owner's report tell the same story as the order list?

``shopctl report --json`` counts business events; ``shopctl orders list --json`` reads the order
tables. Run as the owner would (the installed ``shopctl``, on the run's store) for the days
the run spanned, the two must agree on the orders placed and their total, the funnel's
``order_placed`` and ``paid`` steps (from the orders' status histories) and each source's
orders and revenue; every contract key must be there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from inventory_db import reports

# The report's contract (docs/reports.md): the keys scripts and the dashboard rely on.
CONTRACT_KEYS = (
    "period", "conversations", "inquiries", "lost_demand", "sales", "best_sellers", "funnel",
    "conversion", "time_to_order_minutes", "time_to_payment_minutes", "by_source", "nlu", "handoffs", "previous",
)  # fmt: skip
SHOPCTL = Path(sys.executable).with_name("shopctl")


def shopctl_json(database_url: str, *args: str) -> Any:
    """What ``shopctl ARGS --json`` prints for the store at ``database_url``, parsed."""
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run([str(SHOPCTL), *args, "--json"], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"shopctl {' '.join(args)} failed: {done.stderr.strip()}")
    return json.loads(done.stdout)


def _paid_within(change: dict[str, Any], bounds: tuple[datetime, datetime]) -> bool:
    return change["to_status"] == "paid" and bounds[0] <= datetime.fromisoformat(change["at"]) < bounds[1]


def disagreements(
    report: dict[str, Any], order_list: list[dict[str, Any]], bounds: tuple[datetime, datetime]
) -> list[str]:
    """Where the report and the orders placed within ``bounds`` (UTC) tell different stories; [] when they agree."""
    problems = [f"report has no '{key}'" for key in CONTRACT_KEYS if key not in report]
    if problems:
        return problems
    placed = [o for o in order_list if bounds[0] <= datetime.fromisoformat(o["created_at"]) < bounds[1]]
    sales = report["sales"]
    if sales["orders_placed"] != len(placed):
        problems.append(f"sales.orders_placed {sales['orders_placed']} but {len(placed)} orders listed")
    if sales["revenue_placed"] != sum(o["total"] for o in placed):
        problems.append(
            f"sales.revenue_placed {sales['revenue_placed']} but the orders total {sum(o['total'] for o in placed)}"
        )
    steps = {row["step"]: row["conversations"] for row in report["funnel"]}
    counts = [row["conversations"] for row in report["funnel"]]
    if any(later > earlier for earlier, later in zip(counts, counts[1:], strict=False)):
        problems.append(f"funnel counts increase down the list: {counts}")
    # A payment in the period lifts its conversation through every step, whenever the order was placed.
    payers = {o["customer_id"] for o in order_list if any(_paid_within(change, bounds) for change in o["history"])}
    buyers = {o["customer_id"] for o in placed} | payers
    if steps.get("order_placed") != len(buyers):
        problems.append(f"funnel order_placed {steps.get('order_placed')} but {len(buyers)} customers ordered or paid")
    if steps.get("paid") != len(payers):
        problems.append(f"funnel paid {steps.get('paid')} but {len(payers)} customers paid")
    listed = Counter(o["source"] or "direct" for o in placed)
    listed_revenue = Counter()
    for order in placed:
        listed_revenue[order["source"] or "direct"] += order["total"]
    reported, reported_revenue = Counter(), Counter()
    for row in report["by_source"]:
        reported[row["source"]] += row["orders"]
        reported_revenue[row["source"]] += row["revenue"]
    if +reported != +listed:
        problems.append(f"by_source orders {dict(+reported)} but the orders' sources {dict(+listed)}")
    if +reported_revenue != +listed_revenue:
        problems.append(f"by_source revenue {dict(+reported_revenue)} but the orders' {dict(+listed_revenue)}")
    return problems


def check(database_url: str, period: reports.Period, zone: ZoneInfo) -> dict[str, Any]:
    """The report for ``period`` beside the order list: the figures compared and what disagreed."""
    days = ("--from", period.first_day.isoformat(), "--to", period.last_day.isoformat())
    report = shopctl_json(database_url, "report", *days)
    order_list = shopctl_json(database_url, "orders", "list")
    problems = disagreements(report, order_list, period.utc_bounds(zone))
    return {
        "agrees": not problems,
        "problems": problems,
        "orders_listed": len(order_list),
        "sales": report.get("sales"),
        "funnel": report.get("funnel"),
        "by_source": report.get("by_source"),
        "conversations": report.get("conversations"),
        "nlu_fallback_rate": report.get("nlu", {}).get("fallback_rate"),
    }
