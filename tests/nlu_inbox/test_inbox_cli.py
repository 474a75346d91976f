"""`shopctl nlu inbox` on a tracker store Rasa itself wrote: listing, grouping, filters, errors."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from owner.cli import main
from tests.nlu_inbox.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]


def inbox(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["nlu", "inbox", *args])
    out, err = capsys.readouterr()
    return code, out, err


def rows(out: str) -> dict[str, dict[str, object]]:
    """The table's rows by message text."""
    found: dict[str, dict[str, object]] = {}
    lines = out.split("\n\n")[0].splitlines()
    assert lines[0].split()[:3] == ["count", "senders", "fallbacks"]
    for line in lines[1:]:
        count, senders, fallbacks, day, clock, guess, conf, text = line.split(maxsplit=7)
        assert text not in found, f"{text} listed twice"
        found[text] = {
            "count": int(count),
            "senders": int(senders),
            "fallbacks": int(fallbacks),
            "last_seen": datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=timezone.utc),
            "guess": guess,
            "conf": conf,
        }
    return found


def test_lists_fallbacks_and_low_confidence_grouped_by_normalised_text(
    capsys: pytest.CaptureFixture[str], tracker_url: str
) -> None:
    code, out, err = inbox(capsys, "--tracker-db", tracker_url)
    assert code == 0 and err == ""
    table = rows(out)
    # Arabic ي and a stretched ههههه group with the Persian spelling; the latest guess is shown.
    assert table["قیمتش چنده؟"] == {
        "count": 3,
        "senders": 3,
        "fallbacks": 2,
        "guess": "ask_price",
        "conf": "0.35",
        "last_seen": table["قیمتش چنده؟"]["last_seen"],
    }
    assert abs(table["قیمتش چنده؟"]["last_seen"].timestamp() - (NOW - 3600)) < 60
    assert table["مانتو مشکی دارید"]["count"] == 2 and table["مانتو مشکی دارید"]["senders"] == 2
    assert table["GHIMATESH chande"]["count"] == 2  # case and spaces do not split a group
    assert table["do u ship to kish island"]["guess"] == "ask_shipping"  # the guess under nlu_fallback
    assert table["blah blah"]["guess"] == "-"
    assert not any("قيمتش" in text or "مشكي" in text for text in table)  # Arabic spellings folded
    assert "سلام" not in table  # greet at 0.98 is confident
    assert len(table) == 7
    assert "11 messages (7 distinct) fell back or scored below 0.60" in out


def test_most_frequent_first_then_newest(capsys: pytest.CaptureFixture[str], tracker_url: str) -> None:
    table = list(rows(inbox(capsys, "--tracker-db", tracker_url)[1]).values())
    order = [(-r["count"], -r["last_seen"].timestamp()) for r in table]
    assert order == sorted(order)
    assert table[0]["count"] == 3


def test_since_accepts_durations(capsys: pytest.CaptureFixture[str], tracker_url: str) -> None:
    week = rows(inbox(capsys, "--tracker-db", tracker_url, "--since", "7d")[1])
    assert "کی میرسه دستم" not in week  # ten days old
    assert week["قیمتش چنده؟"]["count"] == 3
    day = rows(inbox(capsys, "--tracker-db", tracker_url, "--since", "24h")[1])
    assert day["قیمتش چنده؟"]["count"] == 2  # the Arabic-ي one is two days old
    assert day["GHIMATESH chande"]["count"] == 1  # its lower-case twin was 30 hours ago
    assert "since" in inbox(capsys, "--tracker-db", tracker_url, "--since", "۲۴h")[1]  # Persian digits


def test_since_accepts_iso_dates_and_times(capsys: pytest.CaptureFixture[str], tracker_url: str) -> None:
    three_days_ago = datetime.fromtimestamp(NOW, timezone.utc) - timedelta(days=3)
    by_date = rows(inbox(capsys, "--tracker-db", tracker_url, "--since", f"{three_days_ago:%Y-%m-%d}")[1])
    assert "کی میرسه دستم" not in by_date and by_date["قیمتش چنده؟"]["count"] == 3
    ninety_minutes_ago = datetime.fromtimestamp(NOW - 95 * 60, timezone.utc)
    code, out, _ = inbox(capsys, "--tracker-db", tracker_url, "--since", f"{ninety_minutes_ago:%Y-%m-%dT%H:%M:%S}Z")
    assert code == 0
    assert set(rows(out)) == {"قیمتش چنده؟", "سلام کد [B-21](مشکی) موجوده"}


def test_threshold_decides_what_counts_as_unsure(capsys: pytest.CaptureFixture[str], tracker_url: str) -> None:
    strict = rows(inbox(capsys, "--tracker-db", tracker_url, "--threshold", "0.5")[1])
    assert "مانتو مشکی دارید" not in strict  # 0.55 and 0.58
    assert strict["قیمتش چنده؟"]["count"] == 2  # the 0.50 one is not below 0.5; both fallbacks are
    loose = rows(inbox(capsys, "--tracker-db", tracker_url, "--threshold", "0.99")[1])
    assert loose["سلام"]["count"] == 1 and loose["سلام"]["guess"] == "greet"


def test_no_messages_says_so_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tracker_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "inbox.yml"
    code, out, err = inbox(capsys, "--tracker-db", tracker_url, "--since", "2999-01-01", "--export", str(target))
    assert code == 0 and err == ""
    assert out.startswith("no messages fell back or scored below 0.60 since 2999-01-01 00:00 UTC")
    assert not target.exists()


def _one_line_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = inbox(capsys, *args)
    assert code == 1, out
    assert len(err.strip().splitlines()) == 1 and err.startswith("shopctl: "), err
    return err


def test_bad_input_is_one_line_and_non_zero(
    capsys: pytest.CaptureFixture[str], tracker_url: str, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "tracker.db"
    assert "no tracker store at" in _one_line_error(capsys, "--tracker-db", f"sqlite:///{missing}")
    assert not missing.exists() and not missing.parent.exists()  # never creates an empty store

    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    assert "cannot read tracker store" in _one_line_error(capsys, "--tracker-db", f"sqlite:///{garbage}")

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("create table products (id integer)")
    assert "has no events table" in _one_line_error(capsys, "--tracker-db", f"sqlite:///{other}")

    assert "not a database URL" in _one_line_error(capsys, "--tracker-db", "tracker.db")
    assert "--since 'yesterday'" in _one_line_error(capsys, "--tracker-db", tracker_url, "--since", "yesterday")
    assert "--since '7x'" in _one_line_error(capsys, "--tracker-db", tracker_url, "--since", "7x")
    assert "between 0 and 1" in _one_line_error(capsys, "--tracker-db", tracker_url, "--threshold", "1.5")


def test_default_store_comes_from_endpoints_yml(
    capsys: pytest.CaptureFixture[str], tracker_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "tracker.db").write_bytes(tracker_db.read_bytes())
    (tmp_path / "endpoints.yml").write_text((ROOT / "endpoints.yml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = inbox(capsys)
    assert code == 0 and rows(out)["قیمتش چنده؟"]["count"] == 3

    no_store = "action_endpoint:\n  url: http://localhost:5055/webhook\n"
    (tmp_path / "endpoints.yml").write_text(no_store, encoding="utf-8")
    assert "no SQL tracker_store" in _one_line_error(capsys)


def test_runs_as_a_real_process(tracker_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "owner.cli", "nlu", "inbox", "--tracker-db", tracker_url, "--since", "7d"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "قیمتش چنده؟" in result.stdout and "کی میرسه دستم" not in result.stdout


def test_help_states_the_threshold_actually_used(capsys: pytest.CaptureFixture[str]) -> None:
    from nlu_inbox import DEFAULT_THRESHOLD

    with pytest.raises(SystemExit):
        main(["nlu", "inbox", "--help"])
    assert f"(default: {DEFAULT_THRESHOLD})" in " ".join(capsys.readouterr().out.split())
