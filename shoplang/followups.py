"""How a follow-up to a customer reads: the domain response that words each kind, and the
values slotted into it. The assistant (which sends a follow-up inside Instagram's window)
and the worker (which keeps it ready for the owner to send by hand outside it) both use these,
so the two never say different things.

A follow-up's payload is what the store kept when it was scheduled (``inventory_db.followups``):
product names and codes, the order's number, total, deadline and tracking code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shoplang import describe
from shoplang.formatting import format_local_time, format_order_number, format_toman
from shoplang.language import Language

# The turns the shop's worker starts (owner.automation.customer_followups), never typed: the
# entity names the follow-up; an abandoned-checkout reminder also closes the checkout left open.
FOLLOW_UP_INTENT = "EXTERNAL_followup"
CHECKOUT_REMINDER_INTENT = "EXTERNAL_checkout_reminder"
FOLLOW_UP_ENTITY = "followup_id"

# The kinds are inventory_db.due_work's; the wording is in domain.yml under these names.
RESPONSES: dict[str, str] = {
    "abandoned_checkout": "utter_followup_abandoned_checkout",
    "payment_reminder": "utter_followup_payment_reminder",
    "shipped": "utter_followup_shipped",
    "rating": "utter_followup_rating",
    "back_in_stock": "utter_followup_back_in_stock",
}


def _item(payload: Mapping[str, Any], language: Language) -> str:
    name = describe.product_name(payload["name_fa"], payload["name_en"], payload["code"], language)
    detail = describe.variant(payload.get("color"), payload.get("size"), language)
    return f"{name} {detail}".strip()


def values(kind: str, payload: Mapping[str, Any], language: Language, zone: ZoneInfo) -> dict[str, str]:
    """The response's variables for a follow-up of ``kind``, in the customer's language."""
    found: dict[str, str] = {}
    if "code" in payload:
        found["item"] = _item(payload, language)
    if "unit_price" in payload:
        found["price"] = format_toman(int(payload["unit_price"]), language)
    if "order_number" in payload:
        found["order_number"] = format_order_number(int(payload["order_number"]), language)
    if "total" in payload:
        found["total"] = format_toman(int(payload["total"]), language)
    if "payment_due_at" in payload:
        due = datetime.fromisoformat(payload["payment_due_at"]).astimezone(zone)
        found["deadline"] = format_local_time(due, language)
    if "tracking_code" in payload:
        found["tracking_code"] = payload.get("tracking_code") or "—"
    missing = [name for name in _NEEDS.get(kind, ()) if name not in found]
    if missing:
        raise ValueError(f"a {kind} follow-up's payload lacks what its wording needs: {', '.join(missing)}")
    return found


_NEEDS: dict[str, tuple[str, ...]] = {
    "abandoned_checkout": ("item",),
    "payment_reminder": ("order_number", "total", "deadline"),
    "shipped": ("order_number", "tracking_code"),
    "rating": ("order_number",),
    "back_in_stock": ("item", "price"),
}
