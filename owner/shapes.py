"""The rows the owner's tools show, as plain dicts: one shape for ``shopctl --json`` and the dashboard.

Scripts read these keys, so they are a contract: add keys, never rename or drop one. Each shape
is the store's own record (``dataclasses.asdict``) plus what the owner would otherwise have to
compute, such as a variant's ``available`` units or an item's ``line_total``.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any, Sequence

from inventory_db import handoffs, orders, payment_receipts, reports, restock, stock


def to_json(value: Any) -> str:
    """The JSON text of a shape: Persian as written (not ``\\u`` escapes), times in ISO 8601."""

    def default(obj: Any) -> Any:
        if isinstance(obj, datetime):
            return obj.isoformat()
        raise TypeError(f"cannot write {type(obj).__name__} as JSON")

    return json.dumps(value, ensure_ascii=False, indent=2, default=default)


def level_dict(level: stock.StockLevel) -> dict[str, Any]:
    """One variant's stock: on hand, reserved, allocated (in orders) and available."""
    return {**asdict(level), "available": level.available}


def product_stock_dict(product: stock.ProductStock) -> dict[str, Any]:
    """A product with its variants' stock, each variant without the product's code again."""
    data = asdict(product)
    data["variants"] = [{k: v for k, v in level_dict(level).items() if k != "code"} for level in product.variants]
    return data


def movement_dict(movement: stock.Movement) -> dict[str, Any]:
    return asdict(movement)


def order_dict(order: orders.OrderInfo) -> dict[str, Any]:
    """An order with its items (each with its ``line_total``) and its status history."""
    data = asdict(order)
    for item in data["items"]:
        item["line_total"] = item["quantity"] * item["unit_price"]
    return data


def order_with_receipts_dict(
    order: orders.OrderInfo, receipts: Sequence[payment_receipts.ReceiptInfo]
) -> dict[str, Any]:
    """``order_dict`` plus the payment receipts the customer sent for it, oldest first."""
    return {**order_dict(order), "receipts": [asdict(r) for r in receipts]}


def restock_dict(request: restock.RestockRequestInfo) -> dict[str, Any]:
    return asdict(request)


def handoff_dict(handoff: handoffs.WaitingCustomer) -> dict[str, Any]:
    return asdict(handoff)


def figures_dict(figures: reports.Figures) -> dict[str, Any]:
    """One period's figures under the report's contract keys (``docs/reports.md``)."""
    data = asdict(figures)
    period = data.pop("period")
    return {
        "period": {
            "from": period["first_day"].isoformat(),
            "to": period["last_day"].isoformat(),
            "timezone": data.pop("timezone"),
        },
        **data,
    }


def report_dict(report: reports.Report) -> dict[str, Any]:
    """``shopctl report --json``: the period's figures, and ``previous``: the same for the period before."""
    return {**figures_dict(report.current), "previous": figures_dict(report.previous)}
