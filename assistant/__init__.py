"""Pressroom's assistant: answers with ``[n]`` markers and citations verified against the sources.

>>> from assistant import ask
>>> answer = ask("When was the plan launched?")    # doctest: +SKIP
>>> answer.citations[0].quote[:30]                  # doctest: +SKIP
'Bamako – The Minister of Justi'
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from assistant.inputs import Inputs, check_inputs
from assistant.types import Answer, Citation, SentenceCheck
from knowledge import ConfigError, Index, PressroomError, QuestionError, default_index

if TYPE_CHECKING:
    from assistant.analysis import analyse
    from assistant.answerer import Answerer, Draft, Quote
    from assistant.chain import build_chain
    from assistant.extractive import ExtractiveAnswerer, Rules
    from assistant.fitted import FEATURES, FittedModel, save_model, vector, weights_path
    from assistant.registry import ANSWERERS, get_answerer
    from assistant.steps import Pipeline, Question

# The parts the evaluation suite, the chat and the benchmarks build on, loaded on first use (the
# answerers pull in LangChain): name -> module.
_LAZY: dict[str, str] = {
    "ANSWERERS": "assistant.registry",
    "Answerer": "assistant.answerer",
    "Draft": "assistant.answerer",
    "ExtractiveAnswerer": "assistant.extractive",
    "FEATURES": "assistant.fitted",
    "FittedModel": "assistant.fitted",
    "Pipeline": "assistant.steps",
    "Question": "assistant.steps",
    "Quote": "assistant.answerer",
    "Rules": "assistant.extractive",
    "analyse": "assistant.analysis",
    "build_chain": "assistant.chain",
    "get_answerer": "assistant.registry",
    "save_model": "assistant.fitted",
    "vector": "assistant.fitted",
    "weights_path": "assistant.fitted",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)


def ask(
    question: str,
    history: Sequence[object] | None = None,
    k: int = 5,
    answerer: str | Answerer = "extractive",
    index: Index | None = None,
    rerank: bool = True,
) -> Answer:
    """Answer ``question`` from the indexed documents, with citations that quote them exactly.

    ``history`` holds earlier turns (``(user, assistant)`` pairs or ``{"role", "content"}``
    messages) so that follow-ups such as "Who chaired it?" work. ``rerank=False`` leaves out the
    cross-encoder (retrieval's fused order, hand-set answer weights), for comparison. Raises a
    ``PressroomError`` with a message for people when the question, ``k``, the answerer or the index
    cannot be used (``assistant.inputs``: the same messages as the command line and the chat's endpoints).
    """
    inputs = check_inputs(question, k, answerer)
    return _chain(index or default_index(), inputs, rerank).invoke(_question(inputs, history))


def ask_stream(
    question: str,
    history: Sequence[object] | None = None,
    k: int = 5,
    answerer: str | Answerer = "extractive",
    index: Index | None = None,
    rerank: bool = True,
) -> Iterator[str | Answer]:
    """Like ``ask``, but yields the answer text in pieces as it is written, then the final ``Answer``.

    The pieces are what the answerer writes (a model's raw words); show them while they come, then
    replace them by ``Answer.text``, which is checked: markers to no passage removed, unsupported
    sentences flagged (``Answer.unsupported``), or the extractive answer given instead (``Answer.notice``).

    >>> for item in ask_stream("When was the plan launched?", answerer="llm"):   # doctest: +SKIP
    ...     print(item if isinstance(item, str) else "\n" + item.text)
    """
    inputs = check_inputs(question, k, answerer)  # at once: a mistake is refused before the first piece
    return _streamed(index or default_index(), inputs, _question(inputs, history), rerank)


def _streamed(index: Index, inputs: Inputs, question: Question, rerank: bool) -> Iterator[str | Answer]:
    yield from _chain(index, inputs, rerank).stream(question)


def _chain(index: Index, inputs: Inputs, rerank: bool) -> Any:
    """The chain for checked ``inputs`` (``build_chain``), its answerer built once per index."""
    from assistant.chain import build_chain
    from assistant.registry import answerer_for

    return build_chain(index, answerer_for(index, inputs.answerer, rerank), rerank)


def _question(inputs: Inputs, history: Sequence[object] | None) -> Question:
    from assistant.steps import Question

    return Question(inputs.question, inputs.k, tuple(history or ()))


__all__ = [
    "ANSWERERS",
    "FEATURES",
    "Answer",
    "Answerer",
    "Citation",
    "ConfigError",
    "Draft",
    "ExtractiveAnswerer",
    "FittedModel",
    "Pipeline",
    "PressroomError",
    "Question",
    "QuestionError",
    "Quote",
    "Rules",
    "SentenceCheck",
    "analyse",
    "ask",
    "ask_stream",
    "build_chain",
    "check_inputs",
    "get_answerer",
    "save_model",
    "vector",
    "weights_path",
]
