"""The evaluation metrics, each a small pure function whose docstring gives its formula.

- retrieval: ``hit_at`` (hit@1, hit@k), ``mean_reciprocal_rank``, ``ndcg_at``, from ``support_ranks``;
- answers: ``accuracy``, ``answer_words``/``mean_words``, ``abstention`` (precision, recall, false abstentions);
- citations: ``citation_precision``, ``citation_recall``, ``quote_validity``;
- latency: ``percentile`` (p50, p95).
"""

from __future__ import annotations

from evals.metrics.answers import Abstention, abstention, accuracy, answer_words, is_correct, mean_words
from evals.metrics.citations import citation_precision, citation_recall, quote_is_valid, quote_validity, supports
from evals.metrics.latency import percentile
from evals.metrics.retrieval import SupportRanks, hit_at, mean_reciprocal_rank, ndcg_at, support_ranks

__all__ = [
    "Abstention",
    "SupportRanks",
    "abstention",
    "accuracy",
    "answer_words",
    "citation_precision",
    "citation_recall",
    "hit_at",
    "is_correct",
    "mean_reciprocal_rank",
    "mean_words",
    "ndcg_at",
    "percentile",
    "quote_is_valid",
    "quote_validity",
    "support_ranks",
    "supports",
]
