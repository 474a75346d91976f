"""The rows the owner's tools show, as plain dicts: one shape for ``shopctl --json`` and the dashboard.

Scripts read these keys, so they are a contract: add keys, never rename or drop one. Each shape
is the store's own record (``dataclasses.asdict``) plus what the owner would otherwise have to
compute, such as a variant's ``available`` units or an item's ``line_total``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from persiantools.jdatetime import JalaliDate, JalaliDateTime

from inventory_db import (
    handoffs,
    low_stock,
    order_states,
    orders,
    owner_accounts,
    payment_receipts,
    reports,
    restock,
    stock,
)


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


def low_stock_dict(row: low_stock.VariantLevel) -> dict[str, Any]:
    """A variant at or below its threshold, with the numbers behind its availability."""
    return asdict(row)


def owner_action_dict(action: owner_accounts.OwnerAction) -> dict[str, Any]:
    """One row of the owner's action log: when, who, what, on what."""
    return asdict(action)


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


# The owner's CSV exports (``docs/reports.md``, "Exports"): one row per line of a table, the
# columns in the order a spreadsheet shows them. Times twice: Jalali in the shop's time zone for
# reading, ISO 8601 UTC for sorting and for scripts.
ORDER_EXPORT_COLUMNS = (
    "number", "status", "source", "customer_id", "customer_name", "phone", "address", "postal_code",
    "shipping_method", "tracking_code", "code", "name_fa", "name_en", "color", "size", "quantity",
    "unit_price", "line_total", "subtotal", "shipping_fee", "total",
    "placed_jalali", "placed_utc", "paid_jalali", "paid_utc", "shipped_jalali", "shipped_utc",
)  # fmt: skip

# The report's tables, each with the record its rows are; the exports' columns are its fields.
REPORT_TABLE_RECORDS: dict[str, type] = {
    "inquiries": reports.InquiryRow,
    "lost_demand": reports.LostDemandRow,
    "best_sellers": reports.BestSeller,
    "funnel": reports.FunnelStep,
    "by_source": reports.SourceRow,
    "top_unrecognised": reports.TextCount,
}
REPORT_TABLES = tuple(REPORT_TABLE_RECORDS)
REPORT_EXPORT_COLUMNS = (
    "table", "from", "to", "from_jalali", "to_jalali",
    "step", "source", "ref", "code", "name_fa", "name_en", "color", "size", "text",
    "asks", "out_of_stock_asks", "restock_requests", "conversations", "orders", "units", "revenue", "count",
)  # fmt: skip


def jalali_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """ "1405/09/11 14:05": the shop's local time on the Jalali calendar ("" for no time)."""
    return JalaliDateTime(moment.astimezone(zone)).strftime("%Y/%m/%d %H:%M") if moment else ""


def utc_time(moment: datetime | None) -> str:
    """ "2026-12-02T10:35:00Z" ("" for no time)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def _first_change_to(order: orders.OrderInfo, status: str) -> datetime | None:
    return next((change.at for change in order.history if change.to_status == status), None)


def order_item_rows(order: orders.OrderInfo, zone: ZoneInfo) -> list[dict[str, Any]]:
    """``shopctl orders export``: one row per item, each with the whole order's details."""
    times: dict[str, datetime | None] = {
        "placed": order.created_at,
        "paid": _first_change_to(order, order_states.PAID),
        "shipped": _first_change_to(order, order_states.SHIPPED),
    }
    head = {
        "number": order.number, "status": order.status, "source": order.source or "",
        "customer_id": order.customer_id, "customer_name": order.customer_name, "phone": order.phone,
        "address": order.address, "postal_code": order.postal_code or "", "shipping_method": order.shipping_method,
        "tracking_code": order.tracking_code or "",
    }  # fmt: skip
    tail: dict[str, Any] = {"subtotal": order.subtotal, "shipping_fee": order.shipping_fee, "total": order.total}
    for name, moment in times.items():
        tail[f"{name}_jalali"] = jalali_time(moment, zone)
        tail[f"{name}_utc"] = utc_time(moment)
    item_keys = ("code", "name_fa", "name_en", "color", "size", "quantity", "unit_price")
    return [
        {**head, **{key: getattr(i, key) for key in item_keys}, "line_total": i.line_total, **tail} for i in order.items
    ]


def report_tables(figures: reports.Figures) -> dict[str, list[dict[str, Any]]]:
    """The report's tables (``REPORT_TABLES``), each a list of its rows as dicts, for the exports."""
    tables: dict[str, Sequence[Any]] = {
        "inquiries": figures.inquiries,
        "lost_demand": figures.lost_demand,
        "best_sellers": figures.best_sellers,
        "funnel": figures.funnel,
        "by_source": figures.by_source,
        "top_unrecognised": figures.nlu.top_unrecognised,
    }
    return {table: [asdict(row) for row in tables[table]] for table in REPORT_TABLES}


def report_table_columns(table: str) -> tuple[str, ...]:
    """A report table's columns, in its record's order, known even when the period had no rows."""
    return tuple(field.name for field in fields(REPORT_TABLE_RECORDS[table]))


def _period_dates(period: reports.Period) -> dict[str, str]:
    return {
        "from": period.first_day.isoformat(),
        "to": period.last_day.isoformat(),
        "from_jalali": JalaliDate(period.first_day).strftime("%Y/%m/%d"),
        "to_jalali": JalaliDate(period.last_day).strftime("%Y/%m/%d"),
    }


def report_table_rows(figures: reports.Figures) -> list[dict[str, Any]]:
    """``shopctl report --csv``: every row of the report's tables, each named in ``table`` and
    dated with its period; a column a table lacks is left empty."""
    dated = _period_dates(figures.period)
    return [{"table": table, **dated, **row} for table, rows in report_tables(figures).items() for row in rows]


REPORT_SUMMARY_COLUMNS = ("figure", "this_period", "previous_period")


def _scalars(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The contract's single figures as dotted keys (``sales.orders_paid``); the tables are left out."""
    found: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            found.update(_scalars(value, f"{prefix}{key}."))
        elif not isinstance(value, list):
            found[prefix + key] = value
    return found


def report_summary_rows(report: reports.Report) -> list[dict[str, Any]]:
    """``shopctl report --xlsx``'s first sheet: each single figure beside the period before's."""
    now, before = _scalars(figures_dict(report.current)), _scalars(figures_dict(report.previous))
    dates = {f"period.{key}": value for key, value in _period_dates(report.current.period).items()}
    earlier = {f"period.{key}": value for key, value in _period_dates(report.previous.period).items()}
    now, before = {**now, **dates}, {**before, **earlier}
    return [{"figure": key, "this_period": now[key], "previous_period": before.get(key)} for key in now]
