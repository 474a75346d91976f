"""``shopctl orders export --csv`` and ``shopctl report --csv``: files Excel opens as they are,
over the seeded history: a BOM, Persian that reads back, formula-like text guarded, numbers as
numbers, Jalali and ISO times, and a file in a missing folder as one line."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import sessionmaker

from inventory_db import orders
from owner import cli, shapes
from tests.inventory_db import report_history
from tests.inventory_db.helpers import item, place

BOM = b"\xef\xbb\xbf"
EVIL = orders.Customer("ig-evil", '=HYPERLINK("http://x","سلام")', "09120000009", "@SUM(A1)", None)


@pytest.fixture(autouse=True)
def tehran(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOP_TIMEZONE", raising=False)


def shopctl(capsys: pytest.CaptureFixture, *args: str) -> str:
    assert cli.main(list(args)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def read(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(BOM) and not data[len(BOM) :].startswith(BOM)
    return list(csv.DictReader(data.decode("utf-8-sig").splitlines()))


def test_orders_export_has_a_row_per_item_in_persian_with_jalali_and_iso_times(
    store: sessionmaker, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    report_history.seed(store)
    place(store, "chat:evil", EVIL, items=[item("R-7", "red", "free", 2)], source="comment",
          now=report_history.at(5, 9, 0), payment_window=timedelta(days=7))  # fmt: skip
    out = tmp_path / "orders.csv"
    assert shopctl(capsys, "orders", "export", "--csv", str(out)) == f"exported 4 orders (4 item rows) to {out}\n"
    rows = read(out)
    assert list(rows[0]) == list(shapes.ORDER_EXPORT_COLUMNS)
    by_customer = {row["customer_id"]: row for row in rows}
    ali = by_customer["ig-ali"]
    assert ali["customer_name"] == "علی رضایی" and ali["address"] == "تهران، خیابان ولیعصر، پلاک ۱۲"
    assert (ali["status"], ali["source"], ali["code"], ali["name_fa"]) == ("paid", "post", "B-21", "مانتو کتان")
    assert (ali["quantity"], ali["unit_price"], ali["total"]) == ("1", "1250000", "1250000")
    # Placed 1 Dec 08:11 UTC = 11:41 in Tehran, 1405/09/10; paid an hour later; never shipped.
    assert (ali["placed_jalali"], ali["placed_utc"]) == ("1405/09/10 11:41", "2026-12-01T08:11:00Z")
    assert (ali["paid_jalali"], ali["paid_utc"]) == ("1405/09/10 12:41", "2026-12-01T09:11:00Z")
    assert ali["shipped_jalali"] == ali["shipped_utc"] == ""
    evil = by_customer["ig-evil"]
    assert evil["customer_name"] == '\'=HYPERLINK("http://x","سلام")'
    assert (evil["address"], evil["quantity"], evil["line_total"]) == ("'@SUM(A1)", "2", "900000")
    assert by_customer["ig-sara"]["phone"] == "'+989120001111"  # a leading + is a formula to Excel too


def test_orders_export_keeps_the_days_asked_for(
    store: sessionmaker, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    report_history.seed(store)
    out = tmp_path / "week.csv"
    first, last = report_history.WEEK_JALALI
    shopctl(capsys, "orders", "export", "--csv", str(out), "--from", first, "--to", last)
    assert sorted(row["customer_id"] for row in read(out)) == ["ig-ali", "ig-sara"]  # ig-old ordered the week before


def test_report_csv_holds_every_table_in_one_file(
    store: sessionmaker, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    report_history.seed(store)
    out = tmp_path / "report.csv"
    first, last = report_history.WEEK_JALALI
    printed = shopctl(capsys, "report", "--from", first, "--to", last, "--csv", str(out))
    rows = read(out)
    assert printed == f"exported {len(rows)} rows of 6 tables to {out}\n"
    assert list(rows[0]) == list(shapes.REPORT_EXPORT_COLUMNS)
    assert {row["table"] for row in rows} == set(shapes.REPORT_TABLES)
    assert {(row["from"], row["to"], row["from_jalali"], row["to_jalali"]) for row in rows} == {
        ("2026-12-01", "2026-12-07", first, last)
    }
    expected = report_history.THIS_WEEK
    for table in ("inquiries", "lost_demand", "best_sellers", "funnel", "by_source"):
        shown = [row for row in rows if row["table"] == table]
        keys = list(expected[table][0])
        as_text = [{k: "" if v is None else str(v) for k, v in want.items()} for want in expected[table]]
        assert [{k: row[k] for k in keys} for row in shown] == as_text, table
    inquiry = next(row for row in rows if row["table"] == "inquiries")
    assert inquiry["name_fa"] == "مانتو کتان" and inquiry["step"] == inquiry["count"] == ""
    unrecognised = [(row["text"], row["count"]) for row in rows if row["table"] == "top_unrecognised"]
    assert unrecognised == [(t["text"], str(t["count"])) for t in expected["nlu"]["top_unrecognised"]]


def test_an_export_into_a_missing_folder_is_one_line_and_exit_1(
    demo_store: sessionmaker, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    for args in (["orders", "export", "--csv"], ["report", "--csv"], ["report", "--xlsx"]):
        assert cli.main([*args, str(tmp_path / "nowhere" / "out.csv")]) == 1
        shown = capsys.readouterr()
        missing = tmp_path / "nowhere"
        assert shown.out == "" and shown.err == f"shopctl: no such folder: {missing} (for {missing / 'out.csv'})\n"


def sheet_rows(sheet: Any) -> list[dict[str, Any]]:
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_orders_export_xlsx_keeps_text_as_typed_and_numbers_as_numbers(
    store: sessionmaker, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    report_history.seed(store)
    place(store, "chat:evil", EVIL, items=[item("R-7", "red", "free", 2)], source="comment",
          now=report_history.at(5, 9, 0), payment_window=timedelta(days=7))  # fmt: skip
    out = tmp_path / "orders.xlsx"
    assert shopctl(capsys, "orders", "export", "--xlsx", str(out)) == f"exported 4 orders (4 item rows) to {out}\n"
    book = load_workbook(out)
    assert book.sheetnames == ["orders"]
    sheet = book["orders"]
    assert sheet.sheet_view.rightToLeft and sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == list(shapes.ORDER_EXPORT_COLUMNS)
    by_customer = {row["customer_id"]: row for row in sheet_rows(sheet)}
    ali = by_customer["ig-ali"]
    assert (ali["customer_name"], ali["name_fa"], ali["status"]) == ("علی رضایی", "مانتو کتان", "paid")
    assert (ali["quantity"], ali["unit_price"], ali["total"]) == (1, 1_250_000, 1_250_000)
    assert (ali["placed_jalali"], ali["placed_utc"]) == ("1405/09/10 11:41", "2026-12-01T08:11:00Z")
    evil = by_customer["ig-evil"]
    # Stored as text cells, so shown exactly as typed and never run: no guard quote needed.
    assert (evil["customer_name"], evil["address"]) == ('=HYPERLINK("http://x","سلام")', "@SUM(A1)")
    assert by_customer["ig-sara"]["phone"] == "+989120001111"
    cells = {cell.value: cell for row in sheet.iter_rows(min_row=2) for cell in row}
    assert cells['=HYPERLINK("http://x","سلام")'].data_type == "s" and cells["@SUM(A1)"].data_type == "s"


def test_report_xlsx_has_a_summary_beside_the_week_before_and_a_sheet_per_table(
    store: sessionmaker, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    report_history.seed(store)
    out = tmp_path / "report.xlsx"
    first, last = report_history.WEEK_JALALI
    printed = shopctl(capsys, "report", "--from", first, "--to", last, "--xlsx", str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["summary", *shapes.REPORT_TABLES]
    rows = {name: sheet_rows(book[name]) for name in book.sheetnames}
    assert printed == f"exported {sum(map(len, rows.values()))} rows in 7 sheets to {out}\n"
    summary = {row["figure"]: (row["this_period"], row["previous_period"]) for row in rows["summary"]}
    now, before = report_history.THIS_WEEK, report_history.WEEK_BEFORE
    for group in ("conversations", "sales", "handoffs", "conversion", "time_to_payment_minutes"):
        for key, value in now[group].items():
            assert summary[f"{group}.{key}"] == (value, before[group][key]), (group, key)
    assert summary["nlu.fallback_rate"] == (0.6, 0.0)
    assert summary["period.from_jalali"] == (first, "1405/09/03")
    for table in ("inquiries", "lost_demand", "best_sellers", "funnel", "by_source"):
        keys = list(now[table][0])
        assert [{k: row[k] for k in keys} for row in rows[table]] == now[table], table


def test_report_xlsx_of_an_empty_period_has_the_headers_and_zeros(
    store: sessionmaker, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "empty.xlsx"
    shopctl(capsys, "report", "--from", "1400/01/01", "--to", "1400/01/07", "--xlsx", str(out))
    book = load_workbook(out)
    for table in shapes.REPORT_TABLES:
        assert [cell.value for cell in book[table][1]] == list(shapes.report_table_columns(table))
    for table in set(shapes.REPORT_TABLES) - {"funnel"}:
        assert book[table].max_row == 1, table
    assert {row["conversations"] for row in sheet_rows(book["funnel"])} == {0}  # every step, at zero
    assert len(sheet_rows(book["funnel"])) == len(report_history.THIS_WEEK["funnel"])
    summary = {row["figure"]: row["this_period"] for row in sheet_rows(book["summary"])}
    assert summary["sales.orders_placed"] == summary["conversations.total"] == 0
