"""Per-customer limits: no one customer can take a product off sale by holding it or by
ordering without paying. Read from the shop policy, enforced where holds and orders are made."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import sessionmaker

from inventory_db import checkout, orders, reservations
from inventory_db.errors import CustomerLimitReached
from inventory_db.models import utcnow
from inventory_db.policy import CustomerLimits, PolicyError, load_policy, parse_policy
from tests.inventory_db.helpers import ALI, MINUTE, ROOT, place, run, shop_policy

LIMITS = CustomerLimits(max_open_holds=2, max_units_held=5, max_unpaid_orders=2)
POLICY = parse_policy({**shop_policy(), "limits": {"max_open_holds": 2, "max_units_held": 5, "max_unpaid_orders": 2}})
PAST_PAYMENT_WINDOW = 25 * 60 * MINUTE  # the default window is 24 hours


def _limit(error: pytest.ExceptionInfo[CustomerLimitReached]) -> tuple[str, int, int]:
    return error.value.limit, error.value.current, error.value.allowed


def test_the_shipped_policy_sets_the_limits_and_a_missing_section_keeps_the_defaults() -> None:
    assert parse_policy(shop_policy()).limits == CustomerLimits(3, 20, 2)
    data = shop_policy()
    del data["limits"]
    assert parse_policy(data).limits == CustomerLimits()
    assert parse_policy({**data, "limits": {"max_unpaid_orders": 1}}).limits == CustomerLimits(max_unpaid_orders=1)


@pytest.mark.parametrize("limits", [{"max_open_holds": 0}, {"max_units_held": "many"}, {"max_holds": 2}, [3]])
def test_bad_limits_stop_the_policy(limits: object) -> None:
    with pytest.raises(PolicyError, match="limits"):
        parse_policy({**shop_policy(), "limits": limits})


def test_holds_and_units_held_are_limited_and_lapsed_holds_do_not_count(store: sessionmaker) -> None:
    later = utcnow() + 31 * MINUTE
    run(store, reservations.reserve, "SH-12", "cream", "free", 3, ALI.instagram_id, limits=LIMITS)
    with pytest.raises(CustomerLimitReached) as units:
        run(store, reservations.reserve, "SH-12", "gray", "free", 3, ALI.instagram_id, limits=LIMITS)
    assert _limit(units) == ("units", 3, 5)
    run(store, reservations.reserve, "SH-12", "gray", "free", 2, ALI.instagram_id, limits=LIMITS)
    with pytest.raises(CustomerLimitReached) as holds:
        run(store, reservations.reserve, "SH-12", "black", "free", 1, ALI.instagram_id, limits=LIMITS)
    assert _limit(holds) == ("holds", 2, 2)
    # Another customer is not affected; the first one's lapsed holds stop counting.
    run(store, reservations.reserve, "SH-12", "black", "free", 5, "ig-other", limits=LIMITS)
    run(store, reservations.reserve, "SH-12", "black", "free", 1, ALI.instagram_id, limits=LIMITS, now=later)


def test_without_limits_the_store_holds_on_the_shops_behalf(store: sessionmaker) -> None:
    for _ in range(4):
        run(store, reservations.reserve, "SH-12", "cream", "free", 2, ALI.instagram_id)


def test_a_checkout_changing_its_mind_is_not_counted_twice(demo_store: sessionmaker) -> None:
    first = run(demo_store, checkout.hold, ALI.instagram_id, "SH-12", "cream", "free", 5, limits=LIMITS).hold
    moved = run(
        demo_store, checkout.hold, ALI.instagram_id, "SH-12", "gray", "free", 5, replaces=first.id, limits=LIMITS
    )
    assert moved.hold is not None and moved.hold.id != first.id


def test_unpaid_orders_are_limited_at_the_first_hold_and_at_placing(demo_store: sessionmaker) -> None:
    for _ in range(2):
        hold = run(demo_store, checkout.hold, ALI.instagram_id, "SH-12", "cream", "free", 1, limits=LIMITS).hold
        placed = run(demo_store, checkout.place, ALI.instagram_id, hold.id, ALI, "post", POLICY)
    with pytest.raises(CustomerLimitReached) as at_hold:
        run(demo_store, checkout.hold, ALI.instagram_id, "SH-12", "cream", "free", 1, limits=LIMITS)
    assert _limit(at_hold) == ("unpaid_orders", 2, 2)
    # A confirmation that arrives again is the same order, not a third one.
    assert run(demo_store, checkout.place, ALI.instagram_id, hold.id, ALI, "post", POLICY) == placed

    hold = run(demo_store, reservations.reserve, "SH-12", "gray", "free", 1, ALI.instagram_id)  # held before the orders
    with pytest.raises(CustomerLimitReached) as at_place:
        run(demo_store, checkout.place, ALI.instagram_id, hold.id, ALI, "post", POLICY)
    assert _limit(at_place) == ("unpaid_orders", 2, 2)

    # Paying one frees a place; an order past its deadline does not count either.
    run(demo_store, orders.mark_paid, placed.number, actor="owner")
    run(demo_store, checkout.place, ALI.instagram_id, hold.id, ALI, "post", POLICY)
    with pytest.raises(CustomerLimitReached):
        run(demo_store, checkout.hold, ALI.instagram_id, "SH-12", "cream", "free", 1, limits=LIMITS)
    late = utcnow() + PAST_PAYMENT_WINDOW
    run(demo_store, checkout.hold, ALI.instagram_id, "SH-12", "cream", "free", 1, limits=LIMITS, now=late)


def test_orders_outside_a_checkout_are_not_limited(demo_store: sessionmaker) -> None:
    """The owner's and the store's own placements (no limits given) are never refused."""
    for n in range(3):
        place(demo_store, f"k{n}", items=[orders.ItemRequest("SH-12", "cream", "free", 1)])


def test_a_checkout_holds_within_the_policy_files_limits(
    demo_store: sessionmaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = yaml.safe_load((ROOT / "shop_policy.yml").read_text(encoding="utf-8"))
    data["limits"] = {"max_open_holds": 1}
    policy_file = tmp_path / "policy.yml"
    policy_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SHOP_POLICY_FILE", str(policy_file))
    assert load_policy().limits.max_open_holds == 1
    run(demo_store, checkout.hold, ALI.instagram_id, "SH-12", "cream", "free", 1)
    with pytest.raises(CustomerLimitReached, match="1 holds; 1 allowed"):
        run(demo_store, checkout.hold, ALI.instagram_id, "SH-12", "gray", "free", 1)
