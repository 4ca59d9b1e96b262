"""Turning an answerer's quotes into citations that are checked against the stored text.

A quote whose offsets do not give back its text is dropped with its marker: a citation that
cannot be verified is never shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answerer import Draft, Quote
from assistant.types import Citation
from knowledge import Document, language_at


def cite(draft: Draft, documents: Callable[[str], Document]) -> tuple[str, tuple[Citation, ...], tuple[str, ...]]:
    """``(text, citations, notes)``: each citation verified, markers renumbered 1..n in order of use."""
    citations: list[Citation] = []
    notes = list(draft.notes)
    renumber: dict[int, int] = {}
    for quote in draft.quotes:
        document = documents(quote.source)
        if not 0 <= quote.start < quote.end <= len(document.text):
            notes.append(f"dropped [{quote.marker}]: offsets {quote.start}-{quote.end} are outside {quote.source}")
            continue
        renumber[quote.marker] = len(citations) + 1
        citations.append(citation_of(quote, document, len(citations) + 1))

    def replace(match: re.Match[str]) -> str:
        number = renumber.get(int(match.group(1)))
        return f"[{number}]" if number else ""

    text = re.sub(r"\s?\[(\d+)\]", lambda m: (" " if m.group(0).startswith(" ") else "") + replace(m), draft.text)
    text = re.sub(r" +\[", " [", re.sub(r"\s+([.,;])", r"\1", text)).strip()
    return text, tuple(citations), tuple(notes)


def citation_of(quote: Quote, document: Document, marker: int) -> Citation:
    """The citation of ``quote`` (offsets already checked to lie in ``document``), numbered ``marker``."""
    return Citation(
        marker=marker,
        source=quote.source,
        title=document.title,
        quote=document.text[quote.start : quote.end],
        start=quote.start,
        end=quote.end,
        page=document.page_at(quote.start),
        language=language_at(document.text, quote.start, quote.end),
    )


def verify(citation: Citation, document: Document) -> bool:
    """The contract every citation keeps: its quote is the stored text at its offsets."""
    return document.source == citation.source and document.text[citation.start : citation.end] == citation.quote
