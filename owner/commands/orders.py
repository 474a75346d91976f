"""``shopctl orders``: the orders, and each step of one: paid, shipped, delivered, cancelled, returned."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import Any

from inventory_db import order_states, orders, payment_receipts, settings
from inventory_db.database import transaction
from owner import shapes
from owner.commands.common import session_factory
from owner.exports import write_csv, write_xlsx
from owner.periods import period_of


def _print_order(order: orders.OrderInfo, full: bool) -> None:
    items = ", ".join(f"{i.quantity}× {i.code} {i.color} {i.size}" for i in order.items)
    print(
        f"#{order.number}  {order.status:<16} {order.customer_name} ({order.customer_id})  {items}  total {order.total:,} toman"
    )
    if not full:
        return
    print(f"  phone {order.phone}  postal code {order.postal_code or '-'}")
    print(f"  address {order.address}")
    print(
        f"  shipping {order.shipping_method} ({order.shipping_fee:,} toman)  source {order.source or '-'}  tracking {order.tracking_code or '-'}"
    )
    print(f"  payment due {order.payment_due_at:%Y-%m-%d %H:%M} UTC")
    for i in order.items:
        print(f"  {i.quantity} × {i.code} {i.name_fa} {i.color} {i.size} @ {i.unit_price:,} = {i.line_total:,}")
    for change in order.history:
        note = f"  ({change.note})" if change.note else ""
        print(
            f"  {change.at:%Y-%m-%d %H:%M} UTC  {change.from_status or 'placed'} -> {change.to_status}  by {change.actor}{note}"
        )


def cmd_orders_list(args: argparse.Namespace) -> None:
    with transaction(session_factory()) as session:
        found = orders.list_orders(session, status=args.status, customer_id=args.customer)
    if args.json:
        print(shapes.to_json([shapes.order_dict(o) for o in found]))
        return
    if not found:
        print("no orders")
    for order in found:
        _print_order(order, full=False)


def cmd_orders_show(args: argparse.Namespace) -> None:
    with transaction(session_factory()) as session:
        order = orders.get_order(session, orders.parse_order_number(args.number))
        receipts = payment_receipts.receipts_for(session, order.number)
    if args.json:
        print(shapes.to_json(shapes.order_with_receipts_dict(order, receipts)))
        return
    _print_order(order, full=True)
    for receipt in receipts:
        kept = f"  kept as {receipt.file_path}" if receipt.file_path else ""
        missing = f"  (image not kept: {receipt.file_error})" if receipt.file_error else ""
        print(f"  receipt {receipt.created_at:%Y-%m-%d %H:%M} UTC  {receipt.kind}: {receipt.content}{kept}{missing}")


def cmd_orders_export(args: argparse.Namespace) -> None:
    """A CSV or a workbook for Excel: one row per item; with --from/--to only the orders placed in those days."""
    zone = settings.shop_timezone()
    period = None
    if args.from_ or args.to:
        period = period_of(args.from_, args.to, datetime.now(zone).date()).utc_bounds(zone)
    with transaction(session_factory()) as session:
        found = orders.list_orders(session, status=args.status)
    if period is not None:
        found = [order for order in found if period[0] <= order.created_at < period[1]]
    rows = [row for order in found for row in shapes.order_item_rows(order, zone)]
    if args.csv:
        count = write_csv(args.csv, shapes.ORDER_EXPORT_COLUMNS, rows)
    else:
        count = write_xlsx(args.xlsx, {"orders": (shapes.ORDER_EXPORT_COLUMNS, rows)})
    print(f"exported {len(found)} orders ({count} item rows) to {args.csv or args.xlsx}")


def _order_step(step: Callable[..., orders.OrderInfo], **extra: Any) -> Callable[[argparse.Namespace], None]:
    def run(args: argparse.Namespace) -> None:
        number = orders.parse_order_number(args.number)
        kwargs = {name: getattr(args, attr) for name, attr in extra.items()}
        with transaction(session_factory()) as session:
            order = step(session, number, actor=args.actor, **kwargs)
        print(f"order {order.number} is now {order.status}")

    return run


def add_commands(groups: argparse._SubParsersAction) -> None:
    ords = groups.add_parser("orders", help="orders and their status").add_subparsers(dest="command", required=True)
    lst = ords.add_parser("list", help="orders, oldest first")
    lst.add_argument("--status", choices=order_states.STATUSES)
    lst.add_argument("--customer", help="only this Instagram id's orders")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_orders_list)
    shw = ords.add_parser("show", help="one order with its items and history")
    shw.add_argument("number")
    shw.add_argument("--json", action="store_true")
    shw.set_defaults(handler=cmd_orders_show)
    exp = ords.add_parser("export", help="orders with their items, customer and dates, for Excel")
    target = exp.add_mutually_exclusive_group(required=True)
    target.add_argument("--csv", metavar="FILE", help="a CSV file (UTF-8 with a BOM), one row per item")
    target.add_argument("--xlsx", metavar="FILE", help="an Excel workbook, one row per item")
    exp.add_argument(
        "--from", dest="from_", metavar="DATE", help="only orders placed from this day (Jalali or Gregorian)"
    )
    exp.add_argument(
        "--to", metavar="DATE", help="only orders placed up to this day (as in report: default today; alone, 7 days)"
    )
    exp.add_argument("--status", choices=order_states.STATUSES)
    exp.set_defaults(handler=cmd_orders_export)
    steps: list[tuple[str, str, Callable[..., orders.OrderInfo], dict[str, str]]] = [
        ("mark-paid", "the payment arrived", orders.mark_paid, {}),
        ("ship", "the parcel left (its units leave the stock)", orders.ship, {"tracking_code": "tracking"}),
        ("deliver", "the customer received it", orders.deliver, {}),
        ("cancel", "cancel before shipping (units go back on sale)", orders.cancel_order, {"note": "reason"}),
        ("return", "the parcel came back (units back on hand)", orders.return_order, {"note": "reason"}),
    ]
    for name, help_text, step, extra in steps:
        sub = ords.add_parser(name, help=help_text)
        sub.add_argument("number")
        if "tracking_code" in extra:
            sub.add_argument("--tracking", required=True, help="the carrier's tracking code")
        if "note" in extra:
            sub.add_argument("--reason", help="why, for the history")
        sub.set_defaults(handler=_order_step(step, **extra))
