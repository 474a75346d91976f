"""The Handoffs page: waiting customers longest first with their last messages, and release, which
resumes the conversation in Rasa (a fake one on 127.0.0.1 here) the way ``shopctl handoff release``
does before the store lets the customer go; Rasa down is a 502 and the customer keeps waiting."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.orm import sessionmaker

from inventory_db import handoffs, inbox, owner_accounts
from inventory_db.models import utcnow
from owner.web.pages.handoffs import waited_text
from tests.inventory_db.helpers import run
from tests.inventory_db.test_recent_messages import direct
from tests.owner.test_rasa_api import FakeRasa
from tests.owner.web.conftest import csrf_of


@pytest.fixture
def rasa(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeRasa]:
    """A fake Rasa server answering 200, which the dashboard finds through RASA_URL."""
    fake = FakeRasa()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("RASA_URL", fake.url)
    monkeypatch.delenv("RASA_API_TOKEN", raising=False)
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def waiting(factory: sessionmaker) -> list[str]:
    return [h.customer_id for h in run(factory, handoffs.waiting)]


def releases(factory: sessionmaker) -> list[tuple[str, str]]:
    return [(a.target, a.actor) for a in run(factory, owner_accounts.recent_actions) if a.action == "handoff.release"]


@pytest.mark.parametrize(
    "seconds, fa, en",
    [
        (30, "کمتر از یک دقیقه", "<1 min"),
        (40 * 60, "۴۰ دقیقه", "40 min"),
        (8100, "۲ ساعت و ۱۵ دقیقه", "2 h 15 min"),
        (3600, "۱ ساعت", "1 h"),
        (27 * 3600 + 59, "۱ روز و ۳ ساعت", "1 d 3 h"),
    ],
)
def test_waits_read_as_the_cli_says_them_in_either_language(seconds: int, fa: str, en: str) -> None:
    assert (waited_text(seconds, "fa"), waited_text(seconds, "en")) == (fa, en)


async def test_the_list_is_longest_waiting_first_with_the_last_messages(
    owner: TestClient, demo_store: sessionmaker
) -> None:
    now = utcnow()
    run(demo_store, handoffs.request_handoff, "ig-8", "کی جواب می‌دید؟", now - timedelta(minutes=5))
    run(demo_store, handoffs.request_handoff, "ig-7", "با یه آدم حرف بزنم", now - timedelta(hours=2, minutes=15))
    at_ms = int(now.timestamp() * 1000)
    said = ["سلام", "مانتو B-21 مشکی لارج دارید؟", "با یه آدم حرف بزنم", "لطفاً زنگ بزنید"]
    run(
        demo_store,
        inbox.store,
        [direct("ig-7", f"m{n}", at_ms - 60_000 * (4 - n), text) for n, text in enumerate(said)],
    )
    response = await owner.get("/handoffs")
    html = await response.text()
    assert response.status == 200 and 'dir="rtl"' in html and "(۲)" in html
    assert html.index('data-customer="ig-7"') < html.index('data-customer="ig-8"')  # longest first
    seven = html[html.index('data-customer="ig-7"') : html.index('data-customer="ig-8"')]
    assert "۲ ساعت و ۱۵ دقیقه" in seven and "با یه آدم حرف بزنم" in seven
    assert "سلام" not in seven and all(text in seven for text in said[1:])  # the last three only
    assert seven.index(said[1]) < seven.index(said[3])  # in the order they were written
    eight = html[html.index('data-customer="ig-8"') :]
    assert "۵ دقیقه" in eight and "پیامی در اینستاگرام ثبت نشده" in eight
    assert 'action="/handoffs/ig-7/release"' in html


async def test_release_resumes_in_rasa_then_lets_the_customer_go_audit_logged(
    owner: TestClient, demo_store: sessionmaker, rasa: FakeRasa
) -> None:
    run(demo_store, handoffs.request_handoff, "ig 9/x", "human please")
    html = await (await owner.get("/handoffs")).text()
    url = re.search(r'action="(/handoffs/[^"]+/release)"', html).group(1)  # type: ignore[union-attr]
    assert url == "/handoffs/ig%209%2Fx/release"

    forged = await owner.post(url, data={"csrf_token": "forged"}, allow_redirects=False)
    assert forged.status == 403 and rasa.requests == [] and waiting(demo_store) == ["ig 9/x"]

    released = await owner.post(url, data={"csrf_token": csrf_of(html)}, allow_redirects=False)
    assert released.status == 303 and released.headers["Location"] == "/handoffs?done=release"
    [(path, _headers, body)] = rasa.requests
    assert path == "/conversations/ig%209%2Fx/tracker/events" and body == {"event": "resume"}
    assert waiting(demo_store) == [] and releases(demo_store) == [("ig 9/x", "owner")]
    shown = await (await owner.get(released.headers["Location"])).text()
    assert "گفتگو به دستیار برگشت" in shown and "ig 9/x" not in shown

    again = await owner.post(url, data={"csrf_token": csrf_of(html)})
    assert again.status == 409 and "دیگر منتظر شما نیست" in await again.text() and len(rasa.requests) == 1


async def test_rasa_refusing_is_a_502_and_the_customer_keeps_waiting(
    owner: TestClient, demo_store: sessionmaker, rasa: FakeRasa
) -> None:
    run(demo_store, handoffs.request_handoff, "ig-10")
    token = csrf_of(await (await owner.get("/handoffs")).text())
    rasa.status = 403
    refused = await owner.post("/handoffs/ig-10/release", data={"csrf_token": token})
    text = await refused.text()
    assert refused.status == 502 and "دستیار در دسترس نبود" in text and "HTTP 403" in text
    assert waiting(demo_store) == ["ig-10"] and releases(demo_store) == []
    assert 'data-customer="ig-10"' in text  # still on the page, to try again


async def test_rasa_down_is_a_502_and_changes_nothing(
    owner: TestClient, demo_store: sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")
    run(demo_store, handoffs.request_handoff, "ig-10")
    token = csrf_of(await (await owner.get("/handoffs")).text())
    down = await owner.post("/handoffs/ig-10/release", data={"csrf_token": token})
    assert down.status == 502 and "cannot reach Rasa" in await down.text()
    assert waiting(demo_store) == ["ig-10"] and releases(demo_store) == []
