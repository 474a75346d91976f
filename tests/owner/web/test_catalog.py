"""The Catalog page: a CSV uploaded is imported all or nothing by ``shopctl catalog import``'s rules,
every bad line listed with its number; the current catalog downloads as the CSV ``shopctl catalog
export`` writes, and reads back unchanged."""

from __future__ import annotations

import re

from aiohttp import FormData
from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from inventory_db import low_stock, owner_accounts, reservations
from inventory_db.database import transaction
from inventory_db.models import Product
from tests.inventory_db.helpers import level, run
from tests.owner.web.conftest import csrf_of

HEADER = "code,name_fa,name_en,category,color,size,price,stock,post\n"
NEW_PRODUCT = (
    "Z-9,دامن پلیسه,Pleated skirt,skirt,مشکی,M,650000,4,\nZ-9,دامن پلیسه,Pleated skirt,skirt,کرم,M,650000,2,\n"
)


def upload(token: str, content: str | bytes, replace: bool = False) -> FormData:
    form = FormData()
    form.add_field("csrf_token", token)
    if replace:
        form.add_field("replace", "1")
    body = content.encode("utf-8") if isinstance(content, str) else content
    form.add_field("file", body, filename="catalog.csv", content_type="text/csv")
    return form


def codes(factory: sessionmaker) -> set[str]:
    with transaction(factory) as session:
        return set(session.execute(select(Product.code)).scalars())


def imports(factory: sessionmaker) -> list[tuple[str, str, str | None]]:
    found = run(factory, owner_accounts.recent_actions)
    return [(a.target, a.actor, a.detail) for a in found if a.action == "catalog.import"]


async def test_the_page_offers_an_upload_with_the_token_and_the_download(owner: TestClient) -> None:
    response = await owner.get("/catalog")
    html = await response.text()
    assert response.status == 200 and 'dir="rtl"' in html and "بارگذاری فایل کاتالوگ" in html
    form = re.search(r'<form method="post" action="/catalog" enctype="multipart/form-data">(.*?)</form>', html, re.S)
    assert form and 'name="csrf_token"' in form.group(1) and 'type="file" name="file"' in form.group(1)
    assert 'href="/catalog.csv"' in html


async def test_a_good_file_is_imported_and_the_counts_shown(owner: TestClient, demo_store: sessionmaker) -> None:
    token = csrf_of(await (await owner.get("/catalog")).text())
    content = HEADER + "B-21,مانتو کتان,Linen manteau,manteau,مشکی,M,1250000,۹,C8dmoB21\n" + NEW_PRODUCT

    forged = await owner.post("/catalog", data=upload("forged", content), allow_redirects=False)
    assert forged.status == 403 and "Z-9" not in codes(demo_store) and imports(demo_store) == []

    done = await owner.post("/catalog", data=upload(token, content), allow_redirects=False)
    assert done.status == 303 and done.headers["Location"].startswith("/catalog?rows=3&")
    assert "Z-9" in codes(demo_store) and level(demo_store, "B-21", "black", "M").on_hand == 9
    assert level(demo_store, "Z-9", "cream", "M").on_hand == 2
    [(target, actor, detail)] = imports(demo_store)
    assert (target, actor) == ("catalog.csv", "owner") and "products_created=1" in (detail or "")
    html = await (await owner.get(done.headers["Location"])).text()
    assert "کاتالوگ وارد شد" in html and 'data-figure="rows">۳<' in html
    assert 'data-figure="products_created">۱<' in html and 'data-figure="products_updated">۱<' in html
    assert 'data-figure="variants_created">۲<' in html and 'data-figure="variants_updated">۱<' in html


async def test_one_bad_row_imports_nothing_and_names_its_line(owner: TestClient, demo_store: sessionmaker) -> None:
    token = csrf_of(await (await owner.get("/catalog")).text())
    bad_line = "Z-9,دامن پلیسه,Pleated skirt,skirt,بنفش‌طلایی,M,650000,1,\n"  # line 5: no such colour
    content = HEADER + "B-21,مانتو کتان,Linen manteau,manteau,مشکی,M,1250000,9,C8dmoB21\n" + NEW_PRODUCT + bad_line
    response = await owner.post("/catalog", data=upload(token, content))
    html = await response.text()
    assert response.status == 400 and "فایل وارد نشد و هیچ چیز تغییر نکرد" in html
    assert re.findall(r'data-line="(\d+)"', html) == ["5"]
    assert re.search(r'data-line="5"><td class="n">۵</td><td><bdi>unknown colour', html)
    assert "Z-9" not in codes(demo_store) and level(demo_store, "B-21", "black", "M").on_hand == 4
    assert imports(demo_store) == []


async def test_stock_below_what_customers_hold_is_a_line_error_and_rolls_back(
    owner: TestClient, demo_store: sessionmaker
) -> None:
    run(demo_store, reservations.reserve, "B-21", "black", "L", 2, "ig-1")
    token = csrf_of(await (await owner.get("/catalog")).text())
    content = HEADER + NEW_PRODUCT + "B-21,مانتو کتان,Linen manteau,manteau,مشکی,L,1250000,1,C8dmoB21\n"
    response = await owner.post("/catalog", data=upload(token, content))
    html = await response.text()
    assert response.status == 400 and re.findall(r'data-line="(\d+)"', html) == ["4"] and "reserved" in html
    assert "Z-9" not in codes(demo_store) and level(demo_store, "B-21", "black", "L").on_hand == 3
    assert imports(demo_store) == []


async def test_a_file_that_is_not_utf8_or_missing_is_a_400(owner: TestClient, demo_store: sessionmaker) -> None:
    token = csrf_of(await (await owner.get("/catalog")).text())
    utf16 = await owner.post("/catalog", data=upload(token, (HEADER + NEW_PRODUCT).encode("utf-16")))
    assert utf16.status == 400 and "UTF-8" in await utf16.text()
    nothing = await owner.post("/catalog", data={"csrf_token": token})
    assert nothing.status == 400 and "فایلی انتخاب نشده" in await nothing.text()
    assert "Z-9" not in codes(demo_store) and imports(demo_store) == []


async def test_the_download_is_the_catalog_and_reads_back_unchanged(
    owner: TestClient, demo_store: sessionmaker
) -> None:
    before = run(demo_store, low_stock.all_levels)
    response = await owner.get("/catalog.csv")
    body = await response.read()
    assert response.status == 200 and response.content_type == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="catalog.csv"'
    text = body.decode("utf-8")
    assert text.startswith("\ufeff" + HEADER.strip()) and len(text.strip().splitlines()) == 32
    assert "B-21,مانتو کتان,Linen manteau,manteau,black,M,1250000,4,C8dmoB21" in text
    token = csrf_of(await (await owner.get("/catalog")).text())
    again = await owner.post("/catalog", data=upload(token, body, replace=True), allow_redirects=False)
    location = again.headers["Location"]
    assert again.status == 303 and "products_created=0" in location and "variants_removed=0" in location
    assert "products_removed=0" in location and "rows=31" in location
    assert run(demo_store, low_stock.all_levels) == before  # every variant as it was


async def test_replace_removes_what_the_file_leaves_out(owner: TestClient, demo_store: sessionmaker) -> None:
    token = csrf_of(await (await owner.get("/catalog")).text())
    done = await owner.post("/catalog", data=upload(token, HEADER + NEW_PRODUCT, replace=True), allow_redirects=False)
    assert done.status == 303 and codes(demo_store) == {"Z-9"}
    assert "replace=True" in (imports(demo_store)[0][2] or "")
