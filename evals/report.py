"""A run's report: the scores of one system on one dataset, with every question's result.

>>> report = evals.run("release", ask=my_ask)          # doctest: +SKIP
>>> report.scores.accuracy, len(report.failures)       # doctest: +SKIP
(0.96, 3)
>>> json.dumps(report.as_dict())                        # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from evals.metrics import (
    SupportRanks,
    abstention,
    accuracy,
    citation_precision,
    citation_recall,
    hit_at,
    mean_reciprocal_rank,
    mean_words,
    ndcg_at,
    percentile,
    quote_validity,
)
from evals.scoring import QuestionResult


@dataclass(frozen=True)
class Metric:
    """How to show one field of ``Scores``: its label, and whether higher is better."""

    key: str
    label: str
    unit: str = "share"  # share (0-1), count, words or seconds
    higher_is_better: bool | None = True  # None: neither (answer length)


METRICS: tuple[Metric, ...] = (
    Metric("hit_at_1", "hit@1"),
    Metric("hit_at_k", "hit@k"),
    Metric("mrr", "MRR"),
    Metric("ndcg_at_k", "nDCG@k"),
    Metric("accuracy", "accuracy"),
    Metric("answer_words", "answer length (words)", "words", None),
    Metric("citation_precision", "citation precision"),
    Metric("citation_recall", "citation recall"),
    Metric("quote_validity", "quote validity"),
    Metric("abstention_precision", "abstention precision"),
    Metric("abstention_recall", "abstention recall"),
    Metric("false_abstentions", "false abstentions", "count", False),
    Metric("latency_p50", "latency p50 (s)", "seconds", False),
    Metric("latency_p95", "latency p95 (s)", "seconds", False),
    Metric("errors", "errors", "count", False),
)


@dataclass(frozen=True)
class Scores:
    """Every metric of a run; a ratio with nothing to average is None (shown as n/a)."""

    k: int
    questions: int
    answerable: int
    unanswerable: int
    hit_at_1: float | None
    hit_at_k: float | None
    mrr: float | None
    ndcg_at_k: float | None
    accuracy: float | None
    answer_words: float | None
    citation_precision: float | None
    citation_recall: float | None
    quote_validity: float | None
    abstention_precision: float | None
    abstention_recall: float | None
    false_abstentions: int
    false_abstention_rate: float | None
    latency_p50: float | None
    latency_p95: float | None
    errors: int

    @classmethod
    def from_results(cls, results: Sequence[QuestionResult], k: int) -> Scores:
        """Average the per-question results (see ``evals.metrics`` for each formula)."""
        answerable = [r for r in results if r.answerable]
        answered = [r for r in answerable if not r.abstained and not r.error]
        ranks = [SupportRanks(r.support_first) for r in answerable]
        supporting = [[c.supports for c in r.citations] for r in answered]
        abstained = abstention((r.answerable, r.abstained) for r in results)
        seconds = [r.seconds for r in results if not r.error]
        return cls(
            k=k,
            questions=len(results),
            answerable=len(answerable),
            unanswerable=len(results) - len(answerable),
            hit_at_1=hit_at(ranks, 1),
            hit_at_k=hit_at(ranks, k),
            mrr=mean_reciprocal_rank(ranks),
            ndcg_at_k=ndcg_at(ranks, k),
            accuracy=accuracy([r.correct for r in answerable]),
            answer_words=mean_words([r.words for r in results if not r.abstained and not r.error]),
            citation_precision=citation_precision(supporting),
            citation_recall=citation_recall(supporting),
            quote_validity=quote_validity([c.valid for r in results for c in r.citations]),
            abstention_precision=abstained.precision,
            abstention_recall=abstained.recall,
            false_abstentions=abstained.false_abstentions,
            false_abstention_rate=abstained.false_abstention_rate,
            latency_p50=percentile(seconds, 50),
            latency_p95=percentile(seconds, 95),
            errors=sum(1 for r in results if r.error),
        )


@dataclass(frozen=True)
class Report:
    """One system (``pressroom`` or ``baseline``) on one dataset."""

    dataset: str
    system: str
    k: int
    scores: Scores
    results: tuple[QuestionResult, ...]
    seconds: float  # wall time of the whole run, set-up excluded
    started: str  # ISO time

    def pair_scores(self) -> dict[str, Scores]:
        """The scores of each language pair ("en→en", "fr→en", ...) in dataset order; empty when items have none."""
        pairs = list(dict.fromkeys(result.pair for result in self.results if result.pair))
        return {pair: Scores.from_results([r for r in self.results if r.pair == pair], self.k) for pair in pairs}

    @property
    def failures(self) -> tuple[QuestionResult, ...]:
        """The questions with any problem (wrong outcome, support not retrieved, bad citation), in dataset order."""
        return tuple(r for r in self.results if r.problems)

    def as_dict(self) -> dict[str, object]:
        """Plain data for ``report.json``: scores, then every question with its outcome and problems."""
        return {
            "dataset": self.dataset,
            "system": self.system,
            "k": self.k,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "scores": asdict(self.scores),
            "pairs": {pair: asdict(scores) for pair, scores in self.pair_scores().items()},
            "results": [
                {**asdict(r), "outcome": r.outcome, "problems": list(r.problems), "support_rank": r.support_rank}
                for r in self.results
            ],
        }


def format_value(value: float | None, unit: str) -> str:
    """A score as the reports print it: shares and seconds to 3 decimals, words to 1, counts whole.

    >>> format_value(0.95833, "share"), format_value(None, "share"), format_value(2, "count")
    ('0.958', 'n/a', '2')
    """
    if value is None:
        return "n/a"
    if unit == "count":
        return str(int(value))
    if unit == "words":
        return f"{value:.1f}"
    return f"{value:.3f}"
