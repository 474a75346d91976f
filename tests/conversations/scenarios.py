"""Seeded scenarios: who the customer is, what they want, and the order that should come of it.

A scenario is drawn from ``random.Random(seed, index)``: the same seed gives the
same conversations. The expected order is computed from the scenario's final wish
(after a correction or a sold-out swap) with the shop's own policy for the fee.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import yaml

from inventory_db.policy import ShopPolicy, parse_policy
from tests.conversations import values
from tests.conversations.catalog import Product, load_catalog
from tests.conversations.values import VARIETIES, Variety

Kind = Literal["plain", "by_name", "correction", "digression", "sold_out", "cancel", "share_buy"]
KINDS: tuple[Kind, ...] = ("plain", "by_name", "correction", "digression", "sold_out", "cancel", "share_buy")
_KIND_WEIGHTS = (24, 14, 16, 14, 10, 9, 13)

Opening = Literal["code", "code_color", "code_variant", "name", "share"]
# The checkout's later questions, named by the slot they ask for ("summary": the order summary).
LATER_QUESTIONS = ("customer_name", "phone", "address")
DIGRESSION_AT = ("quantity", "customer_name", "phone", "address", "postal_code", "shipping_method")
CANCEL_AT = ("quantity", "customer_name", "phone", "address", "shipping_method", "summary")

BUTTON_CLICKERS = 0.35  # share of customers who tap a button when there is one
POSTAL_GIVEN = 0.6


@dataclass(frozen=True)
class Item:
    code: str
    color: str
    size: str
    quantity: int


@dataclass(frozen=True)
class Correction:
    at: str  # the question at which the customer changes their mind
    field: Literal["quantity", "size", "color"]
    value: str  # the new value (a quantity as digits)


@dataclass(frozen=True)
class Scenario:
    index: int
    seed: int
    variety: Variety
    kind: Kind
    sender: str
    channel: Literal["rest", "instagram"]
    opening: Opening
    asked: Item  # what the customer asks about first (for sold_out: the sold-out variant)
    final: Item  # what they end up ordering
    person: str
    phone: str  # 09XXXXXXXXX
    address: str
    postal: str | None  # ten digits, or None for "I don't have one"
    method: Literal["post", "courier"]
    clicks_buttons: bool
    correction: Correction | None = None
    digression_at: str | None = None
    cancel_at: str | None = None

    @property
    def rng_seed(self) -> int:
        """The customer's own RNG (phrasing choices), separate from the scenario draw."""
        return self.seed * 1_000_003 + self.index * 7919 + 1


@dataclass(frozen=True)
class ExpectedOrder:
    code: str
    color: str
    size: str
    quantity: int
    phone: str  # +989XXXXXXXXX
    shipping_method: str
    subtotal: int
    shipping_fee: int
    total: int
    postal: str | None
    source: str | None  # "post" for share → buy; not checked otherwise


def load_policy(path: Path) -> ShopPolicy:
    return parse_policy(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def expected_order(scenario: Scenario, catalog: dict[str, Product], policy: ShopPolicy) -> ExpectedOrder | None:
    """The order the store should hold at the end; None when the customer cancels."""
    if scenario.kind == "cancel":
        return None
    item = scenario.final
    unit_price = catalog[item.code].variant(item.color, item.size).price
    subtotal = unit_price * item.quantity
    method = next(m for m in policy.shipping_methods if m.key == scenario.method)
    fee = policy.shipping_fee(method, subtotal)
    return ExpectedOrder(
        code=item.code,
        color=item.color,
        size=item.size,
        quantity=item.quantity,
        phone="+98" + scenario.phone[1:],
        shipping_method=scenario.method,
        subtotal=subtotal,
        shipping_fee=fee,
        total=subtotal + fee,
        postal=scenario.postal,
        source="post" if scenario.kind == "share_buy" else None,
    )


def _quantity(rng: random.Random) -> int:
    return rng.choices((1, 2, 3, 4), weights=(30, 35, 20, 15))[0]


def _opening(product: Product, rng: random.Random) -> Opening:
    if product.free_size:
        return rng.choice(("code", "code_color"))
    return rng.choice(("code", "code_color", "code_variant", "code_variant"))


def _correction(product: Product, item: Item, rng: random.Random) -> tuple[Correction, Item]:
    """A change of mind at a later question, and the item it leads to (always in stock)."""
    in_stock = product.in_stock()
    sizes = [v.size for v in in_stock if v.color == item.color and v.size != item.size]
    colors = [v.color for v in in_stock if v.size == item.size and v.color != item.color]
    fields = ["quantity"] + (["size"] if sizes else []) + (["color"] if colors else [])
    field = rng.choice(fields)
    at = rng.choice(LATER_QUESTIONS)
    if field == "size":
        new = replace(item, size=rng.choice(sizes))
        return Correction(at, "size", new.size), new
    if field == "color":
        new = replace(item, color=rng.choice(colors))
        return Correction(at, "color", new.color), new
    quantity = rng.choice([q for q in (1, 2, 3, 4) if q != item.quantity])
    return Correction(at, "quantity", str(quantity)), replace(item, quantity=quantity)


def _sold_out_pair(products: list[Product], rng: random.Random) -> tuple[Product, Item, Item]:
    """A sold-out variant to ask for, and an in-stock one of the same product to take instead."""
    product = rng.choice([p for p in products if p.sold_out()])
    gone = rng.choice(product.sold_out())
    in_stock = product.in_stock()
    # Prefer what a customer would pick: same colour in another size, else same size in another colour.
    nearby = [v for v in in_stock if v.color == gone.color] or [v for v in in_stock if v.size == gone.size] or in_stock
    pick = rng.choice(nearby)
    quantity = _quantity(rng)
    asked = Item(product.code, gone.color, gone.size, quantity)
    return product, asked, Item(product.code, pick.color, pick.size, quantity)


def generate(count: int, seed: int = 7) -> list[Scenario]:
    """``count`` scenarios, the four varieties in turn, kinds mixed by weight."""
    products = list(load_catalog().values())
    scenarios = []
    for index in range(count):
        rng = random.Random(seed * 1_000_003 + index)
        variety = VARIETIES[index % len(VARIETIES)]
        kind: Kind = rng.choices(KINDS, weights=_KIND_WEIGHTS)[0]
        if kind == "sold_out":
            product, asked, final = _sold_out_pair(products, rng)
            opening: Opening = "code_color" if product.free_size else "code_variant"
        else:
            product = rng.choice(products)
            variant = rng.choice(product.in_stock())
            asked = final = Item(product.code, variant.color, variant.size, _quantity(rng))
            named: dict[str, Opening] = {"by_name": "name", "share_buy": "share"}
            opening = named.get(kind) or _opening(product, rng)
        correction = None
        if kind == "correction":
            correction, final = _correction(product, asked, rng)
        channel = "instagram" if kind == "share_buy" else "rest"
        sender = f"88{seed % 100:02d}{index:07d}" if channel == "instagram" else f"sim-{seed}-{index:04d}-{variety}"
        scenarios.append(
            Scenario(
                index=index,
                seed=seed,
                variety=variety,
                kind=kind,
                sender=sender,
                channel=channel,
                opening=opening,
                asked=asked,
                final=final,
                person=values.person(variety, rng),
                phone=values.mobile_digits(rng),
                address=values.address(variety, rng),
                postal=values.postal_digits(rng) if rng.random() < POSTAL_GIVEN else None,
                method=rng.choice(("post", "courier")),
                clicks_buttons=rng.random() < BUTTON_CLICKERS,
                correction=correction,
                digression_at=rng.choice(DIGRESSION_AT) if kind == "digression" else None,
                cancel_at=rng.choice(CANCEL_AT) if kind == "cancel" else None,
            )
        )
    return scenarios
