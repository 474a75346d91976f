"""The Automations page: what the worker sent the owner (and what failed), and follow-ups waiting
to be sent by hand, which the owner marks sent: CSRF required, once only, in the action log."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from aiohttp.test_utils import TestClient
from sqlalchemy.orm import sessionmaker

from inventory_db import due_work, owner_accounts, owner_notifications
from inventory_db.database import transaction
from tests.inventory_db.helpers import run
from tests.owner.web.conftest import csrf_of

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def outside_window(store: sessionmaker) -> int:
    """A follow-up the worker could not send (the customer wrote over 24 hours ago)."""
    with transaction(store) as session:
        item = due_work.schedule(session, due_work.SHIPPED, "order:7", "ig-sara", NOW, order_number=7, payload={})
        assert item is not None
    with transaction(store) as session:
        [claimed] = due_work.claim_due(session, "w1", NOW, 10, timedelta(minutes=2))
        text = "سفارش ۷ شما ارسال شد؛ کد رهگیری: T1"
        assert due_work.mark_hand_send(session, claimed.id, "w1", "outside the 24-hour window", text, NOW)
    return claimed.id


async def test_the_owner_sees_what_was_sent_and_marks_a_hand_send_item_sent(
    owner: TestClient, demo_store: sessionmaker
) -> None:
    with transaction(demo_store) as session:
        owner_notifications.enqueue(session, "low_stock", "B-21/black/L#1", "email", "کمبود: مانتو کتان", "…", now=NOW)
    item_id = outside_window(demo_store)
    page = await owner.get("/automations")
    html = await page.text()
    assert page.status == 200 and "کمبود: مانتو کتان" in html and "در صف" in html
    assert "کد رهگیری: T1" in html and "ig-sara" in html
    assert f'data-follow-up="{item_id}" data-status="hand_send"' in html and "ارسال شد · ۷" in html

    forged = await owner.post(f"/automations/hand-sent/{item_id}", data={"csrf_token": "x"}, allow_redirects=False)
    assert forged.status == 403 and run(demo_store, due_work.get, item_id).status == due_work.HAND_SEND
    token = csrf_of(html)
    done = await owner.post(f"/automations/hand-sent/{item_id}", data={"csrf_token": token}, allow_redirects=False)
    assert done.status == 303
    item = run(demo_store, due_work.get, item_id)
    assert (item.status, item.sent_by) == (due_work.SENT, "owner")
    again = await owner.post(f"/automations/hand-sent/{item_id}", data={"csrf_token": token}, allow_redirects=False)
    assert again.status == 409
    actions = [(a.action, a.target) for a in run(demo_store, owner_accounts.recent_actions)]
    assert ("follow_up.hand_sent", str(item_id)) in actions
    english = await (await owner.get("/lang?to=en&next=/automations")).text()
    assert f'data-follow-up="{item_id}" data-status="sent"' in english and "Shipped · 7" in english
