"""The searcher: a question's passages, from dense (Chroma) and lexical (BM25) rankings fused by
reciprocal rank, then reordered by the cross-encoder (``knowledge.rerank``).

When a question names documents ("Under GPLv3, ..."), their passages are searched first
(``DocumentCatalogue.named_sources``). The sentence vectors of the chunks retrieved are kept, so
that the answerer reads them without another call to the store (``sentence_vectors``).
"""

from __future__ import annotations

from functools import lru_cache

from knowledge.catalogue import DocumentCatalogue
from knowledge.checks import check_k, check_question
from knowledge.config import NO_RERANKER
from knowledge.crossencoder import Reranker, get_reranker
from knowledge.errors import IndexEmptyError
from knowledge.model_thread import on_model_thread
from knowledge.rerank import POOL
from knowledge.rerank import rerank as rerank_passages
from knowledge.sentence_vectors import Span, unpack_sentences
from knowledge.types import Chunk, Passage
from knowledge.writer import Writer

RRF_K = 60
KEPT_SENTENCE_VECTORS = 4096  # chunks whose sentence vectors are kept: a bound on memory for long-running servers


class Searcher:
    """Finds the passages that answer a question in the index that ``writer`` writes."""

    def __init__(self, writer: Writer, catalogue: DocumentCatalogue, reranker: Reranker | None = None) -> None:
        self.writer, self.catalogue = writer, catalogue
        self._reranker = reranker
        self._sentences: dict[str, str] = {}  # packed sentence vectors of recently retrieved chunks, by chunk id

    @property
    def reranker(self) -> Reranker | None:
        """The cross-encoder that reorders retrieved passages (``settings.reranker``); None when turned off."""
        if self._reranker is None and self.writer.settings.reranker != NO_RERANKER:
            self._reranker = get_reranker(self.writer.settings.reranker)
        return self._reranker

    def embed_query(self, text: str) -> list[float]:
        return self.writer.embedder.embed_query(text)

    def search(self, question: str, k: int = 5, rerank: bool = True) -> list[Passage]:
        """The ``k`` best passages: dense and BM25 rankings fused by reciprocal rank, then the best
        ``POOL`` of them reordered by the cross-encoder (unless ``rerank`` is false or no reranker is set)."""
        return self.search_with_names(question, k, rerank)[0]

    def search_with_names(self, question: str, k: int = 5, rerank: bool = True) -> tuple[list[Passage], list[str]]:
        """``search``, and the documents the question names (``named_sources``, matched once): when
        they have passages, the search kept to them."""
        question, k = check_question(question), check_k(k)
        reranker = self.reranker if rerank else None
        self.writer.ensure_default()
        store = self.writer.store
        depth = max(4 * k, 20)
        lexical_index = self.writer.current_lexical()  # first: it also follows a reset made by another process
        # "Under GPLv3, ...": the passages of the documents the question names, when they have any.
        named = self.catalogue.named_sources(question)
        dense = store.query(self.embed_query(question), depth, named) if named else []
        lexical = lexical_index.search(question, depth, named) if named else []
        if not dense:
            dense = store.query(self.embed_query(question), depth)
            if not dense and store.chunk_count() == 0:
                raise IndexEmptyError("No documents are indexed: run `pressroom ingest PATH` to add some.")
        if not lexical:
            lexical = lexical_index.search(question, depth)
        fused: dict[str, float] = {}
        for ranking in ([chunk.id for chunk, _ in dense], [chunk_id for chunk_id, _ in lexical]):
            for rank, chunk_id in enumerate(ranking):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
        ranked = sorted(fused, key=fused.__getitem__, reverse=True)[: max(2 * k, POOL) if reranker else 2 * k]
        known = {chunk.id: chunk for chunk, _ in dense}
        known.update(store.get_chunks([chunk_id for chunk_id in ranked if chunk_id not in known]))
        if len(self._sentences) > KEPT_SENTENCE_VECTORS:
            self._sentences.clear()
        self._sentences.update((chunk.id, chunk.sentence_vectors) for chunk in known.values() if chunk.sentence_vectors)
        passages: list[Passage] = []
        seen: set[tuple[str, str]] = set()
        for chunk_id in ranked:
            chunk = known.get(chunk_id)
            # The same words twice (a repeated heading, a boilerplate paragraph) would waste a place.
            if chunk is None or (chunk.source, chunk.text) in seen:
                continue
            seen.add((chunk.source, chunk.text))
            passages.append(_passage(chunk, fused[chunk_id]))
        if reranker is not None:
            return on_model_thread(rerank_passages, question, passages, reranker, k), named
        return passages[:k], named

    def sentence_vectors(self, passage: Passage) -> dict[Span, list[float]]:
        """The stored vectors of the sentences in ``passage``, by (start, end); empty when none were stored."""
        packed = self._sentences.get(passage.id)
        if packed is None:
            chunk = self.writer.store.get_chunks([passage.id]).get(passage.id)
            packed = self._sentences[passage.id] = chunk.sentence_vectors if chunk else ""
        return _unpacked(packed)


@lru_cache(maxsize=1024)
def _unpacked(packed: str) -> dict[Span, list[float]]:
    return unpack_sentences(packed) if packed else {}


def _passage(chunk: Chunk, score: float) -> Passage:
    return Passage(
        id=chunk.id,
        source=chunk.source,
        title=chunk.title,
        text=chunk.text,
        start=chunk.start,
        end=chunk.end,
        score=round(score, 6),
        heading=chunk.heading,
        page=chunk.page,
    )
