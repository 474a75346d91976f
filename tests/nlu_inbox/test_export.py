"""The exported worksheet is NLU data Rasa reads as written: same texts, no stray entities, no warnings."""

from __future__ import annotations

import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from nlu_inbox.export import example_text, render
from nlu_inbox.inbox import InboxEntry
from owner.cli import main

ZWNJ = "\u200c"


def _load(path: Path) -> Any:
    """Rasa's loader, failing on any warning it raises about the file (validate --fail-on-warnings would)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = load_data(str(path))
    rasa_warnings = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert rasa_warnings == []
    return data


def test_export_round_trips_through_rasas_loader(
    capsys: pytest.CaptureFixture[str], tracker_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "inbox.yml"
    assert main(["nlu", "inbox", "--tracker-db", tracker_url, "--export", str(target)]) == 0
    assert f"wrote 7 examples to {target}" in capsys.readouterr().out
    text = target.read_text(encoding="utf-8")
    assert 'version: "3.1"' in text.splitlines() and "nlu:" in text.splitlines()
    assert "# GUESS, to check: ask_price (5 messages, confidence 0.35-0.45)" in text

    data = _load(target)
    by_intent: dict[str, list[str]] = {}
    for example in data.intent_examples:
        by_intent.setdefault(example.get("intent"), []).append(example.get("text"))
        assert not example.get("entities"), example.get("text")
    assert by_intent == {
        "ask_price": ["قیمتش چنده؟", "GHIMATESH chande"],
        "ask_availability": ["مانتو مشکی دارید", "سلام کد (B-21)(مشکی) موجوده"],
        "ask_order_status": ["کی میرسه دستم"],
        "ask_shipping": ["do u ship to kish island"],
        "nlu_fallback": ["blah blah"],  # no guess: loads, and the comment asks for a choice
    }


AWKWARD = [
    ("سلام\nکد [B-21](مشکی) موجوده", "سلام کد (B-21)(مشکی) موجوده"),  # line break, entity-like markup
    ('size [L]{"entity": "size"} pls', 'size (L){"entity": "size"} pls'),
    ("[not an entity] و {braces}", "[not an entity] و {braces}"),  # plain brackets are safe as they are
    (f"می{ZWNJ}خوام 😍🛍️", f"می{ZWNJ}خوام 😍🛍️"),  # half-space and emoji kept
    ("#hashtag: yes | no", "#hashtag: yes | no"),
    ("- dash first", "- dash first"),
    ("tab\there\u2028and\u2029para\x85nel\x0bvt", "tab here and para nel vt"),
    ("bell\x07 and nul\x00 gone", "bell and nul gone"),
    ("\"quoted\" 'single' \\back", "\"quoted\" 'single' \\back"),
]


@pytest.mark.parametrize(("typed", "expected"), AWKWARD)
def test_awkward_texts_stay_one_plain_example(typed: str, expected: str, tmp_path: Path) -> None:
    assert example_text(typed) == expected
    entry = InboxEntry(typed, 1, 1, 1, datetime.now(timezone.utc), "inform", 0.3)
    path = tmp_path / "one.yml"
    path.write_text(render([entry], source="test"), encoding="utf-8")
    [example] = _load(path).intent_examples
    assert (example.get("intent"), example.get("text"), example.get("entities") or []) == ("inform", expected, [])
