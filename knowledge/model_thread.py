"""The one thread that runs the embedding models, and the index's embedder, which uses it.

torch (with OpenMP) keeps a team of worker threads for every thread that calls it; calls from
ever new threads (LangChain's runnables, a web server's pool) leave teams that compete for the
cores, and a query embedding then takes several times longer. So every call of a model runs on
one long-lived thread (``on_model_thread``), batch by batch, so that questions still get a turn
during a long ingest. The last 512 question vectors are kept (``forget_query_vectors`` empties
them): retrieval and the answerer embed the same question.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

from knowledge.embedding import Embedder, PassageText

MODEL_BATCH = 8  # texts per call of the model (see OneThreadEmbedder)
PASSAGE_GROUP = 64  # passages per call of the model thread when the model encodes their sentences apart
_T = TypeVar("_T")


class OneThreadEmbedder(Embedder):
    """An index's embedder as the rest of Pressroom sees it: the same model, run on one thread, queries cached."""

    def __init__(self, inner: Embedder) -> None:
        while isinstance(inner, OneThreadEmbedder):
            inner = inner.inner
        self.inner = inner
        for name in dir(Embedder):  # name, batch_size, prefixes...: the settings every embedder has
            if not name.startswith("_") and not callable(getattr(Embedder, name)):
                setattr(self, name, getattr(inner, name))
        # Small batches: on a laptop CPU they embed faster than large ones (texts of one length
        # sorted together; 46 texts/s at 8 against 33 at 64 on this project's 2 cores), and a
        # question waits for at most one of them while a long ingest runs.
        self.batch_size = min(self.batch_size, MODEL_BATCH)

    def __getattr__(self, name: str) -> object:  # dimension, similarity_floor, the model...
        return getattr(self.inner, name)

    def warm_up(self) -> None:
        on_model_thread(self.inner.warm_up)

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        """Vectors of ``texts``, embedded ``batch_size`` at a time, shortest with shortest (less padding)."""
        order = sorted(range(len(texts)), key=lambda number: len(texts[number]))
        vectors: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), self.batch_size):
            part = order[start : start + self.batch_size]
            for number, vector in zip(part, on_model_thread(self.inner.embed_batch, [texts[n] for n in part])):
                vectors[number] = vector
        return vectors

    def embed_passages(
        self, passages: Sequence[PassageText], progress: Callable[[int], None] | None = None
    ) -> tuple[list[list[float]], dict[str, list[float]]]:
        """The inner model's passage vectors, a few passages per call of the model thread."""
        if type(self.inner).embed_passages is Embedder.embed_passages:  # texts whole: longest with longest
            order = sorted(range(len(passages)), key=lambda number: len(passages[number].text), reverse=True)
            vectors: list[list[float]] = [[] for _ in passages]
            for number, vector in zip(order, self.embed_documents([passages[n].text for n in order], progress)):
                vectors[number] = vector
            return vectors, {}
        vectors, parts = [], {}
        for start in range(0, len(passages), PASSAGE_GROUP):
            group = passages[start : start + PASSAGE_GROUP]
            got, found = on_model_thread(self.inner.embed_passages, group)
            vectors.extend(got)
            parts.update(found)
            if progress:
                progress(len(group))
        return vectors, parts

    def embed_query(self, text: str) -> list[float]:
        return _query_vector(self.inner, text)

    def similarities(self, a: Sequence[float], vectors: Sequence[Sequence[float]]) -> list[float]:
        return self.inner.similarities(a, vectors)


_model_thread: ThreadPoolExecutor | None = None
_model_thread_lock = threading.Lock()


def on_model_thread(function: Callable[..., _T], *args: object) -> _T:
    """``function(*args)`` on the one thread that runs the embedding models."""
    global _model_thread
    if threading.current_thread().name.startswith("pressroom-model"):
        return function(*args)
    with _model_thread_lock:
        if _model_thread is None:
            # torch's OpenMP threads spin while they wait for work unless told otherwise; on a
            # laptop's two busy cores they take the CPU the working thread needs (a warm ask():
            # 394 ms p50 spinning, 56 ms passive, on this project's 2-core machine under load).
            # Read when torch loads, which is after the first call here in every Pressroom path.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            _model_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pressroom-model")
    return _model_thread.submit(function, *args).result()


def forget_query_vectors() -> None:
    """Forget the question vectors kept so far: the next embedding of each question is computed again
    (benchmarks measure a question's first embedding this way)."""
    _query_vector.cache_clear()


@lru_cache(maxsize=512)
def _query_vector(embedder: Embedder, text: str) -> list[float]:
    return on_model_thread(embedder.embed_query, text)
