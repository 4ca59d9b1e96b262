"""The candidate answers of the extractive answerer: the sentences of the retrieved passages.

Each sentence is taken at its offsets in the stored document, with what it must be read with: the
sentence that closes a quotation it opens (naming the speaker), or the sentence it refers back to.
How well a candidate answers is ``assistant.extractive``'s business.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.prompt import looks_like_instruction
from assistant.sentences import DEFINES, closing_quote, refers_back, statement_units, unit_before
from knowledge import Document, Passage


@dataclass(frozen=True)
class Candidate:
    """A sentence that might answer, with its evidence."""

    passage_rank: int
    source: str
    start: int
    end: int
    text: str
    closing: tuple[int, int, str] | None = None  # the sentence that closes a quotation this one opens
    antecedent: str = ""  # the sentence before, when this one refers back to it ("These two initiatives ...")
    antecedent_start: int = -1  # where that sentence starts
    meaning: float = 0.0  # cosine similarity of sentence and question
    words: float = 0.0  # share of the question's focus terms found in the sentence (its title counts less)
    kind: float = 0.0  # 1 holds the kind of answer asked for, 0.5 partly, 0 not (1 when any kind will do)
    ce: float = 0.0  # the cross-encoder's logit for (question, sentence); 0 when it was not asked
    score: float = 0.0
    features: tuple[tuple[str, float], ...] = ()  # the named evidence the fitted model weighed (see assistant.fitted)


def candidate_sentences(
    passages: Sequence[Passage], documents: Callable[[Passage], Document], headings: bool = False
) -> list[Candidate]:
    """Sentences of the passages, at their offsets in the stored document (``documents(passage)``).

    Headings, and lines written like titles ('The "Artistic License"'), are left out unless
    asked for: they name a topic rather than state a fact, except for the odd date or version
    line ("Version 2, June 1991") that a typed question wants.
    """
    seen: set[tuple[str, int, int]] = set()
    result = []
    for rank, passage in enumerate(passages):
        document = documents(passage)
        sentences = statement_units(
            document.source, document.sha256 or document.added, document.text, statements=not headings
        )
        for number, unit in enumerate(sentences):
            # A sentence the chunker cut in two belongs to the passage that holds most of it.
            inside = 2 * (min(unit.end, passage.end) - max(unit.start, passage.start)) >= unit.end - unit.start
            key = (passage.source, unit.start, unit.end)
            text = document.text[unit.start : unit.end]
            # Text addressed to a model ("ignore your instructions ...") is never evidence, as in the LLM's grounding.
            if inside and key not in seen and len(text.split()) >= 3 and not looks_like_instruction(text):
                seen.add(key)
                closing = closing_quote(document.text, sentences, number)
                points_back = number > 0 and refers_back(document.text, sentences, number)
                before = sentences[number - 1] if points_back else None
                if DEFINES.match(text):  # '"Larger Work"' / 'means a work that ...': the term is the line before
                    before = unit_before(document.source, document.sha256 or document.added, document.text, unit.start)
                antecedent = document.text[before.start : before.end] if before else ""
                start = before.start if before else -1
                result.append(Candidate(rank, passage.source, unit.start, unit.end, text, closing, antecedent, start))
    return result


def adjacent(candidate: Candidate) -> bool:
    """True when the quotation ``candidate`` opens closes in the very next sentence (one span holds both)."""
    return candidate.closing is not None and candidate.closing[0] - candidate.end <= 3


def with_closing(candidate: Candidate) -> Candidate:
    """The quotation ``candidate`` opens, up to the sentence naming its speaker, as one quote."""
    assert candidate.closing is not None
    _, end, text = candidate.closing
    return replace(candidate, end=end, text=f"{candidate.text} {text}", closing=None)


def closes_in(opener: Candidate, closer: Candidate) -> bool:
    """True when ``opener`` opens a quotation that closes, in the very next sentence, with ``closer``."""
    return adjacent(opener) and opener.source == closer.source and opener.closing[:2] == (closer.start, closer.end)  # type: ignore[index]


def overlaps(candidate: Candidate, other: Candidate) -> bool:
    """True when the two quote some of the same text."""
    return candidate.source == other.source and candidate.start < other.end and other.start < candidate.end
