"""Answer metrics: is the answer right, how long is it, and does it abstain when (and only when) it should.

Accuracy and length are measured on answerable questions; abstention compares what the system
did on every question with whether the dataset says the documents answer it.

>>> accuracy([True, True, False, True])
0.75
>>> abstention([(False, True), (False, False), (True, True), (True, False)]).recall
0.5
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evals.matching import answer_matches

_MARKER = re.compile(r"\[\d+\]")


def is_correct(answer_text: str, abstained: bool, accepted: Sequence[str]) -> bool:
    """An answer is correct when it does not abstain and an accepted answer occurs in it (tolerantly).

    >>> is_correct("Launched on 19/10/2023 [1].", False, ["19 October 2023"])
    True
    >>> is_correct("The sources do not say.", True, ["19 October 2023"])
    False
    """
    return not abstained and answer_matches(answer_text, accepted)


def accuracy(correct: Sequence[bool]) -> float | None:
    """accuracy = (1/|A|) · Σ_{q ∈ A} [q answered correctly], over the answerable questions A (None if A is empty)."""
    return sum(correct) / len(correct) if correct else None


def answer_words(text: str) -> int:
    """How many words the answer has: white-space separated tokens with a letter or digit, markers such
    as ``[1]`` left out.

    >>> answer_words("Bamako, on Thursday [1].")
    3
    """
    return sum(1 for token in _MARKER.sub(" ", text).split() if any(char.isalnum() for char in token))


def mean_words(counts: Sequence[int]) -> float | None:
    """mean length = (1/|D|) · Σ_{q ∈ D} words(answer_q), over the answers given D (None if there are none)."""
    return sum(counts) / len(counts) if counts else None


@dataclass(frozen=True)
class Abstention:
    """How well a system says "the sources do not say" exactly when they do not."""

    precision: float | None  # share of abstentions that were on unanswerable questions
    recall: float | None  # share of unanswerable questions on which it abstained
    false_abstentions: int  # answerable questions on which it abstained
    false_abstention_rate: float | None  # false_abstentions / answerable questions


def abstention(outcomes: Iterable[tuple[bool, bool]]) -> Abstention:
    """Scores from ``(answerable, abstained)`` pairs, one per question.

    With U the unanswerable questions, A the answerable ones and B the questions it abstained on:
    precision = |B ∩ U| / |B|, recall = |B ∩ U| / |U|, false abstentions = |B ∩ A|, and
    false-abstention rate = |B ∩ A| / |A|. A ratio with an empty denominator is None (a system
    that never abstains has no abstention precision).

    >>> abstention([(False, True), (True, True), (True, False), (True, False)])
    Abstention(precision=0.5, recall=1.0, false_abstentions=1, false_abstention_rate=0.3333333333333333)
    """
    pairs = list(outcomes)
    abstained_right = sum(1 for answerable, abstained in pairs if abstained and not answerable)
    abstained = sum(1 for _, did in pairs if did)
    unanswerable = sum(1 for answerable, _ in pairs if not answerable)
    answerable = len(pairs) - unanswerable
    wrong = abstained - abstained_right
    return Abstention(
        precision=abstained_right / abstained if abstained else None,
        recall=abstained_right / unanswerable if unanswerable else None,
        false_abstentions=wrong,
        false_abstention_rate=wrong / answerable if answerable else None,
    )
