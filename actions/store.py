"""The action server's handle on the store, built on first use (never at import), the one
place that turns a store failure into a reply instead of a silent 500, and the one way
the conversation's business events are recorded."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from actions.language import reply_language
from inventory_db import events
from inventory_db.database import database_url, make_engine, make_session_factory, transaction
from inventory_db.errors import (
    CustomerLimitReached,
    InvalidQuantity,
    OutOfStock,
    StoreError,
    TooLong,
    UnknownProduct,
    UnknownVariant,
)
from shoplang.formatting import format_number

logger = logging.getLogger(__name__)

Run = Callable[[Any, CollectingDispatcher, Tracker, dict[str, Any]], Awaitable[list[EventType]]]

# Slots read from what the customer typed; a value the store found too long is asked again.
TYPED_SLOTS = ("customer_name", "phone", "address", "postal_code")
# A customer at the limit of holds or unpaid orders cannot go on: forget the item, end the form.
ITEM_AND_FORM = ("product_code", "color", "size", "quantity", "reservation_id", "requested_slot")
LIMIT_RESPONSES = {
    CustomerLimitReached.HOLDS: "utter_limit_open_holds",
    CustomerLimitReached.UNITS: "utter_limit_units_held",
    CustomerLimitReached.UNPAID_ORDERS: "utter_limit_unpaid_orders",
}


def session_factory() -> sessionmaker:
    """Sessions for the configured DATABASE_URL; one engine per URL per process."""
    return _factory_for(database_url())


@lru_cache(maxsize=4)
def _factory_for(url: str) -> sessionmaker:
    return make_session_factory(make_engine(url))


def record_event(tracker: Tracker, kind: str, **facts: Any) -> None:
    """Record a business event of this conversation (``inventory_db.events``) for the owner's reports.

    In a transaction of its own once the reply is decided: a store that cannot take it
    is logged, and the customer still gets their answer.
    """
    try:
        with transaction(session_factory()) as session:
            events.record(session, kind, tracker.sender_id, **facts)
    except (StoreError, SQLAlchemyError) as error:
        logger.error("%s of customer %s not recorded: %s: %s", kind, tracker.sender_id, type(error).__name__, error)


def slots_to_clear(error: Exception) -> tuple[str, ...]:
    """The conversation slots holding the value a store error refused, to be asked again."""
    if isinstance(error, UnknownProduct):
        return ("product_code", "color", "size", "quantity", "reservation_id")
    if isinstance(error, UnknownVariant):
        return ("color", "size", "reservation_id")
    if isinstance(error, (InvalidQuantity, OutOfStock)):
        return ("quantity", "reservation_id")
    if isinstance(error, CustomerLimitReached):
        # Too many units: a smaller quantity will do, and this checkout's hold is still kept.
        return ("quantity",) if error.limit == CustomerLimitReached.UNITS else ITEM_AND_FORM
    if isinstance(error, TooLong) and error.field in TYPED_SLOTS:
        return (error.field,)
    return ()


def say_store_error(dispatcher: CollectingDispatcher, tracker: Tracker, error: Exception) -> None:
    """The reply to a store error: what the customer can do about a limit or a too long answer,
    else that it was not saved."""
    language = reply_language(tracker)
    if isinstance(error, CustomerLimitReached):
        dispatcher.utter_message(
            response=LIMIT_RESPONSES[error.limit],
            current=format_number(error.current, language),
            allowed=format_number(error.allowed, language),
        )
    elif isinstance(error, TooLong) and error.field in TYPED_SLOTS:
        dispatcher.utter_message(response="utter_answer_too_long", max=format_number(error.limit, language))
    else:
        dispatcher.utter_message(response="utter_store_problem")


def replies_on_store_error(run: Run) -> Run:
    """Wraps an action's ``run``: a store error becomes a reply and cleared slots, and a log line.

    The store's transactions roll back on error, so nothing is half-written; the customer
    is asked again instead of getting nothing while the bad value stays in a slot.
    """

    @functools.wraps(run)
    async def guarded(
        self: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            return await run(self, dispatcher, tracker, domain)
        except (StoreError, SQLAlchemyError) as error:
            logger.error(
                "%s failed for customer %s: %s: %s", self.name(), tracker.sender_id, type(error).__name__, error
            )
            say_store_error(dispatcher, tracker, error)
            # Nothing more specific to blame: the answer to the pending question, if any.
            requested = tracker.get_slot("requested_slot")
            cleared = slots_to_clear(error) or ((requested,) if requested else ())
            return [SlotSet(slot, None) for slot in cleared]

    return guarded
