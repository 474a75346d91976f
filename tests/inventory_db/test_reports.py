"""The owner's reports over a seeded history, figure by figure, on SQLite and PostgreSQL;
the shop's day boundaries; and a period with nothing in it."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy.orm import sessionmaker

from inventory_db import events, reports, settings
from inventory_db.database import transaction
from tests.inventory_db import report_history
from tests.inventory_db.helpers import run

TEHRAN = ZoneInfo("Asia/Tehran")
WEEK = reports.Period(date(2026, 12, 1), date(2026, 12, 7))


def contract(figures: reports.Figures) -> dict:
    """The figures under the contract's keys, as report_history writes the expected ones."""
    data = asdict(figures)
    period = data.pop("period")
    data["period"] = {"from": period["first_day"].isoformat(), "to": period["last_day"].isoformat(),
                      "timezone": data.pop("timezone")}  # fmt: skip
    return data


def test_every_figure_of_a_seeded_week_and_the_week_before(store: sessionmaker) -> None:
    report_history.seed(store)
    found = run(store, reports.report, WEEK, TEHRAN)
    current, previous = contract(found.current), contract(found.previous)
    for key, expected in report_history.THIS_WEEK.items():
        assert current[key] == expected, key
    for key, expected in report_history.WEEK_BEFORE.items():
        assert previous[key] == expected, key
    assert set(current) == set(report_history.THIS_WEEK)


def test_the_funnel_never_increases_down_its_steps(store: sessionmaker) -> None:
    report_history.seed(store)
    steps = run(store, reports.report, WEEK, TEHRAN).current.funnel
    assert [s.step for s in steps] == list(reports.FUNNEL_STEPS)
    counts = [s.conversations for s in steps]
    assert counts == sorted(counts, reverse=True)


def test_a_period_with_nothing_in_it_is_zeros_not_an_error(store: sessionmaker) -> None:
    report_history.seed(store)  # all of it in Nov–Dec 2026
    found = run(store, reports.report, reports.Period(date(2025, 1, 1), date(2025, 1, 31)), TEHRAN)
    for figures in (found.current, found.previous):
        data = contract(figures)
        assert {k: v for k, v in data.items() if k != "period"} == report_history.EMPTY


def test_a_day_ends_at_tehran_midnight_not_utc_midnight(store: sessionmaker) -> None:
    """20:29 UTC is 23:59 in Tehran, 20:31 UTC is 00:01 the next day: same UTC date, two shop days."""
    late = datetime(2026, 12, 1, 20, 29, tzinfo=timezone.utc)
    next_day = datetime(2026, 12, 1, 20, 31, tzinfo=timezone.utc)
    run(store, events.record, events.INQUIRY, "ig-1", now=late, product_code="B-21", available=0)
    run(store, events.record, events.INQUIRY, "ig-2", now=next_day, product_code="SH-12", available=1)

    def asked(day: date, zone: ZoneInfo = TEHRAN) -> list[str]:
        return [row.code for row in run(store, reports.figures, reports.Period(day, day), zone).inquiries]

    assert asked(date(2026, 12, 1)) == ["B-21"]
    assert asked(date(2026, 12, 2)) == ["SH-12"]
    assert asked(date(2026, 12, 1), ZoneInfo("UTC")) == ["B-21", "SH-12"]


def test_a_period_is_whole_local_days_in_utc() -> None:
    start, end = WEEK.utc_bounds(TEHRAN)
    assert (start, end) == (
        datetime(2026, 11, 30, 20, 30, tzinfo=timezone.utc), datetime(2026, 12, 7, 20, 30, tzinfo=timezone.utc),
    )  # fmt: skip
    assert WEEK.days == 7 and WEEK.previous() == reports.Period(date(2026, 11, 24), date(2026, 11, 30))
    assert reports.Period.last_days(7, date(2026, 12, 7)) == WEEK
    with pytest.raises(ValueError):
        reports.Period(date(2026, 12, 2), date(2026, 12, 1))


def test_the_shop_time_zone_is_tehran_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOP_TIMEZONE", raising=False)
    assert settings.shop_timezone().key == "Asia/Tehran"
    monkeypatch.setenv("SHOP_TIMEZONE", "Europe/Berlin")
    assert settings.shop_timezone().key == "Europe/Berlin"
    monkeypatch.setenv("SHOP_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="SHOP_TIMEZONE"):
        settings.shop_timezone()


def test_the_funnel_has_a_step_per_question_of_the_checkout_form() -> None:
    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))
    asked = [slot for slot in domain["forms"]["checkout_form"]["required_slots"] if slot != "order_confirmed"]
    assert list(reports.FORM_STEPS) == asked


@pytest.mark.parametrize("split", range(1, 14))
def test_two_adjacent_periods_joined_read_as_one(store: sessionmaker, split: int) -> None:
    """What lets the dashboard keep finished days: the fortnight's figures are the same from its
    own events as from its first ``split`` days joined with the rest, every figure of them."""
    report_history.seed(store)
    fortnight = reports.Period(date(2026, 11, 24), date(2026, 12, 7))
    earlier = reports.Period(fortnight.first_day, fortnight.first_day + timedelta(days=split - 1))
    later = reports.Period(earlier.last_day + timedelta(days=1), fortnight.last_day)
    with transaction(store) as session:
        whole = reports.figures(session, fortnight, TEHRAN)
        joined = reports.join(reports.parts(session, earlier, TEHRAN), reports.parts(session, later, TEHRAN))
    assert reports.finish(fortnight, TEHRAN, joined) == whole
