"""The served chat, driven with gradio_client as a script would: answers, uploads, escaping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.citations import verify
from assistant.types import Citation
from tests.ui.conftest import GRADIO_NOISE, HOSTILE_MEMO, HOSTILE_QUESTION, WATER_QUESTION, WATER_REPORT, Served

pytestmark = [pytest.mark.integration, pytest.mark.slow, GRADIO_NOISE]


@pytest.fixture
def client(release_app: Served) -> Iterator[Any]:
    from gradio_client import Client

    client = Client(release_app.url, verbose=False)
    yield client
    client.close()


def upload(client: Any, path: Path) -> str:
    """Upload one file through the Library's upload event; returns the status message HTML."""
    from gradio_client import handle_file

    status, *_ = client.predict([handle_file(str(path))], api_name="/add_documents")
    return str(status)


def test_ask_endpoint_returns_citations_that_verify(client: Any, release_app: Served) -> None:
    answer = client.predict("Who chaired the launch ceremony?", api_name="/ask")

    assert not answer["abstained"]
    assert "KASSOGUE" in answer["text"] and "[1]" in answer["text"]
    assert answer["citations"], answer
    for raw in answer["citations"]:
        citation = Citation(**raw)
        assert verify(citation, release_app.index.get_document(citation.source)), raw


def test_ask_endpoint_takes_k_and_answerer_and_reports_errors_in_words(client: Any) -> None:
    from gradio_client.exceptions import AppError

    answer = client.predict("When was the plan launched?", 3, "extractive", api_name="/ask")
    assert len(answer["passages"]) <= 3
    with pytest.raises(AppError, match="question is empty"):
        client.predict("   ", api_name="/ask")
    with pytest.raises(AppError, match="Unknown answerer"):
        client.predict("When?", 5, "oracle", api_name="/ask")


def test_every_argument_of_ask_and_chat_is_checked_with_the_command_lines_message(
    client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The probe's ``predict("What is copyleft?", "abc", api_name="/ask")`` gave "Something went wrong
    ... (ValueError)": now each bad value gets the one sentence ``pressroom ask`` prints for it."""
    from gradio_client.exceptions import AppError

    from ui.cli import main

    cases = [
        (("What is copyleft?", "abc", "extractive"), ["-k", "abc"]),
        (("What is copyleft?", 2.5, "extractive"), ["-k", "2.5"]),
        (("What is copyleft?", 0, "extractive"), ["-k", "0"]),
        (("What is copyleft?", 5, "oracle"), ["--answerer", "oracle"]),
    ]
    for (question, k, answerer), options in cases:
        assert main(["ask", *options, question]) == 1
        said = capsys.readouterr().err.removeprefix("error: ").strip()
        with pytest.raises(AppError) as refused:
            client.predict(question, k, answerer, api_name="/ask")
        assert str(refused.value) == said, (options, said)
        messages, _box, _sources = client.predict(question, k, answerer, api_name="/chat")
        assert said in _text(messages[-1]).replace("\\", ""), (said, messages[-1])  # markdown escapes removed
    for question in (["a", "list"], {"a": 1}, 42):
        with pytest.raises(AppError, match="The question must be text"):
            client.predict(question, 5, "extractive", api_name="/ask")
    with pytest.raises(AppError, match="Unknown answerer"):
        client.predict("When?", 5, ["extractive"], api_name="/ask")


def test_upload_makes_a_new_document_answerable(client: Any, write_file: Callable[[str, str], Path]) -> None:
    before = client.predict(WATER_QUESTION, api_name="/ask")
    assert "48" not in before["text"]

    status = upload(client, write_file("kayes-water.txt", WATER_REPORT))

    assert "Added" in status and "Rainwater Harvesting Pilot" in status
    after = client.predict(WATER_QUESTION, api_name="/ask")
    assert not after["abstained"] and "48 cisterns" in after["text"]
    assert after["citations"][0]["source"] == "kayes-water"


def test_follow_up_question_uses_the_conversation(client: Any) -> None:
    client.predict("When was the plan launched?", 5, "extractive", api_name="/chat")
    messages, _box, _sources = client.predict("Who chaired it?", 5, "extractive", api_name="/chat")

    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]
    assert "KASSOGUE" in _text(messages[-1])


def test_hostile_document_is_shown_as_text(client: Any, write_file: Callable[[str, str], Path]) -> None:
    upload(client, write_file("hostile-memo.txt", HOSTILE_MEMO))

    messages, _box, sources = client.predict(HOSTILE_QUESTION, 5, "extractive", api_name="/chat")
    reply = _text(messages[-1])

    assert "4 March 2024" in reply
    # The source card is HTML: the memo's tags arrive as entities, so the browser shows them as text.
    assert "<script" not in sources and "<img" not in sources
    assert "&lt;script&gt;" in sources and "&lt;img src=x onerror=" in sources
    # The chat message is markdown: entities for tags, and backslashes so no link or image can form.
    assert "<script" not in reply and "&lt;script&gt;" in reply
    assert "](" not in reply and "$$" not in reply
    # The JSON API is data, not markup: it returns the document's characters exactly.
    answer = client.predict(HOSTILE_QUESTION, api_name="/ask")
    assert "<script>" in answer["citations"][0]["quote"]


def _text(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def test_upload_accepts_a_file_without_an_extension(client: Any, write_file: Callable[[str, str], Path]) -> None:
    """Issue 18: the file picker refused LICENSE (a red toast, and the drop zone stuck on "Error")."""
    from ui.app import UPLOAD_TYPES

    status = upload(
        client,
        write_file(
            "LICENSE", "Licence Of The Harvest Data\n\nThe harvest data may be shared by every cooperative in Mopti.\n"
        ),
    )

    assert UPLOAD_TYPES is None  # the picker offers every file; the readers decide by content
    assert "Added" in status and "Licence Of The Harvest Data" in status
    answer = client.predict("What may every cooperative in Mopti share?", api_name="/ask")
    assert answer["citations"] and answer["citations"][0]["source"] == "license"
