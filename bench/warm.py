"""Warm ``ask()`` on the release, and the textbook LangChain recipe on the same questions.

The floor of one question is what no answer can avoid: one query embedding (the bare
sentence-transformers ``encode``) plus one Chroma top-N query, plus, since answers are reranked,
one pass of the cross-encoder over what the design reranks: the sentences of those N passages,
each pair alone (a cross-encoder of its own, so that neither side reads the other's cache). Each question is timed once
through ``ask()`` and once through the floor, alternately, after a warm-up on other questions.
The floor's ``encode`` runs on the thread Pressroom runs its model on (``on_model_thread``):
torch keeps busy worker threads per calling thread, and two such teams on two cores would slow
whichever ran second, which is a fact about the benchmark, not about either side.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

from bench.figures import Figure, interleaved, ms
from knowledge import (
    POOL,
    Embedder,
    Index,
    OnnxCrossEncoder,
    Passage,
    Reranker,
    Settings,
    bundled_folder,
    forget_query_vectors,
    on_model_thread,
    passage_score,
)

K = 5
RERANKED_FLOOR = f"embed + Chroma top-{POOL} + cross-encoder over their sentences"
# Six more questions about the release, so that there are 100 with the evaluation sets.
EXTRA_QUESTIONS = [
    "Which minister chaired the ceremony in Bamako?",
    "What does the acronym CNCLTP/PA stand for?",
    "When does the previous five-year action plan expire?",
    "Which two United Nations agencies supported the drafting of the plan?",
    "What are the priority areas of the fight against trafficking in persons?",
    "Since when has IOM had a presence in West and Central Africa?",
]
WARM_UP = [
    "What is the plan about?",
    "Who supported the plan?",
    "Where was the ceremony held?",
    "What is IOM?",
    "Who drafted the document?",
    "What will the plan take over from?",
    "What did the minister say?",
    "Which office is UNODC?",
]


def questions(count: int = 100) -> list[str]:
    """The release questions of the evaluation sets, then the extra ones: ``count`` distinct questions."""
    folder = Path(str(resources.files("evals") / "data"))
    found: list[str] = []
    for name in ("release.jsonl", "release-dev.jsonl"):
        path = folder / name
        if path.exists():
            found += [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]
    found = list(dict.fromkeys(found + EXTRA_QUESTIONS))
    return found[:count]


def model_of(embedder: Embedder) -> Any:
    """The bare sentence-transformers model behind the project's embedder (loaded)."""
    # Only the sentence-transformers embedder has a bare model; the benchmarks time that one.
    return embedder.model  # type: ignore[attr-defined]


def floor_function(
    model: Any, collection: Any, k: int = K, thread: bool = True, reranker: Reranker | None = None
) -> Callable[[str], object]:
    """One query embedding plus one Chroma top-k query (the encode on the model thread), and with a
    ``reranker`` one cross-encoder pass over the sentences of those k passages."""

    def encode(question: str) -> Any:
        return model.encode([question], normalize_embeddings=True, show_progress_bar=False)

    def floor(question: str) -> object:
        vector = on_model_thread(encode, question) if thread else encode(question)
        found = collection.query(query_embeddings=vector, n_results=k, include=["documents", "metadatas", "distances"])
        if reranker is not None:
            for text, metadata in zip(found["documents"][0], found["metadatas"][0]):
                title = str(metadata.get("title", ""))
                passage = Passage("", "", title, text, 0, len(text), 0.0)
                on_model_thread(passage_score, question, passage, reranker)
        return found

    return floor


def latency_figures(
    label: str,
    subject_times: list[float],
    floor_times: list[float],
    target: str,
    note: str = "",
    floor: str = f"embed + Chroma top-{K}",
) -> list[Figure]:
    return [
        Figure(f"{label} p{q}", ms(subject_times, q), "ms", ms(floor_times, q), f"{floor}, p{q}", target, note)
        for q in (50, 95)
    ]


def run(work: Path, embedder: Embedder, count: int = 100) -> list[Figure]:
    from assistant import Pipeline, Question, ask, get_answerer
    from evals import LangChainBaseline

    index = Index(Settings(home=work / "release"), embedder=embedder)
    index.ensure_default()
    model = model_of(embedder)
    asked = questions(count)
    for question in WARM_UP:
        ask(question, index=index)
    floor_reranker = OnnxCrossEncoder("floor", bundled_folder())  # its own cache
    reranked_floor = floor_function(model, index.store.chunk_collection, k=POOL, reranker=floor_reranker)
    for question in WARM_UP:
        reranked_floor(question)
    subject, base = interleaved(asked, lambda q: ask(q, index=index), reranked_floor)
    chunks = index.store.chunk_count()
    figures = latency_figures(
        "warm ask() on the release", subject, base, "<= 1.5", f"{len(asked)} questions, {chunks} chunks",
        floor=RERANKED_FLOOR,
    )  # fmt: skip
    floor = floor_function(model, index.store.chunk_collection)
    for question in WARM_UP:
        floor(question)
    forget_query_vectors()
    subject, base = interleaved(asked, lambda q: ask(q, index=index, rerank=False), floor)
    figures += latency_figures(
        "warm ask() without reranking", subject, base, "", "--no-rerank: the fused ranking and hand-set weights"
    )
    # The same steps without the LCEL wrapper (``Pipeline.run``): how much of the gap to the floor
    # is LangChain's own.
    forget_query_vectors()
    _forget_scores(index)
    floor_reranker.clear_cache()
    steps = Pipeline(index, get_answerer(index, "extractive"))
    subject, base = interleaved(asked, lambda q: steps.run(Question(q, K)), reranked_floor)
    figures += latency_figures(
        "warm answer without the LCEL wrapper", subject, base, "", "Pipeline.run: the same steps, no Runnable",
        floor=RERANKED_FLOOR,
    )  # fmt: skip

    figures += shared_server(work, embedder, model, asked[:40])

    documents = [index.get_document(source.source) for source in index.sources()]
    with LangChainBaseline(documents, embedder, folder=work) as recipe:
        recipe_floor = floor_function(model, recipe.collection, k=4, thread=False)  # it runs where it is called
        for question in WARM_UP:
            recipe(question)
            recipe_floor(question)
        subject, base = interleaved(asked, recipe, recipe_floor)
    figures += latency_figures(
        "warm textbook LangChain recipe", subject, base, "", "same questions; floor on its own collection"
    )
    return figures


def _forget_scores(index: Index) -> None:
    """The cross-encoder's cached scores go too: these questions were reranked before, in-process."""
    if index.reranker is not None:
        index.reranker.clear_cache()


def shared_server(work: Path, embedder: Embedder, model: Any, asked: list[str]) -> list[Figure]:
    """Warm ``ask()`` through a Chroma server on this machine (HTTP), against embed + one top-k request.

    Besides the query, every search asks the server for the collection's revision (one small
    request), so that its lexical index follows what other machines write.
    """
    from assistant import ask
    from bench.chroma_server import running_server

    with running_server(work / "chroma-server") as url:
        index = Index(Settings(home=work / "release-over-http", chroma_url=url), embedder=embedder)
        index.ensure_default()
        floor = floor_function(
            model, index.store.chunk_collection, k=POOL, reranker=OnnxCrossEncoder("floor", bundled_folder())
        )
        for question in WARM_UP:
            ask(question, index=index)
            floor(question)
        forget_query_vectors()  # these questions were asked before, in-process
        _forget_scores(index)
        subject, base = interleaved(asked, partial(ask, index=index), floor)
        del index  # its HTTP client, before the server stops
    return latency_figures(
        "warm ask() via a Chroma server",
        subject,
        base,
        "",
        f"{len(asked)} questions; HTTP on this machine",
        floor=RERANKED_FLOOR,
    )
