"""Reranking: the cross-encoder reorders the fused candidates; other languages keep their places."""

from __future__ import annotations

from knowledge import Index
from knowledge.crossencoder import OverlapReranker
from knowledge.rerank import rerank
from knowledge.types import Passage


def passage(pid: str, text: str, title: str = "Doc") -> Passage:
    return Passage(pid, "doc", title, text, 0, len(text), 0.5)


def test_the_passage_with_the_best_sentence_comes_first() -> None:
    passages = [passage("a", "It rained all week. Nobody came."), passage("b", "The Netherlands funded the anti-trafficking plan.")]
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
    assert [p.score for p in plain] == sorted((p.score for p in plain), reverse=True)
    assert any("Netherlands" in p.text for p in reranked[:2])
