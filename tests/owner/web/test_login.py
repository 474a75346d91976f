"""No page without a login: the password, the cookie's flags, CSRF on every POST, throttling."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy.orm import sessionmaker

from inventory_db import owner_accounts
from tests.inventory_db.helpers import run
from tests.owner.web.conftest import csrf_of, log_in


async def test_every_page_sends_a_stranger_to_the_login_form(client: TestClient) -> None:
    for path in ("/", "/orders", "/orders/1"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"].startswith("/login"), path
    response = await client.post("/orders/1/paid", data={"csrf_token": "x"}, allow_redirects=False)
    assert response.status == 403
    login = await client.get("/login")
    html = await login.text()
    assert login.status == 200 and 'dir="rtl"' in html and "رمز عبور" in html


async def test_a_wrong_password_is_refused_and_the_right_one_sets_a_strict_httponly_cookie(client: TestClient) -> None:
    assert await log_in(client, "not-the-password") == 401
    assert "shop_session" not in {c.key for c in client.session.cookie_jar}
    page = await client.get("/login")
    response = await client.post(
        "/login", data={"csrf_token": csrf_of(await page.text()), "password": "rasht-tabriz-1405", "next": "/orders"},
        allow_redirects=False,
    )  # fmt: skip
    assert response.status == 303 and response.headers["Location"] == "/orders"
    cookie = response.cookies["shop_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["secure"]  # a development machine without TLS; DASHBOARD_SECURE_COOKIES=1 behind it
    today = await client.get("/")
    assert today.status == 200 and "امروز" in await today.text()


async def test_the_login_form_needs_its_own_token(client: TestClient) -> None:
    response = await client.post("/login", data={"password": "rasht-tabriz-1405"}, allow_redirects=False)
    assert response.status == 403
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_five_failures_lock_the_address_out_even_for_the_right_password(
    client: TestClient, demo_store: sessionmaker
) -> None:
    for _ in range(5):
        assert await log_in(client, "guess") == 401
    assert await log_in(client) == 429
    run(demo_store, owner_accounts.clear_login_failures, "127.0.0.1")
    assert await log_in(client) == 303


async def test_a_next_elsewhere_is_not_followed(client: TestClient) -> None:
    page = await client.get("/login?next=//evil.example/")
    response = await client.post(
        "/login", data={"csrf_token": csrf_of(await page.text()), "password": "rasht-tabriz-1405", "next": "//evil.example/"},
        allow_redirects=False,
    )  # fmt: skip
    assert response.headers["Location"] == "/"


async def test_logging_out_ends_the_session(owner: TestClient) -> None:
    token = csrf_of(await (await owner.get("/")).text())
    response = await owner.post("/logout", data={"csrf_token": token}, allow_redirects=False)
    assert response.status == 303
    assert (await owner.get("/", allow_redirects=False)).status == 303


async def test_the_language_switch_turns_the_page_left_to_right(owner: TestClient) -> None:
    response = await owner.get("/lang?to=en&next=/", allow_redirects=True)
    html = await response.text()
    assert 'dir="ltr"' in html and "Today" in html and "Awaiting payment" in html
