"""The message log service on a real, migrated SQLite store."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.orm import sessionmaker

from inventory_db import message_log, schema
from inventory_db.database import make_engine, transaction


def test_last_customer_message_keeps_the_latest_time(session_factory: sessionmaker) -> None:
    now = datetime.now(timezone.utc)
    with transaction(session_factory) as session:
        assert message_log.last_customer_message_at(session, "42") is None
        message_log.touch_customer(session, "42", now - timedelta(hours=1))
        message_log.touch_customer(session, "42", now - timedelta(hours=3))  # late, older: ignored
    with transaction(session_factory) as session:
        last = message_log.last_customer_message_at(session, "42")
    assert last is not None and last.tzinfo is not None
    assert abs(last - (now - timedelta(hours=1))) < timedelta(seconds=1)


def test_referrals_are_recorded_once_and_the_latest_is_the_source(session_factory: sessionmaker) -> None:
    ad = message_log.Referral("ADS", "OPEN_THREAD", "sale", "1202", 1_700_000_000_000)
    link = message_log.Referral("IGME-SOURCE-LINK", "OPEN_THREAD", "bio", None, 1_700_000_500_000)
    with transaction(session_factory) as session:
        assert message_log.record_referral(session, "42", ad)
        assert not message_log.record_referral(session, "42", ad)
        assert message_log.record_referral(session, "42", link)
        assert message_log.record_referral(session, "43", ad)
    with transaction(session_factory) as session:
        assert message_log.conversation_source(session, "42") == link
        assert message_log.conversation_source(session, "44") is None
        assert message_log.conversations_by_source(session)[0] == ("ADS", "1202", "sale", 2)


def test_product_for_a_post_shortcode(session: object) -> None:
    assert message_log.product_code_for_post(session, ["nope", "C8dmoB34"]) == "B-34"  # type: ignore[arg-type]
    assert message_log.product_code_for_post(session, []) is None  # type: ignore[arg-type]


def test_migration_0003_goes_down_and_up(database_url: str) -> None:
    def tables() -> set[str]:
        engine = make_engine(database_url)
        names = set(inspect(engine).get_table_names())
        engine.dispose()
        return names

    ours = {"inbound_events", "conversation_sources", "customer_contacts"}
    assert ours <= tables()
    command.downgrade(schema.alembic_config(database_url), "0002")  # to just before 0003
    assert not ours & tables() and "products" in tables()
    schema.upgrade(database_url)
    assert ours <= tables()


def test_the_message_log_does_not_import_rasa() -> None:
    code = (
        "import sys, inventory_db.message_log; print([m for m in sys.modules if m.split('.')[0] in ('rasa', 'sanic')])"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_a_customers_origin_is_the_latest_one_while_it_is_recent(session_factory: sessionmaker) -> None:
    now = datetime.now(timezone.utc)
    with transaction(session_factory) as session:
        assert message_log.recent_origin(session, "42", now - timedelta(minutes=10)) is None
        message_log.remember_origin(session, "42", "B-21", "post", now - timedelta(minutes=20))
        message_log.remember_origin(session, "42", None, "ad", now - timedelta(minutes=1))
    with transaction(session_factory) as session:
        assert message_log.recent_origin(session, "42", now - timedelta(minutes=10)) == (None, "ad")
        assert message_log.recent_origin(session, "42", now) is None  # older than asked for
        assert message_log.recent_origin(session, "43", now - timedelta(hours=1)) is None
