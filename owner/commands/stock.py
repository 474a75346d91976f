"""``shopctl stock``: stock levels, counted or adjusted, every movement's history, and what runs low."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from inventory_db import low_stock, stock
from inventory_db.database import transaction
from owner import shapes
from owner.commands.common import CliError, session_factory, variant_args, whole


def _print_levels(levels: Sequence[stock.StockLevel]) -> None:
    print(
        f"  {'colour':<8} {'size':<5} {'price':>12}  {'on hand':>7} {'reserved':>8} {'in orders':>9} {'available':>9}"
    )
    for v in levels:
        off = "" if v.active else "  (off sale)"
        print(
            f"  {v.color:<8} {v.size:<5} {v.price:>12,}  {v.on_hand:>7} {v.reserved:>8} {v.allocated:>9} "
            f"{v.available:>9}{off}"
        )


def cmd_stock_show(args: argparse.Namespace) -> None:
    with transaction(session_factory()) as session:
        product = stock.product_stock(session, args.code)
    if args.json:
        print(shapes.to_json(shapes.product_stock_dict(product)))
        return
    off = "" if product.active else "  [off sale]"
    print(f"{product.code}  {product.name_fa} / {product.name_en}  ({product.category}){off}")
    _print_levels(product.variants)


def cmd_stock_set(args: argparse.Namespace) -> None:
    code, color, size = variant_args(args)
    quantity = whole(args.quantity, "quantity")
    with transaction(session_factory()) as session:
        level = stock.set_stock(session, code, color, size, quantity, actor=args.actor, note=args.note)
    print(f"{level.code} {level.color} {level.size}: {level.on_hand} on hand, {level.available} available")


def cmd_stock_adjust(args: argparse.Namespace) -> None:
    code, color, size = variant_args(args)
    delta = whole(args.delta, "change", signed=True)
    if not args.reason.strip():
        raise CliError("--reason must say why the stock changed")
    with transaction(session_factory()) as session:
        level = stock.adjust_stock(session, code, color, size, delta, args.reason, actor=args.actor)
    print(f"{level.code} {level.color} {level.size}: {level.on_hand} on hand, {level.available} available")


def cmd_stock_history(args: argparse.Namespace) -> None:
    with transaction(session_factory()) as session:
        movements = stock.history(session, args.code, limit=args.limit)
    if args.json:
        print(shapes.to_json([shapes.movement_dict(m) for m in movements]))
        return
    for m in movements:
        ref = (
            f" order {m.order_number}" if m.order_number else (f" hold {m.reservation_id}" if m.reservation_id else "")
        )
        deltas = " ".join(
            f"{name}{value:+d}"
            for name, value in (
                ("on hand ", m.on_hand_delta),
                ("reserved ", m.reserved_delta),
                ("in orders ", m.allocated_delta),
            )
            if value
        )
        note = f"  \u201c{m.note}\u201d" if m.note else ""
        print(
            f"{m.at:%Y-%m-%d %H:%M} UTC  {m.code} {m.color} {m.size}  {m.reason:<13} {deltas:<34} "
            f"-> {m.on_hand_after} on hand  by {m.actor}{ref}{note}"
        )


def cmd_stock_threshold(args: argparse.Namespace) -> None:
    """``default`` hands the variant back to the shop's threshold (``low_stock_threshold`` in shop_policy.yml)."""
    code, color, size = variant_args(args)
    threshold = None if args.threshold.strip().lower() == "default" else whole(args.threshold, "threshold")
    with transaction(session_factory()) as session:
        found = low_stock.set_low_stock_threshold(session, code, color, size, threshold)
    whose = "the shop's default" if found.shop_default else "its own"
    print(f"{found.code} {found.color} {found.size}: low on stock at {found.threshold} available or fewer ({whose})")


def cmd_stock_low(args: argparse.Namespace) -> None:
    with transaction(session_factory()) as session:
        found = low_stock.low_stock(session)
    if args.json:
        print(shapes.to_json([shapes.low_stock_dict(row) for row in found]))
        return
    if not found:
        print("nothing on sale is low on stock")
    for row in found:
        whose = "shop default" if row.shop_default else "own threshold"
        print(
            f"{row.code} {row.color} {row.size}  {row.available} available ({whose} {row.threshold})  "
            f"{row.on_hand} on hand, {row.reserved} reserved, {row.allocated} in orders  {row.name_fa} / {row.name_en}"
        )


def add_commands(groups: argparse._SubParsersAction) -> None:
    stk = groups.add_parser("stock", help="stock levels and their history").add_subparsers(
        dest="command", required=True
    )
    show = stk.add_parser("show", help="a product's variants: on hand, reserved, in orders, available")
    show.add_argument("code")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_stock_show)
    set_ = stk.add_parser("set", help="set the units on hand after counting the shelf")
    for name in ("code", "color", "size"):
        set_.add_argument(name)
    set_.add_argument("quantity")
    set_.add_argument("--note", help="why, for the history")
    set_.set_defaults(handler=cmd_stock_set)
    adjust = stk.add_parser("adjust", help="add or remove units on hand (e.g. -1 for a damaged one)")
    for name in ("code", "color", "size"):
        adjust.add_argument(name)
    adjust.add_argument("delta", help="+3, -1, …")
    adjust.add_argument("--reason", required=True, help="why the stock changed")
    adjust.set_defaults(handler=cmd_stock_adjust)
    hist = stk.add_parser("history", help="every stock movement of a product, oldest first")
    hist.add_argument("code")
    hist.add_argument("--limit", type=int, help="only the last N movements")
    hist.add_argument("--json", action="store_true")
    hist.set_defaults(handler=cmd_stock_history)
    threshold = stk.add_parser("threshold", help="when a variant counts as low on stock")
    for name in ("code", "color", "size"):
        threshold.add_argument(name)
    threshold.add_argument("threshold", help="low at this many available or fewer; 'default' for the shop's")
    threshold.set_defaults(handler=cmd_stock_threshold)
    low = stk.add_parser("low", help="variants on sale at or below their low-stock threshold, fewest first")
    low.add_argument("--json", action="store_true")
    low.set_defaults(handler=cmd_stock_low)
