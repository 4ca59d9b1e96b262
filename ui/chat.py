"""The conversation behind the chat screen, free of Gradio so it can be tested directly.

A conversation is a list of :class:`Turn` (question, answer or error) kept per browser session.
:meth:`Conversation.respond` streams one reply: the question appears at once, the answer text
then grows piece by piece, and the sources arrive with the last piece.

>>> conversation = Conversation(default_index())                       # doctest: +SKIP
>>> steps = list(conversation.respond("When was the plan launched?", []))   # doctest: +SKIP
>>> steps[-1].turns[0].answer.citations[0].quote                      # doctest: +SKIP
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant import Answer, ask_stream, check_inputs
from knowledge import Document, Index, brief
from ui import render
from ui.failures import explain
from ui.feedback import FeedbackLog, vote_name

STREAM_PIECES = 24  # a reply is revealed in at most this many steps ...
STREAM_DELAY = 0.025  # ... this many seconds apart: about half a second for the longest answer
REFRESH_SECONDS = 0.05  # while a model writes, the screen is updated at most this often
THANKS = {
    "up": "Thank you: the answer is marked as good.",
    "down": "Thank you: the answer is marked for review.",
    "cleared": "Your vote was removed.",
}
_PIECE = re.compile(r"\[\d+\]|\S+\s*|\s+")  # markers arrive whole, never as "[1" then "]"


@dataclass(frozen=True)
class Turn:
    """One exchange: the question and either its answer or the error that stopped it."""

    question: str
    answer: Answer | None = None
    error: str = ""
    k: int = 5

    @property
    def reply_text(self) -> str:
        """What the assistant said, as plain text (what a follow-up question sees as history)."""
        return self.answer.text if self.answer else self.error

    def reply_markdown(self) -> str:
        if self.answer is not None:
            return render.answer_markdown(self.answer)
        return f"⚠️ {render.escape_markdown(self.error)}"


@dataclass(frozen=True)
class Step:
    """One update of the screen while a reply streams in."""

    turns: list[Turn]
    messages: list[dict[str, Any]]
    sources: str | None = None  # new Sources panel HTML, or None to leave the panel as it is
    done: bool = False


def answer_items(
    question: str, history: list[dict[str, str]], k: object, answerer: str, index: Index, rerank: bool = True
) -> Iterator[str | Answer]:
    """The answer as it is produced: text pieces while a model writes, then the checked ``Answer``
    (``assistant.ask_stream``; the extractive answerer gives its text in one piece)."""
    yield from ask_stream(question, history=history, k=k, answerer=answerer, index=index, rerank=rerank)  # type: ignore[arg-type]


def chat_messages(turns: Sequence[Turn]) -> list[dict[str, Any]]:
    """The Chatbot value for ``turns``: one user and one assistant message each, all escaped."""
    messages: list[dict[str, Any]] = []
    for turn in turns:
        messages.append({"role": "user", "content": render.escape_markdown(turn.question)})
        messages.append({"role": "assistant", "content": turn.reply_markdown()})
    return messages


def history_for(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """Earlier turns as ``ask`` takes them: plain ``{"role", "content"}`` messages."""
    history: list[dict[str, str]] = []
    for turn in turns:
        history.append({"role": "user", "content": turn.question})
        history.append({"role": "assistant", "content": turn.reply_text})
    return history


def turn_position(turns: Sequence[Turn], message_index: object) -> int | None:
    """The position in ``turns`` of the chat message at ``message_index`` (Gradio's index: an int or a tuple)."""
    index = message_index[0] if isinstance(message_index, (list, tuple)) and message_index else message_index
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index // 2 < len(turns):
        return None
    return index // 2


def pieces(text: str, limit: int = STREAM_PIECES) -> list[str]:
    """Growing prefixes of ``text``, at most ``limit`` of them, cut between words."""
    tokens = _PIECE.findall(text)
    if not tokens:
        return [text]
    size = max(1, -(-len(tokens) // limit))
    return ["".join(tokens[:end]) for end in range(size, len(tokens) + size, size)]


@dataclass
class Conversation:
    """Answers, sources, documents and votes for the chat, all against one ``index``."""

    index: Index
    stream_delay: float = STREAM_DELAY
    feedback: FeedbackLog = field(init=False)

    def __post_init__(self) -> None:
        self.feedback = FeedbackLog(self.index.settings.home)

    @property
    def home(self) -> Path:
        return self.index.settings.home

    def respond(
        self,
        question: object,
        turns: Sequence[Turn],
        k: object = 5,
        answerer: object = "extractive",
        rerank: bool = True,
    ) -> Iterator[Step]:
        """Stream the reply to ``question``; the last step carries the new turns and the sources.

        The arguments come from the page or from the ``/chat`` endpoint as they are sent (Gradio does
        not convert them first), and are checked as ``ask`` checks them: a bad ``k`` or answerer
        gets the command line's message as the reply. ``rerank=False`` leaves out the cross-encoder.
        """
        turns = list(turns or [])
        if question is None or (isinstance(question, str) and not question.strip()):
            yield Step(turns, chat_messages(turns), done=True)  # nothing was asked
            return
        shown = question.strip() if isinstance(question, str) else brief(question)  # as the conversation shows it
        asked = chat_messages(turns) + [{"role": "user", "content": render.escape_markdown(shown)}]
        yield Step(
            turns,
            asked,
            render.empty_panel("Searching the documents…", "The passages this answer quotes will appear here."),
        )
        written = ""  # a model's words so far, shown (escaped, unchecked) while it writes
        pieces_seen = 0
        shown_at = 0.0
        checked_k = 0  # recorded with the turn (and its feedback) once known to be valid
        try:
            inputs = check_inputs(question, k, answerer)
            checked_k = inputs.k
            answer: Answer | None = None
            for item in answer_items(
                inputs.question, history_for(turns), inputs.k, inputs.answerer, self.index, bool(rerank)
            ):
                if isinstance(item, Answer):
                    answer = item
                    continue
                written, pieces_seen = written + item, pieces_seen + 1
                if pieces_seen > 1 and time.monotonic() - shown_at >= REFRESH_SECONDS:
                    shown_at = time.monotonic()
                    yield Step(turns, asked + [{"role": "assistant", "content": render.marked_markdown(written)}])
            if answer is None:
                raise RuntimeError("the assistant gave no answer")
            turn = Turn(shown, answer=answer, k=checked_k)
        except Exception as error:  # noqa: BLE001 - the chat's reply: every failure is a message (explain logs bugs)
            turn = Turn(shown, error=explain(error, self.home), k=checked_k)
        if turn.answer is not None and not turn.answer.abstained and pieces_seen <= 1:
            # The answer came whole (the extractive answerer): reveal it at reading pace all the same.
            known = [citation.marker for citation in turn.answer.citations]
            for partial in pieces(turn.answer.text)[:-1]:
                yield Step(turns, asked + [{"role": "assistant", "content": render.marked_markdown(partial, known)}])
                time.sleep(self.stream_delay)
        turns.append(turn)
        yield Step(turns, chat_messages(turns), self.sources_for(turn), done=True)

    def sources_for(self, turn: Turn | None) -> str:
        """The Sources panel for ``turn`` (its citations, or the closest passages)."""
        if turn is None:
            return render.sources_panel(None, self.document_or_none)
        if turn.answer is None:
            return render.notice(turn.error, "error")
        return render.sources_panel(turn.answer, self.document_or_none)

    def document_or_none(self, source: str) -> Document | None:
        """The stored document, or None (removed meanwhile, or the store failed: cards then show
        the retrieved passage alone)."""
        try:
            return self.index.get_document(source)
        except Exception:  # noqa: BLE001 - drawing a reply's sources: a card can show its passage alone
            return None

    def open_document(self, source: object, start: object = None, end: object = None) -> str:
        """The document viewer at ``start:end`` of ``source``; a message if it cannot be shown."""
        try:
            document = self.index.get_document(str(source))
            begin, finish = _offset(start), _offset(end)
            return render.document_view(document, begin, finish)
        except Exception as error:  # noqa: BLE001 - a chat handler: any failure is a message (explain logs bugs)
            return render.notice(explain(error, self.home, "opening the document"), "error")

    def vote(self, turns: Sequence[Turn], message_index: object, liked: object) -> tuple[bool, str]:
        """Record a thumbs up/down on the answer at ``message_index``: ``(saved, message for the person)``."""
        position = turn_position(turns, message_index)
        if position is None:
            return False, "That message is no longer in the conversation."
        turn = turns[position]
        answer = turn.answer.as_dict() if turn.answer else {"text": turn.error}
        vote = vote_name(liked)
        try:
            self.feedback.record(vote, turn.question, answer, [t.question for t in turns[:position]], turn.k)
        except Exception as error:  # noqa: BLE001 - a chat handler: any failure is a message (explain logs bugs)
            return False, explain(error, self.home, "saving your feedback")
        return True, THANKS[vote]


def _offset(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
