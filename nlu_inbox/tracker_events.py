"""Reading customer messages from Rasa's SQL tracker store, without importing Rasa.

Rasa's ``SQLTrackerStore`` keeps one row per event in the table ``events``
(``id, sender_id, type_name, timestamp, intent_name, action_name, data``); ``data``
is the event's JSON, whose ``parse_data`` holds the NLU prediction. Only the columns
read here are declared, so extra columns added by a later Rasa do not matter.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import column, create_engine, inspect, select, table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from nlu_inbox import InboxError

FALLBACK_INTENT = "nlu_fallback"
DEFAULT_TRACKER_URL = "sqlite:///var/tracker.db"

_EVENTS = table(
    "events",
    column("id"),
    column("sender_id"),
    column("type_name"),
    column("timestamp"),
    column("intent_name"),
    column("data"),
)


@dataclass(frozen=True)
class UserMessage:
    """One customer message as the assistant understood it when it arrived."""

    sender_id: str
    at: datetime  # UTC
    text: str
    intent: str | None  # what the NLU pipeline predicted, nlu_fallback included
    confidence: float | None
    guess: str | None  # the best real intent: for a fallback, the top one under it
    guess_confidence: float | None

    @property
    def fell_back(self) -> bool:
        return self.intent == FALLBACK_INTENT


def tracker_url_from_endpoints(path: Path = Path("endpoints.yml")) -> str:
    """The SQL tracker store configured in endpoints.yml, as Rasa builds its URL.

    So ``shopctl nlu inbox`` reads the conversations the running assistant writes
    without the trainer repeating the configuration; falls back to var/tracker.db.
    """
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return DEFAULT_TRACKER_URL
    except (OSError, yaml.YAMLError) as error:
        raise InboxError(f"cannot read {path}: {error}") from None
    store = config.get("tracker_store") if isinstance(config, dict) else None
    kind = str(store.get("type", "")) if isinstance(store, dict) else ""
    # Rasa's own "SQL", or a subclass of it named by module path (channels.turn_guard's).
    if kind.upper() != "SQL" and not kind.endswith("SQLTrackerStore"):
        raise InboxError(f"{path} has no SQL tracker_store; pass --tracker-db URL")

    def value(key: str) -> str | None:
        raw = store.get(key)
        return None if raw is None else os.path.expandvars(str(raw))

    host = value("host")
    if host and "://" in host:  # Rasa takes a whole URL in `host`
        return host
    port = value("port")
    url = URL.create(
        value("dialect") or "sqlite",
        username=value("username"),
        password=value("password"),
        host=host,
        port=int(port) if port else None,
        database=value("db") or "rasa.db",
    )
    return url.render_as_string(hide_password=False)


def _parse(row: Any) -> UserMessage | None:
    try:
        data = json.loads(row.data or "{}")
    except ValueError:
        return None
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip() or text.lstrip().startswith("/"):
        return None  # empty, or a button payload / attachment sent as an intent: no NLU guess involved
    parse_data = data.get("parse_data") or {}
    intent = parse_data.get("intent") or {}
    name = intent.get("name") or row.intent_name
    confidence = intent.get("confidence")
    guess, guess_confidence = name, confidence
    if name == FALLBACK_INTENT:
        ranked = [i for i in parse_data.get("intent_ranking") or [] if i.get("name") not in (None, FALLBACK_INTENT)]
        guess, guess_confidence = (ranked[0]["name"], ranked[0].get("confidence")) if ranked else (None, None)
    timestamp = row.timestamp if row.timestamp is not None else data.get("timestamp") or 0.0
    return UserMessage(
        sender_id=row.sender_id,
        at=datetime.fromtimestamp(float(timestamp), tz=timezone.utc),
        text=text,
        intent=name,
        confidence=float(confidence) if confidence is not None else None,
        guess=guess,
        guess_confidence=float(guess_confidence) if guess_confidence is not None else None,
    )


def _check_sqlite_file(url: URL) -> None:
    # Connecting to a missing SQLite file would create an empty one; say it is missing instead.
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database not in ("", ":memory:") and not database.startswith("file:"):
        if not Path(database).is_file():
            raise InboxError(f"no tracker store at {database} (it appears once the assistant has had a conversation)")


def read_user_messages(url: str, since: datetime | None = None) -> Iterator[UserMessage]:
    """Every customer message typed as text since ``since`` (UTC), oldest first.

    Button payloads and attachments (texts starting with "/") are skipped: the
    model did not guess those, so there is nothing for a trainer to annotate.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InboxError(f"not a database URL: {url}") from None
    _check_sqlite_file(parsed)
    try:
        engine = create_engine(parsed, future=True)
    except (ArgumentError, ImportError) as error:
        raise InboxError(f"cannot open tracker store {url}: {error}") from None
    shown = parsed.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("events"):
                raise InboxError(f"{shown} has no events table; is it Rasa's SQL tracker store?")
            query = select(_EVENTS).where(_EVENTS.c.type_name == "user").order_by(_EVENTS.c.id)
            if since is not None:
                query = query.where(_EVENTS.c.timestamp >= since.timestamp())
            for row in connection.execute(query):
                message = _parse(row)
                if message is not None:
                    yield message
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise InboxError(f"cannot read tracker store {shown}: {reason}") from None
    finally:
        engine.dispose()
