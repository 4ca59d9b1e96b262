"""What comes with a question, checked the same way wherever it comes from: ``ask``, the command
line, the chat's endpoints.

A value arrives typed (code), as text (a command line) or as JSON (the HTTP API), so ``k`` may come
as ``8``, ``"8"`` or ``8.0``; anything that is not a question, a whole number of passages from 1
to 50 and the name of an answerer is refused with the same one-sentence ``PressroomError``
everywhere, before any work is done.

>>> check_inputs("When was the plan launched?", "8", "extractive")
Inputs(question='When was the plan launched?', k=8, answerer='extractive')
>>> check_inputs("When was the plan launched?", "abc")
Traceback (most recent call last):
knowledge.errors.ConfigError: k must be a whole number from 1 to 50, got 'abc'.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answerer import Answerer
from assistant.registry import check_answerer
from knowledge import check_k, check_question


@dataclass(frozen=True)
class Inputs:
    """A question ready to be asked: stripped text, a number of passages, an answerer (a name or one given by code)."""

    question: str
    k: int
    answerer: str | Answerer


def check_inputs(question: object, k: object = 5, answerer: object = "extractive") -> Inputs:
    """The checked inputs of one question, or the ``PressroomError`` that says what to fix."""
    return Inputs(check_question(question), check_k(k), check_answerer(answerer))
