"""Each ablation variant is config.yml with exactly one choice taken out or swapped."""

from pathlib import Path

import pytest
import rasa.shared.utils.io

from benchmarks.nlu_ablation import CRF, DENSE, LINEAR, NORMALIZER, VARIANTS, write_variant
from benchmarks.nlu_eval import ROOT

BASE = rasa.shared.utils.io.read_yaml_file(str(ROOT / "config.yml"))
NAMES = [step["name"] for step in BASE["pipeline"]]


def names(variant: str, tmp_path: Path) -> list[str]:
    pipeline = write_variant(BASE, VARIANTS[variant], tmp_path / "config.yml")
    written = rasa.shared.utils.io.read_yaml_file(str(tmp_path / "config.yml"))
    assert written["pipeline"] == pipeline and written["policies"] == BASE["policies"]
    return [step["name"] for step in pipeline]


def test_the_project_pipeline_has_every_choice_the_ablation_removes() -> None:
    assert (
        DENSE in NAMES and NORMALIZER in NAMES and "WhitespaceTokenizer" in NAMES and LINEAR in NAMES and CRF in NAMES
    )
    assert any(s.get("analyzer") == "char_wb" for s in BASE["pipeline"])


def test_each_variant_changes_one_thing(tmp_path: Path) -> None:
    assert names("config.yml", tmp_path) == NAMES
    assert names("no dense sentence features", tmp_path) == [n for n in NAMES if n != DENSE]
    assert names("no Persian normaliser", tmp_path) == [n for n in NAMES if n != NORMALIZER]
    assert (
        names("no char n-grams", tmp_path).count("CountVectorsFeaturizer") == NAMES.count("CountVectorsFeaturizer") - 1
    )
    spacy = names("spaCy fa tokeniser", tmp_path)
    assert "WhitespaceTokenizer" not in spacy and spacy.index("SpacyTokenizer") == spacy.index("SpacyNLP") + 1
    assert (tmp_path / "spacy_fa_blank" / "config.cfg").is_file()  # spaCy's Persian rules, saved locally


def test_rasa_usual_ngrams_variant_only_narrows_the_count_vectors(tmp_path: Path) -> None:
    pipeline = write_variant(BASE, VARIANTS["words, char 1-4 n-grams"], tmp_path / "config.yml")
    vectors = [
        (s["min_ngram"], s["max_ngram"], s.get("analyzer")) for s in pipeline if s["name"] == "CountVectorsFeaturizer"
    ]
    assert vectors == [(1, 1, None), (1, 4, "char_wb")]
    assert [s["name"] for s in pipeline] == NAMES


@pytest.mark.parametrize(
    "variant, intent_diet, entity_diet",
    [("DIET for intents", True, False), ("DIET for entities", False, True), ("DIET for both", True, True)],
)
def test_diet_variants_replace_exactly_the_component_they_name(
    tmp_path: Path, variant: str, intent_diet: bool, entity_diet: bool
) -> None:
    pipeline = write_variant(BASE, VARIANTS[variant], tmp_path / "config.yml")
    names = [step["name"] for step in pipeline]
    diet = next(step for step in pipeline if step["name"] == "DIETClassifier")
    assert names.count("DIETClassifier") == 1 and "LexicalSyntacticFeaturizer" in names
    assert (LINEAR in names) is not intent_diet and (CRF in names) is not entity_diet
    assert diet.get("intent_classification", True) is intent_diet
    assert diet.get("entity_recognition", True) is entity_diet
