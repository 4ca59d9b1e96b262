"""Retrieval metrics: did the passages retrieved for a question hold the text that proves the answer?

A passage is relevant when it comes from the item's source and contains one of its support
strings (white space collapsed, see ``evals.matching.contains_support``). Each support string
counts once, at the first rank that holds it: a duplicated or overlapping passage that repeats
the same support later in the ranking adds nothing, so duplicates cannot inflate any score.

>>> ranks = [SupportRanks((1,)), SupportRanks((3,)), SupportRanks((None,))]
>>> round(hit_at(ranks, 1), 3), round(hit_at(ranks, 5), 3), round(mean_reciprocal_rank(ranks), 3)
(0.333, 0.667, 0.444)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from evals.matching import contains_support


class PassageLike(Protocol):
    """What these metrics need of a retrieved passage (``knowledge.Passage`` has it)."""

    @property
    def source(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class SupportRanks:
    """For each support string of one question, the 1-based rank of the first passage holding it
    (None: not retrieved)."""

    first: tuple[int | None, ...]

    @property
    def rank(self) -> int | None:
        """The rank of the first passage that holds any support string, or None."""
        found = [rank for rank in self.first if rank is not None]
        return min(found) if found else None


def support_ranks(passages: Sequence[PassageLike], source: str, support: Sequence[str]) -> SupportRanks:
    """Where each support string first appears among ``passages`` (best first) from document ``source``.

    >>> from types import SimpleNamespace as P
    >>> passages = [P(source="a", text="x"), P(source="a", text="the\\nanswer"), P(source="a", text="the answer")]
    >>> support_ranks(passages, "a", ["the answer", "missing"])
    SupportRanks(first=(2, None))
    """
    first: list[int | None] = []
    for needle in support:
        rank = next(
            (rank for rank, p in enumerate(passages, 1) if p.source == source and contains_support(p.text, needle)),
            None,
        )
        first.append(rank)
    return SupportRanks(tuple(first))


def hit_at(ranks: Sequence[SupportRanks], cutoff: int) -> float | None:
    """hit@n = (1/|Q|) · Σ_q [rank_q ≤ n], where rank_q is the first rank holding any support of q.

    None when there are no questions.
    """
    if not ranks:
        return None
    return sum(1 for r in ranks if r.rank is not None and r.rank <= cutoff) / len(ranks)


def mean_reciprocal_rank(ranks: Sequence[SupportRanks]) -> float | None:
    """MRR = (1/|Q|) · Σ_q 1/rank_q, with 1/rank_q = 0 when no retrieved passage holds support.

    None when there are no questions.
    """
    if not ranks:
        return None
    return sum(1 / r.rank for r in ranks if r.rank is not None) / len(ranks)


def ndcg_at(ranks: Sequence[SupportRanks], cutoff: int) -> float | None:
    """nDCG@n = (1/|Q|) · Σ_q DCG_q / IDCG_q, averaged over questions.

    Each support string s of q has gain 1/|S_q| at its first rank r_s (and none at any later,
    duplicate rank), so DCG_q = Σ_{s: r_s ≤ n} (1/|S_q|) / log2(r_s + 1). The ideal ranking
    puts every support string in the first passage, so IDCG_q = 1 and nDCG_q = DCG_q: 1.0 when
    the top passage proves the whole answer, 1/log2(3) ≈ 0.63 when the proof is second.

    >>> round(ndcg_at([SupportRanks((2,))], 5), 3), ndcg_at([SupportRanks((1, None))], 5)
    (0.631, 0.5)
    """
    if not ranks:
        return None
    total = 0.0
    for r in ranks:
        if r.first:
            total += sum(1 / math.log2(rank + 1) for rank in r.first if rank is not None and rank <= cutoff) / len(
                r.first
            )
    return total / len(ranks)
