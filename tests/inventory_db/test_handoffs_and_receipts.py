"""Hand-offs to the owner and payment receipts: store rules and the owner's commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Iterator

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import cli, handoffs, message_log, orders, payment_receipts
from inventory_db.database import transaction
from inventory_db.orders import Customer, ItemRequest


def shopctl(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "inventory_db.cli", *args], capture_output=True, text=True, env=env)


def test_a_handoff_is_one_per_waiting_customer_and_release_ends_it(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        first = handoffs.request_handoff(session, "ig-7", "  با یه آدم حرف بزنم  ")
        again = handoffs.request_handoff(session, "ig-7", "hello??")
        handoffs.request_handoff(session, "ig-8")
    assert again.id == first.id and first.message == "با یه آدم حرف بزنم"
    with transaction(demo_store) as session:
        assert [h.customer_id for h in handoffs.waiting(session)] == ["ig-7", "ig-8"]
        released = handoffs.release(session, "ig-7", actor="owner")
        assert released.released_by == "owner" and released.released_at is not None
        assert not handoffs.is_waiting(session, "ig-7")
        with pytest.raises(handoffs.NoOpenHandoff):
            handoffs.release(session, "ig-7", actor="owner")
        # Asking again later is a new hand-off.
        assert handoffs.request_handoff(session, "ig-7").id != first.id


def test_is_waiting_says_whether_the_assistant_must_stay_quiet(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        assert not handoffs.is_waiting(session, "ig-7")
        handoffs.request_handoff(session, "ig-7")
        assert handoffs.is_waiting(session, "ig-7") and not handoffs.is_waiting(session, "ig-8")
        handoffs.release(session, "ig-7", actor="owner")
        assert not handoffs.is_waiting(session, "ig-7")


def test_the_owners_list_says_how_long_each_customer_has_waited(demo_store: sessionmaker) -> None:
    now = datetime(2026, 5, 20, 12, 0, tzinfo=timezone.utc)
    with transaction(demo_store) as session:
        handoffs.request_handoff(session, "ig-7", "human please", now=now - timedelta(hours=2, minutes=15))
        handoffs.request_handoff(session, "ig-8", now=now - timedelta(seconds=20))
        message_log.touch_customer(session, "ig-7", now - timedelta(minutes=10))  # wrote again since
    with transaction(demo_store) as session:
        rows = handoffs.waiting_customers(session, now=now)
    assert [(r.customer_id, r.waiting_seconds, r.last_message_seconds) for r in rows] == [
        ("ig-7", 8100, 600),
        ("ig-8", 20, None),  # never wrote through the Instagram channel
    ]
    assert rows[0].last_message_at == now - timedelta(minutes=10) and rows[0].message == "human please"


@pytest.mark.parametrize(
    "seconds, shown",
    [(0, "<1 min"), (59, "<1 min"), (60, "1 min"), (40 * 60, "40 min"), (3600, "1 h"), (8100, "2 h 15 min"),
     (86400, "1 d"), (27 * 3600 + 59, "1 d 3 h")],
)
def test_waiting_times_read_like_a_person_would_say_them(seconds: int, shown: str) -> None:
    assert cli._duration(seconds) == shown


def test_handoff_list_shows_the_waiting_time(demo_store: sessionmaker, database_url: str) -> None:
    now = datetime.now(timezone.utc)
    with transaction(demo_store) as session:
        handoffs.request_handoff(session, "ig-7", "human please", now=now - timedelta(hours=2, minutes=15, seconds=5))
        message_log.touch_customer(session, "ig-7", now - timedelta(minutes=10, seconds=5))
    listed = shopctl(database_url, "handoff", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("ig-7  waiting 2 h 15 min (since ")
    assert "UTC, last wrote 10 min ago)  human please" in listed.stdout
    rows = json.loads(shopctl(database_url, "handoff", "list", "--json").stdout)
    assert rows[0]["customer_id"] == "ig-7" and 8100 <= rows[0]["waiting_seconds"] < 8200
    assert 600 <= rows[0]["last_message_seconds"] < 700 and rows[0]["last_message_at"]


def _place(session, customer_id: str) -> orders.OrderInfo:  # type: ignore[no-untyped-def]
    customer = Customer(customer_id, "Sara", "+989121234567", "Tehran, Valiasr 12", None)
    return orders.place_order(
        session, f"k-{customer_id}", customer, items=[ItemRequest("B-21", "black", "L", 1)], shipping_method="post", actor="test"
    )


def test_receipts_go_to_the_latest_unpaid_order_only(demo_store: sessionmaker) -> None:
    with transaction(demo_store) as session:
        assert payment_receipts.record_receipt(session, "ig-1", "text", "paid") is None
        order = _place(session, "ig-1")
        receipt = payment_receipts.record_receipt(session, "ig-1", "text", "  paid, ref 998877  ")
        assert receipt is not None and (receipt.order_number, receipt.content) == (order.number, "paid, ref 998877")
        with pytest.raises(ValueError):
            payment_receipts.record_receipt(session, "ig-1", "text", "   ")
        with pytest.raises(ValueError):
            payment_receipts.record_receipt(session, "ig-1", "audio", "x")
        orders.mark_paid(session, order.number, actor="owner")
        # Paid: nothing left to attach a receipt to.
        assert payment_receipts.record_receipt(session, "ig-1", "image", "https://cdn.example/r.jpg") is None
        assert [r.content for r in payment_receipts.receipts_for(session, order.number)] == ["paid, ref 998877"]


def test_orders_show_lists_the_receipts(demo_store: sessionmaker, database_url: str) -> None:
    with transaction(demo_store) as session:
        order = _place(session, "ig-3")
        payment_receipts.record_receipt(session, "ig-3", "image", "https://cdn.example/r.jpg")
    shown = shopctl(database_url, "orders", "show", str(order.number), "--json")
    assert shown.returncode == 0, shown.stderr
    assert [(r["kind"], r["content"]) for r in json.loads(shown.stdout)["receipts"]] == [("image", "https://cdn.example/r.jpg")]
    text = shopctl(database_url, "orders", "show", str(order.number))
    assert "receipt" in text.stdout and "https://cdn.example/r.jpg" in text.stdout


class _RasaEvents(BaseHTTPRequestHandler):
    """Stands in for the Rasa server's tracker-events endpoint, recording what it was sent."""

    received: list[tuple[str, dict]] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
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
    listed = shopctl(database_url, "handoff", "list", "--json")
    assert [h["customer_id"] for h in json.loads(listed.stdout)] == ["ig 9/x"]

    _RasaEvents.status = 403
    refused = shopctl(database_url, "handoff", "release", "ig 9/x", "--rasa-url", rasa_api)
    assert refused.returncode == 1 and "HTTP 403" in refused.stderr and "still handed over" in refused.stderr
    with transaction(demo_store) as session:
        assert handoffs.is_waiting(session, "ig 9/x")

    _RasaEvents.status = 200
    done = shopctl(database_url, "handoff", "release", "ig 9/x", "--rasa-url", rasa_api)
    assert done.returncode == 0, done.stderr
    assert _RasaEvents.received[-1] == ("/conversations/ig%209%2Fx/tracker/events", {"event": "resume"})
    assert shopctl(database_url, "handoff", "list").stdout.strip() == "no customers waiting for you"
    again = shopctl(database_url, "handoff", "release", "ig 9/x", "--rasa-url", rasa_api)
    assert again.returncode == 1 and again.stderr.strip() == "shopctl: no open hand-off for customer ig 9/x"


def test_release_with_rasa_down_is_one_line_and_changes_nothing(demo_store: sessionmaker, database_url: str) -> None:
    with transaction(demo_store) as session:
        handoffs.request_handoff(session, "ig-10")
    down = shopctl(database_url, "handoff", "release", "ig-10", "--rasa-url", "http://127.0.0.1:9")
    assert down.returncode == 1 and len(down.stderr.strip().splitlines()) == 1 and "cannot reach Rasa" in down.stderr
    with transaction(demo_store) as session:
        assert handoffs.is_waiting(session, "ig-10")
