"""Warm ``ask()`` as the archive grows: 1k, 10k and 100k chunks in one index, filled step by step.

The release is indexed as usual; synthetic documents (``bench.corpus``) are added around it,
chunked by the real chunker and written through the store and the lexical index like ingest
writes them, but with precomputed vectors: each chunk gets the real embedding of one of 256
synthetic passages plus noise, so that the vectors cluster like real ones without the hours it
would take to embed 100k chunks on a laptop CPU, and each of its sentences a vector near the
chunk's, stored with it as ingest stores them. Questions are embedded by the real model.

At every size: ``ask()`` and retrieval alone (``Index.search``) against the floor of one query
embedding plus one Chroma top-k query on the collection of that size. The growth figures compare
100k with 1k (target: at most twice).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from bench import corpus
from bench.figures import Figure, interleaved, ms
from bench.ingest import _encode
from bench.warm import WARM_UP, floor_function, model_of, questions
from knowledge import (
    CHUNKER_VERSION,
    Document,
    Embedder,
    Index,
    Settings,
    chunk_document,
    embedding_text,
    forget_query_vectors,
    on_model_thread,
    pack_sentences,
    sentences_of,
)

SIZES = (1_000, 10_000, 100_000)
CENTRES = 256
NOISE = 0.6


def centres(model: Any) -> np.ndarray:
    """Real embeddings of synthetic passages, around which the synthetic chunks' vectors lie."""
    texts = [doc.text for doc in corpus.documents(CENTRES, seed=99, paragraphs=(1, 1), prefix="centre")]
    return np.asarray(on_model_thread(_encode, model, texts, 32), dtype=np.float32)


def add_documents(
    index: Index, docs: list[corpus.SyntheticDocument], points: np.ndarray, rng: np.random.Generator
) -> int:
    """Write synthetic documents as ingest would, with precomputed vectors; returns the chunks added."""
    items, chunks, sentences = [], [], []
    for doc in docs:
        sha = hashlib.sha256(doc.text.encode()).hexdigest()
        document = Document(
            doc.name, doc.title, doc.text, f"synthetic/{doc.name}.txt", sha, (), "2026-01-01T00:00:00+00:00"
        )
        cut = chunk_document(document)
        items.append((document, CHUNKER_VERSION, len(cut)))
        chunks += cut
        sentences += sentences_of(document, cut)
    picks = np.frombuffer(b"".join(bytes.fromhex(c.id[:4]) for c in chunks), dtype=">u2") % len(points)
    noise = rng.standard_normal((len(chunks), points.shape[1]), dtype=np.float32) / np.sqrt(points.shape[1])
    vectors = _unit(points[picks] + NOISE * noise)
    # Each sentence's vector lies near its chunk's, and is stored with the chunk as ingest stores it.
    chunks = [
        replace(
            chunk,
            sentence_vectors=pack_sentences(
                dict(zip([(u.start, u.end) for u in inside], near(vector, len(inside), rng)))
            ),
        )
        for chunk, inside, vector in zip(chunks, sentences, vectors)
    ]
    index.store.add_chunks(chunks, vectors)
    versions = index.store.put_documents(items)
    index.lexical.add((chunk.id, chunk.source, embedding_text(chunk)) for chunk in chunks)
    index.lexical.set_versions({document.source: version for (document, _, _), version in zip(items, versions)})
    return len(chunks)


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.linalg.norm(matrix, axis=-1, keepdims=True)


def near(vector: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` unit vectors scattered around ``vector`` (the sentences of a synthetic chunk)."""
    return _unit(vector + NOISE * rng.standard_normal((count, len(vector)), dtype=np.float32) / np.sqrt(len(vector)))


@contextlib.contextmanager
def counting_embeddings(index: Index) -> Iterator[list[int]]:
    """Counts the texts embedded in batches (the answerer's sentences) while the block runs; ``[count]``."""
    count = [0]
    embedder = index.embedder
    real = embedder.embed_batch

    def counted(texts: Any) -> Any:
        count[0] += len(texts)
        return real(texts)

    embedder.embed_batch = counted  # type: ignore[method-assign]
    try:
        yield count
    finally:
        del embedder.embed_batch  # back to the class's method


def run(work: Path, embedder: Embedder, sizes: tuple[int, ...] = SIZES, count: int = 40) -> list[Figure]:
    from assistant import ask

    index = Index(Settings(home=work / "scale"), embedder=embedder)
    index.ensure_default()
    model = model_of(embedder)
    points = centres(model)
    rng = np.random.default_rng(0)
    asked = questions(count)
    figures: list[Figure] = []
    measured: dict[int, dict[str, float]] = {}
    total, seed = index.store.chunk_count(), 0
    for size in sizes:
        start = time.perf_counter()
        while total < size:
            wanted = max(1, min(300, (size - total) // 6))  # documents of 3-10 paragraphs: about 6 chunks each
            docs = corpus.documents(wanted, seed=seed, paragraphs=(3, 10), prefix="scale")
            total += add_documents(index, docs, points, rng)
            seed += 1
        revision = index.store.bump_revision()  # as ingest does when it finishes
        index.lexical.set_revision(revision)
        build = time.perf_counter() - start
        forget_query_vectors()  # every size embeds its questions afresh
        floor = floor_function(model, index.store.chunk_collection)
        for question in WARM_UP:
            ask(question, index=index)
            floor(question)
        answers: list[Any] = []
        with counting_embeddings(index) as embedded:
            subject, base = interleaved(asked, _asking(index, answers), floor)
        retrieved = [p.source for answer in answers for p in answer.passages]
        synthetic = sum(source.startswith("scale-") for source in retrieved) / max(1, len(retrieved))
        sentences = embedded[0] / len(asked)
        forget_query_vectors()
        searched, base2 = interleaved(asked, lambda q: index.search(q), floor)
        label = f"{total:,} chunks"
        measured[size] = {"ask50": ms(subject, 50), "ask95": ms(subject, 95), "search50": ms(searched, 50)}
        for q in (50, 95):
            figures.append(
                Figure(
                    f"warm ask() at {label} p{q}", ms(subject, q), "ms", ms(base, q),
                    f"embed + Chroma top-5 at {label}, p{q}", "",
                    f"{len(asked)} questions; {build:.0f} s to add this step; {synthetic:.0%} of the passages "
                    f"retrieved are synthetic; the answerer embedded {sentences:.1f} sentences per question",
                )
            )  # fmt: skip
        figures.append(
            Figure(
                f"retrieval alone at {label} p50",
                ms(searched, 50),
                "ms",
                ms(base2, 50),
                f"embed + Chroma top-5 at {label}, p50",
            )
        )
    low, high = min(sizes), max(sizes)
    if low != high:
        for key, name in (
            ("ask50", "warm ask() p50"),
            ("ask95", "warm ask() p95"),
            ("search50", "retrieval alone p50"),
        ):
            figures.append(
                Figure(
                    f"growth of {name}, {high:,} vs {low:,} chunks", measured[high][key], "ms", measured[low][key],
                    f"the same at {low:,} chunks", "<= 2",
                )
            )  # fmt: skip
    return figures


def _asking(index: Index, answers: list[Any]) -> Callable[[str], None]:
    """``ask()`` on ``index``, keeping each answer in ``answers`` (to see which passages were retrieved)."""
    from assistant import ask

    return lambda question: answers.append(ask(question, index=index))
