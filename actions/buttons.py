"""Buttons (Instagram quick replies) whose payload fills slots directly."""

from __future__ import annotations

import json


def intent_button(title: str, intent: str, **entities: str) -> dict[str, str]:
    """ "/order_product{"product_code": "B-21"}": the tap is that intent with those values, no NLU guessing."""
    return {"title": title, "payload": f"/{intent}" + json.dumps(entities, ensure_ascii=False)}


def inform_button(title: str, **entities: str) -> dict[str, str]:
    """ "/inform{"size": "M"}": the tap is read as those values, with no NLU guessing."""
    return intent_button(title, "inform", **entities)
