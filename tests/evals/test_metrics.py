"""Every metric on small hand-made cases whose value can be worked out on paper."""

import math
from types import SimpleNamespace

import pytest

from evals.metrics import (
    SupportRanks,
    abstention,
    accuracy,
    answer_words,
    citation_precision,
    citation_recall,
    hit_at,
    is_correct,
    mean_reciprocal_rank,
    mean_words,
    ndcg_at,
    percentile,
    quote_is_valid,
    quote_validity,
    support_ranks,
    supports,
)


def passage(text: str, source: str = "doc") -> SimpleNamespace:
    return SimpleNamespace(source=source, text=text)


def citation(start: int, end: int, source: str = "doc", quote: str = "") -> SimpleNamespace:
    return SimpleNamespace(source=source, start=start, end=end, quote=quote)


# ---- retrieval ------------------------------------------------------------------------------


def test_support_ranks_need_the_right_source_and_collapse_white_space() -> None:
    passages = [passage("the answer", source="other"), passage("nothing"), passage("the\n   answer is here")]
    assert support_ranks(passages, "doc", ["the answer"]) == SupportRanks((3,))
    assert support_ranks(passages, "doc", ["absent"]).rank is None


def test_duplicate_passages_do_not_inflate_any_score() -> None:
    once = support_ranks([passage("x"), passage("proof")], "doc", ["proof"])
    repeated = support_ranks(
        [passage("x"), passage("proof"), passage("proof again"), passage("the proof")], "doc", ["proof"]
    )
    assert once == repeated == SupportRanks((2,))
    for metric in (lambda r: hit_at(r, 5), mean_reciprocal_rank, lambda r: ndcg_at(r, 5)):
        assert metric([once]) == metric([repeated])


def test_hit_rate_and_mrr_on_three_questions() -> None:
    ranks = [SupportRanks((1,)), SupportRanks((4,)), SupportRanks((None,))]
    assert hit_at(ranks, 1) == pytest.approx(1 / 3)
    assert hit_at(ranks, 3) == pytest.approx(1 / 3)
    assert hit_at(ranks, 5) == pytest.approx(2 / 3)
    assert mean_reciprocal_rank(ranks) == pytest.approx((1 + 1 / 4 + 0) / 3)
    assert hit_at([], 5) is None and mean_reciprocal_rank([]) is None and ndcg_at([], 5) is None


def test_ndcg_gives_each_support_string_an_equal_share() -> None:
    assert ndcg_at([SupportRanks((1,))], 5) == 1.0
    assert ndcg_at([SupportRanks((3,))], 5) == pytest.approx(1 / math.log2(4))
    assert ndcg_at([SupportRanks((3,))], 2) == 0.0, "beyond the cut-off counts nothing"
    two_parts = SupportRanks((1, 2))  # the answer's proof is split over the first two passages
    assert ndcg_at([two_parts], 5) == pytest.approx((1 + 1 / math.log2(3)) / 2)
    assert two_parts.rank == 1
    assert ndcg_at([SupportRanks((1,)), SupportRanks((None,))], 5) == 0.5


# ---- answers and abstention -------------------------------------------------------------------


def test_correctness_needs_an_accepted_answer_and_no_abstention() -> None:
    assert is_correct("It was chaired by Mahamadou KASSOGUE [1].", False, ["Kassogue"])
    assert not is_correct("Kassogue? The sources do not say.", True, ["Kassogue"])
    assert not is_correct("It was chaired by the minister.", False, ["Kassogue"])
    assert accuracy([True, False, True, True]) == 0.75 and accuracy([]) is None


def test_answer_length_counts_words_not_markers_or_punctuation() -> None:
    assert answer_words("In Bamako [1] – on 19 October 2023 [2].") == 6
    assert answer_words("") == 0
    assert mean_words([4, 6, 11]) == 7 and mean_words([]) is None


def test_abstention_scores_on_a_mixed_run() -> None:
    # (answerable, abstained): 2 rightful abstentions, 1 false answer, 1 false abstention, 2 answers
    outcomes = [(False, True), (False, True), (False, False), (True, True), (True, False), (True, False)]
    scores = abstention(outcomes)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.false_abstentions == 1
    assert scores.false_abstention_rate == pytest.approx(1 / 3)


def test_a_system_that_never_abstains_has_no_abstention_precision() -> None:
    scores = abstention([(False, False), (True, False)])
    assert scores.precision is None and scores.recall == 0.0 and scores.false_abstentions == 0
    assert abstention([]).recall is None and abstention([]).false_abstention_rate is None


# ---- citations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "source", "expected"),
    [
        (10, 30, "doc", True),  # contains the support span 15-25
        (20, 40, "doc", True),  # overlaps its end
        (17, 19, "doc", True),  # inside it
        (0, 15, "doc", False),  # ends where the support starts: no shared character
        (25, 40, "doc", False),  # starts where it ends
        (10, 30, "other", False),  # the same offsets in another document
    ],
)
def test_a_citation_supports_when_it_shares_text_with_a_support_span(
    start: int, end: int, source: str, expected: bool
) -> None:
    assert supports(citation(start, end, source), "doc", [(15, 25), (100, 120)]) is expected


def test_quote_validity_compares_with_the_stored_text() -> None:
    text = "The quick brown fox."
    assert quote_is_valid(citation(4, 9, quote="quick"), text)
    assert not quote_is_valid(citation(4, 9, quote="quick "), text)
    assert not quote_is_valid(citation(4, 99, quote="quick"), text), "offsets past the end"
    assert not quote_is_valid(citation(4, 9, quote="quick"), None), "an unknown document"
    assert quote_validity([True, True, False, True]) == 0.75 and quote_validity([]) is None


def test_citation_precision_and_recall() -> None:
    per_question = [[True, False], [True], [False, False], []]  # flags per citation of 4 answered questions
    assert citation_precision(per_question) == pytest.approx(2 / 5)
    assert citation_recall(per_question) == pytest.approx(2 / 4)
    assert citation_precision([[], []]) is None and citation_recall([[], []]) == 0.0
    assert citation_recall([]) is None


# ---- latency ----------------------------------------------------------------------------------


def test_percentiles_use_the_nearest_rank() -> None:
    times = [0.5, 0.1, 0.4, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert percentile(times, 50) == 0.5
    assert percentile(times, 95) == 1.0
    assert percentile(times, 10) == 0.1
    assert percentile([2.0], 95) == 2.0 and percentile([], 50) is None
    with pytest.raises(ValueError, match="percent"):
        percentile(times, 0)
