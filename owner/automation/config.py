"""``shop_automations.yml``: which automations run, and when. Read once when the worker starts;
a mistake in the file stops it with a message naming the key, instead of misbehaving later."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import yaml

from inventory_db import due_work, followups, settings
from inventory_db.orders import SOURCES

_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


class AutomationsError(ValueError):
    """The automations file is missing or says something the worker cannot use."""


@dataclass(frozen=True)
class FollowUpRule:
    """One customer follow-up rule: on or off, its delay (what it counts from depends on the
    rule, see ``FOLLOW_UPS``) and who it applies to."""

    on: bool = True
    delay: timedelta = timedelta(0)
    audience: followups.Audience = followups.Audience()


# Each follow-up's key in the file's `customers` section, its due_work kind, the key naming its
# delay (None: sent as soon as it happens), that key's unit and its default.
FOLLOW_UPS: dict[str, tuple[str, str | None, timedelta, float]] = {
    "abandoned_checkout": (due_work.ABANDONED_CHECKOUT, "after_minutes", timedelta(minutes=1), 60),
    "payment_reminder": (due_work.PAYMENT_REMINDER, "hours_before_deadline", timedelta(hours=1), 6),
    "shipped": (due_work.SHIPPED, None, timedelta(0), 0),
    "rating": (due_work.RATING, "after_hours", timedelta(hours=1), 24),
    "back_in_stock": (due_work.BACK_IN_STOCK, None, timedelta(0), 0),
}


def _default_follow_ups() -> dict[str, FollowUpRule]:
    return {kind: FollowUpRule(delay=unit * default) for kind, _key, unit, default in FOLLOW_UPS.values()}


@dataclass(frozen=True)
class Automations:
    low_stock_alert: bool = True
    daily_summary: bool = True
    daily_summary_at: time = time(9, 0)
    every_seconds: float = 30.0
    follow_ups: dict[str, FollowUpRule] = field(default_factory=_default_follow_ups)  # by due_work kind


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


def _number(section: dict[str, Any], key: str, path: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise AutomationsError(f"'{path}.{key}' must be a number, 0 or more, not {value!r}")
    return float(value)


def _names(only: dict[str, Any], key: str, path: str, known: tuple[str, ...]) -> frozenset[str] | None:
    value = only.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not value or any(item not in known for item in value):
        raise AutomationsError(f"'{path}.only.{key}' must be a list of some of {', '.join(known)}, not {value!r}")
    return frozenset(value)


def _audience(data: dict[str, Any], path: str) -> followups.Audience:
    """A rule's ``only:`` conditions: segments, order sources and a band of past spending."""
    only = _section(data, "customers", path.rsplit(".", 1)[-1], "only")
    unknown = sorted(set(only) - {"segments", "sources", "min_spent", "max_spent"})
    if unknown:
        raise AutomationsError(
            f"'{path}.only' has no condition '{unknown[0]}' (segments, sources, min_spent, max_spent)"
        )
    spent = {
        key: None if only.get(key) is None else int(_number(only, key, f"{path}.only", 0))
        for key in ("min_spent", "max_spent")
    }
    return followups.Audience(
        segments=_names(only, "segments", path, followups.SEGMENTS),
        sources=_names(only, "sources", path, SOURCES),
        min_spent=spent["min_spent"],
        max_spent=spent["max_spent"],
    )


def _follow_ups(data: dict[str, Any]) -> dict[str, FollowUpRule]:
    unknown = sorted(set(_section(data, "customers")) - set(FOLLOW_UPS))
    if unknown:
        raise AutomationsError(f"'customers' has no rule '{unknown[0]}' (known: {', '.join(FOLLOW_UPS)})")
    rules = {}
    for name, (kind, delay_key, unit, default) in FOLLOW_UPS.items():
        path = f"customers.{name}"
        delay = (
            timedelta(0)
            if delay_key is None
            else unit * _number(_section(data, "customers", name), delay_key, path, default)
        )
        rules[kind] = FollowUpRule(on=_on(data, "customers", name), delay=delay, audience=_audience(data, path))
    return rules


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
        follow_ups=_follow_ups(data),
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
