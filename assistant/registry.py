"""The answerers a person can choose by name (``--answerer``, the chat's Settings), each built once per index.

An answerer is loaded on first use: the extractive one pulls in the embedding and reranking code,
the generative one LangChain's chat models.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.answerer import Answerer
from knowledge import ConfigError, Index, brief


def _extractive(index: Index, rerank: bool) -> Answerer:
    from assistant.extractive import ExtractiveAnswerer

    # Without reranking, the extractive answerer weighs its evidence by hand-set weights, as before
    # the cross-encoder: `--no-rerank` is the whole earlier pipeline, for comparison.
    return ExtractiveAnswerer(
        index.embedder,
        index.document_of,
        index.lexical.frequencies,
        stored=index.sentence_vectors,
        unnamed=index.without_names,
        reranker=index.reranker if rerank else None,
    )


def _generative(index: Index, rerank: bool) -> Answerer:
    from assistant.generative import GenerativeAnswerer

    return GenerativeAnswerer(index.embedder, index.document_of, fallback=answerer_for(index, "extractive", rerank))


# Answerer names a person can choose; each maker builds one for an index.
ANSWERERS: dict[str, Callable[[Index, bool], Answerer]] = {
    "extractive": _extractive,
    "llm": _generative,  # a chat model (PRESSROOM_LLM: local | openai | ollama), grounded, extractive fallback
}

_answerers: dict[tuple[int, str, bool], Answerer] = {}


def check_answerer(answerer: object) -> str | Answerer:
    """A registered answerer's name (or an ``Answerer`` given by code), else a ``ConfigError`` naming the choices."""
    if isinstance(answerer, Answerer):
        return answerer
    if not isinstance(answerer, str) or answerer not in ANSWERERS:
        raise ConfigError(f"Unknown answerer {brief(answerer)}: choose one of {', '.join(sorted(ANSWERERS))}.")
    return answerer


def get_answerer(index: Index, name: str, rerank: bool = True) -> Answerer:
    """The answerer ``name`` for ``index`` (with or without the cross-encoder), built once."""
    return answerer_for(index, check_answerer(name), rerank)


def answerer_for(index: Index, answerer: str | Answerer, rerank: bool = True) -> Answerer:
    """The answerer for a name already checked (``check_answerer``), or the ``Answerer`` given by code."""
    if isinstance(answerer, Answerer):
        return answerer
    key = (id(index), answerer, rerank)
    if key not in _answerers:
        _answerers[key] = ANSWERERS[answerer](index, rerank)
    return _answerers[key]
