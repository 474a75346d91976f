from collections import Counter

import pytest
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from benchmarks.massive_data import MassiveExample, parse_line, stratified_subset, to_rasa_yaml
from benchmarks.nlu_eval import gold_entities


def spans(example: MassiveExample) -> list[tuple[str, str]]:
    return [(e["entity"], example.text[e["start"] : e["end"]]) for e in example.entities]


def test_bio_tags_become_spans_on_the_joined_text() -> None:
    example = parse_line("wake:O me:O up:O at:O five:B-time am:I-time this:B-date week:I-date <=> alarm_set")
    assert example.text == "wake me up at five am this week"
    assert example.intent == "alarm_set"
    assert example.entities == (
        {"entity": "time", "start": 14, "end": 21, "value": "five am"},
        {"entity": "date", "start": 22, "end": 31, "value": "this week"},
    )


def test_persian_line_with_half_spaces() -> None:
    example = parse_line("علی:O چراغ‌های:O اتاق:B-house_place خواب:O را:O خاموش:O کن:O <=> iot_hue_lightoff")
    assert example.text == "علی چراغ‌های اتاق خواب را خاموش کن"
    assert spans(example) == [("house_place", "اتاق")]
    assert example.entities[0]["start"] == len("علی چراغ‌های ")


def test_tokens_may_contain_colons() -> None:
    example = parse_line("set:O an:O alarm:O for:O 10:30:B-time am:I-time <=> alarm_set")
    assert example.text == "set an alarm for 10:30 am"
    assert spans(example) == [("time", "10:30 am")]


def test_lenient_bio_an_inside_tag_without_its_begin_opens_a_slot() -> None:
    example = parse_line(
        "play:O jazz:I-music_genre by:O miles:B-artist_name davis:I-artist_name now:I-date <=> play_music"
    )
    assert spans(example) == [("music_genre", "jazz"), ("artist_name", "miles davis"), ("date", "now")]


def test_two_begins_in_a_row_are_two_slots() -> None:
    example = parse_line("monday:B-date tuesday:B-date <=> calendar_query")
    assert spans(example) == [("date", "monday"), ("date", "tuesday")]


@pytest.mark.parametrize("line", ["no intent here:O", "word <=> intent", "a:X-b <=> intent", "a:O <=> "])
def test_malformed_lines_are_refused(line: str) -> None:
    with pytest.raises(ValueError):
        parse_line(line)


def test_markup_that_would_not_survive_yaml_is_refused() -> None:
    with pytest.raises(ValueError, match="did not survive"):
        to_rasa_yaml([MassiveExample("see [x](y) now", "q", ({"entity": "t", "start": 0, "end": 3, "value": "see"},))])


def test_gold_slots_move_with_the_normaliser() -> None:
    example = parse_line("سلاممممم:O فردا:B-date ساعت:O ۵:B-time بيدارم:O كن:O <=> alarm_set")
    text, keys = gold_entities(example.text, example.entities, with_value=False)
    assert text == "سلام فردا ساعت 5 بیدارم کن"
    assert sorted((name, text[start:end]) for name, start, end in keys) == [("date", "فردا"), ("time", "5")]


def test_stratified_subset_keeps_intent_shares_and_is_deterministic() -> None:
    examples = [
        MassiveExample(f"{intent} {i}", intent, ()) for intent, n in (("a", 60), ("b", 30), ("c", 10)) for i in range(n)
    ]
    subset = stratified_subset(examples, 20)
    assert len(subset) == 20
    assert Counter(e.intent for e in subset) == {"a": 12, "b": 6, "c": 2}
    assert subset == stratified_subset(list(examples), 20)
    assert stratified_subset(examples, None) == examples


def test_rasa_yaml_keeps_offsets() -> None:
    example = parse_line("wake:O me:O at:O five:B-time am:I-time <=> alarm_set")
    data = RasaYAMLReader().reads(to_rasa_yaml([example, parse_line("ساکت:O <=> audio_volume_mute")]))
    message = data.training_examples[0]
    assert message.get("text") == example.text and message.get("intent") == "alarm_set"
    assert [(e["entity"], e["start"], e["end"], e["value"]) for e in message.get("entities")] == [
        ("time", 11, 18, "five am")
    ]
