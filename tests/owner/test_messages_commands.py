"""``shopctl messages``: the owner sees who said stop, and lets one hear from the shop again."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy.orm import sessionmaker

from inventory_db import messaging_optouts
from tests.inventory_db.helpers import run
from tests.owner.helpers import shopctl


def test_the_owner_lists_who_said_stop_and_resumes_one(demo_store: sessionmaker, database_url: str) -> None:
    assert shopctl("messages", "stopped", url=database_url).stdout.startswith("no customer")
    run(
        demo_store, messaging_optouts.opt_out, "ig-sara", "دیگه پیام نده", datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    )
    run(demo_store, messaging_optouts.opt_out, "ig-ali", "stop", datetime(2026, 12, 2, 9, tzinfo=timezone.utc))
    listed = shopctl("messages", "stopped", "--json", url=database_url)
    assert [(o["customer_id"], o["text"]) for o in json.loads(listed.stdout)] == [
        ("ig-ali", "stop"),
        ("ig-sara", "دیگه پیام نده"),
    ]
    resumed = shopctl("messages", "resume", "ig-sara", url=database_url)
    assert resumed.returncode == 0 and "ig-sara" in resumed.stdout
    assert not run(demo_store, messaging_optouts.is_opted_out, "ig-sara")
    again = shopctl("messages", "resume", "ig-sara", url=database_url)
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "had not asked" in again.stderr
    assert run(demo_store, messaging_optouts.is_opted_out, "ig-ali")
