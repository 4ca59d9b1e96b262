"""``ask`` as a LangChain (LCEL) chain: retrieve -> answer -> attach and verify citations.

>>> chain = build_chain(default_index(), "extractive")                  # doctest: +SKIP
>>> chain.invoke({"question": "Who chaired the launch?", "k": 5}).text   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from assistant.answerer import Answerer
from assistant.citations import cite
from assistant.extractive import ExtractiveAnswerer
from assistant.question import standalone
from assistant.types import Answer
from knowledge.errors import ConfigError
from knowledge.index import Index

# Answerer names a user can choose; each maker builds one for an index.
ANSWERERS: dict[str, Callable[[Index], Answerer]] = {
    "extractive": lambda index: ExtractiveAnswerer(index.embedder, index.document_of, index.lexical.known),
}


_answerers: dict[tuple[int, str], Answerer] = {}


def get_answerer(index: Index, name: str) -> Answerer:
    """The answerer ``name`` for ``index``, built once."""
    if name not in ANSWERERS:
        raise ConfigError(f"Unknown answerer {name!r}: choose one of {', '.join(sorted(ANSWERERS))}.")
    key = (id(index), name)
    if key not in _answerers:
        _answerers[key] = ANSWERERS[name](index)
    return _answerers[key]


def build_chain(index: Index, answerer_name: str = "extractive") -> Runnable[dict[str, Any], Answer]:
    """The chain for one index and answerer; its input is ``{"question", "k", "history"}``."""
    answerer = get_answerer(index, answerer_name)

    def retrieve(inputs: dict[str, Any]) -> Sequence[Any]:
        return index.search(inputs["query"], k=inputs["k"])

    def answer(inputs: dict[str, Any]) -> Any:
        return answerer.answer(inputs["question"], inputs["query"], inputs["passages"])

    def assemble(inputs: dict[str, Any]) -> Answer:
        draft = inputs["draft"]
        documents = {p.source: index.document_of(p) for p in reversed(inputs["passages"])}
        text, citations, notes = cite(draft, lambda source: documents.get(source) or index.get_document(source))
        abstained = draft.abstained or not citations
        return Answer(
            question=inputs["question"],
            text=text if not abstained or draft.abstained else draft.text,
            citations=() if abstained else citations,
            passages=tuple(inputs["passages"]),
            abstained=abstained,
            answerer=answerer.name,
            notes=notes,
        )

    return (
        RunnablePassthrough.assign(query=RunnableLambda(lambda x: standalone(x["question"], x.get("history"))))
        | RunnablePassthrough.assign(passages=RunnableLambda(retrieve))
        | RunnablePassthrough.assign(draft=RunnableLambda(answer))
        | RunnableLambda(assemble)
    )
