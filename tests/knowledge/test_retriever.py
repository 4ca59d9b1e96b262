"""The LangChain faces of the index: a retriever, and a reranker in LangChain's own shape."""

from __future__ import annotations

from langchain_core.documents import BaseDocumentCompressor
from langchain_core.documents import Document as LangChainDocument

from knowledge import Index
from knowledge.crossencoder import OverlapReranker
from knowledge.retriever import PressroomReranker, PressroomRetriever


def test_the_reranker_is_a_langchain_document_compressor() -> None:
    documents = [
        LangChainDocument(page_content="It rained all week in the capital.", metadata={"source": "weather"}),
        LangChainDocument(
            page_content="The Netherlands funded the action plan.", metadata={"source": "plan", "title": "Plan"}
        ),
        LangChainDocument(page_content="Nobody came to the launch of the plan.", metadata={"source": "launch"}),
    ]
    reranker = PressroomReranker(top_n=2, reranker=OverlapReranker())
    assert isinstance(reranker, BaseDocumentCompressor)
    kept = reranker.compress_documents(documents, "Who funded the plan?")
    assert [d.metadata["source"] for d in kept] == ["plan", "launch"]
    assert kept[0].metadata["relevance_score"] >= kept[1].metadata["relevance_score"]
    assert kept[0].page_content == documents[1].page_content  # the text is the caller's, untouched


def test_the_retriever_can_leave_reranking_out(fake_index: Index) -> None:
    question = "Who chaired the launch ceremony?"
    reranked = PressroomRetriever(k=3, index=fake_index).invoke(question)
    plain = PressroomRetriever(k=3, index=fake_index, rerank=False).invoke(question)
    assert len(reranked) == len(plain) == 3
    assert all(d.metadata["source"] == "iom-mali-trafficking-2023" for d in reranked + plain)
