"""The answer pipeline: its typed steps, written once (``assistant.steps``), run by the LangChain chain
(invoked by ``ask``, streamed by ``ask_stream``) and by ``Pipeline.run``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from langchain_core.runnables import Runnable

import assistant.inputs
import assistant.registry
from assistant import Answer, ask, ask_stream
from assistant.answerer import Answerer, Draft, Quote
from assistant.chain import build_chain
from assistant.registry import get_answerer
from assistant.steps import Drafted, Pipeline, Query, Question, Retrieved
from knowledge import Index, Passage
from knowledge.catalogue import DocumentCatalogue

QUESTION = "When was the plan launched?"


@pytest.fixture
def index(fake_index: Index) -> Index:
    fake_index.ensure_default()
    return fake_index


class FirstWords(Answerer):
    """Quotes the first words of the best passage; declares nothing but ``answer``."""

    name = "first-words"

    def answer(self, question: str, query: str, passages: Sequence[Passage]) -> Draft:
        best = passages[0]
        return Draft(f"{best.text[:30]} [1]", (Quote(1, best.source, best.start, best.start + 30),))


class Writer(FirstWords):
    """Writes word by word, and rewrites follow-ups its own way."""

    def __init__(self) -> None:
        self.written = 0
        self.closed = False

    def rewrite(self, question: str, history: Sequence[object]) -> str | None:
        return "When was the National Action Plan launched?"

    def stream(self, question: str, query: str, passages: Sequence[Passage]) -> Iterator[str | Draft]:
        try:
            for word in ["It ", "was ", "launched ", "in ", "2023 ", "[1]."] * 50:
                self.written += 1
                yield word
            yield self.answer(question, query, passages)
        finally:
            self.closed = True


def test_invoked_streamed_and_run_the_answer_is_the_same(index: Index) -> None:
    answerer = get_answerer(index, "extractive")
    chain = build_chain(index, answerer)
    assert isinstance(chain, Runnable)
    question = Question(QUESTION, 3)
    invoked = chain.invoke(question)
    *pieces, streamed = list(chain.stream(question))
    assert isinstance(invoked, Answer) and invoked.citations
    assert invoked == streamed == Pipeline(index, answerer).run(question)
    assert len(pieces) == 1  # the extractive answerer gives its text at once


def test_each_step_takes_a_value_and_gives_the_next(index: Index) -> None:
    steps = Pipeline(index, get_answerer(index, "extractive"))
    query = steps.standalone(Question("Who chaired it?", 3, ((QUESTION, "On 19 October 2023 [1]."),)))
    assert query == Query("Who chaired it?", f"Who chaired it? ({QUESTION})", 3)  # by rule
    retrieved = steps.retrieve(query)
    assert isinstance(retrieved, Retrieved) and len(retrieved.passages) == 3 and retrieved.named == ()
    drafted = steps.answer(retrieved)
    assert isinstance(drafted, Drafted) and drafted.draft.quotes
    answer = steps.cite(drafted)
    assert isinstance(answer, Answer) and answer.question == "Who chaired it?" and answer.citations


def test_an_answerer_that_declares_only_answer_gets_the_defaults(index: Index) -> None:
    answerer = FirstWords()
    assert answerer.rewrite("Who chaired it?", [(QUESTION, "")]) is None  # the rule rewrites for it
    passages = index.search(QUESTION, k=2)
    draft = answerer.answer(QUESTION, QUESTION, passages)
    assert list(answerer.stream(QUESTION, QUESTION, passages)) == [draft.text, draft]  # its text at once
    assert (draft.grounding, draft.notice, draft.confidence, draft.alternative) == ((), "", None, None)
    *pieces, final = list(ask_stream(QUESTION, answerer=answerer, index=index))
    assert pieces == [draft.text] and final == ask(QUESTION, answerer=answerer, index=index)
    assert final.answerer == "first-words" and final.citations[0].quote == passages[0].text[:30]


def test_an_answerer_that_rewrites_and_streams_is_used_for_both(index: Index) -> None:
    writer = Writer()
    query = Pipeline(index, writer).standalone(Question("And when?", 3, (("Who chaired it?", "A minister."),)))
    assert query.query == "When was the National Action Plan launched?"
    assert Pipeline(index, writer).standalone(Question("And when?", 3)).query == "And when?"  # no history, no rewrite
    *pieces, final = list(ask_stream(QUESTION, answerer=writer, index=index))
    assert len(pieces) == 300 and isinstance(final, Answer) and final.citations


def test_a_stream_closed_early_stops_the_answerer_at_once(index: Index) -> None:
    writer = Writer()
    stream = ask_stream(QUESTION, answerer=writer, index=index)
    assert next(stream) == "It "
    stream.close()
    assert writer.closed and writer.written <= 2  # not written to the end for no one


def test_the_question_is_checked_once_per_ask(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[object] = []
    check = assistant.registry.check_answerer

    def counted(answerer: object) -> object:
        checks.append(answerer)
        return check(answerer)

    monkeypatch.setattr(assistant.registry, "check_answerer", counted)
    monkeypatch.setattr(assistant.inputs, "check_answerer", counted)
    ask(QUESTION, index=index)
    list(ask_stream(QUESTION, index=index))
    assert checks == ["extractive", "extractive"]


def test_document_names_are_matched_once_per_question(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    matched: list[str] = []
    named_sources = DocumentCatalogue.named_sources  # Index.named_sources and the searcher both ask it

    def counted(self: DocumentCatalogue, question: str) -> list[str]:
        matched.append(question)
        return named_sources(self, question)

    monkeypatch.setattr(DocumentCatalogue, "named_sources", counted)
    ask(QUESTION, index=index)
    assert matched == [QUESTION]
