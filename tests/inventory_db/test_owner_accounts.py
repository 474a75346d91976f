"""The owner's dashboard login: scrypt password hashes, login sessions kept only as hashes,
failed logins throttled per client, the audit log, and migration 0010 both ways;
on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import sessionmaker

from inventory_db import low_stock, owner_accounts, schema
from inventory_db.database import make_engine
from inventory_db.errors import TooLong, WeakPassword
from inventory_db.owner_models import OwnerCredential, OwnerSession
from tests.inventory_db.helpers import run

NOW = datetime(2026, 12, 9, 10, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
PASSWORD = "correct horse battery"


# -- hashing, no store needed ---------------------------------------------------------


def test_a_hash_is_scrypt_with_its_parameters_and_a_fresh_salt() -> None:
    first, second = owner_accounts.hash_password(PASSWORD), owner_accounts.hash_password(PASSWORD)
    assert re.fullmatch(r"scrypt\$16384\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{128}", first), first
    assert first != second  # a new salt each time: equal passwords do not look equal
    assert PASSWORD not in first
    assert owner_accounts.password_matches(PASSWORD, first) and owner_accounts.password_matches(PASSWORD, second)
    assert not owner_accounts.password_matches(PASSWORD + " ", first)
    assert not owner_accounts.password_matches("", first)


@pytest.mark.parametrize(
    "stored",
    ["", "plain text", "md5$abc", "scrypt$16384$8$1$zz$00", "scrypt$3$8$1$00$00", "scrypt$16384$8$1$00$",
     "scrypt$33554432$8$1$00$00", "bcrypt$16384$8$1$00$00"],
)  # fmt: skip
def test_a_malformed_hash_matches_nothing(stored: str) -> None:
    assert owner_accounts.password_matches(PASSWORD, stored) is False


# -- the password ---------------------------------------------------------------------


def test_set_and_verify_the_password(store: sessionmaker) -> None:
    assert run(store, owner_accounts.has_password) is False
    assert run(store, owner_accounts.verify_password, PASSWORD) is False  # no password yet: nobody gets in
    run(store, owner_accounts.set_password, PASSWORD, now=NOW)
    assert run(store, owner_accounts.has_password) is True
    assert run(store, owner_accounts.verify_password, PASSWORD) is True
    assert run(store, owner_accounts.verify_password, "correct horse battery!") is False
    assert run(store, owner_accounts.verify_password, PASSWORD, "someone") is False
    with store() as session:
        row = session.execute(select(OwnerCredential)).scalar_one()
        assert row.username == "owner" and row.password_hash.startswith("scrypt$") and PASSWORD not in row.password_hash
        assert row.created_at == NOW and row.updated_at == NOW

    run(store, owner_accounts.set_password, "a new one, longer", now=NOW + HOUR)
    assert run(store, owner_accounts.verify_password, PASSWORD) is False
    assert run(store, owner_accounts.verify_password, "a new one, longer") is True
    with store() as session:
        row = session.execute(select(OwnerCredential)).scalar_one()  # changed in place, still one row
        assert (row.created_at, row.updated_at) == (NOW, NOW + HOUR)


def test_a_short_password_is_refused_and_nothing_is_stored(store: sessionmaker) -> None:
    with pytest.raises(WeakPassword, match="9 characters long; use at least 10") as raised:
        run(store, owner_accounts.set_password, "123456789")
    assert (raised.value.length, raised.value.minimum) == (9, owner_accounts.MIN_PASSWORD_LENGTH)
    assert run(store, owner_accounts.has_password) is False
    run(store, owner_accounts.set_password, "1234567890")  # ten is enough
    assert run(store, owner_accounts.verify_password, "1234567890") is True


def test_the_first_password_is_made_once_and_only_its_hash_kept(store: sessionmaker) -> None:
    first = run(store, owner_accounts.ensure_password)
    assert isinstance(first, str) and len(first) >= 16
    assert run(store, owner_accounts.verify_password, first) is True
    assert run(store, owner_accounts.ensure_password) is None  # never shown twice
    with store() as session:
        assert first not in session.execute(select(OwnerCredential.password_hash)).scalar_one()


def test_no_first_password_when_the_owner_set_one(store: sessionmaker) -> None:
    run(store, owner_accounts.set_password, PASSWORD)
    assert run(store, owner_accounts.ensure_password) is None
    assert run(store, owner_accounts.verify_password, PASSWORD) is True


# -- login sessions -------------------------------------------------------------------


def test_a_session_is_found_by_its_token_until_it_lapses(store: sessionmaker) -> None:
    login = run(store, owner_accounts.open_session, "owner", NOW, 12 * HOUR)
    assert login.expires_at == NOW + 12 * HOUR and login.username == "owner"
    assert len(login.token) >= 43 and len(login.csrf_token) >= 43 and login.token != login.csrf_token

    found = run(store, owner_accounts.find_session, login.token, NOW + HOUR)
    assert found == login
    with store() as session:
        row = session.execute(select(OwnerSession)).scalar_one()
        assert row.token_hash == hashlib.sha256(login.token.encode()).hexdigest()
        assert login.token not in (row.token_hash, row.csrf_token, row.username)  # the token itself is not kept
        assert row.last_seen_at == NOW + HOUR and row.created_at == NOW

    assert run(store, owner_accounts.find_session, login.token, NOW + 12 * HOUR) is None  # lapsed
    assert run(store, owner_accounts.find_session, "not a token", NOW) is None
    assert run(store, owner_accounts.find_session, "", NOW) is None
    assert owner_accounts.csrf_matches(login, login.csrf_token)
    assert not owner_accounts.csrf_matches(login, login.csrf_token[:-1])


def test_logging_out_closes_only_that_session(store: sessionmaker) -> None:
    phone = run(store, owner_accounts.open_session, "owner", NOW, HOUR)
    laptop = run(store, owner_accounts.open_session, "owner", NOW, HOUR)
    run(store, owner_accounts.close_session, phone.token)
    run(store, owner_accounts.close_session, "unknown")  # no error
    assert run(store, owner_accounts.find_session, phone.token, NOW) is None
    assert run(store, owner_accounts.find_session, laptop.token, NOW) == laptop


def test_changing_the_password_signs_out_every_session_of_that_login(store: sessionmaker) -> None:
    run(store, owner_accounts.set_password, PASSWORD, now=NOW)
    sessions = [run(store, owner_accounts.open_session, "owner", NOW, HOUR) for _ in range(2)]
    helper = run(store, owner_accounts.open_session, "helper", NOW, HOUR)
    run(store, owner_accounts.set_password, "another good password", now=NOW)
    assert [run(store, owner_accounts.find_session, s.token, NOW) for s in sessions] == [None, None]
    assert run(store, owner_accounts.find_session, helper.token, NOW) == helper


def test_opening_a_session_clears_lapsed_ones(store: sessionmaker) -> None:
    run(store, owner_accounts.open_session, "owner", NOW, HOUR)
    run(store, owner_accounts.open_session, "owner", NOW + 2 * HOUR, HOUR)
    with store() as session:
        assert session.execute(select(OwnerSession.created_at)).scalars().all() == [NOW + 2 * HOUR]
    with pytest.raises(ValueError):
        run(store, owner_accounts.open_session, "owner", NOW, timedelta(0))


# -- throttling -----------------------------------------------------------------------


def test_five_failures_in_fifteen_minutes_lock_out_that_client_only(store: sessionmaker) -> None:
    minute = timedelta(minutes=1)
    for n in range(owner_accounts.MAX_LOGIN_FAILURES - 1):
        run(store, owner_accounts.record_login_failure, "203.0.113.7", NOW + n * minute)
    assert run(store, owner_accounts.login_allowed, "203.0.113.7", NOW + 4 * minute) is True
    run(store, owner_accounts.record_login_failure, "203.0.113.7", NOW + 4 * minute)
    assert run(store, owner_accounts.login_allowed, "203.0.113.7", NOW + 5 * minute) is False
    assert run(store, owner_accounts.login_allowed, "198.51.100.2", NOW + 5 * minute) is True
    # The first failure leaves the window 15 minutes after it: four left, allowed again.
    assert run(store, owner_accounts.login_allowed, "203.0.113.7", NOW + 14 * minute) is False
    assert run(store, owner_accounts.login_allowed, "203.0.113.7", NOW + 15 * minute) is True


def test_a_right_password_forgives_the_clients_failures(store: sessionmaker) -> None:
    for _ in range(owner_accounts.MAX_LOGIN_FAILURES):
        run(store, owner_accounts.record_login_failure, "203.0.113.7", NOW)
    run(store, owner_accounts.record_login_failure, "198.51.100.2", NOW)
    assert run(store, owner_accounts.login_allowed, "203.0.113.7", NOW) is False
    run(store, owner_accounts.clear_login_failures, "203.0.113.7")
    assert run(store, owner_accounts.login_allowed, "203.0.113.7", NOW) is True
    with store() as session:
        assert session.execute(text("SELECT client FROM owner_login_failures")).scalars().all() == ["198.51.100.2"]


def test_old_failures_are_deleted_when_a_new_one_is_counted(store: sessionmaker) -> None:
    run(store, owner_accounts.record_login_failure, "a", NOW)
    run(store, owner_accounts.record_login_failure, "b", NOW + owner_accounts.LOGIN_FAILURE_WINDOW)
    with store() as session:
        assert session.execute(text("SELECT client FROM owner_login_failures")).scalars().all() == ["b"]


# -- the audit log --------------------------------------------------------------------


def test_the_audit_log_newest_first(store: sessionmaker) -> None:
    run(store, owner_accounts.record_action, "login", "203.0.113.7", now=NOW)
    run(store, owner_accounts.record_action, "order.mark_paid", "1042", now=NOW + HOUR, detail="receipt checked")
    marked = run(store, owner_accounts.record_action, "stock.threshold", "B-21/black/L", actor="maryam",
                 now=NOW + HOUR)  # fmt: skip
    assert marked.id and marked.at == NOW + HOUR and marked.detail is None
    found = run(store, owner_accounts.recent_actions)
    assert [(a.action, a.target, a.actor, a.detail) for a in found] == [
        ("stock.threshold", "B-21/black/L", "maryam", None),
        ("order.mark_paid", "1042", "owner", "receipt checked"),
        ("login", "203.0.113.7", "owner", None),
    ]
    assert found[-1].at == NOW and found[0] == marked
    assert [a.action for a in run(store, owner_accounts.recent_actions, 1)] == ["stock.threshold"]
    with pytest.raises(ValueError):
        run(store, owner_accounts.recent_actions, 0)
    with pytest.raises(TooLong, match="target"):
        run(store, owner_accounts.record_action, "order.note", "x" * 201)


# -- migration 0010 ------------------------------------------------------------------


_TABLES = {"owner_credentials", "owner_sessions", "owner_login_failures", "owner_actions"}


def _schema(url: str) -> tuple[set[str], set[str]]:
    engine = make_engine(url)
    try:
        found = inspect(engine)
        return set(found.get_table_names()) & _TABLES, {c["name"] for c in found.get_columns("variants")}
    finally:
        engine.dispose()


def test_0010_goes_down_and_up_keeping_the_catalog(store: sessionmaker, store_url: str) -> None:
    run(store, owner_accounts.set_password, PASSWORD)
    run(store, low_stock.set_low_stock_threshold, "B-21", "black", "L", 5)
    with store() as session:
        variants = session.execute(text("SELECT count(*) FROM variants")).scalar_one()
    tables, columns = _schema(store_url)
    assert tables == _TABLES and "low_stock_threshold" in columns

    schema.downgrade(store_url, "0009")
    tables, columns = _schema(store_url)
    assert tables == set() and "low_stock_threshold" not in columns
    with store() as session:
        assert session.execute(text("SELECT count(*) FROM variants")).scalar_one() == variants

    schema.upgrade(store_url)
    assert _schema(store_url)[0] == _TABLES
    assert run(store, owner_accounts.has_password) is False  # the logins went down with the tables
    rows = run(store, low_stock.low_stock, default=2)  # and every variant has the shop's threshold again
    assert rows and all(row.shop_default for row in rows)
    assert ("B-21", "black", "L") not in {(row.code, row.color, row.size) for row in rows}
