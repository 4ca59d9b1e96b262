"""Pressroom's assistant: answers with ``[n]`` markers and citations verified against the sources.

>>> from assistant import ask
>>> answer = ask("When was the plan launched?")    # doctest: +SKIP
>>> answer.citations[0].quote[:30]                  # doctest: +SKIP
'Bamako – The Minister of Justi'
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from assistant.inputs import check_inputs
from assistant.types import Answer, Citation, SentenceCheck
from knowledge.errors import ConfigError, PressroomError, QuestionError
from knowledge.index import Index, default_index

if TYPE_CHECKING:
    from assistant.answerer import Answerer


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
    return chain.invoke({"question": inputs.question, "k": inputs.k, "history": list(history or []), "rerank": bool(rerank)})


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


__all__ = ["Answer", "Citation", "ConfigError", "PressroomError", "QuestionError", "SentenceCheck", "ask", "ask_stream"]
