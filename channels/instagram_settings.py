"""The Instagram channel's settings, as read from credentials.yml, checked before it starts.

A server that faces the internet must not run on secrets everyone has read:
outside development the channel refuses .env.example's ``change-me-...`` placeholders.
Development is said explicitly, ``SHOP_ENV=development`` (``make run`` sets it); anything
else, unset included, is production. No repr shows the verify token, the app secret or the
access token, so a settings object in a log line or a traceback gives nothing away.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.exceptions import RasaException

from channels.instagram_send import DEFAULT_API_VERSION, INSTAGRAM_LOGIN_HOST, GraphConfig

ENVIRONMENT_VARIABLE = "SHOP_ENV"
DEVELOPMENT = "development"
PLACEHOLDER_PREFIX = "change-me"  # how every secret in .env.example starts

REQUIRED_CREDENTIALS = ("verify_token", "app_secret", "access_token")
# Where each credential comes from (credentials.yml names these variables).
ENVIRONMENT_NAMES = {
    "verify_token": "INSTAGRAM_VERIFY_TOKEN",
    "app_secret": "INSTAGRAM_APP_SECRET",
    "access_token": "INSTAGRAM_ACCESS_TOKEN",
}


def is_development(environ: Mapping[str, str] | None = None) -> bool:
    """True only when ``SHOP_ENV=development``; production is the default."""
    environ = os.environ if environ is None else environ
    return environ.get(ENVIRONMENT_VARIABLE, "").strip().lower() == DEVELOPMENT


def placeholders(credentials: Mapping[str, Any]) -> list[str]:
    """The required credentials that still hold a ``change-me`` placeholder."""
    return [
        key
        for key in REQUIRED_CREDENTIALS
        if str(credentials.get(key) or "").strip().lower().startswith(PLACEHOLDER_PREFIX)
    ]


def placeholder_refusal(credentials: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> str | None:
    """Why the channel must not start with these credentials here, in one line; None when it may."""
    left = placeholders(credentials)
    if not left or is_development(environ):
        return None
    names = ", ".join(ENVIRONMENT_NAMES[key] for key in left)
    return (
        f"Refusing to start the instagram channel: {names} still {'hold' if len(left) > 1 else 'holds'} "
        f".env.example's change-me placeholder; "
        f"put the real values in .env (placeholders are for {ENVIRONMENT_VARIABLE}={DEVELOPMENT}, "
        f"which `make run` sets)."
    )


@dataclass(frozen=True)
class InstagramSettings:
    """The channel's configuration, as read from credentials.yml."""

    verify_token: str = field(repr=False)
    app_secret: str = field(repr=False)
    graph: GraphConfig  # its repr leaves the access token out too
    database_url: str | None = field(default=None, repr=False)  # None: DATABASE_URL; may hold a password

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any]) -> InstagramSettings:
        values = {key: str(value).strip() for key, value in credentials.items() if value not in (None, "")}
        missing = [key for key in REQUIRED_CREDENTIALS if not values.get(key)]
        if missing:
            raise RasaException(
                f"The instagram channel is missing {', '.join(missing)} in credentials.yml "
                f"(set INSTAGRAM_VERIFY_TOKEN, INSTAGRAM_APP_SECRET and INSTAGRAM_ACCESS_TOKEN; "
                f"see docs/instagram.md). Refusing to start without them."
            )
        refusal = placeholder_refusal(values)
        if refusal:
            raise RasaException(refusal)
        graph = GraphConfig(
            access_token=values["access_token"],
            base_url=values.get("graph_base_url") or INSTAGRAM_LOGIN_HOST,
            api_version=values.get("graph_api_version") or DEFAULT_API_VERSION,
            account_id=values.get("account_id") or "me",
        )
        return cls(values["verify_token"], values["app_secret"], graph, values.get("database_url"))
