"""``shopctl owner`` (the dashboard password, the audit log) and ``shopctl stock threshold``/``low``:
a real process on a real store, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import owner_accounts
from owner import cli
from tests.inventory_db.helpers import run
from tests.owner.helpers import shopctl

NOW = datetime(2026, 12, 9, 10, 0, tzinfo=timezone.utc)


def shopctl_input(stdin: str, *args: str, url: str) -> subprocess.CompletedProcess:
    """shopctl with ``stdin`` piped in, as a script setting the password would run it."""
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "owner.cli", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=env)


def test_set_password_from_a_pipe_signs_out_and_is_logged(demo_store: sessionmaker, database_url: str) -> None:
    login = run(demo_store, owner_accounts.open_session, "owner", None, timedelta(hours=1))
    done = shopctl_input("a long enough password\n", "--actor", "maryam", "owner", "set-password", url=database_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "password set for owner; every dashboard login of owner is signed out"
    assert run(demo_store, owner_accounts.verify_password, "a long enough password") is True  # no newline kept
    assert run(demo_store, owner_accounts.find_session, login.token) is None
    logged = run(demo_store, owner_accounts.recent_actions)
    assert [(a.actor, a.action, a.target) for a in logged] == [("maryam", "password.set", "owner")]


def test_a_weak_password_is_one_line_and_changes_nothing(demo_store: sessionmaker, database_url: str) -> None:
    run(demo_store, owner_accounts.set_password, "the old password")
    weak = shopctl_input("short\n", "owner", "set-password", url=database_url)
    assert weak.returncode == 1
    assert weak.stderr.strip().splitlines() == [
        "shopctl: the password is 5 characters long; use at least 10 (a few words do)"
    ]
    assert run(demo_store, owner_accounts.verify_password, "the old password") is True
    assert run(demo_store, owner_accounts.recent_actions) == []
    assert shopctl_input("", "owner", "set-password", url=database_url).returncode == 1  # nothing piped in


def test_at_a_terminal_the_password_is_typed_twice(
    demo_store: sessionmaker, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    typed: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": typed.pop(0))

    typed[:] = ["first long password", "first long passwort"]
    assert cli.main(["owner", "set-password"]) == cli.EXIT_ERROR
    assert "the two passwords differ; nothing changed" in capsys.readouterr().err
    assert run(demo_store, owner_accounts.has_password) is False

    typed[:] = ["first long password", "first long password"]
    assert cli.main(["owner", "set-password", "--username", "helper"]) == 0
    assert "password set for helper" in capsys.readouterr().out
    assert run(demo_store, owner_accounts.verify_password, "first long password", "helper") is True
    assert run(demo_store, owner_accounts.has_password) is False  # the owner's own login is untouched


def test_the_audit_log_newest_first_as_text_and_json(demo_store: sessionmaker, database_url: str) -> None:
    assert shopctl("owner", "actions", url=database_url).stdout.strip() == "no owner actions recorded yet"
    run(demo_store, owner_accounts.record_action, "login", "203.0.113.7", now=NOW)
    run(demo_store, owner_accounts.record_action, "order.mark_paid", "1042", detail="receipt checked",
        now=NOW + timedelta(minutes=5))  # fmt: skip
    run(demo_store, owner_accounts.record_action, "order.ship", "1042", now=NOW + timedelta(minutes=9))
    listed = shopctl("owner", "actions", "--limit", "۲", url=database_url)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "2026-12-09 10:09 UTC  owner  order.ship  1042",
        "2026-12-09 10:05 UTC  owner  order.mark_paid  1042  receipt checked",
    ]
    data = json.loads(shopctl("owner", "actions", "--json", url=database_url).stdout)
    assert [row["action"] for row in data] == ["order.ship", "order.mark_paid", "login"]
    assert data[1] == {
        "id": data[1]["id"],
        "at": "2026-12-09T10:05:00+00:00",
        "actor": "owner",
        "action": "order.mark_paid",
        "target": "1042",
        "detail": "receipt checked",
    }
    for bad in ("0", "many"):
        refused = shopctl("owner", "actions", "--limit", bad, url=database_url)
        assert refused.returncode == 1 and refused.stderr.startswith("shopctl: ") and "limit" in refused.stderr


def test_stock_threshold_and_the_low_stock_list(demo_store: sessionmaker, database_url: str) -> None:
    def low() -> dict[tuple[str, str, str], dict]:
        listed = shopctl("stock", "low", "--json", url=database_url)
        assert listed.returncode == 0, listed.stderr
        return {(row["code"], row["color"], row["size"]): row for row in json.loads(listed.stdout)}

    assert ("B-21", "black", "L") not in low()  # 3 available, the shop's default is 2
    own = shopctl("stock", "threshold", "b21", "مشکی", "لارج", "۳", url=database_url)
    assert own.returncode == 0, own.stderr
    assert own.stdout.strip() == "B-21 black L: low on stock at 3 available or fewer (its own)"
    row = low()[("B-21", "black", "L")]
    assert (row["available"], row["threshold"], row["shop_default"]) == (3, 3, False)
    text = shopctl("stock", "low", url=database_url).stdout
    assert "B-21 black L  3 available (own threshold 3)  3 on hand, 0 reserved, 0 in orders" in text
    assert text.splitlines()[-1].startswith("B-21 black L")  # the most available comes last

    back = shopctl("stock", "threshold", "B-21", "black", "L", "default", url=database_url)
    assert back.stdout.strip() == "B-21 black L: low on stock at 2 available or fewer (the shop's default)"
    assert ("B-21", "black", "L") not in low()

    for args in (["B-21", "black", "L", "-1"], ["B-21", "black", "L", "some"], ["B-21", "purple", "L", "1"],
                 ["B-21", "black", "S", "1"]):  # fmt: skip
        refused = shopctl("stock", "threshold", *args, url=database_url)
        assert refused.returncode == 1, args
        assert len(refused.stderr.strip().splitlines()) == 1 and refused.stderr.startswith("shopctl: "), args
