"""``shop_automations.yml``: which automations run, and when. Read once when the worker starts;
a mistake in the file stops it with a message naming the key, instead of misbehaving later."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

import yaml

from inventory_db import settings

_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


class AutomationsError(ValueError):
    """The automations file is missing or says something the worker cannot use."""


@dataclass(frozen=True)
class Automations:
    low_stock_alert: bool = True
    daily_summary: bool = True
    daily_summary_at: time = time(9, 0)
    every_seconds: float = 30.0


def _section(data: dict[str, Any], *path: str) -> dict[str, Any]:
    found: Any = data
    for key in path:
        found = (found or {}).get(key) if isinstance(found, dict) else None
    if found is None:
        return {}
    if not isinstance(found, dict):
        raise AutomationsError(f"'{'.'.join(path)}' must be a mapping")
    return found


def _on(data: dict[str, Any], *path: str) -> bool:
    value = _section(data, *path).get("on", True)
    if not isinstance(value, bool):
        raise AutomationsError(f"'{'.'.join(path)}.on' must be true or false, not {value!r}")
    return value


def parse_automations(data: dict[str, Any] | None) -> Automations:
    """The settings in the file's parsed YAML; a rule the file leaves out keeps its default."""
    data = data or {}
    at_text = str(_section(data, "owner", "daily_summary").get("at", "09:00"))
    clock = _CLOCK.fullmatch(at_text.strip())
    if clock is None:
        raise AutomationsError(f"'owner.daily_summary.at' must be a time like \"09:00\", not {at_text!r}")
    every = _section(data, "worker").get("every_seconds", 30)
    if isinstance(every, bool) or not isinstance(every, (int, float)) or every <= 0:
        raise AutomationsError(f"'worker.every_seconds' must be a number of seconds above 0, not {every!r}")
    return Automations(
        low_stock_alert=_on(data, "owner", "low_stock_alert"),
        daily_summary=_on(data, "owner", "daily_summary"),
        daily_summary_at=time(int(clock.group(1)), int(clock.group(2))),
        every_seconds=float(every),
    )


def load_automations(path: Path | None = None) -> Automations:
    """The automations in ``path`` (default ``SHOP_AUTOMATIONS_FILE``, else shop_automations.yml)."""
    path = path or settings.automations_file()
    try:
        return parse_automations(yaml.safe_load(path.read_text(encoding="utf-8")))
    except OSError as error:
        raise AutomationsError(f"cannot read {path}: {error.strerror or error}") from None
    except yaml.YAMLError as error:
        raise AutomationsError(f"{path} is not valid YAML: {error}") from None
