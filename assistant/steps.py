"""The steps of one question, written once: each takes a frozen value and gives the next.

    Question --standalone--> Query --retrieve--> Retrieved --answer--> Drafted --cite--> Answer

``assistant.chain`` runs them as a LangChain chain: ``ask`` invokes it, ``ask_stream`` streams it
(the answer step then yields the text as the answerer writes it, before its ``Drafted``).
``Pipeline.run`` calls them one after the other without LangChain, for the benchmarks that
measure what the chain costs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.answerer import Answerer, Draft
from assistant.citations import citation_of
from assistant.citations import cite as checked_citations
from assistant.rewrite import standalone
from assistant.types import UNSURE, Answer
from knowledge import Document, Index, Passage


@dataclass(frozen=True)
class Question:
    """A question as asked, its inputs already checked (``assistant.inputs``): its text, the number of
    passages to retrieve, and the earlier turns of the conversation (for follow-ups)."""

    text: str
    k: int = 5
    history: tuple[object, ...] = ()


@dataclass(frozen=True)
class Query:
    """The question and its standalone form (``query``), which is what retrieval searches for."""

    question: str
    query: str
    k: int


@dataclass(frozen=True)
class Retrieved:
    """The passages retrieved for the query, best first, and the documents the query names."""

    question: str
    query: str
    passages: tuple[Passage, ...]
    named: tuple[str, ...]  # when these have passages, retrieval kept to them


@dataclass(frozen=True)
class Drafted:
    """The answerer's draft, before its quotes are checked against the stored documents."""

    question: str
    passages: tuple[Passage, ...]
    named: tuple[str, ...]
    draft: Draft


class Pipeline:
    """The steps for one index and answerer; ``rerank`` as for ``ask`` (the cross-encoder, or not)."""

    def __init__(self, index: Index, answerer: Answerer, rerank: bool = True) -> None:
        self.index, self.answerer, self.rerank = index, answerer, rerank

    def standalone(self, question: Question) -> Query:
        """The standalone question: the answerer's own rewrite (a model's) if it makes one, else by rule."""
        rewritten = self.answerer.rewrite(question.text, question.history) if question.history else None
        query = standalone(question.text, question.history) if rewritten is None else rewritten
        return Query(question.text, query, question.k)

    def retrieve(self, query: Query) -> Retrieved:
        passages, named = self.index.search_with_names(query.query, k=query.k, rerank=self.rerank)
        return Retrieved(query.question, query.query, tuple(passages), tuple(named))

    def answer(self, retrieved: Retrieved) -> Drafted:
        draft = self.answerer.answer(retrieved.question, retrieved.query, retrieved.passages)
        return Drafted(retrieved.question, retrieved.passages, retrieved.named, draft)

    def answer_stream(self, retrieved: Retrieved) -> Iterator[str | Drafted]:
        """``answer``, yielding the text in pieces as the answerer writes it (``Answerer.stream``),
        then the ``Drafted``."""
        draft = None
        for item in self.answerer.stream(retrieved.question, retrieved.query, retrieved.passages):
            if isinstance(item, Draft):
                draft = item
            else:
                yield item
        if draft is None:
            raise RuntimeError(f"the answerer {self.answerer.name!r} streamed no draft")
        yield Drafted(retrieved.question, retrieved.passages, retrieved.named, draft)

    def cite(self, drafted: Drafted) -> Answer:
        """The ``Answer``: the draft's quotes checked against the stored text, as numbered citations."""
        index, draft = self.index, drafted.draft
        documents = {p.source: index.document_of(p) for p in reversed(drafted.passages)}

        def lookup(source: str) -> Document:
            return documents.get(source) or index.get_document(source)

        text, citations, notes = checked_citations(draft, lookup)
        abstained = draft.abstained or not citations
        confidence = draft.confidence
        uncertain = not abstained and confidence is not None and confidence < UNSURE
        alternative = draft.alternative if uncertain else None
        return Answer(
            question=drafted.question,
            text=text if not abstained or draft.abstained else draft.text,
            citations=() if abstained else citations,
            passages=drafted.passages,
            abstained=abstained,
            answerer=self.answerer.name,
            notes=notes,
            grounding=draft.grounding,
            notice=" ".join(filter(None, (draft.notice, scope(drafted.named, drafted.passages)))),
            confidence=None if confidence is None else round(confidence, 3),
            alternative=citation_of(alternative, lookup(alternative.source), 0) if alternative else None,
        )

    def run(self, question: Question) -> Answer:
        """The four steps, one after the other (what the chain does, without LangChain)."""
        return self.cite(self.answer(self.retrieve(self.standalone(question))))


def scope(named: Sequence[str], passages: Sequence[Passage]) -> str:
    """A word for the reader when retrieval kept to the documents the question names (else "")."""
    if not named or not passages or any(p.source not in named for p in passages):
        return ""
    return f"Searched only {', '.join(named)}, which the question names."
