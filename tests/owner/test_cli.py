"""shopctl as the owner runs it: real process, real database, one-line errors."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import reservations
from inventory_db.database import make_engine, make_session_factory
from inventory_db.models import utcnow
from owner import cli
from tests.conftest import DEMO_CATALOG
from tests.inventory_db.helpers import ALI, SARA, item, place, run
from tests.owner.helpers import shopctl


def test_upgrade_import_and_show_json(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert shopctl("db", "upgrade", url=url).returncode == 0
    imported = shopctl("catalog", "import", str(DEMO_CATALOG), url=url)
    assert imported.returncode == 0, imported.stderr
    assert "imported 31 rows" in imported.stdout
    shown = shopctl("stock", "show", "b21", "--json", url=url)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["code"] == "B-21" and data["name_fa"] == "مانتو کتان"
    black_l = {
        "color": "black",
        "size": "L",
        "price": 1250000,
        "on_hand": 3,
        "reserved": 0,
        "allocated": 0,
        "available": 3,
    }
    assert {**black_l, "active": True} in data["variants"]


def test_errors_are_one_line_and_change_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    shopctl("db", "upgrade", url=url)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name_fa,name_en,category,color,size,price,stock,post\nB-1,x,y,shawl,black,free,abc,1,\n", encoding="utf-8"
    )
    for args in (
        ["catalog", "import", str(bad)],
        ["catalog", "import", str(tmp_path / "missing.csv")],
        ["stock", "show", "Z-9"],
    ):
        result = shopctl(*args, url=url)
        assert result.returncode != 0
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("shopctl: ")
    assert "line 2" in shopctl("catalog", "import", str(bad), url=url).stderr
    empty = shopctl("catalog", "export", url=url)
    assert empty.stdout.strip().splitlines() == ["code,name_fa,name_en,category,color,size,price,stock,post"]


def test_usage_errors_exit_non_zero(tmp_path: Path) -> None:
    result = shopctl("stock", url=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 2


@pytest.fixture
def factory_for() -> Iterator[Callable[[str], sessionmaker]]:
    """Sessions on the CLI's database for setting up a test in-process."""
    engines = []

    def factory(url: str) -> sessionmaker:
        engines.append(make_engine(url))
        return make_session_factory(engines[-1])

    yield factory
    for engine in engines:
        engine.dispose()


def _one_line_failure(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result.stdout
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("shopctl: ")
    return result.stderr


def test_stock_set_adjust_and_history_take_persian_and_finglish(sqlite_url: str) -> None:
    assert shopctl("stock", "set", "b21", "مشکی", "لارج", "۵", url=sqlite_url).returncode == 0
    adjusted = shopctl(
        "--actor", "maryam", "stock", "adjust", "B-21", "meshki", "L", "-2", "--reason", "دو تا پاره", url=sqlite_url
    )
    assert adjusted.returncode == 0, adjusted.stderr
    assert adjusted.stdout.strip() == "B-21 black L: 3 on hand, 3 available"
    shown = json.loads(shopctl("stock", "show", "B-21", "--json", url=sqlite_url).stdout)
    assert [v["on_hand"] for v in shown["variants"] if (v["color"], v["size"]) == ("black", "L")] == [3]
    history = shopctl("stock", "history", "B-21", url=sqlite_url).stdout.splitlines()
    black_l = [line for line in history if "black L" in line]
    assert ["import" in black_l[0], "set" in black_l[1], "adjust" in black_l[2]] == [True, True, True]
    assert "by maryam" in black_l[2] and "دو تا پاره" in black_l[2] and "-> 3 on hand" in black_l[2]
    moves = json.loads(shopctl("stock", "history", "B-21", "--json", "--limit", "1", url=sqlite_url).stdout)
    assert [(m["reason"], m["on_hand_delta"], m["actor"]) for m in moves] == [("adjust", -2, "maryam")]


def test_orders_from_list_to_delivery(sqlite_url: str, factory_for: Callable[[str], sessionmaker]) -> None:
    factory = factory_for(sqlite_url)
    hold = run(factory, reservations.reserve, "B-21", "black", "L", 1, ALI.instagram_id)
    place(factory, "k1", reservation_ids=[hold.id], source="post")
    place(factory, "k2", SARA, items=[item("SH-12", "gray", "free", 2)], shipping_fee=40_000)
    listed = shopctl("orders", "list", "--json", url=sqlite_url)
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert [o["number"] for o in data] == [1001, 1002]
    first = data[0]
    assert first["status"] == "awaiting_payment" and first["total"] == 1_250_000 and first["source"] == "post"
    assert (first["customer_id"], first["customer_name"], first["phone"], first["postal_code"]) == (
        "ig-ali",
        "علی رضایی",
        "09123456789",
        "1234567890",
    )
    assert first["address"].startswith("تهران")
    assert [(i["code"], i["color"], i["size"], i["quantity"], i["unit_price"]) for i in first["items"]] == [
        ("B-21", "black", "L", 1, 1_250_000)
    ]
    assert data[1]["total"] == 680_000

    for args in (["mark-paid", "1001"], ["ship", "۱۰۰۱", "--tracking", "RR1"], ["deliver", "#1001"]):
        result = shopctl("--actor", "maryam", "orders", *args, url=sqlite_url)
        assert result.returncode == 0, result.stderr
    assert shopctl("orders", "cancel", "1002", "--reason", "no answer", url=sqlite_url).stdout.strip() == (
        "order 1002 is now cancelled"
    )
    shown = json.loads(shopctl("orders", "show", "1001", "--json", url=sqlite_url).stdout)
    assert shown["status"] == "delivered" and shown["tracking_code"] == "RR1"
    assert [(h["from_status"], h["to_status"], h["actor"]) for h in shown["history"]] == [
        (None, "awaiting_payment", "bot"),
        ("awaiting_payment", "paid", "maryam"),
        ("paid", "shipped", "maryam"),
        ("shipped", "delivered", "maryam"),
    ]
    text = shopctl("orders", "show", "1001", url=sqlite_url).stdout
    assert "#1001" in text and "RR1" in text and "shipped -> delivered" in text
    delivered = json.loads(shopctl("orders", "list", "--status", "delivered", "--json", url=sqlite_url).stdout)
    assert [o["number"] for o in delivered] == [1001]
    shown = json.loads(shopctl("stock", "show", "SH-12", "--json", url=sqlite_url).stdout)
    assert [v["available"] for v in shown["variants"] if v["color"] == "gray"] == [6]  # the cancelled order's back


def test_reservations_sweep(sqlite_url: str, factory_for: Callable[[str], sessionmaker]) -> None:
    factory = factory_for(sqlite_url)
    run(factory, reservations.reserve, "B-21", "black", "L", 1, "ig-1", now=utcnow() - timedelta(hours=1))
    place(factory, "k", items=[item("SH-12", "gray", "free")], now=utcnow() - timedelta(days=2))
    swept = shopctl("reservations", "sweep", url=sqlite_url)
    assert swept.returncode == 0, swept.stderr
    assert swept.stdout.strip() == "1 lapsed reservations and 1 unpaid orders (1001) marked expired"
    assert json.loads(shopctl("orders", "show", "1001", "--json", url=sqlite_url).stdout)["status"] == "expired"


def test_bad_arguments_are_one_line_and_change_nothing(
    sqlite_url: str, factory_for: Callable[[str], sessionmaker]
) -> None:
    factory = factory_for(sqlite_url)
    run(factory, reservations.reserve, "B-21", "black", "L", 2, "ig-1")
    place(factory, "k", items=[item("SH-12", "gray", "free")])
    before = shopctl("stock", "show", "B-21", "--json", url=sqlite_url).stdout
    cases = {
        ("stock", "set", "B-21", "rainbow", "L", "1"): "unknown colour 'rainbow'",
        ("stock", "set", "B-21", "black", "huge", "1"): "unknown size 'huge'",
        ("stock", "set", "B-21", "black", "L", "lots"): "not a whole number",
        ("stock", "set", "B-21", "black", "L", "1"): "2 units are reserved or in open orders",
        ("stock", "set", "B-21", "red", "L", "1"): "has no variant red L",
        ("stock", "adjust", "B-21", "black", "L", "-1"): "--reason",
        ("stock", "adjust", "B-21", "black", "L", "-9", "--reason", "x"): "would leave",
        ("stock", "history", "Z-1"): "no product with code Z-1",
        ("orders", "show", "4040"): "no order 4040",
        ("orders", "ship", "1001"): "--tracking",
        ("orders", "ship", "1001", "--tracking", "T"): "order 1001 is awaiting_payment and cannot become shipped",
        ("orders", "deliver", "abc"): "no order abc",
        ("orders", "list", "--status", "lost"): "invalid choice",
    }
    for args, message in cases.items():
        assert message in _one_line_failure(shopctl(*args, url=sqlite_url)), args
    assert shopctl("stock", "show", "B-21", "--json", url=sqlite_url).stdout == before
    assert (
        json.loads(shopctl("orders", "show", "1001", "--json", url=sqlite_url).stdout)["status"] == "awaiting_payment"
    )


def test_an_unmigrated_database_is_one_line(tmp_path: Path) -> None:
    message = _one_line_failure(shopctl("orders", "list", url=f"sqlite:///{tmp_path / 'new.db'}"))
    assert "shopctl db upgrade" in message


@pytest.mark.postgres
def test_cli_on_postgres(postgres_url: str, factory_for: Callable[[str], sessionmaker]) -> None:
    factory = factory_for(postgres_url)
    place(factory, "k", items=[item("B-21", "black", "L", 2)])
    assert shopctl("db", "upgrade", url=postgres_url).returncode == 0
    shown = json.loads(shopctl("stock", "show", "b21", "--json", url=postgres_url).stdout)
    assert [
        (v["allocated"], v["available"]) for v in shown["variants"] if (v["color"], v["size"]) == ("black", "L")
    ] == [(2, 1)]
    assert shopctl("orders", "mark-paid", "1001", url=postgres_url).returncode == 0
    assert [o["status"] for o in json.loads(shopctl("orders", "list", "--json", url=postgres_url).stdout)] == ["paid"]


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[list[str], str, str]]:
    """name → (DATABASE_URL, argv, what the one line says), for files and databases shopctl cannot use."""
    header = "code,name_fa,name_en,category,color,size,price,stock,post\n"
    superscript = tmp_path / "superscript.csv"
    superscript.write_text(header + "B-1,شال,Shawl,shawl,black,free,²,2,\n", encoding="utf-8")
    huge = tmp_path / "huge.csv"
    huge.write_text(header + 'B-1,شال,"' + "x" * 140_000 + '",shawl,black,free,100,2,\n', encoding="utf-8")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database file " * 10)
    migrated = f"sqlite:///{tmp_path / 'shop.db'}"
    return {
        "superscript price": (migrated, ["catalog", "import", str(superscript)], "line 2: price '²'"),
        "cell over 128 KB": (migrated, ["catalog", "import", str(huge)], "line 2: not readable as CSV: field larger"),
        "missing file": (migrated, ["catalog", "import", str(tmp_path / "nope.csv")], "no such file"),
        "superscript count": (
            migrated,
            ["stock", "set", "B-21", "black", "L", "²"],
            "quantity '²' is not a whole number",
        ),
        "not a database": (
            f"sqlite:///{garbage}",
            ["orders", "list"],
            "database error, nothing changed: file is not a database",
        ),
        "a folder": (f"sqlite:///{tmp_path}", ["orders", "list"], "unable to open database file"),
        "no driver": ("mysql+nosuchdriver://shop@localhost/shop", ["orders", "list"], "database error"),
        "unknown migration": (migrated, ["db", "upgrade", "9999"], "Can't locate revision"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "superscript price",
        "cell over 128 KB",
        "missing file",
        "superscript count",
        "not a database",
        "a folder",
        "no driver",
        "unknown migration",
    ],
)
def test_every_failure_is_one_line_and_exit_1(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url, argv, says = _bad_inputs(tmp_path)[case]
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'shop.db'}")
    assert cli.main(["db", "upgrade"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(argv) == 1
    out, err = capsys.readouterr()
    assert len(err.splitlines()) == 1 and err.startswith("shopctl: ") and says in err, err
    assert "Traceback" not in out + err


def test_a_failure_in_a_real_process_is_one_line_without_traceback(tmp_path: Path) -> None:
    url, argv, says = _bad_inputs(tmp_path)["cell over 128 KB"]
    assert shopctl("db", "upgrade", url=url).returncode == 0
    result = shopctl(*argv, url=url)
    assert result.returncode == 1 and says in _one_line_failure(result) and "Traceback" not in result.stderr
