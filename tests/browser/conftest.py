"""Fixtures for the browser tests: a fresh headless chromium per test, and a page in it.

A browser per test keeps tests independent (no cookies or pages left over) at about half a second each.
Chromium missing is an error, not a skip: a skipped browser test would let `make test-browser` pass.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.browser.cdp import Browser, Page


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless chromium with a desktop viewport (1280x800); closed and its profile removed after the test."""
    async with Browser.launch(width=1280, height=800) as browser:
        yield browser


@pytest.fixture
async def page(browser: Browser) -> Page:
    """A blank tab in its own browser context (its own cookies)."""
    return await browser.new_page()
