"""The answerer interface: from a question and ranked passages to a draft with quoted evidence.

Every answerer answers (``answer``). What only some answerers do their own way is declared here
too, with the default the others get: ``rewrite`` (a follow-up made standalone, by a model) and
``stream`` (the text as it is written, word by word).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.types import SentenceCheck
from knowledge import Passage

ABSTAIN_TEXT = "The sources do not say: none of the indexed passages answers this question."


@dataclass(frozen=True)
class Quote:
    """Evidence the answer cites as ``[marker]``: ``start``/``end`` are offsets in the document ``source``."""

    marker: int
    source: str
    start: int
    end: int


@dataclass(frozen=True)
class Draft:
    """An answerer's output before its quotes are checked against the stored documents."""

    text: str
    quotes: tuple[Quote, ...] = ()
    abstained: bool = False
    notes: tuple[str, ...] = ()
    confidence: float | None = None  # calibrated probability that the answer is right (fitted answerers only)
    alternative: Quote | None = None  # the runner-up sentence, offered when the answer is uncertain
    evidence: tuple[tuple[str, float], ...] = ()  # the best sentence's named features (fitted answerers only)
    grounding: tuple[SentenceCheck, ...] = ()  # generative answers: each sentence the model wrote, checked
    notice: str = ""  # one message for people about how the answer was made ("" when there is nothing to say)


class Answerer(ABC):
    """One way of answering: ``answer`` is required; ``rewrite`` and ``stream`` have defaults."""

    name: str = "answerer"

    @abstractmethod
    def answer(self, question: str, query: str, passages: Sequence[Passage]) -> Draft:
        """Answer ``question`` from ``passages`` (ranked); ``query`` is the standalone form used to retrieve."""

    def rewrite(self, question: str, history: Sequence[object]) -> str | None:
        """The standalone form of a follow-up, for an answerer that makes it its own way (a model's);
        None leaves it to the rule (``assistant.rewrite.standalone``)."""
        return None

    def stream(self, question: str, query: str, passages: Sequence[Passage]) -> Iterator[str | Draft]:
        """The answer's text as it is written (``str`` pieces), then the ``Draft`` (whose text may differ).

        By default the whole text at once: an answerer that writes word by word overrides this.
        """
        draft = self.answer(question, query, passages)
        yield draft.text
        yield draft

    @staticmethod
    def abstain(note: str = "", confidence: float | None = None) -> Draft:
        """The draft that says the sources do not say, with a ``note`` for the record (and the confidence it had)."""
        return Draft(text=ABSTAIN_TEXT, abstained=True, notes=(note,) if note else (), confidence=confidence)
