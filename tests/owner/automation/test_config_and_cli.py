"""shop_automations.yml as the owner edits it, and ``shop-worker`` run as make run runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import time
from pathlib import Path

import pytest
import yaml

from owner.automation.config import Automations, AutomationsError, load_automations, parse_automations
from tests.inventory_db.helpers import ROOT
from tests.owner.notify.local_servers import PASSWORD, USER, SmtpServer


def test_the_shipped_file_turns_everything_on_at_nine() -> None:
    assert load_automations(ROOT / "shop_automations.yml") == Automations(daily_summary_at=time(9, 0))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"owner": {"daily_summary": {"at": "25:00"}}}, "owner.daily_summary.at"),
        ({"owner": {"low_stock_alert": {"on": "yes"}}}, "owner.low_stock_alert.on"),
        ({"owner": {"daily_summary": "on"}}, "'owner.daily_summary' must be a mapping"),
        ({"worker": {"every_seconds": 0}}, "worker.every_seconds"),
    ],
)
def test_a_mistake_names_its_key(data: dict, message: str) -> None:
    with pytest.raises(AutomationsError, match=message):
        parse_automations(data)


def test_a_rule_left_out_keeps_its_default() -> None:
    assert parse_automations({"owner": {"low_stock_alert": {"on": False}}}) == Automations(low_stock_alert=False)


def worker(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "owner.automation.worker", *args],
        capture_output=True, text=True, env={**os.environ, **env}, cwd=ROOT, timeout=120,
    )  # fmt: skip


def test_check_refuses_a_bad_file_in_one_line(tmp_path: Path, database_url: str) -> None:
    bad = tmp_path / "automations.yml"
    bad.write_text(yaml.safe_dump({"owner": {"daily_summary": {"at": "noon"}}}), encoding="utf-8")
    done = worker("--check", env={"SHOP_AUTOMATIONS_FILE": str(bad), "DATABASE_URL": database_url})
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "shop-worker: 'owner.daily_summary.at' must be a time like \"09:00\", not 'noon'"
    ]


def test_one_pass_at_a_pinned_time_mails_the_alert_and_the_summary(
    demo_store: object, database_url: str, smtp_server: Callable[..., SmtpServer]
) -> None:
    mail = smtp_server()
    env = {
        "DATABASE_URL": database_url, "SHOP_ENV": "development", "SHOP_SMTP_HOST": "127.0.0.1",
        "SHOP_SMTP_PORT": str(mail.port), "SHOP_SMTP_SECURITY": "none", "SHOP_SMTP_USER": USER,
        "SHOP_SMTP_PASSWORD": PASSWORD, "SHOP_NOTIFY_EMAIL_TO": "owner@example.ir",
    }  # fmt: skip
    done = worker("--once", "--now", "2026-12-02T09:30:00+03:30", env=env)
    assert done.returncode == 0, done.stderr
    quiet = "follow-ups: 0 scheduled, 0 sent, 0 to send by hand, 0 skipped, 0 failed"
    assert done.stdout.strip() == f"queued 1 alerts, 1 summaries; sent 2; {quiet}"
    assert len(mail.mailbox.envelopes) == 2 and PASSWORD not in done.stdout + done.stderr
    again = worker("--once", "--now", "2026-12-02T10:30:00+03:30", env=env)
    assert again.stdout.strip() == f"queued 0 alerts, 0 summaries; sent 0; {quiet}"
    assert worker("--once", "--now", "2026-12-02T10:30:00", env=env).returncode == 1  # no time zone
