"""The generative answerer: a chat model writes the answer from numbered passages; every sentence is checked.

The flow of one answer:

1. the prompt (``assistant.prompt``) gives the rules in the system message and the passages,
   fenced and cleaned of anything addressed to a model, in the user message;
2. the model streams its answer (``stream`` yields the text as it comes);
3. the grounding check (``assistant.grounding``) keeps each sentence with the evidence sentence
   that supports it as its citation, removes markers to no passage and flags unsupported sentences;
4. when the model cannot be used (not installed, server down, too slow, cut off mid-answer) or its
   answer as a whole is unsupported, the extractive answer is given instead, with a notice saying so.

With history, the question is first rewritten into a standalone one by the model
(``assistant.rewrite``), or by the rule-based method when the model cannot do it.

>>> answerer = GenerativeAnswerer(index.embedder, index.document_of, fallback=extractive)   # doctest: +SKIP
>>> draft = answerer.answer(q, q, index.search(q))                                          # doctest: +SKIP
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from assistant.answerer import ABSTAIN_TEXT, Answerer, Draft
from assistant.chat_models import chat_model
from assistant.grounding import GroundingChecker, Thresholds
from assistant.kinds import kind_strength
from assistant.llm import REPORTS_FINISH, LLMSettings, ModelCutOff, ModelTimeout, explain_failure, finished
from assistant.prompt import build_messages, strip_echo
from assistant.question import Expect, expected
from assistant.rewrite import rewrite
from assistant.types import SentenceCheck
from knowledge import ConfigError, Document, Embedder, Passage

_MARKERS = re.compile(r"\s*\[\d+\]")
UNSUPPORTED_NOTICE = "The model's answer is not supported by the sources, so this is the extractive answer instead."
# Replies that mean "the sources do not say" (the prompt asks for the first one exactly).
_ABSTENTION = re.compile(
    r"^\W*(?:the sources? (?:do|does) not (?:say|answer|mention|contain|provide|state)|"
    r"(?:there is |i (?:have|found) )?no (?:information|answer|mention)|"
    r"i (?:do not|don't|cannot|can't) (?:know|answer|find)|"
    r"(?:the )?(?:sources?|passages?|documents?|text) (?:do|does)(?: not|n't) "
    r"(?:say|answer|mention|contain|provide|state))",
    re.IGNORECASE,
)


ModelSource = Callable[[], Any]


class GenerativeAnswerer(Answerer):
    """Answers with a chat model, checked sentence by sentence; falls back to ``fallback``.

    ``model`` is a LangChain chat model, or ``None`` to build one from ``LLMSettings.from_env()``
    at each answer (so changed settings apply at once; loaded models are reused).
    """

    name = "llm"

    def __init__(
        self,
        embedder: Embedder | None,
        documents: Callable[[Passage], Document],
        fallback: Answerer,
        model: Any | None = None,
        settings: LLMSettings | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.fallback = fallback
        self.checker = GroundingChecker(embedder, documents, thresholds)
        self._model, self._settings = model, settings
        self._built: dict[LLMSettings, Any] = {}
        self._lock = threading.Lock()

    @property
    def settings(self) -> LLMSettings:
        return self._settings or LLMSettings.from_env()

    def model(self, settings: LLMSettings | None = None) -> Any:
        """The chat model (built once per distinct settings); raises ``ModelError``/``ConfigError``."""
        if self._model is not None:
            return self._model
        settings = settings or self.settings
        with self._lock:
            if settings not in self._built:
                self._built[settings] = chat_model(settings)
            return self._built[settings]

    def rewrite(self, question: str, history: Sequence[object] | None) -> str:
        """The standalone form of a follow-up, by the model when it can, else by rule."""
        try:
            settings = self.settings
            model = self.model(settings) if history else None
        except Exception:  # noqa: BLE001 - a boundary: a provider's constructor (langchain-openai, -ollama)
            # raises errors of its own, not documented; a model that cannot be built leaves the rule-based rewrite.
            model, settings = None, None
        return rewrite(question, history, model, timeout=min(20.0, settings.timeout) if settings else 20.0)

    def answer(self, question: str, query: str, passages: Sequence[Passage]) -> Draft:
        draft: Draft | None = None
        for item in self._run(question, query, passages, stream=False):
            if isinstance(item, Draft):
                draft = item
        assert draft is not None
        return draft

    def stream(self, question: str, query: str, passages: Sequence[Passage]) -> Iterator[str | Draft]:
        """The answer as it is written (``str`` pieces), then the checked ``Draft`` (which may differ)."""
        return self._run(question, query, passages, stream=True)

    def _run(self, question: str, query: str, passages: Sequence[Passage], stream: bool) -> Iterator[str | Draft]:
        if not passages:
            yield self.fallback.answer(question, query, passages)
            return
        pieces: list[str] = []
        try:
            settings = self.settings
            model = self.model(settings)
            messages = build_messages(question, passages)
            if stream:
                deadline, done = time.monotonic() + settings.timeout, False
                for chunk in model.stream(messages):
                    text, done = _text(chunk), done or finished(chunk)
                    if text:
                        pieces.append(text)
                        yield text
                    if time.monotonic() > deadline:
                        raise ModelTimeout(f"no complete answer within {settings.timeout:g} s")
                if not done and getattr(model, "_llm_type", "") in REPORTS_FINISH:
                    raise ModelCutOff("the answer stream ended before the model finished")
            else:
                pieces.append(_text(model.invoke(messages)))
        except Exception as error:  # noqa: BLE001 - a boundary: any LangChain chat model, any provider's errors
            # (not documented): whatever failed, the person gets the extractive answer and one sentence why.
            settings = self._settings_or_default()
            yield self._fall_back(question, query, passages, explain_failure(error, settings), ())
            return
        yield self.finish(question, query, passages, "".join(pieces))

    def finish(self, question: str, query: str, passages: Sequence[Passage], reply: str) -> Draft:
        """The checked draft for the model's complete ``reply``."""
        reply = _complete(strip_echo(reply, passages))
        if not reply:
            return self._fall_back(
                question, query, passages, "The model returned an empty answer; this is the extractive answer.", ()
            )
        if _ABSTENTION.match(reply):
            return Draft(text=ABSTAIN_TEXT, abstained=True, notes=("the model found no answer in the sources",))
        grounded = self.checker.check(reply, passages, question)
        if grounded.whole_unsupported:
            return self._fall_back(question, query, passages, UNSUPPORTED_NOTICE, grounded.checks, grounded.notes)
        kind = expected(question)
        supported = [_MARKERS.sub("", c.sentence) for c in grounded.checks if c.supported]
        if kind is not Expect.ANY and not any(kind_strength(text, kind, question) > 0 for text in supported):
            # Supported, but beside the point: "When ...?" answered without a date.
            notice = (
                f"The model's answer does not give the {kind.value} the question asks for, "
                "so this is the extractive answer instead."
            )
            return self._fall_back(question, query, passages, notice, grounded.checks, grounded.notes)
        unsupported = sum(not c.supported for c in grounded.checks)
        notice = (
            f"{unsupported} sentence{'s' if unsupported > 1 else ''} of this answer "
            f"{'are' if unsupported > 1 else 'is'} not supported by the sources and "
            f"{'have' if unsupported > 1 else 'has'} no citation."
            if unsupported
            else ""
        )
        notes = (f"grounded {len(grounded.checks) - unsupported}/{len(grounded.checks)} sentences",) + grounded.notes
        return Draft(
            text=grounded.text,
            quotes=grounded.quotes,
            notes=((notice,) if notice else ()) + notes,
            grounding=grounded.checks,
            notice=notice,
        )

    def _fall_back(
        self,
        question: str,
        query: str,
        passages: Sequence[Passage],
        notice: str,
        checks: tuple[SentenceCheck, ...],
        notes: tuple[str, ...] = (),
    ) -> Draft:
        draft = self.fallback.answer(question, query, passages)
        return Draft(
            text=draft.text,
            quotes=draft.quotes,
            abstained=draft.abstained,
            notes=(notice, "fell back to the extractive answer") + notes + draft.notes,
            grounding=tuple(replace(c, markers=()) for c in checks),
            notice=notice,
        )

    def _settings_or_default(self) -> LLMSettings:
        try:
            return self.settings
        except ConfigError:  # settings that cannot be read: messages describe the default model
            return LLMSettings()


def _complete(reply: str) -> str:
    """The reply without a last sentence cut off by the token limit (it has no final punctuation)."""
    reply = reply.strip()
    cut = max(reply.rfind(". "), reply.rfind("! "), reply.rfind("? "), reply.rfind(".\n"))
    if cut > 0 and not re.search(r"[.!?…\]\"”')]\s*$", reply):
        return reply[: cut + 1]
    return reply


def _text(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(block.get("text", "") if isinstance(block, dict) else str(block) for block in content)
    return str(content or "")
