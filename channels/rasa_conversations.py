"""Tell the running Rasa server that a paused conversation may go on.

The assistant pauses a conversation when a customer asks for a person; only the
dialogue engine can un-pause it, through its HTTP API (``rasa run --enable-api``):
``POST /conversations/<id>/tracker/events`` with a ``resume`` event. Plain urllib, so
the owner's CLI can call it without importing Rasa.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Optional

DEFAULT_RASA_URL = "http://localhost:5005"


class RasaUnreachable(Exception):
    """The Rasa server did not take the event; the conversation is still paused."""


def rasa_url() -> str:
    return os.environ.get("RASA_URL", DEFAULT_RASA_URL).rstrip("/")


def resume_conversation(sender_id: str, base_url: Optional[str] = None, token: Optional[str] = None, timeout: float = 10) -> None:
    """Append a ``resume`` event to the customer's tracker, so the bot answers them again."""
    base = (base_url or rasa_url()).rstrip("/")
    token = token if token is not None else os.environ.get("RASA_API_TOKEN", "")
    url = f"{base}/conversations/{urllib.parse.quote(sender_id, safe='')}/tracker/events"
    if token:
        url += "?" + urllib.parse.urlencode({"token": token})
    request = urllib.request.Request(
        url, data=json.dumps({"event": "resume"}).encode("utf-8"), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        hint = " (start Rasa with --enable-api; check RASA_API_TOKEN)" if error.code in (401, 403, 404) else ""
        raise RasaUnreachable(f"Rasa at {base} refused the resume event: HTTP {error.code}{hint}") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise RasaUnreachable(f"cannot reach Rasa at {base}: {reason} (is `make run` up? set RASA_URL)") from error
