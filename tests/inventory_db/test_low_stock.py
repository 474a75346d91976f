"""Low stock: variants on sale whose available units are at or below their own threshold or
the shop's, counted as StockLevel counts them, in a fixed number of queries; on SQLite and
PostgreSQL. And the policy file's ``low_stock_threshold``."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from inventory_db import low_stock, reservations, stock
from inventory_db.database import transaction
from inventory_db.errors import InvalidQuantity, UnknownProduct, UnknownVariant
from inventory_db.models import Product, Variant
from inventory_db.policy import DEFAULT_LOW_STOCK_THRESHOLD, PolicyError, parse_policy
from tests.inventory_db.helpers import counted_statements, item, place, run, shop_policy

Key = tuple[str, str, str]


def keys(rows: list[low_stock.VariantLevel]) -> list[Key]:
    return [(row.code, row.color, row.size) for row in rows]


def expected_low(factory: sessionmaker, threshold: int, own: dict[Key, int] | None = None) -> set[Key]:
    """Worked out the owner's way, product by product through ``stock.product_stock``."""
    own = own or {}
    with transaction(factory) as session:
        codes = session.execute(select(Product.code).where(Product.active.is_(True))).scalars().all()
        levels = [level for code in codes for level in stock.product_stock(session, code).variants if level.active]
    return {(v.code, v.color, v.size) for v in levels if v.available <= own.get((v.code, v.color, v.size), threshold)}


def test_the_demo_shop_low_at_two_is_every_variant_with_two_or_fewer(store: sessionmaker) -> None:
    rows = run(store, low_stock.low_stock, default=2)
    assert set(keys(rows)) == expected_low(store, 2)
    assert len(rows) == 17  # the demo catalog's variants with 0, 1 or 2 in stock
    assert [row.available for row in rows] == sorted(row.available for row in rows)  # fewest first
    assert rows[0].available == 0 and rows[-1].available == 2
    assert all(row.threshold == 2 and row.shop_default for row in rows)
    first_b21 = next(row for row in rows if row.code == "B-21")
    assert (first_b21.name_fa, first_b21.name_en) == ("مانتو کتان", "Linen manteau")


def test_holds_and_open_orders_make_a_variant_low(store: sessionmaker) -> None:
    assert ("B-21", "black", "L") not in keys(run(store, low_stock.low_stock, default=2))  # 3 on hand
    run(store, reservations.reserve, "B-21", "black", "L", 1, "ig-1")
    place(store, "k1", items=[item("B-21", "black", "L", 1)])
    rows = run(store, low_stock.low_stock, default=2)
    black_l = next(row for row in rows if keys([row]) == [("B-21", "black", "L")])
    assert (black_l.on_hand, black_l.reserved, black_l.allocated, black_l.available) == (3, 1, 1, 1)
    assert set(keys(rows)) == expected_low(store, 2)
    # Below it in the list: the variants with 2 available; above it: those with none.
    assert keys(rows).index(("B-21", "black", "L")) == [row.available for row in rows].index(1)


def test_a_variants_own_threshold_and_back_to_the_default(store: sessionmaker) -> None:
    own = run(store, low_stock.set_low_stock_threshold, "b21", "مشکی", "لارج", 3, default=2)
    assert own == low_stock.VariantThreshold("B-21", "black", "L", 3, shop_default=False)
    zero = run(store, low_stock.set_low_stock_threshold, "B-21", "black", "XL", 0, default=2)
    assert (zero.threshold, zero.shop_default) == (0, False)
    rows = run(store, low_stock.low_stock, default=2)
    assert set(keys(rows)) == expected_low(store, 2, {("B-21", "black", "L"): 3, ("B-21", "black", "XL"): 0})
    black_l = next(row for row in rows if keys([row]) == [("B-21", "black", "L")])
    assert (black_l.available, black_l.threshold, black_l.shop_default) == (3, 3, False)
    assert ("B-21", "black", "XL") not in keys(rows)  # 1 available, but its own threshold is 0

    back = run(store, low_stock.set_low_stock_threshold, "B-21", "black", "L", None, default=2)
    assert back == low_stock.VariantThreshold("B-21", "black", "L", 2, shop_default=True)
    assert ("B-21", "black", "L") not in keys(run(store, low_stock.low_stock, default=2))


def test_a_shop_default_of_zero_lists_only_what_is_sold_out(store: sessionmaker) -> None:
    rows = run(store, low_stock.low_stock, default=0)
    assert rows and {row.available for row in rows} == {0}
    assert set(keys(rows)) == expected_low(store, 0)


def test_what_is_off_sale_is_never_low(store: sessionmaker) -> None:
    with transaction(store) as session:
        stock.find_variant(session, "SH-12", "pink", "free").active = False
        session.execute(select(Product).where(Product.code == "R-7")).scalar_one().active = False
    found = keys(run(store, low_stock.low_stock, default=2))
    assert ("SH-12", "pink", "free") not in found
    assert not [key for key in found if key[0] == "R-7"]
    assert ("B-21", "cream", "L") in found


@pytest.mark.parametrize("threshold", [-1, 1.5, True, "3"])
def test_a_threshold_must_be_a_whole_number_from_zero(store: sessionmaker, threshold: object) -> None:
    with pytest.raises(InvalidQuantity):
        run(store, low_stock.set_low_stock_threshold, "B-21", "black", "L", threshold)


def test_an_unknown_variant_has_no_threshold(store: sessionmaker) -> None:
    with pytest.raises(UnknownVariant):
        run(store, low_stock.set_low_stock_threshold, "B-21", "black", "S", 1)
    with pytest.raises(UnknownProduct):
        run(store, low_stock.set_low_stock_threshold, "Z-9", "black", "L", 1)


def test_two_queries_however_many_variants(store: sessionmaker) -> None:
    """The dashboard lists low stock on every visit: 500 variants must not mean 500 queries."""
    with transaction(store) as session:
        with counted_statements(session) as statements:
            before = low_stock.low_stock(session, default=2)
        assert len(statements) == 2, statements
    with transaction(store) as session:
        b21 = session.execute(select(Product.id).where(Product.code == "B-21")).scalar_one()
        session.add_all(Variant(product_id=b21, color=f"c{n}", size="M", price=1, on_hand=n % 4) for n in range(60))
    run(store, reservations.reserve, "B-21", "c3", "M", 2, "ig-1")  # 3 on hand, 1 available: low
    with transaction(store) as session:
        with counted_statements(session) as statements:
            after = low_stock.low_stock(session, default=2)
        assert len(statements) == 2, statements
    added = {key for key in keys(after) if key[1][1:].isdigit()}
    assert len(after) == len(before) + len(added) and len(added) == 46  # 0, 1 or 2 on hand: 45; and c3
    assert ("B-21", "c3", "M") in added and ("B-21", "c7", "M") not in added


# -- the policy file ------------------------------------------------------------------


def test_the_shipped_policy_sets_the_default_and_a_missing_key_keeps_it() -> None:
    assert parse_policy(shop_policy()).low_stock_threshold == 2
    data = shop_policy()
    del data["low_stock_threshold"]
    assert parse_policy(data).low_stock_threshold == DEFAULT_LOW_STOCK_THRESHOLD == 2
    assert parse_policy({**data, "low_stock_threshold": 0}).low_stock_threshold == 0


@pytest.mark.parametrize("value", [-1, "two", 1.5, True])
def test_a_bad_low_stock_threshold_stops_the_policy(value: object) -> None:
    with pytest.raises(PolicyError, match="low_stock_threshold"):
        parse_policy({**shop_policy(), "low_stock_threshold": value})


def test_without_a_default_the_policy_files_is_used(
    store: sessionmaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text(yaml.safe_dump({**shop_policy(), "low_stock_threshold": 0}, allow_unicode=True), "utf-8")
    monkeypatch.setenv("SHOP_POLICY_FILE", str(policy))
    rows = run(store, low_stock.low_stock)
    assert rows and all(row.threshold == 0 and row.available == 0 for row in rows)
    assert run(store, low_stock.set_low_stock_threshold, "B-21", "black", "L", None).threshold == 0
