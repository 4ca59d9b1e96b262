"""The conversation behind the chat: streaming, history, failures as replies, votes, the viewer."""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from assistant import ask
from knowledge import Index
from ui import chat
from ui.chat import Conversation, Turn, history_for, pieces, turn_position


@pytest.fixture
def conversation(fake_index: Index) -> Conversation:
    fake_index.ensure_default()
    return Conversation(fake_index, stream_delay=0.0)


def test_reply_streams_then_brings_its_sources(conversation: Conversation) -> None:
    steps = list(conversation.respond("When was the plan launched?", []))

    assert steps[0].messages == [{"role": "user", "content": "When was the plan launched\\?"}]
    assert len(steps) > 3, "the answer should arrive in several pieces"
    growing = [step.messages[-1]["content"] for step in steps[1:-1]]
    assert all(len(a) <= len(b) for a, b in itertools.pairwise(growing))
    last = steps[-1]
    assert last.done and len(last.turns) == 1 and last.turns[0].answer is not None
    assert 'class="src-card"' in (last.sources or "")
    assert "Searching the documents" in (steps[0].sources or "")
    assert all(step.sources is None for step in steps[1:-1])


def test_follow_up_gets_the_earlier_turns_as_history(
    conversation: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []
    real_items = chat.answer_items

    def spy(question: str, history: Any, *rest: Any) -> Any:
        seen.append(history)
        return real_items(question, history, *rest)

    monkeypatch.setattr(chat, "answer_items", spy)
    first = list(conversation.respond("When was the plan launched?", []))[-1].turns
    list(conversation.respond("Who chaired it?", first))

    assert seen[0] == []
    assert seen[1][0] == {"role": "user", "content": "When was the plan launched?"}
    assert seen[1][1]["role"] == "assistant" and seen[1][1]["content"] == first[0].answer.text


def test_a_model_s_words_are_shown_as_they_come_then_the_checked_answer(
    conversation: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    final = ask("When was the plan launched?", index=conversation.index)

    def model(*args: Any) -> Any:
        yield from ["The plan ", "was <b>launched</b> ", "in 2023 [1]."]
        yield final

    monkeypatch.setattr(chat, "answer_items", model)
    monkeypatch.setattr(chat, "REFRESH_SECONDS", 0.0)
    steps = list(conversation.respond("When was the plan launched?", []))

    live = [step.messages[-1]["content"] for step in steps[1:-1]]
    assert live == [
        "The plan was &lt;b&gt;launched&lt;\\/b&gt; ",
        "The plan was &lt;b&gt;launched&lt;\\/b&gt; in 2023 \\[1\\]\\.",
    ]
    assert steps[-1].turns[0].answer == final  # the checked answer replaces the raw words


def test_domain_errors_are_shown_as_they_are(conversation: Conversation) -> None:
    conversation.index.reset()

    last = list(conversation.respond("When was the plan launched?", []))[-1]

    assert last.turns[0].error == "No documents are indexed: run `pressroom ingest PATH` to add some."
    assert last.messages[-1]["content"].startswith("⚠️ No documents are indexed")
    assert 'class="notice notice-error"' in (last.sources or "")


def test_a_bug_becomes_one_sentence_and_a_log_entry(
    conversation: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(chat, "answer_items", broken)
    last = list(conversation.respond("When was the plan launched?", []))[-1]

    log = conversation.index.settings.home / "logs" / "pressroom.log"
    assert (
        last.turns[0].error
        == f"Something went wrong while answering (ZeroDivisionError); the details are in {log}. Please report it."
    )
    assert "Traceback" in log.read_text() and "ZeroDivisionError" in log.read_text()
    assert "Traceback" not in last.messages[-1]["content"]


def test_settings_from_the_page_are_checked_by_ask(conversation: Conversation) -> None:
    assert list(conversation.respond("When was the plan launched?", [], k=3.0))[-1].turns[0].answer is not None
    bad_k = list(conversation.respond("When was the plan launched?", [], k=0))[-1].turns[0]
    bad_answerer = list(conversation.respond("When?", [], answerer="oracle"))[-1].turns[0]

    assert bad_k.error == "k must be a whole number from 1 to 50, got 0."
    assert bad_answerer.error.startswith("Unknown answerer 'oracle': choose one of")


def test_blank_question_changes_nothing(conversation: Conversation) -> None:
    turns = [Turn("Earlier?", error="x")]

    steps = list(conversation.respond("   ", turns))

    assert len(steps) == 1 and steps[0].turns == turns and steps[0].done


def test_votes_are_stored_with_question_answer_and_citations(conversation: Conversation) -> None:
    first = list(conversation.respond("When was the plan launched?", []))[-1].turns
    turns = list(conversation.respond("Who chaired it?", first))[-1].turns

    saved, message = conversation.vote(turns, 3, False)
    conversation.vote(turns, [1, 0], True)
    conversation.vote(turns, 1, "")

    assert saved and "review" in message
    lines = (conversation.index.settings.home / "feedback.jsonl").read_text().splitlines()
    votes = [json.loads(line) for line in lines]
    assert [v["vote"] for v in votes] == ["down", "up", "cleared"]
    assert votes[0]["question"] == "Who chaired it?" and votes[0]["history"] == ["When was the plan launched?"]
    assert votes[0]["answer"] == turns[1].answer.text and votes[0]["k"] == 5
    assert votes[0]["citations"] == [asdict(citation) for citation in turns[1].answer.citations]
    assert votes[0]["time"].endswith("+00:00")
    assert conversation.vote(turns, 9, True) == (False, "That message is no longer in the conversation.")


def test_open_document_highlights_the_place_or_explains(conversation: Conversation) -> None:
    text = conversation.index.get_document("iom-mali-trafficking-2023").text
    start = text.index("Bamako")

    view = conversation.open_document("iom-mali-trafficking-2023", start, start + 6)

    assert '<mark class="focus">Bamako</mark>' in view
    assert "No document 'gone' is indexed" in conversation.open_document("gone", "1", "2")
    assert '<mark class="focus">' not in conversation.open_document("iom-mali-trafficking-2023", "x", None)


def test_pieces_grow_to_the_whole_text_and_keep_markers_whole() -> None:
    text = " ".join(f"word{n}" for n in range(100)) + " [1] end. [2]"

    parts = pieces(text, limit=10)

    assert len(parts) <= 10 and parts[-1] == text
    assert all(not part.rstrip().endswith("[") for part in parts)
    assert pieces("") == [""]


def test_history_and_positions() -> None:
    turns = [Turn("One?", error="It failed."), Turn("Two?", error="Again.")]

    assert history_for(turns)[1] == {"role": "assistant", "content": "It failed."}
    assert [turn_position(turns, i) for i in (0, 1, 3, 4, (2, 0), True, None)] == [0, 0, 1, None, 1, None, None]


def test_feedback_log_refuses_unknown_votes(tmp_path: Path) -> None:
    from ui.feedback import FeedbackLog

    log = FeedbackLog(tmp_path)
    with pytest.raises(ValueError, match="vote must be one of"):
        log.record("maybe", "Q?", {"text": "A"})
    log.record("up", "Q?", {"text": "A"})
    (tmp_path / "feedback.jsonl").open("a").write("not json\n")
    assert [entry["vote"] for entry in log.entries()] == ["up"]
