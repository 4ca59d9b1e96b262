"""``ask`` as a LangChain (LCEL) chain: retrieve -> answer -> attach and verify citations.

>>> chain = build_chain(default_index(), "extractive")                  # doctest: +SKIP
>>> chain.invoke({"question": "Who chaired the launch?", "k": 5}).text   # doctest: +SKIP

``stream_answer`` runs the same steps but yields the answer text as the answerer writes it
(generative answerers stream; others give their text at once), then the checked ``Answer``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answerer import Answerer, Draft
from assistant.citations import citation_of, cite
from assistant.extractive import ExtractiveAnswerer
from assistant.question import standalone
from assistant.types import UNSURE, Answer
from knowledge.index import Index


def _generative(index: Index, rerank: bool) -> Answerer:
    from assistant.generative import GenerativeAnswerer

    return GenerativeAnswerer(index.embedder, index.document_of, fallback=get_answerer(index, "extractive", rerank))


# Answerer names a user can choose; each maker builds one for an index.
ANSWERERS: dict[str, Callable[[Index, bool], Answerer]] = {
    # Without reranking, the extractive answerer weighs its evidence by hand-set weights, as before
    # the cross-encoder: `--no-rerank` is the whole earlier pipeline, for comparison.
    "extractive": lambda index, rerank: ExtractiveAnswerer(
        index.embedder,
        index.document_of,
        index.lexical.frequencies,
        stored=index.sentence_vectors,
        unnamed=index.without_names,
        reranker=index.reranker if rerank else None,
    ),
    "llm": _generative,  # a chat model (PRESSROOM_LLM: local | openai | ollama), grounded, extractive fallback
}


_answerers: dict[tuple[int, str, bool], Answerer] = {}


def get_answerer(index: Index, name: str, rerank: bool = True) -> Answerer:
    """The answerer ``name`` for ``index`` (with or without the cross-encoder), built once."""
    from assistant.inputs import check_answerer

    check_answerer(name)
    key = (id(index), name, rerank)
    if key not in _answerers:
        _answerers[key] = ANSWERERS[name](index, rerank)
    return _answerers[key]


class _Steps:
    """The steps of one question, shared by the chain and by ``stream_answer``."""

    def __init__(self, index: Index, answerer: Answerer) -> None:
        self.index, self.answerer = index, answerer

    def query(self, inputs: dict[str, Any]) -> str:
        """The standalone question: the answerer's own rewrite (a model's) if it has one, else by rule."""
        rewrite = getattr(self.answerer, "rewrite", None)
        if rewrite is not None and inputs.get("history"):
            return str(rewrite(inputs["question"], inputs.get("history")))
        return standalone(inputs["question"], inputs.get("history"))

    def retrieve(self, inputs: dict[str, Any]) -> Sequence[Any]:
        return self.index.search(inputs["query"], k=inputs["k"], rerank=inputs.get("rerank", True))

    def answer(self, inputs: dict[str, Any]) -> Any:
        return self.answerer.answer(inputs["question"], inputs["query"], inputs["passages"])

    def assemble(self, inputs: dict[str, Any]) -> Answer:
        index, draft = self.index, inputs["draft"]
        documents = {p.source: index.document_of(p) for p in reversed(inputs["passages"])}
        lookup = lambda source: documents.get(source) or index.get_document(source)
        text, citations, notes = cite(draft, lookup)
        abstained = draft.abstained or not citations
        confidence = getattr(draft, "confidence", None)
        uncertain = not abstained and confidence is not None and confidence < UNSURE
        alternative = getattr(draft, "alternative", None) if uncertain else None
        return Answer(
            question=inputs["question"],
            text=text if not abstained or draft.abstained else draft.text,
            citations=() if abstained else citations,
            passages=tuple(inputs["passages"]),
            abstained=abstained,
            answerer=self.answerer.name,
            notes=notes,
            grounding=getattr(draft, "grounding", ()),
            notice=" ".join(filter(None, (getattr(draft, "notice", ""), self.scope(inputs)))),
            confidence=None if confidence is None else round(confidence, 3),
            alternative=citation_of(alternative, lookup(alternative.source), 0) if alternative else None,
        )

    def scope(self, inputs: dict[str, Any]) -> str:
        """A word for the reader when retrieval kept to the documents the question names (else "")."""
        named = self.index.named_sources(inputs["query"])
        if not named or not inputs["passages"] or any(p.source not in named for p in inputs["passages"]):
            return ""
        return f"Searched only {', '.join(named)}, which the question names."


def _resolve(index: Index, answerer: str | Answerer, rerank: bool = True) -> Answerer:
    return answerer if isinstance(answerer, Answerer) else get_answerer(index, answerer, rerank)


def build_chain(
    index: Index, answerer_name: str | Answerer = "extractive", rerank: bool = True
) -> Runnable[dict[str, Any], Answer]:
    """The chain for one index and answerer (a name, or an ``Answerer``); its input is
    ``{"question", "k", "history", "rerank"}`` (``rerank`` as given here)."""
    steps = _Steps(index, _resolve(index, answerer_name, rerank))
    # Each step adds its result to the inputs. Not ``RunnablePassthrough.assign``: it runs every
    # step through a thread pool created for the call, which cost more than answering (about
    # 1 ms per step for starting and joining threads, against 2-3 ms for the answerer's work).
    return (
        RunnableLambda(_adding("query", steps.query), name="standalone question")
        | RunnableLambda(_adding("passages", steps.retrieve), name="retrieve")
        | RunnableLambda(_adding("draft", steps.answer), name="answer")
        | RunnableLambda(steps.assemble, name="cite")
    )


def _adding(key: str, step: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The step as a function that returns its inputs with the step's result under ``key``."""

    def run(inputs: dict[str, Any]) -> dict[str, Any]:
        return {**inputs, key: step(inputs)}

    return run


def stream_answer(index: Index, answerer: str | Answerer, inputs: dict[str, Any]) -> Iterator[str | Answer]:
    """The chain's steps for ``inputs``, yielding text pieces as written, then the checked ``Answer``.

    The pieces are the model's raw words; the final ``Answer.text`` replaces them (the grounding
    check may remove markers, flag sentences or fall back to the extractive answer).
    """
    steps = _Steps(index, _resolve(index, answerer, inputs.get("rerank", True)))
    state = dict(inputs)
    state["query"] = steps.query(state)
    state["passages"] = steps.retrieve(state)
    stream = getattr(steps.answerer, "stream", None)
    if stream is None:
        draft = steps.answer(state)
        yield draft.text
    else:
        draft = None
        for item in stream(state["question"], state["query"], state["passages"]):
            if isinstance(item, Draft):
                draft = item
            else:
                yield item
        if draft is None:
            raise RuntimeError(f"the answerer {steps.answerer.name!r} streamed no draft")
    state["draft"] = draft
    yield steps.assemble(state)
