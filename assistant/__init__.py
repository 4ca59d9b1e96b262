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

from assistant.inputs import check_inputs
from assistant.types import Answer, Citation, SentenceCheck
from knowledge import ConfigError, Index, PressroomError, QuestionError, default_index

if TYPE_CHECKING:
    from assistant.analysis import analyse
    from assistant.answerer import Answerer
    from assistant.chain import ANSWERERS, get_answerer, stream_answer
    from assistant.extractive import ExtractiveAnswerer, Rules
    from assistant.fitted import FEATURES, FittedModel, save_model, vector, weights_path

# The parts the evaluation suite, the chat and the benchmarks build on, loaded on first use (the
# answerers pull in LangChain): name -> module.
_LAZY: dict[str, str] = {
    "ANSWERERS": "assistant.chain",
    "Answerer": "assistant.answerer",
    "ExtractiveAnswerer": "assistant.extractive",
    "FEATURES": "assistant.fitted",
    "FittedModel": "assistant.fitted",
    "Rules": "assistant.extractive",
    "analyse": "assistant.analysis",
    "get_answerer": "assistant.chain",
    "save_model": "assistant.fitted",
    "stream_answer": "assistant.chain",
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
    from assistant.chain import build_chain

    inputs = check_inputs(question, k, answerer)
    chain = build_chain(index or default_index(), inputs.answerer, rerank)
    return chain.invoke(
        {"question": inputs.question, "k": inputs.k, "history": list(history or []), "rerank": bool(rerank)}
    )


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
    from assistant.chain import stream_answer

    inputs = check_inputs(question, k, answerer)
    state = {"question": inputs.question, "k": inputs.k, "history": list(history or []), "rerank": bool(rerank)}
    return stream_answer(index or default_index(), inputs.answerer, state)


__all__ = [
    "ANSWERERS",
    "FEATURES",
    "Answer",
    "Answerer",
    "Citation",
    "ConfigError",
    "ExtractiveAnswerer",
    "FittedModel",
    "PressroomError",
    "QuestionError",
    "Rules",
    "SentenceCheck",
    "analyse",
    "ask",
    "ask_stream",
    "check_inputs",
    "get_answerer",
    "save_model",
    "stream_answer",
    "vector",
    "weights_path",
]
