"""Instagram Direct as a Rasa channel: ``InstagramInput`` (webhook) and ``InstagramOutput``.

Registered in credentials.yml as ``channels.instagram.InstagramInput``; Meta calls
``/webhooks/instagram/webhook``. The webhook checks Meta's signature over the raw
bytes, stores every event in the durable inbox (``inventory_db.inbox``; a redelivered
mid is recognised there) and only then answers 200. ``InboxWorkers`` lease the
stored events, each customer's in the order they wrote, and this module turns each
into a Rasa turn: retried when it fails, never answered twice (``turn_guard``, the
outbound ledger in ``inventory_db.outbox``), and not run at all while the customer
waits for a person. Comments asking a price get one private reply.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session, sessionmaker

from channels import comment_replies
from channels import instagram_texts as texts
from channels.instagram_send import (
    HUMAN_AGENT_TAG,
    GraphApiClient,
    GraphApiError,
    generic_template,
    image_message,
    product_card,
    quick_replies,
    split_text,
)
from channels.instagram_settings import InstagramSettings
from channels.instagram_webhook import (
    MAX_BODY_BYTES,
    SIGNATURE_HEADER,
    CommentEvent,
    Delivery,
    MalformedPayload,
    MessageEvent,
    ReferralEvent,
    SharedMedia,
    WebhookReferral,
    parse_delivery,
    read_stored,
    signature_is_valid,
)
from channels.instagram_worker import InboxSettings, InboxWorkers
from channels.send_pacing import pacer_for
from channels.shared_posts import Origin, SharedPosts, order_source
from channels.turn_guard import already_handled, guarded_turn, watch_action_failures
from inventory_db import handoffs, inbox, message_log, outbox
from inventory_db.database import make_engine, make_session_factory, transaction
from inventory_db.errors import UnknownProduct
from inventory_db.inbox import LeasedEvent

logger = logging.getLogger(__name__)

T = TypeVar("T")

PRIVATE_REPLY_WINDOW = timedelta(days=7)  # a comment may get its private reply for 7 days
IN_DOUBT_CLOCK_SKEW = timedelta(seconds=5)  # Meta's clock against ours, when checking a reply in doubt

# Intent messages for messages that carry no text, so they skip NLU as buttons do.
SHARED_POST_INTENT = "share_post"
IMAGE_INTENT = "send_image"
ATTACHMENT_INTENT = "send_attachment"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


LastContact = Callable[[str], Awaitable[datetime | None]]
Db = Callable[[Callable[[Session], T]], Awaitable[T]]


class SendLedger:
    """The replies of one turn, numbered in the order sent, kept in ``inventory_db.outbox``.

    A retried turn sends the same replies in the same order: the ones an earlier try
    already sent are skipped. Button payloads sent are remembered for the customer.
    """

    def __init__(self, db: Db, turn_key: str) -> None:
        self._db = db
        self.turn_key = turn_key
        self._next = 0

    async def claim(self, recipient_id: str) -> tuple[int, bool]:
        """The number of this reply, and whether it is new (False: an earlier try claimed it)."""
        seq = self._next
        self._next += 1
        fresh = await self._db(lambda session: outbox.begin_send(session, self.turn_key, seq, recipient_id))
        return seq, fresh

    async def in_doubt_since(self, seq: int) -> datetime | None:
        """When an earlier try began sending this reply and died before Meta confirmed it."""
        return await self._db(lambda session: outbox.in_doubt_since(session, self.turn_key, seq))

    async def sent(self, seq: int, recipient_id: str, message: dict[str, Any], meta_message_id: str | None) -> None:
        def record(session: Session) -> None:
            outbox.mark_sent(session, self.turn_key, seq, meta_message_id)
            outbox.offer(session, recipient_id, _payloads(message))

        await self._db(record)

    async def unaccounted(self, recipient_id: str, meta_message_ids: list[str]) -> list[str]:
        """The ids among ``meta_message_ids`` that no reply in the ledger was given."""
        known = await self._db(lambda session: outbox.known_message_ids(session, recipient_id, meta_message_ids))
        return [i for i in meta_message_ids if i not in known]


def _payloads(message: dict[str, Any]) -> list[str | None]:
    """The payloads of the quick replies and card buttons in a Send API message."""
    found = [reply.get("payload") for reply in message.get("quick_replies") or [] if isinstance(reply, dict)]
    attachment = message.get("attachment") if isinstance(message.get("attachment"), dict) else {}
    payload = attachment.get("payload") if isinstance(attachment.get("payload"), dict) else {}
    for element in payload.get("elements") or []:
        for button in (element.get("buttons") or []) if isinstance(element, dict) else []:
            if isinstance(button, dict):
                found.append(button.get("payload"))
    return found


class InstagramOutput(OutputChannel):
    """Sends the bot's answers through the Send API, inside Meta's messaging window."""

    @classmethod
    def name(cls) -> str:
        return "instagram"

    def __init__(
        self,
        client: GraphApiClient,
        last_contact: LastContact,
        ledger: SendLedger,
        *,
        human_agent: bool = False,
        hold_replies: bool = False,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.client = client
        self._last_contact = last_contact
        self.ledger = ledger
        self.human_agent = human_agent
        self._clock = clock
        self._held: list[tuple[str, dict[str, Any]]] | None = [] if hold_replies else None

    async def window_is_open(self, recipient_id: str) -> bool:
        """Meta accepts a message only so long after the customer's last one."""
        return message_log.inside_window(await self._last_contact(recipient_id), self._clock(), self.human_agent)

    async def send_message(self, recipient_id: str, message: dict[str, Any]) -> bool:
        """One Send API call, or kept until ``release_replies`` when the output holds replies;
        False when refused (window closed, or Meta said no)."""
        if self._held is not None:
            self._held.append((recipient_id, message))
            return True
        return await self._send_now(recipient_id, message)

    async def release_replies(self) -> None:
        """Send the replies held so far, in order: the turn that made them is known to be good.

        A turn that fails is never released, so its half-made answer never reaches the
        customer and the retry starts clean.
        """
        if not self._held:
            return
        held, self._held = self._held, []
        for recipient_id, message in held:
            await self._send_now(recipient_id, message)

    async def _send_now(self, recipient_id: str, message: dict[str, Any]) -> bool:
        """A reply an earlier try of this turn sent is skipped; one it may have sent (its process
        died during the call) is sent only if Meta's conversation shows it never arrived."""
        if not await self.window_is_open(recipient_id):
            logger.warning(
                "Not sending to %s: outside the %s messaging window",
                recipient_id,
                "7-day human agent" if self.human_agent else "24-hour",
            )
            return False
        seq, fresh = await self.ledger.claim(recipient_id)
        if not fresh:
            since = await self.ledger.in_doubt_since(seq)
            found = None if since is None else await self._find_at_meta(recipient_id, message, since)
            if found is not True:
                if found:  # Meta has it (this id): no longer in doubt
                    await self.ledger.sent(seq, recipient_id, message, found)
                logger.info(
                    "Reply %s #%d to %s was sent by an earlier try: not again", self.ledger.turn_key, seq, recipient_id
                )
                return True
            logger.warning(
                "Reply %s #%d to %s never reached Meta before its process died: sending it",
                self.ledger.turn_key,
                seq,
                recipient_id,
            )
        try:
            answer = await self.client.send_message(
                {"id": recipient_id}, message, tag=HUMAN_AGENT_TAG if self.human_agent else None
            )
        except GraphApiError:
            return False  # logged with Meta's code by the client; the conversation goes on
        await self.ledger.sent(seq, recipient_id, message, _str_or_none(answer.get("message_id")))
        return True

    async def _find_at_meta(self, recipient_id: str, message: dict[str, Any], since: datetime) -> str | bool | None:
        """Look for this reply in Meta's conversation with the customer, sent since ``since``
        and not already another reply of the ledger (the same text may be sent twice):
        Meta's id when found, True when surely missing, None when we cannot tell (a card, an
        image, Meta unreachable, a time we cannot read), which is never sent again."""
        text = message.get("text")
        if not isinstance(text, str) or "attachment" in message:
            return None
        try:
            recent = await self.client.recent_texts_to(recipient_id)
        except GraphApiError:
            return None
        earliest = since - IN_DOUBT_CLOCK_SKEW
        candidates = []
        for message_id, created, sent in recent:
            try:
                when = datetime.strptime(created, "%Y-%m-%dT%H:%M:%S%z")
            except ValueError:
                return None
            if sent == text and when >= earliest:
                candidates.append(message_id)
        unaccounted = await self.ledger.unaccounted(recipient_id, candidates)
        return unaccounted[0] if unaccounted else True

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(text):
            await self.send_message(recipient_id, {"text": part})

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Buttons become quick replies under the last part of the text."""
        parts = split_text(text) or ["…"]
        for part in parts[:-1]:
            await self.send_message(recipient_id, {"text": part})
        message: dict[str, Any] = {"text": parts[-1]}
        replies = quick_replies(buttons)
        if replies:
            message["quick_replies"] = replies
        await self.send_message(recipient_id, message)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_message(recipient_id, image_message(image))

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        if isinstance(attachment, dict):
            await self.send_message(recipient_id, {"attachment": attachment})
        else:
            await self.send_text_message(recipient_id, str(attachment))

    async def send_elements(self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any) -> None:
        await self.send_message(recipient_id, generic_template(elements))

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """``{"product_cards": [...]}`` from the actions, or a raw Send API ``message``."""
        cards = json_message.get("product_cards")
        if isinstance(cards, list):
            language = json_message.get("language") if json_message.get("language") in ("fa", "en") else "fa"
            elements = [
                product_card(
                    code=str(card.get("code", "")),
                    title=str(card.get("title", "")),
                    price=str(card.get("price", "")),
                    image_url=card.get("image_url"),
                    order_title=str(card.get("order_title") or texts.ORDER_BUTTON[language]),
                    payload=card.get("order_payload"),
                )
                for card in cards
                if isinstance(card, dict)
            ]
            await self.send_elements(recipient_id, elements)
        else:
            await self.send_message(recipient_id, json_message)

    async def send_typing(self, recipient_id: str) -> None:
        """The typing bubble while the bot works; failing to show it is not worth a retry."""
        try:
            await self.client.send_sender_action(recipient_id, "typing_on")
        except GraphApiError:
            pass


class InstagramInput(InputChannel):
    """Meta's Instagram webhook: verification, signed deliveries, background processing."""

    @classmethod
    def name(cls) -> str:
        return "instagram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        try:
            inbox_settings = InboxSettings.from_credentials(credentials)
        except ValueError as error:
            raise RasaException(f"The instagram channel's inbox settings are wrong: {error}") from None
        return cls(InstagramSettings.from_credentials(credentials), inbox_settings=inbox_settings)

    def __init__(
        self,
        settings: InstagramSettings,
        session_factory: sessionmaker | None = None,
        clock: Callable[[], datetime] = utc_now,
        inbox_settings: InboxSettings = InboxSettings(),
    ) -> None:
        self.settings = settings
        self.client = GraphApiClient(settings.graph, pacer_for(settings.graph))  # shared with REDIS_URL
        self._session_factory = session_factory
        self._engine = None
        self._clock = clock
        self.shared_posts = SharedPosts(self.client, self._db, clock)
        self.workers = InboxWorkers(self._db, self._process, self._gave_up, inbox_settings, clock=clock)
        self._on_new_message: Callable[[UserMessage], Awaitable[Any]] | None = None
        self._app: Any = None

    # --- database, off the event loop ------------------------------------------

    def _sessions(self) -> sessionmaker:
        if self._session_factory is None:
            self._engine = make_engine(self.settings.database_url)
            self._session_factory = make_session_factory(self._engine)
        return self._session_factory

    @staticmethod
    def _in_transaction(sessions: sessionmaker, work: Callable[[Session], T]) -> T:
        with transaction(sessions) as session:
            return work(session)

    async def _db(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one transaction on a worker thread; the event loop stays free."""
        sessions = self._sessions()  # made here, on the loop, so threads never race to make it
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, functools.partial(self._in_transaction, sessions, work))

    async def _last_contact(self, sender_id: str) -> datetime | None:
        return await self._db(lambda session: message_log.last_customer_message_at(session, sender_id))

    async def close(self) -> None:
        """Finish or hand back the events in hand, close the HTTP session and the database engine."""
        await self.workers.close()
        await self.client.close()
        if self._engine is not None:
            self._engine.dispose()

    # --- Rasa's channel API ------------------------------------------------------

    def _output(
        self, turn_key: str, last_contact: LastContact, human_agent: bool = False, hold_replies: bool = False
    ) -> InstagramOutput:
        return InstagramOutput(
            self.client,
            last_contact,
            SendLedger(self._db, turn_key),
            human_agent=human_agent,
            hold_replies=hold_replies,
            clock=self._clock,
        )

    def get_output_channel(self) -> OutputChannel:
        return self._output(f"out:{uuid.uuid4().hex}", self._last_contact)

    def human_agent_output(self) -> InstagramOutput:
        """For a person answering from the shop: HUMAN_AGENT tag, 7-day window."""
        return self._output(f"agent:{uuid.uuid4().hex}", self._last_contact, human_agent=True)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("instagram_webhook", __name__)
        self._on_new_message = on_new_message

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            challenge = request.args.get("hub.challenge")
            if (
                request.args.get("hub.mode") == "subscribe"
                and challenge is not None
                and hmac.compare_digest(token.encode("utf-8"), self.settings.verify_token.encode("utf-8"))
            ):
                return response.text(challenge)
            logger.warning("Instagram webhook verification failed: wrong hub.verify_token or hub.mode")
            return response.text("forbidden", status=403)

        @webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            body = await _read_capped(request, MAX_BODY_BYTES)
            if body is None:
                logger.warning(
                    "Instagram webhook refused: body over %d bytes from %s",
                    MAX_BODY_BYTES,
                    request.remote_addr or request.ip,
                )
                return response.text("payload too large", status=413)
            if not signature_is_valid(self.settings.app_secret, body, request.headers.get(SIGNATURE_HEADER)):
                logger.warning("Instagram webhook with a missing or wrong %s header refused", SIGNATURE_HEADER)
                return response.text("invalid signature", status=403)
            try:
                delivery = parse_delivery(body)
            except MalformedPayload as error:
                logger.warning("Instagram webhook body refused: %s", error)
                return response.text("malformed payload", status=400)
            if delivery.object not in ("instagram", "page"):
                logger.info("Instagram webhook for object %r ignored", delivery.object)
                return response.text("EVENT_RECEIVED")
            try:
                await self.store(delivery)
            except Exception as error:  # nothing stored: Meta delivers it again after a non-200
                logger.error("Instagram webhook not stored (%s); asking Meta to deliver it again", error)
                return response.text("try again", status=503)
            return response.text("EVENT_RECEIVED")

        @webhook.listener("before_server_start")
        async def start(app: Any, _loop: Any) -> None:
            self._app = app
            watch_action_failures()
            self.workers.start()

        @webhook.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            await self.close()

        return webhook

    async def store(self, delivery: Delivery) -> int:
        """Put a delivery's events in the inbox (one transaction) and wake the workers."""
        new_events = [
            inbox.NewEvent(
                kind=item.kind,
                external_id=item.external_id,
                sender_id=item.queue,
                event_time_ms=item.timestamp_ms,
                payload=json.dumps(item.stored, ensure_ascii=False),
            )
            for item in delivery.received
        ]
        if not new_events:
            return 0
        stored = await self._db(lambda session: inbox.store(session, new_events, self._clock()))
        if stored < len(new_events):
            logger.info(
                "Instagram webhook: %d of %d event(s) were delivered before", len(new_events) - stored, len(new_events)
            )
        self.workers.wake()
        return stored

    # --- background work -----------------------------------------------------------

    async def _process(self, leased: LeasedEvent) -> str:
        """One stored event's work; the outcome to record. Raises to have it retried."""
        event = read_stored(json.loads(leased.payload or "null"))
        if isinstance(event, MessageEvent):
            return await self._handle_message(event, first_try=leased.attempts == 1)
        if isinstance(event, ReferralEvent):
            await self._handle_referral(event)
            return "done"
        if isinstance(event, CommentEvent):
            return await self._handle_comment(event)
        logger.warning("Inbox event %s %s cannot be read: skipped", leased.kind, leased.external_id)
        return "skipped"

    async def _gave_up(self, leased: LeasedEvent, error: str) -> None:
        """The last try failed: tell the customer a person will answer, and put them on the owner's list."""
        event = read_stored(json.loads(leased.payload or "null"))
        if not isinstance(event, MessageEvent):
            return
        note = f"the assistant could not answer {event.text or event.payload or 'a message'!r}: {error}"
        await self._db(lambda session: handoffs.request_handoff(session, event.sender_id, note[: handoffs.MAX_MESSAGE]))
        output = self._output(f"{event.mid}:gave_up", _known(self._event_time(event.timestamp_ms)))
        await output.send_text_message(event.sender_id, texts.text(texts.WE_WILL_ANSWER, "fa"))

    def _event_time(self, timestamp_ms: int) -> datetime:
        if timestamp_ms <= 0:
            return self._clock()
        return min(datetime.fromtimestamp(timestamp_ms / 1000, timezone.utc), self._clock())

    async def _handle_message(self, event: MessageEvent, first_try: bool) -> str:
        written_at = self._event_time(event.timestamp_ms)

        def note_contact(session: Session) -> bool:
            message_log.touch_customer(session, event.sender_id, written_at)
            if event.referral is not None:
                message_log.record_referral(session, event.sender_id, _referral(event.referral, event.timestamp_ms))
            return handoffs.is_waiting(session, event.sender_id)

        if await self._db(note_contact):
            logger.info("Customer %s waits for a person: message %s left for the owner", event.sender_id, event.mid)
            return "handoff"
        if await self._turn_ran_before(event):
            logger.info("Instagram message %s was answered before a restart: not answering again", event.mid)
            return "done"
        output = self._output(event.mid, _known(written_at), hold_replies=True)
        user_message = await self._user_message(event, output)
        if user_message is None:
            return "skipped"
        if first_try:
            await output.send_typing(event.sender_id)
        if self._on_new_message is None:
            raise RuntimeError("the channel's blueprint was never registered")
        # The replies go out when the turn is known good: just before Rasa saves it (the
        # tracker store calls release_replies), or after it, whichever comes first.
        with guarded_turn(before_save=output.release_replies) as turn:
            await self._on_new_message(user_message)
        if turn.failed:
            raise RuntimeError(turn.failed)
        await output.release_replies()
        return "done"

    async def _turn_ran_before(self, event: MessageEvent) -> bool:
        """Whether Rasa's stored conversation already has this message (a crash after its turn)."""
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        tracker_store = getattr(agent, "tracker_store", None)
        if tracker_store is None:
            return False
        return await already_handled(tracker_store, event.sender_id, event.mid)

    async def _user_message(self, event: MessageEvent, output: InstagramOutput) -> UserMessage | None:
        """The Rasa message for an Instagram event: button payloads as intents, context as metadata."""
        metadata: dict[str, Any] = {
            "instagram": {"mid": event.mid, "kind": event.kind, "timestamp_ms": event.timestamp_ms}
        }
        text = _as_typed(event.text)
        if event.payload:
            metadata["payload"] = event.payload
            if event.payload.startswith("/") and await self._db(
                lambda session: outbox.was_offered(session, event.sender_id, event.payload or "")
            ):
                text = event.payload  # a button the bot sent: "/ask_availability{...}", no NLU guessing
        if event.attachments:
            metadata["attachments"] = [{"type": a.type, "url": a.url} for a in event.attachments]
        if event.images:
            metadata["image_url"] = event.images[0]
        if event.referral is not None:
            metadata["referral"] = _referral_dict(event.referral)

        if event.shared_media is not None:
            metadata["shared_media"] = {"kind": event.shared_media.kind, "media_id": event.shared_media.media_id}
        origin = await self._origin(event)
        product_code = origin.product_code if origin else None
        if product_code:
            metadata["product_code"] = product_code
        if origin and origin.source:
            metadata["product_source"] = origin.source  # an order source: place_order takes it as is

        if not text:
            if event.shared_media is not None:
                entities = json.dumps({"product_code": product_code}) if product_code else ""
                text = f"/{SHARED_POST_INTENT}{entities}"
            elif event.images:
                text = f"/{IMAGE_INTENT}"
            elif event.attachments:
                text = f"/{ATTACHMENT_INTENT}"
            else:
                return None
        return UserMessage(
            text=text,
            output_channel=output,
            sender_id=event.sender_id,
            input_channel=self.name(),
            message_id=event.mid,
            metadata=metadata,
        )

    async def _origin(self, event: MessageEvent) -> Origin | None:
        """The product and order source a message is about: the post, reel or story it shares,
        else the ad or link it came from, else what the customer shared or came from a few
        minutes ago."""
        if event.shared_media is not None:
            code = await self.shared_posts.product_for(event.shared_media)
            if code is None:
                return None
            return await self.shared_posts.remember(event.sender_id, Origin(code, order_source(event.shared_media)))
        came_from = await self._remember_referral(event.sender_id, event.referral) if event.referral else None
        return came_from or await self.shared_posts.recently_shared(event.sender_id)

    async def _remember_referral(self, sender_id: str, referral: WebhookReferral) -> Origin | None:
        """An ad or link the shop counts as a source is what the customer's next messages came from."""
        source = order_source(referral)
        return await self.shared_posts.remember(sender_id, Origin(None, source)) if source else None

    async def _handle_referral(self, event: ReferralEvent) -> None:
        await self._remember_referral(event.sender_id, event.referral)
        referral = _referral(event.referral, event.timestamp_ms)
        await self._db(lambda session: message_log.record_referral(session, event.sender_id, referral))

    async def _handle_comment(self, event: CommentEvent) -> str:
        """One private reply in Direct to a price/availability comment on a product post."""
        if event.from_id == event.account_id or not comment_replies.asks_price_or_availability(event.text):
            return "skipped"
        if self._clock() - datetime.fromtimestamp(event.time_s, timezone.utc) > PRIVATE_REPLY_WINDOW:
            logger.info("Comment %s is older than 7 days: no private reply", event.comment_id)
            return "skipped"
        code = await self.shared_posts.product_for(SharedMedia("post", event.media_id, None))
        if code is None:
            return "skipped"
        sender = event.from_id or event.comment_id
        turn_key = f"comment:{event.comment_id}"
        if not await self._db(lambda session: outbox.begin_send(session, turn_key, 0, sender)):
            logger.info("Comment %s already has its private reply", event.comment_id)
            return "done"
        try:
            reply = await self._db(lambda session: comment_replies.answer(session, code, event.text))
            # Meta allows a single private reply per comment: it must fit one message.
            await self.client.send_message(
                {"comment_id": event.comment_id}, {"text": split_text(reply)[0]}, messaging_type=None
            )
        except (GraphApiError, UnknownProduct) as error:
            logger.warning("No private reply to comment %s: %s", event.comment_id, error)
            return "failed"
        await self._db(lambda session: outbox.mark_sent(session, turn_key, 0))
        if event.from_id:  # the customer's answer in Direct is about this product
            await self.shared_posts.remember(event.from_id, Origin(code, order_source(event)))
        return "done"


async def _read_capped(request: Request, limit: int) -> bytes | None:
    """The request body, read in chunks and abandoned past ``limit`` bytes (None): a huge
    body is never buffered whole. A declared Content-Length over the limit is refused unread."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await request.stream.read()
        if chunk is None:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)


def _as_typed(text: str | None) -> str | None:
    """Typed text is read as text: a leading "/" would make Rasa take it as an intent
    ("/restart", "/affirm{...}"), so it is dropped; only the bot's own buttons carry intents."""
    if text is None or not text.lstrip().startswith("/"):
        return text
    return text.lstrip().lstrip("/").strip() or None


def _str_or_none(value: Any) -> str | None:
    return str(value) if value else None


def _known(written_at: datetime) -> LastContact:
    """A reply to a message just received: its window starts at that message, no lookup."""

    async def last_contact(_sender_id: str) -> datetime | None:
        return written_at

    return last_contact


def _referral(referral: WebhookReferral, timestamp_ms: int) -> message_log.Referral:
    return message_log.Referral(
        source=referral.source,
        referral_type=referral.referral_type,
        ref=referral.ref,
        ad_id=referral.ad_id,
        event_time_ms=timestamp_ms,
    )


def _referral_dict(referral: WebhookReferral) -> dict[str, str | None]:
    return {"source": referral.source, "type": referral.referral_type, "ref": referral.ref, "ad_id": referral.ad_id}
