"""*Catalog*: upload the catalog CSV and download the current one, as ``shopctl catalog import``
and ``export`` do (``inventory_db.catalog_csv``): every row is checked first, and a file with any
bad row imports nothing and lists each bad line with its reason. An import is recorded in the
owner's action log in its own transaction, so a refused file leaves no trace but the page.
"""

from __future__ import annotations

import io
from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy.orm import Session

from inventory_db import catalog_csv, owner_accounts
from inventory_db.errors import CatalogImportError, RowError
from owner.web import store
from owner.web.templating import language_of, render, word

ACTOR = "owner"
SUMMARY_FIELDS = ("rows", *catalog_csv.ImportSummary.__dataclass_fields__)
EXPORT_NAME = "catalog.csv"
BOM = "\ufeff"  # spreadsheets read a CSV as UTF-8 only with it; the importer takes it off again


def _summary(query: dict[str, str]) -> dict[str, int] | None:
    """The counts a successful import redirected here with; None when the page was just opened."""
    if "rows" not in query:
        return None
    return {name: int(query[name]) if query.get(name, "").isdigit() else 0 for name in SUMMARY_FIELDS}


def _page(request: web.Request, status: int = 200, **extra: Any) -> web.Response:
    return render(request, "catalog.html", status=status, here="catalog", **extra)


async def catalog_page(request: web.Request) -> web.Response:
    summary = _summary(dict(request.query))
    flash = word("catalog_imported", language_of(request)) if summary else ""
    return _page(request, summary=summary, flash=flash)


def _refused(request: web.Request, errors: list[RowError]) -> web.Response:
    error = word("catalog_not_imported", language_of(request))
    return _page(request, status=400, error=error, row_errors=errors)


async def import_catalog(request: web.Request) -> web.Response:
    form = await request.post()
    language = language_of(request)
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        return _page(request, status=400, error=word("no_file", language))
    try:
        text = upload.file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return _page(request, status=400, error=word("not_utf8", language))
    replace = "replace" in form
    name = (upload.filename or EXPORT_NAME)[:200]  # the audit log's target
    try:
        rows = catalog_csv.parse_catalog(io.StringIO(text, newline=""))
    except CatalogImportError as bad:
        return _refused(request, bad.errors)

    def work(session: Session) -> catalog_csv.ImportSummary:
        summary = catalog_csv.import_catalog(session, rows, replace=replace, actor=ACTOR)
        detail = " ".join(f"{k}={v}" for k, v in asdict(summary).items()) + f" replace={replace}"
        detail = f"rows={len(rows)} {detail}"
        owner_accounts.record_action(session, "catalog.import", name, actor=ACTOR, detail=detail)
        return summary

    try:
        summary = await store.run(request, work)
    except CatalogImportError as bad:  # stock below what holds and open orders need
        return _refused(request, bad.errors)
    raise web.HTTPSeeOther(f"/catalog?{urlencode({'rows': len(rows), **asdict(summary)})}")


async def export_catalog(request: web.Request) -> web.Response:
    """The catalog on sale as ``shopctl catalog export`` writes it, to open in a spreadsheet."""

    def work(session: Session) -> str:
        stream = io.StringIO(newline="")
        catalog_csv.export_catalog(session, stream)
        return stream.getvalue()

    text = await store.run(request, work)
    return web.Response(
        body=(BOM + text).encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{EXPORT_NAME}"', "Cache-Control": "no-store"},
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/catalog", catalog_page)
    app.router.add_post("/catalog", import_catalog)
    app.router.add_get("/catalog.csv", export_catalog)
