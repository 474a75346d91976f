"""The action server scripts/run.sh starts: a failing action sends back and logs nothing personal."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
from sanic import Sanic

from serving import action_server as entry_point
from serving.action_server import LOOPBACK, create_app
from shoplang.log_masking import install_log_masking
from tests.sanic_server import serve_app

ADDRESS = "تهران، خیابان ولیعصر، پلاک ۱۲"
TRACKER = {
    "sender_id": "17841400000000777",
    "slots": {"customer_name": "مریم احمدی", "phone": "+989123456789", "address": ADDRESS},
    "events": [{"event": "slot", "timestamp": None, "name": "address", "value": ADDRESS}],
    "latest_message": {"text": "۰۹۱۲ ۳۴۵ ۶۷۸۹"},
}
PERSONAL = ("مریم", "ولیعصر", "09123456789", "9123456789", "۰۹۱۲", "\\u0648\\u0644", "\\u06f0")


@pytest.fixture
def masking() -> Iterator[None]:
    original = logging.getLogRecordFactory()
    install_log_masking()
    yield
    logging.setLogRecordFactory(original)


@pytest.fixture
async def action_server(masking: None) -> AsyncIterator[str]:
    Sanic.test_mode = True  # rasa-sdk names every app "rasa_sdk"; test mode lets one process make several
    async with serve_app(create_app("tests.serving.failing_actions")) as url:
        yield url


async def post(url: str, body: object) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as reply:
        return reply.status, await reply.text()


async def test_a_failing_action_answers_500_without_the_tracker(
    action_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    call = {"next_action": "action_break_down", "sender_id": TRACKER["sender_id"], "tracker": TRACKER, "domain": {}}
    with caplog.at_level(logging.ERROR):
        status, body = await post(f"{action_server}/webhook", call)
    assert status == 500
    assert "action_break_down" in body
    assert not any(value in body for value in PERSONAL), body
    assert "Action action_break_down failed" in caplog.text
    assert "ValueError: no courier reaches [phone]" in caplog.text
    assert not any(value in caplog.text for value in PERSONAL), caplog.text


async def test_a_broken_call_answers_500_without_its_body(action_server: str, caplog: pytest.LogCaptureFixture) -> None:
    call = {"next_action": "action_break_down", "tracker": {"slots": TRACKER["slots"]}}  # no sender_id
    with caplog.at_level(logging.ERROR):
        status, body = await post(f"{action_server}/webhook", call)
    assert status == 500
    assert not any(value in body for value in PERSONAL), body
    assert "KeyError: 'sender_id'" in caplog.text


async def test_unknown_actions_and_paths_keep_their_answers(action_server: str) -> None:
    status, body = await post(f"{action_server}/webhook", {"next_action": "action_nope", "tracker": TRACKER})
    assert status == 404 and "action_nope" in body
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{action_server}/no-such-path") as reply:
            assert reply.status == 404
        async with http.get(f"{action_server}/health") as reply:
            assert reply.status == 200


def test_it_listens_on_loopback_only(masking: None, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple] = []
    monkeypatch.setattr(Sanic, "run", lambda app, *args, **kwargs: started.append(args))
    monkeypatch.setattr(entry_point.utils, "configure_colored_logging", lambda level: None)
    Sanic.test_mode = True
    entry_point.main(["--port", "5999", "--actions", "tests.serving.failing_actions"])
    assert started == [(LOOPBACK, 5999)] and LOOPBACK == "127.0.0.1"
