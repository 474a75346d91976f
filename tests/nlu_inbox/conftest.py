"""A tracker store written by Rasa's own SQLTrackerStore, so the inbox reads the real format."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

NOW = time.time()
HOUR = 3600.0
DAY = 24 * HOUR


def _parse_data(text: str, intent: str | None, confidence: float, fallback: bool) -> dict[str, Any]:
    """What the NLU pipeline puts in parse_data; FallbackClassifier's way when ``fallback``."""
    ranking = [{"name": intent, "confidence": confidence}, {"name": "inform", "confidence": 0.1}] if intent else []
    top = {"name": intent, "confidence": confidence} if intent else {"name": None, "confidence": 0.0}
    if fallback:  # rasa.nlu.classifiers.fallback_classifier: threshold as confidence, prepended
        top = {"name": "nlu_fallback", "confidence": 0.4}
        ranking.insert(0, dict(top))
    return {"intent": top, "entities": [], "text": text, "intent_ranking": ranking}


# (sender, text, predicted intent, confidence, fell back, seconds ago)
CONVERSATIONS: list[tuple[str, str, str | None, float, bool, float]] = [
    ("ig_1", "قيمتش چنده؟", "ask_price", 0.31, True, 2 * DAY),  # Arabic ي
    ("ig_2", "قیمتش چنده؟", "ask_price", 0.35, True, 1 * HOUR),
    ("ig_3", "قیمتش چندههههه؟", "ask_price", 0.50, False, 3 * HOUR),
    ("ig_1", "مانتو مشكي داريد", "ask_availability", 0.55, False, 5 * HOUR),  # Arabic ك and ي
    ("ig_4", "مانتو مشکی دارید", "ask_availability", 0.58, False, 6 * HOUR),
    ("ig_5", "GHIMATESH chande", "ask_price", 0.45, False, 4 * HOUR),
    ("ig_6", "ghimatesh   chande", "ask_price", 0.44, False, 30 * HOUR),
    ("ig_7", "do u ship to kish island", "ask_shipping", 0.22, True, 2 * HOUR),
    ("ig_7", "سلام\nکد [B-21](مشکی) موجوده", "ask_availability", 0.33, True, 90 * 60.0),
    ("ig_8", "کی میرسه دستم", "ask_order_status", 0.30, True, 10 * DAY),
    ("ig_8", "سلام", "greet", 0.98, False, 10 * HOUR),
    ("ig_9", "/send_image", "send_image", 1.0, False, 1 * HOUR),  # a photo, sent as an intent
    ("ig_9", "blah blah", None, 0.0, False, 7 * HOUR),  # no intent at all: no guess to offer
]


def _save_with_rasa(db: Path) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(dialect="sqlite", db=str(db))
    by_sender: dict[str, list[Any]] = {}
    for sender, text, intent, confidence, fallback, ago in CONVERSATIONS:
        parse_data = _parse_data(text, intent, confidence, fallback)
        at = NOW - ago
        by_sender.setdefault(sender, []).extend(
            [
                ActionExecuted("action_listen", timestamp=at - 1),
                UserUttered(text, parse_data["intent"], [], parse_data, timestamp=at, input_channel="instagram"),
                BotUttered("پاسخ", timestamp=at + 1),
            ]
        )
    for sender, events in by_sender.items():
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, slots=[])))
    store.engine.dispose()


@pytest.fixture(scope="session")
def tracker_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The conversations above in a SQLite tracker store; tests only read it."""
    db = tmp_path_factory.mktemp("tracker") / "tracker.db"
    _save_with_rasa(db)
    return db


@pytest.fixture
def tracker_url(tracker_db: Path) -> str:
    return f"sqlite:///{tracker_db}"
