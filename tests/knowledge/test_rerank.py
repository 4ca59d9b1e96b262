"""Reranking: the cross-encoder reorders the fused candidates; other languages keep their places."""

from __future__ import annotations

import pytest

from knowledge import Index
from knowledge.crossencoder import OverlapReranker
from knowledge.rerank import rerank
from knowledge.types import Passage


def passage(pid: str, text: str, title: str = "Doc") -> Passage:
    return Passage(pid, "doc", title, text, 0, len(text), 0.5)


def test_the_passage_with_the_best_sentence_comes_first() -> None:
    passages = [
        passage("a", "It rained all week. Nobody came."),
        passage("b", "The Netherlands funded the anti-trafficking plan."),
    ]
    ranked = rerank("Who funded the plan?", passages, OverlapReranker(), k=2)
    assert [p.id for p in ranked] == ["b", "a"]
    assert ranked[0].score > ranked[1].score  # the cross-encoder's score replaces the fused one


def test_passages_in_another_language_keep_their_places() -> None:
    french = passage("fr", "Le plan a été financé par les Pays-Bas et lancé à Bamako.")
    passages = [passage("a", "It rained all week."), french, passage("b", "The Netherlands funded the plan.")]
    ranked = rerank("Who funded the plan?", passages, OverlapReranker(), k=3)
    assert [p.id for p in ranked] == ["b", "fr", "a"]


def test_a_french_question_keeps_the_fused_order() -> None:
    passages = [passage("a", "It rained."), passage("b", "The Netherlands funded the plan.")]
    assert [p.id for p in rerank("Qui a financé le plan ?", passages, OverlapReranker(), k=2)] == ["a", "b"]


def test_search_can_leave_the_reranker_out(fake_index: Index) -> None:
    question = "Which country gave financial support to the drafting of the plan?"
    reranked = fake_index.search(question, k=5)
    plain = fake_index.search(question, k=5, rerank=False)
    assert {p.source for p in reranked} == {p.source for p in plain}
    for ranking in (reranked, plain):  # each by its own score: the cross-encoder's, the fused one
        assert [p.score for p in ranking] == sorted((p.score for p in ranking), reverse=True)
    assert [p.id for p in reranked] != [p.id for p in plain]


@pytest.mark.integration
def test_the_cross_encoder_finds_the_funder_that_the_fused_ranking_buries(real_index: Index) -> None:
    """'Who paid for it?' shares no word with 'with the financial support of the Kingdom of the Netherlands'."""
    question = "Who paid for the anti-trafficking plan?"
    assert "Kingdom of the Netherlands" in real_index.search(question, k=1)[0].text


@pytest.mark.parametrize("name", ["knowledge.rerank", "knowledge.crossencoder"])
def test_the_usage_examples_hold(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
