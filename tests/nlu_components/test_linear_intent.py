from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfTransformer

from nlu_components.dense_features import DenseSentenceFeaturizer
from nlu_components.linear_intent import LinearIntentClassifier, TfidfWeights

EXAMPLES = {
    "ask_price": [
        "قیمتش چنده",
        "قیمت این مانتو چقدره",
        "gheymatesh chande",
        "how much is it",
        "price please",
        "chand toman",
    ],
    "ask_shipping": [
        "ارسال به شیراز دارین",
        "هزینه پست چقدره",
        "ersal be tabriz darid",
        "do you ship to mashhad",
        "how long is delivery",
        "post chand roze mirese",
    ],
    "greet": ["سلام", "سلام وقت بخیر", "salam", "hello", "hi there", "slm khubin"],
}


def _context(name: str) -> ExecutionContext:
    return ExecutionContext(graph_schema=None, node_name=name)


def _featurize(tmp_path: Path, messages: list[Message], train: bool, parts: dict) -> None:
    """Tokenise and featurise like config.yml does (words, char n-grams, sentence vector)."""
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    if train:
        parts["words"] = CountVectorsFeaturizer.create(
            CountVectorsFeaturizer.get_default_config(), LocalModelStorage(tmp_path), Resource("w"), _context("w")
        )
        parts["chars"] = CountVectorsFeaturizer.create(
            {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
            LocalModelStorage(tmp_path),
            Resource("c"),
            _context("c"),
        )
        parts["dense"] = DenseSentenceFeaturizer.create(
            DenseSentenceFeaturizer.get_default_config(), LocalModelStorage(tmp_path), Resource("d"), _context("d")
        )
        data = TrainingData(messages)
        for name in ("words", "chars"):
            parts[name].train(data)
            parts[name].process_training_data(data)
        parts["dense"].process_training_data(data)
    else:
        for name in ("words", "chars", "dense"):
            parts[name].process(messages)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[LinearIntentClassifier, dict, Path]:
    tmp_path = tmp_path_factory.mktemp("linear")
    messages = [Message(data={TEXT: text, INTENT: intent}) for intent, texts in EXAMPLES.items() for text in texts]
    parts: dict = {}
    _featurize(tmp_path, messages, train=True, parts=parts)
    storage, resource = LocalModelStorage(tmp_path), Resource("linear")
    classifier = LinearIntentClassifier.create(
        LinearIntentClassifier.get_default_config(), storage, resource, _context("l")
    )
    classifier.train(TrainingData(messages))
    return classifier, parts, tmp_path


def _parse(classifier: LinearIntentClassifier, parts: dict, tmp_path: Path, text: str) -> Message:
    message = Message(data={TEXT: text})
    _featurize(tmp_path, [message], train=False, parts=parts)
    classifier.process([message])
    return message


@pytest.mark.parametrize(
    "text, intent",
    [
        ("قیمت این شال چنده؟", "ask_price"),
        ("ersal be esfahan darin?", "ask_shipping"),
        ("hello, good morning", "greet"),
    ],
)
def test_unseen_persian_finglish_and_english_messages_get_their_intent(trained, text: str, intent: str) -> None:
    classifier, parts, tmp_path = trained
    message = _parse(classifier, parts, tmp_path, text)
    assert message.get(INTENT)["name"] == intent
    ranking = message.get("intent_ranking")
    assert [r["name"] for r in ranking][0] == intent and len(ranking) == 3
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    assert ranking[0]["confidence"] >= ranking[1]["confidence"] >= ranking[2]["confidence"]


def test_the_persisted_model_loads_without_pickle_and_predicts_the_same(trained) -> None:
    classifier, parts, tmp_path = trained
    loaded = LinearIntentClassifier.load(
        LinearIntentClassifier.get_default_config(), LocalModelStorage(tmp_path), Resource("linear"), _context("l")
    )
    texts = ["هزینه ارسال چنده", "salam"]
    messages = [Message(data={TEXT: t}) for t in texts]
    _featurize(tmp_path, messages, train=False, parts=parts)
    assert np.allclose(loaded.predict(messages), classifier.predict(messages))


def test_a_message_without_features_gets_no_intent(trained) -> None:
    classifier, _, _ = trained
    message = Message(data={TEXT: ""})
    classifier.process([message])
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}
    assert message.get("intent_ranking") == []


def test_tfidf_weights_match_scikit_learn() -> None:
    counts = np.array([[3, 0, 1], [0, 2, 0], [1, 1, 0]], dtype=float)
    sparse = scipy.sparse.csr_matrix(counts)
    ours = TfidfWeights.fit(sparse).transform(sparse).toarray()
    theirs = TfidfTransformer(sublinear_tf=True).fit_transform(counts).toarray()
    assert np.allclose(ours, theirs)


@pytest.mark.parametrize("config", [{"C": 0}, {"C": -1.0}, {"dense_weight": "high"}])
def test_bad_settings_are_refused(tmp_path: Path, config: dict) -> None:
    with pytest.raises(InvalidConfigException):
        LinearIntentClassifier.create(
            {**LinearIntentClassifier.get_default_config(), **config},
            LocalModelStorage(tmp_path),
            Resource("x"),
            _context("x"),
        )
