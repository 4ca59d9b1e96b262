"""Citation metrics: do the quotes prove the answer, and are they really in the documents?

A citation supports an answer when it quotes the item's source at offsets that contain or
overlap one occurrence of a support string. Its quote is valid when it equals the stored
document text at its offsets: the contract every Pressroom citation keeps.

>>> from types import SimpleNamespace as C
>>> cite = C(source="doc", start=10, end=40, quote="...")
>>> supports(cite, "doc", [(35, 60)]), supports(cite, "doc", [(40, 60)]), supports(cite, "other", [(35, 60)])
(True, False, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

Span = tuple[int, int]


class CitationLike(Protocol):
    """What these metrics need of a citation (``assistant.Citation`` has it)."""

    @property
    def source(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def quote(self) -> str: ...


def supports(citation: CitationLike, source: str, support_spans: Sequence[Span]) -> bool:
    """True when ``citation`` quotes ``source`` and its ``[start, end)`` shares a character with a support span."""
    return citation.source == source and any(
        citation.start < end and start < citation.end for start, end in support_spans
    )


def quote_is_valid(citation: CitationLike, document_text: str | None) -> bool:
    """True when the quote is exactly ``document_text[start:end]`` (False when the document is unknown).

    >>> from types import SimpleNamespace as C
    >>> quote_is_valid(C(source="d", start=4, end=9, quote="quick"), "The quick fox")
    True
    """
    if document_text is None or not 0 <= citation.start <= citation.end <= len(document_text):
        return False
    return document_text[citation.start : citation.end] == citation.quote


def citation_precision(supporting: Sequence[Sequence[bool]]) -> float | None:
    """precision = Σ_q |supporting citations of q| / Σ_q |citations of q|, over answered answerable questions.

    ``supporting`` holds, per question, one flag per citation. None when there are no citations.

    >>> citation_precision([[True, False], [True], []])
    0.6666666666666666
    """
    flags = [flag for question in supporting for flag in question]
    return sum(flags) / len(flags) if flags else None


def citation_recall(supporting: Sequence[Sequence[bool]]) -> float | None:
    """recall = |{q answered : some citation of q supports}| / |{q answered}|, over answered answerable questions.

    A question answered without any citation counts as not supported. None when nothing was answered.

    >>> citation_recall([[True, False], [False], []])
    0.3333333333333333
    """
    return sum(1 for question in supporting if any(question)) / len(supporting) if supporting else None


def quote_validity(valid: Sequence[bool]) -> float | None:
    """validity = |{citations whose quote equals the stored text at its offsets}| / |citations|, over all questions.

    None when no citation was given at all.
    """
    return sum(valid) / len(valid) if valid else None
