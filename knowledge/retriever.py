"""The index as a LangChain retriever, so it drops into any LangChain chain.

>>> from knowledge.retriever import PressroomRetriever
>>> docs = PressroomRetriever(k=3).invoke("Who chaired the launch?")   # doctest: +SKIP
>>> docs[0].metadata["source"]                                         # doctest: +SKIP
'iom-mali-trafficking-2023'
"""

from __future__ import annotations

from dataclasses import asdict

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LangChainDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from knowledge.index import Index, check_k, default_index
from knowledge.types import Passage


class PressroomRetriever(BaseRetriever):
    """Hybrid retrieval over a Pressroom index; each result's metadata holds the ``Passage`` fields."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    k: int = 5
    index: Index | None = None

    def model_post_init(self, __context: object) -> None:
        check_k(self.k)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LangChainDocument]:
        index = self.index or default_index()
        return [to_langchain(passage) for passage in index.search(query, k=self.k)]


def to_langchain(passage: Passage) -> LangChainDocument:
    metadata = {key: value for key, value in asdict(passage).items() if key != "text"}
    return LangChainDocument(page_content=passage.text, metadata=metadata, id=passage.id)


def from_langchain(document: LangChainDocument) -> Passage:
    return Passage(text=document.page_content, **document.metadata)
