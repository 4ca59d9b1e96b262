"""The generative answerer with scripted chat models: streaming, grounding, fallbacks and notices."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from assistant import Answer, ask, ask_stream
from assistant.answerer import ABSTAIN_TEXT
from assistant.citations import verify
from assistant.generative import UNSUPPORTED_NOTICE, GenerativeAnswerer
from assistant.llm import LLMSettings
from assistant.registry import ANSWERERS, get_answerer
from knowledge import Index

QUESTION = "When was the plan launched?"


class Scripted(BaseChatModel):
    """A chat model that replies with ``reply``, or raises ``error``, pausing ``pause`` s between words."""

    reply: str = ""
    error: str = ""
    pause: float = 0.0
    seen: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(chunk.message.text for chunk in self._stream(messages))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self.seen.append(list(messages))
        if self.error:
            raise ConnectionError(self.error)
        for word in self.reply.split(" "):
            time.sleep(self.pause)
            yield ChatGenerationChunk(message=AIMessageChunk(content=word + " "))


@pytest.fixture
def index(fake_index: Index) -> Index:
    fake_index.ensure_default()
    return fake_index


def answerer(index: Index, model: Any, **settings: Any) -> GenerativeAnswerer:
    return GenerativeAnswerer(
        index.embedder,
        index.document_of,
        fallback=get_answerer(index, "extractive"),
        model=model,
        settings=LLMSettings(**settings),
    )


def check_citations(answer: Answer, index: Index) -> None:
    for citation in answer.citations:
        assert verify(citation, index.get_document(citation.source)), citation
        assert f"[{citation.marker}]" in answer.text


def test_llm_is_a_registered_answerer(index: Index) -> None:
    assert "llm" in ANSWERERS and isinstance(get_answerer(index, "llm"), GenerativeAnswerer)


def test_a_grounded_answer_keeps_the_model_words_and_cites_the_supporting_sentence(index: Index) -> None:
    model = FakeListChatModel(responses=["The plan was launched in Bamako on 19 October 2023 [1]."])
    answer = ask(QUESTION, answerer=answerer(index, model), index=index)
    assert answer.text == "The plan was launched in Bamako on 19 October 2023 [1]."
    assert answer.answerer == "llm" and not answer.abstained and answer.notice == "" and answer.unsupported == ()
    (citation,) = answer.citations
    assert "19 October 2023" in citation.quote and citation.quote.endswith("2023."), (
        "the quote is the supporting sentence"
    )
    check_citations(answer, index)
    assert [c.supported for c in answer.grounding] == [True]


def test_the_answer_streams_then_the_checked_answer_replaces_it(index: Index) -> None:
    model = Scripted(reply="The plan was launched in Bamako on 19 October 2023 [9].")
    items = list(ask_stream(QUESTION, answerer=answerer(index, model), index=index))
    *pieces, final = items
    assert len(pieces) > 5 and "".join(pieces).strip() == "The plan was launched in Bamako on 19 October 2023 [9]."
    assert isinstance(final, Answer) and final.text == "The plan was launched in Bamako on 19 October 2023 [1]."
    assert any("removed marker(s) [9]" in note for note in final.notes)
    check_citations(final, index)


def test_extractive_answers_stream_too(index: Index) -> None:
    *pieces, final = list(ask_stream(QUESTION, index=index))
    assert pieces and isinstance(final, Answer) and final.answerer == "extractive"


def test_an_unsupported_sentence_is_flagged_in_the_answer(index: Index) -> None:
    reply = "The plan was launched in Bamako on 19 October 2023 [1]. It was paid for by a bank in Zurich [1]."
    answer = ask(QUESTION, answerer=answerer(index, FakeListChatModel(responses=[reply])), index=index)
    assert answer.unsupported == ("It was paid for by a bank in Zurich.",)
    assert answer.text.endswith("It was paid for by a bank in Zurich.")
    assert answer.notice == "1 sentence of this answer is not supported by the sources and has no citation."
    data = json.loads(json.dumps(answer.as_dict()))
    assert [check["supported"] for check in data["grounding"]] == [True, False] and data["notice"] == answer.notice


def test_an_unsupported_answer_falls_back_to_the_extractive_one(index: Index) -> None:
    reply = "The plan was launched in Paris on 1 April 1999 by Napoleon [1]."
    answer = ask(QUESTION, answerer=answerer(index, FakeListChatModel(responses=[reply])), index=index)
    extractive = ask(QUESTION, index=index)
    assert answer.notice == UNSUPPORTED_NOTICE and answer.text == extractive.text
    assert [c.supported for c in answer.grounding] == [False], "the model's sentence is reported, unsupported"
    assert answer.unsupported == (), "it is not in the answer shown"
    check_citations(answer, index)


def test_the_model_may_say_the_sources_do_not_say(index: Index) -> None:
    model = FakeListChatModel(responses=["The sources do not say."])
    answer = ask("How much did the plan cost?", answerer=answerer(index, model), index=index)
    assert answer.abstained and answer.text == ABSTAIN_TEXT and answer.citations == ()


def test_an_empty_reply_gives_the_extractive_answer(index: Index) -> None:
    answer = ask(QUESTION, answerer=answerer(index, FakeListChatModel(responses=["  "])), index=index)
    assert "empty answer" in answer.notice and "19 October 2023" in answer.text


def test_a_failing_model_gives_one_clear_message(index: Index) -> None:
    model = Scripted(error="connection refused")
    for final in (
        ask(QUESTION, answerer=answerer(index, model), index=index),
        list(ask_stream(QUESTION, answerer=answerer(index, model), index=index))[-1],
    ):
        assert isinstance(final, Answer)
        assert final.notice.startswith("The local model") and "cannot be reached" in final.notice
        assert "19 October 2023" in final.text and final.citations


def test_a_slow_model_is_stopped_at_the_timeout(index: Index) -> None:
    model = Scripted(reply="The plan was launched on 19 October 2023 in Bamako after a long ceremony [1].", pause=0.2)
    started = time.monotonic()
    final = list(ask_stream(QUESTION, answerer=answerer(index, model, timeout=0.5), index=index))[-1]
    assert time.monotonic() - started < 5
    assert isinstance(final, Answer) and "did not answer within 0.5 s" in final.notice


def test_a_missing_model_file_is_a_notice(index: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSROOM_LLM_MODEL", str(tmp_path / "nothing.gguf"))
    answer = ask(QUESTION, answerer="llm", index=index)
    assert f"No model file at {tmp_path / 'nothing.gguf'}" in answer.notice and "19 October 2023" in answer.text


def test_a_missing_llama_cpp_is_a_notice(index: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setenv("PRESSROOM_LLM_MODEL", str(gguf))
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # import llama_cpp now fails
    answer = ask(QUESTION, answerer="llm", index=index)
    assert "needs llama-cpp-python" in answer.notice and "pip install" in answer.notice
    assert "19 October 2023" in answer.text


def test_bad_settings_are_a_notice_too(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSROOM_LLM", "telepathy")
    answer = ask(QUESTION, answerer="llm", index=index)
    assert "PRESSROOM_LLM must be one of local, openai, ollama" in answer.notice
    assert "19 October 2023" in answer.text


def test_follow_ups_fall_back_to_the_rule_without_a_model(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSROOM_LLM", "telepathy")
    llm = get_answerer(index, "llm")
    assert isinstance(llm, GenerativeAnswerer)
    assert llm.rewrite("Who chaired it?", [("When was the plan launched?", "On 19 October 2023.")]) == (
        "Who chaired it? (When was the plan launched?)"
    )


def test_the_model_rewrites_follow_ups(index: Index) -> None:
    model = FakeListChatModel(responses=["Rewritten question: Who chaired the launch of the plan?"])
    query = answerer(index, model).rewrite(
        "Who chaired it?", [{"role": "user", "content": "When was the plan launched?"}]
    )
    assert query == "Who chaired the launch of the plan?"


def test_passages_and_rules_are_in_separate_messages(index: Index) -> None:
    model = Scripted(reply="The plan was launched on 19 October 2023 [1].")
    ask(QUESTION, answerer=answerer(index, model), index=index, k=3)
    system, user = model.seen[-1]
    assert system.type == "system" and "Bamako" not in system.text and "[1]" in system.text
    assert user.type == "human" and "Bamako" in user.text
    assert [line[:4] for line in user.text.splitlines() if line.startswith("[")] == ["[1] ", "[2] ", "[3] "]
    assert user.text.rstrip().endswith(f"Question: {QUESTION}")


def test_a_supported_answer_beside_the_point_gives_the_extractive_one(index: Index) -> None:
    model = FakeListChatModel(responses=["The plan was launched in Bamako by the Minister of Justice [1]."])
    answer = ask(QUESTION, answerer=answerer(index, model), index=index)
    assert answer.notice.startswith("The model's answer does not give the date the question asks for")
    assert "19 October 2023" in answer.text and [c.supported for c in answer.grounding] == [True]
