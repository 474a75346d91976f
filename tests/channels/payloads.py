"""Webhook bodies in Meta's documented Instagram format, signed as Meta signs them."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from channels.instagram_webhook import sign

ACCOUNT_ID = "17841400000000001"  # the shop's Instagram professional account
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"

_mids = itertools.count(1)


def now_ms() -> int:
    return int(time.time() * 1000)


def new_mid() -> str:
    return f"aWdfZAG1faXRlbTo{next(_mids):06d}"


def messaging(sender: str, *, timestamp: int | None = None, **event: Any) -> dict:
    return {"sender": {"id": sender}, "recipient": {"id": ACCOUNT_ID}, "timestamp": timestamp or now_ms(), **event}


def text_message(sender: str, text: str, mid: str | None = None, **message: Any) -> dict:
    timestamp = message.pop("timestamp", None)
    return messaging(sender, timestamp=timestamp, message={"mid": mid or new_mid(), "text": text, **message})


def attachment_message(sender: str, attachments: list[dict], mid: str | None = None, **message: Any) -> dict:
    return messaging(sender, message={"mid": mid or new_mid(), "attachments": attachments, **message})


def postback(sender: str, title: str, payload: str, mid: str | None = None) -> dict:
    return messaging(sender, postback={"mid": mid or new_mid(), "title": title, "payload": payload})


def delivery(*events: dict, account: str = ACCOUNT_ID) -> dict:
    return {"object": "instagram", "entry": [{"id": account, "time": now_ms(), "messaging": list(events)}]}


def comment(comment_id: str, text: str, media_id: str, sender: str = "990001", time_s: int | None = None) -> dict:
    return {
        "object": "instagram",
        "entry": [
            {
                "id": ACCOUNT_ID,
                "time": time_s if time_s is not None else int(time.time()),
                "changes": [
                    {
                        "field": "comments",
                        "value": {
                            "id": comment_id,
                            "from": {"id": sender, "username": "customer_" + sender},
                            "text": text,
                            "media": {"id": media_id, "media_product_type": "FEED"},
                        },
                    }
                ],
            }
        ],
    }


def encode(document: dict) -> bytes:
    """As Meta sends it: UTF-8 JSON with Persian letters unescaped."""
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def signed_headers(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Hub-Signature-256": sign(secret, body)}
