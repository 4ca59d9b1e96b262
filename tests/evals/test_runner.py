"""``evals.run`` with a scripted ``ask``: every score of a six-question run, worked out by hand."""

import json
from collections.abc import Callable
from dataclasses import replace

import pytest

from evals import DatasetError, Report, run
from evals.dataset import Dataset
from knowledge.errors import ConfigError
from knowledge.types import Document
from tests.evals.conftest import ScriptedAsk


@pytest.fixture
def report(mini_dataset: Dataset, scripted_ask: ScriptedAsk, lookup: Callable[[str], Document]) -> Report:
    return run(mini_dataset, ask=scripted_ask, k=3, documents=lookup)


def test_every_score_of_the_scripted_run(report: Report) -> None:
    s = report.scores
    assert (s.questions, s.answerable, s.unanswerable, s.k) == (6, 4, 2, 3)
    # answerable: q1 support at rank 1, q2 at rank 2, q3 and q6 (error) not retrieved
    assert s.hit_at_1 == 1 / 4 and s.hit_at_k == 2 / 4
    assert s.mrr == pytest.approx((1 + 1 / 2) / 4)
    assert s.ndcg_at_k == pytest.approx((1 + 0.6309297535714575) / 4)
    assert s.accuracy == 1 / 4  # only q1
    assert s.answer_words == pytest.approx((12 + 11 + 4) / 3)  # the answers of q1, q2, q5
    assert s.citation_precision == 1 / 2 and s.citation_recall == 1 / 2  # q1 supports, q2 does not
    assert s.quote_validity == pytest.approx(2 / 3)  # q5's quote was tampered with
    assert (s.abstention_precision, s.abstention_recall) == (1 / 2, 1 / 2)  # q3 false, q4 right; q5 answered
    assert (s.false_abstentions, s.false_abstention_rate) == (1, 1 / 4)
    assert s.errors == 1
    assert s.latency_p50 is not None and s.latency_p95 is not None and s.latency_p50 <= s.latency_p95


def test_each_question_gets_its_outcome_and_problems(report: Report) -> None:
    outcomes = {r.id: (r.outcome, r.problems) for r in report.results}
    assert outcomes == {
        "t-001": ("correct", ()),
        "t-002": ("wrong answer", ("wrong answer", "no supporting citation")),
        "t-003": ("false abstention", ("false abstention", "support not retrieved")),
        "t-004": ("abstained", ()),
        "t-005": ("false answer", ("false answer", "invalid quote [1]")),
        "t-006": ("error", ("error",)),
    }
    assert [r.id for r in report.failures] == ["t-002", "t-003", "t-005", "t-006"]
    causes = [r.failure for r in report.results]
    assert causes == [None, "wrong sentence picked", "retrieval miss", None, "false answer", "error"]
    second = report.results[1]
    assert [p.supports for p in second.passages] == [False, True, True], "a passage shows whether it holds support"
    assert second.support_rank == 2
    assert report.results[5].error == "The question is too short: ask a whole question."


def test_the_first_question_warms_up_untimed_and_k_is_passed_on(
    mini_dataset: Dataset, scripted_ask: ScriptedAsk, lookup: Callable[[str], Document]
) -> None:
    run(mini_dataset, ask=scripted_ask, k=4, documents=lookup)
    assert scripted_ask.calls[0] == scripted_ask.calls[1] == (mini_dataset.items[0].question, 4)
    assert len(scripted_ask.calls) == len(mini_dataset.items) + 1


def test_the_report_is_plain_json_data(report: Report) -> None:
    data = json.loads(json.dumps(report.as_dict()))
    assert data["dataset"] == "mini" and data["system"] == "pressroom"
    assert data["scores"]["accuracy"] == 0.25
    assert data["results"][1]["problems"] == ["wrong answer", "no supporting citation"]
    assert data["results"][1]["support_rank"] == 2


def test_a_dataset_whose_support_is_not_in_the_documents_stops_the_run(
    mini_dataset: Dataset, scripted_ask: ScriptedAsk
) -> None:
    def other_text(source: str) -> Document:
        return Document(source, "Release", "Unrelated text.", "release.txt")

    with pytest.raises(DatasetError, match="does not occur in release"):
        run(mini_dataset, ask=scripted_ask, documents=other_text)
    assert scripted_ask.calls == [], "nothing is asked before the dataset is known to be sound"


def test_progress_is_reported_per_question(
    mini_dataset: Dataset, scripted_ask: ScriptedAsk, lookup: Callable[[str], Document]
) -> None:
    seen: list[tuple[int, int]] = []
    run(mini_dataset, ask=scripted_ask, documents=lookup, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(number, 6) for number in range(1, 7)]


def test_a_first_question_that_cannot_be_asked_does_not_stop_the_run(
    mini_dataset: Dataset, scripted_ask: ScriptedAsk, lookup: Callable[[str], Document]
) -> None:
    reordered = replace(mini_dataset, items=mini_dataset.items[::-1])  # "?" first: it raises a QuestionError
    report = run(reordered, ask=scripted_ask, documents=lookup)
    assert report.results[0].outcome == "error" and report.scores.errors == 1 and report.scores.questions == 6


def test_a_setting_error_stops_the_run_at_once(mini_dataset: Dataset, lookup: Callable[[str], Document]) -> None:
    def misconfigured(question: str, k: int = 5) -> object:
        raise ConfigError("Unknown answerer 'oracle': choose one of extractive.")

    with pytest.raises(ConfigError, match="Unknown answerer"):
        run(mini_dataset, ask=misconfigured, documents=lookup)
