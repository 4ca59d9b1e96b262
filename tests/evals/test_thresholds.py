"""The gate's bounds: how a score crosses one, and that every bound names a real metric."""

from dataclasses import fields, replace

import pytest

from evals.report import Scores
from evals.thresholds import GATES, MEASURED, Bound, broken_bounds

PERFECT = Scores(
    k=5, questions=61, answerable=48, unanswerable=13, hit_at_1=1.0, hit_at_k=1.0, mrr=1.0, ndcg_at_k=1.0,
    accuracy=1.0, answer_words=20.0, citation_precision=1.0, citation_recall=1.0, quote_validity=1.0,
    abstention_precision=1.0, abstention_recall=1.0, false_abstentions=0, false_abstention_rate=0.0,
    latency_p50=0.05, latency_p95=0.1, errors=0,
)  # fmt: skip


@pytest.mark.parametrize("dataset", sorted(GATES))
def test_every_bound_names_a_score_and_perfect_scores_pass(dataset: str) -> None:
    names = {field.name for field in fields(Scores)}
    assert all(bound.metric in names for bound in GATES[dataset])
    assert {"accuracy", "hit_at_k", "citation_precision", "quote_validity", "abstention_recall"} <= {
        b.metric for b in GATES[dataset]
    }
    assert broken_bounds(PERFECT, GATES[dataset]) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"accuracy": 0.5}, "accuracy fell to 0.500, below its floor of"),
        ({"quote_validity": 0.99}, "quote_validity fell to 0.990, below its floor of 1.0."),
        ({"false_abstentions": 30}, "false_abstentions rose to 30, above its ceiling of"),
        (
            {"abstention_precision": None},
            "abstention_precision could not be measured (nothing to average); it must be >= ",
        ),
    ],
)
def test_a_crossed_bound_is_one_sentence(change: dict[str, object], message: str) -> None:
    (broken,) = broken_bounds(replace(PERFECT, **change))
    assert broken.startswith(message) and broken.endswith(".")


def test_a_bound_is_kept_exactly_at_its_limit() -> None:
    assert Bound("accuracy", minimum=0.75).broken_by(replace(PERFECT, accuracy=0.75)) is None
    assert Bound("false_abstentions", maximum=2).broken_by(replace(PERFECT, false_abstentions=2)) is None


@pytest.mark.parametrize("dataset", sorted(GATES))
def test_the_bounds_are_kept_by_the_scores_they_were_set_from_and_crossed_just_below(dataset: str) -> None:
    measured = replace(PERFECT, **MEASURED[dataset])
    assert broken_bounds(measured, GATES[dataset]) == []
    assert broken_bounds(replace(measured, accuracy=MEASURED[dataset]["accuracy"] - 0.002), GATES[dataset])
    for bound in GATES[dataset]:
        assert bound.metric in MEASURED[dataset], f"{bound.metric} has a bound but no measured value"
