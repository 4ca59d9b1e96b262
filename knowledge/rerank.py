"""Reranking: the fused candidates, read with the question by a cross-encoder, best first.

A passage is scored by its best sentence: the cross-encoder reads (question, sentence) pairs,
each sentence prefixed by its document's title so that "Under GPLv3, ..." can tell licences
apart. Sentences are what the answerer weighs too, so the scores computed here are the ones it
reads back from the reranker's cache, and a question costs one pass over the pool's sentences.

Only English is reranked: the bundled model was trained on English (MS MARCO). A passage in
another language keeps its place in the fused ranking, and English passages are reordered among
the remaining places.

>>> from knowledge.crossencoder import get_reranker
>>> p = [Passage("a", "doc", "Doc", "It rained.", 0, 10, 0.9)]
>>> p.append(Passage("b", "doc", "Doc", "Mali launched a plan.", 11, 32, 0.8))
>>> [x.id for x in rerank("When did Mali launch the plan?", p, get_reranker("overlap"), k=2)]
['b', 'a']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from knowledge.crossencoder import Reranker
from knowledge.language import detect_language
from knowledge.text import units
from knowledge.types import Passage

# Fused candidates the cross-encoder reads. Measured on four development and fresh sets (hit@1,
# sentence-level scoring): a pool of 10 ranks as well as 20 (release-dev 0.88, licenses-dev 0.917,
# release-fresh2 0.861, licenses-fresh2 0.758 both ways; 0.72, 0.875, 0.806, 0.667 unreranked) at
# half the cost, so the pool is 10, or k when more passages are asked for.
POOL = 10
MIN_WORDS = 3  # shorter pieces (a heading, "Page 2") say too little to rank a passage by


def scored_text(title: str, sentence: str) -> str:
    """What the cross-encoder reads for one sentence: the document's title, then the sentence."""
    return f"{title}: {sentence}" if title else sentence


def sentences_of(passage: Passage) -> list[str]:
    """The sentences of a passage that are long enough to be evidence (all of it when none is)."""
    found = [passage.text[u.start : u.end] for u in units(passage.text)]
    long_enough = [s for s in found if len(s.split()) >= MIN_WORDS]
    return long_enough or [passage.text]


def passage_score(question: str, passage: Passage, reranker: Reranker) -> float:
    """The cross-encoder's score of the passage's best sentence."""
    texts = [scored_text(passage.title, sentence) for sentence in sentences_of(passage)]
    return max(reranker.score(question, texts))


def rerank(question: str, passages: Sequence[Passage], reranker: Reranker, k: int) -> list[Passage]:
    """The ``k`` best of ``passages`` by the cross-encoder, each with its score in ``Passage.score``.

    For a question not in English the fused order stands (the first ``k``).
    """
    if detect_language(question) != "en":
        return list(passages[:k])
    english = [i for i, p in enumerate(passages) if detect_language(p.text) == "en"]
    scores = {i: passage_score(question, passages[i], reranker) for i in english}
    best_first = iter(sorted(english, key=lambda i: scores[i], reverse=True))
    result = list(passages)
    for place in english:  # English passages take the English places, best first
        chosen = next(best_first)
        result[place] = replace(passages[chosen], score=scores[chosen])
    return result[:k]
