from datetime import datetime, timezone

import pytest

from inventory_db import payments
from inventory_db.orders import OrderInfo
from inventory_db.policy import PolicyError, load_policy, parse_policy
from tests.inventory_db.helpers import ROOT, shop_policy


def order(total: int = 1310000) -> OrderInfo:
    now = datetime.now(timezone.utc)
    return OrderInfo(
        1024,
        "awaiting_payment",
        "c1",
        "مریم",
        "+989121234567",
        "تهران",
        None,
        "post",
        None,
        total - 60000,
        60000,
        total,
        None,
        now,
        now,
    )


def test_the_shipped_policy_file_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_POLICY_FILE", str(ROOT / "shop_policy.yml"))
    policy = load_policy()
    assert [m.key for m in policy.shipping_methods] == ["post", "courier"]
    assert policy.shipping_method("پیک").key == "courier"
    assert policy.shipping_method("Post").key == "post"
    assert policy.shipping_method("شتر") is None
    assert policy.shipping_fee(policy.shipping_methods[0], 1000000) == 60000
    assert policy.shipping_fee(policy.shipping_methods[0], 3000000) == 0
    assert policy.returns_text["fa"] and policy.returns_text["en"]


def test_mistakes_in_the_file_are_named() -> None:
    data = shop_policy()
    del data["returns"]["text_en"]
    with pytest.raises(PolicyError, match="returns"):
        parse_policy(data)
    data = shop_policy()
    data["payment"]["method"] = "cash"
    with pytest.raises(PolicyError, match="payment.method"):
        parse_policy(data)


def test_card_to_card_gives_the_card() -> None:
    request = payments.payment_request(parse_policy(shop_policy()), order())
    assert request.method == payments.CARD_TO_CARD
    assert request.card_number == "6037-9900-0000-0000"
    assert request.card_holder == {"fa": "فروشگاه نمونه", "en": "Sample Shop"}


def test_a_payment_link_provider_plugs_in_without_dialogue_changes() -> None:
    data = shop_policy()
    data["payment"].update({"method": "payment_link", "provider": "fake", "base_url": "https://pay.test"})
    request = payments.payment_request(parse_policy(data), order(total=1310000))
    assert request.method == payments.PAYMENT_LINK
    assert request.url == "https://pay.test/pay/1024?amount=1310000"
    data["payment"]["provider"] = "nope"
    with pytest.raises(PolicyError, match="provider"):
        payments.payment_request(parse_policy(data), order())
