"""A running dashboard on the demo store, and a logged-in client for it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.orm import sessionmaker

from inventory_db import owner_accounts
from owner.web.app import init_app
from tests.inventory_db.helpers import run

PASSWORD = "rasht-tabriz-1405"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = _TOKEN.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@pytest.fixture(autouse=True)
def tehran(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOP_TIMEZONE", raising=False)
    monkeypatch.delenv("DASHBOARD_SECURE_COOKIES", raising=False)


@asynccontextmanager
async def dashboard(url: str, factory: sessionmaker) -> AsyncIterator[TestClient]:
    """A client of the dashboard on the store at ``url`` (not logged in), the owner's password set."""
    run(factory, owner_accounts.set_password, PASSWORD)
    async with TestClient(TestServer(init_app(url))) as test_client:
        yield test_client


@pytest.fixture
async def client(demo_store: sessionmaker, database_url: str) -> AsyncIterator[TestClient]:
    """The dashboard on the demo store (SQLite), not logged in."""
    async with dashboard(database_url, demo_store) as test_client:
        yield test_client


async def log_in(client: TestClient, password: str = PASSWORD) -> int:
    """Fill and send the login form as a browser would; returns the response status."""
    page = await client.get("/login")
    response = await client.post(
        "/login",
        data={"csrf_token": csrf_of(await page.text()), "password": password, "next": "/"},
        allow_redirects=False,
    )
    return response.status


@pytest.fixture
async def owner(client: TestClient) -> TestClient:
    """The client, logged in as the owner."""
    assert await log_in(client) == 303
    return client
