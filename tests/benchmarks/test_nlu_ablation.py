"""Each ablation variant is config.yml with exactly one choice taken out or swapped."""

from pathlib import Path

import rasa.shared.utils.io

from benchmarks.nlu_ablation import DENSE, LINEAR, NORMALIZER, VARIANTS, write_variant
from benchmarks.nlu_eval import ROOT

BASE = rasa.shared.utils.io.read_yaml_file(str(ROOT / "config.yml"))
NAMES = [step["name"] for step in BASE["pipeline"]]


def names(variant: str, tmp_path: Path) -> list[str]:
    pipeline = write_variant(BASE, VARIANTS[variant], tmp_path / "config.yml")
    written = rasa.shared.utils.io.read_yaml_file(str(tmp_path / "config.yml"))
    assert written["pipeline"] == pipeline and written["policies"] == BASE["policies"]
    return [step["name"] for step in pipeline]


def test_the_project_pipeline_has_every_choice_the_ablation_removes() -> None:
    assert DENSE in NAMES and NORMALIZER in NAMES and "WhitespaceTokenizer" in NAMES
    assert any(s.get("analyzer") == "char_wb" for s in BASE["pipeline"])


def test_each_variant_changes_one_thing(tmp_path: Path) -> None:
    assert names("config.yml", tmp_path) == NAMES
    assert names("no dense sentence features", tmp_path) == [n for n in NAMES if n != DENSE]
    assert names("no Persian normaliser", tmp_path) == [n for n in NAMES if n != NORMALIZER]
    assert names("no char n-grams", tmp_path).count("CountVectorsFeaturizer") == NAMES.count("CountVectorsFeaturizer") - 1
    spacy = names("spaCy fa tokeniser", tmp_path)
    assert "WhitespaceTokenizer" not in spacy and spacy.index("SpacyTokenizer") == spacy.index("SpacyNLP") + 1
    assert (tmp_path / "spacy_fa_blank" / "config.cfg").is_file()  # spaCy's Persian rules, saved locally


def test_the_linear_variant_leaves_entities_to_diet_and_intents_to_the_linear_model(tmp_path: Path) -> None:
    pipeline = write_variant(BASE, VARIANTS["linear intent classifier"], tmp_path / "config.yml")
    steps = {step["name"]: step for step in pipeline}
    assert steps["DIETClassifier"]["intent_classification"] is False
    assert [s["name"] for s in pipeline].index(LINEAR) == [s["name"] for s in pipeline].index("DIETClassifier") + 1
    assert steps["FallbackClassifier"]["threshold"] < next(s for s in BASE["pipeline"] if s["name"] == "FallbackClassifier")["threshold"]
