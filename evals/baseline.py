"""The textbook LangChain RAG recipe, as the yardstick Pressroom is compared with.

Split each document with ``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``,
embed the chunks with the same bundled model Pressroom uses (wrapped as LangChain
``Embeddings``), store them in ``langchain_chroma.Chroma`` in a temporary folder, and answer
with the text of the top passage of a top-4 similarity search. It never abstains; its one
citation is the top passage, located in the document text.

>>> with LangChainBaseline(documents, embedder) as baseline:     # doctest: +SKIP
...     answer = baseline("When was the plan launched?")
>>> answer.citations[0].quote == answer.text                    # doctest: +SKIP
True

LangChain and Chroma load only when a baseline is built (``pressroom eval --baseline``).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from assistant import Answer, Citation
from knowledge import Document, Embedder, Passage

CHUNK_SIZE, CHUNK_OVERLAP, TOP_K = 1000, 200, 4


def _langchain_embeddings(embedder: Embedder) -> Any:
    """``embedder`` behind LangChain's ``Embeddings`` interface."""
    from langchain_core.embeddings import Embeddings

    class PressroomEmbeddings(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_documents(texts)

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_query(text)

    return PressroomEmbeddings()


def locate(text: str, chunk: str, hint: int) -> int:
    """Where ``chunk`` starts in ``text``: at ``hint`` (the splitter's ``start_index``) if it is there,
    else its first occurrence (-1: nowhere).

    >>> locate("abcabc", "abc", 3), locate("abcabc", "abc", 1), locate("abc", "x", 0)
    (3, 0, -1)
    """
    if hint >= 0 and text.startswith(chunk, hint):
        return hint
    return text.find(chunk)


class LangChainBaseline:
    """A callable with ``assistant.ask``'s signature that answers the textbook way; use it in a ``with`` block.

    ``k`` is accepted for compatibility and ignored: the recipe always retrieves the top 4.
    """

    name = "baseline"

    def __init__(self, documents: Sequence[Document], embedder: Embedder, folder: Path | None = None) -> None:
        self._documents = {document.source: document for document in documents}
        self._embedder = embedder
        self._folder = Path(tempfile.mkdtemp(prefix="pressroom-baseline-", dir=folder))
        self._store: Any = None

    def __enter__(self) -> Self:
        self.build()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def build(self) -> None:
        """Split, embed and store every document (once)."""
        if self._store is not None:
            return
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_core.documents import Document as LangChainDocument
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
        )
        pages = [
            LangChainDocument(page_content=d.text, metadata={"source": d.source}) for d in self._documents.values()
        ]
        chunks = splitter.split_documents(pages)
        self._store = Chroma.from_documents(
            chunks,
            _langchain_embeddings(self._embedder),
            ids=[f"chunk-{number}" for number in range(len(chunks))],  # fixed ids keep runs identical
            collection_name="baseline",
            persist_directory=str(self._folder),
            client_settings=ChromaSettings(anonymized_telemetry=False),
        )

    @property
    def collection(self) -> Any:
        """The Chroma collection the recipe searches (built on first use), for a benchmark to query directly."""
        self.build()
        return self._store._collection

    def close(self) -> None:
        """Drop the vector store and its temporary folder."""
        if self._store is not None:
            self._store.delete_collection()
            self._store = None
        shutil.rmtree(self._folder, ignore_errors=True)

    def __call__(
        self, question: str, history: object = None, k: int = TOP_K, answerer: str = "baseline", index: object = None
    ) -> Answer:
        self.build()
        hits = self._store.similarity_search_with_score(question, k=TOP_K)
        passages = tuple(self._passage(number, chunk, distance) for number, (chunk, distance) in enumerate(hits))
        if not passages:
            return Answer(question=question, text="", answerer=self.name)
        top = passages[0]
        cited = top.start >= 0
        citation = Citation(1, top.source, top.title, top.text, top.start, top.end) if cited else None
        return Answer(
            question=question,
            text=top.text,
            citations=(citation,) if citation else (),
            passages=passages,
            answerer=self.name,
            notes=() if cited else ("the top passage could not be located in its document",),
        )

    def _passage(self, number: int, chunk: Any, distance: float) -> Passage:
        source = chunk.metadata["source"]
        document = self._documents[source]
        start = locate(document.text, chunk.page_content, int(chunk.metadata.get("start_index", -1)))
        end = start + len(chunk.page_content) if start >= 0 else -1
        return Passage(
            id=f"baseline-{number}",
            source=source,
            title=document.title,
            text=chunk.page_content,
            start=start,
            end=end,
            score=round(1.0 - float(distance), 6),  # smaller distance, better; shown as a similarity-like score
        )
