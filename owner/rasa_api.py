"""Tell the running Rasa server that a paused conversation may go on.

The assistant pauses a conversation when a customer asks for a person; only the
dialogue engine can un-pause it, through its HTTP API (``rasa run --enable-api``):
``POST /conversations/<id>/tracker/events`` with a ``resume`` event. Plain urllib and
PyJWT, so the owner's CLI can call it without importing Rasa.

With ``RASA_API_TOKEN`` set, Rasa runs with it as ``--jwt-secret`` (``serving.rasa_server``)
and each call carries a JWT signed with it in the ``Authorization`` header, never the token in
the URL, where proxies and access logs keep it. The JWT is good for five minutes and for the
one conversation it resumes (rasa/server.py's ``requires_auth``: role ``user``, username = the
conversation id).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import jwt

from inventory_db import settings

API_TOKEN_VARIABLE = settings.RASA_API_TOKEN_VARIABLE
JWT_METHOD = "HS256"
JWT_LIFETIME_S = 300


class RasaUnreachable(Exception):
    """The Rasa server did not take the event; the conversation is still paused."""


def bearer_token(secret: str, conversation_id: str | None = None, lifetime_s: int = JWT_LIFETIME_S) -> str:
    """A JWT for Rasa's HTTP API signed with the shared secret: for one conversation (role
    ``user``) when ``conversation_id`` is given, else for the whole API (role ``admin``)."""
    if conversation_id is None:
        user = {"username": "shopctl", "role": "admin"}
    else:
        user = {"username": conversation_id, "role": "user"}
    payload = {"user": user, "exp": int(time.time()) + lifetime_s}
    return jwt.encode(payload, secret, algorithm=JWT_METHOD)


def resume_conversation(
    sender_id: str, base_url: str | None = None, token: str | None = None, timeout: float = 10
) -> None:
    """Append a ``resume`` event to the customer's tracker, so the bot answers them again.

    ``token`` (default: ``RASA_API_TOKEN``) is the secret the JWT is signed with."""
    base = (base_url or settings.rasa_url()).rstrip("/")
    secret = token if token is not None else settings.rasa_api_token()
    url = f"{base}/conversations/{urllib.parse.quote(sender_id, safe='')}/tracker/events"
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["Authorization"] = f"Bearer {bearer_token(secret, sender_id)}"
    request = urllib.request.Request(url, data=json.dumps({"event": "resume"}).encode("utf-8"), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        hint = " (start Rasa with --enable-api; check RASA_API_TOKEN)" if error.code in (401, 403, 404) else ""
        raise RasaUnreachable(f"Rasa at {base} refused the resume event: HTTP {error.code}{hint}") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise RasaUnreachable(f"cannot reach Rasa at {base}: {reason} (is `make run` up? set RASA_URL)") from error
