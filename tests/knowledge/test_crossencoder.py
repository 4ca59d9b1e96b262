"""The bundled cross-encoder: offline, reproducible, and it reads question and text together."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.crossencoder import OnnxCrossEncoder, OverlapReranker, bundled_folder, get_reranker
from knowledge.errors import ConfigError, ModelError

FUNDED = "The plan was drafted with the financial support of the Kingdom of the Netherlands."
OTHER = "The Minister of Justice chaired the official launch ceremony in Bamako."


@pytest.fixture(scope="module")
def cross_encoder() -> OnnxCrossEncoder:
    model = OnnxCrossEncoder("test", bundled_folder())
    model.warm_up()
    return model


@pytest.mark.integration
def test_the_answering_sentence_scores_higher(cross_encoder: OnnxCrossEncoder) -> None:
    funded, other = cross_encoder.score("Who paid for the plan?", [FUNDED, OTHER])
    assert funded > other + 2  # logits: a clear margin, not a coin toss


@pytest.mark.integration
def test_a_pair_scores_the_same_whatever_comes_with_it(cross_encoder: OnnxCrossEncoder) -> None:
    # The int8 model's scores moved with the other pairs of a padded batch; each pair is run alone.
    alone = cross_encoder.score_pair("Who paid for the plan?", FUNDED)
    fresh = OnnxCrossEncoder("again", bundled_folder())
    with_others = fresh.score("Who paid for the plan?", [OTHER, "x " * 200, FUNDED])[2]
    assert alone == with_others


def test_repeated_pairs_come_from_the_cache() -> None:
    calls: list[str] = []

    class Counting(OverlapReranker):
        def score_pair(self, question: str, text: str) -> float:
            calls.append(text)
            return super().score_pair(question, text)

    reranker = Counting()
    assert reranker.score("plan", ["the plan", "a plan"]) == reranker.score("plan", ["the plan", "a plan"])
    assert calls == ["the plan", "a plan"]


def test_missing_model_files_say_how_to_reinstall(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="make setup"):
        OnnxCrossEncoder("missing", tmp_path).warm_up()


def test_an_unknown_reranker_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="ms-marco-minilm-l12"):
        get_reranker("nonsense")
