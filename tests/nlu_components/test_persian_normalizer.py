from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.persian_normalizer import PersianNormalizer, normalize_with_entities


def test_entity_offsets_follow_the_normalised_text() -> None:
    text = "سلامممم  مانتو كد ب ـــ B-۲۱ مشكي"
    entities = [
        {"entity": "product_code", "start": text.index("B-"), "end": text.index("B-") + 4, "value": "B-21"},
        {"entity": "color", "start": text.index("مشكي"), "end": len(text), "value": "black"},
    ]
    new_text, moved = normalize_with_entities(text, entities)
    assert new_text == "سلام مانتو کد ب B-21 مشکی"
    assert [new_text[e["start"] : e["end"]] for e in moved] == ["B-21", "مشکی"]
    assert [e["value"] for e in moved] == ["B-21", "black"]


def test_value_equal_to_text_is_normalised_too() -> None:
    text = "  رنگ مشكي"
    new_text, moved = normalize_with_entities(text, [{"entity": "color", "start": 6, "end": 10, "value": "مشكي"}])
    assert new_text == "رنگ مشکی"
    assert moved[0]["value"] == "مشکی" and new_text[moved[0]["start"] : moved[0]["end"]] == "مشکی"


def test_component_normalises_messages_and_training_data() -> None:
    component = PersianNormalizer()
    message = Message(data={"text": "قيمت كد ۱۲ چنده؟"})
    component.process([message])
    assert message.get("text") == "قیمت کد 12 چنده؟"
    example = Message(
        data={
            "text": "مشكي دارين؟",
            "intent": "ask_availability",
            "entities": [{"entity": "color", "start": 0, "end": 4, "value": "black"}],
        }
    )
    data = component.process_training_data(TrainingData([example]))
    assert data.training_examples[0].get("text") == "مشکی دارین؟"
    assert data.training_examples[0].get("entities")[0]["end"] == 4
