import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu_components.canonical_entities import CanonicalEntities, canonicalize


@pytest.mark.parametrize(
    "entity, raw, value",
    [
        ("color", "meshki", "black"),
        ("color", "سرمه ای", "navy"),
        ("size", "لارج", "L"),
        ("size", "large", "L"),
        ("size", "38", "38"),
        ("product_code", "ma 110", "MA-110"),
        ("product_code", "MA-۱۱۰", "MA-110"),
        ("quantity", "دوتا", "2"),
        ("quantity", "two", "2"),
        ("product", "مانتو", "مانتو"),
        ("order_number", "#1152", "1152"),
        ("order_number", "سفارش ۱۰۲۴", "1024"),
    ],
)
def test_values_become_canonical(entity: str, raw: str, value: str) -> None:
    assert canonicalize([{"entity": entity, "value": raw}]) == [{"entity": entity, "value": value}]


def test_unrecognisable_values_are_dropped_not_guessed() -> None:
    assert (
        canonicalize(
            [
                {"entity": "color", "value": "سلام"},
                {"entity": "size", "value": "99"},
                {"entity": "order_number", "value": "#"},
            ]
        )
        == []
    )


def test_component_rewrites_message_entities() -> None:
    message = Message(
        data={"text": "meshki larj", "entities": [{"entity": "color", "value": "meshki", "start": 0, "end": 6}]}
    )
    CanonicalEntities().process([message])
    assert message.get("entities")[0]["value"] == "black"
