"""What a question asks, worked out once per question (not once per candidate sentence).

>>> a = analyse("Who funded the plan?", "Who funded the plan?", lambda terms: (10, {"fund": 1, "plan": 9}))
>>> a.kind.value, a.language, sorted(a.weights), a.unknown
('person', 'en', ['fund', 'plan'], 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from assistant.question import Expect, expected, focus_terms
from knowledge import detect_language

Frequencies = Callable[[Iterable[str]], tuple[int, dict[str, int]]]  # (documents, frequency of each known term)


@dataclass(frozen=True)
class Analysis:
    """One question, analysed: the kind of answer it expects and the words that must be matched."""

    question: str  # as asked (its kind is read from it)
    query: str  # the standalone form that retrieval used (its words and meaning are matched)
    kind: Expect
    language: str  # "en" or "fr", of the query
    weights: Mapping[str, float]  # inverse document frequency of each focus term the index knows
    unknown: float  # share of focus terms that no indexed document holds (a document's own name excepted)


def analyse(
    question: str, query: str, frequencies: Frequencies, unnamed: Callable[[str], str] = lambda q: q
) -> Analysis:
    """The analysis of ``question`` (standalone form ``query``) against an index's term frequencies.

    A distinctive word ("city", "financed") must weigh more than one every passage shares ("Mali", "plan").
    The name of a document the question names ("GPLv3") is known: it is not written in that document.
    """
    focus = focus_terms(query)
    count, known = frequencies(focus)
    weights = {term: math.log(1 + (count - df + 0.5) / (df + 0.5)) for term, df in known.items()}
    unknown = (set(focus) - set(known)) & set(focus_terms(unnamed(query)))
    return Analysis(
        question=question,
        query=query,
        kind=expected(question),
        language=detect_language(query),
        weights=weights,
        unknown=len(unknown) / len(set(focus)) if focus else 0.0,
    )
