"""How a customer pays for an order: pluggable methods chosen in the shop policy.

Card-to-card: the assistant gives the shop's card number and the order waits for the
owner's `shopctl orders mark-paid`. Payment link: a provider makes a link per order;
a real gateway is one more class registered in PROVIDERS, with no dialogue change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from inventory_db.orders import OrderInfo
from inventory_db.policy import PolicyError, ShopPolicy

CARD_TO_CARD = "card_to_card"
PAYMENT_LINK = "payment_link"


@dataclass(frozen=True)
class PaymentRequest:
    """What to tell the customer so they can pay this order."""

    method: str
    card_number: str | None = None
    card_holder: dict[str, str] | None = None
    url: str | None = None


class PaymentLinkProvider(Protocol):
    """A payment gateway: one link per order, for the order's total."""

    def create_link(self, order: OrderInfo) -> str: ...


class FakePaymentLinkProvider:
    """A stand-in gateway for tests and demos: a deterministic link on a base URL."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.base_url = str(settings.get("base_url") or "https://pay.example.invalid").rstrip("/")

    def create_link(self, order: OrderInfo) -> str:
        return f"{self.base_url}/pay/{order.number}?amount={order.total}"


PROVIDERS: dict[str, Callable[[dict[str, Any]], PaymentLinkProvider]] = {"fake": FakePaymentLinkProvider}


def payment_request(policy: ShopPolicy, order: OrderInfo) -> PaymentRequest:
    """The payment step for ``order`` under the shop's chosen method."""
    settings = policy.payment
    if policy.payment_method == CARD_TO_CARD:
        holder = {"fa": str(settings.get("card_holder_fa") or ""), "en": str(settings.get("card_holder_en") or "")}
        return PaymentRequest(CARD_TO_CARD, card_number=str(settings["card_number"]), card_holder=holder)
    provider_name = str(settings.get("provider") or "")
    if provider_name not in PROVIDERS:
        raise PolicyError(f"payment.provider {provider_name!r} is not one of {sorted(PROVIDERS)}")
    provider = PROVIDERS[provider_name](settings)
    return PaymentRequest(PAYMENT_LINK, url=provider.create_link(order))
