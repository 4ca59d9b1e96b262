"""The index as a LangChain retriever, and its cross-encoder as a LangChain reranker.

>>> from knowledge.retriever import PressroomRetriever
>>> docs = PressroomRetriever(k=3).invoke("Who chaired the launch?")   # doctest: +SKIP
>>> docs[0].metadata["source"]                                         # doctest: +SKIP
'iom-mali-trafficking-2023'

The reranker has LangChain's shape for rerankers (a ``BaseDocumentCompressor``, like Cohere's or
FlashRank's), so it drops into your own chain, for instance behind any retriever:

>>> from langchain_classic.retrievers import ContextualCompressionRetriever       # doctest: +SKIP
>>> reranker = PressroomReranker(top_n=3)                                           # doctest: +SKIP
>>> ContextualCompressionRetriever(base_compressor=reranker, base_retriever=my_retriever)   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from langchain_core.callbacks import CallbackManagerForRetrieverRun, Callbacks
from langchain_core.documents import BaseDocumentCompressor
from langchain_core.documents import Document as LangChainDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from knowledge.checks import check_k
from knowledge.config import DEFAULT_RERANKER
from knowledge.crossencoder import Reranker, get_reranker
from knowledge.index import Index, default_index
from knowledge.model_thread import on_model_thread
from knowledge.rerank import rerank
from knowledge.types import Passage


class PressroomRetriever(BaseRetriever):
    """Hybrid retrieval over a Pressroom index; each result's metadata holds the ``Passage`` fields."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    k: int = 5
    index: Index | None = None
    rerank: bool = True

    def model_post_init(self, context: object, /) -> None:
        check_k(self.k)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LangChainDocument]:
        index = self.index or default_index()
        return [to_langchain(passage) for passage in index.search(query, k=self.k, rerank=self.rerank)]


class PressroomReranker(BaseDocumentCompressor):
    """Reorders documents by the bundled cross-encoder and keeps the ``top_n`` best; each kept
    document's metadata gains ``relevance_score`` (the model's logit: higher is better)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    top_n: int = 5
    reranker: Reranker | None = None

    def model_post_init(self, context: object, /) -> None:
        check_k(self.top_n)

    def compress_documents(
        self, documents: Sequence[LangChainDocument], query: str, callbacks: Callbacks | None = None
    ) -> Sequence[LangChainDocument]:
        model = self.reranker or get_reranker(DEFAULT_RERANKER)
        passages = [_as_passage(number, document) for number, document in enumerate(documents)]
        best = on_model_thread(rerank, query, passages, model, self.top_n)
        result = []
        for passage in best:
            document = documents[int(passage.id)]
            metadata = {**document.metadata, "relevance_score": passage.score}
            result.append(LangChainDocument(page_content=document.page_content, metadata=metadata, id=document.id))
        return result


def _as_passage(number: int, document: LangChainDocument) -> Passage:
    """Any LangChain document as a passage numbered by its place (its title, if any, is read with it)."""
    title = str(document.metadata.get("title", ""))
    text = document.page_content
    return Passage(str(number), str(document.metadata.get("source", "")), title, text, 0, len(text), 0.0)


def to_langchain(passage: Passage) -> LangChainDocument:
    metadata = {key: value for key, value in asdict(passage).items() if key != "text"}
    return LangChainDocument(page_content=passage.text, metadata=metadata, id=passage.id)


def from_langchain(document: LangChainDocument) -> Passage:
    return Passage(text=document.page_content, **document.metadata)
