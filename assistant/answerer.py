"""The answerer interface: from a question and ranked passages to a draft with quoted evidence."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.types import Passage

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


class Answerer(ABC):
    """One way of answering; implementations differ only in ``answer``."""

    name: str = "answerer"

    @abstractmethod
    def answer(self, question: str, query: str, passages: Sequence[Passage]) -> Draft:
        """Answer ``question`` from ``passages`` (ranked); ``query`` is the standalone form used to retrieve."""

    @staticmethod
    def abstain(note: str = "") -> Draft:
        return Draft(text=ABSTAIN_TEXT, abstained=True, notes=(note,) if note else ())
