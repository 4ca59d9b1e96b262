"""The answer and its citations: what ``ask`` returns to code, the CLI and the chat."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from knowledge.types import Passage


@dataclass(frozen=True)
class Citation:
    """Evidence for the ``[marker]`` in an answer: ``quote == get_document(source).text[start:end]``."""

    marker: int
    source: str
    title: str
    quote: str
    start: int
    end: int
    page: int | None = None


@dataclass(frozen=True)
class Answer:
    """An answer with ``[n]`` markers, its verified citations and every passage retrieved, in rank order."""

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    abstained: bool = False
    answerer: str = "extractive"
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON: ``question``, ``text``, ``citations``, ``passages``, ``abstained``, ..."""
        return asdict(self)
