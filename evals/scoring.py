"""Scoring one question: from a dataset item and the answer given to what went right and wrong.

The result keeps everything a report shows (answer, expected answers, citations, retrieved
passages) with the per-question facts the metrics average: the support ranks, whether the
answer is correct, whether each citation supports it and quotes the document exactly.

>>> result = score_question(item, answer, seconds=0.2, document_text=lambda s: text)   # doctest: +SKIP
>>> result.outcome, result.problems                                                    # doctest: +SKIP
('correct', ())
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from evals.dataset import Item
from evals.matching import contains_support, support_spans
from evals.metrics import answer_words, is_correct, quote_is_valid, support_ranks, supports

# Looks up the stored text of a document (None when it is unknown); offsets are checked against it.
TextLookup = Callable[[str], "str | None"]


@dataclass(frozen=True)
class PassageView:
    """A retrieved passage as reports show it; ``supports`` says whether it holds a support string."""

    rank: int
    source: str
    start: int
    end: int
    text: str
    score: float
    supports: bool


@dataclass(frozen=True)
class CitationCheck:
    """A citation with the two checks made on it."""

    marker: int
    source: str
    start: int
    end: int
    quote: str
    valid: bool  # quote == stored text[start:end]
    supports: bool  # quotes the item's source where a support string is


@dataclass(frozen=True)
class QuestionResult:
    """How a system did on one question."""

    id: str
    question: str
    kind: str
    answerable: bool
    source: str
    expected: tuple[str, ...]
    support: tuple[str, ...]
    answer: str
    abstained: bool
    correct: bool  # answerable: an accepted answer is in the answer; unanswerable: it abstained
    words: int
    support_first: tuple[int | None, ...]  # per support string, first rank that holds it (None: missed)
    citations: tuple[CitationCheck, ...]
    passages: tuple[PassageView, ...]
    seconds: float
    error: str = ""
    notes: tuple[str, ...] = ()  # the system's own account of how it answered (e.g. why it abstained)
    pair: str = ""  # the item's language pair ("fr→en"), when its dataset gives one

    @property
    def support_rank(self) -> int | None:
        found = [rank for rank in self.support_first if rank is not None]
        return min(found) if found else None

    @property
    def outcome(self) -> str:
        """One of: correct, wrong answer, false abstention, abstained (rightly), false answer, error."""
        if self.error:
            return "error"
        if self.answerable:
            return "false abstention" if self.abstained else ("correct" if self.correct else "wrong answer")
        return "abstained" if self.abstained else "false answer"

    @property
    def failure(self) -> str | None:
        """Why a wrong outcome happened, as the answerer's tuner needs it; None when the outcome is right.

        retrieval miss (no retrieved passage holds the support), wrong sentence picked (it did, and
        the answer lacks every accepted form), wrong abstention (it did, and the system abstained),
        false answer (the documents do not say, and it answered), or error.
        """
        outcome = self.outcome
        if outcome in ("correct", "abstained"):
            return None
        if outcome in ("error", "false answer"):
            return outcome
        if self.support_rank is None:
            return "retrieval miss"
        return "wrong abstention" if outcome == "false abstention" else "wrong sentence picked"

    @property
    def problems(self) -> tuple[str, ...]:
        """Everything that went wrong, worst first; empty for a clean result."""
        found = [] if self.outcome in ("correct", "abstained") else [self.outcome]
        if self.answerable and not self.error and self.support_rank is None:
            found.append("support not retrieved")
        if self.answerable and not self.abstained and not self.error and not any(c.supports for c in self.citations):
            found.append("no supporting citation")
        found.extend(f"invalid quote [{c.marker}]" for c in self.citations if not c.valid)
        return tuple(found)


def score_question(item: Item, answer: Any, seconds: float, document_text: TextLookup) -> QuestionResult:
    """Score ``answer`` (an ``assistant.Answer`` or anything with the same fields) for ``item``."""
    spans = support_spans_of(item, document_text)
    checks = tuple(
        CitationCheck(
            marker=c.marker,
            source=c.source,
            start=c.start,
            end=c.end,
            quote=c.quote,
            valid=quote_is_valid(c, document_text(c.source)),
            supports=item.answerable and supports(c, item.source, spans),
        )
        for c in answer.citations
    )
    ranks = support_ranks(answer.passages, item.source, item.support)
    return QuestionResult(
        id=item.id,
        question=item.question,
        kind=item.kind,
        answerable=item.answerable,
        source=item.source,
        expected=item.answers,
        support=item.support,
        answer=answer.text,
        abstained=bool(answer.abstained),
        correct=is_correct(answer.text, answer.abstained, item.answers) if item.answerable else bool(answer.abstained),
        words=answer_words(answer.text),
        support_first=ranks.first,
        citations=checks,
        passages=tuple(
            PassageView(rank, p.source, p.start, p.end, p.text, float(p.score), _holds_support(p, item))
            for rank, p in enumerate(answer.passages, 1)
        ),
        seconds=seconds,
        notes=tuple(str(note) for note in getattr(answer, "notes", ()) or ()),
        pair=item.pair,
    )


def failed_question(item: Item, error: str, seconds: float) -> QuestionResult:
    """The result of a question the system could not answer at all (it raised ``error``)."""
    return QuestionResult(
        id=item.id, question=item.question, kind=item.kind, answerable=item.answerable, source=item.source,
        expected=item.answers, support=item.support, answer="", abstained=False, correct=False, words=0,
        support_first=tuple(None for _ in item.support), citations=(), passages=(), seconds=seconds, error=error,
        pair=item.pair,
    )  # fmt: skip


def _holds_support(passage: Any, item: Item) -> bool:
    return passage.source == item.source and any(contains_support(passage.text, s) for s in item.support)


def support_spans_of(item: Item, document_text: TextLookup) -> list[tuple[int, int]]:
    """Every place in the item's source where one of its support strings occurs."""
    text = document_text(item.source) if item.answerable else None
    return [span for support in item.support for span in support_spans(text, support)] if text else []
