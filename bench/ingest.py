"""Ingest throughput, and re-ingest of the same unchanged corpus.

A corpus of 1,000 short synthetic documents (``bench.corpus``, one to three paragraphs) is written
as text files and ingested into a fresh index with the real model. Its floor is ``model.encode``
alone on exactly the texts that ingest embedded (each chunk with its title), at the batch size that is fastest on this
machine (tried on a sample first), run on the thread Pressroom runs its model on.
Re-ingesting the unchanged folder must embed nothing; its floor is reading and hashing every
file, which is how an unchanged file is recognised.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import time
from pathlib import Path

from bench import corpus
from bench.figures import Figure
from bench.warm import model_of
from knowledge import Embedder, Index, Settings, discover, embedding_text, on_model_thread

BATCH_SIZES = (8, 16, 32, 64)


def best_batch_size(model: object, texts: list[str], sample: int = 96) -> tuple[int, dict[int, float]]:
    """The batch size at which ``encode`` embeds most texts per second, tried on a random sample."""
    picked = random.Random(0).sample(texts, min(sample, len(texts)))
    rates: dict[int, float] = {}
    for size in BATCH_SIZES:
        start = time.perf_counter()
        on_model_thread(_encode, model, picked, size)
        rates[size] = round(len(picked) / (time.perf_counter() - start), 1)
    return max(rates, key=rates.__getitem__), rates


def _encode(model: object, texts: list[str], batch_size: int) -> object:
    return model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)  # type: ignore[attr-defined]


def run(work: Path, embedder: Embedder, documents: int = 1000) -> list[Figure]:
    folder = work / "corpus"
    # Short documents (one to three paragraphs, one or two chunks each; the release has 15): the
    # per-document work (reading, the document's record) weighs more than in a real archive.
    corpus.write(corpus.documents(documents, seed=7, paragraphs=(1, 3), prefix="release"), folder)
    index = Index(Settings(home=work / "ingest"), embedder=embedder)
    index.ensure_default()  # the bundled release, before the clock starts
    model = model_of(embedder)

    start = time.perf_counter()
    report = index.ingest([folder])
    ingest_seconds = time.perf_counter() - start
    assert not report.errors, report.errors[:3]

    added = set(report.sources)  # the texts ingest embedded, read back from the store
    texts = [embedding_text(chunk) for chunk in index.store.iter_chunks() if chunk.source in added]
    size, rates = best_batch_size(model, texts)
    start = time.perf_counter()
    on_model_thread(_encode, model, texts, size)
    encode_seconds = time.perf_counter() - start

    reingest, hashing, computed = [], [], 0
    for _ in range(3):  # medians of three: one run of a tenth of a second is at the mercy of the machine
        start = time.perf_counter()
        again = index.ingest([folder])
        reingest.append(time.perf_counter() - start)
        computed += again.embedded
        start = time.perf_counter()
        found, _ = discover([folder])
        for path in found:
            hashlib.sha256(path.read_bytes()).hexdigest()
        hashing.append(time.perf_counter() - start)
    reingest_seconds, hash_seconds = statistics.median(reingest), statistics.median(hashing)

    return [
        Figure(
            "ingest throughput", round(report.embedded / ingest_seconds, 1), "chunks/s",
            round(len(texts) / encode_seconds, 1), f"model.encode alone, batch size {size}", ">= 0.85",
            f"{documents} documents, {report.embedded} chunks, {ingest_seconds:.1f} s",
            {"encode_rates_by_batch_size": rates, "texts_encoded": len(texts)},
        ),
        Figure(
            "re-ingest unchanged: embeddings computed", computed, "chunks", target="<= 0",
            note=f"{again.unchanged} of {again.files} files unchanged (three re-ingests)",
        ),
        Figure(
            "re-ingest unchanged: time", round(reingest_seconds * 1000, 1), "ms", round(hash_seconds * 1000, 1),
            "read + hash every file", "", f"{documents} documents; median of 3",
        ),
    ]  # fmt: skip
