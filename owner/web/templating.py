"""Pages from Jinja2 templates, in the owner's language: Persian (right to left, Persian digits,
Jalali dates, toman) unless the owner switched to English.

Templates live in ``owner/web/templates`` (one per page, all extending ``base.html``); the
filters here are the only place a template turns a number, an amount or a time into text, so
every page writes them the same way as ``shopctl report`` (``shoplang.formatting``).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web
from persiantools.jdatetime import JalaliDate, JalaliDateTime

from owner import report_text, wording
from owner.web.words import WORDS
from shoplang import describe
from shoplang.formatting import format_number, format_toman
from shoplang.language import Language
from shoplang.normalize import to_persian_digits

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGE_COOKIE = "lang"
ENVIRONMENT_KEY = web.AppKey("templates", jinja2.Environment)
ZONE_KEY = web.AppKey("zone", ZoneInfo)


def language_of(request: web.Request) -> Language:
    """The owner's choice from the language cookie; Persian unless they chose English."""
    return "en" if request.cookies.get(LANGUAGE_COOKIE) == "en" else "fa"


def word(key: str, language: Language) -> str:
    """A label of the dashboard in the owner's language (``words.WORDS``)."""
    fa, en = WORDS[key]
    return fa if language == "fa" else en


@jinja2.pass_context
def _num(context: jinja2.runtime.Context, value: int | float | None) -> str:
    if value is None:
        return "—"
    language = context["lang"]
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.1f}"
        return to_persian_digits(text.replace(",", "٬").replace(".", "٫")) if language == "fa" else text
    return format_number(int(value), language)


@jinja2.pass_context
def _toman(context: jinja2.runtime.Context, value: int | None) -> str:
    return "—" if value is None else format_toman(value, context["lang"])


@jinja2.pass_context
def _share(context: jinja2.runtime.Context, value: float | None) -> str:
    """0.6667 → "۶۶٫۷٪" / "66.7%", as ``shopctl report`` writes it."""
    return report_text.share(value, context["lang"])


@jinja2.pass_context
def _when(context: jinja2.runtime.Context, moment: datetime | None) -> str:
    """A moment in the shop's time zone: "۱۴۰۵/۰۹/۱۱ ۱۴:۰۵" (Jalali) / "2026-12-02 14:05"."""
    if moment is None:
        return "—"
    local = moment.astimezone(context["zone"])
    if context["lang"] == "fa":
        return to_persian_digits(JalaliDateTime(local).strftime("%Y/%m/%d %H:%M"))
    return local.strftime("%Y-%m-%d %H:%M")


def day_text(value: date, language: Language, short: bool = False) -> str:
    """A day: "۱۴۰۵/۰۹/۱۱" (Jalali, Persian digits) / "2026-12-02"; ``short`` without the year, for chart axes."""
    if language == "fa":
        return to_persian_digits(JalaliDate(value).strftime("%m/%d" if short else "%Y/%m/%d"))
    return value.strftime("%m-%d") if short else value.isoformat()


@jinja2.pass_context
def _day(context: jinja2.runtime.Context, value: date | None) -> str:
    return "—" if value is None else day_text(value, context["lang"])


@jinja2.pass_context
def _digits(context: jinja2.runtime.Context, value: object) -> str:
    """Any text with its digits in the owner's numerals (order numbers, tracking codes stay as typed in English)."""
    return to_persian_digits(str(value)) if context["lang"] == "fa" else str(value)


@jinja2.pass_context
def _t(context: jinja2.runtime.Context, key: str) -> str:
    return word(key, context["lang"])


@jinja2.pass_context
def _color(context: jinja2.runtime.Context, key: str) -> str:
    return describe.color_name(key, context["lang"])


@jinja2.pass_context
def _size(context: jinja2.runtime.Context, key: str) -> str:
    return describe.size_name(key, context["lang"])


@jinja2.pass_context
def _status(context: jinja2.runtime.Context, key: str) -> str:
    return wording.status_name(key, context["lang"])


@jinja2.pass_context
def _source(context: jinja2.runtime.Context, key: str | None) -> str:
    return wording.source_name(key, context["lang"])


@jinja2.pass_context
def _step(context: jinja2.runtime.Context, key: str) -> str:
    return wording.step_name(key, context["lang"])


def make_environment() -> jinja2.Environment:
    """The template environment, built once by ``init_app``: autoescaped, strict about undefined names."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(num=_num, toman=_toman, share=_share, when=_when, day=_day, digits=_digits)
    environment.globals.update(
        t=_t, color_name=_color, size_name=_size, status_name=_status, source_name=_source, step_name=_step
    )
    return environment


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """``template`` filled with ``context`` plus what every page needs: the language, the time
    zone, the login's CSRF token and the current path (for the language switch's way back)."""
    language = language_of(request)
    login = request.get("login")
    page = request.app[ENVIRONMENT_KEY].get_template(template)
    html = page.render(
        lang=language,
        dir="rtl" if language == "fa" else "ltr",
        zone=request.app[ZONE_KEY],
        csrf_token=login.csrf_token if login else "",
        logged_in=login is not None,
        path=request.path_qs,
        **context,
    )
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
