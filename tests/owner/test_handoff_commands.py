"""``shopctl handoff``: the owner's list of waiting customers, and handing one back through Rasa."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import handoffs, message_log
from inventory_db.database import transaction
from owner.commands.handoff import duration
from tests.owner.helpers import shopctl


@pytest.mark.parametrize(
    "seconds, shown",
    [
        (0, "<1 min"),
        (59, "<1 min"),
        (60, "1 min"),
        (40 * 60, "40 min"),
        (3600, "1 h"),
        (8100, "2 h 15 min"),
        (86400, "1 d"),
        (27 * 3600 + 59, "1 d 3 h"),
    ],
)
def test_waiting_times_read_like_a_person_would_say_them(seconds: int, shown: str) -> None:
    assert duration(seconds) == shown


def test_handoff_list_shows_the_waiting_time(demo_store: sessionmaker, database_url: str) -> None:
    now = datetime.now(timezone.utc)
    with transaction(demo_store) as session:
        handoffs.request_handoff(session, "ig-7", "human please", now=now - timedelta(hours=2, minutes=15, seconds=5))
        message_log.touch_customer(session, "ig-7", now - timedelta(minutes=10, seconds=5))
    listed = shopctl("handoff", "list", url=database_url)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("ig-7  waiting 2 h 15 min (since ")
    assert "UTC, last wrote 10 min ago)  human please" in listed.stdout
    rows = json.loads(shopctl("handoff", "list", "--json", url=database_url).stdout)
    assert rows[0]["customer_id"] == "ig-7" and 8100 <= rows[0]["waiting_seconds"] < 8200
    assert 600 <= rows[0]["last_message_seconds"] < 700 and rows[0]["last_message_at"]


class _RasaEvents(BaseHTTPRequestHandler):
    """Stands in for the Rasa server's tracker-events endpoint, recording what it was sent."""

    received: list[tuple[str, dict]] = []
    status = 200

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.path, body))
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def rasa_api() -> Iterator[str]:
    _RasaEvents.received, _RasaEvents.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), _RasaEvents)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_release_resumes_the_conversation_in_rasa_then_clears_the_list(
    demo_store: sessionmaker, database_url: str, rasa_api: str
) -> None:
    with transaction(demo_store) as session:
        handoffs.request_handoff(session, "ig 9/x", "human please")
    listed = shopctl("handoff", "list", "--json", url=database_url)
    assert [h["customer_id"] for h in json.loads(listed.stdout)] == ["ig 9/x"]

    _RasaEvents.status = 403
    refused = shopctl("handoff", "release", "ig 9/x", "--rasa-url", rasa_api, url=database_url)
    assert refused.returncode == 1 and "HTTP 403" in refused.stderr and "still handed over" in refused.stderr
    with transaction(demo_store) as session:
        assert handoffs.is_waiting(session, "ig 9/x")

    _RasaEvents.status = 200
    done = shopctl("handoff", "release", "ig 9/x", "--rasa-url", rasa_api, url=database_url)
    assert done.returncode == 0, done.stderr
    assert _RasaEvents.received[-1] == ("/conversations/ig%209%2Fx/tracker/events", {"event": "resume"})
    assert shopctl("handoff", "list", url=database_url).stdout.strip() == "no customers waiting for you"
    again = shopctl("handoff", "release", "ig 9/x", "--rasa-url", rasa_api, url=database_url)
    assert again.returncode == 1 and again.stderr.strip() == "shopctl: no open hand-off for customer ig 9/x"


def test_release_with_rasa_down_is_one_line_and_changes_nothing(demo_store: sessionmaker, database_url: str) -> None:
    with transaction(demo_store) as session:
        handoffs.request_handoff(session, "ig-10")
    down = shopctl("handoff", "release", "ig-10", "--rasa-url", "http://127.0.0.1:9", url=database_url)
    assert down.returncode == 1 and len(down.stderr.strip().splitlines()) == 1 and "cannot reach Rasa" in down.stderr
    with transaction(demo_store) as session:
        assert handoffs.is_waiting(session, "ig-10")
