"""The shop's policy file: shipping methods and fees, returns, payment, in both languages,
how much one customer may hold or leave unpaid at once, and when stock counts as running low.

The owner edits shop_policy.yml; the assistant quotes it. Loaded and checked once per
process, so a mistake in the file stops the action server with a clear message
instead of surfacing mid-conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from inventory_db import settings
from shoplang.normalize import fold

DEFAULT_LOW_STOCK_THRESHOLD = 2  # available units at or below which a variant is low on stock


class PolicyError(ValueError):
    """The policy file is missing or says something the assistant cannot use."""


@dataclass(frozen=True)
class ShippingMethod:
    key: str
    name_fa: str
    name_en: str
    fee: int
    days_fa: str
    days_en: str
    spellings: tuple[str, ...]


@dataclass(frozen=True)
class CustomerLimits:
    """What one customer may keep at once, so no one can take a product off sale by holding
    it or by ordering without paying. Units default to one hold's maximum
    (``reservations.MAX_QUANTITY``), so a single checkout the quantity question accepts is
    never refused by it."""

    max_open_holds: int = 3
    max_units_held: int = 20
    max_unpaid_orders: int = 2


@dataclass(frozen=True)
class ShopPolicy:
    shipping_methods: tuple[ShippingMethod, ...]
    free_shipping_over: int | None
    shipping_text: dict[str, str]
    returns_text: dict[str, str]
    payment_text: dict[str, str]
    payment_method: str
    payment: dict[str, Any]
    limits: CustomerLimits = CustomerLimits()
    # A variant with this many available units or fewer is low on stock, unless the owner set
    # its own threshold (``inventory_db.low_stock``).
    low_stock_threshold: int = DEFAULT_LOW_STOCK_THRESHOLD

    def shipping_method(self, text: str) -> ShippingMethod | None:
        """The method a customer's words name ("پست", "peyk", "courier"), if any."""
        key = fold(text)
        for method in self.shipping_methods:
            names = (method.key, method.name_fa, method.name_en, *method.spellings)
            if key in {fold(name) for name in names}:
                return method
        return None

    def shipping_fee(self, method: ShippingMethod, subtotal: int) -> int:
        if self.free_shipping_over is not None and subtotal >= self.free_shipping_over:
            return 0
        return method.fee


def _texts(section: dict[str, Any], name: str) -> dict[str, str]:
    texts = {lang: str(section.get(f"text_{lang}") or "").strip() for lang in ("fa", "en")}
    if not all(texts.values()):
        raise PolicyError(f"{name}: both text_fa and text_en are needed")
    return texts


def _limits(section: Any) -> CustomerLimits:
    """The ``limits`` section; any limit left out keeps its default."""
    if section is None:
        return CustomerLimits()
    if not isinstance(section, dict):
        raise PolicyError("limits: expected max_open_holds, max_units_held, max_unpaid_orders")
    unknown = set(section) - set(CustomerLimits.__dataclass_fields__)
    if unknown:
        raise PolicyError(f"limits: unknown setting(s) {', '.join(sorted(unknown))}")
    for name, value in section.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise PolicyError(f"limits.{name} must be a whole number from 1, not {value!r}")
    return CustomerLimits(**section)


def _low_stock_threshold(value: Any) -> int:
    if value is None:
        return DEFAULT_LOW_STOCK_THRESHOLD
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PolicyError(f"low_stock_threshold must be a whole number from 0, not {value!r}")
    return value


def parse_policy(data: dict[str, Any]) -> ShopPolicy:
    """A ShopPolicy from the file's parsed YAML; PolicyError says what is wrong."""
    try:
        shipping, returns, payment = data["shipping"], data["returns"], data["payment"]
        methods = tuple(
            ShippingMethod(
                key=str(m["key"]),
                name_fa=str(m["name_fa"]),
                name_en=str(m["name_en"]),
                fee=int(m["fee"]),
                days_fa=str(m["days_fa"]),
                days_en=str(m["days_en"]),
                spellings=tuple(str(s) for s in m.get("spellings") or ()),
            )
            for m in shipping["methods"]
        )
    except (KeyError, TypeError, ValueError) as error:
        raise PolicyError(f"shop policy is incomplete or malformed: {error}") from None
    if not methods:
        raise PolicyError("shipping: at least one method is needed")
    if any(m.fee < 0 for m in methods):
        raise PolicyError("shipping: a fee cannot be negative")
    method = str(payment.get("method") or "")
    if method not in ("card_to_card", "payment_link"):
        raise PolicyError("payment.method must be card_to_card or payment_link")
    if method == "card_to_card" and not payment.get("card_number"):
        raise PolicyError("payment: card_to_card needs card_number")
    free_over = shipping.get("free_over")
    return ShopPolicy(
        shipping_methods=methods,
        free_shipping_over=int(free_over) if free_over is not None else None,
        shipping_text=_texts(shipping, "shipping"),
        returns_text=_texts(returns, "returns"),
        payment_text=_texts(payment, "payment"),
        payment_method=method,
        payment=dict(payment),
        limits=_limits(data.get("limits")),
        low_stock_threshold=_low_stock_threshold(data.get("low_stock_threshold")),
    )


@lru_cache(maxsize=4)
def _load(path: str) -> ShopPolicy:
    file = Path(path)
    if not file.is_file():
        raise PolicyError(f"no shop policy file at {file} (set SHOP_POLICY_FILE)")
    return parse_policy(yaml.safe_load(file.read_text(encoding="utf-8")) or {})


def load_policy() -> ShopPolicy:
    """The policy in SHOP_POLICY_FILE (default shop_policy.yml)."""
    return _load(str(settings.policy_file().resolve()))
