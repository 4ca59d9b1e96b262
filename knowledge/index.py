"""The index: one Pressroom index (a Chroma store plus its lexical index, under ``PRESSROOM_HOME``),
as the rest of Pressroom uses it.

``Index`` is a small façade over three parts, each in a module of its own:

- ``knowledge.writer.Writer``: the write lock, the first use, ingest, removal, reset (and, under
  it, ``knowledge.storing``, ``knowledge.intake``, ``knowledge.lexical_sync``, ``knowledge.recovery``);
- ``knowledge.searcher.Searcher``: dense + lexical retrieval, fused, then reranked;
- ``knowledge.catalogue.DocumentCatalogue``: the indexed documents, their texts and names.

``default_index`` is the process-wide index the public functions of ``knowledge`` use.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from knowledge.catalogue import DocumentCatalogue
from knowledge.config import Settings
from knowledge.crossencoder import Reranker
from knowledge.embedding import Embedder, get_embedder
from knowledge.lexical import LexicalIndex
from knowledge.model_thread import OneThreadEmbedder
from knowledge.searcher import Searcher
from knowledge.sentence_vectors import Span
from knowledge.store import ChromaStore
from knowledge.types import Document, IngestReport, Passage, Progress, SourceInfo
from knowledge.writer import Writer

__all__ = ["Index", "Progress", "default_index", "forget_default_indexes"]


class Index:
    """One Pressroom index: a Chroma store plus its lexical index, under ``settings.home``.

    >>> index = Index(Settings(home=Path("/tmp/pressroom-doc")), embedder=get_embedder("hashing"))
    >>> index.search("When was the plan launched?", k=1)[0].source
    'iom-mali-trafficking-2023'
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None, reranker: Reranker | None = None) -> None:
        self.settings = settings
        self.writer = Writer(settings, OneThreadEmbedder(embedder or get_embedder(settings.model)))
        self.catalogue = DocumentCatalogue(self.writer)
        self.searcher = Searcher(self.writer, self.catalogue, reranker)

    # ---- the parts, as other packages read them ------------------------------------------

    @property
    def embedder(self) -> Embedder:
        """The index's embedding model, run on the model thread (``knowledge.model_thread``)."""
        return self.writer.embedder

    @property
    def reranker(self) -> Reranker | None:
        """The cross-encoder that reorders retrieved passages (``settings.reranker``); None when turned off."""
        return self.searcher.reranker

    @property
    def store(self) -> ChromaStore:
        """The Chroma store; the first use of a fresh home happens when it is opened."""
        return self.writer.store

    @property
    def lexical(self) -> LexicalIndex:
        """The lexical index, made to hold what the store holds when it is opened."""
        return self.writer.lexical

    @lexical.deleter
    def lexical(self) -> None:
        """Forget the lexical index (the next use opens it again, as a new process would)."""
        del self.writer.lexical

    def current_lexical(self) -> LexicalIndex:
        """The lexical index, first brought up to date if anyone (on any machine) wrote to the store since."""
        return self.writer.current_lexical()

    def ensure_default(self) -> None:
        """Make the index ready: the bundled release on first use, and every stored document
        chunked and embedded for this model (after a change of model or of chunker)."""
        self.writer.ensure_default()

    # ---- writing ------------------------------------------------------------------------

    def ingest(
        self, paths: Iterable[str | Path], progress: Progress | None = None, private_addresses: bool = True
    ) -> IngestReport:
        """Index files, folders and web pages (``https://...``); unchanged ones cost nothing, changed
        ones replace their chunks, and a text already indexed under another name is not stored twice.

        What cannot be read is reported in ``skipped`` (with its reason) and ``errors`` (one
        sentence each) and leaves the index as it was; the rest is indexed. Documents ingested
        earlier from a folder that no longer holds them are removed. ``private_addresses=False``
        refuses web addresses on this machine or the local network (for a chat served to others).
        """
        return self.writer.ingest(paths, progress, private_addresses)

    def remove(self, source: str) -> int:
        """Remove one document and its chunks; returns how many chunks went."""
        return self.writer.remove(source)

    def reset(self) -> None:
        """Empty the index (documents, vectors and lexical entries). The bundled release is not re-added."""
        self.writer.reset()

    # ---- reading ------------------------------------------------------------------------

    def sources(self) -> list[SourceInfo]:
        """Every indexed document."""
        return self.catalogue.sources()

    def get_document(self, source: str, fresh: bool = False) -> Document:
        """The stored document; ``fresh`` skips the cache (another process may have replaced it)."""
        return self.catalogue.get_document(source, fresh)

    def document_of(self, passage: Passage) -> Document:
        """The document a passage was cut from, as stored when the passage was retrieved."""
        return self.catalogue.document_of(passage)

    def named_sources(self, question: str) -> list[str]:
        """The indexed documents that ``question`` names by file name or title initials (``knowledge.naming``)."""
        return self.catalogue.named_sources(question)

    def without_names(self, question: str) -> str:
        """``question`` with the names of the documents it names blanked out."""
        return self.catalogue.without_names(question)

    def embed_query(self, text: str) -> list[float]:
        return self.searcher.embed_query(text)

    def search(self, question: str, k: int = 5, rerank: bool = True) -> list[Passage]:
        """The ``k`` best passages: dense and BM25 rankings fused by reciprocal rank, then the best
        ``POOL`` of them reordered by the cross-encoder (unless ``rerank`` is false or no reranker is set)."""
        return self.searcher.search(question, k, rerank)

    def search_with_names(self, question: str, k: int = 5, rerank: bool = True) -> tuple[list[Passage], list[str]]:
        """``search``, and the documents the question names (matched once, for the answer pipeline)."""
        return self.searcher.search_with_names(question, k, rerank)

    def sentence_vectors(self, passage: Passage) -> dict[Span, list[float]]:
        """The stored vectors of the sentences in ``passage``, by (start, end); empty when none were stored."""
        return self.searcher.sentence_vectors(passage)


_indexes: dict[Settings, Index] = {}


def default_index(settings: Settings | None = None) -> Index:
    """The process-wide index for ``settings`` (default: from the environment)."""
    settings = settings or Settings.from_env()
    if settings not in _indexes:
        _indexes[settings] = Index(settings)
    return _indexes[settings]


def forget_default_indexes() -> None:
    """Forget the process-wide indexes: the next ``default_index()`` opens a new one, as a new process
    would (tests do this between homes)."""
    _indexes.clear()
