"""What the worker asks before messaging customers first, on SQLite and PostgreSQL: who opted out
(and back in), and when each of a batch of customers last wrote (Meta's 24-hour window), each
in one query."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import sessionmaker

from inventory_db import message_log, messaging_optouts
from inventory_db.automation_models import MessagingOptOut
from tests.inventory_db.helpers import counted_statements, run

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)


def test_an_opt_out_holds_until_the_customer_opts_back_in(store: sessionmaker) -> None:
    assert not run(store, messaging_optouts.is_opted_out, "ig-ali")
    run(store, messaging_optouts.opt_out, "ig-ali", "دیگه پیام نده", NOW)
    run(store, messaging_optouts.opt_out, "ig-ali", "لطفا پیام ندید", NOW + timedelta(hours=1))  # asked twice
    run(store, messaging_optouts.opt_out, "ig-sara", None, NOW)
    assert run(store, messaging_optouts.is_opted_out, "ig-ali")
    assert run(store, messaging_optouts.opted_out, ["ig-ali", "ig-reza", "ig-sara", "ig-ali"]) == {"ig-ali", "ig-sara"}
    assert run(store, messaging_optouts.opted_out, []) == set()
    with store() as session:
        kept = session.get(MessagingOptOut, "ig-ali")
        assert kept is not None and (kept.at, kept.text) == (NOW + timedelta(hours=1), "لطفا پیام ندید")
    assert run(store, messaging_optouts.opt_in, "ig-ali")
    assert not run(store, messaging_optouts.opt_in, "ig-ali")
    assert run(store, messaging_optouts.opted_out, ["ig-ali", "ig-sara"]) == {"ig-sara"}


def test_opted_out_is_one_query_for_a_batch(store: sessionmaker) -> None:
    run(store, messaging_optouts.opt_out, "ig-7", "stop", NOW)
    with store() as session, counted_statements(session) as statements:
        found = messaging_optouts.opted_out(session, [f"ig-{n}" for n in range(40)])
    assert found == {"ig-7"} and len(statements) == 1


def test_when_each_customer_last_wrote_in_one_query(store: sessionmaker) -> None:
    run(store, message_log.touch_customer, "ig-ali", NOW - timedelta(hours=30))
    run(store, message_log.touch_customer, "ig-ali", NOW - timedelta(hours=2))
    run(store, message_log.touch_customer, "ig-sara", NOW - timedelta(days=3))
    with store() as session, counted_statements(session) as statements:
        times = message_log.last_customer_message_times(session, ["ig-ali", "ig-sara", "ig-never", "ig-ali"])
    assert times == {"ig-ali": NOW - timedelta(hours=2), "ig-sara": NOW - timedelta(days=3)}
    assert len(statements) == 1
    assert times["ig-ali"] == run(store, message_log.last_customer_message_at, "ig-ali")
    assert run(store, message_log.last_customer_message_times, []) == {}
