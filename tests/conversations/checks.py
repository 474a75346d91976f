"""Did the conversation end as the customer wanted? Asked of the store, not of the bot's words.

Completed means exactly one order for that customer with the right product, colour,
size, quantity, canonical phone, shipping method, total (and source "post" after a
shared post); for a cancelled checkout, no order and no hold still active. The
recipient's name and address must be in the order as the customer typed them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from inventory_db import orders, reservations
from shoplang.normalize import PRODUCT_CODE_PATTERN, fold, to_ascii_digits
from tests.conversations.scenarios import ExpectedOrder, Scenario

_PERSIAN = re.compile("[\u0600-\u06ff]")
_LATIN = re.compile("[A-Za-z]")
# Not words: product codes, sizes, card numbers, links, the toman sign's Latin neighbours.
_NOT_LANGUAGE = re.compile(
    rf"{PRODUCT_CODE_PATTERN}|https?://\S+|\b(?:XS|S|M|L|XL|XXL|2XL|3XL|XXXL)\b|\d+", re.IGNORECASE
)


@dataclass(frozen=True)
class Outcome:
    completed: bool
    problem: str = ""  # why not, with the values ("quantity 1, expected 2")
    label: str = ""  # the class of problem, without values ("wrong quantity")


def check_order(session: Session, scenario: Scenario, expected: ExpectedOrder | None) -> Outcome:
    placed = orders.list_orders(session, customer_id=scenario.sender)
    if expected is None:
        held = reservations.active_for(session, scenario.sender)
        if placed:
            return Outcome(False, f"order {placed[0].number} placed", "cancelled, but an order was placed")
        if held:
            return Outcome(False, f"{len(held)} hold(s) still active", "cancelled, but the hold is still active")
        return Outcome(True)
    if not placed:
        return Outcome(False, "no order in the store", "no order in the store")
    if len(placed) > 1:
        return Outcome(False, f"{len(placed)} orders", "more than one order")
    order = placed[0]
    if len(order.items) != 1:
        return Outcome(False, f"{len(order.items)} lines in the order", "more than one line")
    item = order.items[0]
    got = {
        "product": item.code,
        "colour": item.color,
        "size": item.size,
        "quantity": item.quantity,
        "phone": order.phone,
        "shipping": order.shipping_method,
        "total": order.total,
    }
    want = {
        "product": expected.code,
        "colour": expected.color,
        "size": expected.size,
        "quantity": expected.quantity,
        "phone": expected.phone,
        "shipping": expected.shipping_method,
        "total": expected.total,
    }
    if expected.source is not None:
        got["source"], want["source"] = order.source, expected.source
    wrong = {key: f"{key} {got[key]}, expected {want[key]}" for key in want if got[key] != want[key]}
    if fold(scenario.person) not in fold(order.customer_name or ""):
        wrong["name"] = f"name {order.customer_name!r}"
    if fold(scenario.address) not in fold(order.address or ""):
        wrong["address"] = f"address {order.address!r}"
    postal = re.sub(r"\D", "", to_ascii_digits(order.postal_code or "")) or None
    if postal != expected.postal:
        wrong["postal code"] = f"postal code {order.postal_code!r}, expected {expected.postal}"
    if not wrong:
        return Outcome(True)
    return Outcome(False, "; ".join(wrong.values()), "order with the wrong " + " + ".join(wrong))


def wrong_script(text: str, english: bool) -> bool:
    """A reply in the other script: Persian letters to an English customer, or Latin words
    only (codes, sizes and numbers aside) to a Persian or Finglish one."""
    if english:
        return bool(_PERSIAN.search(text))
    words = _NOT_LANGUAGE.sub(" ", text)
    return bool(_LATIN.search(words)) and not _PERSIAN.search(words)
