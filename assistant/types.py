"""The answer and its citations: what ``ask`` returns to code, the CLI and the chat."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from knowledge import Passage, detect_language

# Below this calibrated confidence an answer is shown as uncertain, with the runner-up sentence
# beside it. On the eight training sets (2026-12-07), 41 of the 66 answers under 0.8 were right
# (62%), and 223 of the 247 above it (90%).
UNSURE = 0.8


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
    language: str = ""  # the quoted source's language, "en" or "fr" ("" when not known)


@dataclass(frozen=True)
class SentenceCheck:
    """The grounding check of one sentence a language model wrote.

    ``supported`` is true when the passages it cites (``markers``, numbered as in ``Answer.text``)
    state what it says; ``score`` is the evidence (0-1) and ``reason`` says why it failed.
    """

    sentence: str
    supported: bool
    markers: tuple[int, ...] = ()
    score: float = 0.0
    reason: str = ""


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
    # Generative answers only: each sentence the model wrote, checked against the passages it cites.
    grounding: tuple[SentenceCheck, ...] = ()
    # One message for people about how the answer was made, e.g. "The model server at ... cannot be
    # reached; this is the extractive answer." Empty when there is nothing to say.
    notice: str = ""
    # The question's language ("en" or "fr"), found from the question when not given: a written
    # answer uses it, while each citation's ``language`` says what language its source is in.
    language: str = ""
    # The calibrated probability (0-1) that the quoted sentence answers the question; None when the
    # answerer has no fitted model for this question (the LLM, a French question). With it, for an
    # uncertain answer, the best sentence not quoted (marker 0), for the reader to compare.
    confidence: float | None = None
    alternative: Citation | None = None

    def __post_init__(self) -> None:
        if not self.language:
            object.__setattr__(self, "language", detect_language(self.question))

    @property
    def uncertain(self) -> bool:
        """True for an answer (not a refusal) whose confidence is below ``UNSURE``."""
        return not self.abstained and self.confidence is not None and self.confidence < UNSURE

    @property
    def source_languages(self) -> tuple[str, ...]:
        """The languages of the cited sources, in order of first citation, each once: ``("fr",)``."""
        return tuple(dict.fromkeys(c.language for c in self.citations if c.language))

    @property
    def unsupported(self) -> tuple[str, ...]:
        """Sentences of ``text`` that the sources do not support (shown flagged, never cited)."""
        return tuple(c.sentence for c in self.grounding if not c.supported and c.sentence in self.text)

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON: ``question``, ``text``, ``citations``, ``passages``, ``abstained``, ..."""
        return asdict(self)
