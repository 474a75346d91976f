"""The owner's steps on an order from the dashboard: the same services as shopctl, the owner as
actor, an audit row per step, CSRF required, and a step the order cannot take refused."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy.orm import sessionmaker

from inventory_db import orders, owner_accounts, stock
from tests.inventory_db.helpers import SARA, item, place, run
from tests.owner.web.conftest import csrf_of


async def test_mark_paid_then_ship_go_through_the_store_with_the_owner_as_actor(
    owner: TestClient, demo_store: sessionmaker
) -> None:
    number = place(demo_store, "k1", items=[item("B-21", "black", "L")]).number
    page = await owner.get(f"/orders/{number}")
    html = await page.text()
    assert page.status == 200 and "علی رضایی" in html and "۱٬۲۵۰٬۰۰۰ تومان" in html and 'id="mark-paid"' in html
    token = csrf_of(html)

    refused = await owner.post(f"/orders/{number}/paid", data={"csrf_token": "forged"}, allow_redirects=False)
    assert refused.status == 403 and run(demo_store, orders.get_order, number).status == "awaiting_payment"

    paid = await owner.post(f"/orders/{number}/paid", data={"csrf_token": token}, allow_redirects=False)
    assert paid.status == 303 and paid.headers["Location"] == f"/orders/{number}?done=mark_paid"
    order = run(demo_store, orders.get_order, number)
    assert order.status == "paid" and order.history[-1].actor == "owner"

    blank = await owner.post(f"/orders/{number}/ship", data={"csrf_token": token, "tracking_code": " "})
    assert blank.status == 409 and "tracking code" in await blank.text()
    shipped = await owner.post(f"/orders/{number}/ship", data={"csrf_token": token, "tracking_code": "TRK-1405"})
    assert shipped.status == 200 and "TRK-1405" in await shipped.text()  # followed to the order's page
    assert run(demo_store, orders.get_order, number).tracking_code == "TRK-1405"
    actions = [(a.action, a.target, a.actor) for a in run(demo_store, owner_accounts.recent_actions)]
    assert ("order.mark_paid", str(number), "owner") in actions and ("order.ship", str(number), "owner") in actions


async def test_a_step_the_order_cannot_take_is_a_409_and_changes_nothing(
    owner: TestClient, demo_store: sessionmaker
) -> None:
    number = place(demo_store, "k1", items=[item("B-21", "black", "L")]).number
    token = csrf_of(await (await owner.get(f"/orders/{number}")).text())
    response = await owner.post(f"/orders/{number}/deliver", data={"csrf_token": token})
    assert response.status == 409
    assert run(demo_store, orders.get_order, number).status == "awaiting_payment"
    assert (await owner.get("/orders/99999")).status == 404


async def test_the_list_filters_by_status_and_source_and_pages_newest_first(
    owner: TestClient, demo_store: sessionmaker
) -> None:
    run(demo_store, stock.set_stock, "SH-12", "cream", "free", 50, "count")
    numbers = [
        place(demo_store, f"k{i}", items=[item("SH-12", "cream", "free")], source="post").number for i in range(30)
    ]
    place(demo_store, "sara", SARA, items=[item("B-21", "black", "L")], source="story")
    first = await (await owner.get("/orders?source=post")).text()
    assert f'data-order="{numbers[-1]}"' in first and "شال نخی" in first
    assert f'data-order="{numbers[0]}"' not in first and 'rel="next"' in first
    older = await (await owner.get(f"/orders?source=post&before={numbers[5]}")).text()
    assert f'data-order="{numbers[0]}"' in older and f'data-order="{numbers[5]}"' not in older
    story = await (await owner.get("/orders?source=story")).text()
    assert story.count("data-order=") == 1 and "Sara Ahmadi" in story
    bad = await owner.get("/orders?from=yesterday")
    assert bad.status == 400 and "yesterday" in await bad.text()
