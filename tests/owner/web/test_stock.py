"""The Stock pages: every variant's numbers with the low ones marked, a filter by code or name; one
variant's count, threshold and history. Changes go through the same services as ``shopctl stock``
with the owner as actor and a line in the action log; CSRF is required; bad numbers are a 400 in
the owner's language and change nothing."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient
from persiantools.jdatetime import JalaliDateTime
from sqlalchemy.orm import sessionmaker

from inventory_db import low_stock, owner_accounts, reservations, settings, stock
from shoplang.normalize import to_persian_digits
from tests.inventory_db.helpers import level, run
from tests.owner.web.conftest import csrf_of

BLACK_L = "/stock/B-21/black/L"  # 3 on hand in the demo catalog


def rows(html: str) -> list[str]:
    return re.findall(r'data-variant="([^"]+)"', html)


def actions(factory: sessionmaker) -> list[tuple[str, str, str, str | None]]:
    return [(a.action, a.target, a.actor, a.detail) for a in run(factory, owner_accounts.recent_actions)]


def movements(factory: sessionmaker) -> list[stock.Movement]:
    return run(factory, stock.history, "B-21")


async def test_the_list_shows_every_variant_in_persian_with_the_low_ones_marked(
    owner: TestClient, demo_store: sessionmaker
) -> None:
    run(demo_store, reservations.reserve, "B-21", "black", "L", 2, "ig-1")
    response = await owner.get("/stock")
    html = await response.text()
    assert response.status == 200 and 'dir="rtl"' in html and "مانتو کتان" in html
    assert len(rows(html)) == 31 and "(۳۱)" in html
    black_l = re.search(r'data-variant="B-21/black/L"(.*?)</tr>', html, re.S)
    assert black_l and 'data-low="1"' in black_l.group(0)
    assert '<td class="n">۳</td>' in black_l.group(1) and '<td class="n">۲</td>' in black_l.group(1)  # on hand, held
    assert 'data-variant="B-21/black/M" data-low' not in html  # 4 available, threshold 2
    low = {f"{v.code}/{v.color}/{v.size}" for v in run(demo_store, low_stock.low_stock)}
    assert set(re.findall(r'data-variant="([^"]+)" data-low="1"', html)) == low


@pytest.mark.parametrize(
    "text, expected",
    [("b21", 7), ("B-۲۱", 7), ("شال", 4), ("linen", 7), ("K-40", 5), ("nothing-like-it", 0)],
)
async def test_the_filter_finds_products_by_code_or_name(owner: TestClient, text: str, expected: int) -> None:
    html = await (await owner.get("/stock", params={"q": text})).text()
    assert len(rows(html)) == expected
    if expected:
        code = rows(html)[0].split("/")[0]
        assert all(row.startswith(code + "/") for row in rows(html))


async def test_the_variant_page_shows_its_numbers_and_history_in_persian(
    owner: TestClient, demo_store: sessionmaker
) -> None:
    run(demo_store, stock.set_stock, "B-21", "black", "L", 6, "shopctl", "انبار دوم")
    response = await owner.get(BLACK_L)
    html = await response.text()
    assert response.status == 200 and "مانتو کتان" in html and 'data-figure="on_hand" data-value="6"' in html
    [moved] = [m for m in movements(demo_store) if m.note == "انبار دوم"]
    local = moved.at.astimezone(settings.shop_timezone())
    assert to_persian_digits(JalaliDateTime(local).strftime("%Y/%m/%d %H:%M")) in html  # Jalali, Persian digits
    row = re.search(rf'data-movement="{moved.id}"(.*?)</tr>', html, re.S)
    assert row and all(part in row.group(1) for part in ("شمارش", "+۳", "۶", "shopctl", "انبار دوم"))
    assert html.index("انبار دوم") < html.index("ورود کاتالوگ")  # newest first
    assert (await owner.get("/stock/B-21/black/S")).status == 404
    assert (await owner.get("/stock/Z-9/black/L")).status == 404


async def test_a_count_sets_the_stock_as_the_owner_and_is_recorded(owner: TestClient, demo_store: sessionmaker) -> None:
    token = csrf_of(await (await owner.get(BLACK_L)).text())
    data = {"quantity": "۵", "reason": " شمارش  آخر ماه "}  # Persian digits, as typed on a phone

    forged = await owner.post(f"{BLACK_L}/count", data={**data, "csrf_token": "forged"}, allow_redirects=False)
    assert forged.status == 403 and level(demo_store, "B-21", "black", "L").on_hand == 3
    assert not [a for a in actions(demo_store) if a[0] == "stock.set"]

    counted = await owner.post(f"{BLACK_L}/count", data={**data, "csrf_token": token}, allow_redirects=False)
    assert counted.status == 303 and counted.headers["Location"] == f"{BLACK_L}?done=count"
    assert level(demo_store, "B-21", "black", "L").on_hand == 5
    last = movements(demo_store)[-1]
    assert (last.reason, last.actor, last.note, last.on_hand_delta) == ("set", "owner", "شمارش آخر ماه", 2)
    assert ("stock.set", "B-21/black/L", "owner", "quantity=5 reason=شمارش آخر ماه") in actions(demo_store)
    shown = await (await owner.get(counted.headers["Location"])).text()
    assert "انجام شد" in shown and 'data-value="5"' in shown


@pytest.mark.parametrize("quantity", ["-1", "2.5", "five", "", "۱۰۰۰۰۰۰۱", "²"])
async def test_a_count_that_is_not_a_whole_number_is_a_400_and_changes_nothing(
    owner: TestClient, demo_store: sessionmaker, quantity: str
) -> None:
    token = csrf_of(await (await owner.get(BLACK_L)).text())
    before = len(movements(demo_store))
    response = await owner.post(f"{BLACK_L}/count", data={"csrf_token": token, "quantity": quantity, "reason": "x"})
    assert response.status == 400 and "عددی صحیح" in await response.text()
    assert level(demo_store, "B-21", "black", "L").on_hand == 3 and len(movements(demo_store)) == before
    assert not [a for a in actions(demo_store) if a[0] == "stock.set"]


async def test_a_count_needs_a_reason_and_speaks_the_owners_language(
    owner: TestClient, demo_store: sessionmaker
) -> None:
    token = csrf_of(await (await owner.get(BLACK_L)).text())
    blank = await owner.post(f"{BLACK_L}/count", data={"csrf_token": token, "quantity": "5", "reason": "  "})
    assert blank.status == 400 and "دلیل را بنویسید" in await blank.text()
    long = await owner.post(f"{BLACK_L}/count", data={"csrf_token": token, "quantity": "5", "reason": "x" * 301})
    assert long.status == 400 and "۳۰۰" in await long.text()
    owner.session.cookie_jar.update_cookies({"lang": "en"})
    english = await owner.post(f"{BLACK_L}/count", data={"csrf_token": token, "quantity": "-5", "reason": "count"})
    assert english.status == 400 and "must be a whole number from 0" in await english.text()
    assert level(demo_store, "B-21", "black", "L").on_hand == 3


async def test_a_count_below_what_customers_hold_is_refused(owner: TestClient, demo_store: sessionmaker) -> None:
    run(demo_store, reservations.reserve, "B-21", "black", "L", 2, "ig-1")
    token = csrf_of(await (await owner.get(BLACK_L)).text())
    response = await owner.post(f"{BLACK_L}/count", data={"csrf_token": token, "quantity": "1", "reason": "lost"})
    assert response.status == 409 and "نمی‌شود موجودی را ۱ کرد: ۲ عدد" in await response.text()
    assert level(demo_store, "B-21", "black", "L").on_hand == 3
    missing = await owner.post("/stock/B-21/black/S/count", data={"csrf_token": token, "quantity": "1", "reason": "x"})
    assert missing.status == 404


async def test_the_threshold_is_set_and_handed_back_to_the_shop_default(
    owner: TestClient, demo_store: sessionmaker
) -> None:
    token = csrf_of(await (await owner.get(BLACK_L)).text())
    forged = await owner.post(f"{BLACK_L}/threshold", data={"csrf_token": "x", "threshold": "4"})
    assert forged.status == 403 and run(demo_store, low_stock.variant_level, "B-21", "black", "L").shop_default

    own = await owner.post(f"{BLACK_L}/threshold", data={"csrf_token": token, "threshold": "۴"}, allow_redirects=False)
    assert own.status == 303 and own.headers["Location"] == f"{BLACK_L}?done=threshold"
    found = run(demo_store, low_stock.variant_level, "B-21", "black", "L")
    assert (found.threshold, found.shop_default, found.low) == (4, False, True)
    listed = await (await owner.get("/stock", params={"q": "B-21"})).text()
    assert 'data-variant="B-21/black/L" data-low="1"' in listed

    bad = await owner.post(f"{BLACK_L}/threshold", data={"csrf_token": token, "threshold": "-2"})
    assert bad.status == 400 and "آستانه باید" in await bad.text()
    assert run(demo_store, low_stock.variant_level, "B-21", "black", "L").threshold == 4

    back = await owner.post(f"{BLACK_L}/threshold", data={"csrf_token": token, "default": "1"}, allow_redirects=False)
    assert back.status == 303 and run(demo_store, low_stock.variant_level, "B-21", "black", "L").shop_default
    recorded = [a for a in actions(demo_store) if a[0] == "stock.threshold"]
    assert [(a[1], a[2], a[3]) for a in recorded] == [
        ("B-21/black/L", "owner", "threshold=default"),
        ("B-21/black/L", "owner", "threshold=4"),
    ]
