"""``ask`` end to end with the real bundled model and a real Chroma store (offline)."""

from pathlib import Path

import pytest

from assistant import Answer, ask
from assistant.citations import verify
from knowledge import Index
from knowledge.errors import ConfigError, IndexEmptyError, QuestionError

pytestmark = pytest.mark.integration


def check_citations(answer: Answer, index: Index) -> None:
    for citation in answer.citations:
        assert verify(citation, index.get_document(citation.source)), citation
        assert f"[{citation.marker}]" in answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When was the action plan launched?", "19 October 2023"),
        ("Who chaired the launch ceremony?", "KASSOGUE"),
        ("What are the four priority areas of the plan?", "prevention, protection, prosecution, and partnerships"),
        ("Which country financially supported the two initiatives?", "Netherlands"),
        # A phone number answers a "which number do I call" question even when another sentence reads closer.
        ("Which phone number reaches the IOM press office in Mali?", "+223 90 50 00 06"),
        # A "when" inside a later clause does not make this a date question, nor a "who" one.
        ("Which organisations supported the drafting when the plan was prepared?", "UNODC"),
    ],
)
def test_answers_quote_the_release(shared_real_index: Index, question: str, expected: str) -> None:
    answer = ask(question, index=shared_real_index)
    assert not answer.abstained and expected in answer.text
    assert answer.citations and answer.passages
    check_citations(answer, shared_real_index)


@pytest.mark.parametrize(
    "question",
    ["How much money did the Netherlands contribute to the plan?", "Who is the President of Mali?"],
)
def test_it_abstains_when_the_release_does_not_say(shared_real_index: Index, question: str) -> None:
    answer = ask(question, index=shared_real_index)
    assert answer.abstained and answer.citations == ()
    assert "do not say" in answer.text
    assert answer.passages, "the closest passages are still returned"


def test_follow_up_uses_the_history(shared_real_index: Index) -> None:
    first = ask("When was the National Action Plan launched?", index=shared_real_index)
    follow = ask("Who chaired it?", history=[(first.question, first.text)], index=shared_real_index)
    assert "KASSOGUE" in follow.text
    check_citations(follow, shared_real_index)


def test_errors_are_pressroom_errors(shared_real_index: Index, real_index: Index) -> None:
    with pytest.raises(QuestionError):
        ask("  ", index=shared_real_index)
    with pytest.raises(ConfigError, match="answerer"):
        ask("When?", answerer="oracle", index=shared_real_index)
    real_index.reset()
    with pytest.raises(IndexEmptyError, match="pressroom ingest"):
        ask("When was the plan launched?", index=real_index)


def test_an_answer_says_when_it_kept_to_the_documents_the_question_names(fake_index: Index, tmp_path: Path) -> None:
    (tmp_path / "gpl-2.txt").write_text(
        "GNU GENERAL PUBLIC LICENSE, Version 2\n\nYou may charge a fee for the physical act of transferring a copy.\n"
    )
    (tmp_path / "gpl-3.txt").write_text(
        "GNU GENERAL PUBLIC LICENSE, Version 3\n\nYou may charge any price or no price for each copy that you convey.\n"
    )
    fake_index.ingest([tmp_path / "gpl-2.txt", tmp_path / "gpl-3.txt"])
    named = ask("Under GPLv3, may I charge a price for each copy?", index=fake_index)
    assert named.notice == "Searched only gpl-3, which the question names."
    assert {c.source for c in named.citations} <= {"gpl-3"}
    assert ask("May I charge a fee for each copy?", index=fake_index).notice == ""
