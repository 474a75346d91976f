"""Follow-ups the shop sends between chats, and the customer's answers to a rating question.

The shop's worker (``owner.automation.customer_followups``) starts a turn with an external
intent naming the follow-up (entity ``followup_id``); ``action_send_followup`` words it from
domain.yml in the customer's language, with its buttons: continue the checkout or order what
is back in stock (a fresh checkout, which checks the stock again), or a score from 1 to 5.
The worker has already checked that it is still wanted and that Instagram's window is open.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.buttons import intent_button
from actions.language import reply_language
from actions.store import ITEM_AND_FORM, replies_on_store_error, session_factory
from inventory_db import due_work, ratings, settings
from inventory_db.database import transaction
from inventory_db.errors import StoreError, UnknownOrder, UnknownRating
from shoplang import followups as wording
from shoplang.describe import localized
from shoplang.followups import FOLLOW_UP_ENTITY
from shoplang.formatting import format_number
from shoplang.language import Language

logger = logging.getLogger(__name__)


def _entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return None if value is None else str(value)


def _buttons(item: due_work.DueItem, language: Language) -> list[dict[str, str]]:
    """What the customer can tap under a follow-up: the order's next step, never a dead end."""
    payload = item.payload
    if item.kind == due_work.RATING:
        order = str(payload["order_number"])
        return [
            intent_button(f"⭐ {format_number(score, language)}", "rate_order", rating=str(score), order_number=order)
            for score in range(ratings.LOWEST, ratings.HIGHEST + 1)
        ]
    if item.kind in (due_work.ABANDONED_CHECKOUT, due_work.BACK_IN_STOCK):
        title = (
            localized("ادامهٔ خرید", "Continue my order", language)
            if item.kind == due_work.ABANDONED_CHECKOUT
            else localized("سفارش می‌دم", "I'll order it", language)
        )
        wanted = {"product_code": payload["code"], "color": payload["color"], "size": payload["size"]}
        if payload.get("quantity"):
            wanted["quantity"] = str(payload["quantity"])
        return [intent_button(title, "order_product", **wanted)]
    return []


class ActionSendFollowup(Action):
    """Words the follow-up the worker names, in the customer's language. An abandoned-checkout
    reminder also closes the checkout left open, whose hold has lapsed."""

    def name(self) -> str:
        return "action_send_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        item_id = _entity(tracker, FOLLOW_UP_ENTITY)
        try:
            with transaction(session_factory()) as session:
                item = due_work.get(session, int(item_id)) if item_id and item_id.isdigit() else None
        except (StoreError, SQLAlchemyError) as error:  # nobody is waiting for a reply: say nothing
            logger.error("follow-up %s for %s: the store failed: %s", item_id, tracker.sender_id, error)
            return []
        if item is None or item.customer_id != tracker.sender_id:
            logger.error("follow-up %s is not one for customer %s: nothing sent", item_id, tracker.sender_id)
            return []
        language = reply_language(tracker)
        values = wording.values(item.kind, item.payload, language, settings.shop_timezone())
        dispatcher.utter_message(response=wording.RESPONSES[item.kind], buttons=_buttons(item, language), **values)
        if item.kind != due_work.ABANDONED_CHECKOUT:
            return []
        return [ActiveLoop(None), *(SlotSet(slot, None) for slot in ITEM_AND_FORM)]


class ActionRecordRating(Action):
    """A score tapped under the rating question: kept for the owner's report, thanked."""

    def name(self) -> str:
        return "action_record_rating"

    @replies_on_store_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        order, score = _entity(tracker, "order_number"), _entity(tracker, "rating")
        if not (order and order.isdigit() and score and score.isdigit()):
            dispatcher.utter_message(response="utter_rating_unknown_order")
            return []
        try:
            with transaction(session_factory()) as session:
                ratings.record_rating(session, int(order), tracker.sender_id, int(score))
        except UnknownOrder:
            dispatcher.utter_message(response="utter_rating_unknown_order")
            return []
        comment = localized("نوشتن نظر", "Add a comment", reply_language(tracker))
        dispatcher.utter_message(
            response="utter_rating_thanks", buttons=[intent_button(comment, "add_rating_comment", order_number=order)]
        )
        return [SlotSet("order_number", order)]


class ValidateRatingCommentForm(FormValidationAction):
    """The comment is whatever the customer writes after tapping "add a comment"."""

    def name(self) -> str:
        return "validate_rating_comment_form"

    async def validate_rating_comment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = value.strip() if isinstance(value, str) else ""
        return {"rating_comment": text or None}


class ActionSaveRatingComment(Action):
    """Adds the comment to the customer's rating of the order they rated."""

    def name(self) -> str:
        return "action_save_rating_comment"

    @replies_on_store_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        order, comment = tracker.get_slot("order_number"), tracker.get_slot("rating_comment")
        done = [SlotSet("rating_comment", None)]
        if not (isinstance(order, str) and order.isdigit() and comment):
            dispatcher.utter_message(response="utter_rating_unknown_order")
            return done
        try:
            with transaction(session_factory()) as session:
                ratings.add_rating_comment(session, int(order), tracker.sender_id, comment)
        except (UnknownOrder, UnknownRating):
            dispatcher.utter_message(response="utter_rating_unknown_order")
            return done
        dispatcher.utter_message(response="utter_rating_comment_saved")
        return done
