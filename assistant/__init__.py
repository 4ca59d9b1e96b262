"""Pressroom's assistant: answers with ``[n]`` markers and citations verified against the sources.

>>> from assistant import ask
>>> answer = ask("When was the plan launched?")    # doctest: +SKIP
>>> answer.citations[0].quote[:30]                  # doctest: +SKIP
'Bamako – The Minister of Justi'
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.types import Answer, Citation
from knowledge.errors import ConfigError, PressroomError, QuestionError
from knowledge.index import Index, check_k, check_question, default_index


def ask(
    question: str,
    history: Sequence[object] | None = None,
    k: int = 5,
    answerer: str = "extractive",
    index: Index | None = None,
) -> Answer:
    """Answer ``question`` from the indexed documents, with citations that quote them exactly.

    ``history`` holds earlier turns (``(user, assistant)`` pairs or ``{"role", "content"}``
    messages) so that follow-ups such as "Who chaired it?" work. Raises a ``PressroomError``
    with a message for people when the question or the index cannot be used.
    """
    from assistant.chain import build_chain

    question, k = check_question(question), check_k(k)
    chain = build_chain(index or default_index(), answerer)
    return chain.invoke({"question": question, "k": k, "history": list(history or [])})


__all__ = ["Answer", "Citation", "ConfigError", "PressroomError", "QuestionError", "ask"]
