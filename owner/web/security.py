"""Who may use the dashboard: the owner's login, the session cookie, CSRF tokens, throttling.

Every page but the login page and the static files needs a login session. The cookie holds a
random token (the store keeps only its hash, ``inventory_db.owner_accounts``), is ``HttpOnly``
and ``SameSite=Strict``, and ``Secure`` behind TLS (``DASHBOARD_SECURE_COOKIES``). Every POST
carries the session's CSRF token in a form field; the login form, before any session, carries
one tied to a short-lived cookie instead. Failed logins are counted per client address in the
store, so a restart does not reset the count.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web

from inventory_db import owner_accounts, settings
from inventory_db.models import utcnow
from owner.web import store
from owner.web.templating import language_of, render, word

SESSION_COOKIE = "shop_session"
LOGIN_CSRF_COOKIE = "login_csrf"
CSRF_FIELD = "csrf_token"
OPEN_PATHS = ("/login", "/static/", "/lang")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _client(request: web.Request) -> str:
    """The address failed logins are counted against (the proxy's when behind one on loopback)."""
    forwarded = request.headers.get("X-Forwarded-For", "") if request.remote == "127.0.0.1" else ""
    return forwarded.split(",")[0].strip() or request.remote or "unknown"


def _cookie_options() -> dict[str, object]:
    return {"httponly": True, "samesite": "Strict", "secure": settings.dashboard_secure_cookies(), "path": "/"}


@web.middleware
async def require_login(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Finds the login session; without one, a page sends the owner to the login form.
    A POST must carry the session's CSRF token, or it is refused with 403 and changes nothing."""
    if request.path.startswith(OPEN_PATHS):
        return await handler(request)
    token = request.cookies.get(SESSION_COOKIE, "")
    login = await store.run(request, owner_accounts.find_session, token, utcnow()) if token else None
    if login is None:
        if request.method == "GET":
            raise web.HTTPSeeOther(f"/login?next={request.path_qs}" if request.path != "/" else "/login")
        raise web.HTTPForbidden(text="not logged in")
    request["login"] = login
    if request.method == "POST":
        form = await request.post()
        if not owner_accounts.csrf_matches(login, str(form.get(CSRF_FIELD, ""))):
            raise web.HTTPForbidden(text=word("session_expired", language_of(request)))
    return await handler(request)


def _safe_next(target: str) -> str:
    """Only a path on this site: an open redirect would let a link log the owner in elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _login_form(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    # The browser's own requests (a favicon) land here too: keep the token a form already carries.
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(16)
    response = render(
        request,
        "login.html",
        status=status,
        error=error,
        login_csrf=token,
        next=_safe_next(request.query.get("next", "/")),
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=1800, **_cookie_options())
    return response


async def login_page(request: web.Request) -> web.Response:
    return _login_form(request)


async def log_in(request: web.Request) -> web.Response:
    """Checks the password; five failures from one address in 15 minutes lock that address out."""
    form = await request.post()
    language = language_of(request)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    presented = str(form.get(CSRF_FIELD, "")).encode("utf-8")  # compare_digest refuses non-ASCII str
    if not expected or not hmac.compare_digest(presented, expected.encode("utf-8")):
        return _login_form(request, word("session_expired", language), status=403)
    client, now = _client(request), utcnow()
    if not await store.run(request, owner_accounts.login_allowed, client, now):
        return _login_form(request, word("too_many_attempts", language), status=429)
    if not await store.run(request, owner_accounts.verify_password, str(form.get("password", ""))):
        await store.run(request, owner_accounts.record_login_failure, client, now)
        return _login_form(request, word("wrong_password", language), status=401)
    await store.run(request, owner_accounts.clear_login_failures, client)
    login = await store.run(request, owner_accounts.open_session, "owner", now, settings.dashboard_session_length())
    await store.run(request, owner_accounts.record_action, "login", client)
    response = web.HTTPSeeOther(_safe_next(str(form.get("next", "/"))))
    response.set_cookie(SESSION_COOKIE, login.token, **_cookie_options())
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/")
    raise response


async def log_out(request: web.Request) -> web.Response:
    await store.run(request, owner_accounts.close_session, request.cookies.get(SESSION_COOKIE, ""))
    response = web.HTTPSeeOther("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


async def switch_language(request: web.Request) -> web.Response:
    """The language toggle: a preference cookie only, so it needs no login and no token."""
    target = "en" if request.query.get("to") == "en" else "fa"
    response = web.HTTPSeeOther(_safe_next(request.query.get("next", "/")))
    response.set_cookie("lang", target, max_age=365 * 24 * 3600, httponly=True, samesite="Strict", path="/")
    raise response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", log_in)
    app.router.add_post("/logout", log_out)
    app.router.add_get("/lang", switch_language)
