"""Storing documents: chunk them, embed only their new chunks, and write Chroma and the lexical index together.

A ``DocumentStorer`` works on a store and a lexical index that are already open, and leaves
locking to its caller (``knowledge.writer`` holds the index's write lock around every use). The
order of the writes is what crash recovery counts on (``knowledge.recovery``): new chunks first,
then stale chunks out, then the documents' records, then the lexical index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from knowledge.chunking import CHUNKER_VERSION, chunk_document, embedding_parts, embedding_text, sentences_of
from knowledge.embedding import Embedder, PassageText
from knowledge.errors import IngestError
from knowledge.lexical import LexicalIndex
from knowledge.sentence_vectors import Span, pack_sentences
from knowledge.store import ChromaStore
from knowledge.types import Chunk, Document, Progress

CACHED_DOCUMENTS = 256  # documents kept by a DocumentCache before it starts again


class DocumentCache:
    """Documents read recently, by source; this process's writes forget those they replace."""

    def __init__(self) -> None:
        self._documents: dict[str, Document] = {}

    def get(self, source: str) -> Document | None:
        return self._documents.get(source)

    def keep(self, document: Document) -> None:
        if len(self._documents) > CACHED_DOCUMENTS:
            self._documents.clear()
        self._documents[document.source] = document

    def forget(self, source: str) -> None:
        self._documents.pop(source, None)

    def clear(self) -> None:
        self._documents.clear()


@dataclass
class PreparedDocument:
    """A document chunked and ready to store, waiting for its new chunks' vectors."""

    document: Document
    chunks: list[Chunk]
    old_ids: set[str]
    new: list[Chunk]
    texts: list[str]  # what is embedded and indexed of each new chunk (``embedding_text``)
    passages: list[PassageText]  # the same, with the sentences apart
    spans: list[list[Span]]  # the offsets of the sentences in each new chunk


class DocumentStorer:
    """Writes documents into ``store`` and the lexical index; the caller holds the write lock.

    The lexical index is asked for (``open_lexical``) only when something is written to it: opening
    it may first bring it in step with the store (``knowledge.lexical_sync``).
    """

    def __init__(
        self, store: ChromaStore, open_lexical: Callable[[], LexicalIndex], embedder: Embedder, cache: DocumentCache
    ) -> None:
        self.store, self.embedder, self.cache = store, embedder, cache
        self._open_lexical = open_lexical

    @property
    def lexical(self) -> LexicalIndex:
        return self._open_lexical()

    def store_document(self, document: Document, progress: Progress | None = None) -> int:
        """Write one document's chunks, embedding only those not already stored; returns how many were embedded."""
        return self.embed_and_store([self.prepare(document)], progress)

    def prepare(self, document: Document, stored: bool = True) -> PreparedDocument:
        """Chunk a document and find which chunks need embedding (``stored=False``: it has none in the store)."""
        self.cache.forget(document.source)
        chunks = chunk_document(document)
        if not chunks:
            raise IngestError(f"{document.path}: has no sentences to index; check the file's content.", "empty")
        old_ids = self.store.chunk_ids(document.source) if stored else set()
        new = [chunk for chunk in chunks if chunk.id not in old_ids]
        texts = [embedding_text(chunk) for chunk in new]
        units = sentences_of(document, new)
        passages = [
            PassageText(text, embedding_parts(chunk, [document.text[u.start : u.end] for u in inside]))
            for text, chunk, inside in zip(texts, new, units)
        ]
        spans = [[(u.start, u.end) for u in inside] for inside in units]
        return PreparedDocument(document, chunks, old_ids, new, texts, passages, spans)

    def embed_and_store(self, prepared: Sequence[PreparedDocument], progress: Progress | None) -> int:
        """Embed the new chunks of several documents in one pass, then write them together; returns how many
        were embedded."""
        vectors = self._embed(prepared, progress)
        self._write(prepared, vectors)
        return len(vectors)

    def remove_source(self, source: str) -> int:
        """Remove one document, its chunks and their lexical entries; returns how many chunks went."""
        self.cache.forget(source)
        ids = self.store.chunk_ids(source)
        self.store.delete_chunks(ids)
        self.lexical.remove(ids)
        self.lexical.set_versions({source: None})
        self.store.delete_document(source)
        return len(ids)

    def _embed(self, prepared: Sequence[PreparedDocument], progress: Progress | None) -> list[list[float]]:
        """Vectors of the new chunks of ``prepared``, in order; their sentences' vectors go into the chunks."""
        passages = [passage for item in prepared for passage in item.passages]
        done = 0

        def tick(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress("embed", done, len(passages))

        vectors, parts = self.embedder.embed_passages(passages, progress=tick)
        if parts:  # the model gave the sentences' vectors too: kept with each chunk for the answerer
            for item in prepared:
                item.new[:] = [
                    replace(chunk, sentence_vectors=_packed(spans, passage.parts[-len(spans) :], parts))
                    if spans
                    else chunk
                    for chunk, passage, spans in zip(item.new, item.passages, item.spans)
                ]
        return vectors

    def _write(self, prepared: Sequence[PreparedDocument], vectors: Sequence[Sequence[float]]) -> None:
        """Documents' new chunks, stale chunks and records, in Chroma and in the lexical index.

        All documents go in one call per step (a local Chroma commits each call to disk, which
        costs more than embedding a small document): new chunks first, then stale ones out, then
        the records, so that a writer stopped half-way leaves what ``knowledge.recovery`` repairs.
        """
        if not prepared:
            return
        new = [chunk for item in prepared for chunk in item.new]
        stale = set().union(*(item.old_ids - {chunk.id for chunk in item.chunks} for item in prepared))
        self.store.add_chunks(new, vectors)
        self.store.delete_chunks(stale)
        records = [(item.document, CHUNKER_VERSION, len(item.chunks)) for item in prepared]
        versions = self.store.put_documents(records)
        self.lexical.remove(stale)
        self.lexical.add(
            (chunk.id, chunk.source, text) for item in prepared for chunk, text in zip(item.new, item.texts)
        )
        self.lexical.set_versions({item.document.source: version for item, version in zip(prepared, versions)})


def _packed(spans: Sequence[Span], sentences: Sequence[str], vectors: dict[str, list[float]]) -> str:
    """The vectors of a chunk's sentences (``spans``, texts ``sentences``), packed for its metadata."""
    return pack_sentences({span: vectors[text] for span, text in zip(spans, sentences) if text in vectors})
