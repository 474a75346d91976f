"""``shopctl``: the shop owner's command line over the store's service layer.

Every failure is one clear line on stderr and a non-zero exit; every write runs in
one transaction, so a failed command leaves the store as it was. Colours and sizes
may be typed in Persian, Finglish or English ("مشکی", "meshki", "black"; "لارج", "L").
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, NoReturn, Optional, Sequence

from sqlalchemy.exc import SQLAlchemyError

from inventory_db import catalog_csv, handoffs, order_states, orders, payment_receipts, reservations, restock, stock
from inventory_db.database import make_engine, make_session_factory, transaction
from inventory_db.errors import CatalogImportError, StoreError
from shoplang.normalize import canonical_color, canonical_size, to_ascii_digits

EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A failure to report to the owner in one line."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line like every other failure."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"shopctl: {message} (see: {self.prog} --help)\n")


def _session_factory():  # type: ignore[no-untyped-def]
    return make_session_factory(make_engine())


def _json(value: Any) -> str:
    def default(obj: Any) -> Any:
        if isinstance(obj, datetime):
            return obj.isoformat()
        raise TypeError(f"cannot write {type(obj).__name__} as JSON")

    return json.dumps(value, ensure_ascii=False, indent=2, default=default)


def _whole(text: str, what: str, signed: bool = False) -> int:
    cleaned = to_ascii_digits(text.strip()).replace("\u2212", "-")
    body = cleaned[1:] if signed and cleaned[:1] in "+-" else cleaned
    if not (body.isascii() and body.isdigit()):  # "²".isdigit() is True, and int("²") fails
        raise CliError(f"{what} '{text}' is not a whole number")
    return int(cleaned)


def _variant_args(args: argparse.Namespace) -> tuple[str, str, str]:
    color = canonical_color(args.color)
    if color is None:
        raise CliError(f"unknown colour '{args.color}'")
    size = canonical_size(args.size)
    if size is None:
        raise CliError(f"unknown size '{args.size}'")
    return args.code, color, size


def _order_number(text: str) -> int:
    return orders.parse_order_number(text)


def cmd_db_upgrade(args: argparse.Namespace) -> None:
    from inventory_db import schema  # Alembic is a tenth of a second to import; only this command needs it

    schema.upgrade(revision=args.revision)
    print(f"database is at migration {args.revision}")


def cmd_catalog_import(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        try:
            rows = catalog_csv.parse_catalog(stream)
        except UnicodeDecodeError:
            raise CliError(f"{path} is not UTF-8 text; save the spreadsheet as CSV UTF-8") from None
    with transaction(_session_factory()) as session:
        summary = catalog_csv.import_catalog(session, rows, replace=args.replace, actor=args.actor)
    kept = ""
    if summary.products_deactivated or summary.variants_deactivated:
        kept = (
            f"; {summary.products_deactivated} products and {summary.variants_deactivated} variants taken off sale "
            "but kept for their orders"
        )
    print(
        f"imported {len(rows)} rows: {summary.products_created} products added, {summary.products_updated} updated, "
        f"{summary.products_removed} removed; {summary.variants_created} variants added, "
        f"{summary.variants_updated} updated, {summary.variants_removed} removed{kept}"
    )


def cmd_catalog_export(args: argparse.Namespace) -> None:
    with transaction(_session_factory()) as session:
        if args.file == "-":
            catalog_csv.export_catalog(session, sys.stdout)
            return
        with open(args.file, "w", encoding="utf-8", newline="") as stream:
            count = catalog_csv.export_catalog(session, stream)
    print(f"exported {count} rows to {args.file}")


def _print_levels(levels: Sequence[stock.StockLevel]) -> None:
    print(f"  {'colour':<8} {'size':<5} {'price':>12}  {'on hand':>7} {'reserved':>8} {'in orders':>9} {'available':>9}")
    for v in levels:
        off = "" if v.active else "  (off sale)"
        print(
            f"  {v.color:<8} {v.size:<5} {v.price:>12,}  {v.on_hand:>7} {v.reserved:>8} {v.allocated:>9} "
            f"{v.available:>9}{off}"
        )


def _level_dict(level: stock.StockLevel) -> dict[str, Any]:
    return {**asdict(level), "available": level.available}


def cmd_stock_show(args: argparse.Namespace) -> None:
    with transaction(_session_factory()) as session:
        product = stock.product_stock(session, args.code)
    if args.json:
        data = asdict(product)
        data["variants"] = [{k: v for k, v in _level_dict(level).items() if k != "code"} for level in product.variants]
        print(_json(data))
        return
    off = "" if product.active else "  [off sale]"
    print(f"{product.code}  {product.name_fa} / {product.name_en}  ({product.category}){off}")
    _print_levels(product.variants)


def cmd_stock_set(args: argparse.Namespace) -> None:
    code, color, size = _variant_args(args)
    quantity = _whole(args.quantity, "quantity")
    with transaction(_session_factory()) as session:
        level = stock.set_stock(session, code, color, size, quantity, actor=args.actor, note=args.note)
    print(f"{level.code} {level.color} {level.size}: {level.on_hand} on hand, {level.available} available")


def cmd_stock_adjust(args: argparse.Namespace) -> None:
    code, color, size = _variant_args(args)
    delta = _whole(args.delta, "change", signed=True)
    if not args.reason.strip():
        raise CliError("--reason must say why the stock changed")
    with transaction(_session_factory()) as session:
        level = stock.adjust_stock(session, code, color, size, delta, args.reason, actor=args.actor)
    print(f"{level.code} {level.color} {level.size}: {level.on_hand} on hand, {level.available} available")


def cmd_stock_history(args: argparse.Namespace) -> None:
    with transaction(_session_factory()) as session:
        movements = stock.history(session, args.code, limit=args.limit)
    if args.json:
        print(_json([asdict(m) for m in movements]))
        return
    for m in movements:
        ref = f" order {m.order_number}" if m.order_number else (f" hold {m.reservation_id}" if m.reservation_id else "")
        deltas = " ".join(
            f"{name}{value:+d}"
            for name, value in (("on hand ", m.on_hand_delta), ("reserved ", m.reserved_delta), ("in orders ", m.allocated_delta))
            if value
        )
        note = f"  \u201c{m.note}\u201d" if m.note else ""
        print(
            f"{m.at:%Y-%m-%d %H:%M} UTC  {m.code} {m.color} {m.size}  {m.reason:<13} {deltas:<34} "
            f"-> {m.on_hand_after} on hand  by {m.actor}{ref}{note}"
        )


def _order_dict(order: orders.OrderInfo) -> dict[str, Any]:
    data = asdict(order)
    for item in data["items"]:
        item["line_total"] = item["quantity"] * item["unit_price"]
    return data


def _print_order(order: orders.OrderInfo, full: bool) -> None:
    items = ", ".join(f"{i.quantity}× {i.code} {i.color} {i.size}" for i in order.items)
    print(f"#{order.number}  {order.status:<16} {order.customer_name} ({order.customer_id})  {items}  total {order.total:,} toman")
    if not full:
        return
    print(f"  phone {order.phone}  postal code {order.postal_code or '-'}")
    print(f"  address {order.address}")
    print(f"  shipping {order.shipping_method} ({order.shipping_fee:,} toman)  source {order.source or '-'}  tracking {order.tracking_code or '-'}")
    print(f"  payment due {order.payment_due_at:%Y-%m-%d %H:%M} UTC")
    for i in order.items:
        print(f"  {i.quantity} × {i.code} {i.name_fa} {i.color} {i.size} @ {i.unit_price:,} = {i.line_total:,}")
    for change in order.history:
        note = f"  ({change.note})" if change.note else ""
        print(f"  {change.at:%Y-%m-%d %H:%M} UTC  {change.from_status or 'placed'} -> {change.to_status}  by {change.actor}{note}")


def cmd_orders_list(args: argparse.Namespace) -> None:
    with transaction(_session_factory()) as session:
        found = orders.list_orders(session, status=args.status, customer_id=args.customer)
    if args.json:
        print(_json([_order_dict(o) for o in found]))
        return
    if not found:
        print("no orders")
    for order in found:
        _print_order(order, full=False)


def cmd_orders_show(args: argparse.Namespace) -> None:
    with transaction(_session_factory()) as session:
        order = orders.get_order(session, _order_number(args.number))
        receipts = payment_receipts.receipts_for(session, order.number)
    if args.json:
        print(_json({**_order_dict(order), "receipts": [asdict(r) for r in receipts]}))
        return
    _print_order(order, full=True)
    for receipt in receipts:
        kept = f"  kept as {receipt.file_path}" if receipt.file_path else ""
        missing = f"  (image not kept: {receipt.file_error})" if receipt.file_error else ""
        print(f"  receipt {receipt.created_at:%Y-%m-%d %H:%M} UTC  {receipt.kind}: {receipt.content}{kept}{missing}")


def _order_step(step: Callable[..., orders.OrderInfo], **extra: Any) -> Callable[[argparse.Namespace], None]:
    def run(args: argparse.Namespace) -> None:
        number = _order_number(args.number)
        kwargs = {name: getattr(args, attr) for name, attr in extra.items()}
        with transaction(_session_factory()) as session:
            order = step(session, number, actor=args.actor, **kwargs)
        print(f"order {order.number} is now {order.status}")

    return run


def cmd_reservations_sweep(args: argparse.Namespace) -> None:
    with transaction(_session_factory()) as session:
        holds = reservations.sweep_expired(session, actor=args.actor)
        expired_orders = orders.expire_overdue(session, actor=args.actor)
    numbers = f" ({', '.join(map(str, expired_orders))})" if expired_orders else ""
    print(f"{holds} lapsed reservations and {len(expired_orders)} unpaid orders{numbers} marked expired")


def cmd_restock_list(args: argparse.Namespace) -> None:
    with transaction(_session_factory()) as session:
        found = restock.pending(session, ready_only=args.ready)
    if args.json:
        print(_json([asdict(r) for r in found]))
        return
    if not found:
        print("no customers waiting" + (" for items back in stock" if args.ready else ""))
    for r in found:
        state = f"back: {r.available} available" if r.available > 0 else "still sold out"
        print(f"#{r.id}  {r.customer_id}  {r.code} {r.color} {r.size}  asked {r.created_at:%Y-%m-%d %H:%M} UTC  {state}")


def cmd_restock_notified(args: argparse.Namespace) -> None:
    with transaction(_session_factory()) as session:
        done = restock.mark_notified(session, args.id)
    print(f"restock request #{done.id} ({done.customer_id}, {done.code} {done.color} {done.size}) marked notified")


def _duration(seconds: int) -> str:
    """"2 h 15 min", "1 d 3 h", "40 min", "<1 min"."""
    minutes = seconds // 60
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else "<1 min"


def cmd_handoff_list(args: argparse.Namespace) -> None:
    """Longest-waiting first, with how long each has waited and when they last wrote."""
    with transaction(_session_factory()) as session:
        found = handoffs.waiting_customers(session)
    if args.json:
        print(_json([asdict(h) for h in found]))
        return
    if not found:
        print("no customers waiting for you")
    for h in found:
        wrote = "" if h.last_message_seconds is None else f", last wrote {_duration(h.last_message_seconds)} ago"
        since = f"since {h.requested_at:%Y-%m-%d %H:%M} UTC"
        print(f"{h.customer_id}  waiting {_duration(h.waiting_seconds)} ({since}{wrote})  {h.message or ''}".rstrip())


def cmd_handoff_release(args: argparse.Namespace) -> None:
    """Resume in Rasa first: if Rasa is unreachable the customer stays on the list, still handed over."""
    from channels.rasa_conversations import RasaUnreachable, resume_conversation

    with transaction(_session_factory()) as session:
        if not handoffs.is_waiting(session, args.customer):
            raise handoffs.NoOpenHandoff(args.customer)
    try:
        resume_conversation(args.customer, base_url=args.rasa_url)
    except RasaUnreachable as error:
        raise CliError(f"{error}; {args.customer} is still handed over") from error
    with transaction(_session_factory()) as session:
        handoffs.release(session, args.customer, actor=args.actor)
    print(f"{args.customer} is back with the assistant")


def cmd_nlu_inbox(args: argparse.Namespace) -> None:
    from nlu_inbox import cli as inbox_cli  # reads the tracker store; only this command needs it

    inbox_cli.run(args.since, args.threshold, args.tracker_db, args.export)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="shopctl", description="Manage the shop's catalog, stock and orders.")
    parser.add_argument("--actor", default="owner", help="who is making the change, for the history (default: owner)")
    groups = parser.add_subparsers(dest="group", required=True, metavar="{db,catalog,stock,orders,reservations,restock,handoff,nlu}")

    db = groups.add_parser("db", help="database schema").add_subparsers(dest="command", required=True)
    up = db.add_parser("upgrade", help="apply migrations")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(handler=cmd_db_upgrade)

    cat = groups.add_parser("catalog", help="import or export the catalog CSV").add_subparsers(dest="command", required=True)
    imp = cat.add_parser("import", help="import a catalog CSV (all rows or none)")
    imp.add_argument("file")
    imp.add_argument(
        "--replace", action="store_true",
        help="remove products and variants not in the file (those with orders are taken off sale instead)",
    )
    imp.set_defaults(handler=cmd_catalog_import)
    exp = cat.add_parser("export", help="export the catalog on sale as CSV")
    exp.add_argument("file", nargs="?", default="-")
    exp.set_defaults(handler=cmd_catalog_export)

    stk = groups.add_parser("stock", help="stock levels and their history").add_subparsers(dest="command", required=True)
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

    res = groups.add_parser("reservations", help="checkout holds").add_subparsers(dest="command", required=True)
    sweep = res.add_parser("sweep", help="mark lapsed holds and unpaid orders past their deadline as expired")
    sweep.set_defaults(handler=cmd_reservations_sweep)

    back = groups.add_parser("restock", help="customers waiting for sold-out items").add_subparsers(dest="command", required=True)
    waiting = back.add_parser("list", help="open requests, oldest first")
    waiting.add_argument("--ready", action="store_true", help="only those whose item is available again")
    waiting.add_argument("--json", action="store_true")
    waiting.set_defaults(handler=cmd_restock_list)
    told = back.add_parser("notified", help="mark a request done once the customer has been told")
    told.add_argument("id", type=int)
    told.set_defaults(handler=cmd_restock_notified)

    hand = groups.add_parser("handoff", help="customers who asked for a person").add_subparsers(dest="command", required=True)
    wait_list = hand.add_parser("list", help="customers the assistant has stopped answering, longest-waiting first")
    wait_list.add_argument("--json", action="store_true")
    wait_list.set_defaults(handler=cmd_handoff_list)
    free = hand.add_parser("release", help="let the assistant answer this customer again")
    free.add_argument("customer", help="the customer's id, as `handoff list` shows it")
    free.add_argument("--rasa-url", help="the Rasa server (default: $RASA_URL or http://localhost:5005)")
    free.set_defaults(handler=cmd_handoff_release)

    nlu = groups.add_parser("nlu", help="the trainers' workflow").add_subparsers(dest="command", required=True)
    inbox = nlu.add_parser("inbox", help="customer messages that fell back or scored low, grouped, to annotate")
    inbox.add_argument("--since", help="7d, 24h, or an ISO date/time in UTC (default: everything)")
    inbox.add_argument("--threshold", type=float, help="also list messages whose intent scored below this (default: 0.6)")
    inbox.add_argument("--tracker-db", help="the tracker store's URL (default: from endpoints.yml)")
    inbox.add_argument("--export", metavar="FILE.yml", help="also write them as NLU YAML under the model's guesses")
    inbox.set_defaults(handler=cmd_nlu_inbox)
    return parser


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one owner command; returns the process exit code.

    Every failure is one line on stderr and exit 1, never a traceback: whatever the
    owner's files, database or arguments hold, the command says what went wrong.
    """
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], None] = args.handler
    try:
        handler(args)
    except CatalogImportError as error:
        message = f"catalog not imported, nothing changed: {_one_line(error)}"
    except (CliError, StoreError, OSError, ValueError) as error:
        message = _one_line(error)
    except SQLAlchemyError as error:
        reason = (str(getattr(error, "orig", None) or error).strip().splitlines() or [type(error).__name__])[0]
        unmigrated = "no such table" in reason or ("relation" in reason and "does not exist" in reason)
        hint = " (is it migrated? shopctl db upgrade)" if unmigrated else ""
        message = f"database error, nothing changed: {reason}{hint}"
    except Exception as error:  # a missing driver, a migration tool's complaint, a bug
        message = f"failed, nothing changed: {type(error).__name__}: {_one_line(error)}"
    else:
        return 0
    print(f"shopctl: {message}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
