"""Reading Rasa's events table: the fields the inbox relies on, and no Rasa import to do it."""

from __future__ import annotations

import ast
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from nlu_inbox import InboxError
from nlu_inbox.tracker_events import read_user_messages, tracker_url_from_endpoints
from tests.nlu_inbox.conftest import CONVERSATIONS, NOW

ROOT = Path(__file__).resolve().parents[2]


def test_reads_every_typed_message_with_its_prediction(tracker_url: str, tracker_db: Path) -> None:
    messages = list(read_user_messages(tracker_url))
    typed = [c for c in CONVERSATIONS if not c[1].startswith("/")]
    assert sorted(m.text for m in messages) == sorted(c[1] for c in typed)
    with sqlite3.connect(tracker_db) as connection:  # the payload is in the store, only skipped
        assert connection.execute("select count(*) from events where data like '%/send_image%'").fetchone() == (1,)
        bot_events = connection.execute("select count(*) from events where type_name = 'bot'").fetchone()
        assert bot_events == (len(CONVERSATIONS),)  # stored, and not read as customer messages
    shipping = next(m for m in messages if m.text == "do u ship to kish island")
    assert (shipping.intent, shipping.confidence, shipping.fell_back) == ("nlu_fallback", 0.4, True)
    assert (shipping.guess, shipping.guess_confidence, shipping.sender_id) == ("ask_shipping", 0.22, "ig_7")
    assert abs(shipping.at.timestamp() - (NOW - 7200)) < 1 and shipping.at.utcoffset().total_seconds() == 0
    greeting = next(m for m in messages if m.text == "سلام")
    assert (greeting.guess, greeting.guess_confidence, greeting.fell_back) == ("greet", 0.98, False)


def test_endpoints_yml_gives_the_url_rasa_uses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert tracker_url_from_endpoints(ROOT / "endpoints.yml") == "sqlite:///var/tracker.db"
    config = tmp_path / "endpoints.yml"
    monkeypatch.setenv("TRACKER_PASSWORD", "s3cret")
    config.write_text(
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  host: db.local\n  port: 5433\n"
        "  db: tracker\n  username: rasa\n  password: ${TRACKER_PASSWORD}\n",
        encoding="utf-8",
    )
    assert tracker_url_from_endpoints(config) == "postgresql://rasa:s3cret@db.local:5433/tracker"
    config.write_text("tracker_store:\n  type: SQL\n  host: postgresql://u@h/t\n", encoding="utf-8")
    assert tracker_url_from_endpoints(config) == "postgresql://u@h/t"
    config.write_text("tracker_store:\n  type: redis\n", encoding="utf-8")
    with pytest.raises(InboxError, match="no SQL tracker_store"):
        tracker_url_from_endpoints(config)
    assert tracker_url_from_endpoints(tmp_path / "missing.yml") == "sqlite:///var/tracker.db"


def _rasa_imports(package: str) -> list[str]:
    offenders = []
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in {"rasa", "rasa_sdk"}]
    return offenders


def test_no_rasa_import_on_the_owner_cli_path() -> None:
    assert _rasa_imports("nlu_inbox") == []
    script = (
        "import sys, owner.cli, owner.rasa_api, nlu_inbox.cli; print(sorted({m.split('.')[0] for m in sys.modules}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    assert "'nlu_inbox'" in loaded and "'rasa'" not in loaded
