"""Payment receipts: a card-to-card customer's "واریز کردم" or screenshot is kept with
the order it pays, for the owner to check before ``shopctl orders mark-paid``."""

from __future__ import annotations

from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import reply_language
from actions.store import replies_on_store_error, session_factory
from inventory_db import payment_receipts
from inventory_db.database import transaction
from shoplang.formatting import format_order_number, format_toman

IMAGE_INTENT = "send_image"


def _receipt(tracker: Tracker) -> tuple[str, Optional[str]]:
    """(kind, content) of the latest message: the image's address, or the text itself."""
    message = tracker.latest_message or {}
    if (message.get("intent") or {}).get("name") == IMAGE_INTENT:
        metadata = message.get("metadata") or {}
        return payment_receipts.IMAGE, metadata.get("image_url")
    return payment_receipts.TEXT, message.get("text")


class ActionRecordPaymentReceipt(Action):
    """Ties a receipt to the customer's unpaid order; an image with no unpaid order is just a picture."""

    def name(self) -> Text:
        return "action_record_payment_receipt"

    @replies_on_store_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        kind, content = _receipt(tracker)
        receipt = None
        if content:
            with transaction(session_factory()) as session:
                receipt = payment_receipts.record_receipt(session, tracker.sender_id, kind, content)
        if receipt is not None:
            language = reply_language(tracker)
            dispatcher.utter_message(
                response="utter_receipt_received",
                order_number=format_order_number(receipt.order_number, language),
                total=format_toman(receipt.order_total, language),
            )
        elif kind == payment_receipts.IMAGE:
            dispatcher.utter_message(response="utter_image_received")
        else:
            dispatcher.utter_message(response="utter_receipt_no_order")
        return []
