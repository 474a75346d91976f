"""Grouping the messages the model was unsure about, so each is annotated once.

Messages are grouped by their normalised, case-folded text: "قيمتش چنده" typed with
Arabic ي, "قیمتش چنده" and "قیمتش چندهههه" are one entry, counted together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from nlu_inbox import DEFAULT_THRESHOLD, InboxError
from nlu_inbox.tracker_events import UserMessage
from shoplang.normalize import normalize_text, to_ascii_digits

_DURATION = re.compile(r"(\d+)\s*([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class InboxEntry:
    """One distinct message: how often and by how many customers, and the latest guess."""

    text: str  # normalised spelling of the most frequent way it was typed
    count: int
    senders: int
    fallbacks: int  # how many times the FallbackClassifier answered nlu_fallback
    last_seen: datetime
    guess: str | None  # the model's intent at the latest occurrence (the newest model's opinion)
    confidence: float | None


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``7d``, ``24h``, ``30m``, ``2w`` before now, or an ISO date/time (UTC unless it says).

    Returns an aware UTC datetime, comparable with Rasa's epoch timestamps.
    """
    value = to_ascii_digits(text.strip()).lower()
    duration = _DURATION.fullmatch(value)
    if duration:
        amount, unit = int(duration.group(1)), duration.group(2)
        return (now or datetime.now(timezone.utc)) - timedelta(**{_UNITS[unit]: amount})
    try:
        moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        raise InboxError(
            f"--since '{text}' is neither a duration (7d, 24h, 30m, 2w) "
            "nor an ISO date/time (2024-05-01, 2024-05-01T09:30)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def is_uncertain(message: UserMessage, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Fell back, had no intent, or the predicted intent scored under ``threshold``."""
    if message.fell_back or message.intent is None or message.confidence is None:
        return True
    return message.confidence < threshold


def group_key(text: str) -> str:
    """The key messages are de-duplicated by: normalised spelling, case-folded, one space."""
    return " ".join(normalize_text(text).casefold().split())


def build_inbox(messages: Iterable[UserMessage], threshold: float = DEFAULT_THRESHOLD) -> list[InboxEntry]:
    """The uncertain messages grouped, most frequent first, then most recent first."""
    if not 0.0 <= threshold <= 1.0:
        raise InboxError(f"--threshold {threshold} is not between 0 and 1")
    groups: dict[str, list[UserMessage]] = {}
    for message in messages:
        if is_uncertain(message, threshold):
            groups.setdefault(group_key(message.text), []).append(message)
    entries = [_entry(found) for found in groups.values()]
    entries.sort(key=lambda e: (-e.count, -e.last_seen.timestamp(), e.text))
    return entries


def _entry(messages: Sequence[UserMessage]) -> InboxEntry:
    latest = max(messages, key=lambda m: m.at)
    spellings: dict[str, int] = {}
    for message in messages:
        spelling = " ".join(normalize_text(message.text).split())
        spellings[spelling] = spellings.get(spelling, 0) + 1
    # Most frequent spelling; among equals, the latest one typed.
    latest_spelling = " ".join(normalize_text(latest.text).split())
    text = max(spellings, key=lambda s: (spellings[s], s == latest_spelling))
    return InboxEntry(
        text=text,
        count=len(messages),
        senders=len({m.sender_id for m in messages}),
        fallbacks=sum(m.fell_back for m in messages),
        last_seen=latest.at,
        guess=latest.guess,
        confidence=latest.guess_confidence,
    )


def format_table(entries: Sequence[InboxEntry]) -> str:
    """A plain-text table; the message comes last so right-to-left text cannot shift the columns."""
    guess_title = "model's guess"
    guess_width = max([len(guess_title), *(len(e.guess or "-") for e in entries)])
    lines = [
        f"{'count':>5} {'senders':>7} {'fallbacks':>9}  {'last seen (UTC)':<16}  "
        f"{guess_title:<{guess_width}} {'conf':>5}  message"
    ]
    for e in entries:
        confidence = f"{e.confidence:.2f}" if e.confidence is not None else "-"
        lines.append(
            f"{e.count:>5} {e.senders:>7} {e.fallbacks:>9}  {e.last_seen:%Y-%m-%d %H:%M}  "
            f"{e.guess or '-':<{guess_width}} {confidence:>5}  {e.text}"
        )
    return "\n".join(lines)
