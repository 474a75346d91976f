"""The dashboard's pages, one module each; every module has ``add_routes(app)``."""

from __future__ import annotations

from owner.web.pages import automations, catalog, handoffs, orders, reports, stock, today

PAGES = (today, orders, stock, reports, handoffs, catalog, automations)
