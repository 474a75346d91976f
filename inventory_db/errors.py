"""Domain errors: plain exceptions the CLI and the actions turn into replies."""

from __future__ import annotations

from dataclasses import dataclass


class StoreError(Exception):
    """Base of every error the store reports to its callers."""


class UnknownProduct(StoreError):
    """No product has this code."""

    def __init__(self, code: str) -> None:
        super().__init__(f"no product with code {code}")
        self.code = code


@dataclass(frozen=True)
class RowError:
    """One bad line of a catalog file, with the reason in plain words."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class CatalogImportError(StoreError):
    """The catalog file has bad rows; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


class UnknownVariant(StoreError):
    """The product exists but is not made (or no longer sold) in this colour and size."""

    def __init__(self, code: str, color: str, size: str) -> None:
        super().__init__(f"{code} has no variant {color} {size}")
        self.code, self.color, self.size = code, color, size


class InvalidQuantity(StoreError):
    """A quantity that is not a positive whole number, or more than one order may hold."""

    def __init__(self, quantity: object, reason: str = "must be a whole number from 1") -> None:
        super().__init__(f"quantity {quantity!r} {reason}")
        self.quantity = quantity


class OutOfStock(StoreError):
    """Fewer units are available than asked for; ``available`` says how many are."""

    def __init__(self, code: str, color: str, size: str, requested: int, available: int) -> None:
        super().__init__(f"{code} {color} {size}: {requested} asked, {max(available, 0)} available")
        self.code, self.color, self.size = code, color, size
        self.requested = requested
        self.available = max(available, 0)


class StockCommitted(StoreError):
    """Units on hand cannot drop below what reservations and open orders already hold."""

    def __init__(self, code: str, color: str, size: str, on_hand: int, committed: int) -> None:
        super().__init__(
            f"{code} {color} {size}: cannot set stock to {on_hand}, {committed} units are reserved or in open "
            "orders (cancel those first)"
        )
        self.code, self.color, self.size = code, color, size
        self.on_hand, self.committed = on_hand, committed


class UnknownReservation(StoreError):
    """No reservation has this id (for this customer)."""

    def __init__(self, reservation_id: int) -> None:
        super().__init__(f"no reservation {reservation_id}")
        self.reservation_id = reservation_id


class ReservationNotActive(StoreError):
    """The hold was already released, expired or turned into an order."""

    def __init__(self, reservation_id: int, status: str) -> None:
        super().__init__(f"reservation {reservation_id} is {status}")
        self.reservation_id, self.status = reservation_id, status


class UnknownOrder(StoreError):
    """No order has this number."""

    def __init__(self, number: object) -> None:
        super().__init__(f"no order {number}")
        self.number = number


class InvalidOrder(StoreError):
    """An order request missing something it needs (items, a name, an address…)."""


class IllegalTransition(StoreError):
    """The order's status does not allow this step (e.g. shipping an unpaid order)."""

    def __init__(self, number: int, from_status: str, to_status: str) -> None:
        super().__init__(f"order {number} is {from_status} and cannot become {to_status}")
        self.number, self.from_status, self.to_status = number, from_status, to_status


class TooLong(StoreError):
    """A text longer than its column: refused before the database, where PostgreSQL would
    fail with a DataError and SQLite would keep it whole. ``field`` is the value's name."""

    def __init__(self, field: str, length: int, limit: int) -> None:
        super().__init__(f"{field} is {length} characters long; at most {limit} are kept")
        self.field, self.length, self.limit = field, length, limit


class CustomerLimitReached(StoreError):
    """One customer already has as many holds, held units or unpaid orders as the shop
    allows (``shop_policy.yml``, ``limits``): ``current`` of ``allowed``."""

    HOLDS = "holds"
    UNITS = "units"
    UNPAID_ORDERS = "unpaid_orders"

    def __init__(self, customer_id: str, limit: str, current: int, allowed: int) -> None:
        super().__init__(f"customer {customer_id} has {current} {limit.replace('_', ' ')}; {allowed} allowed")
        self.customer_id, self.limit, self.current, self.allowed = customer_id, limit, current, allowed


class WeakPassword(StoreError):
    """A password for the owner's dashboard too short to resist guessing; nothing was changed."""

    def __init__(self, length: int, minimum: int) -> None:
        super().__init__(f"the password is {length} characters long; use at least {minimum} (a few words do)")
        self.length, self.minimum = length, minimum


class InvalidRating(StoreError):
    """A score that is not a whole number from 1 to 5."""

    def __init__(self, score: object, lowest: int = 1, highest: int = 5) -> None:
        super().__init__(f"score {score!r} must be a whole number from {lowest} to {highest}")
        self.score, self.lowest, self.highest = score, lowest, highest


class UnknownRating(StoreError):
    """The customer has not rated this order (yet), so there is nothing to comment on."""

    def __init__(self, order_number: int) -> None:
        super().__init__(f"order {order_number} has no rating")
        self.order_number = order_number
