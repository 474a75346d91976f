"""``shopctl report``: the JSON contract over a seeded history on both databases, the Persian and
English text, Jalali and Gregorian dates, and a bad date as one line."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy.orm import sessionmaker

from owner import cli
from owner.periods import BadPeriod, parse_date, period_of
from tests.inventory_db import report_history
from tests.owner.helpers import shopctl

CONTRACT = {
    "period": {"from", "to", "timezone"},
    "conversations": {"total", "new_customers", "messages_in"},
    "inquiries": {"code", "name_fa", "name_en", "asks", "out_of_stock_asks"},
    "lost_demand": {"code", "color", "size", "asks", "restock_requests"},
    "sales": {"orders_placed", "orders_paid", "units", "revenue_placed", "revenue_paid"},
    "best_sellers": {"code", "units", "revenue"},
    "funnel": {"step", "conversations"},
    "conversion": {"inquiry_to_order", "order_to_paid"},
    "time_to_order_minutes": {"median", "mean"},
    "time_to_payment_minutes": {"median", "mean"},
    "by_source": {"source", "ref", "conversations", "orders", "revenue"},
    "nlu": {"fallback_rate", "top_unrecognised"},
    "handoffs": {"requested", "released", "waiting", "median_wait_minutes"},
}


@pytest.fixture(autouse=True)
def tehran(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOP_TIMEZONE", raising=False)


def report(capsys: pytest.CaptureFixture, *args: str) -> str:
    assert cli.main(["report", *args]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def assert_contract(figures: dict) -> None:
    assert set(figures) >= set(CONTRACT)
    for key, fields in CONTRACT.items():
        rows = figures[key] if isinstance(figures[key], list) else [figures[key]]
        assert all(set(row) == fields for row in rows), key


def test_json_is_the_contract_with_the_hand_computed_figures(
    store: sessionmaker, store_url: str, capsys: pytest.CaptureFixture
) -> None:
    report_history.seed(store)
    first, last = report_history.WEEK_JALALI
    shown = json.loads(report(capsys, "--from", first, "--to", last, "--json"))
    assert shown == {**report_history.THIS_WEEK, "previous": report_history.WEEK_BEFORE}
    assert_contract(shown)
    assert_contract(shown["previous"])
    first, last = report_history.WEEK  # the same days in Gregorian
    assert json.loads(report(capsys, "--from", first, "--to", last, "--json")) == shown


def test_the_default_is_the_last_seven_days_and_an_empty_store_gives_zeros(
    demo_store: sessionmaker, capsys: pytest.CaptureFixture
) -> None:
    shown = json.loads(report(capsys, "--json"))
    assert_contract(shown)
    first, last = date.fromisoformat(shown["period"]["from"]), date.fromisoformat(shown["period"]["to"])
    assert (last - first).days == 6 and shown["period"]["timezone"] == "Asia/Tehran"
    assert {k: v for k, v in shown.items() if k not in ("period", "previous")} == report_history.EMPTY
    assert shown["previous"]["period"]["to"] == str(date.fromordinal(first.toordinal() - 1))


def test_the_text_report_is_persian_with_jalali_dates_and_english_on_request(
    store: sessionmaker, capsys: pytest.CaptureFixture
) -> None:
    report_history.seed(store)
    persian = report(capsys, "--from", "2026-12-01", "--to", "2026-12-07")
    assert persian.startswith("گزارش فروشگاه: ۱۴۰۵/۰۹/۱۰ تا ۱۴۰۵/۰۹/۱۶ (Asia/Tehran)")
    assert "مبلغ سفارش‌ها: ۱٬۹۳۰٬۰۰۰ تومان (قبل: ۴۵۰٬۰۰۰ تومان)" in persian
    assert "پرسش به سفارش: ۷۵٪ (قبل: ۱۰۰٪)" in persian
    bars = [line for line in persian.splitlines() if "█" in line]
    assert len(bars) == 14 and bars[0].endswith("█" * 30 + " ۴") and bars[-1].endswith("█" * 15 + " ۲")
    english = report(capsys, "--from", "1405/09/10", "--to", "1405/09/16", "--lang", "en")
    assert english.startswith("Shop report: 2026-12-01 to 2026-12-07 (Asia/Tehran)")
    assert "revenue placed: 1,930,000 toman (before: 450,000 toman)" in english
    assert "  ad (yalda): 1 conversations, 1 orders, 680,000 toman" in english
    assert not any("\u06f0" <= ch <= "\u06f9" for ch in english)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("1405/09/11", date(2026, 12, 2)),
        ("۱۴۰۵/۰۹/۱۱", date(2026, 12, 2)),
        ("1405-9-1", date(2026, 11, 22)),
        ("1403/12/30", date(2025, 3, 20)),  # a leap Esfand
        ("2026-12-02", date(2026, 12, 2)),
        (" 2026/12/02 ", date(2026, 12, 2)),
    ],
)
def test_dates_are_jalali_or_gregorian(typed: str, day: date) -> None:
    assert parse_date(typed) == day


@pytest.mark.parametrize("typed", ["yesterday", "1405/13/01", "1404/12/30", "2026-02-30", "12/02/2026"])
def test_a_bad_date_is_refused(typed: str) -> None:
    with pytest.raises(BadPeriod):
        parse_date(typed)


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(BadPeriod, match="before it starts"):
        period_of("1405/09/11", "1405/09/01", date(2026, 12, 2))
    assert period_of(None, "2026-12-07", date(2030, 1, 1)).first_day == date(2026, 12, 1)


def test_cli_bad_date_is_one_line_and_exit_1(database_url: str) -> None:
    shown = shopctl("report", "--from", "1405/13/40", url=database_url)
    assert shown.returncode == 1 and shown.stdout == ""
    assert shown.stderr == "shopctl: '1405/13/40' is not a day of the calendar\n"
