"""The owner's side talking to the running Rasa server about one conversation.

Only the dialogue engine can change a conversation, through its HTTP API (``rasa run
--enable-api``): un-pause it when the owner hands a customer back (a ``resume`` event), run
the assistant's turn for a follow-up the worker sends (``trigger_intent``), and read its
tracker (the customer's language; whether a follow-up already went out). Plain urllib and
PyJWT, so the owner's CLI and the worker can call it without importing Rasa.

With ``RASA_API_TOKEN`` set, Rasa runs with it as ``--jwt-secret`` (``serving.rasa_server``)
and each call carries a JWT signed with it in the ``Authorization`` header, never the token in
the URL, where proxies and access logs keep it. The JWT is good for five minutes and for the
one conversation it is about (rasa/server.py's ``requires_auth``: role ``user``, username = the
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
    """The Rasa server did not take the call (down, refused it): nothing changed in the conversation."""


def bearer_token(secret: str, conversation_id: str | None = None, lifetime_s: int = JWT_LIFETIME_S) -> str:
    """A JWT for Rasa's HTTP API signed with the shared secret: for one conversation (role
    ``user``) when ``conversation_id`` is given, else for the whole API (role ``admin``)."""
    if conversation_id is None:
        user = {"username": "shopctl", "role": "admin"}
    else:
        user = {"username": conversation_id, "role": "user"}
    payload = {"user": user, "exp": int(time.time()) + lifetime_s}
    return jwt.encode(payload, secret, algorithm=JWT_METHOD)


def _call(
    sender_id: str, path: str, body: dict | None, base_url: str | None, token: str | None, timeout: float, doing: str
) -> dict:
    """One call to the conversation's part of Rasa's HTTP API (POST with ``body``, else GET),
    its JSON answer; RasaUnreachable says why it failed, in one line."""
    base = (base_url or settings.rasa_url()).rstrip("/")
    secret = token if token is not None else settings.rasa_api_token()
    url = f"{base}/conversations/{urllib.parse.quote(sender_id, safe='')}/{path}"
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["Authorization"] = f"Bearer {bearer_token(secret, sender_id)}"
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = response.read()
    except urllib.error.HTTPError as error:
        hint = " (start Rasa with --enable-api; check RASA_API_TOKEN)" if error.code in (401, 403, 404) else ""
        raise RasaUnreachable(f"Rasa at {base} refused {doing}: HTTP {error.code}{hint}") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise RasaUnreachable(f"cannot reach Rasa at {base}: {reason} (is `make run` up? set RASA_URL)") from error
    try:
        found = json.loads(answer or b"{}")
    except ValueError as error:
        raise RasaUnreachable(f"Rasa at {base} answered {doing} with something that is not JSON") from error
    return found if isinstance(found, dict) else {}


def resume_conversation(
    sender_id: str, base_url: str | None = None, token: str | None = None, timeout: float = 10
) -> None:
    """Append a ``resume`` event to the customer's tracker, so the bot answers them again.

    ``token`` (default: ``RASA_API_TOKEN``) is the secret the JWT is signed with."""
    _call(sender_id, "tracker/events", {"event": "resume"}, base_url, token, timeout, "the resume event")


def trigger_intent(
    sender_id: str,
    intent: str,
    entities: dict[str, str],
    output_channel: str,
    base_url: str | None = None,
    token: str | None = None,
    timeout: float = 30,
) -> None:
    """Run the assistant's turn for an intent the customer did not type (Rasa's
    ``trigger_intent``), its replies going out through ``output_channel`` (``instagram``:
    through the channel's own window check and send ledger)."""
    path = f"trigger_intent?output_channel={urllib.parse.quote(output_channel)}"
    _call(sender_id, path, {"name": intent, "entities": entities}, base_url, token, timeout, f"the intent {intent}")


def tracker(sender_id: str, base_url: str | None = None, token: str | None = None, timeout: float = 10) -> dict:
    """The conversation's tracker (slots and every event), as Rasa's API gives it."""
    return _call(sender_id, "tracker?include_events=ALL", None, base_url, token, timeout, "the tracker")
